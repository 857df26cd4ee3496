using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>The mergeable numerical summary behind reference profiles: exact below its resolution, and beyond it the
/// distribution function and the Wasserstein distance within the bounds it states, after any number of merges.</summary>
public sealed class NumericSummaryTests
{
    private static double[] Normal(int n, int seed, double shift = 0)
    {
        var r = new Random(seed);
        return Enumerable.Range(0, n).Select(_ => shift + Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())).ToArray();
    }

    /// <summary>numpy's mean and population standard deviation, two passes in plain order (decimal for the sums).</summary>
    private static (double Mean, double Std) Moments(double[] xs)
    {
        var mean = (double)xs.Select(x => (decimal)x).Sum() / xs.Length;
        var ss = xs.Sum(x => (x - mean) * (x - mean));
        return (mean, Math.Sqrt(ss / xs.Length));
    }

    /// <summary>The reference as the summary holds it against a current sample.</summary>
    private static ValueCounts AgainstSummary(NumericSummary s, double[] current)
    {
        var (values, counts) = s.Points();
        var map = new SortedDictionary<double, (long R, long C)>();
        for (var i = 0; i < values.Length; i++) map[values[i]] = (counts[i], 0);
        foreach (var x in current) map[x + 0.0] = (map.GetValueOrDefault(x + 0.0).R, map.GetValueOrDefault(x + 0.0).C + 1);
        return ValueCounts.Numerical(map.Keys.ToArray(), map.Values.Select(v => v.R).ToArray(), map.Values.Select(v => v.C).ToArray());
    }

    private static void AssertWithinBounds(NumericSummary s, double[] reference, double[] current)
    {
        var exact = ValueCounts.FromSamples(reference, current);
        var approx = AgainstSummary(s, current);
        var dKs = Math.Abs(DriftMethods.KsStatistic(approx) - DriftMethods.KsStatistic(exact));
        Assert.True(dKs <= s.CdfError + 1e-12, $"ks off by {dKs}, bound {s.CdfError}");
        var dW = Math.Abs(DriftMethods.Wasserstein(approx) - DriftMethods.Wasserstein(exact));
        Assert.True(dW <= s.WassersteinError + 1e-12, $"wasserstein off by {dW}, bound {s.WassersteinError}");
        // The normed distance with the exact standard deviation the summary keeps.
        var normed = DriftMethods.WassersteinNormed(approx.WithReferenceStandardDeviation(s.StandardDeviation));
        var exactNormed = DriftMethods.WassersteinNormed(exact);
        Assert.True(Math.Abs(normed - exactNormed) <= s.WassersteinError / s.StandardDeviation + 1e-12);
    }

    [Fact]
    public void FewDistinctValues_AreHeldExactly()
    {
        double[] xs = [3, 1, 2, 2, 5, 3, 3, -0.0, 0.0, 1.5];
        var s = NumericSummary.FromSamples(xs, resolution: 10);
        Assert.True(s.IsExact);
        Assert.Equal(0, s.PooledBuckets);
        Assert.Equal(0, s.CdfError);
        Assert.Equal(0, s.WassersteinError);
        var (values, counts) = s.Points();
        Assert.Equal([0, 1, 1.5, 2, 3, 5], values);
        Assert.Equal([2L, 1, 1, 2, 3, 1], counts);
        var (mean, std) = Moments(xs);
        Assert.Equal(xs.Length, s.Count);
        Assert.Equal(mean, s.Mean, 1e-14);
        Assert.Equal(std, s.StandardDeviation, 1e-14);
        Assert.Equal(0, s.Min);
        Assert.Equal(5, s.Max);
        // Drift against an exact summary is the drift against the data.
        double[] cur = [1, 2, 2, 4, 7];
        Assert.Equal(DriftMethods.KsStatistic(ValueCounts.FromSamples(xs, cur)), DriftMethods.KsStatistic(AgainstSummary(s, cur)));
        Assert.Equal(DriftMethods.Wasserstein(ValueCounts.FromSamples(xs, cur)), DriftMethods.Wasserstein(AgainstSummary(s, cur)));
    }

    [Fact]
    public void ManyDistinctValues_ArePooled_WithinTheStatedBounds()
    {
        var reference = Normal(50_000, 1);
        var s = NumericSummary.FromSamples(reference, resolution: 200);
        Assert.False(s.IsExact);
        // Buckets of at most ceil(n / resolution) values: about resolution of them, the extremes alone.
        Assert.InRange(s.Counts.Length, 200, 402);
        Assert.All(s.Counts, n => Assert.True(n <= 250));
        Assert.Equal(reference.Min(), s.Min);
        Assert.Equal(reference.Max(), s.Max);
        Assert.Equal(s.Lows[0], s.Highs[0]);
        Assert.Equal(s.Lows[^1], s.Highs[^1]);
        Assert.InRange(s.CdfError, 1e-9, 250.0 / 50_000);
        var (mean, std) = Moments(reference);
        Assert.Equal(mean, s.Mean, 1e-12);
        Assert.Equal(std, s.StandardDeviation, 1e-12);
        // The summary's mean of the points is still the exact mean (each bucket at its own mean).
        var (values, counts) = s.Points();
        Assert.Equal(mean, values.Select((v, i) => v * counts[i]).Sum() / reference.Length, 1e-9);
        AssertWithinBounds(s, reference, Normal(30_000, 2, 0.05));
        AssertWithinBounds(s, reference, Normal(3_000, 3, 1.5));
        AssertWithinBounds(s, reference, reference.Take(100).ToArray());
    }

    [Fact]
    public void AFrequentValue_KeepsABucketOfItsOwn()
    {
        var xs = Normal(10_000, 4).Select((x, i) => i % 2 == 0 ? 0.0 : x).ToArray();
        var s = NumericSummary.FromSamples(xs, resolution: 50);
        var zero = Array.IndexOf(s.Lows, 0.0);
        Assert.True(zero >= 0);
        Assert.Equal(0.0, s.Highs[zero]);
        Assert.Equal(5_000 + xs.Where((x, i) => i % 2 == 1 && x == 0).Count(), s.Counts[zero]);
        AssertWithinBounds(s, xs, Normal(2_000, 5));
    }

    [Fact]
    public void Merge_OfExactSummaries_IsTheSummaryOfAllTheValues()
    {
        double[] a = [1, 2, 2, 3];
        double[] b = [2, 3, 7, 7, 7];
        var m = NumericSummary.Merge(NumericSummary.FromSamples(a), NumericSummary.FromSamples(b));
        var whole = NumericSummary.FromSamples(a.Concat(b));
        Assert.True(m.IsExact);
        Assert.Equal(whole.Lows, m.Lows);
        Assert.Equal(whole.Counts, m.Counts);
        Assert.Equal(whole.Count, m.Count);
        Assert.Equal(whole.Mean, m.Mean, 1e-15);
        Assert.Equal(whole.M2, m.M2, 1e-13);
        // With an empty one, the other.
        var empty = NumericSummary.FromSamples([]);
        Assert.Equal(0, empty.Count);
        Assert.True(double.IsNaN(empty.Mean));
        Assert.Equal(m.Counts, NumericSummary.Merge(empty, m).Counts);
        Assert.Equal(m.Counts, NumericSummary.Merge(m, empty).Counts);
    }

    [Fact]
    public void ExactSummaries_WhoseUnionIsTooLarge_ArePooledOnMerge()
    {
        var a = Enumerable.Range(0, 80).Select(i => (double)i).ToArray();
        var b = Enumerable.Range(80, 80).Select(i => (double)i).ToArray();
        var m = NumericSummary.Merge(NumericSummary.FromSamples(a, 100), NumericSummary.FromSamples(b, 100), 100);
        Assert.False(m.IsExact);
        Assert.True(m.Counts.Length <= 100);
        Assert.Equal(0, m.Min);
        Assert.Equal(159, m.Max);
        AssertWithinBounds(m, a.Concat(b).ToArray(), [5, 50.5, 100, 158]);
    }

    [Fact]
    public void ManyMerges_OfPooledSummaries_KeepTheMomentsExact_AndTheBoundsTrue()
    {
        var parts = Enumerable.Range(0, 12).Select(k => Normal(4_000 + 500 * k, 10 + k, k * 0.1)).ToList();
        var merged = parts.Select(p => NumericSummary.FromSamples(p, 100)).Aggregate((x, y) => NumericSummary.Merge(x, y, 100));
        var all = parts.SelectMany(p => p).ToArray();
        Assert.Equal(all.Length, merged.Count);
        var (mean, std) = Moments(all);
        Assert.Equal(mean, merged.Mean, 1e-12);
        Assert.Equal(std, merged.StandardDeviation, 1e-12);
        Assert.Equal(all.Min(), merged.Min);
        Assert.Equal(all.Max(), merged.Max);
        Assert.True(merged.Counts.Length <= 2 * 100 + 2, $"{merged.Counts.Length} buckets");
        // Buckets from different parts overlap after pooling, and the bound counts them together: it grows with the
        // depth of merging (here 11 merges: about 8 buckets' share against 1 for a summary built whole), and it holds.
        Assert.True(merged.CdfError < 0.1, $"cdf error {merged.CdfError}");
        AssertWithinBounds(merged, all, Normal(5_000, 99, 0.3));
        AssertWithinBounds(merged, all, Normal(5_000, 98, 0.0));
    }

    [Fact]
    public void BinnedShareError_CountsThePooledBucketsAnInnerEdgeCuts()
    {
        var s = NumericSummary.FromParts([0, 1, 4, 9], [0, 3, 6, 9], [5, 10, 20, 5], [0, 20, 100, 45], 40, 4.125, 200);
        Assert.Equal(2, s.PooledBuckets);
        // Edge 2 cuts [1, 3]; edge 5 cuts [4, 6]; the outer edges 0 and 9 cut nothing.
        Assert.Equal(10.0 / 40, s.BinnedShareError([0, 2, 9]));
        Assert.Equal(30.0 / 40, s.BinnedShareError([0, 2, 5, 9]));
        Assert.Equal(0, s.BinnedShareError([0, 3.5, 9]));
        // An edge at a bucket's low leaves the bucket whole in one bin ([e, next)); at its high it does not.
        Assert.Equal(0, s.BinnedShareError([0, 1, 9]));
        Assert.Equal(10.0 / 40, s.BinnedShareError([0, 3, 9]));
        Assert.Equal(20.0 / 40, s.CdfError);
        Assert.Equal(10.0 / 40 * 2 + 20.0 / 40 * 2, s.WassersteinError, 1e-15);
    }

    [Fact]
    public void FromParts_RejectsWhatDoesNotFitTogether()
    {
        Assert.Throws<ArgumentException>(() => NumericSummary.FromParts([0, 1], [0], [1, 1], [0, 1], 2, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromParts([1, 0], [1, 0], [1, 1], [1, 0], 2, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromParts([0, 1], [0, 1], [1, 1], [0, 1], 3, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromParts([0, 2], [0, 1], [1, 1], [0, 1], 2, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromParts([0, 1], [0, 1], [1, 0], [0, 1], 1, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromParts([0, double.NaN], [0, 1], [1, 1], [0, 1], 2, 0.5, 0.5));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromParts([0, 1], [0, 1], [1, 1], [0, 1], 2, 0.5, -1));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromSorted([2, 1], [1, 1]));
        Assert.Throws<ArgumentException>(() => NumericSummary.FromSorted([1, 2], [1, 0]));
        Assert.Throws<ArgumentOutOfRangeException>(() => NumericSummary.FromSorted([1, 2], [1, 1], resolution: 1));
    }

    [Fact]
    public void HugeCounts_DoNotOverflowTheMoments()
    {
        var s = NumericSummary.FromSorted([1.0, 2.0, 1e6], [4_000_000_000_000L, 4_000_000_000_000L, 2L]);
        var t = NumericSummary.Merge(s, s);
        Assert.Equal(2 * s.Count, t.Count);
        Assert.Equal(s.Mean, t.Mean, 1e-15);
        Assert.Equal(s.StandardDeviation, t.StandardDeviation, 1e-12);
        Assert.Equal(1.5 + 2e6 / 8e12 - 3e0 / 8e12, s.Mean, 1e-12);
    }
}
