using Vigil.Statistics.Classification;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Diagnosis;

/// <summary>The performance expected under the current inputs, from a model of P(outcome | score) fitted on the
/// reference. Step 4 needs only this seam (tests swap the estimator): the calibrated probability of a score, the
/// metric expected over a set of scores, and its standard error for that many rows.</summary>
internal interface IExpectedPerformance
{
    /// <summary>How the estimate is made, for the report.</summary>
    string Method { get; }

    /// <summary>The metrics it can estimate.</summary>
    IReadOnlyList<string> Metrics { get; }

    /// <summary>The calibrated probability of the positive class at <paramref name="score"/>.</summary>
    double Calibrated(double score);

    /// <summary>The metric expected over <paramref name="scores"/> (distinct scores, strictly descending, with their
    /// rows in Positives + Negatives; the labels are not used), or null when it is undefined.</summary>
    double? Expected(ReadOnlySpan<ScoreCount> scores, string metric);

    /// <summary>The standard error of the metric on <paramref name="rows"/> rows, or null.</summary>
    double? StandardError(string metric, long rows);
}

/// <summary>
/// NannyML's CBPE from <c>Vigil.Statistics.Estimation</c>, as <c>vigil estimate</c> uses it: scikit-learn's isotonic
/// calibration of the reference's labels on its scores (<see cref="IsotonicCalibrator"/>), the expected confusion counts
/// and metrics over the current scores (<see cref="CbpeBinaryAccumulator"/>), and NannyML's sampling error fitted on the
/// reference (<see cref="CbpeSamplingError"/>). The calibrator is always fitted: isotonic regression leaves calibrated
/// scores nearly as they are, and the diagnosis needs calibrated probabilities per bin in any case.
/// </summary>
internal sealed class CbpeExpected : IExpectedPerformance
{
    private readonly IsotonicCalibrator _calibrator;
    private readonly CbpeSamplingError _sampling;
    private readonly double _threshold;

    /// <param name="reference">The reference's distinct scores with their label counts.</param>
    /// <param name="threshold">Scores at or above it are predicted positive.</param>
    public CbpeExpected(ReadOnlySpan<ScoreCount> reference, double threshold)
    {
        var n = reference.Length;
        var groups = new ScoreGroups(new double[n], new double[n], new double[n]);
        for (var i = 0; i < n; i++)
        {
            groups.Scores[i] = reference[i].Score;
            groups.Positives[i] = reference[i].Positives;
            groups.Rows[i] = reference[i].Positives + reference[i].Negatives;
        }
        _calibrator = IsotonicCalibrator.Fit(groups);
        _sampling = CbpeSamplingError.Fit(groups, threshold);
        _threshold = threshold;
    }

    public string Method => "CBPE (NannyML): isotonic calibration of the reference's labels on its scores, expected confusion counts on the current scores; band ±3 standard errors (NannyML's sampling error)";

    public IReadOnlyList<string> Metrics => CbpeMetrics.Binary;

    public double Calibrated(double score) => _calibrator.Apply(score);

    public double? Expected(ReadOnlySpan<ScoreCount> scores, string metric)
    {
        var acc = new CbpeBinaryAccumulator(_calibrator, _threshold);
        foreach (var c in scores) acc.Add(c.Score, c.Positives + c.Negatives);
        return acc.Finish().Metrics.TryGetValue(metric, out var v) && double.IsFinite(v) ? v : null;
    }

    public double? StandardError(string metric, long rows) =>
        _sampling.Components.ContainsKey(metric) && _sampling.StandardError(metric, rows) is var se && double.IsFinite(se) ? se : null;
}
