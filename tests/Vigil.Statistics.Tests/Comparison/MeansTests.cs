using Vigil.Statistics.Comparison;
using static Vigil.Statistics.Tests.Comparison.ComparisonFixture;

namespace Vigil.Statistics.Tests.Comparison;

public sealed class MeansTests
{
    public static TheoryData<string> UnpairedCases => Names("means_unpaired");
    public static TheoryData<string> PairedCases => Names("means_paired");

    [Theory]
    [MemberData(nameof(UnpairedCases))]
    public void Unpaired_MatchesNumpy(string name)
    {
        var c = Case("means_unpaired", name);
        var r = Means.Unpaired(L(c, "n1"), D(c, "sum1"), D(c, "sum_sq1"), L(c, "n2"), D(c, "sum2"), D(c, "sum_sq2"), D(c, "confidence"));
        // Sums of squares lose a few digits against numpy's two-pass variance.
        Matches(c, r, relative: 1e-8, absolute: 1e-12);
    }

    [Theory]
    [MemberData(nameof(PairedCases))]
    public void Paired_MatchesNumpy(string name)
    {
        var c = Case("means_paired", name);
        Matches(c, Means.Paired(L(c, "n"), D(c, "sum_d"), D(c, "sum_sq_d"), D(c, "confidence")), relative: 1e-8, absolute: 1e-12);
    }

    [Fact]
    public void TooFewRows_NaNWithReason()
    {
        var r = Means.Paired(1, 0.5, 0.25);
        Assert.Equal(0.5, r.Value);
        Assert.True(double.IsNaN(r.PValue));
        Assert.Contains("at least 2 rows", r.Note);
        Assert.Contains("no rows", Means.Unpaired(0, 0, 0, 3, 1, 1).Note);
    }

    [Fact]
    public void ZeroVariance_NoDifference_PValueOne()
    {
        var r = Means.Unpaired(4, 1.0, 0.25, 6, 1.5, 0.375);
        Assert.Equal(0.0, r.Value);
        Assert.Equal(1.0, r.PValue);
    }
}
