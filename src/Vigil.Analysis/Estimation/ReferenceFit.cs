using Vigil.Analysis.Columns;
using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>What CBPE learns from the labelled reference: whether to calibrate (and the calibrator), and the sampling
/// errors' components.</summary>
internal sealed record ReferenceFit(CalibrationDecision Decision, IsotonicCalibrator Calibrator, CbpeSamplingError Sampling, long Rows);

internal static partial class EstimationAnalysis
{
    /// <summary>The reference's labelled rows grouped by (fold, distinct score), the fold keyed on the row's id where
    /// there is one, else on its number (<see cref="Side.LabelledWithFolds"/>; either way ties spread over the folds);
    /// the calibration decision, the calibrator fitted on all folds, and the sampling errors.</summary>
    internal static ReferenceFit FitReference(Side side, double threshold, EstimationOptions options)
    {
        var source = side.Source;
        var folds = Math.Max(2, options.CalibrationFolds);
        var (foldGroups, allGroups) = FoldGroups(source, $"SELECT s_, y_, f_ FROM ({side.LabelledWithFolds(folds)}) l", "y_ = 1", folds);
        long outOfRange = 0;
        for (var i = 0; i < allGroups.Scores.Length; i++)
            if (allGroups.Scores[i] < 0 || allGroups.Scores[i] > 1) outOfRange += (long)allGroups.Rows[i];
        var d = source.Description;
        if (allGroups.Scores.Length == 0)
            throw new VigilInputException($"{d}: no rows with both a score and a label in the reference; CBPE fits on labelled reference rows");
        if (outOfRange > 0)
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture, $"{d}: {outOfRange:N0} reference scores are outside [0, 1]; CBPE needs the probability of the positive class"));
        if (allGroups.Scores.Length == 1)
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture, $"{d}: every reference score is {allGroups.Scores[0]:0.######}; a constant score carries no information to estimate from"));
        double positives = allGroups.TotalPositives, rows = allGroups.TotalRows;
        if (positives == 0 || positives == rows)
            throw new VigilInputException($"{d}: every reference label is {(positives == 0 ? 0 : 1)}; CBPE needs both outcomes in the reference to learn the calibration");

        var decision = Decide(foldGroups, folds);
        var calibrator = decision.Calibrate ? IsotonicCalibrator.Fit(allGroups.Scores, allGroups.Positives, allGroups.Rows) : IsotonicCalibrator.Identity;
        var se = CbpeSamplingError.Fit(allGroups, threshold);
        return new ReferenceFit(decision, calibrator, se, (long)rows);
    }

    /// <summary>The calibration decision on the folds that hold rows (<see cref="CalibrationCheck.Decide"/>). Folds keyed
    /// on ids are not equal-sized, and a small reference can leave fewer than two of them with rows: then nothing can be
    /// held out, and the scores are left as they are (NaN ECEs, as NannyML's shortcuts give).</summary>
    internal static CalibrationDecision Decide(List<ScoreGroups> folds, int foldCount) =>
        folds.Count >= 2
            ? CalibrationCheck.Decide(folds)
            : new CalibrationDecision(false, double.NaN, double.NaN, folds.Count) { SkipReason = $"{folds.Count} of {foldCount} folds hold rows" };

    /// <summary>The rows of <paramref name="sql"/> (s_, f_ and what <paramref name="positive"/> tests) grouped by
    /// (fold, distinct score), each fold's groups ascending, and the pooled groups of all folds. The rows are sorted
    /// per fold in .NET (<see cref="SortedScores"/>) up to its limit, and grouped and sorted by the engine past it.</summary>
    internal static (List<ScoreGroups> Folds, ScoreGroups All) FoldGroups(OpenedSource source, string sql, string positive, int folds)
    {
        var groups = new List<ScoreGroups>(folds);
        if (SortedScores.TryRead(source.Engine, $"SELECT f_, s_, CAST(CASE WHEN {positive} THEN 1 ELSE 0 END AS SMALLINT) AS y_ FROM ({sql}) q",
                folds, unordered: false) is { } sorted)
        {
            for (var f = 0; f < folds; f++)
            {
                List<double> s = [], p = [], n = [];
                sorted.Ascending(f, (score, positives, negatives, _) =>
                {
                    s.Add(score);
                    p.Add(positives);
                    n.Add(positives + negatives);
                });
                if (s.Count > 0) groups.Add(new ScoreGroups([.. s], [.. p], [.. n]));
            }
            return (groups, ScoreGroups.Merge(groups));
        }

        var perFold = new (List<double> S, List<double> P, List<double> N)[folds];
        for (var f = 0; f < folds; f++) perFold[f] = ([], [], []);
        source.Engine.Stream(
            $"SELECT f_, s_, {source.Dialect.CountIf(positive)} AS p_, count(*) AS n_ FROM ({sql}) q GROUP BY f_, s_ ORDER BY f_, s_",
            null,
            chunk =>
            {
                var f = chunk.Int64s(0);
                var s = chunk.Doubles(1);
                var p = chunk.Int64s(2);
                var n = chunk.Int64s(3);
                for (var i = 0; i < chunk.RowCount; i++)
                {
                    var fold = perFold[f[i]];
                    fold.S.Add(s[i]);
                    fold.P.Add(p[i]);
                    fold.N.Add(n[i]);
                }
            });
        groups.AddRange(perFold.Where(f => f.S.Count > 0).Select(f => new ScoreGroups([.. f.S], [.. f.P], [.. f.N])));
        return (groups, ScoreGroups.Merge(groups));
    }
}

