using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Explanation;

/// <summary>
/// <c>vigil explain</c>: which features drive the model's scores, from the log alone. A seeded sample of the log
/// (<see cref="SurrogateSample"/>) trains a surrogate of the score; its TreeSHAP values give each feature's mean |SHAP|
/// overall and, grouped by segment key, per segment (one model, not one per segment). With two sides (two versions or
/// periods), each side gets its own surrogate and the features are listed by how far their impact moved.
/// </summary>
internal static class ExplanationAnalysis
{
    /// <summary>SHAP rows per segment at most (and at least <see cref="MinSegmentShapRows"/> while the segments share
    /// <see cref="SegmentShapBudget"/> rows).</summary>
    private const int SegmentShapBudget = 20_000;
    private const int MinSegmentShapRows = 100;

    public static ExplanationResult Run(OpenedSource source, ExplainOptions options, IAnalysisProgress? progress = null)
    {
        progress ??= NoProgress.Instance;
        if (source.Engine.Query($"SELECT 1 FROM {source.Relation} LIMIT 1").RowCount == 0)
            throw new VigilInputException($"{source.Description}: no rows");
        var cols = ColumnResolver.Resolve(source.Columns, options.Mapping, ColumnNeeds.ScoreOrPrediction, source.Description);
        var x = new RoleExpressions(source.Dialect, source.Description);
        var slicer = options.SegmentBy.Count > 0 ? Slicer.For(new SliceSpec { SegmentBy = options.SegmentBy }, source, limits: new SliceLimits { MaxSegments = options.MaxSegments }) : null;
        var baseRequest = new SampleRequest(source, cols, x)
        {
            Slicer = slicer,
            MaxRows = options.SampleRows,
            Seed = options.Seed,
            Named = options.Mapping.Features is not null,
        };

        ExplanationComparison? comparison = null;
        SurrogateSides.Side side;
        IReadOnlyList<ExcludedColumn> excluded;
        var segmentShap = slicer is null ? 0 : Math.Max(MinSegmentShapRows, Math.Min(options.ShapRows, SegmentShapBudget / Math.Max(1, EstimateSegments(source, slicer, options.MaxSegments))));
        if (Sides(source, cols, options) is { } sides)
        {
            var (by, b, c) = sides;
            var lit = x.Text(by);
            var skip = new HashSet<string>(StringComparer.Ordinal) { by.Name };
            SampleRequest Of(string v) => baseRequest with
            {
                Filter = $"{lit} = {source.Dialect.StringLiteral(v)}",
                FilterName = $"{by.Name} = {v}",
                Skip = skip,
            };
            var (fits, ex) = SurrogateSides.Fit([Of(b), Of(c)], options.ShapRows, options.Seed, segmentShap, progress.Stage);
            side = fits[1];
            excluded = ex;
            comparison = new ExplanationComparison(by.Name, b, c, fits[0].Fit.Info, SurrogateExplainer.Changes(fits[0].Fit, fits[1].Fit));
        }
        else
        {
            var (fits, ex) = SurrogateSides.Fit([baseRequest], options.ShapRows, options.Seed, segmentShap, progress.Stage);
            side = fits[0];
            excluded = ex;
        }

        progress.Stage("Summarizing");
        var fit = side.Fit;
        var features = fit.ByRank.Select(j => new FeatureExplanation(fit.Features[j], fit.X[j].Kind == Vigil.Statistics.Learning.FeatureKind.Numeric ? "numeric" : "categorical",
            fit.MeanAbsShap[j], fit.Rank[j], fit.MutualInformation[j], fit.Spearman[j])).ToList();
        var segments = slicer is null ? [] : Segments(side, slicer);
        var findings = new List<QualityIssue>();
        var info = fit.Info;
        if (info.LowFidelity)
            findings.Add(new QualityIssue("low_fidelity", Severity.Warning, info.SampleRows,
                $"the surrogate reproduces the scores only roughly (held-out R² {Num(info.R2)}, below {Num(SurrogateExplainer.LowFidelity)}): the features may not tell the whole story (a feature the log lacks, or interactions the trees missed)", []));
        if (comparison?.BaselineSurrogate is { LowFidelity: true } bs)
            findings.Add(new QualityIssue("low_fidelity", Severity.Warning, bs.SampleRows,
                $"the baseline's surrogate reproduces its scores only roughly (held-out R² {Num(bs.R2)}, below {Num(SurrogateExplainer.LowFidelity)})", []));
        if (side.Sample.OutOfRange > 0)
            findings.Add(new QualityIssue("score_out_of_range", Severity.Info, side.Sample.OutOfRange,
                $"{side.Sample.OutOfRange:N0} {(side.Sample.OutOfRange == 1 ? "row" : "rows")} with a {info.TargetColumn} outside [0, 1] left out (the others are probabilities, explained as log-odds)", [], info.TargetColumn));
        if (info.SampleRows < info.EligibleRows)
            findings.Add(new QualityIssue("sampled", Severity.Info, info.SampleRows,
                $"the surrogate was fitted on a seeded sample of {info.SampleRows:N0} of {info.EligibleRows:N0} rows (--sample-rows)", []));
        return new ExplanationResult
        {
            Source = new SourceInfo(source.Description, source.Engine.Name, source.Columns.Select(c => c.Name).ToArray()),
            Columns = cols.Roles with { Features = fit.Features.ToArray() },
            Surrogate = info,
            Features = features,
            SegmentBy = options.SegmentBy.Select(s => s.Name).ToArray(),
            Segments = segments,
            Comparison = comparison,
            SummaryPlot = Plot(fit, options.PlotFeatures, options.PlotRows),
            Excluded = excluded,
            Findings = findings,
        };
    }

