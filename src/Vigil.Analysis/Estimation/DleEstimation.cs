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

/// <summary>One chunk after the streamed pass: where it lies, its rows, and per loss the sums of predicted and (over
/// labelled rows) realized losses.</summary>
internal sealed record DleChunk(ChunkPlace Place, DateTime? Start, DateTime? End, long Rows, long LabelledRows, double[] Predicted, double[] Realized);

/// <summary>
/// <c>vigil estimate</c> for regression models: NannyML's direct loss estimation (DLE). A nanny model per loss (|y − ŷ|,
/// (y − ŷ)², the percentage and the squared log error) learns on a seeded sample of the labelled reference to predict a
/// row's loss from its features and the model's prediction (<see cref="DleNanny"/>). Each set is then streamed once, in
/// the source's order, a vector of rows at a time: the nannies predict each vector's losses and only per-chunk sums are
/// kept, so memory does not grow with the data. A chunk's estimate is the mean predicted loss (its square root for RMSE
/// and RMSLE), its band ± 3 of NannyML's sampling errors, its realized value the same metric of the labels; alert
/// thresholds are mean ± 3σ of the reference chunks' realized values.
/// </summary>
internal static partial class DleEstimation
{
    /// <summary>The nannies' seed: the same data give the same estimates.</summary>
    internal const int Seed = 42;

    /// <summary>Whether <see cref="EstimationAnalysis.Run"/> hands this reference to DLE: a regression model (given by
    /// --task, or detected from a numeric label and prediction without a score column).</summary>
    internal static bool Applies(OpenedSource reference, EstimationOptions options)
    {
        if (options.Mapping.Task is { } task) return task == ModelTask.Regression;
        var cols = ColumnResolver.Resolve(reference.Columns, options.Mapping, ColumnNeeds.ScoreOrPrediction, reference.Description);
        if (cols.Score is not null) return false;
        // Without a label the task cannot be told from the data; real-valued predictions mean a regression (whose
        // missing label DLE then names).
        if (cols.Label is null) return cols.Prediction?.Kind == ColumnKind.Double;
        return TaskDetector.Detect(reference, cols, null, new RoleExpressions(reference.Dialect, reference.Description)) == ModelTask.Regression;
    }

    internal static EstimationResult Run(OpenedSource reference, OpenedSource analysis, EstimationOptions options, IAnalysisProgress progress) =>
        Run(reference, analysis, options, progress, null);

    /// <summary><see cref="Run(OpenedSource, OpenedSource, EstimationOptions, IAnalysisProgress)"/>, handing the trained
    /// nannies to <paramref name="trained"/> (tests check the estimates against the nannies' own predictions).</summary>
    internal static EstimationResult Run(OpenedSource reference, OpenedSource analysis, EstimationOptions options, IAnalysisProgress progress, Action<DleNanny>? trained)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(analysis);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(progress);
        var asked = options.Metrics.SequenceEqual(EstimationAnalysis.BinaryMetrics) ? null : options.Metrics;
        foreach (var m in asked ?? [])
            if (!DleMetrics.All.Contains(m))
                throw new VigilInputException($"--metrics: '{m}' is not a metric DLE estimates for a regression model; expected some of {string.Join(", ", DleMetrics.All)}");

        progress.Stage("Checking the columns");
        var refCols = ColumnResolver.Resolve(reference.Columns, options.Mapping, ColumnNeeds.ScoreOrPrediction, reference.Description);
        var anaMapping = options.Mapping.Label is { } named && analysis.Columns.All(c => c.Name != named) ? options.Mapping with { Label = null } : options.Mapping;
        var anaCols = ColumnResolver.Resolve(analysis.Columns, anaMapping, ColumnNeeds.None, analysis.Description);
        if (refCols.Label is null)
            throw new VigilInputException($"{reference.Description}: the reference has no label column ('{MappingOptions.DefaultLabel}' or --label); DLE learns the model's loss from a labelled reference");
        if (refCols.Prediction is null)
            throw new VigilInputException($"{reference.Description}: no prediction column ('{MappingOptions.DefaultPrediction}' or --prediction); DLE estimates a regression model's loss from its predictions");
        if (anaCols.Prediction is null)
            throw new VigilInputException($"{analysis.Description}: no prediction column ('{refCols.Prediction.Name}' in the reference, or --prediction); DLE estimates from the model's predictions");
        var features = Features(refCols, analysis);

        var refSide = new DleSide(reference, refCols, Chunking(reference, options), features);
        var anaSide = new DleSide(analysis, anaCols, Chunking(analysis, options), features);
        var refStats = Stats(refSide);
        var anaStats = Stats(anaSide);
        var findings = new List<QualityIssue>();
        var metrics = ChooseMetrics(asked, refStats, anaStats, findings);
        var losses = metrics.Select(DleMetrics.LossOf).Distinct().ToList();

