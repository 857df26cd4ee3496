using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>Edge cases of the methods beyond the golden fixture: one-row and constant samples (where Evidently errors
/// Vigil refuses with a reason), huge counts (1e9 occurrences of a value) where the results must stay exact, aliases
/// and thresholds. Reference numbers come from SciPy 1.10.1 (or, where SciPy's int64 arithmetic would overflow, from
/// SciPy's formula evaluated with exact integers and mpmath), as noted at each test.</summary>
public sealed class DriftMethodsEdgeTests
{
    private static ValueCounts Num(double[] x, long[] r, long[] c) => ValueCounts.Numerical(x, r, c);

    private static ValueCounts Cat(string[] k, long[] r, long[] c) => ValueCounts.Categorical(k, r, c);

    [Fact]
    public void NewMethods_AreRegisteredWithEvidentlyDefaults()
    {
        foreach (var m in new[] { "TVD", "anderson", "cramer_von_mises", "ed", "mannw", "t_test", "fisher_exact", "g_test", "l_infinity" })
            Assert.Contains(m, DriftMethods.Names);
        Assert.Equal(0.05, DriftMethods.DefaultThreshold("mannw"));
        Assert.Equal(0.05, DriftMethods.DefaultThreshold("t_test"));
        Assert.Equal(0.1, DriftMethods.DefaultThreshold("l_infinity"));
        Assert.Equal(0.1, DriftMethods.DefaultThreshold("energy"));
        Assert.True(DriftMethods.IsTest("TVD"));
        Assert.False(DriftMethods.IsTest("ed"));
        Assert.False(DriftMethods.IsTest("l_infinity"));
        Assert.True(DriftMethods.Accepts("mannw", ColumnType.Numerical));
        Assert.False(DriftMethods.Accepts("mannw", ColumnType.Categorical));
        Assert.False(DriftMethods.Accepts("l_infinity", ColumnType.Numerical));
        Assert.True(DriftMethods.IsKnown("energy"));
        Assert.Equal("ed", DriftMethods.Canonical("energy"));
    }

    [Fact]
    public void EnergyAlias_RunsEd_AndDriftIsStrict()
    {
        var v = Num([0.0, 1.0], [1, 1], [1, 1]);
        var r = DriftMethods.Run("energy", v);
        Assert.Equal("ed", r.Method);
        Assert.Equal(0.0, r.Statistic);
        Assert.False(DriftMethods.Run("ed", v, threshold: 0.0).Drifted); // d > t, not d >= t
        var cat = Cat(["a", "b"], [1, 1], [1, 1]);
        Assert.False(DriftMethods.Run("l_infinity", cat, threshold: 0.0).Drifted);
    }

    [Fact]
    public void NumericalMethods_RefuseCategoricalColumns_EvenUnnamed()
    {
        var cat = Cat(["a", "b"], [3, 1], [1, 3]);
        foreach (var m in new[] { "anderson", "cramer_von_mises", "ed", "mannw", "t_test" })
        {
            Assert.NotNull(DriftMethods.Refusal(m, cat, named: false));
            Assert.Throws<ArgumentException>(() => DriftMethods.Run(m, cat));
        }
        var num = Num([1.0, 2.0], [3, 1], [1, 3]);
        foreach (var m in new[] { "TVD", "fisher_exact", "g_test", "l_infinity" })
            Assert.NotNull(DriftMethods.Refusal(m, num, named: false));
    }

    [Fact]
    public void OneRowCurrent()
    {
        var num = Num([1.0, 2.0, 3.0], [4, 3, 3], [0, 1, 0]);
        Assert.NotNull(DriftMethods.Refusal("cramer_von_mises", num)); // Evidently: at least two observations each
        var t = DriftMethods.Run("t_test", num);
        Assert.Null(t.Statistic); // the current variance is undefined (ddof = 1), so t is NaN
        Assert.Null(t.PValue);
        Assert.False(t.Drifted);
        Assert.Null(DriftMethods.Refusal("mannw", num));
        Assert.Null(DriftMethods.Refusal("anderson", num));

        var cat = Cat(["p", "q"], [150, 150], [0, 1]);
        Assert.NotNull(DriftMethods.Refusal("fisher_exact", cat)); // sizes differ
        Assert.Equal(0.5, DriftMethods.Run("l_infinity", cat).Statistic);
        Assert.True(DriftMethods.Run("l_infinity", cat).Drifted);
    }

    [Fact]
    public void ConstantColumns()
    {
        var num = Num([3.5], [300], [200]);
        Assert.NotNull(DriftMethods.Refusal("anderson", num)); // SciPy: more than one distinct observation needed
        var t = DriftMethods.Run("t_test", num);
        Assert.Null(t.Statistic);
        Assert.False(t.Drifted);
        var u = DriftMethods.Run("mannw", num);
        Assert.Equal(1.0, u.PValue); // s = 0, z = −inf
        Assert.Equal(30000.0, u.Statistic);
        Assert.False(DriftMethods.Run("ed", num).Drifted);

        var two = Num([1.0, 2.0], [5, 0], [0, 5]); // each sample constant, different values
        var tt = DriftMethods.Run("t_test", two);
        Assert.Equal(double.NegativeInfinity, tt.Statistic);
        Assert.Equal(0.0, tt.PValue);
        Assert.True(tt.Drifted);
        Assert.NotNull(DriftMethods.Refusal("anderson", Num([1.0, 2.0], [1, 0], [0, 1]))); // N = 2: SciPy fails
        var three = DriftMethods.Run("anderson", Num([1.0, 2.0], [2, 0], [0, 1])); // N = 3: SciPy gives NaN
        Assert.Null(three.PValue);
        Assert.False(three.Drifted);

        var cat = Cat(["only"], [250], [250]);
        var f = DriftMethods.Run("fisher_exact", cat);
        Assert.Equal(1.0, f.PValue);
        Assert.Null(f.Statistic);
        var g = DriftMethods.Run("g_test", cat);
        Assert.Equal(0.0, g.Statistic);
        Assert.Null(g.PValue); // chi2 with 0 degrees of freedom
        Assert.False(g.Drifted);
        var tvd = DriftMethods.Run("TVD", cat);
        Assert.Equal(1.0, tvd.PValue);
        Assert.Equal(0.0, DriftMethods.Run("l_infinity", cat).Statistic);
    }

    [Fact]
    public void FisherExact_RefusesMoreThanTwoCategories()
    {
        Assert.NotNull(DriftMethods.Refusal("fisher_exact", Cat(["a", "b", "c"], [2, 2, 0], [0, 2, 2])));
        Assert.Null(DriftMethods.Refusal("fisher_exact", Cat(["a", "b", "c"], [2, 2, 0], [2, 2, 0])));
    }

    [Fact]
    public void HugeCounts_FisherIsExact()
    {
        // Tables [[500040000, 499960000], [500000000, 500000000]] and the same with 50,000 more in the first cell.
        // Here SciPy 1.10 itself is off: its hypergeom (Boost) gives 0.07364545629247486 and 5.700493189818529e-05,
        // about 2.4e-7 relative from the exact values, which come from summing the hypergeometric probabilities in
        // mpmath (30 digits) with SciPy's rule (every table with pmf ≤ pmf(observed)·(1 + 1e-14)). Vigil's
        // saddle-point pmf matches the exact values, so this compares with those.
        var v = Cat(["a", "b"], [500_000_000, 500_000_000], [499_960_000, 500_040_000]);
        var r = DriftMethods.Run("fisher_exact", v);
        Fixture.Close(1.0001600128010242, r.Statistic!.Value, "odds");
        Fixture.Close(0.07364547432044822, r.PValue!.Value, "p", relative: 1e-11);
        Fixture.Close(0.07364545629247486, r.PValue!.Value, "p vs SciPy", relative: 1e-6);
        var w = Cat(["a", "b"], [500_000_000, 500_000_000], [499_910_000, 500_090_000]);
        Fixture.Close(5.700494367205941e-05, DriftMethods.Run("fisher_exact", w).PValue!.Value, "p2", relative: 1e-11);
    }

    private static readonly ValueCounts Huge = Num([0.0, 1.0, 2.5], [1_000_000_000, 2_000_000_000, 1_000_000_000], [1_000_000_000, 2_000_000_000, 1_000_100_000]);

    [Fact]
    public void HugeCounts_TTest()
    {
        // Exact rational moments (mpmath), p = 2·scipy.special.stdtr(8000099998, −|t|).
        var r = DriftMethods.Run("t_test", Huge);
        Fixture.Close(-1.7220697394472464, r.Statistic!.Value, "t", relative: 1e-9);
        Fixture.Close(0.08505688603479093, r.PValue!.Value, "p", relative: 1e-9);
    }

    [Fact]
    public void HugeCounts_MannWhitney()
    {
        // SciPy's formula with exact integers: its own int64 tie term (t³ − t, t = 4e9) would overflow.
        var r = DriftMethods.Run("mannw", Huge);
        Assert.Equal(8.00005e18, r.Statistic);
        Fixture.Close(0.056926914068392676, r.PValue!.Value, "p", relative: 1e-9);
    }

    [Fact]
    public void HugeCounts_SharesOnlyMethodsAreScaleInvariant()
    {
        // Scaling every count by 2^30 leaves each share r/n the same double, so these are bitwise equal.
        const long k = 1L << 30;
        var small = Num([0.0, 1.0, 2.5, 4.0], [7, 3, 5, 1], [2, 6, 5, 3]);
        var big = Num([0.0, 1.0, 2.5, 4.0], [7 * k, 3 * k, 5 * k, 1 * k], [2 * k, 6 * k, 5 * k, 3 * k]);
        Assert.Equal(DriftMethods.Run("ed", small).Statistic, DriftMethods.Run("ed", big).Statistic);
        var cs = Cat(["a", "b", "c"], [7, 3, 5], [2, 6, 7]);
        var cb = Cat(["a", "b", "c"], [7 * k, 3 * k, 5 * k], [2 * k, 6 * k, 7 * k]);
        Assert.Equal(DriftMethods.Run("l_infinity", cs).Statistic, DriftMethods.Run("l_infinity", cb).Statistic);
        // G grows with the counts: G(k·counts) = k·G(counts).
        var g1 = DriftMethods.Run("g_test", cs).Statistic!.Value;
        var gk = DriftMethods.Run("g_test", cb);
        Fixture.Close(g1 * k, gk.Statistic!.Value, "G", relative: 1e-12);
        Assert.Equal(0.0, gk.PValue);
        // U1 grows with k²: the rank sums are exact integers.
        Fixture.Close(DriftMethods.Run("mannw", small).Statistic!.Value * k * k, DriftMethods.Run("mannw", big).Statistic!.Value, "U1", relative: 1e-15);
        // The rank-based statistics stay finite.
        var a = DriftMethods.Run("anderson", big);
        Assert.True(double.IsFinite(a.Statistic!.Value));
        Assert.InRange(a.PValue!.Value, 0.001, 0.25);
        var cvm = DriftMethods.Run("cramer_von_mises", big);
        Assert.True(double.IsFinite(cvm.Statistic!.Value));
        // SciPy's series stops at the first term below 1e-7, so its p-value is small but not 0 here.
        Assert.InRange(cvm.PValue!.Value, 0, 1e-3);
        Assert.True(cvm.Drifted);
        Assert.NotNull(DriftMethods.Refusal("TVD", cb)); // 1000 shuffles of 2e10 values: refused
    }

    [Fact]
    public void ExactBranches_WithTiesAndLargeSamples_MatchSciPy()
    {
        // scipy.stats.cramervonmises_2samp(repeat([0,1,2],[5,3,2]), repeat([1,2,3],[2,2,4])): exact branch with ties.
        var v = Num([0.0, 1.0, 2.0, 3.0], [5, 3, 2, 0], [0, 2, 2, 4]);
        var c = DriftMethods.Run("cramer_von_mises", v);
        Fixture.Close(0.9039351851851851, c.Statistic!.Value, "T", relative: 1e-12);
        Fixture.Close(0.0030165912518853697, c.PValue!.Value, "p", relative: 1e-12);
        // scipy.stats.anderson_ksamp of the same samples (p floored at 0.001).
        var a = DriftMethods.Run("anderson", v);
        Fixture.Close(7.535455838497354, a.Statistic!.Value, "A2", relative: 1e-12);
        Assert.Equal(0.001, a.PValue);
        // scipy.stats.mannwhitneyu(arange(2000.), [100.5, 500.5, 1500.5, 1999.5, 2500], alternative="less"): exact.
        var x = Enumerable.Range(0, 2000).Select(i => (double)i).Concat([100.5, 500.5, 1500.5, 1999.5, 2500.0]).Order().ToArray();
        var cur = new[] { 100.5, 500.5, 1500.5, 1999.5, 2500.0 };
        var m = Num(x, x.Select(e => cur.Contains(e) ? 0L : 1L).ToArray(), x.Select(e => cur.Contains(e) ? 1L : 0L).ToArray());
        var u = DriftMethods.Run("mannw", m);
        Assert.Equal(3897.0, u.Statistic);
        Fixture.Close(0.2025341457040885, u.PValue!.Value, "p", relative: 1e-12);
    }

    [Fact]
    public void CramerVonMisesSeries_KeepsSciPysTruncation()
    {
        // 1 − scipy.stats._hypotests._cdf_cvm_inf(x), SciPy 1.10.1.
        Fixture.Close(4.86516382736113e-11, 1 - NumericalDrift.CvmInfCdf(5.0), "x=5", relative: 1e-9);
        Fixture.Close(2.558779773620401e-07, 1 - NumericalDrift.CvmInfCdf(1000.0), "x=1000", relative: 1e-9);
        Fixture.Close(3.2911630977183748e-06, 1 - NumericalDrift.CvmInfCdf(1e5), "x=1e5", relative: 1e-9);
    }

    [Fact]
    public void LegacyRandom_MatchesNumpySeedZero()
    {
        // np.random.RandomState(0).randint(0, 2**32, size=2, dtype=np.uint32): the raw MT19937 outputs.
        var rng = new LegacyRandom(0);
        Assert.Equal(2357136044u, rng.NextUInt32());
        Assert.Equal(2546248239u, rng.NextUInt32());
        // np.random.seed(0); np.random.permutation(10)
        var a = Enumerable.Range(0, 10).ToArray();
        new LegacyRandom(0).Shuffle(a);
        Assert.Equal(new[] { 2, 8, 4, 9, 1, 6, 7, 3, 0, 5 }, a);
    }
}