/// <summary>Where CBPE's assumptions visibly fail.</summary>
internal static class AssumptionChecks
{
    /// <summary>Above this expected calibration error (held-out, after the chosen calibration), estimates may be biased.</summary>
    internal const double PoorEce = 0.05;

    /// <summary>Above this share of analysis rows outside the reference's range of a feature, the calibration is extrapolated.</summary>
    internal const double OutOfRangeShare = 0.01;

    public static IEnumerable<QualityIssue> Calibration(CalibrationDecision decision)
    {
        var ece = decision.Calibrate ? decision.EceAfter : decision.EceBefore;
        if (double.IsFinite(ece) && ece > PoorEce)
            yield return new QualityIssue("poor_calibration", Severity.Warning, 0, string.Create(CultureInfo.InvariantCulture,
                $"the reference's scores are poorly calibrated {(decision.Calibrate ? "even after isotonic calibration" : "")} (expected calibration error {ece:0.000} on held-out folds, above {PoorEce:0.00}); CBPE's estimates may be biased"), []);
    }

    /// <summary>Where labels exist: a metric whose realized value falls outside the estimate's band in most labelled
    /// chunks. Below it, the relation between inputs and outcome has changed (concept drift), which CBPE cannot see.</summary>
    public static IEnumerable<QualityIssue> RealizedOutsideBand(IReadOnlyList<EstimatedChunk> chunks, IReadOnlyList<string> metrics)
    {
        foreach (var m in metrics)
        {
            var (labelled, below, above) = BandCounts(chunks, m);
            if (labelled == 0 || below + above <= labelled / 2) continue;
            var what = below >= above
                ? "below the estimate's band: the model does worse than its inputs predict, so the relation between inputs and outcome has changed (concept drift), which CBPE cannot see"
                : "above the estimate's band: the model does better than its calibrated scores predict (the calibration no longer holds)";
            yield return new QualityIssue("realized_outside_band", Severity.Warning, 0, string.Create(CultureInfo.InvariantCulture,
                $"{m}: the realized value is {what} ({Math.Max(below, above)} of {labelled} labelled chunks)"), [m]);
        }
    }

    /// <summary>Of the chunks with a realized value and a band for <paramref name="metric"/>: how many, and how many
    /// realized values fell below and above the band (CBPE's and DLE's concept-drift check).</summary>
    internal static (int Labelled, int Below, int Above) BandCounts(IReadOnlyList<EstimatedChunk> chunks, string metric)
    {
        int labelled = 0, below = 0, above = 0;
        foreach (var c in chunks)
        {
            if (c.Metrics.GetValueOrDefault(metric) is not { Realized: { } r, Lower: { } lo, Upper: { } hi }) continue;
            labelled++;
            if (r < lo) below++;
            else if (r > hi) above++;
        }
        return (labelled, below, above);
    }

    /// <summary>The numerical features both sets have (at most 200), whose ranges the censuses check.</summary>
    public static IReadOnlyList<string> RangeFeatures(ResolvedColumns reference, ResolvedColumns analysis) =>
        analysis.Features.Where(f => f.Kind is ColumnKind.Int64 or ColumnKind.Double)
            .Select(f => f.Name).Where(n => reference.Features.Any(r => r.Name == n && r.Kind is ColumnKind.Int64 or ColumnKind.Double))
            .Take(200).ToList();

    /// <summary>Before the reference's walk: its census also takes each range feature's min and max.</summary>
    public static void CountReferenceRanges(Side reference) =>
        reference.CensusExtras = reference.RangeFeatures.SelectMany((_, i) => new[] { $"min(f{i}_)", $"max(f{i}_)" }).ToList();

