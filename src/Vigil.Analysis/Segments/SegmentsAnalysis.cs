using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Testing;
using Vigil.Statistics.Segments;

namespace Vigil.Analysis.Segments;

/// <summary>
/// <c>vigil segments</c>: every segment defined by one --by column's value (and, at depth 2, by two columns' values)
/// against its complement. One aggregate pass (<see cref="SegmentKeys"/>) cuts the columns; one <c>GROUPING SETS</c>
/// query over the source then counts every segment's sufficient statistics at once (rows, positives, Σscore,
/// Σscore(1−score), the confusion counts at the threshold, ten calibration bins; for AUC the positives and negatives
/// per score cell). The complement of a segment is the overall statistics minus the segment's. Each segment's gap is
/// tested (<see cref="GapTests"/>), the p-values adjusted by Benjamini–Hochberg, and the significant segments ranked
/// by the size of the gap.
/// </summary>
internal static class SegmentsAnalysis
{
    /// <summary>AUC only: scores are rounded to multiples of 1/ScoreGrid (cells), the one approximation.</summary>
    public const int ScoreGrid = 10000;

    private const int EceBins = 10;

    /// <summary>The rows are grouped by every key before the grouping sets while the groups can be at most this many
    /// (the product of the columns' cardinalities and the cells). Measured on 10M rows, 4 columns and AUC cells (2.5M
    /// groups): 9.4 s grouped first against 13.4 s on the rows; at worst (every row its own group) grouping first costs
    /// one more hash aggregate.</summary>
    private const double PreAggregateUpTo = 1e6;

