using System.Text.Json;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;

namespace Vigil.Statistics.Tests.Comparison;

/// <summary>Reads tests/Vigil.Statistics.Tests/Fixtures/comparison_cases.json (tools/golden/generate_comparison.py).</summary>
internal static class ComparisonFixture
{
    public const string File = "comparison_cases.json";

    public static JsonElement Group(string name) => Fixture.Cases(File).GetProperty(name);

    public static JsonElement Case(string group, string name) => Fixture.Named(Group(group), name, group);

    public static TheoryData<string> Names(string group) => Fixture.NamesOf(Group(group));

    public static TheoryData<int> Indices(string group)
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < Group(group).GetArrayLength(); i++)
        {
            data.Add(i);
        }
        return data;
    }

    /// <summary>The expected number, NaN for null.</summary>
    public static double D(JsonElement e, string property) => Fixture.Number(e, property) ?? double.NaN;

    public static long L(JsonElement e, string property) => e.GetProperty(property).GetInt64();

    public static ScoreCount[] Cells(JsonElement c) =>
        c.GetProperty("cells").EnumerateArray()
            .Select(r => new ScoreCount(r[0].GetDouble(), r[1].GetInt64(), r[2].GetInt64())).ToArray();

    public static PairedScoreCount[] PairedCells(JsonElement c) =>
        c.GetProperty("cells").EnumerateArray()
            .Select(r => new PairedScoreCount(r[0].GetDouble(), r[1].GetDouble(), r[2].GetInt64(), r[3].GetInt64())).ToArray();

    /// <summary>NaN-aware Fixture.Close.</summary>
    public static void Close(double expected, double actual, string what, double relative = 1e-9, double absolute = 1e-12)
    {
        if (double.IsNaN(expected))
        {
            Assert.True(double.IsNaN(actual), $"{what}: expected NaN, got {actual:R}");
            return;
        }
        Fixture.Close(expected, actual, what, relative, absolute);
    }

    public static void Matches(JsonElement c, Difference r, double relative = 1e-9, double absolute = 1e-12)
    {
        var name = c.TryGetProperty("name", out var n) ? n.GetString() : c.ToString();
        Close(D(c, "value"), r.Value, $"{name} value", relative, absolute);
        Close(D(c, "lower"), r.Lower, $"{name} lower", relative, absolute);
        Close(D(c, "upper"), r.Upper, $"{name} upper", relative, absolute);
        Close(D(c, "p"), r.PValue, $"{name} p", relative, absolute);
    }
}
