using Vigil.Statistics.Testing;

namespace Vigil.Statistics.Tests.Testing;

public sealed class MultipleTestingTests
{
    [Fact]
    public void Bonferroni_MultipliesByTheFamilySize_CappedAtOne()
    {
        Assert.Equal(new[] { 0.03, 0.6, 1.0 }, MultipleTesting.Bonferroni([0.01, 0.2, 0.5]), new Tolerance());
    }

    [Fact]
    public void BenjaminiHochberg_StepUp()
    {
        // p sorted: 0.01, 0.02, 0.03, 0.04, 0.20 (m = 5): raw p·m/rank = 0.05, 0.05, 0.05, 0.05, 0.20; monotone from the top.
        var q = MultipleTesting.BenjaminiHochberg([0.04, 0.01, 0.20, 0.03, 0.02]);
        Assert.Equal(new[] { 0.05, 0.05, 0.20, 0.05, 0.05 }, q, new Tolerance());
        // A larger p-value early does not lower a later one: 0.001, 0.04, 0.041 (m = 3) → 0.003, 0.041, 0.041.
        Assert.Equal(new[] { 0.003, 0.041, 0.041 }, MultipleTesting.BenjaminiHochberg([0.001, 0.04, 0.041]), new Tolerance());
    }

    [Fact]
    public void NaN_StaysOutOfTheFamily()
    {
        var q = MultipleTesting.BenjaminiHochberg([0.01, double.NaN, 0.04]);
        Assert.True(double.IsNaN(q[1]));
        Assert.Equal(0.02, q[0], 12);
        Assert.Equal(0.04, q[2], 12);
        Assert.Empty(MultipleTesting.BenjaminiHochberg([]));
    }

    private sealed class Tolerance : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= 1e-12;
        public int GetHashCode(double obj) => 0;
    }
}

public sealed class HolmTests
{
    public static TheoryData<int> Families => Comparison.ComparisonFixture.Indices("holm");

    [Theory]
    [MemberData(nameof(Families))]
    public void Holm_MatchesDirectFormula(int i)
    {
        var c = Comparison.ComparisonFixture.Group("holm")[i];
        var p = c.GetProperty("p").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var expected = c.GetProperty("adjusted").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        var q = MultipleTesting.Holm(p);
        Assert.Equal(expected.Length, q.Length);
        for (var k = 0; k < q.Length; k++)
        {
            Fixture.Close(expected[k], q[k], $"family {i} p[{k}]", 1e-14);
        }
    }

    [Fact]
    public void Holm_StepDown_ByHand()
    {
        // sorted 0.005, 0.01, 0.03, 0.04 (m = 4): 0.02, 0.03, 0.06, 0.04 → monotone 0.02, 0.03, 0.06, 0.06.
        var q = MultipleTesting.Holm([0.01, 0.04, 0.03, 0.005]);
        Assert.Equal(new[] { 0.03, 0.06, 0.06, 0.02 }, q, new Tolerance());
        var withNaN = MultipleTesting.Holm([0.01, double.NaN, 0.04]);
        Assert.True(double.IsNaN(withNaN[1]));
        Assert.Equal(0.02, withNaN[0], 12);
        Assert.Equal(0.04, withNaN[2], 12);
        // Never below Bonferroni's power: every Holm value ≤ the Bonferroni value.
        var p = new[] { 0.001, 0.2, 0.9, 0.04 };
        var b = MultipleTesting.Bonferroni(p);
        Assert.All(MultipleTesting.Holm(p).Zip(b), t => Assert.True(t.First <= t.Second));
    }

    private sealed class Tolerance : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= 1e-12;
        public int GetHashCode(double obj) => 0;
    }
}
