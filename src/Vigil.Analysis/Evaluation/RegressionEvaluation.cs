using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Regression;

namespace Vigil.Analysis.Evaluation;

/// <summary>Regression: the engine sums errors (e = prediction - actual) per segment; residual plots come from a
/// deterministic sample and a histogram.</summary>
internal static class RegressionEvaluation
{
    public const int SampleSize = 2000;
    public const int HistogramBins = 30;

    /// <summary>The aggregate list that reduces rows with columns e_ (error) and y_ (actual) to <see cref="RegressionSums"/>.</summary>
    internal static string SumsSelect(SqlDialect d) =>
        "count(*) AS n_, sum(e_) AS se_, sum(abs(e_)) AS sae_, sum(e_ * e_) AS sse_, max(abs(e_)) AS mae_, " +
        $"{d.Median("abs(e_)")} AS med_, sum(abs(e_) / greatest(abs(y_), 2.220446049250313e-16)) AS sape_, " +
        "avg(y_) AS my_, var_pop(y_) * count(*) AS ssy_";

    /// <summary>Reads <see cref="SumsSelect"/>'s columns starting at <paramref name="c"/>.</summary>
    internal static RegressionSums ReadSums(Table t, int row, int c)
    {
        double D(int i) => t.IsNull(c + i, row) ? 0 : t.GetDouble(c + i, row);
        return new RegressionSums(t.GetInt64(c, row), D(1), D(2), D(3), D(4), D(5), D(6), D(7), D(8));
    }

    public static EvaluationResult Run(EvaluationAnalysis.Context ctx)
    {
        var x = ctx.X;
        var pred = ctx.Cols.Prediction!;
        var label = ctx.Cols.Label!;
        var nan = $"CAST('NaN' AS {ctx.D.Double})";
        var inner = $"SELECT {x.StrictNumber(pred, "--prediction")} AS p_, {x.StrictNumber(label, "--label")} AS y_, " +
                    $"{x.Col(pred)} IS NULL AS pnull_, {x.Col(label)} IS NULL AS lnull_{ctx.Slices.Select}" +
                    (ctx.Cols.Id is { } id ? $", {x.Text(id)} AS id_" : "") + $" FROM {ctx.Source.Relation}";
        var reason = $"CASE WHEN pnull_ OR p_ = {nan} THEN 'missing_prediction' WHEN p_ IS NULL THEN 'non_numeric_prediction' " +
                     $"WHEN lnull_ OR y_ = {nan} THEN 'missing_label' WHEN y_ IS NULL THEN 'invalid_label' END";
        var slices = ctx.Slices;
        var baseSql = $"SELECT p_, y_, p_ - y_ AS e_, {reason} AS reason_{slices.Carry}{(ctx.Cols.Id is null ? "" : ", id_")} FROM ({inner}) i";
        var nseg = slices.Width;

        ctx.Progress.Stage("Computing metrics");
        var (overallExcluded, excluded) = EvaluationAnalysis.TallyExcluded(
            ctx.Engine.Query($"SELECT {slices.Prefix()}reason_, count(*) AS n_ FROM ({baseSql}) b WHERE reason_ IS NOT NULL GROUP BY {slices.Prefix()}reason_"), slices);

        var clean = $"SELECT * FROM ({baseSql}) b WHERE reason_ IS NULL";
        var overall = ctx.Engine.Query($"SELECT {SumsSelect(ctx.D)} FROM ({clean}) c");
        var sums = ReadSums(overall, 0, 0);

        List<SegmentEvaluation>? segs = null;
        if (nseg > 0)
        {
            ctx.Progress.Stage("Evaluating segments");
            var t = ctx.Engine.Query($"SELECT {slices.Prefix()}{SumsSelect(ctx.D)} FROM ({clean}) c GROUP BY {slices.GroupBy}");
            slices.CheckSegmentCount(t.RowCount);
            segs = [];
            for (var r = 0; r < t.RowCount; r++)
            {
                var key = slices.Read(t, r);
                var s = ReadSums(t, r, nseg);
                segs.Add(new SegmentEvaluation(slices.SegmentMap(key),
                    Result(ctx, s, excluded.GetValueOrDefault(key) ?? new Dictionary<string, long>(), null, null)));
            }
        }

        ctx.Progress.Stage("Sampling residuals");
        var residuals = Residuals(ctx, clean, sums.Count, ctx.Cols.Id is not null);
        var nanLit = $"CAST('NaN' AS {ctx.D.Double})";
        var kept = EvaluationAnalysis.RowsKept(ctx, $"{x.StrictNumber(pred, "--prediction")} AS p_, {x.StrictNumber(label, "--label")} AS y_",
            $"p_ IS NOT NULL AND p_ <> {nanLit} AND y_ IS NOT NULL AND y_ <> {nanLit}");
        var result = Result(ctx, sums, overallExcluded, residuals, segs);
        return kept is null ? result : result with { Findings = [.. result.Findings, kept] };
    }