    public static SegmentsResult Run(OpenedSource source, SegmentsOptions o, IAnalysisProgress? progress = null)
    {
        progress ??= NoProgress.Instance;
        Validate(o);
        if (source.Engine.Query($"SELECT 1 FROM {source.Relation} LIMIT 1").RowCount == 0)
            throw new VigilInputException($"{source.Description}: no rows");
        var cols = ColumnResolver.Resolve(source.Columns, o.Mapping, ColumnNeeds.Label | ColumnNeeds.ScoreOrPrediction, source.Description);
        if (cols.Score is null)
            throw new VigilInputException($"{source.Description}: no score column: expected '{MappingOptions.DefaultScore}' or one named by --score; segments needs a probability score and 0/1 labels");
        foreach (var b in o.By)
            if (b == cols.Score.Name || b == cols.Label!.Name)
                throw new VigilInputException($"--by: '{b}' is the {(b == cols.Score.Name ? "score" : "label")} column; segment by other columns");
        var x = new RoleExpressions(source.Engine.Dialect, source.Description);
        var s = x.StrictNumber(cols.Score, "--score");
        var y = x.BinaryLabel(cols.Label!);
        var nan = $"CAST('NaN' AS {source.Engine.Dialect.Double})";

        progress.Stage("Cutting the columns");
        var keys = SegmentKeys.Resolve(source, x, o.By, o.Buckets, o.MaxValues, o.ProbeRows);

        progress.Stage("Counting every segment");
        var reason =
            $"CASE WHEN {x.Col(cols.Score)} IS NULL OR {s} = {nan} THEN 'missing_score' WHEN {s} < 0 OR {s} > 1 THEN 'score_out_of_range' " +
            $"WHEN {x.Col(cols.Label!)} IS NULL THEN 'missing_label' WHEN {y} IS NULL THEN 'invalid_label' END";
        var stats = Count(source, x, keys, s, y, reason, o);
        keys = CapValues(stats, keys, o.MaxValues);
        var overall = stats.Overall;
        var segs = stats.Segments;
        var rows = overall.N;
        var excluded = stats.Excluded;
        if (rows == 0)
            throw new VigilInputException($"{source.Description}: no row has both a valid score in [0, 1] and a 0/1 label ('{cols.Score.Name}', '{cols.Label!.Name}')");
        if (o.Metric == "roc_auc")
        {
            if (stats.AucCells!.Pos.Length == 1)
                throw new VigilInputException($"{source.Description}: score column '{cols.Score.Name}' is constant ({SegmentKeys.Num(overall.SumScore / overall.N)}); roc_auc needs scores that vary");
            if (overall.Pos == 0 || overall.Pos == rows)
                throw new VigilInputException($"{source.Description}: label column '{cols.Label!.Name}' has only {(overall.Pos == 0 ? "negatives" : "positives")}; roc_auc needs both classes");
        }
        var minRows = o.MinRows ?? Math.Max(100, (long)Math.Ceiling(rows * 0.005));
        if (segs.Count == 0 || segs.Max(g => g.N) < minRows)
            throw new VigilInputException($"{source.Description}: no segment of --by {string.Join(",", o.By)} has at least {minRows:#,0} rows (the largest has {(segs.Count == 0 ? 0 : segs.Max(g => g.N)):#,0}); lower --min-rows");

        progress.Stage("Testing segments");
        var tested = new List<Tally>();
        foreach (var g in segs)
        {
            g.Gap = Test(o, g, overall, stats);
            if (g.N >= minRows && overall.N - g.N >= minRows && g.Gap.Defined) tested.Add(g);
        }
        var adjusted = MultipleTesting.BenjaminiHochberg([.. tested.Select(g => g.Gap.PValue)]);
        for (var i = 0; i < tested.Count; i++) tested[i].Adjusted = adjusted[i];
        var byKey = segs.ToDictionary(g => g.Key, StringComparer.Ordinal);
        var shown = tested
            .Where(g => g.Adjusted < o.Alpha && WorseThanParents(g, keys.Count, byKey))
            .OrderByDescending(g => Math.Abs(g.Gap.Difference)).ThenBy(g => g.Gap.PValue).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToList();

        var overallValue = OverallValue(o, overall, stats);
        // "predicted 31.0 % churn": the label column's name, unless it is a generic one.
        var label = cols.Label!.Name is var ln && ln.ToLowerInvariant() is "label" or "actual_label" or "y" or "target" or "actual" ? "positive" : ln;
        return new SegmentsResult
        {
            Metric = o.Metric,
            Segments = [.. (o.ShowAll ? segs : shown.Take(o.Top)).Select(g => Hit(o, g, keys, overall, label))],
            Source = new SourceInfo(source.Description, source.Engine.Name, source.Columns.Select(c => c.Name).ToArray()),
            Columns = cols.Roles,
            Rows = rows,
            Excluded = excluded,
            Overall = Finite(overallValue),
            Threshold = SegmentMetrics.IsRate(o.Metric) ? o.Threshold : null,
            Depth = o.Depth,
            MinRows = minRows,
            Alpha = o.Alpha,
            Searched = segs.Count,
            Tested = tested.Count,
            Significant = tested.Count(g => g.Adjusted < o.Alpha),
            By = [.. keys.Select(k => k.Info)],
            Notes = Notes(o, keys),
        };
    }

    private static void Validate(SegmentsOptions o)
    {
        if (!SegmentMetrics.Names.Contains(o.Metric))
            throw new VigilInputException($"--metric: '{o.Metric}' is not a segment metric; expected one of {string.Join(", ", SegmentMetrics.Names)}");
        if (o.Depth is not (1 or 2)) throw new VigilInputException($"--depth: {o.Depth} is not supported; expected 1 (one column) or 2 (pairs of columns)");
        if (o.By.Count == 0) throw new VigilInputException("--by: name at least one column (comma-separated)");
        if (o.By.Count > 20) throw new VigilInputException($"--by: {o.By.Count} columns; at most 20");
        if (o.Buckets is < 2 or > 100) throw new VigilInputException($"--buckets: {o.Buckets} is outside 2..100");
        if (o.MinRows is < 1) throw new VigilInputException($"--min-rows: {o.MinRows} must be at least 1");
        if (o.Top < 1) throw new VigilInputException($"--top: {o.Top} must be at least 1");
    }

