using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>
/// <c>vigil estimate</c> for binary classifiers: NannyML's confidence-based performance estimation (CBPE). The labelled
/// reference decides whether isotonic calibration helps (held-out folds), fits it, and gives the sampling errors; each
/// chunk of both sets is then walked once in descending score order (<see cref="ChunkWalk"/>), feeding every chunk's
/// CBPE accumulator (and, where labels exist, evaluate's accumulator for the realized value) side by side. The alert
/// thresholds are the reference chunks' realized values, mean ± 3σ (NannyML's). Only per-score counts leave the engine.
/// </summary>
internal static partial class EstimationAnalysis
{
    /// <summary>The binary metrics CBPE estimates, in report order.</summary>
    public static readonly IReadOnlyList<string> BinaryMetrics = ["roc_auc", "average_precision", "f1", "precision", "recall", "specificity", "accuracy"];

    /// <summary>Estimation without a --chunk: each set in this many chunks of equal rows (NannyML's default).</summary>
    internal const int DefaultChunks = 10;

    public static EstimationResult Run(OpenedSource reference, OpenedSource analysis, EstimationOptions options, IAnalysisProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(options);
        progress ??= NoProgress.Instance;
        if (DleEstimation.Applies(reference, options)) return DleEstimation.Run(reference, analysis, options, progress);

        progress.Stage("Checking the columns");
        var (refCols, rx, task) = ResolveReference(reference, options, multiclass: true);
        if (task == ModelTask.Multiclass) return MulticlassEstimation.Run(reference, analysis, options, refCols, rx, progress);
        foreach (var m in options.Metrics)
            if (!BinaryMetrics.Contains(m))
                throw new VigilInputException($"--metrics: '{m}' is not a metric CBPE estimates; expected some of {string.Join(", ", BinaryMetrics)}");
        // Labels are optional in the analysis set: a label column named for the reference need not be there.
        var anaMapping = options.Mapping.Label is { } named && analysis.Columns.All(c => c.Name != named) ? options.Mapping with { Label = null } : options.Mapping;
        var anaCols = ColumnResolver.Resolve(analysis.Columns, anaMapping, ColumnNeeds.ScoreOrPrediction, analysis.Description);
        CheckColumns(reference, analysis);
        var ax = new RoleExpressions(analysis.Dialect, analysis.Description);
        if (anaCols.Score is null)
            throw new VigilInputException($"{analysis.Description}: no score column ('{refCols.Score!.Name}' in the reference, or --score); CBPE estimates from the model's scores");
        if (anaCols.Label is not null) CheckBinaryLabels(analysis, anaCols.Label, ax);

        var threshold = Threshold(reference, refCols, rx, options, out var thresholdSource);
        var rangeFeatures = AssumptionChecks.RangeFeatures(refCols, anaCols);
        var refSide = new Side(reference, refCols, rx, Chunking(reference, options), rangeFeatures);
        var anaSide = new Side(analysis, anaCols, ax, Chunking(analysis, options), rangeFeatures);

        progress.Stage("Fitting the calibration on the reference");
        var fit = FitReference(refSide, threshold, options);

        progress.Stage("Estimating each chunk of the reference");
        AssumptionChecks.CountReferenceRanges(refSide);
        var refChunks = ChunkWalk.Run(refSide, fit.Calibrator, threshold);
        progress.Stage("Estimating each chunk of the analysis set");
        var ranges = AssumptionChecks.CountAnalysisOutside(refSide, anaSide);
        var anaChunks = ChunkWalk.Run(anaSide, fit.Calibrator, threshold);
        foreach (var c in anaChunks)
            if (c.Rows < options.MinChunkRows)
                throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{analysis.Description}: chunk {c.Place.Label} has {c.Rows:N0} rows; CBPE's band needs at least {options.MinChunkRows:N0} rows a chunk (choose a larger --chunk, or lower --min-chunk-rows)"));

        progress.Stage("Learning the thresholds and checking the assumptions");
        var thresholds = Thresholds(refChunks, options);
        var referenceOut = refChunks.Select(c => Chunk(c, fit.Sampling.StandardError, thresholds, options.Metrics)).ToList();
        var chunks = anaChunks.Select(c => Chunk(c, fit.Sampling.StandardError, thresholds, options.Metrics)).ToList();
        var findings = new List<QualityIssue>();
        findings.AddRange(refSide.Excluded("reference"));
        findings.AddRange(anaSide.Excluded("analysis set"));
        findings.AddRange(AssumptionChecks.Calibration(fit.Decision));
        findings.AddRange(AssumptionChecks.CovariateRange(anaSide, ranges));
        findings.AddRange(AssumptionChecks.RealizedOutsideBand(chunks, options.Metrics));
        return new EstimationResult
        {
            Method = "cbpe",
            Task = task,
            Source = new SourceInfo(analysis.Description, analysis.Engine.Name, analysis.Columns.Select(c => c.Name).ToArray()),
            Reference = new SourceInfo(reference.Description, reference.Engine.Name, reference.Columns.Select(c => c.Name).ToArray()),
            Columns = refCols.Roles,
            Chunking = anaSide.Slicer.Chunk!.Name,
            Threshold = threshold,
            ThresholdSource = thresholdSource,
            Calibration = new CalibrationInfo(fit.Decision.Calibrate, fit.Decision.EceBefore, fit.Decision.EceAfter, fit.Decision.Folds,
                fit.Decision.Calibrate
                    ? "isotonic calibration lowered the expected calibration error of held-out reference folds"
                    : fit.Decision.SkipReason is { } why
                        ? $"the scores were left as they are: no held-out check ({why})"
                        : "the scores were left as they are: isotonic calibration did not lower the expected calibration error of held-out reference folds"),
            Metrics = options.Metrics,
            Chunks = chunks,
            ReferenceChunks = referenceOut,
            Alerts = Alerts(chunks, options.Metrics),
            Assumptions = Assumptions,
            Findings = findings,
        };
    }

