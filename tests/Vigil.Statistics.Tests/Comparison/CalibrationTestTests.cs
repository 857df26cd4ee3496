using Vigil.Statistics.Comparison;
using static Vigil.Statistics.Tests.Comparison.ComparisonFixture;

namespace Vigil.Statistics.Tests.Comparison;

public sealed class CalibrationTestTests
{
    public static TheoryData<string> Cases => Names("calibration");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Slice_MatchesNumpy(string name)
    {
        var c = Case("calibration", name);
        var r = CalibrationTest.Slice(L(c, "n"), L(c, "positives"), D(c, "sum_p"), D(c, "sum_pq"), D(c, "confidence"));
        Matches(c, new Difference(r.Value, r.Lower, r.Upper, r.PValue, r.Test));
        Close(D(c, "z"), r.Z, $"{name} z");
        Close(D(c, "in_the_large"), r.InTheLarge, $"{name} in the large");
    }

    [Fact]
    public void Degenerate()
    {
        Assert.Equal("no rows", CalibrationTest.Slice(0, 0, 0, 0).Note);
        var exact = CalibrationTest.Slice(3, 2, 2.0, 0.0);
        Assert.Equal(1.0, exact.PValue);
        Assert.Equal(0.0, exact.Z);
        Assert.Equal(0.0, CalibrationTest.Slice(3, 1, 2.0, 0.0).PValue);
        Assert.Throws<ArgumentException>(() => CalibrationTest.Slice(3, 4, 2.0, 0.5));
    }
}