    /// <summary>The sufficient statistics of one segment (or of all rows: no column grouped).</summary>
    internal sealed class Tally(string key, int mask, string?[] values)
    {
        public string Key { get; } = key;
        /// <summary>Bit i set: column i is part of the segment.</summary>
        public int Mask { get; } = mask;
        public string?[] Values { get; } = values;
        public long N, Pos, PredPos, TruePos;
        public double SumScore, SumVar;
        public long[] BinN = new long[EceBins], BinY = new long[EceBins];
        public double[] BinS = new double[EceBins];
        /// <summary>AUC: (cell, positives, negatives).</summary>
        public List<(int Cell, long Pos, long Neg)>? Cells;
        public Gap Gap = Gap.Undefined;
        public double Adjusted = double.NaN;

        /// <summary>Adds another segment's statistics (merging values into "(other)").</summary>
        public void Add(Tally t)
        {
            N += t.N;
            Pos += t.Pos;
            PredPos += t.PredPos;
            TruePos += t.TruePos;
            SumScore += t.SumScore;
            SumVar += t.SumVar;
            for (var b = 0; b < EceBins; b++) { BinN[b] += t.BinN[b]; BinY[b] += t.BinY[b]; BinS[b] += t.BinS[b]; }
            if (t.Cells is not null) (Cells ??= []).AddRange(t.Cells);
        }
    }

    internal sealed record Counts(Tally Overall, List<Tally> Segments)
    {
        public AucCells? AucCells { get; init; }
        /// <summary>Rows left out, by reason.</summary>
        public Dictionary<string, long> Excluded { get; init; } = [];
    }

    internal static string KeyOf(int mask, string?[] values) =>
        mask.ToString(CultureInfo.InvariantCulture) + "|" + string.Join("\u001f", values.Select((v, i) => (mask >> i & 1) == 0 ? "" : v ?? "\u0000"));

