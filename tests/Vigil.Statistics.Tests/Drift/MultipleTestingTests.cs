using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

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
