using System.Text.Json;
using Vigil.Statistics.Estimation;

namespace Vigil.Statistics.Tests.Estimation;

/// <summary>Reads the fixtures written by tools/golden/generate_estimation.py (Fixtures/estimation/*.json).</summary>
internal static class EstimationFixture
{
    public static JsonElement Case(string file, string name) => Fixture.Case("estimation/" + file, name);

    public static TheoryData<string> Names(string file) => Fixture.Names("estimation/" + file);

    public static IEnumerable<JsonElement> Cases(string file) => Fixture.Cases("estimation/" + file).EnumerateArray();

    /// <summary>null in JSON is NaN (undefined).</summary>
    public static double Number(JsonElement e) => e.ValueKind == JsonValueKind.Number ? e.GetDouble() : double.NaN;

    public static double Number(JsonElement e, string property) => Number(e.GetProperty(property));

    public static double[] Numbers(JsonElement e)
    {
        var a = new double[e.GetArrayLength()];
        var i = 0;
        foreach (var v in e.EnumerateArray()) a[i++] = Number(v);
        return a;
    }

    public static long[] Longs(JsonElement e)
    {
        var a = new long[e.GetArrayLength()];
        var i = 0;
        foreach (var v in e.EnumerateArray()) a[i++] = v.GetInt64();
        return a;
    }

    public static ScoreGroups Groups(JsonElement e) =>
        new(Numbers(e.GetProperty("scores")), Numbers(e.GetProperty("positives")), Numbers(e.GetProperty("rows")));

    /// <summary>The calibrator fitted on the groups of <paramref name="e"/>, or the identity for null.</summary>
    public static IsotonicCalibrator Calibrator(JsonElement e) =>
        e.ValueKind == JsonValueKind.Null ? IsotonicCalibrator.Identity : IsotonicCalibrator.Fit(Groups(e));

    /// <summary>1e-9 relative (1e-12 absolute near 0); NaN must meet NaN.</summary>
    public static void Close(double expected, double actual, string what, double relative = 1e-9, double absolute = 1e-12)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }
        Fixture.Close(expected, actual, what, relative, absolute);
    }
}