        progress.Stage("Training the nanny models on the reference");
        var nanny = DleNanny.Train(refSide, features, losses, Seed, progress.Stage);
        trained?.Invoke(nanny);

        progress.Stage("Estimating each chunk of the reference");
        var moments = losses.ToDictionary(l => l, _ => new LossMoments());
        var (refChunks, refNoChunk) = Walk(refSide, nanny, losses, moments);
        progress.Stage("Estimating each chunk of the analysis set");
        var (anaChunks, anaNoChunk) = Walk(anaSide, nanny, losses, null);
        foreach (var c in anaChunks)
            if (c.Rows < options.MinChunkRows)
                throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                    $"{analysis.Description}: chunk {c.Place.Label} has {c.Rows:N0} rows; DLE's band needs at least {options.MinChunkRows:N0} rows a chunk (choose a larger --chunk, or lower --min-chunk-rows)"));
        if (anaChunks.Count == 0)
            throw new VigilInputException($"{analysis.Description}: no rows with a prediction{(anaNoChunk > 0 ? " and a timestamp" : "")}; nothing to estimate");

        progress.Stage("Learning the thresholds and checking the assumptions");
        var sampling = DleSamplingError.Fit(moments);
        var thresholds = new Dictionary<string, (double? Lower, double? Upper)>(StringComparer.Ordinal);
        foreach (var m in metrics)
            thresholds[m] = options.FixedThresholds.TryGetValue(m, out var fixedBounds) ? fixedBounds
                : DleBounds.Thresholds([.. refChunks.Where(c => c.LabelledRows > 0).Select(c => Realized(c, m, losses))]);
        var referenceOut = refChunks.Select(c => Chunk(c, metrics, losses, sampling, thresholds)).ToList();
        var chunks = anaChunks.Select(c => Chunk(c, metrics, losses, sampling, thresholds)).ToList();
        findings.InsertRange(0, DleChecks.Excluded("reference", refStats.NoPrediction, refNoChunk));
        findings.AddRange(DleChecks.Excluded("analysis set", anaStats.NoPrediction, anaNoChunk));
        findings.AddRange(DleChecks.Fidelity(nanny));
        findings.AddRange(DleChecks.CovariateRange(refSide, anaSide, features));
        findings.AddRange(DleChecks.RealizedOutsideBand(chunks, metrics));
        return new EstimationResult
        {
            Method = "dle",
            Task = ModelTask.Regression,
            Source = new SourceInfo(analysis.Description, analysis.Engine.Name, analysis.Columns.Select(c => c.Name).ToArray()),
            Reference = new SourceInfo(reference.Description, reference.Engine.Name, reference.Columns.Select(c => c.Name).ToArray()),
            Columns = refCols.Roles,
            Chunking = anaSide.Slicer.Chunk!.Name,
            Metrics = metrics,
            Chunks = chunks,
            ReferenceChunks = referenceOut,
            Alerts = EstimationAnalysis.Alerts(chunks, metrics),
            Assumptions = Assumptions,
            Findings = findings,
        };
    }

    /// <summary>What DLE assumes, as the reports state it.</summary>
    internal static readonly IReadOnlyList<string> Assumptions =
    [
        "The model's loss as a function of its inputs and prediction is the reference's: no concept drift (the relation between inputs and target, P(y | x), has not changed). DLE cannot see concept drift.",
        "Only the inputs' distribution shifts (covariate shift), within the region the reference covers: the nanny models' trees predict the loss at the reference's edge beyond it.",
        "The nanny models (gradient-boosted trees, Vigil's own learner in place of NannyML's LightGBM) capture how the loss depends on the inputs; their held-out fidelity is reported below.",
        "The band is sampling error only (± 3 standard errors for a chunk of that size, NannyML's), not the error of the method.",
    ];

    /// <summary>Numeric and text (or boolean) features of the reference, each of which the analysis set must have.</summary>
    private static List<DleFeature> Features(ResolvedColumns refCols, OpenedSource analysis)
    {
        var list = new List<DleFeature>();
        var missing = new List<string>();
        foreach (var f in refCols.Features)
        {
            if (f.Kind is not (ColumnKind.Double or ColumnKind.Int64 or ColumnKind.String or ColumnKind.Boolean)) continue;
            if (analysis.Columns.All(c => c.Name != f.Name)) missing.Add(f.Name);
            else list.Add(new DleFeature(f.Name, f.Kind is ColumnKind.Double or ColumnKind.Int64));
        }
        if (missing.Count > 0)
            throw new VigilInputException($"{analysis.Description}: feature columns of the reference are missing: {string.Join(", ", missing.Take(10))}{(missing.Count > 10 ? ", …" : "")}; the nanny models need every feature they learned from (or choose them with --features)");
        return list;
    }

    /// <summary>What the metric choice needs to know of one set.</summary>
    private sealed record SideStats(long NoPrediction, double MinLabel, double MinPrediction, long ZeroLabels);

    private static SideStats Stats(DleSide side)
    {
        var t = side.Source.Engine.Query(
            $"SELECT {side.Source.Dialect.CountIf($"NOT ({side.Ok})")} AS bad_, {side.Source.Dialect.AggregateIf("min", "y_", $"{side.Ok} AND {side.Labelled}")} AS y0_, " +
            $"{side.Source.Dialect.AggregateIf("min", "p_", side.Ok)} AS p0_, {side.Source.Dialect.CountIf($"{side.Ok} AND y_ = 0")} AS z_ FROM ({side.BaseSql}) b");
        return new SideStats(t.GetInt64(0, 0), t.IsNull(1, 0) ? double.NaN : t.GetDouble(1, 0), t.IsNull(2, 0) ? double.NaN : t.GetDouble(2, 0), t.GetInt64(3, 0));
    }

    /// <summary>The metrics asked for, or by default all six, without MSLE and RMSLE when a label or prediction is
    /// negative, and without MAPE when a reference label is 0 (scikit-learn's MAPE divides by ε there).</summary>
    private static List<string> ChooseMetrics(IReadOnlyList<string>? asked, SideStats r, SideStats a, List<QualityIssue> findings)
    {
        var negative = new List<string>();
        if (r.MinLabel < 0) negative.Add($"labels of the reference (min {r.MinLabel.ToString("G6", CultureInfo.InvariantCulture)})");
        if (r.MinPrediction < 0) negative.Add($"predictions of the reference (min {r.MinPrediction.ToString("G6", CultureInfo.InvariantCulture)})");
        if (a.MinLabel < 0) negative.Add($"labels of the analysis set (min {a.MinLabel.ToString("G6", CultureInfo.InvariantCulture)})");
        if (a.MinPrediction < 0) negative.Add($"predictions of the analysis set (min {a.MinPrediction.ToString("G6", CultureInfo.InvariantCulture)})");
        var why = string.Join(", ", negative);
        if (asked is not null)
        {
            if (negative.Count > 0 && asked.FirstOrDefault(DleMetrics.NeedsNonNegative) is { } bad)
                throw new VigilInputException($"--metrics {bad}: the squared log error needs targets and predictions ≥ 0, and there are negative {why}");
            return [.. asked];
        }
        var list = DleMetrics.All.ToList();
        if (negative.Count > 0)
        {
            list.RemoveAll(DleMetrics.NeedsNonNegative);
            findings.Add(new QualityIssue("metric_skipped", Severity.Info, 0, $"msle and rmsle were not estimated: they need targets and predictions ≥ 0, and there are negative {why}", ["msle", "rmsle"]));
        }
        if (r.ZeroLabels > 0)
        {
            list.Remove("mape");
            findings.Add(new QualityIssue("metric_skipped", Severity.Info, r.ZeroLabels, string.Create(CultureInfo.InvariantCulture,
                $"mape was not estimated: {r.ZeroLabels:N0} reference labels are 0, where the percentage error is undefined (ask for it with --metrics to get scikit-learn's, which divides by 2.2e-16 there)"), ["mape"]));
        }
        return list;
    }

    /// <summary>The chunking of one set: the user's, or 10 chunks of equal rows (as CBPE's).</summary>
    private static ChunkSpec Chunking(OpenedSource source, EstimationOptions options)
    {
        if (options.Chunk is { } c) return c;
        var rows = source.Engine.Query($"SELECT count(*) FROM {source.Relation}").GetInt64(0, 0);
        return new RowChunk(Math.Max(1, (rows + EstimationAnalysis.DefaultChunks - 1) / EstimationAnalysis.DefaultChunks));
    }

    /// <summary>One streamed pass over a set in the source's order: per chunk, rows, labelled rows, first and last
    /// timestamp and the sums of predicted and realized losses (and, for the reference, every realized loss into
    /// <paramref name="moments"/> for the sampling errors). Returns the chunks in key order and the rows without a chunk.</summary>
    private static (List<DleChunk> Chunks, long NoChunk) Walk(DleSide side, DleNanny nanny, List<DleLoss> losses, Dictionary<DleLoss, LossMoments>? moments)
    {
        var index = new Dictionary<double, int>();
        var keys = new List<double>();
        var rows = new List<long>();
        var labelled = new List<long>();
        var first = new List<double>();
        var last = new List<double>();
        var predicted = new List<double[]>();
        var realized = new List<double[]>();
        long noChunk = 0;
        var models = losses.Select(l => nanny.Models[l]).ToArray();
        var lossMoments = moments is null ? null : losses.Select(l => moments[l]).ToArray();
        side.Source.Engine.Stream(side.StreamSql, null, chunk =>
        {
            var x = nanny.Matrix(chunk, 1, DleSide.FeatureOffset);
            var preds = new double[models.Length][];
            for (var l = 0; l < models.Length; l++) preds[l] = models[l].Predict(x);
            var y = chunk.Doubles(0);
            var p = chunk.Doubles(1);
            var k = chunk.Doubles(2);
            var t = chunk.Doubles(3);
            for (var i = 0; i < chunk.RowCount; i++)
            {
                if (double.IsNaN(k[i]))
                {
                    noChunk++;
                    continue;
                }
                if (!index.TryGetValue(k[i], out var c))
                {
                    c = keys.Count;
                    index[k[i]] = c;
                    keys.Add(k[i]);
                    rows.Add(0);
                    labelled.Add(0);
                    first.Add(double.NaN);
                    last.Add(double.NaN);
                    predicted.Add(new double[models.Length]);
                    realized.Add(new double[models.Length]);
                }
                rows[c]++;
                var pc = predicted[c];
                for (var l = 0; l < models.Length; l++) pc[l] += preds[l][i];
                if (double.IsFinite(t[i]))
                {
                    if (!(t[i] >= first[c])) first[c] = t[i];
                    if (!(t[i] <= last[c])) last[c] = t[i];
                }
                if (!double.IsFinite(y[i])) continue;
                labelled[c]++;
                var rc = realized[c];
                for (var l = 0; l < models.Length; l++)
                {
                    var loss = DleMetrics.Loss(losses[l], y[i], p[i]);
                    rc[l] += loss;
                    lossMoments?[l].Add(loss);
                }
            }
        });
        var result = new List<DleChunk>(keys.Count);
        foreach (var c in Enumerable.Range(0, keys.Count).OrderBy(c => keys[c]))
        {
            var place = side.Slicer.Place(keys[c], rows[c]);
            DateTime? start = place.Start ?? ChunkWalk.Epoch(first[c]);
            DateTime? end = place.Start is { } ps && side.Slicer.Chunk is TimeChunk tc ? ChunkWalk.End(ps, tc.Unit) : ChunkWalk.Epoch(last[c]);
            result.Add(new DleChunk(place, start, end, rows[c], labelled[c], predicted[c], realized[c]));
        }
        return (result, noChunk);
    }

    private static double Realized(DleChunk c, string metric, List<DleLoss> losses) =>
        c.LabelledRows == 0 ? double.NaN : DleMetrics.FromMeanLoss(metric, c.Realized[losses.IndexOf(DleMetrics.LossOf(metric))] / c.LabelledRows);

    private static EstimatedChunk Chunk(DleChunk c, IReadOnlyList<string> metrics, List<DleLoss> losses, DleSamplingError sampling, Dictionary<string, (double? Lower, double? Upper)> thresholds)
    {
        var map = new Dictionary<string, EstimatedMetric>(StringComparer.Ordinal);
        foreach (var m in metrics)
        {
            var l = losses.IndexOf(DleMetrics.LossOf(m));
            double? est = c.Rows > 0 ? DleMetrics.FromMeanLoss(m, c.Predicted[l] / c.Rows) : null;
            if (est is { } ev && !double.IsFinite(ev)) est = null;
            double? se = sampling.StandardError(m, c.Rows) is var s && double.IsFinite(s) ? s : null;
            (double Lower, double Upper)? band = est is { } e && se is { } sv ? DleBounds.Band(e, sv) : null;
            var realized = Realized(c, m, losses);
            var (lo, hi) = thresholds[m];
            map[m] = new EstimatedMetric
            {
                Estimated = est,
                StandardError = se,
                Lower = band?.Lower,
                Upper = band?.Upper,
                Realized = double.IsFinite(realized) ? realized : null,
                ThresholdLower = lo,
                ThresholdUpper = hi,
                Alert = est is { } x && ((lo is { } a && x < a) || (hi is { } b && x > b)),
            };
        }
        return new EstimatedChunk { Key = c.Place.Label, Start = c.Start, End = c.End, Rows = c.Rows, LabelledRows = c.LabelledRows, Metrics = map };
    }
}