    /// <summary>
    /// The one query over the source. Every row is first grouped by its exclusion reason (null: the row is valid), every
    /// key column at once and its cell (the score rounded to the AUC grid, or the calibration bin); the
    /// <c>GROUPING SETS</c> (all rows, each column, each pair, and the reasons) are then summed from those groups, so
    /// the source is scanned once and each row aggregated once. When the groups would not be much fewer than the rows
    /// (high-cardinality columns), the grouping sets run on the rows directly.
    /// </summary>
    private static Counts Count(OpenedSource source, RoleExpressions x, IReadOnlyList<KeyColumn> keys, string s, string y, string reason, SegmentsOptions o)
    {
        var k = keys.Count;
        var auc = o.Metric == "roc_auc";
        var calibration = o.Metric == "calibration";
        var rate = SegmentMetrics.IsRate(o.Metric);
        var select = new List<string> { $"{s} AS s_", $"{y} AS y_", $"{reason} AS r_" };
        for (var i = 0; i < k; i++) select.Add($"{keys[i].Expr} AS k{i}_");
        // The cell: the score rounded to the AUC grid, or the calibration bin min(floor(10 s), 9).
        var valid = $"{s} >= 0 AND {s} <= 1";
        if (auc) select.Add($"CASE WHEN {valid} THEN CAST(floor({s} * {ScoreGrid}.0 + 0.5) AS INTEGER) END AS c_");
        if (calibration) select.Add($"CASE WHEN {valid} THEN least(CAST(floor({s} * {EceBins}.0) AS INTEGER), {EceBins - 1}) END AS c_");
        var cell = auc || calibration;
        // The grouping keys: k0_ … k(k-1)_, then the cell c_ (when there is one), then the reason r_; a set is a list of
        // their indices. Sets: all rows, each column, each pair (depth 2), each with the cell; and the reasons alone.
        var groupKeys = Enumerable.Range(0, k).Select(i => $"k{i}_").ToList();
        var keyList = string.Join(", ", groupKeys);
        if (cell) groupKeys.Add("c_");
        groupKeys.Add("r_");
        int cellIndex = k, reasonIndex = groupKeys.Count - 1;
        var sets = new List<List<int>> { new() };
        for (var i = 0; i < k; i++) sets.Add([i]);
        if (o.Depth == 2)
            for (var i = 0; i < k; i++)
                for (var j = i + 1; j < k; j++) sets.Add([i, j]);
        if (cell) foreach (var set in sets) set.Add(cellIndex);
        sets.Add([reasonIndex]);
        // GROUPING(k0_, …, r_) of each set, as the reader decodes it: bit k - i for key i and bit 0 for r_, set when the
        // set does not group by that key.
        var masks = sets.Select(set => Enumerable.Range(0, k).Where(i => !set.Contains(i)).Sum(i => 1L << (k - i)) + (set.Contains(reasonIndex) ? 0 : 1)).ToArray();
        var threshold = o.Threshold.ToString("R", CultureInfo.InvariantCulture);
        // Each row aggregate under an optional further condition (only valid rows count in the segments).
        var dialect = source.Dialect;
        static string? And(string? a, string? b) => a is null ? b : b is null ? a : $"{a} AND {b}";
        string Count(string? condition) => condition is null ? "count(*)" : dialect.CountIf(condition);
        string Sum(string expr, string? condition) => condition is null ? $"sum({expr})" : dialect.AggregateIf("sum", expr, condition);
        var rowAggs = new List<(string Name, Func<string?, string> Agg, bool Count)>
        {
            ("n_", c => Count(c), true),
            ("pos_", c => Count(And("y_ = 1", c)), true),
            ("ss_", c => Sum("s_", c), false),
        };
        if (!auc) rowAggs.Add(("sv_", c => Sum("s_ * (1 - s_)", c), false));
        if (rate)
        {
            rowAggs.Add(("pp_", c => Count(And($"s_ >= {threshold}", c)), true));
            rowAggs.Add(("tp_", c => Count(And($"s_ >= {threshold} AND y_ = 1", c)), true));
        }
        var inner = $"SELECT {string.Join(", ", select)} FROM {source.Relation}";
        var outKeys = keyList + (cell ? ", c_" : "");
        double groups = cell ? (auc ? ScoreGrid + 1 : EceBins) : 1;
        foreach (var c in keys) groups *= c.Cardinality + 1; // + NULL
        // Only valid rows count in the segments; the reasons' set counts every row.
        const string validRow = "r_ IS NULL";
        string sql;
        if (o.PreAggregate ?? groups <= PreAggregateUpTo)
        {
            // The fine groups' columns are named f…, apart from the sums' names (see SqlDialect.GroupingSets).
            var fine = $"SELECT r_, {outKeys}, {string.Join(", ", rowAggs.Select(a => $"{a.Agg(null)} AS f{a.Name}"))} FROM ({inner}) a GROUP BY r_, {outKeys}";
            var sums = rowAggs.Select(a => (a.Count ? $"CAST({Sum("f" + a.Name, validRow)} AS BIGINT)" : Sum("f" + a.Name, validRow), a.Name));
            sql = source.Dialect.GroupingSets($"({fine}) f", groupKeys, sets, [("CAST(sum(fn_) AS BIGINT)", "all_"), .. sums]);
        }
        else
            sql = source.Dialect.GroupingSets($"({inner}) a", groupKeys, sets, [("count(*)", "all_"), .. rowAggs.Select(a => (a.Agg(validRow), a.Name))]);

        var tallies = new Dictionary<string, Tally>(StringComparer.Ordinal);
        var excluded = new Dictionary<string, long>(StringComparer.Ordinal);
        Tally? overall = null;
        void Read(Table t)
        {
            int ci = t.IndexOf("n_"), pi = t.IndexOf("pos_"), si = t.IndexOf("ss_"), ri = t.IndexOf("r_"), ai = t.IndexOf("all_");
            int vi = auc ? -1 : t.IndexOf("sv_"), ppi = rate ? t.IndexOf("pp_") : -1, tpi = ppi < 0 ? -1 : t.IndexOf("tp_");
            int celli = cell ? t.IndexOf("c_") : -1;
            for (var r = 0; r < t.RowCount; r++)
            {
                // GROUPING(k0..kn, r_): the leftmost column is the highest bit, set when the column is not grouped.
                var g = masks[t.GetInt64(0, r)];
                if ((g & 1) == 0)
                {
                    if (!t.IsNull(ri, r)) excluded[t.GetString(ri, r)!] = t.GetInt64(ai, r);
                    continue;
                }
                var n = t.IsNull(ci, r) ? 0 : t.GetInt64(ci, r);
                if (n == 0) continue; // cells of excluded rows only
                var mask = 0;
                for (var i = 0; i < k; i++) if ((g >> (k - i) & 1) == 0) mask |= 1 << i;
                var values = new string?[k];
                for (var i = 0; i < k; i++) if ((mask >> i & 1) != 0) values[i] = t.GetString(1 + i, r);
                var key = KeyOf(mask, values);
                if (!tallies.TryGetValue(key, out var tally)) tallies[key] = tally = new Tally(key, mask, values);
                if (mask == 0) overall = tally;
                var pos = t.GetInt64(pi, r);
                var ss = t.GetDouble(si, r);
                tally.N += n;
                tally.Pos += pos;
                tally.SumScore += ss;
                if (vi >= 0) tally.SumVar += t.GetDouble(vi, r);
                if (ppi >= 0) { tally.PredPos += t.GetInt64(ppi, r); tally.TruePos += t.GetInt64(tpi, r); }
                if (calibration)
                {
                    var b = (int)t.GetInt64(celli, r);
                    tally.BinN[b] += n;
                    tally.BinY[b] += pos;
                    tally.BinS[b] += ss;
                }
                if (auc) (tally.Cells ??= []).Add(((int)t.GetInt64(celli, r), pos, n - pos));
            }
        }
        if (auc) source.Engine.StreamUnordered(sql, null, Read);
        else Read(source.Engine.Query(sql));
        overall ??= new Tally(KeyOf(0, new string?[k]), 0, new string?[k]);
        var segments = tallies.Values.Where(t => t.Mask != 0).OrderBy(t => t.Key, StringComparer.Ordinal).ToList();
        return new Counts(overall, segments) { AucCells = auc ? AucIndex(overall) : null, Excluded = excluded };
    }

