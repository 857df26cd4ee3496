using System.Text.Json;
using Vigil.Statistics.Fairness;

namespace Vigil.Statistics.Tests.Fairness;

/// <summary>Reads tests/Vigil.Statistics.Tests/Fixtures/fairness_cases.json (tools/golden/generate_fairness.py).</summary>
internal static class FairnessFixture
{
    public const string File = "fairness_cases.json";

    public static JsonElement Group(string name) => Fixture.Cases(File).GetProperty(name);

    public static JsonElement Case(string group, string name) => Fixture.Named(Group(group), name, group);

    public static TheoryData<string> Names(string group) => Fixture.NamesOf(Group(group));

    /// <summary>The data set's groups as the engine would hand them over.</summary>
    public static GroupCounts[] Groups(string dataset) =>
        Group("datasets").GetProperty(dataset).EnumerateArray().Select(g =>
        {
            var cells = g.GetProperty("cells").EnumerateArray().ToArray();
            return new GroupCounts(
                g.GetProperty("key").GetString()!,
                cells.Select(c => c[0].GetDouble()).ToArray(),
                cells.Select(c => c[1].GetInt64()).ToArray(),
                cells.Select(c => c[2].GetInt64()).ToArray());
        }).ToArray();

    /// <summary>The expected number, NaN for null.</summary>
    public static double D(JsonElement e, string property) => Fixture.Number(e, property) ?? double.NaN;

    /// <summary>A threshold: null is +∞.</summary>
    public static double Threshold(JsonElement e, string property) => Fixture.Number(e, property) ?? double.PositiveInfinity;

    public static long L(JsonElement e, string property) => e.GetProperty(property).GetInt64();

    /// <summary>NaN-aware, 1e-9 relative (1e-12 absolute near 0).</summary>
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