    /// <summary>Every (chunk, metric) whose estimate is outside its thresholds, in data order.</summary>
    internal static List<EstimationAlert> Alerts(IReadOnlyList<EstimatedChunk> chunks, IReadOnlyList<string> metrics)
    {
        var alerts = new List<EstimationAlert>();
        foreach (var c in chunks)
            foreach (var m in metrics)
                if (c.Metrics[m] is { Alert: true, Estimated: { } e } em)
                    alerts.Add(new EstimationAlert(c.Key, m, e, em.ThresholdLower, em.ThresholdUpper,
                        string.Create(CultureInfo.InvariantCulture, $"{c.Key}: estimated {m} {e:0.000} is {(em.ThresholdLower is { } lo && e < lo ? $"below the lower threshold {lo:0.000}" : $"above the upper threshold {em.ThresholdUpper:0.000}")}")));
        return alerts;
    }

    /// <summary>The reference's columns, checked: a label, and a binary classifier's score (or, with
    /// <paramref name="multiclass"/>, a multiclass classifier's, whose columns <see cref="MulticlassEstimation"/> checks).</summary>
    internal static (ResolvedColumns Cols, RoleExpressions X, ModelTask Task) ResolveReference(OpenedSource reference, EstimationOptions options, bool multiclass = false)
    {
        var refCols = ColumnResolver.Resolve(reference.Columns, options.Mapping, ColumnNeeds.ScoreOrPrediction, reference.Description);
        if (refCols.Label is null)
            throw new VigilInputException($"{reference.Description}: the reference has no label column ('{options.Mapping.Label ?? MappingOptions.DefaultLabel}' or --label); CBPE learns how scores turn into outcomes from a labelled reference");
        var rx = new RoleExpressions(reference.Dialect, reference.Description);
        var task = TaskDetector.Detect(reference, refCols, options.Mapping.Task, rx);
        if (multiclass && task == ModelTask.Multiclass) return (refCols, rx, task);
        if (task != ModelTask.Binary || refCols.Score is null)
            throw new VigilInputException(multiclass
                ? $"{reference.Description}: vigil estimate estimates classifiers with CBPE (a binary classifier's score column and 0/1 labels, or a multiclass classifier's prediction and proba_<class> columns) and regression models with DLE; this looks like {task.ToString().ToLowerInvariant()}{(refCols.Score is null ? " without a score column" : "")}"
                : $"{reference.Description}: a binary classifier's reference needs a score column and 0/1 labels (a multiclass model's needs its classes' probability columns, a regression model's its features and prediction); this looks like {task.ToString().ToLowerInvariant()}{(refCols.Score is null ? " without a score column" : "")}");
        return (refCols, rx, task);
    }

    /// <summary>What CBPE assumes, as the reports state it.</summary>
    internal static readonly IReadOnlyList<string> Assumptions =
    [
        "The model's scores, calibrated on the reference, stay calibrated: the relation between inputs and outcome (P(y | x)) is the reference's. CBPE cannot see concept drift.",
        "Only the inputs' distribution shifts (covariate shift), within the region the reference covers.",
        "The band is sampling error only (± 3 standard errors for a chunk of that size, NannyML's), not the error of the method.",
    ];

    /// <summary>The analysis set must not have columns the reference lacks (the assumptions are checked column by column against the reference).</summary>
    internal static void CheckColumns(OpenedSource reference, OpenedSource analysis)
    {
        var refNames = reference.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var extra = analysis.Columns.Select(c => c.Name).Where(n => !refNames.Contains(n)).ToList();
        if (extra.Count > 0)
            throw new VigilInputException($"{analysis.Description}: columns the reference lacks: {string.Join(", ", extra.Take(10))}{(extra.Count > 10 ? ", …" : "")}; estimate with a reference of the same columns (or select the shared ones with --analysis-sql)");
    }

    /// <summary>Labels in the analysis set must be the reference's kind: 0/1 (or true/false).</summary>
    internal static void CheckBinaryLabels(OpenedSource analysis, SourceColumn label, RoleExpressions x)
    {
        string bad;
        try
        {
            bad = analysis.Engine.ScalarString($"SELECT CAST(min({x.Text(label)}) AS {analysis.Dialect.Text}) FROM {analysis.Relation} WHERE {x.Col(label)} IS NOT NULL AND {x.BinaryLabel(label)} IS NULL") ?? "";
        }
        catch (VigilInputException)
        {
            throw new VigilInputException($"{analysis.Description}: the label column '{label.Name}' is {label.SqlType}; a binary classifier's labels are 0/1 or true/false");
        }
        if (bad.Length > 0)
            throw new VigilInputException($"{analysis.Description}: the label column '{label.Name}' holds '{bad}'; the reference is a binary classifier's (labels 0/1 or true/false)");
    }

