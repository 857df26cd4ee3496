using System.Text.Json;
using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>
/// Golden values from tools/golden/generate_mmd.py (Evidently's empirical_mmd on NumPy, with the permutations seeded
/// and the pooled sample in canonical order): σ and MMD² to 1e-12 relative, the permutation p-value exactly.
/// </summary>
public sealed class MmdTestTests
{
    private const string File = "mmd_cases.json";

    public static TheoryData<string> Cases()
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Fixture.Cases(File).EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
        return data;
    }

    private static double[] Values(JsonElement c, string side) => c.GetProperty(side).EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static void Close(double expected, double actual, double relative)
    {
        var tolerance = Math.Abs(expected) * relative + 1e-15;
        Assert.True(Math.Abs(expected - actual) <= tolerance, $"expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesEvidentlysComputation(string name)
    {
        var c = Fixture.Case(File, name);
        var (x, y) = (Values(c, "reference"), Values(c, "current"));
        Close(c.GetProperty("sigma").GetDouble(), MmdTest.Sigma(x), 1e-12);
        var result = DriftMethods.Run("empirical_mmd", ValueCounts.FromSamples(x, y));
        Close(c.GetProperty("mmd_exact").GetDouble(), result.Statistic!.Value, 1e-12);
        Close(c.GetProperty("mmd").GetDouble(), result.Statistic!.Value, 1e-9);
        Assert.Equal(c.GetProperty("p_value").GetDouble(), result.PValue);
        Assert.Equal(0.1, result.Threshold);
        Assert.Equal(result.PValue < 0.1, result.Drifted);
    }

    [Fact]
    public void OrderOfTheInput_DoesNotMatter()
    {
        var r = new Random(4);
        var x = Enumerable.Range(0, 60).Select(_ => r.NextDouble()).ToArray();
        var y = Enumerable.Range(0, 50).Select(_ => r.NextDouble() + 0.2).ToArray();
        var a = DriftMethods.Run("empirical_mmd", ValueCounts.FromSamples(x, y));
        var b = DriftMethods.Run("empirical_mmd", ValueCounts.FromSamples(x.Reverse(), y.OrderBy(v => -v)));
        Assert.Equal(a, b);
        Assert.True(a.Drifted);
    }

    [Fact]
    public void TooFewOrTooManyValues_AreRefused()
    {
        Assert.Contains("at least 2", DriftMethods.Refusal("empirical_mmd", ValueCounts.FromSamples([1.0], [1.0, 2.0])));
        var many = Enumerable.Range(0, (int)MmdTest.MaxValues).Select(i => (double)i).ToArray();
        Assert.Contains("limited to 3,000", DriftMethods.Refusal("empirical_mmd", ValueCounts.FromSamples(many, [1.0, 2.0])));
        Assert.Null(DriftMethods.Refusal("empirical_mmd", ValueCounts.FromSamples(many.Take(1500), many.Skip(1500).Take(1500))));
        Assert.Contains("numerical", DriftMethods.Refusal("empirical_mmd", ValueCounts.FromSamples(["a", "b"], ["a", "b"])));
    }
}
