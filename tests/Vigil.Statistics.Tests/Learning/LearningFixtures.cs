using System.Text.Json;
using Vigil.Statistics.Learning;

namespace Vigil.Statistics.Tests.Learning;

/// <summary>Reads learning_cases.json (tools/golden/generate_learning.py) and checks SHAP's local accuracy.</summary>
internal static class LearningFixtures
{
    public const string File = "learning_cases.json";

    public static double[] Doubles(JsonElement array)
    {
        var v = new double[array.GetArrayLength()];
        int i = 0;
        foreach (JsonElement e in array.EnumerateArray())
        {
            v[i++] = e.ValueKind == JsonValueKind.Null ? double.NaN : e.GetDouble();
        }
        return v;
    }

    /// <summary>Columns of the case's "x" (one array per feature), named f0, f1, … as xgboost names them.</summary>
    public static FeatureMatrix Numeric(JsonElement x)
    {
        var cols = new List<FeatureColumn>();
        int j = 0;
        foreach (JsonElement c in x.EnumerateArray())
        {
            cols.Add(FeatureColumn.Numeric("f" + j++, Doubles(c)));
        }
        return new FeatureMatrix(cols);
    }

    /// <summary>Σ SHAP = prediction − expected value for every row, to <paramref name="tolerance"/> × max(1, |prediction|).</summary>
    public static void AssertLocalAccuracy(GradientBoostedTrees model, FeatureMatrix x, double[,] shap, double expected,
        IReadOnlyList<int>? rows = null, double tolerance = 1e-9)
    {
        double[] pred = model.Predict(x);
        for (int i = 0; i < shap.GetLength(0); i++)
        {
            int row = rows is null ? i : rows[i];
            double sum = expected;
            for (int j = 0; j < shap.GetLength(1); j++) sum += shap[i, j];
            double tol = tolerance * Math.Max(1, Math.Abs(pred[row]));
            Assert.True(Math.Abs(sum - pred[row]) <= tol,
                $"row {row}: expected value + Σ SHAP = {sum:R}, prediction {pred[row]:R}");
        }
    }
}
