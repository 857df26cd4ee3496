using System.Text.Json;
using Vigil.Statistics.Estimation;
using static Vigil.Statistics.Tests.Estimation.EstimationFixture;

namespace Vigil.Statistics.Tests.Estimation;

public sealed class ReferenceThresholdsTests
{
    public static TheoryData<string> Cases => Names("thresholds.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void MeanThreeSigma_MatchesNannyMl(string name)
    {
        var c = Case("thresholds.json", name);
        var values = c.GetProperty("values").EnumerateArray()
            .Select(v => v.ValueKind != JsonValueKind.String ? v.GetDouble() : v.GetString() switch
            {
                "inf" => double.PositiveInfinity,
                "-inf" => double.NegativeInfinity,
                _ => double.NaN,
            })
            .ToList();
        var (lower, upper) = ReferenceThresholds.MeanThreeSigma(values);
        Check(c.GetProperty("lower"), lower, name + " lower");
        Check(c.GetProperty("upper"), upper, name + " upper");
    }

    private static void Check(JsonElement expected, double? actual, string what)
    {
        if (expected.ValueKind == JsonValueKind.Null)
        {
            Assert.Null(actual);
            return;
        }
        Assert.NotNull(actual);
        Close(expected.GetDouble(), actual.Value, what);
    }

    [Fact]
    public void MeanThreeSigma_OtherRange()
    {
        var (lower, upper) = ReferenceThresholds.MeanThreeSigma([100, 200, 300], min: double.NegativeInfinity, max: double.PositiveInfinity);
        var sd = Math.Sqrt(20000.0 / 3);
        Close(200 - 3 * sd, lower!.Value, "lower");
        Close(200 + 3 * sd, upper!.Value, "upper");
        Assert.Equal(0.0, ReferenceThresholds.MeanThreeSigma([100, 200, 300], min: 0, max: 1000).Lower);
    }
}
