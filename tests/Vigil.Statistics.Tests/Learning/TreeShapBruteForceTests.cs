using System.Text.Json;
using Vigil.Statistics.Learning;

namespace Vigil.Statistics.Tests.Learning;

/// <summary>
/// TreeSHAP against the definition: Shapley values over all 2^M coalitions S of the game
/// v(S) = base + Σ_trees E[f_t | x_S], where E[f_t | x_S] follows x at splits on features in S and averages both
/// children by cover elsewhere (the conditional expectation TreeSHAP defines).
/// </summary>
public class TreeShapBruteForceTests
{
    internal static double[] BruteForce(GradientBoostedTrees model, FeatureMatrix x, int row)
    {
        BoundFeatures b = model.Bind(x);
        int m = model.FeatureNames.Count;
        var v = new double[1 << m];
        for (int s = 0; s < v.Length; s++)
        {
            double sum = model.BaseScore;
            foreach (RegressionTree t in model.Trees) sum += Conditional(t, b, row, s, 0);
            v[s] = sum;
        }
        var factorial = new double[m + 1];
        factorial[0] = 1;
        for (int k = 1; k <= m; k++) factorial[k] = factorial[k - 1] * k;
        var phi = new double[m];
        for (int i = 0; i < m; i++)
        {
            for (int s = 0; s < v.Length; s++)
            {
                if ((s & (1 << i)) != 0) continue;
                int size = System.Numerics.BitOperations.PopCount((uint)s);
                double w = factorial[size] * factorial[m - size - 1] / factorial[m];
                phi[i] += w * (v[s | (1 << i)] - v[s]);
            }
        }
        return phi;
    }

    private static double Conditional(RegressionTree t, BoundFeatures b, int row, int set, int node)
    {
        int f = t.Feature[node];
        if (f < 0) return t.Value[node];
        int l = t.Left[node], r = t.Right[node];
        if ((set & (1 << f)) != 0) return Conditional(t, b, row, set, t.GoesLeft(node, b, row) ? l : r);
        return (t.Cover[l] * Conditional(t, b, row, set, l) + t.Cover[r] * Conditional(t, b, row, set, r)) / t.Cover[node];
    }

    private static void AssertMatchesBruteForce(GradientBoostedTrees model, FeatureMatrix x, int rows)
    {
        double[,] shap = model.ShapValues(x, out double expected);
        LearningFixtures.AssertLocalAccuracy(model, x, shap, expected);
        for (int i = 0; i < Math.Min(rows, x.RowCount); i++)
        {
            double[] want = BruteForce(model, x, i);
            for (int j = 0; j < want.Length; j++)
            {
                Fixture.Close(want[j], shap[i, j], $"row {i} feature {j}", relative: 1e-9, absolute: 1e-9);
            }
        }
    }

    internal static (FeatureMatrix X, double[] Y) MixedData(int n, ulong seed)
    {
        var rng = new Random((int)seed);
        var x0 = new double[n];
        var x1 = new double[n];
        var x2 = new double[n];
        var cat = new int[n];
        var x4 = new double[n];
        var y = new double[n];
        double[] effect = [0, 1.5, -1, 0.3];
        for (int i = 0; i < n; i++)
        {
            x0[i] = rng.NextDouble() * 4 - 2;
            x1[i] = Math.Round(rng.NextDouble() * 6);
            x2[i] = rng.NextDouble() < 0.2 ? double.NaN : rng.NextDouble();
            cat[i] = rng.NextDouble() < 0.1 ? -1 : rng.Next(4);
            x4[i] = rng.NextDouble();
            y[i] = 2 * x0[i] + Math.Sin(x1[i]) + (double.IsNaN(x2[i]) ? 1 : x2[i] * x0[i]) + (cat[i] < 0 ? 0.7 : effect[cat[i]])
                + 0.1 * rng.NextDouble();
        }
        var x = new FeatureMatrix([
            FeatureColumn.Numeric("x0", x0), FeatureColumn.Numeric("x1", x1), FeatureColumn.Numeric("x2", x2),
            FeatureColumn.Categorical("cat", cat, ["a", "b", "c", "d"]), FeatureColumn.Numeric("x4", x4)]);
        return (x, y);
    }

    [Fact]
    public void ShapValues_VigilTreesWithMissingAndCategories_MatchBruteForceShapley()
    {
        (FeatureMatrix x, double[] y) = MixedData(2000, 3);
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions { MaxIterations = 15, MinSamplesLeaf = 10 });
        Assert.Contains(model.Trees, t => t.Categories.Any(c => c is not null));
        Assert.Contains(model.Trees, t => Enumerable.Range(0, t.NodeCount).Any(k => t.Feature[k] == 2 && t.MissingLeft[k]));
        AssertMatchesBruteForce(model, x, 60);
    }

    [Fact]
    public void ShapValues_DeepTreesRepeatingFeatures_MatchBruteForceShapley()
    {
        (FeatureMatrix x, double[] y) = MixedData(3000, 11);
        var model = GradientBoostedTrees.Fit(x, y, new GradientBoostingOptions
        {
            MaxIterations = 5, MaxLeafNodes = 128, MinSamplesLeaf = 5, LearningRate = 0.5,
        });
        Assert.True(model.Trees.Max(t => t.MaxDepth) >= 8);
        AssertMatchesBruteForce(model, x, 40);
    }

    [Fact]
    public void ShapValues_XgboostTrees_MatchBruteForceShapley()
    {
        JsonElement c = Fixture.Case(LearningFixtures.File, "xgb_depth6_repeats");
        var model = GradientBoostedTrees.FromXgboostJson(c.GetProperty("trees").GetRawText(),
            c.GetProperty("base_score").GetDouble(), featureCount: c.GetProperty("features").GetInt32());
        AssertMatchesBruteForce(model, LearningFixtures.Numeric(c.GetProperty("x")), 40);
    }
}