    /// <summary>
    /// A column that went into the query uncapped (<see cref="KeyColumn.CapLater"/>) and turned out to have more than
    /// <paramref name="maxValues"/> values keeps its most frequent ones (rows, then ordinal order); the others become one
    /// "(other)" segment, in every segment that holds the column (the statistics are sums, so segments merge exactly).
    /// </summary>
    private static IReadOnlyList<KeyColumn> CapValues(Counts counts, IReadOnlyList<KeyColumn> keys, int maxValues)
    {
        var result = keys.ToList();
        for (var i = 0; i < keys.Count; i++)
        {
            if (!keys[i].CapLater) continue;
            var singles = counts.Segments.Where(t => t.Mask == 1 << i && t.Values[i] is not null).ToList();
            if (singles.Count <= maxValues) continue;
            var kept = singles.OrderByDescending(t => t.N).ThenBy(t => t.Values[i], StringComparer.Ordinal).Take(maxValues).Select(t => t.Values[i]!).ToList();
            var keep = kept.ToHashSet(StringComparer.Ordinal);
            var merged = new Dictionary<string, Tally>(StringComparer.Ordinal);
            var order = new List<Tally>();
            foreach (var t in counts.Segments)
            {
                if ((t.Mask >> i & 1) == 0 || t.Values[i] is null || keep.Contains(t.Values[i]!))
                {
                    order.Add(t);
                    continue;
                }
                var values = (string?[])t.Values.Clone();
                values[i] = SegmentKeys.Other;
                var key = KeyOf(t.Mask, values);
                if (!merged.TryGetValue(key, out var m))
                {
                    merged[key] = m = new Tally(key, t.Mask, values);
                    order.Add(m);
                }
                m.Add(t);
            }
            counts.Segments.Clear();
            counts.Segments.AddRange(order.OrderBy(t => t.Key, StringComparer.Ordinal));
            result[i] = keys[i] with { Info = keys[i].Info with { Values = kept, OtherValues = singles.Count - maxValues } };
        }
        return result;
    }

