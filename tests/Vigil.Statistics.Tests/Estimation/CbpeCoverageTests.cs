using Vigil.Statistics.Classification;
using Vigil.Statistics.Estimation;

namespace Vigil.Statistics.Tests.Estimation;

/// <summary>
/// CBPE end to end on simulated data: labels are drawn from known probabilities that the model's scores understate
/// (P(y = 1 | s) = s^0.6), the reference is calibrated through the check and the isotonic fit, and for each analysis
/// chunk the estimate of every metric should land within 3 standard errors (NannyML's band) of the metric realized
/// on the chunk's labels.
/// </summary>
public sealed class CbpeCoverageTests
{
    private const double Threshold = 0.5;
    private const int Chunks = 60;
    private const int ChunkRows = 1000;

    private static (double[] Scores, double[] Labels) Draw(Random rng, int n)
    {
        var s = new double[n];
        var y = new double[n];
        for (var i = 0; i < n; i++)
        {
            // a skewed score on a 0.001 grid (ties), labels from the true probability
            var u = rng.NextDouble();
            s[i] = Math.Round(u * u * 0.8 + 0.1 * rng.NextDouble(), 3);
            y[i] = rng.NextDouble() < Math.Pow(s[i], 0.6) ? 1 : 0;
        }
        return (s, y);
    }

    private static Dictionary<string, double> Realized(double[] s, double[] y)
    {
        var table = new SortedDictionary<double, (long Pos, long Neg)>(Comparer<double>.Create((a, b) => b.CompareTo(a)));
        for (var i = 0; i < s.Length; i++)
        {
            table.TryGetValue(s[i], out var c);
            table[s[i]] = y[i] == 1 ? (c.Pos + 1, c.Neg) : (c.Pos, c.Neg + 1);
        }
        var cells = table.Select(kv => new ScoreCount(kv.Key, kv.Value.Pos, kv.Value.Neg)).ToArray();
        var evaluation = BinaryScoreAccumulator.Evaluate(cells, new BinaryMetricOptions { Threshold = Threshold });
        return evaluation.Metrics.Where(m => m.Value is not null).ToDictionary(m => m.Name, m => m.Value!.Value);
    }

    private static CbpeBinaryEstimate Estimate(IsotonicCalibrator calibrator, double[] s)
    {
        var acc = new CbpeBinaryAccumulator(calibrator, Threshold);
        foreach (var g in s.GroupBy(v => v).OrderByDescending(g => g.Key)) acc.Add(g.Key, g.Count());
        return acc.Finish();
    }

    private static (Dictionary<string, double> Covered, CalibrationDecision Decision) Coverage(bool calibrate)
    {
        var rng = new Random(2024);
        var (rs, ry) = Draw(rng, 20_000);
        var folds = Enumerable.Range(0, 5)
            .Select(f => ScoreGroups.FromRows(rs.Where((_, i) => i % 5 == f).ToArray(), ry.Where((_, i) => i % 5 == f).ToArray()))
            .ToList();
        var decision = CalibrationCheck.Decide(folds);
        var reference = ScoreGroups.FromRows(rs, ry);
        var calibrator = calibrate && decision.Calibrate ? IsotonicCalibrator.Fit(reference) : IsotonicCalibrator.Identity;
        var errors = CbpeSamplingError.Fit(reference, Threshold);

        var covered = CbpeMetrics.Binary.ToDictionary(m => m, _ => 0.0);
        for (var c = 0; c < Chunks; c++)
        {
            var (s, y) = Draw(rng, ChunkRows);
            var estimate = Estimate(calibrator, s);
            var realized = Realized(s, y);
            foreach (var m in CbpeMetrics.Binary)
            {
                var band = 3 * errors.StandardError(m, ChunkRows);
                if (Math.Abs(estimate.Metrics[m] - realized[m]) <= band) covered[m] += 1.0 / Chunks;
            }
        }
        return (covered, decision);
    }

    [Fact]
    public void CalibratedEstimates_LandWithinThreeStandardErrors_ForMostChunks()
    {
        var (covered, decision) = Coverage(calibrate: true);
        Assert.True(decision.Calibrate, $"the scores understate the truth; calibration should help ({decision})");
        foreach (var (metric, share) in covered)
        {
            Assert.True(share >= 0.9, $"{metric}: only {share:P0} of chunks within 3 standard errors");
        }
    }

    [Fact]
    public void UncalibratedEstimates_MissTheRealizedValues()
    {
        // the control: without calibration the probabilities are wrong and the band rarely holds the truth
        var (covered, _) = Coverage(calibrate: false);
        Assert.True(covered[CbpeMetrics.Accuracy] < 0.5, $"accuracy coverage {covered[CbpeMetrics.Accuracy]:P0}");
        Assert.True(covered[CbpeMetrics.Precision] < 0.5, $"precision coverage {covered[CbpeMetrics.Precision]:P0}");
    }
}
