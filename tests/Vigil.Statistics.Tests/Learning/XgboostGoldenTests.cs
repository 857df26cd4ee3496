using System.Text.Json;
using Vigil.Statistics.Learning;

namespace Vigil.Statistics.Tests.Learning;

public class XgboostGoldenTests
{
    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Fixture.Cases(LearningFixtures.File).EnumerateArray())
        {
            if (c.GetProperty("kind").GetString() == "xgboost") data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    private static (GradientBoostedTrees Model, FeatureMatrix X, JsonElement Case) Load(string name)
    {
        JsonElement c = Fixture.Case(LearningFixtures.File, name);
        var model = GradientBoostedTrees.FromXgboostJson(c.GetProperty("trees").GetRawText(),
            c.GetProperty("base_score").GetDouble(), featureCount: c.GetProperty("features").GetInt32());
        return (model, LearningFixtures.Numeric(c.GetProperty("x")), c);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Predict_XgboostDump_MatchesXgboostPredict(string name)
    {
        (GradientBoostedTrees model, FeatureMatrix x, JsonElement c) = Load(name);
        double[] expected = LearningFixtures.Doubles(c.GetProperty("predictions"));
        double[] actual = model.Predict(x);
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            // xgboost sums the trees in float32; its predictions carry float32 rounding.
            Fixture.Close(expected[i], actual[i], $"{name} row {i}", relative: 1e-6, absolute: 1e-6);
            Assert.Equal(actual[i], model.Predict(x, i));
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ShapValues_XgboostDump_MatchPredContribs(string name)
    {
        (GradientBoostedTrees model, FeatureMatrix x, JsonElement c) = Load(name);
        double[,] shap = model.ShapValues(x, out double expectedValue);
        int f = x.FeatureCount;
        int row = 0;
        foreach (JsonElement contrib in c.GetProperty("contributions").EnumerateArray())
        {
            double[] want = LearningFixtures.Doubles(contrib);
            Assert.Equal(f + 1, want.Length);
            for (int j = 0; j < f; j++)
            {
                Fixture.Close(want[j], shap[row, j], $"{name} row {row} feature {j}", relative: 1e-6, absolute: 1e-6);
            }
            Fixture.Close(want[f], expectedValue, $"{name} bias", relative: 1e-6, absolute: 1e-6);
            row++;
        }
        Assert.Equal(x.RowCount, row);
        LearningFixtures.AssertLocalAccuracy(model, x, shap, expectedValue);
    }

    [Fact]
    public void FromXgboostJson_NotAnArray_Throws()
    {
        Assert.Throws<FormatException>(() => GradientBoostedTrees.FromXgboostJson("{\"nodeid\":0}", 0));
    }
}