    private static string Num(double? v) => v is { } d ? d.ToString("0.###", CultureInfo.InvariantCulture) : "n/a";

    /// <summary>The two sides, when asked for: (column, baseline, candidate); null for one.</summary>
    private static (SourceColumn By, string Baseline, string Candidate)? Sides(OpenedSource source, ResolvedColumns cols, ExplainOptions o)
    {
        if (o.CompareBy is null && o.Baseline is null && o.Candidate is null) return null;
        if ((o.Baseline is null) != (o.Candidate is null))
            throw new VigilInputException("--baseline and --candidate go together: give both (or --compare-by COLUMN with two values)");
        SourceColumn by;
        if (o.CompareBy is { } name)
            by = source.Columns.FirstOrDefault(c => c.Name == name)
                 ?? throw new VigilInputException($"{source.Description}: --compare-by column '{name}' not found; columns are: {string.Join(", ", source.Columns.Take(20).Select(c => c.Name))}");
        else
            by = cols.Version ?? throw new VigilInputException($"{source.Description}: --baseline and --candidate name values of the version column, and there is none: expected '{MappingOptions.DefaultVersion}' (or --version-column), or say which column with --compare-by");
        var x = new RoleExpressions(source.Dialect, source.Description);
        var v = x.Text(by);
        var t = source.Engine.Query($"SELECT {v} AS v_, count(*) AS n_ FROM {source.Relation} WHERE {v} IS NOT NULL GROUP BY {v} ORDER BY {v} LIMIT 51");
        var present = Enumerable.Range(0, t.RowCount).Select(r => t.GetString(0, r)!).ToList();
        string Present() => present.Count == 0 ? "none" : string.Join(", ", present.Take(20)) + (present.Count > 20 ? ", …" : "");
        if (o.Baseline is { } b && o.Candidate is { } c)
        {
            if (b == c) throw new VigilInputException($"--baseline and --candidate are both '{b}'; explain two different values");
            foreach (var (flag, val) in new[] { ("--baseline", b), ("--candidate", c) })
                if (!present.Contains(val) && source.Engine.Query($"SELECT 1 FROM {source.Relation} WHERE {v} = {source.Dialect.StringLiteral(val)} LIMIT 1").RowCount == 0)
                    throw new VigilInputException($"{source.Description}: {flag} '{val}' is not a value of '{by.Name}'; values present: {Present()}");
            return (by, b, c);
        }
        if (present.Count != 2)
            throw new VigilInputException($"{source.Description}: --compare-by {by.Name} needs exactly two values, or --baseline and --candidate to pick two; values present: {Present()}");
        return (by, present[0], present[1]);
    }

    /// <summary>The number of segments (one cheap query), refused past the limit.</summary>
    private static int EstimateSegments(OpenedSource source, Slicer slicer, int max)
    {
        var n = source.Engine.Query($"SELECT count(*) FROM (SELECT DISTINCT {slicer.GroupBy} FROM (SELECT 1 AS one_{slicer.Select} FROM {source.Relation}) s LIMIT {max + 1}) d").GetInt64(0, 0);
        slicer.CheckSegmentCount(n);
        return (int)n;
    }

