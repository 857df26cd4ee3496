using Vigil.Statistics.Estimation;
using static Vigil.Statistics.Tests.Estimation.EstimationFixture;

namespace Vigil.Statistics.Tests.Estimation;

public sealed class CbpeMulticlassAccumulatorTests
{
    public static TheoryData<string> Cases => Names("multiclass.json");

    private static (IsotonicCalibrator[] Calibrators, double[][] Probabilities, int[] Predicted) Load(System.Text.Json.JsonElement c)
    {
        var calibrators = c.GetProperty("fits").EnumerateArray().Select(Calibrator).ToArray();
        var probabilities = c.GetProperty("probabilities").EnumerateArray().Select(Numbers).ToArray();
        var predicted = c.GetProperty("predicted").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        return (calibrators, probabilities, predicted);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Finish_MatchesNannyMlMacroEstimates(string name)
    {
        var c = Case("multiclass.json", name);
        var (calibrators, probabilities, predicted) = Load(c);
        var acc = new CbpeMulticlassAccumulator(calibrators, calibrators.Length);
        for (var i = 0; i < probabilities.Length; i++) acc.Add(probabilities[i], predicted[i]);
        var e = acc.Finish();
        Assert.Equal(probabilities.Length, e.Rows);
        foreach (var metric in CbpeMetrics.Multiclass)
        {
            Close(Number(c.GetProperty("metrics"), metric), e.Metrics[metric], $"{name} {metric}");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RocAuc_OneBinaryAccumulatorPerClass_MatchesNannyMl(string name)
    {
        var c = Case("multiclass.json", name);
        var (calibrators, probabilities, _) = Load(c);
        var k = calibrators.Length;
        var perClass = Numbers(c.GetProperty("roc_auc_per_class"));
        var aucs = new double[k];
        var p = new double[k];
        // what the analysis computes per class: rows and Σ renormalised probability per distinct raw score, descending
        var sums = Enumerable.Range(0, k).Select(_ => new SortedDictionary<double, (long Rows, double Sum)>()).ToArray();
        foreach (var row in probabilities)
        {
            CbpeMulticlassAccumulator.Calibrate(row, calibrators, p);
            for (var j = 0; j < k; j++)
            {
                sums[j].TryGetValue(row[j], out var cell);
                sums[j][row[j]] = (cell.Rows + 1, cell.Sum + p[j]);
            }
        }
        for (var j = 0; j < k; j++)
        {
            var acc = new CbpeBinaryAccumulator(IsotonicCalibrator.Identity, 0.5);
            foreach (var (score, cell) in sums[j].Reverse()) acc.AddCalibrated(score, cell.Rows, cell.Sum);
            aucs[j] = acc.Finish().Metrics[CbpeMetrics.RocAuc];
            Close(perClass[j], aucs[j], $"{name} class {j}");
        }
        Close(Number(c, "roc_auc"), aucs.Average(), name + " macro");
    }

    [Fact]
    public void Rows_WeightLikeRepeatedRows()
    {
        var cal = new[] { IsotonicCalibrator.Identity, IsotonicCalibrator.Identity, IsotonicCalibrator.Identity };
        var a = new CbpeMulticlassAccumulator(cal, 3);
        var b = new CbpeMulticlassAccumulator(cal, 3);
        a.Add([0.2, 0.5, 0.3], 1, 3);
        a.Add([0.6, 0.1, 0.3], 0, 0);   // no rows: nothing
        for (var i = 0; i < 3; i++) b.Add([0.2, 0.5, 0.3], 1);
        var ea = a.Finish();
        var eb = b.Finish();
        Assert.Equal(3, ea.Rows);
        foreach (var m in CbpeMetrics.Multiclass) Close(eb.Metrics[m], ea.Metrics[m], m, 1e-15);
        Close(0.5, ea.Metrics[CbpeMetrics.Accuracy], "accuracy = mean probability of the predicted class");
    }

    [Fact]
    public void AllCalibratedZero_Uniform()
    {
        var zero = IsotonicCalibrator.Fit([0.0, 1.0], [0, 1], [1, 1]);
        var p = new double[3];
        CbpeMulticlassAccumulator.Calibrate([0.0, 0.0, 0.0], [zero, zero, zero], p);
        Assert.Equal([1.0 / 3, 1.0 / 3, 1.0 / 3], p);
    }

    [Fact]
    public void Empty_NaN_BadInput_Throws()
    {
        var cal = new[] { IsotonicCalibrator.Identity, IsotonicCalibrator.Identity };
        var acc = new CbpeMulticlassAccumulator(cal, 2);
        Assert.All(CbpeMetrics.Multiclass, m => Assert.True(double.IsNaN(acc.Finish().Metrics[m])));
        Assert.Throws<ArgumentOutOfRangeException>(() => acc.Add([0.5, 0.5], 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => acc.Add([0.5, double.NaN], 0));
        Assert.Throws<ArgumentException>(() => acc.Add([0.5, 0.3, 0.2], 0));
        Assert.Throws<ArgumentException>(() => new CbpeMulticlassAccumulator(cal, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => new CbpeMulticlassAccumulator([IsotonicCalibrator.Identity], 1));
    }
}
