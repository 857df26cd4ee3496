using System.Text.Json;
using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>
/// Golden values from tools/golden/generate_ks.py (SciPy 1.10.1): ks_2samp p-values on generated samples,
/// kstwo.sf over a grid reaching every branch of _ksstats._kolmogn, and scipy.special.smirnov.
/// Every value agrees to 1e-10 relative (1e-300 absolute for values that underflow towards 0).
/// </summary>
public sealed class KolmogorovSmirnovTests
{
    private const string File = "ks_pvalues.json";
    private const double Relative = 1e-10;
    private const double Absolute = 1e-300;

    public static TheoryData<string> TwoSampleCases => Names("ks_2samp");
    public static TheoryData<string> KstwoCases => Names("kstwo_sf");
    public static TheoryData<string> SmirnovCases => Names("smirnov");

    private static TheoryData<string> Names(string kind)
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in Fixture.Cases(File).EnumerateArray())
        {
            if (c.GetProperty("kind").GetString() == kind)
            {
                data.Add(c.GetProperty("name").GetString()!);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(TwoSampleCases))]
    public void TwoSamplePValue_MatchesScipyKs2Samp(string name)
    {
        JsonElement c = Fixture.Case(File, name);
        double p = KolmogorovSmirnov.TwoSamplePValue(
            c.GetProperty("d").GetDouble(), c.GetProperty("n1").GetInt64(), c.GetProperty("n2").GetInt64());
        Fixture.Close(c.GetProperty("p").GetDouble(), p, name, Relative, Absolute);
    }

    [Theory]
    [MemberData(nameof(KstwoCases))]
    public void KolmogorovSf_MatchesScipyKstwoSf(string name)
    {
        JsonElement c = Fixture.Case(File, name);
        double sf = KolmogorovSmirnov.KolmogorovSf(c.GetProperty("n").GetInt64(), c.GetProperty("d").GetDouble());
        Fixture.Close(c.GetProperty("sf").GetDouble(), sf, name, Relative, Absolute);
    }

    [Theory]
    [MemberData(nameof(SmirnovCases))]
    public void Smirnov_MatchesScipySpecialSmirnov(string name)
    {
        JsonElement c = Fixture.Case(File, name);
        double sf = KolmogorovSmirnov.Smirnov(c.GetProperty("n").GetInt32(), c.GetProperty("x").GetDouble());
        Fixture.Close(c.GetProperty("sf").GetDouble(), sf, name, Relative, Absolute);
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(1, 7)]
    [InlineData(50, 80)]
    [InlineData(10000, 10000)]
    [InlineData(20000, 15000)]
    public void TwoSamplePValue_StatisticZero_IsOne(long n1, long n2)
    {
        Assert.Equal(1.0, KolmogorovSmirnov.TwoSamplePValue(0.0, n1, n2));
    }

    [Fact]
    public void TwoSamplePValue_CompleteSeparation_IsTheLatticeProbability()
    {
        // Exact: Pr(D = 1) = 2 / C(n1 + n2, n1).
        Fixture.Close(2.0 / 252.0, KolmogorovSmirnov.TwoSamplePValue(1.0, 5, 5), "5x5", Relative);
        Fixture.Close(2.0 / 120.0, KolmogorovSmirnov.TwoSamplePValue(1.0, 3, 7), "3x7", Relative);
        // 1x1: d = 1 is the only non-zero value, so p = 1.
        Assert.Equal(1.0, KolmogorovSmirnov.TwoSamplePValue(1.0, 1, 1));
        // Asymptotic with a large effective n: kstwo.sf(1, n) = 0.
        Assert.Equal(0.0, KolmogorovSmirnov.TwoSamplePValue(1.0, 20000, 30000));
    }

    [Fact]
    public void TwoSamplePValue_OneObservation_IsSymmetric()
    {
        // A single observation against n: D is a multiple of 1/n, and the exact p-value of D = k/n is 2(n-k+1)/(n+1)
        // capped at 1 (for D > 1/2).
        for (int k = 1; k <= 9; k++)
        {
            double d = k / 9.0;
            double a = KolmogorovSmirnov.TwoSamplePValue(d, 1, 9);
            double b = KolmogorovSmirnov.TwoSamplePValue(d, 9, 1);
            Assert.Equal(a, b);
            Assert.InRange(a, 0.0, 1.0);
        }
        Fixture.Close(0.2, KolmogorovSmirnov.TwoSamplePValue(1.0, 1, 9), "1x9 d=1", Relative);
    }

    [Fact]
    public void KolmogorovSf_Edges()
    {
        Assert.Equal(1.0, KolmogorovSmirnov.KolmogorovSf(10, 0.0));
        Assert.Equal(1.0, KolmogorovSmirnov.KolmogorovSf(10, 0.05)); // d <= 1/(2n): outside the support
        Assert.Equal(0.0, KolmogorovSmirnov.KolmogorovSf(10, 1.0));
        Fixture.Close(0.5, KolmogorovSmirnov.KolmogorovSf(1, 0.75), "n=1: sf = 2 - 2d", Relative);
        // n x^2 >= 370 for n > 140: exactly 0.
        Assert.Equal(0.0, KolmogorovSmirnov.KolmogorovSf(1000, Math.Sqrt(0.371)));
    }

    [Fact]
    public void Arguments_AreValidated()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.TwoSamplePValue(0.5, 0, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.TwoSamplePValue(0.5, 5, 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.TwoSamplePValue(0.5, -3, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.TwoSamplePValue(-0.1, 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.TwoSamplePValue(1.0000001, 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.TwoSamplePValue(double.NaN, 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.TwoSamplePValue(double.PositiveInfinity, 5, 5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.KolmogorovSf(0, 0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.KolmogorovSf(10, -0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.KolmogorovSf(10, 1.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => KolmogorovSmirnov.KolmogorovSf(10, double.NaN));
    }

    [Fact]
    public void TwoSamplePValue_HugeSamples_StayInRange()
    {
        // Effective n beyond 2^31 (SciPy's cephes smirnov takes a C int; its n > 10^6 approximation is used here).
        foreach (double d in new[] { 1e-6, 3e-5, 1e-4, 0.01, 0.5 })
        {
            double p = KolmogorovSmirnov.TwoSamplePValue(d, 6_000_000_000, 5_000_000_000);
            Assert.InRange(p, 0.0, 1.0);
        }
        // n x^2 >= 2.2: 2 · smirnov, whose n > 10^6 approximation is exp(-(6nx + 1)^2 / 18n).
        double n = Math.Round(6e9 * 5e9 / 11e9), x = 1e-4;
        Fixture.Close(2 * Math.Exp(-Math.Pow(6.0 * n * x + 1, 2) / 18.0 / n),
            KolmogorovSmirnov.TwoSamplePValue(x, 6_000_000_000, 5_000_000_000), "n = 2.7e9", Relative);
    }
}