    /// <summary>AUC: the score cells present overall, in descending order, with the overall counts per cell.</summary>
    internal sealed record AucCells(Dictionary<int, int> Index, double[] Scores, long[] Pos, long[] Neg);

    private static AucCells AucIndex(Tally overall)
    {
        var cells = (overall.Cells ?? []).OrderByDescending(c => c.Cell).ToList();
        var index = new Dictionary<int, int>();
        var pos = new long[cells.Count];
        var neg = new long[cells.Count];
        var scores = new double[cells.Count];
        for (var i = 0; i < cells.Count; i++)
        {
            index[cells[i].Cell] = i;
            scores[i] = (double)cells[i].Cell / ScoreGrid;
            pos[i] = cells[i].Pos;
            neg[i] = cells[i].Neg;
        }
        return new AucCells(index, scores, pos, neg);
    }

    private static Gap Test(SegmentsOptions o, Tally g, Tally all, Counts counts)
    {
        long nc = all.N - g.N, posc = all.Pos - g.Pos;
        switch (o.Metric)
        {
            case "calibration":
                return GapTests.Calibration(g.N, g.Pos, g.SumScore, g.SumVar, nc, posc, all.SumScore - g.SumScore, all.SumVar - g.SumVar);
            case "accuracy":
                {
                    long correct = g.TruePos + (g.N - g.PredPos - (g.Pos - g.TruePos));
                    long correctAll = all.TruePos + (all.N - all.PredPos - (all.Pos - all.TruePos));
                    return GapTests.Proportion(correct, g.N, correctAll - correct, nc);
                }
            case "precision":
                return GapTests.Proportion(g.TruePos, g.PredPos, all.TruePos - g.TruePos, all.PredPos - g.PredPos);
            case "recall":
                return GapTests.Proportion(g.TruePos, g.Pos, all.TruePos - g.TruePos, posc);
            default:
                {
                    var idx = counts.AucCells!;
                    var m = idx.Pos.Length;
                    var pos = new long[m];
                    var neg = new long[m];
                    foreach (var (cell, p, n) in g.Cells ?? [])
                    {
                        var i = idx.Index[cell];
                        pos[i] += p;
                        neg[i] += n;
                    }
                    var posC = new long[m];
                    var negC = new long[m];
                    for (var i = 0; i < m; i++) { posC[i] = idx.Pos[i] - pos[i]; negC[i] = idx.Neg[i] - neg[i]; }
                    return GapTests.Auc(idx.Scores, pos, neg, posC, negC);
                }
        }
    }

    private static double OverallValue(SegmentsOptions o, Tally all, Counts counts) => o.Metric switch
    {
        "calibration" => (all.SumScore - all.Pos) / all.N,
        "accuracy" => (double)(all.TruePos + (all.N - all.PredPos - (all.Pos - all.TruePos))) / all.N,
        "precision" => all.PredPos > 0 ? (double)all.TruePos / all.PredPos : double.NaN,
        "recall" => all.Pos > 0 ? (double)all.TruePos / all.Pos : double.NaN,
        _ => GapTests.Accumulate(counts.AucCells!.Scores, counts.AucCells.Pos, counts.AucCells.Neg).Auc,
    };

    /// <summary>A two-column segment is shown only when its gap, in its own direction, is larger than each of its
    /// one-column parents' gaps (a parent whose gap is undefined does not count).</summary>
    private static bool WorseThanParents(Tally g, int k, Dictionary<string, Tally> byKey)
    {
        if (System.Numerics.BitOperations.PopCount((uint)g.Mask) < 2) return true;
        var sign = Math.Sign(g.Gap.Difference);
        for (var i = 0; i < k; i++)
        {
            if ((g.Mask >> i & 1) == 0) continue;
            var values = new string?[k];
            values[i] = g.Values[i];
            if (!byKey.TryGetValue(KeyOf(1 << i, values), out var parent) || double.IsNaN(parent.Gap.Difference)) continue;
            if (!(sign * g.Gap.Difference > sign * parent.Gap.Difference)) return false;
        }
        return true;
    }

