using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

/// <summary>
/// NannyML's multivariate drift (DataReconstructionDriftCalculator; docs/multivariate-drift.md) computed in the
/// engine: the reference's category frequencies (one GROUP BY per categorical column), then one aggregate pass for
/// the count, means of the imputed numbers, sums and sums of products of the imputed, encoded features; the PCA is
/// fitted from those (<see cref="PcaReconstruction"/>), and each chunk's mean reconstruction error is one SQL
/// expression per row averaged by GROUP BY chunk, on the reference (for the thresholds) and on the current data.
/// </summary>
internal static class MultivariateDriftAnalysis
{
    private static string Num(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <param name="refRows">The reference's rows.</param>
    /// <param name="refColumns">Per column, from the column tests' counts of the reference: the values left out, the
    /// mean of the numbers (numerical columns), the category counts (categorical columns).</param>
    /// <remarks>Columns that hold one value in the reference (after imputation) carry no information for the PCA and
    /// would be standardised by a zero spread: they are left out, and the result names them in its note. When every
    /// column is constant there is nothing to reconstruct, and that is a one-line input error.</remarks>
    public static MultivariateDrift Run(OpenedSource reference, OpenedSource current, IReadOnlyList<DriftAnalysis.Column> allColumns,
        long refRows, IReadOnlyList<(long Missing, double Mean, IReadOnlyDictionary<string, long>? Categories, bool Constant)> allRefColumns,
        string refChunkExpr, string curChunkExpr, Func<double, long, string> keyOf)
    {
        if (allColumns.Count == 0) throw new VigilInputException("--multivariate: no columns");
        var kept = Enumerable.Range(0, allColumns.Count).Where(k => !allRefColumns[k].Constant).ToList();
        var constant = Enumerable.Range(0, allColumns.Count).Where(k => allRefColumns[k].Constant).Select(k => allColumns[k].Name).ToList();
        if (kept.Count == 0)
            throw new VigilInputException($"--multivariate: every compared column is constant in {reference.Description} ({string.Join(", ", constant)}), so there is no variation to reconstruct; leave out --multivariate or compare columns that vary");
        var columns = kept.Select(k => allColumns[k]).ToList();
        var refColumns = kept.Select(k => allRefColumns[k]).ToList();
        var rd = reference.Engine.Dialect;
        int d = columns.Count;

        // Numbers: NaN and infinities count as missing, as in the column tests.
        string Value(SqlDialect dialect, DriftAnalysis.Column c)
        {
            var q = dialect.QuoteIdentifier(c.Name);
            return c.Type == ColumnType.Numerical
                ? $"(CASE WHEN CAST({q} AS {dialect.Double}) BETWEEN -1.7976931348623157e308 AND 1.7976931348623157e308 THEN CAST({q} AS {dialect.Double}) END)"
                : dialect.CastToText(q);
        }

        // Imputation: the mean of the numbers; the most frequent category (ties: the smallest), whose count takes the
        // missing values; count encoding: a category's share of the reference's rows. All from the counts the column
        // tests already made, so the reference is not read again for them.
        if (refRows == 0) throw new VigilInputException($"{reference.Description}: no rows");
        var fill = new double[d];
        var freqs = new Dictionary<string, double>?[d];
        var modes = new string?[d];
        for (var k = 0; k < d; k++)
        {
            var (missing, mean, categories, _) = refColumns[k];
            if (columns[k].Type == ColumnType.Numerical)
            {
                fill[k] = mean;
                if (double.IsNaN(fill[k])) throw new VigilInputException($"--multivariate: column '{columns[k].Name}' has no numbers in {reference.Description}");
                continue;
            }
            var counts = new Dictionary<string, long>(categories!, StringComparer.Ordinal);
            if (counts.Count == 0) throw new VigilInputException($"--multivariate: column '{columns[k].Name}' has no values in {reference.Description}");
            var mode = counts.OrderByDescending(p => p.Value).ThenBy(p => p.Key, StringComparer.Ordinal).First().Key;
            counts[mode] += missing;
            modes[k] = mode;
            freqs[k] = counts.ToDictionary(p => p.Key, p => (double)p.Value / refRows, StringComparer.Ordinal);
        }

        // The encoded, imputed feature k as SQL. Categories unseen in the reference encode as 0.
        string Encoded(SqlDialect dialect, int k)
        {
            var c = columns[k];
            if (c.Type == ColumnType.Numerical) return $"coalesce({Value(dialect, c)}, CAST({Num(fill[k])} AS {dialect.Double}))";
            var sb = new StringBuilder($"(CASE coalesce({Value(dialect, c)}, '{modes[k]!.Replace("'", "''", StringComparison.Ordinal)}')");
            foreach (var (cat, f) in freqs[k]!.OrderBy(p => p.Key, StringComparer.Ordinal))
                sb.Append(CultureInfo.InvariantCulture, $" WHEN '{cat.Replace("'", "''", StringComparison.Ordinal)}' THEN CAST({Num(f)} AS {dialect.Double})");
            sb.Append(CultureInfo.InvariantCulture, $" ELSE CAST(0 AS {dialect.Double}) END)");
            return sb.ToString();
        }

        // One pass: sums and sums of products.
        var sums = new double[d];
        var products = new double[d, d];
        {
            var inner = string.Join(", ", Enumerable.Range(0, d).Select(k => $"{Encoded(rd, k)} AS e{k}_"));
            var aggs = new List<string>();
            for (var i = 0; i < d; i++) aggs.Add($"sum(e{i}_)");
            for (var i = 0; i < d; i++)
                for (var j = i; j < d; j++) aggs.Add($"sum(e{i}_ * e{j}_)");
            var t = reference.Engine.Query($"SELECT {string.Join(", ", aggs)} FROM (SELECT {inner} FROM {reference.Relation}) s");
            var col = 0;
            for (var i = 0; i < d; i++) sums[i] = t.GetDouble(col++, 0);
            for (var i = 0; i < d; i++)
                for (var j = i; j < d; j++) products[i, j] = t.GetDouble(col++, 0);
        }
        var (means, stds, cov) = PcaReconstruction.MomentsFromSums(refRows, sums, products);
        var pca = PcaReconstruction.Fit(cov, means, stds);

        List<(double Key, long Rows, double Error)> PerChunk(OpenedSource source, string chunkExpr)
        {
            var dl = source.Engine.Dialect;
            var z = string.Join(", ", Enumerable.Range(0, d).Select(k =>
                $"(({Encoded(dl, k)}) - CAST({Num(pca.Means[k])} AS {dl.Double})) / CAST({Num(pca.Scales[k])} AS {dl.Double}) AS z{k}_"));
            var r = string.Join(", ", Enumerable.Range(0, d).Select(j =>
                "(" + string.Join(" + ", Enumerable.Range(0, d).Select(i => $"CAST({Num(pca.Residual[j, i])} AS {dl.Double}) * z{i}_")) + $") AS r{j}_"));
            var err = "sqrt(" + string.Join(" + ", Enumerable.Range(0, d).Select(j => $"r{j}_ * r{j}_")) + ")";
            var sql = $"SELECT p_, avg({err}) AS e_, CAST(count(*) AS {dl.Double}) AS n_ FROM (SELECT p_, {r} FROM (SELECT CAST({chunkExpr} AS {dl.Double}) AS p_, {z} FROM {source.Relation}) a) b " +
                      "WHERE p_ IS NOT NULL GROUP BY p_ ORDER BY p_";
            var t = source.Engine.Query(sql);
            var list = new List<(double, long, double)>();
            for (var i = 0; i < t.RowCount; i++)
            {
                var key = t.GetDouble(0, i);
                if (double.IsNaN(key)) continue;
                list.Add((key, (long)t.GetDouble(2, i), t.GetDouble(1, i)));
            }
            return list;
        }

        var refChunks = PerChunk(reference, refChunkExpr);
        if (refChunks.Count == 0) throw new VigilInputException($"--multivariate: {reference.Description} has no chunks");
        var (lower, upper) = PcaReconstruction.Thresholds(refChunks.Select(c => c.Error).ToList());
        // Reference chunks that all reconstruct equally (one column left: the reconstruction is exact, the error 0)
        // give no band at all: a chunk then drifts only when its error differs from theirs beyond rounding.
        var degenerate = lower is null && refChunks.All(c => c.Error == refChunks[0].Error);
        bool Drifted(double error) => degenerate
            ? Math.Abs(error - upper) > 1e-9 * Math.Max(1, Math.Abs(upper))
            : PcaReconstruction.Drifted(error, lower, upper);
        var chunks = PerChunk(current, curChunkExpr)
            .Select(c => new MultivariateChunk(keyOf(c.Key, c.Rows), c.Rows, c.Error, Drifted(c.Error)))
            .ToList();
        var notes = new List<string>();
        if (constant.Count > 0)
            notes.Add($"left out of the PCA: {string.Join(", ", constant)} ({(constant.Count == 1 ? "constant" : "each constant")} in the reference, so {(constant.Count == 1 ? "it carries" : "they carry")} no variation to learn from; the column tests still cover {(constant.Count == 1 ? "it" : "them")})");
        if (columns.Count == 1)
            notes.Add($"only {columns[0].Name} varies in the reference: one column is reconstructed exactly, so the error is 0 and multivariate drift adds nothing to its column test");
        else if (degenerate)
            notes.Add($"the reference chunks' errors do not vary (all {upper.ToString("G4", CultureInfo.InvariantCulture)}), so there is no band; a chunk drifts only when its error differs");
        return new MultivariateDrift(pca.Components, pca.ExplainedVariance, lower, upper, refChunks.Count, columns.Select(c => c.Name).ToArray(), chunks)
        {
            ExcludedColumns = constant,
            Note = notes.Count == 0 ? null : string.Join("; ", notes),
        };
    }
}
