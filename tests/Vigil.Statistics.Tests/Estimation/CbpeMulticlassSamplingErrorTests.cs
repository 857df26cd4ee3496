using Vigil.Statistics.Estimation;

namespace Vigil.Statistics.Tests.Estimation;

/// <summary>Edge cases of multiclass CBPE's sampling errors and realized metrics (the golden comparison against
/// NannyML's steps is in Vigil.Analysis.Tests' MulticlassEstimationTests).</summary>
public sealed class CbpeMulticlassSamplingErrorTests
{
    private static ScoreGroups Groups(params (double S, double P, double N)[] g) =>
        new([.. g.Select(x => x.S)], [.. g.Select(x => x.P)], [.. g.Select(x => x.N)]);

    [Fact]
    public void StandardErrors_FollowNannyMlsFormulas()
    {
        // labels × predictions of 3 classes, 100 rows
        long[,] cm = { { 20, 5, 5 }, { 4, 26, 0 }, { 6, 4, 30 } };
        var groups = new[]
        {
            Groups((0.9, 18, 22), (0.3, 12, 48)),
            Groups((0.8, 20, 25), (0.2, 10, 45)),
            Groups((0.7, 30, 35), (0.1, 10, 25)),
        };
        var se = CbpeMulticlassSamplingError.Fit(cm, groups);
        // precision of class 0: TP 20 of 30 predicted 0 → var 2/9, fraction 0.3; class 1: 26 of 35; class 2: 30 of 35
        double V(double p) => p * (1 - p);
        var expected = Math.Sqrt(V(20.0 / 30) / (400 * 0.30) + V(26.0 / 35) / (400 * 0.35) + V(30.0 / 35) / (400 * 0.35)) / 3;
        Assert.Equal(expected, se.StandardError("precision", 400), 12);
        // F1 of class 0: 20 TP among 20 + 10 FN + 10 FP, no scaling
        Assert.Equal(V(20.0 / 40), se.Components["f1"][0].Variance, 12);
        Assert.Equal(0.40, se.Components["f1"][0].Fraction, 12);
        Assert.Equal(Math.Sqrt(V(0.76)) / Math.Sqrt(400), se.StandardError("accuracy", 400), 12);
        Assert.True(double.IsNaN(se.StandardError("recall", 0)));
        Assert.Throws<ArgumentException>(() => se.StandardError("average_precision", 10));
    }

    [Fact]
    public void RocAuc_IsTheBinaryComponentsCombined_TimesOnePointTwo()
    {
        long[,] cm = { { 5, 5 }, { 5, 5 } };
        var g0 = Groups((0.9, 4, 5), (0.1, 1, 5));
        var g1 = Groups((0.9, 1, 5), (0.1, 4, 5));
        var se = CbpeMulticlassSamplingError.Fit(cm, [g0, g1]);
        var c0 = CbpeSamplingError.RocAuc(g0);
        var c1 = CbpeSamplingError.RocAuc(g1);
        var expected = 1.2 * Math.Sqrt(c0.Std * c0.Std / (50 * c0.Fraction) + c1.Std * c1.Std / (50 * c1.Fraction)) / 2;
        Assert.Equal(expected, se.StandardError("roc_auc", 50), 12);
    }

    [Fact]
    public void AClassThatNeverOccurs_MakesItsMetricsUndefined()
    {
        long[,] cm = { { 10, 0 }, { 0, 0 } };
        var se = CbpeMulticlassSamplingError.Fit(cm, [Groups((0.6, 10, 10)), Groups((0.4, 0, 10))]);
        Assert.True(double.IsNaN(se.StandardError("precision", 100)));
        Assert.True(double.IsNaN(se.StandardError("roc_auc", 100)));
    }

    [Fact]
    public void Realized_OneClassOfLabels_IsUndefined_AMissingClass_UndefinesRocAuc()
    {
        long[,] single = { { 5, 3 }, { 0, 0 } };
        var r = CbpeMulticlassRealized.Metrics(single, [double.NaN, double.NaN]);
        Assert.All(r.Values, v => Assert.True(double.IsNaN(v)));

        long[,] three = { { 5, 1, 0 }, { 2, 4, 0 }, { 0, 0, 0 } };
        r = CbpeMulticlassRealized.Metrics(three, [0.8, 0.7, double.NaN]);
        Assert.True(double.IsNaN(r["roc_auc"]));
        // class 2 never predicted nor labelled: precision, recall and F1 count 0 (scikit-learn's zero_division=0)
        Assert.Equal((5.0 / 7 + 4.0 / 5 + 0) / 3, r["precision"], 12);
        Assert.Equal((5.0 / 6 + 4.0 / 6 + 0) / 3, r["recall"], 12);
        Assert.Equal((2 * 5.0 / 13 + 2 * 4.0 / 11 + 0) / 3, r["f1"], 12);
        Assert.Equal(9.0 / 12, r["accuracy"], 12);
        Assert.Equal((4.0 / 6 + 5.0 / 6 + 1) / 3, r["specificity"], 12);
    }
}
