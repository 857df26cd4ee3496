using Vigil.Statistics.Comparison;
using static Vigil.Statistics.Tests.Comparison.ComparisonFixture;

namespace Vigil.Statistics.Tests.Comparison;

public sealed class ProportionsTests
{
    public static TheoryData<string> UnpairedCases => Names("newcombe_unpaired");
    public static TheoryData<string> PairedCases => Names("newcombe_paired");
    public static TheoryData<int> WilsonCases => Indices("wilson");
    public static TheoryData<int> McNemarCases => Indices("mcnemar");

    [Theory]
    [MemberData(nameof(UnpairedCases))]
    public void NewcombeUnpaired_MatchesReference(string name)
    {
        var c = Case("newcombe_unpaired", name);
        var r = Proportions.NewcombeUnpaired(L(c, "x1"), L(c, "n1"), L(c, "x2"), L(c, "n2"), D(c, "confidence"));
        Matches(c, r);
        Assert.StartsWith("Newcombe hybrid score interval", r.Test);
    }

    [Theory]
    [MemberData(nameof(PairedCases))]
    public void NewcombePaired_MatchesReference(string name)
    {
        var c = Case("newcombe_paired", name);
        var r = Proportions.NewcombePaired(L(c, "both"), L(c, "only_a"), L(c, "only_b"), L(c, "neither"), D(c, "confidence"));
        Matches(c, r);
        Assert.Contains(c.GetProperty("mcnemar").GetString() == "exact" ? "McNemar exact binomial" : "McNemar chi-square", r.Test);
    }

    [Theory]
    [MemberData(nameof(WilsonCases))]
    public void Wilson_MatchesReference(int i)
    {
        var c = Group("wilson")[i];
        var (lo, hi) = Proportions.Wilson(L(c, "x"), L(c, "n"), D(c, "confidence"));
        Close(D(c, "lower"), lo, $"wilson {c} lower");
        Close(D(c, "upper"), hi, $"wilson {c} upper");
    }

    [Theory]
    [MemberData(nameof(McNemarCases))]
    public void McNemar_MatchesScipy(int i)
    {
        var c = Group("mcnemar")[i];
        Close(D(c, "p"), Proportions.McNemarPValue(L(c, "b"), L(c, "c")), $"mcnemar {c}", 1e-10);
        Assert.Equal(c.GetProperty("kind").GetString() == "exact", Proportions.McNemarName(L(c, "b"), L(c, "c")).Contains("exact"));
    }

    [Fact]
    public void NewcombeUnpaired_PublishedExample()
    {
        // Newcombe (1998a), Table II: 56/70 − 48/80, method 10: 0.0524 to 0.3339.
        var r = Proportions.NewcombeUnpaired(48, 80, 56, 70);
        Assert.Equal(0.0524, r.Lower, 4);
        Assert.Equal(0.3339, r.Upper, 4);
        Assert.Equal(0.2, r.Value, 12);
    }

    [Fact]
    public void EmptyOrInvalid()
    {
        var r = Proportions.NewcombeUnpaired(0, 0, 3, 10);
        Assert.True(double.IsNaN(r.Value));
        Assert.Contains("baseline has no rows", r.Note);
        Assert.True(double.IsNaN(Proportions.NewcombePaired(0, 0, 0, 0).Value));
        Assert.Throws<ArgumentException>(() => Proportions.NewcombeUnpaired(11, 10, 3, 10));
        Assert.Throws<ArgumentException>(() => Proportions.NewcombePaired(1, -1, 0, 0));
        var (lo, hi) = Proportions.Wilson(0, 0);
        Assert.True(double.IsNaN(lo) && double.IsNaN(hi));
        Assert.Equal(1.0, Proportions.McNemarPValue(0, 0));
    }

    [Fact]
    public void Wilson_Extremes_AreExactlyZeroAndOne()
    {
        Assert.Equal(0.0, Proportions.Wilson(0, 7).Lower);
        Assert.Equal(1.0, Proportions.Wilson(7, 7).Upper);
    }
}
