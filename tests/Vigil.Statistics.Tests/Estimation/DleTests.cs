using System.Text.Json;
using Vigil.Statistics.Estimation;

namespace Vigil.Statistics.Tests.Estimation;

/// <summary>DLE's arithmetic against tools/golden/generate_dle.py (NannyML's formulas with NumPy and scikit-learn) on
/// fixed inputs: per-row losses, realized metrics, sampling errors, estimates from given predicted losses, bands and
/// thresholds, to 1e-9.</summary>
public class DleTests
{
    private static readonly JsonElement Cases = JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Fixtures", "dle_cases.json"))).RootElement;

    private static double[] Doubles(JsonElement e) => [.. e.EnumerateArray().Select(v => v.GetDouble())];

    private static void Close(double expected, double actual, string what)
    {
        var tol = Math.Max(1e-9 * Math.Abs(expected), 1e-12);
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData("mae")]
    [InlineData("mse")]
    [InlineData("rmse")]
    [InlineData("mape")]
    [InlineData("msle")]
    [InlineData("rmsle")]
    public void Metric_FixedInputs_MatchesNannyMlArithmetic(string metric)
    {
        var y = Doubles(Cases.GetProperty("reference").GetProperty("y"));
        var p = Doubles(Cases.GetProperty("reference").GetProperty("p"));
        var c = Cases.GetProperty("metrics").GetProperty(metric);
        var loss = DleMetrics.LossOf(metric);
        var expectedLoss = Doubles(c.GetProperty("loss"));
        var moments = new LossMoments();
        var losses = new double[y.Length];
        for (var i = 0; i < y.Length; i++)
        {
            losses[i] = DleMetrics.Loss(loss, y[i], p[i]);
            Close(expectedLoss[i], losses[i], $"{metric} loss row {i}");
            moments.Add(losses[i]);
        }
        Close(c.GetProperty("std").GetDouble(), moments.Std, $"{metric} std (one pass)");
        Close(c.GetProperty("mean").GetDouble(), moments.Mean, $"{metric} mean (one pass)");
        var streamed = DleSamplingError.Fit(new Dictionary<DleLoss, LossMoments> { [loss] = moments });
        var exact = DleSamplingError.Fit(new Dictionary<DleLoss, double[]> { [loss] = losses });
        var realized = new List<double>();
        foreach (var ch in c.GetProperty("chunks").EnumerateArray())
        {
            int from = ch.GetProperty("from").GetInt32(), to = ch.GetProperty("to").GetInt32();
            var what = $"{metric} rows {from}–{to}";
            double sum = 0;
            for (var i = from; i < to; i++) sum += losses[i];
            var r = DleMetrics.FromMeanLoss(metric, sum / (to - from));
            Close(ch.GetProperty("realized").GetDouble(), r, what + " realized");
            realized.Add(r);
            var predicted = Doubles(ch.GetProperty("predicted"));
            var est = DleMetrics.FromMeanLoss(metric, predicted.Sum() / predicted.Length);
            Close(ch.GetProperty("estimate").GetDouble(), est, what + " estimate");
            var se = exact.StandardError(metric, to - from);
            Close(ch.GetProperty("se").GetDouble(), se, what + " standard error");
            Close(ch.GetProperty("se").GetDouble(), streamed.StandardError(metric, to - from), what + " standard error (one pass)");
            var (lo, hi) = DleBounds.Band(est, se);
            Close(ch.GetProperty("lower").GetDouble(), lo, what + " lower");
            Close(ch.GetProperty("upper").GetDouble(), hi, what + " upper");
        }
        var (tl, tu) = DleBounds.Thresholds(realized);
        var expected = c.GetProperty("thresholds");
        AssertBound(expected[0], tl, metric + " lower threshold");
        AssertBound(expected[1], tu, metric + " upper threshold");
    }

    [Fact]
    public void Thresholds_ClippedAtZeroOrFlat_MatchNannyMl()
    {
        foreach (var t in Cases.GetProperty("thresholds").EnumerateArray())
        {
            var (lo, hi) = DleBounds.Thresholds(Doubles(t.GetProperty("values")));
            AssertBound(t.GetProperty("expected")[0], lo, "lower");
            AssertBound(t.GetProperty("expected")[1], hi, "upper");
        }
        Assert.Null(DleBounds.Thresholds([1.0, 1.0, 1.0, 9.0]).Lower);
    }

    [Fact]
    public void StandardError_EmptyChunkOrUnfittedLoss_IsNaN()
    {
        var m = new LossMoments();
        m.Add(1);
        m.Add(3);
        var se = DleSamplingError.Fit(new Dictionary<DleLoss, LossMoments> { [DleLoss.Absolute] = m });
        Assert.Equal(1.0, se.StandardError("mae", 1));
        Assert.True(double.IsNaN(se.StandardError("mae", 0)));
        Assert.True(double.IsNaN(se.StandardError("mse", 10)));
    }

    [Fact]
    public void FromMeanLoss_NegativeMeanOfPredictedSquares_RootIsZero()
    {
        Assert.Equal(0, DleMetrics.FromMeanLoss("rmse", -1e-3));
        Assert.Equal(-1e-3, DleMetrics.FromMeanLoss("mse", -1e-3));
        Assert.Equal(1e-20, DleMetrics.Log1P(1e-20));
        Assert.Throws<ArgumentException>(() => DleMetrics.LossOf("r2"));
    }

    private static void AssertBound(JsonElement expected, double? actual, string what)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{what}: expected none, got {actual}");
            return;
        }
        Assert.True(actual is not null, $"{what}: expected {expected.GetDouble()}, got none");
        Close(expected.GetDouble(), actual!.Value, what);
    }
}