    /// <summary>Each segment's mean |SHAP| over its SHAP rows, largest segments first.</summary>
    private static List<SegmentExplanation> Segments(SurrogateSides.Side side, Slicer slicer)
    {
        var fit = side.Fit;
        var keys = side.Sample.Keys!;
        var f = fit.Features.Count;
        var rows = new Dictionary<SliceKey, long>();
        foreach (var k in keys) rows[k] = rows.GetValueOrDefault(k) + 1;
        var sums = new Dictionary<SliceKey, (double[] Sum, int N)>();
        for (var i = 0; i < fit.ShapRows.Length; i++)
        {
            var k = keys[fit.ShapRows[i]];
            if (!sums.TryGetValue(k, out var acc)) acc = (new double[f], 0);
            for (var j = 0; j < f; j++) acc.Sum[j] += Math.Abs(fit.Shap[i, j]);
            sums[k] = (acc.Sum, acc.N + 1);
        }
        return rows.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, SliceKey.Order).Select(kv =>
        {
            var (sum, n) = sums.GetValueOrDefault(kv.Key, (new double[f], 0));
            var mean = sum.Select(s => n == 0 ? 0 : s / n).ToArray();
            var rank = SurrogateExplainer.Ranks(fit.Features, mean);
            return new SegmentExplanation
            {
                Segment = slicer.SegmentMap(kv.Key),
                Rows = kv.Value,
                ShapRows = n,
                Features = Enumerable.Range(0, f).OrderBy(j => rank[j]).Select(j => new SegmentFeature(fit.Features[j], mean[j], rank[j])).ToList(),
            };
        }).ToList();
    }

    /// <summary>The summary plot's points: the top features, the first <paramref name="rowsPerFeature"/> overall SHAP
    /// rows (in the seeded order), each with its SHAP value and its feature value's place among the sample.</summary>
    private static List<ShapSummary> Plot(SurrogateFit fit, int features, int rowsPerFeature)
    {
        var overall = new List<int>();   // indices into fit.ShapRows of the overall rows, first ones
        var total = fit.ShapRows.Length;
        // The overall SHAP rows are every SHAP row when no segment added any; otherwise take the first rows anyway:
        // the plot is a picture of the sample, and segment rows are sampled rows too.
        for (var i = 0; i < total && overall.Count < rowsPerFeature; i++) overall.Add(i);
        var result = new List<ShapSummary>();
        foreach (var j in fit.ByRank.Take(features))
        {
            var place = Places(fit.X[j], fit.Target);
            result.Add(new ShapSummary(fit.Features[j], overall.Select(i => new ShapPoint(fit.Shap[i, j], place(fit.ShapRows[i]))).ToList()));
        }
        return result;
    }

    /// <summary>Where a row's value lies among the sample, 0 to 1: a numeric value's mid-rank among the present values;
    /// a category's place among the categories ordered by mean target; null when missing.</summary>
    private static Func<int, double?> Places(Vigil.Statistics.Learning.FeatureColumn c, double[] target)
    {
        if (c.Kind == Vigil.Statistics.Learning.FeatureKind.Numeric)
        {
            var v = c.Values!;
            var sorted = v.Where(d => !double.IsNaN(d)).ToArray();
            Array.Sort(sorted);
            return row =>
            {
                var d = v[row];
                if (double.IsNaN(d) || sorted.Length == 0) return null;
                if (sorted.Length == 1) return 0.5;
                var lo = LowerBound(sorted, d, strict: false);
                var hi = LowerBound(sorted, d, strict: true);
                return (lo + hi - 1) / 2.0 / (sorted.Length - 1);
            };
        }
        var codes = c.Codes!;
        var k = c.Categories.Count;
        var sum = new double[k];
        var n = new long[k];
        for (var i = 0; i < codes.Length; i++)
            if (codes[i] >= 0) { sum[codes[i]] += target[i]; n[codes[i]]++; }
        var order = Enumerable.Range(0, k).Where(i => n[i] > 0).OrderBy(i => sum[i] / n[i]).ThenBy(i => i).ToList();
        var place = new double?[k];
        for (var r = 0; r < order.Count; r++) place[order[r]] = order.Count == 1 ? 0.5 : r / (double)(order.Count - 1);
        return row => codes[row] >= 0 ? place[codes[row]] : null;
    }

    /// <summary>The first index whose value is ≥ v (or &gt; v when strict).</summary>
    private static int LowerBound(double[] a, double v, bool strict)
    {
        int lo = 0, hi = a.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (strict ? a[mid] <= v : a[mid] < v) lo = mid + 1; else hi = mid;
        }
        return lo;
    }
}