    internal static double Threshold(OpenedSource reference, ResolvedColumns cols, RoleExpressions x, EstimationOptions options, out string source)
    {
        if (options.Threshold is { } t)
        {
            source = "--threshold";
            return t;
        }
        if (cols.Prediction is { } pred && pred.Name != cols.Score!.Name)
        {
            // The model's decision as logged: the smallest score it predicted positive, checked to be a threshold.
            var s = x.StrictNumber(cols.Score, "--score");
            var p = x.BinaryLabel(pred);
            var tab = reference.Engine.Query($"SELECT {reference.Dialect.AggregateIf("min", s, $"{p} = 1")} AS lo_, {reference.Dialect.AggregateIf("max", s, $"{p} = 0")} AS hi_ FROM {reference.Relation}");
            if (!tab.IsNull(0, 0))
            {
                double lo = tab.GetDouble(0, 0);
                if (!tab.IsNull(1, 0) && tab.GetDouble(1, 0) >= lo)
                    throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                        $"{reference.Description}: the prediction column '{pred.Name}' is not a threshold of the score (a score of {tab.GetDouble(1, 0):0.######} is predicted 0 and {lo:0.######} predicted 1); give the model's threshold with --threshold"));
                source = "prediction column";
                return tab.IsNull(1, 0) ? lo : RoundestBetween(tab.GetDouble(1, 0), lo);
            }
        }
        source = "default";
        return 0.5;
    }

    /// <summary>The number with the fewest decimals in (<paramref name="below"/>, <paramref name="atOrAbove"/>]: the
    /// threshold a model's logged predictions imply (0.5 when the reference's largest negative score is 0.4999 and its
    /// smallest positive 0.5001), so that a score between the two, unseen in the reference, is split as the model does.</summary>
    internal static double RoundestBetween(double below, double atOrAbove)
    {
        for (var digits = 0; digits <= 15; digits++)
        {
            var scale = Math.Pow(10, digits);
            var t = Math.Floor(below * scale) / scale + 1 / scale;
            t = Math.Round(t, digits);
            if (t > below && t <= atOrAbove) return t;
        }
        return atOrAbove;
    }

    /// <summary>The chunking of one set: the user's, or 10 chunks of equal rows.</summary>
    internal static ChunkSpec Chunking(OpenedSource source, EstimationOptions options)
    {
        if (options.Chunk is { } c) return c;
        var rows = source.Engine.Query($"SELECT count(*) FROM {source.Relation}").GetInt64(0, 0);
        return new RowChunk(Math.Max(1, (rows + DefaultChunks - 1) / DefaultChunks));
    }

    /// <summary>The thresholds of each metric: fixed by the user, else mean ± 3σ of its realized values on the reference's chunks.</summary>
    internal static Dictionary<string, (double? Lower, double? Upper)> Thresholds(IReadOnlyList<WalkedChunk> refChunks, EstimationOptions options)
    {
        var result = new Dictionary<string, (double?, double?)>(StringComparer.Ordinal);
        foreach (var m in options.Metrics)
        {
            if (options.FixedThresholds.TryGetValue(m, out var fixedBounds))
            {
                result[m] = fixedBounds;
                continue;
            }
            var values = new List<double>();
            foreach (var c in refChunks)
                if (c.Realized is { } r && r.TryGetValue(m, out var v) && double.IsFinite(v)) values.Add(v);
            result[m] = ReferenceThresholds.MeanThreeSigma(values);
        }
        return result;
    }

    internal static EstimatedChunk Chunk(WalkedChunk c, Func<string, long, double> standardError, Dictionary<string, (double? Lower, double? Upper)> thresholds, IReadOnlyList<string> metrics)
    {
        var map = new Dictionary<string, EstimatedMetric>(StringComparer.Ordinal);
        foreach (var m in metrics)
        {
            var band = CbpeModel.Band(c.Estimated, c.Rows, standardError, m);
            var est = band.Estimated;
            var (lo, hi) = thresholds[m];
            map[m] = new EstimatedMetric
            {
                Estimated = est,
                StandardError = band.StandardError,
                Lower = band.Lower,
                Upper = band.Upper,
                Realized = c.Realized is { } r && r.TryGetValue(m, out var rv) && double.IsFinite(rv) ? rv : null,
                ThresholdLower = lo,
                ThresholdUpper = hi,
                Alert = est is { } x && ((lo is { } l && x < l) || (hi is { } h && x > h)),
            };
        }
        return new EstimatedChunk
        {
            Key = c.Place.Label,
            Start = c.Start,
            End = c.End,
            Rows = c.Rows,
            LabelledRows = c.LabelledRows,
            Metrics = map,
        };
    }
}
