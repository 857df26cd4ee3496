using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>Values near ±1.8e308 (issue 9): bins, the standard deviation, the normed Wasserstein distance and a
/// profile's moments are computed so that nothing overflows, and agree with the same data scaled down.</summary>
public sealed class ExtremeValueTests
{
    private static readonly double Big = Math.ScaleB(1.0, 1000); // about 1.07e301: data scaled by it stays exact

    private static void Close(double expected, double actual, double rel, string what) =>
        Assert.True(Math.Abs(expected - actual) <= rel * Math.Abs(expected), $"{what}: expected {expected:R}, got {actual:R}");

    [Fact]
    public void SturgesEdges_RangeThatOverflows_AreFiniteAscendingAndCoverTheRange()
    {
        var edges = Binning.SturgesEdges(-1.7e308, 1.7e308, 1000);
        Assert.Equal(12, edges.Length); // log2(1000) + 1 = 10.97: 11 bins
        Assert.All(edges, e => Assert.True(double.IsFinite(e)));
        for (var i = 1; i < edges.Length; i++) Assert.True(edges[i] > edges[i - 1]);
        Assert.Equal(-1.7e308, edges[0]);
        Assert.Equal(1.7e308, edges[^1]);
    }

    [Fact]
    public void SturgesEdges_OrdinaryRange_Unchanged()
    {
        // numpy.histogram_bin_edges([0, 1, 2, 3, 10], "sturges"): 4 bins of 2.5.
        Assert.Equal([0, 2.5, 5, 7.5, 10], Binning.SturgesEdges(0, 10, 5));
    }

    [Fact]
    public void Summarize_RangeThatOverflows_BinsEveryValue()
    {
        double[] r = [-1.7e308, 0, 1, 2, 3, 1.7e308];
        double[] c = [0, 1, 2, 3, 4, 5];
        var s = SortedSamples.Summarize(new SortedSample(r, null, r.Length), new SortedSample(c, null, c.Length));
        Assert.Equal(6, s.ReferenceBins!.Sum());
        Assert.Equal(6, s.CurrentBins!.Sum());
        Assert.True(double.IsFinite(s.KsStatistic));
    }

    [Fact]
    public void WassersteinNormed_IsScaleFree_WhenValuesWouldOverflowASquare()
    {
        var rnd = new Random(3);
        var r = Enumerable.Range(0, 500).Select(_ => rnd.NextDouble() * 4 - 2).Order().ToArray();
        var c = Enumerable.Range(0, 400).Select(_ => rnd.NextDouble() * 4 - 1).Order().ToArray();
        var plain = SortedSamples.WassersteinNormed(new SortedSample(r, null, r.Length),
            SortedSamples.Summarize(new SortedSample(r, null, r.Length), new SortedSample(c, null, c.Length)));
        var rs = r.Select(x => x * Big * 100).ToArray();
        var cs = c.Select(x => x * Big * 100).ToArray();
        var scaled = SortedSamples.WassersteinNormed(new SortedSample(rs, null, rs.Length),
            SortedSamples.Summarize(new SortedSample(rs, null, rs.Length), new SortedSample(cs, null, cs.Length)));
        Assert.True(double.IsFinite(scaled));
        Close(plain, scaled, 1e-12, "normed wasserstein");
        // The merged-counts route agrees.
        var merged = DriftMethods.WassersteinNormed(SortedSamples.Merge(new SortedSample(rs, null, rs.Length), new SortedSample(cs, null, cs.Length),
            SortedSamples.CensusOf(new SortedSample(rs, null, rs.Length), new SortedSample(cs, null, cs.Length))));
        Assert.Equal(scaled, merged);
    }

    [Fact]
    public void WassersteinNormed_OneValueNearTheLimit_IsFiniteAndPositive()
    {
        var r = Enumerable.Range(0, 1000).Select(i => i / 100.0).Append(1e308).ToArray();
        var c = Enumerable.Range(0, 1000).Select(i => i / 100.0 + 5).ToArray();
        var rs = new SortedSample(r, null, r.Length);
        var v = SortedSamples.WassersteinNormed(rs, SortedSamples.Summarize(rs, new SortedSample(c, null, c.Length)));
        Assert.True(double.IsFinite(v) && v > 0, $"{v}");
        Assert.True(double.IsFinite(SortedSamples.ReferenceStandardDeviation(rs)));
    }

    [Fact]
    public void ReferenceStandardDeviation_ExtremeValues_MatchesScaledComputation()
    {
        double[] small = [-1.5, -0.5, 0.25, 1, 1.75];
        var expected = SortedSamples.ReferenceStandardDeviation(new SortedSample(small, null, small.Length)) * Big * 100;
        var big = small.Select(x => x * Big * 100).ToArray();
        Close(expected, SortedSamples.ReferenceStandardDeviation(new SortedSample(big, null, big.Length)), 1e-13, "std");
    }

    [Fact]
    public void NumericSummary_ExtremeValues_MomentsAreFinite_AndMergeMatchesWhole()
    {
        double[] a = [1e308, -1e308, 0, 5];
        double[] b = [1.5e308, 3, -2];
        var sa = NumericSummary.FromSamples(a);
        var sb = NumericSummary.FromSamples(b);
        var whole = NumericSummary.FromSamples(a.Concat(b));
        Assert.True(double.IsFinite(whole.Mean) && double.IsFinite(whole.StandardDeviation) && double.IsFinite(whole.ScaledM2));
        Assert.NotEqual(1.0, whole.MomentScale);
        // Reference: the same values divided by 2^1020, computed plainly.
        var scale = Math.ScaleB(1.0, 1020);
        var small = NumericSummary.FromSamples(a.Concat(b).Select(x => x / scale));
        Close(small.StandardDeviation * scale, whole.StandardDeviation, 1e-12, "std");
        Close(small.Mean * scale, whole.Mean, 1e-12, "mean");
        var merged = NumericSummary.Merge(sa, sb);
        Close(whole.StandardDeviation, merged.StandardDeviation, 1e-12, "merged std");
        Close(whole.Mean, merged.Mean, 1e-12, "merged mean");
        // Stored parts read back to the same moments.
        var back = NumericSummary.FromParts(whole.Lows, whole.Highs, whole.Counts, whole.Sums, whole.Count, whole.Mean, whole.ScaledM2, whole.MomentScale);
        Assert.Equal(whole.StandardDeviation, back.StandardDeviation);
    }

    [Fact]
    public void NumericSummary_OrdinaryValues_ScaleIsOne()
    {
        var s = NumericSummary.FromSamples([1, 2, 3, 4]);
        Assert.Equal(1.0, s.MomentScale);
        Assert.Equal(5.0, s.M2);
        Assert.Equal(s.M2, s.ScaledM2);
    }
}
