using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>
/// DLE fitted once on a labelled reference, to estimate many sets of rows later (the service's
/// <c>estimated_performance</c> monitor of a regression model estimates each window with it): the nanny models of the
/// metrics' losses, the sampling errors and the thresholds learned from the reference's chunks. It is the fit
/// <see cref="DleEstimation.Run(OpenedSource, OpenedSource, EstimationOptions, IAnalysisProgress)"/> makes for the same
/// metrics, and <see cref="Estimate"/> its pass over one chunk, so a window estimated here equals <c>vigil estimate</c>'s
/// estimate of a chunk holding the same rows.
/// </summary>
internal sealed class DleModel
{
    private readonly DleEstimation.FittedNannies _fit;

    private DleModel(DleEstimation.FittedNannies fit) => _fit = fit;

    /// <summary>The metrics it estimates.</summary>
    public IReadOnlyList<string> Metrics => _fit.Metrics;

    /// <summary>The features the nannies read (the reference's, as <see cref="MappingOptions.Features"/> chose them).</summary>
    public IReadOnlyList<string> Features => _fit.Features.Select(f => f.Name).ToList();

    /// <summary>Labelled reference rows the nannies trained on (sampled).</summary>
    public long Rows => _fit.Nanny.TrainRows;

    public int ReferenceChunks => _fit.ReferenceChunks;

    /// <summary>Each metric's thresholds: mean ± 3σ of the reference chunks' realized values.</summary>
    public IReadOnlyDictionary<string, (double? Lower, double? Upper)> Thresholds => _fit.Thresholds;

    /// <summary>Fits DLE's nannies on <paramref name="reference"/> for <see cref="EstimationOptions.Metrics"/> (each one
    /// of <see cref="DleMetrics.All"/>), learning the thresholds on the reference cut by <see cref="EstimationOptions.Chunk"/>.</summary>
    public static DleModel Fit(OpenedSource reference, EstimationOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        return new DleModel(DleEstimation.FitModel(reference, options with { Mapping = options.Mapping with { Task = ModelTask.Regression } }, train: true));
    }

    /// <summary>Checks <paramref name="reference"/> as <see cref="Fit"/> would (columns, labels, features, metrics),
    /// without training: for a config check.</summary>
    public static void CheckReference(OpenedSource reference, EstimationOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        DleEstimation.FitModel(reference, options with { Mapping = options.Mapping with { Task = ModelTask.Regression } }, train: false);
    }

    /// <summary>Every metric's estimate with its band on <paramref name="rows"/> (a prediction, the features, and
    /// optionally a label: the realized values are computed on the labelled rows) taken as one chunk; null when it has
    /// no row with a prediction.</summary>
    public EstimatedChunk? Estimate(OpenedSource rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return DleEstimation.EstimateOne(_fit, rows);
    }
}

internal static partial class DleEstimation
{
    /// <summary>What <see cref="DleModel"/> keeps of the reference's fit.</summary>
    internal sealed record FittedNannies(IReadOnlyList<string> Metrics, List<DleLoss> Losses, IReadOnlyList<DleFeature> Features, DleNanny Nanny,
        DleSamplingError Sampling, Dictionary<string, (double? Lower, double? Upper)> Thresholds, int ReferenceChunks);

    /// <summary>The reference's checks, and with <paramref name="train"/> the nannies, sampling errors and thresholds,
    /// as <see cref="Run(OpenedSource, OpenedSource, EstimationOptions, IAnalysisProgress)"/> makes them for the
    /// metrics asked (null without training).</summary>
    internal static FittedNannies FitModel(OpenedSource reference, EstimationOptions options, bool train)
    {
        foreach (var m in options.Metrics)
            if (!DleMetrics.All.Contains(m))
                throw new VigilInputException($"'{m}' is not a metric DLE estimates for a regression model; expected one of {string.Join(", ", DleMetrics.All)}");
        var refCols = ColumnResolver.Resolve(reference.Columns, options.Mapping, ColumnNeeds.ScoreOrPrediction, reference.Description);
        if (refCols.Label is null)
            throw new VigilInputException($"{reference.Description}: the reference has no label column ('{MappingOptions.DefaultLabel}'); DLE learns the model's loss from a labelled reference");
        if (refCols.Prediction is null)
            throw new VigilInputException($"{reference.Description}: no prediction column ('{MappingOptions.DefaultPrediction}'); DLE estimates a regression model's loss from its predictions");
        var features = Features(refCols, reference);
        var side = new DleSide(reference, refCols, Chunking(reference, options), features);
        var stats = Stats(side);
        if (options.Metrics.FirstOrDefault(DleMetrics.NeedsNonNegative) is { } log && (stats.MinLabel < 0 || stats.MinPrediction < 0))
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                $"{reference.Description}: {log} needs labels and predictions ≥ 0 (the squared log error), and the reference has a {(stats.MinLabel < 0 ? $"label of {stats.MinLabel:G6}" : $"prediction of {stats.MinPrediction:G6}")}"));
        var metrics = options.Metrics.ToList();
        var losses = metrics.Select(DleMetrics.LossOf).Distinct().ToList();
        if (!train) return new FittedNannies(metrics, losses, features, null!, null!, [], 0);
        var nanny = DleNanny.Train(side, features, losses, Seed);
        var moments = losses.ToDictionary(l => l, _ => new LossMoments());
        var (chunks, _) = Walk(side, nanny, losses, moments);
        var sampling = DleSamplingError.Fit(moments);
        var thresholds = new Dictionary<string, (double? Lower, double? Upper)>(StringComparer.Ordinal);
        foreach (var m in metrics)
            thresholds[m] = options.FixedThresholds.TryGetValue(m, out var fixedBounds) ? fixedBounds
                : DleBounds.Thresholds([.. chunks.Where(c => c.LabelledRows > 0).Select(c => Realized(c, m, losses))]);
        return new FittedNannies(metrics, losses, features, nanny, sampling, thresholds, chunks.Count);
    }

    /// <summary>One set as one chunk, through the fitted nannies.</summary>
    internal static EstimatedChunk? EstimateOne(FittedNannies fit, OpenedSource rows)
    {
        var cols = ColumnResolver.Resolve(rows.Columns, new MappingOptions { Task = ModelTask.Regression }, ColumnNeeds.None, rows.Description);
        if (cols.Prediction is null)
            throw new VigilInputException($"{rows.Description}: no prediction column; DLE estimates from the model's predictions");
        var missing = fit.Features.Where(f => rows.Columns.All(c => c.Name != f.Name)).Select(f => f.Name).ToList();
        if (missing.Count > 0)
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture, $"{rows.Description}: the nanny models' features are missing: {string.Join(", ", missing)}"));
        var side = new DleSide(rows, cols, MulticlassEstimation.OneChunk, fit.Features);
        var (chunks, _) = Walk(side, fit.Nanny, fit.Losses, null);
        return chunks.Count == 0 ? null : Chunk(chunks[0], fit.Metrics, fit.Losses, fit.Sampling, fit.Thresholds);
    }
}
