using Vigil.Statistics.Estimation;
using static Vigil.Statistics.Tests.Estimation.EstimationFixture;

namespace Vigil.Statistics.Tests.Estimation;

public sealed class CbpeBinaryAccumulatorTests
{
    public static TheoryData<string> Cases => Names("estimate.json");

    private static CbpeBinaryEstimate Run(System.Text.Json.JsonElement c)
    {
        var acc = new CbpeBinaryAccumulator(Calibrator(c.GetProperty("fit")), Number(c, "threshold"));
        var scores = Numbers(c.GetProperty("scores_desc"));
        var rows = Longs(c.GetProperty("rows_desc"));
        for (var i = 0; i < scores.Length; i++) acc.Add(scores[i], rows[i]);
        return acc.Finish();
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Finish_MatchesNannyMlEstimators(string name)
    {
        var c = Case("estimate.json", name);
        var e = Run(c);
        var confusion = Numbers(c.GetProperty("confusion"));
        Close(confusion[0], e.TruePositives, name + " TP");
        Close(confusion[1], e.FalsePositives, name + " FP");
        Close(confusion[2], e.TrueNegatives, name + " TN");
        Close(confusion[3], e.FalseNegatives, name + " FN");
        Assert.Equal(Longs(c.GetProperty("rows_desc")).Sum(), e.Rows);
        foreach (var metric in CbpeMetrics.Binary)
        {
            Close(Number(c.GetProperty("metrics"), metric), e.Metrics[metric], $"{name} {metric}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Finish_DiffersFromNannyMlOnlyByItsRoundingAndZeros(string name)
    {
        var c = Case("estimate.json", name);
        if (c.GetProperty("nannyml").ValueKind == System.Text.Json.JsonValueKind.Null) return;
        var e = Run(c);
        foreach (var metric in CbpeMetrics.Binary)
        {
            var nannyml = Number(c.GetProperty("nannyml"), metric);
            var vigil = e.Metrics[metric];
            if (double.IsNaN(vigil) && metric is not (CbpeMetrics.RocAuc or CbpeMetrics.AveragePrecision))
            {
                Assert.Equal(0.0, nannyml);   // NannyML reports 0 for a zero denominator
                continue;
            }
            // NannyML rounds the running sums to 5 decimals before the curve metrics
            Close(nannyml, vigil, $"{name} {metric} vs NannyML", relative: 0, absolute: 1e-5);
        }
    }

    [Fact]
    public void Empty_AllMetricsNaN()
    {
        var e = new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, 0.5).Finish();
        Assert.Equal(0, e.Rows);
        Assert.Equal(0.0, e.TruePositives + e.FalsePositives + e.TrueNegatives + e.FalseNegatives);
        Assert.All(CbpeMetrics.Binary, m => Assert.True(double.IsNaN(e.Metrics[m]), m));
    }

    [Fact]
    public void ZeroRows_AreIgnored()
    {
        var a = new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, 0.5);
        a.Add(0.9, 3);
        a.Add(0.95, 0);   // out of order but empty: ignored
        a.Add(0.4, 2);
        var b = new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, 0.5);
        b.Add(0.9, 3);
        b.Add(0.4, 2);
        Assert.Equal(b.Finish().Metrics, a.Finish().Metrics);
    }

    [Fact]
    public void Add_OutOfOrderOrNaNOrNotAProbability_Throws()
    {
        var a = new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, 0.5);
        a.Add(0.5, 1);
        Assert.Throws<InvalidOperationException>(() => a.Add(0.5, 1));
        Assert.Throws<InvalidOperationException>(() => a.Add(0.6, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add(0.4, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.Add(-0.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => a.AddCalibrated(0.3, 2, 2.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, double.NaN));
    }

    [Fact]
    public void AddCalibrated_WithTheCalibratedSum_EqualsAdd()
    {
        var cal = IsotonicCalibrator.Fit([0.1, 0.3, 0.6, 0.9], [0, 1, 2, 4], [3, 4, 4, 5]);
        var a = new CbpeBinaryAccumulator(cal, 0.5);
        var b = new CbpeBinaryAccumulator(cal, 0.5);
        foreach (var (s, r) in new[] { (0.95, 7L), (0.7, 3L), (0.45, 11L), (0.2, 5L) })
        {
            a.Add(s, r);
            b.AddCalibrated(s, r, r * cal.Apply(s));
        }
        var ea = a.Finish();
        var eb = b.Finish();
        foreach (var m in CbpeMetrics.Binary) Close(ea.Metrics[m], eb.Metrics[m], m, 1e-14);
    }

    [Fact]
    public void AllScoresAboveThreshold_NoPredictedNegatives()
    {
        var a = new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, 0.1);
        a.Add(0.8, 10);
        a.Add(0.6, 10);
        var e = a.Finish();
        Assert.Equal(0.0, e.TrueNegatives + e.FalseNegatives);
        Assert.Equal(1.0, e.Metrics[CbpeMetrics.Recall]);
        Assert.Equal(0.0, e.Metrics[CbpeMetrics.Specificity]);
        Close(0.7, e.Metrics[CbpeMetrics.Precision], "precision");
        // ROC AUC by hand: the 0.8 rows first; area = 2 · (0.6 · 8 / 2... ) in exact counts
        double t1 = 8, f1 = 2, t2 = 6, f2 = 4;
        Close((f1 * t1 / 2 + f2 * (t1 + t2 / 2)) / ((t1 + t2) * (f1 + f2)), e.Metrics[CbpeMetrics.RocAuc], "auc");
    }

    [Fact]
    public void Harmonic_Difference_MatchesDirectSum()
    {
        foreach (var (k, r) in new[] { (0L, 1L), (0L, 63L), (0L, 65L), (0L, 5000L), (10L, 100L), (63L, 2L), (64L, 1000L), (1000L, 100000L) })
        {
            double direct = 0;
            for (var j = k + r; j > k; j--) direct += 1.0 / j;
            Close(direct, Harmonic.Difference(k, r), $"H({k}+{r})-H({k})", 1e-13);
        }
        // H(2^40 + 1) - H(2^40) is one term
        Close(1.0 / (Math.Pow(2, 40) + 1), Harmonic.Difference(1L << 40, 1), "one term", 1e-15);
        Close(Math.Log(2), Harmonic.Difference(1L << 50, 1L << 50), "ln 2", 1e-14);
    }
}
