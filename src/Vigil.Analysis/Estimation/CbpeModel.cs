using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>One metric's estimate on a set of rows: the value, its standard error and NannyML's band (± 3 standard
/// errors, clipped to [0, 1]); nulls where the metric is undefined.</summary>
internal readonly record struct EstimateBand(double? Estimated, double? StandardError, double? Lower, double? Upper, long Rows);

/// <summary>
/// CBPE fitted once on a labelled reference, to estimate many sets of unlabelled scores later (the service's
/// <c>estimated_performance</c> monitor estimates each window with it): the threshold, the calibration decision and
/// calibrator, the sampling errors, and the thresholds learned from the reference's chunks. It is the same fit
/// <see cref="EstimationAnalysis.Run"/> makes, so a window estimated here equals <c>vigil estimate</c>'s estimate of a
/// chunk holding the same rows.
/// </summary>
internal sealed record CbpeModel(double Threshold, CalibrationDecision Decision, IsotonicCalibrator Calibrator, CbpeSamplingError Sampling,
    long Rows, int ReferenceChunks, IReadOnlyDictionary<string, (double? Lower, double? Upper)> Thresholds)
{
    /// <summary>Fits CBPE on <paramref name="reference"/> (its columns as <paramref name="options"/> map them), learning
    /// each metric's thresholds on the reference cut by <see cref="EstimationOptions.Chunk"/> (10 chunks without it).</summary>
    public static CbpeModel Fit(OpenedSource reference, EstimationOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        var (cols, x, _) = EstimationAnalysis.ResolveReference(reference, options);
        var threshold = EstimationAnalysis.Threshold(reference, cols, x, options, out _);
        var side = new Side(reference, cols, x, EstimationAnalysis.Chunking(reference, options));
        var fit = EstimationAnalysis.FitReference(side, threshold, options);
        var chunks = ChunkWalk.Run(side, fit.Calibrator, threshold);
        return new CbpeModel(threshold, fit.Decision, fit.Calibrator, fit.Sampling, fit.Rows, chunks.Count, EstimationAnalysis.Thresholds(chunks, options));
    }

    /// <summary>An accumulator for one set of rows: feed it the distinct raw scores in descending order with their rows.</summary>
    public CbpeBinaryAccumulator NewAccumulator() => new(Calibrator, Threshold);

    /// <summary>The estimate of <paramref name="metric"/> with its band.</summary>
    public EstimateBand Band(CbpeBinaryEstimate estimate, string metric) => Band(estimate, Sampling, metric);

    /// <summary>The estimate of <paramref name="metric"/> with its standard error for the estimate's row count and the
    /// band (± 3 SE, clipped to [0, 1]); all null where the metric is undefined (NaN).</summary>
    public static EstimateBand Band(CbpeBinaryEstimate estimate, CbpeSamplingError sampling, string metric)
    {
        ArgumentNullException.ThrowIfNull(estimate);
        ArgumentNullException.ThrowIfNull(sampling);
        return Band(estimate.Metrics, estimate.Rows, sampling.StandardError, metric);
    }

    /// <summary>The band of <paramref name="metric"/> estimated on <paramref name="rows"/> rows, its standard error given
    /// by <paramref name="standardError"/> (metric, rows): binary and multiclass CBPE alike.</summary>
    public static EstimateBand Band(IReadOnlyDictionary<string, double> estimates, long rows, Func<string, long, double> standardError, string metric)
    {
        double? est = estimates.TryGetValue(metric, out var e) && double.IsFinite(e) ? e : null;
        double? se = est is null ? null : standardError(metric, rows);
        if (se is { } s && !double.IsFinite(s)) se = null;
        if (est is not { } a || se is not { } b) return new EstimateBand(est, se, null, null, rows);
        var (lo, hi) = CbpeSamplingError.ConfidenceBounds(a, b);
        return new EstimateBand(est, se, lo, hi, rows);
    }
}
