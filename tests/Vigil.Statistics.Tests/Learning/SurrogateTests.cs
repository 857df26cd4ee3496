using System.Text.Json;
using Vigil.Statistics.Learning;

namespace Vigil.Statistics.Tests.Learning;

/// <summary>
/// The surrogate on data with a known answer (tools/golden/generate_learning.py, case "surrogate"):
/// y = 3·x0 + sin(2·x1) + category effect + noise, x3 and x4 irrelevant.
/// </summary>
public class SurrogateTests
{
    private static (FeatureMatrix Train, double[] YTrain, FeatureMatrix Test, double[] YTest, JsonElement Case) Data()
    {
        JsonElement c = Fixture.Case(LearningFixtures.File, "surrogate");
        int nTrain = c.GetProperty("n_train").GetInt32();
        string[] names = [.. c.GetProperty("names").EnumerateArray().Select(e => e.GetString()!)];
        bool[] categorical = [.. c.GetProperty("categorical").EnumerateArray().Select(e => e.GetBoolean())];
        string[] labels = [.. c.GetProperty("categories").EnumerateArray().Select(e => e.GetString()!)];
        double[][] cols = [.. c.GetProperty("x").EnumerateArray().Select(LearningFixtures.Doubles)];
        double[] y = LearningFixtures.Doubles(c.GetProperty("y"));
        FeatureMatrix Slice(int from, int to)
        {
            var list = new List<FeatureColumn>();
            for (int j = 0; j < names.Length; j++)
            {
                double[] v = cols[j][from..to];
                list.Add(categorical[j]
                    ? FeatureColumn.Categorical(names[j], [.. v.Select(d => double.IsNaN(d) ? -1 : (int)d)], labels)
                    : FeatureColumn.Numeric(names[j], v));
            }
            return new FeatureMatrix(list);
        }
        return (Slice(0, nTrain), y[..nTrain], Slice(nTrain, y.Length), y[nTrain..], c);
    }

    private static GradientBoostingOptions SklearnSettings(JsonElement c)
    {
        JsonElement s = c.GetProperty("settings");
        return new GradientBoostingOptions
        {
            MaxIterations = s.GetProperty("max_iter").GetInt32(),
            LearningRate = s.GetProperty("learning_rate").GetDouble(),
            MaxLeafNodes = s.GetProperty("max_leaf_nodes").GetInt32(),
            MinSamplesLeaf = s.GetProperty("min_samples_leaf").GetInt32(),
            MaxBins = s.GetProperty("max_bins").GetInt32(),
            L2Regularization = s.GetProperty("l2_regularization").GetDouble(),
            EarlyStopping = s.GetProperty("early_stopping").GetBoolean() ? EarlyStoppingMode.On : EarlyStoppingMode.Off,
        };
    }

    internal static double R2(double[] y, double[] pred)
    {
        double mean = y.Average(), ss = 0, st = 0;
        for (int i = 0; i < y.Length; i++)
        {
            ss += (y[i] - pred[i]) * (y[i] - pred[i]);
            st += (y[i] - mean) * (y[i] - mean);
        }
        return 1 - ss / st;
    }

    [Fact]
    public void Fit_KnownFunction_HeldOutR2WithinOneHundredthOfSklearn()
    {
        (FeatureMatrix train, double[] yTrain, FeatureMatrix test, double[] yTest, JsonElement c) = Data();
        var model = GradientBoostedTrees.Fit(train, yTrain, SklearnSettings(c));
        double r2 = R2(yTest, model.Predict(test));
        double sklearn = c.GetProperty("sklearn_r2").GetDouble();
        Assert.True(Math.Abs(r2 - sklearn) <= 0.01, $"R² {r2:F4}, scikit-learn {sklearn:F4}");
        Assert.Equal(100, model.TreeCount);
        Assert.NotNull(model.Report);
        Assert.Equal(101, model.Report.TrainLoss.Count);
        Assert.True(model.Report.TrainLoss[^1] < model.Report.TrainLoss[0] / 20);
        Assert.Empty(model.Report.ValidationLoss);
    }

    [Fact]
    public void MeanAbsShap_KnownFunction_RanksTheDrivingFeaturesFirst()
    {
        (FeatureMatrix train, double[] yTrain, FeatureMatrix test, _, JsonElement c) = Data();
        var model = GradientBoostedTrees.Fit(train, yTrain, SklearnSettings(c));
        double[] importance = model.MeanAbsShap(test);
        int[] order = [.. Enumerable.Range(0, importance.Length).OrderByDescending(j => importance[j])];
        Assert.Equal("x0", model.FeatureNames[order[0]]);
        Assert.Equal(["cat", "x0", "x1"], order.Take(3).Select(j => model.FeatureNames[j]).Order(StringComparer.Ordinal));
        Assert.True(importance[3] < importance[1] / 5 && importance[4] < importance[1] / 5,
            $"irrelevant x3 {importance[3]:F4}, x4 {importance[4]:F4} against x1 {importance[1]:F4}");

        double[,] shap = model.ShapValues(test, out double expected, rows: [0, 5, 17]);
        LearningFixtures.AssertLocalAccuracy(model, test, shap, expected, rows: [0, 5, 17]);
        double[,] all = model.ShapValues(test, out _);
        for (int j = 0; j < importance.Length; j++)
        {
            double mean = Enumerable.Range(0, test.RowCount).Average(i => Math.Abs(all[i, j]));
            Fixture.Close(mean, importance[j], $"mean |SHAP| of {model.FeatureNames[j]}", relative: 1e-12);
        }
        for (int j = 0; j < importance.Length; j++)
        {
            Assert.Equal(all[5, j], shap[1, j]);
        }
    }
}