    /// <summary>After the reference's walk, before the analysis set's: the reference's [min, max] of each feature (from
    /// its census), and the analysis census told to count the rows outside it.</summary>
    public static List<(string Name, double Lo, double Hi)> CountAnalysisOutside(Side reference, Side analysis)
    {
        var census = reference.Census ?? throw new InvalidOperationException("the reference has not been walked");
        var kept = new List<(string Name, double Lo, double Hi)>();
        var counts = new List<string>();
        for (var i = 0; i < reference.RangeFeatures.Count; i++)
        {
            var mins = census.Extras[2 * i].Where(v => v is not null).Select(v => v!.Value).ToList();
            var maxs = census.Extras[2 * i + 1].Where(v => v is not null).Select(v => v!.Value).ToList();
            if (mins.Count == 0 || maxs.Count == 0) continue;
            double lo = mins.Min(), hi = maxs.Max();
            counts.Add(analysis.Source.Dialect.CountIf(string.Create(CultureInfo.InvariantCulture, $"f{i}_ < {lo:R} OR f{i}_ > {hi:R}")));
            kept.Add((reference.RangeFeatures[i], lo, hi));
        }
        analysis.CensusExtras = counts;
        return kept;
    }

    /// <summary>Numerical features whose analysis values fall outside the reference's [min, max] for more than 1 % of
    /// rows, from the analysis census (<see cref="CountAnalysisOutside"/>).</summary>
    public static IEnumerable<QualityIssue> CovariateRange(Side analysis, List<(string Name, double Lo, double Hi)> kept)
    {
        var census = analysis.Census ?? throw new InvalidOperationException("the analysis set has not been walked");
        var outside = new long[kept.Count];
        for (var i = 0; i < kept.Count; i++) outside[i] = (long)census.Extras[i].Sum(v => v ?? 0);
        return RangeIssues(kept, outside, census.AllRows, "CBPE extrapolates the calibration there");
    }

    /// <summary>Each feature whose analysis values fall outside the reference's [min, max] for more than
    /// <see cref="OutOfRangeShare"/> of the analysis rows: one query of each side. <paramref name="referenceFrom"/> and
    /// <paramref name="analysisFrom"/> follow FROM; each feature is read by its expression over them;
    /// <paramref name="consequence"/> ends the message (what the estimator does out there).</summary>
    internal static IEnumerable<QualityIssue> OutsideRange(OpenedSource reference, string referenceFrom, OpenedSource analysis, string analysisFrom,
        IReadOnlyList<(string Name, string ReferenceExpr, string AnalysisExpr)> features, string consequence)
    {
        if (features.Count == 0) yield break;
        var rd = reference.Dialect;
        var ranges = reference.Engine.Query("SELECT " + string.Join(", ", features.Select((f, i) =>
            $"CAST(min({f.ReferenceExpr}) AS {rd.Double}) AS lo{i}_, CAST(max({f.ReferenceExpr}) AS {rd.Double}) AS hi{i}_")) + $" FROM {referenceFrom}");
        var parts = new List<string> { "count(*) AS n_" };
        var kept = new List<(string Name, double Lo, double Hi)>();
        for (var i = 0; i < features.Count; i++)
        {
            if (ranges.IsNull(2 * i, 0) || ranges.IsNull(2 * i + 1, 0)) continue;
            double lo = ranges.GetDouble(2 * i, 0), hi = ranges.GetDouble(2 * i + 1, 0);
            var c = features[i].AnalysisExpr;
            parts.Add(analysis.Dialect.CountIf(string.Create(CultureInfo.InvariantCulture, $"{c} < {lo:R} OR {c} > {hi:R}")) + string.Create(CultureInfo.InvariantCulture, $" AS o{kept.Count}_"));
            kept.Add((features[i].Name, lo, hi));
        }
        if (kept.Count == 0) yield break;
        var counts = analysis.Engine.Query($"SELECT {string.Join(", ", parts)} FROM {analysisFrom}");
        var outside = new long[kept.Count];
        for (var i = 0; i < kept.Count; i++) outside[i] = counts.GetInt64(1 + i, 0);
        foreach (var issue in RangeIssues(kept, outside, counts.GetInt64(0, 0), consequence)) yield return issue;
    }

    /// <summary>The features with more than <see cref="OutOfRangeShare"/> of <paramref name="total"/> rows outside the reference's range.</summary>
    private static IEnumerable<QualityIssue> RangeIssues(List<(string Name, double Lo, double Hi)> kept, long[] outsideCounts, long total, string consequence)
    {
        if (total == 0) yield break;
        for (var i = 0; i < kept.Count; i++)
        {
            var outside = outsideCounts[i];
            if ((double)outside / total <= OutOfRangeShare) continue;
            yield return new QualityIssue("outside_reference_range", Severity.Warning, outside, string.Create(CultureInfo.InvariantCulture,
                $"'{kept[i].Name}': {(double)outside / total:P1} of the analysis rows are outside the reference's range [{kept[i].Lo:G6}, {kept[i].Hi:G6}]; {consequence}"), [kept[i].Name]);
        }
    }
}