    internal static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>Expected calibration error over the ten equal-width bins (bin = min(⌊10·score⌋, 9)).</summary>
    internal static double Ece(Tally g)
    {
        if (g.N == 0) return double.NaN;
        var e = 0.0;
        for (var b = 0; b < EceBins; b++)
            if (g.BinN[b] > 0) e += Math.Abs(g.BinS[b] - g.BinY[b]) / g.N;
        return e;
    }

    private static SegmentHit Hit(SegmentsOptions o, Tally g, IReadOnlyList<KeyColumn> keys, Tally all, string label)
    {
        var segment = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < keys.Count; i++) if ((g.Mask >> i & 1) != 0) segment[keys[i].Info.Name] = g.Values[i];
        var predicted = g.SumScore / g.N;
        var observed = (double)g.Pos / g.N;
        return new SegmentHit
        {
            Segment = segment,
            Rows = g.N,
            Value = Finite(g.Gap.Value),
            Complement = Finite(g.Gap.Complement),
            Gap = Finite(g.Gap.Difference),
            Lower = Finite(g.Gap.Lower),
            Upper = Finite(g.Gap.Upper),
            PValue = Finite(g.Gap.PValue),
            PAdjusted = Finite(g.Adjusted),
            Finding = Finding(o, segment, g, predicted, observed, label),
            Z = Finite(g.Gap.Z),
            Positives = g.Pos,
            Predicted = Finite(predicted),
            Observed = Finite(observed),
            Ece = o.Metric == "calibration" ? Finite(Ece(g)) : null,
            ComplementRows = all.N - g.N,
        };
    }

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    internal static string SegmentText(IReadOnlyDictionary<string, string?> segment) =>
        string.Join(" and ", segment.Select(kv => $"{kv.Key} = {kv.Value ?? "(null)"}"));

    private static string Pct(double v) => (v * 100).ToString("0.0", Inv) + " %";

    private static string Finding(SegmentsOptions o, IReadOnlyDictionary<string, string?> segment, Tally g, double predicted, double observed, string label)
    {
        var rows = g.N.ToString("#,0", Inv) + " rows";
        var where = SegmentText(segment);
        return o.Metric switch
        {
            "calibration" => $"{where}: predicted {Pct(predicted)} {label}, observed {Pct(observed)}, {rows}",
            "roc_auc" => $"{where}: roc_auc {g.Gap.Value.ToString("0.000", Inv)} against {g.Gap.Complement.ToString("0.000", Inv)} elsewhere, {rows}",
            _ => $"{where}: {o.Metric} {Pct(g.Gap.Value)} against {Pct(g.Gap.Complement)} elsewhere, {rows}",
        };
    }

    private static List<string> Notes(SegmentsOptions o, IReadOnlyList<KeyColumn> keys)
    {
        var notes = new List<string>();
        notes.Add(o.Metric switch
        {
            "calibration" => "calibration is calibration-in-the-large, mean predicted minus observed rate; the gap (segment minus the rest) is tested with a z-test whose variance is Σp(1−p) on each side, as if both were calibrated",
            "roc_auc" => $"roc_auc is computed on scores rounded to multiples of {1.0 / ScoreGrid:0.####} (the only approximation); the gap is tested by DeLong's test, segment against the rest, unpaired",
            _ => $"{o.Metric} at threshold {o.Threshold.ToString("0.####", Inv)}; the gap has Newcombe's hybrid score interval and a pooled two-proportion z-test",
        });
        notes.Add($"p-values adjusted by Benjamini–Hochberg over every tested segment; shown: adjusted p below {o.Alpha.ToString("0.###", Inv)}, ranked by the size of the gap" +
            (o.Depth == 2 ? "; a pair of values only when its gap exceeds both single values' gaps in its direction" : ""));
        foreach (var k in keys)
            if (k.Info.OtherValues > 0)
                notes.Add($"'{k.Info.Name}' has {k.Info.Values.Count + k.Info.OtherValues:#,0} distinct values: the {k.Info.Values.Count} most frequent are segments of their own, the other {k.Info.OtherValues:#,0} are one '{SegmentKeys.Other}' segment");
        return notes;
    }
}
