using Vigil.Statistics.Learning;

namespace Vigil.Statistics.Tests.Learning;

public class EdgeCaseTests
{
    private static double[] Sequence(int n, Func<int, double> f) => [.. Enumerable.Range(0, n).Select(f)];

    private static void AssertShapConsistent(GradientBoostedTrees model, FeatureMatrix x)
    {
        double[,] shap = model.ShapValues(x, out double expected);
        LearningFixtures.AssertLocalAccuracy(model, x, shap, expected);
    }

    [Fact]
    public void Fit_ConstantTarget_PredictsTheConstantWithZeroShap()
    {
        var x = new FeatureMatrix([FeatureColumn.Numeric("a", Sequence(500, i => i % 17)), FeatureColumn.Numeric("b", Sequence(500, i => i * 0.5))]);
        double[] y = Sequence(500, _ => 4.25);
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions());
        foreach (double p in model.Predict(x)) Assert.Equal(4.25, p, 12);
        double[,] shap = model.ShapValues(x, out double expected);
        Assert.Equal(4.25, expected, 12);
        foreach (double s in shap) Assert.Equal(0, s, 12);
    }

    [Fact]
    public void Fit_OneRow_PredictsItsTarget()
    {
        var x = new FeatureMatrix([FeatureColumn.Numeric("a", [1.5]), FeatureColumn.Categorical("c", [0], ["u"])]);
        var model = GradientBoostedTrees.Fit(x, [7.0], new GradientBoostingOptions { EarlyStopping = EarlyStoppingMode.On });
        Assert.Equal(7.0, model.Predict(x, 0));
        Assert.Equal(7.0, model.ExpectedValue);
        AssertShapConsistent(model, x);
    }

    [Fact]
    public void Fit_AllMissingFeature_NeverSplitsOnItAndGetsZeroShap()
    {
        int n = 1000;
        var x = new FeatureMatrix([
            FeatureColumn.Numeric("empty", Sequence(n, _ => double.NaN)),
            FeatureColumn.Numeric("signal", Sequence(n, i => i % 100))]);
        double[] y = Sequence(n, i => (i % 100) * 0.1);
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions());
        Assert.DoesNotContain(model.Trees, t => t.Feature.Contains(0));
        double[,] shap = model.ShapValues(x, out _);
        for (int i = 0; i < n; i++) Assert.Equal(0, shap[i, 0]);
        AssertShapConsistent(model, x);
        Assert.True(SurrogateTests.R2(y, model.Predict(x)) > 0.99);
    }

    [Fact]
    public void Fit_SingleFeature_LearnsAStepFunction()
    {
        int n = 2000;
        var x = new FeatureMatrix([FeatureColumn.Numeric("a", Sequence(n, i => i / (double)n))]);
        double[] y = Sequence(n, i => i < n / 2 ? -1 : 1);
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions { MaxIterations = 50 });
        double[] p = model.Predict(x);
        Assert.True(p[10] < -0.99 && p[^10] > 0.99, $"{p[10]} {p[^10]}");
        AssertShapConsistent(model, x);
    }

    [Fact]
    public void Fit_CategoricalOnly_PredictsGroupMeansAndMapsCategoriesByLabel()
    {
        int n = 3000;
        double[] effect = [2, -1, 0.5, 3, -2];
        int[] codes = [.. Enumerable.Range(0, n).Select(i => i % 6 == 5 ? -1 : i % 5)];
        string[] labels = ["a", "b", "c", "d", "e"];
        var x = new FeatureMatrix([FeatureColumn.Categorical("c", codes, labels)]);
        double[] y = [.. codes.Select(c => c < 0 ? 10 : effect[c])];
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions { MaxIterations = 200 });
        double[] p = model.Predict(x);
        for (int i = 0; i < n; i++) Assert.Equal(y[i], p[i], 3);
        AssertShapConsistent(model, x);

        // The same categories under other codes, plus one the model never saw (treated as missing).
        var other = new FeatureMatrix([FeatureColumn.Categorical("c", [0, 1, 2, 3, 4, 5, -1], ["e", "d", "c", "b", "a", "zzz"])]);
        double[] q = model.Predict(other);
        Assert.Equal(effect[4], q[0], 3);
        Assert.Equal(effect[3], q[1], 3);
        Assert.Equal(effect[0], q[4], 3);
        Assert.Equal(q[6], q[5]);
        Assert.Equal(10, q[6], 3);
    }

    [Fact]
    public void Fit_SameSeed_GivesIdenticalModels_OtherSeedAnotherSplit()
    {
        (FeatureMatrix x, double[] y) = TreeShapBruteForceTests.MixedData(3000, 5);
        var o = new GradientBoostingOptions { MaxIterations = 30, EarlyStopping = EarlyStoppingMode.On, Seed = 42 };
        byte[] a = Bytes(GradientBoostedTrees.Fit(x, y, o));
        byte[] b = Bytes(GradientBoostedTrees.Fit(x, y, o));
        byte[] c = Bytes(GradientBoostedTrees.Fit(x, y, o with { Seed = 43 }));
        Assert.Equal(a, b);
        Assert.NotEqual(a, c);
    }

    private static byte[] Bytes(GradientBoostedTrees model)
    {
        using var ms = new MemoryStream();
        model.Save(ms);
        return ms.ToArray();
    }

    [Fact]
    public void SaveLoad_RoundTrip_GivesIdenticalPredictionsAndShap()
    {
        (FeatureMatrix x, double[] y) = TreeShapBruteForceTests.MixedData(2000, 9);
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions { MaxIterations = 20 });
        using var ms = new MemoryStream();
        model.Save(ms);
        ms.Position = 0;
        var loaded = GradientBoostedTrees.Load(ms);
        Assert.Equal(model.Predict(x), loaded.Predict(x));
        Assert.Equal(model.ShapValues(x, out double e1), loaded.ShapValues(x, out double e2));
        Assert.Equal(e1, e2);
        Assert.Equal(model.FeatureNames, loaded.FeatureNames);
        Assert.Equal(Bytes(model), Bytes(loaded));

        byte[] bad = ms.ToArray();
        bad[0] = (byte)'X';
        Assert.Throws<InvalidDataException>(() => GradientBoostedTrees.Load(new MemoryStream(bad)));
        Assert.Throws<InvalidDataException>(() => GradientBoostedTrees.Load(new MemoryStream(ms.ToArray()[..100])));
    }

    [Fact]
    public void EarlyStopping_NoisyTarget_StopsBeforeMaxIterations()
    {
        var rng = new Random(1);
        int n = 20_000;
        var x = new FeatureMatrix([FeatureColumn.Numeric("a", Sequence(n, _ => rng.NextDouble()))]);
        double[] y = Sequence(n, i => rng.NextDouble());
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions { MaxIterations = 200 });
        FitReport r = model.Report!;
        Assert.True(r.StoppedEarly);
        Assert.True(r.Iterations < 200);
        Assert.Equal(2000, r.ValidationRows);
        Assert.Equal(18_000, r.TrainRows);
        Assert.Equal(r.Iterations + 1, r.ValidationLoss.Count);
        Assert.NotNull(r.ValidationR2);
    }

    [Theory]
    [InlineData(new[] { 1.0, 0.9, 0.8 }, 2, 0.0, false)]            // too few scores yet
    [InlineData(new[] { 1.0, 0.9, 0.9, 0.9 }, 2, 0.0, true)]        // no improvement over the last 2
    [InlineData(new[] { 1.0, 0.9, 0.9, 0.89 }, 2, 0.0, false)]      // improved on the reference
    [InlineData(new[] { 1.0, 0.9, 0.9, 0.89 }, 2, 0.02, true)]      // but not by more than tol
    public void ShouldStop_FollowsSklearnRule(double[] losses, int nIterNoChange, double tol, bool expected)
    {
        Assert.Equal(expected, Booster.ShouldStop([.. losses], nIterNoChange, tol));
    }

    [Fact]
    public void Predict_MatrixWithDifferentFeatures_ThrowsNamingThem()
    {
        var x = new FeatureMatrix([FeatureColumn.Numeric("a", Sequence(50, i => i))]);
        var model = GradientBoostedTrees.Fit(x, Sequence(50, i => i), new GradientBoostingOptions { MinSamplesLeaf = 5 });
        var wrong = new FeatureMatrix([FeatureColumn.Categorical("a", [0], ["u"])]);
        ArgumentException e = Assert.Throws<ArgumentException>(() => model.Predict(wrong));
        Assert.Contains("'a'", e.Message);
        Assert.Throws<ArgumentException>(() => GradientBoostedTrees.Fit(x, [1.0], new GradientBoostingOptions()));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientBoostedTrees.Fit(x, Sequence(50, i => i), new GradientBoostingOptions { MaxBins = 256 }));
    }
}