    /// <summary>The plotted residuals: the <see cref="SampleSize"/> rows with the smallest hash (of the id when there
    /// is one, the same on every engine; else of the prediction and label as text, which engines print differently),
    /// then the histogram of every residual.</summary>
    private static ResidualData Residuals(EvaluationAnalysis.Context ctx, string clean, long n, bool hasId)
    {
        if (n == 0) return new ResidualData([], []);
        var d = ctx.D;
        var fraction = Math.Min(1.0, 2.0 * SampleSize / n);
        var hash = d.HashToUnit(hasId ? "coalesce(id_, '')" : $"{d.CastToText("p_")} || '|' || {d.CastToText("y_")}");
        // Twice the sample passes the filter on average; ordering the survivors makes the cut independent of row order.
        var sample = ctx.Engine.Query(
            $"SELECT p_, e_ FROM (SELECT p_, e_, {hash} AS h_ FROM ({clean}) c) s WHERE h_ < $1 ORDER BY h_, p_, e_ LIMIT {SampleSize}", [fraction]);
        var points = new Point[sample.RowCount];
        for (var r = 0; r < sample.RowCount; r++) points[r] = new Point(sample.GetDouble(0, r), sample.GetDouble(1, r));

        var range = ctx.Engine.Query($"SELECT min(e_), max(e_) FROM ({clean}) c");
        double lo = range.GetDouble(0, 0), hi = range.GetDouble(1, 0);
        var width = hi > lo ? (hi - lo) / HistogramBins : 1.0;
        var hist = ctx.Engine.Query(
            $"SELECT least(CAST(floor((e_ - $1) / $2) AS BIGINT), {HistogramBins - 1}) AS b_, count(*) AS n_ FROM ({clean}) c GROUP BY b_ ORDER BY b_",
            [lo, width]);
        var counts = new long[HistogramBins];
        for (var r = 0; r < hist.RowCount; r++) counts[(int)hist.GetInt64(0, r)] += hist.GetInt64(1, r);
        var bins = new HistogramBin[HistogramBins];
        for (var b = 0; b < HistogramBins; b++) bins[b] = new HistogramBin(lo + b * width, b == HistogramBins - 1 ? Math.Max(hi, lo + width) : lo + (b + 1) * width, counts[b]);
        return new ResidualData(points, bins);
    }

    private static EvaluationResult Result(EvaluationAnalysis.Context ctx, RegressionSums sums, IReadOnlyDictionary<string, long> excluded, ResidualData? residuals, IReadOnlyList<SegmentEvaluation>? segs) => new()
    {
        Source = ctx.Info,
        Task = ModelTask.Regression,
        Columns = ctx.Cols.Roles,
        Rows = sums.Count,
        Excluded = excluded,
        Metrics = RegressionMetrics.Compute(sums),
        Residuals = residuals,
        Segments = segs,
    };
}
