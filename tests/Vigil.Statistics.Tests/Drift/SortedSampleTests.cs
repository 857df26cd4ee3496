using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Tests.Drift;

/// <summary>The ordered passes over two sorted samples give, bit for bit, what the methods give on the merged counts:
/// raw samples (every value as often as it occurs, -0.0 beside 0.0) and counted ones alike.</summary>
public sealed class SortedSampleTests
{
    private static SortedSample Raw(IEnumerable<double> xs)
    {
        var a = xs.ToArray();
        Array.Sort(a);
        return new SortedSample(a, null, a.Length);
    }

    private static SortedSample Counted(IEnumerable<double> xs)
    {
        var groups = xs.GroupBy(x => x + 0.0).OrderBy(g => g.Key).ToList();
        return new SortedSample(groups.Select(g => g.Key).ToArray(), groups.Select(g => (long)g.Count()).ToArray(), groups.Count);
    }

    public static TheoryData<string> Cases => new() { "continuous", "ties", "zeros", "shifted", "tiny", "single" };

    private static (double[] R, double[] C) Data(string name)
    {
        var r = new Random(name.Length * 7919);
        return name switch
        {
            "continuous" => (Enumerable.Range(0, 5000).Select(_ => r.NextDouble() * 10).ToArray(), Enumerable.Range(0, 3000).Select(_ => r.NextDouble() * 11 - 0.5).ToArray()),
            "ties" => (Enumerable.Range(0, 5000).Select(_ => (double)r.Next(40)).ToArray(), Enumerable.Range(0, 4000).Select(_ => (double)r.Next(45)).ToArray()),
            "zeros" => (Enumerable.Range(0, 3000).Select(i => i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : r.NextDouble() - 0.5).ToArray(),
                        Enumerable.Range(0, 2000).Select(i => i % 4 == 0 ? 0.0 : r.NextDouble() - 0.4).ToArray()),
            "shifted" => (Enumerable.Range(0, 2000).Select(_ => 1e6 + r.NextDouble()).ToArray(), Enumerable.Range(0, 2000).Select(_ => 1e6 + 0.3 + r.NextDouble()).ToArray()),
            "tiny" => ([1, 2, 2, 3], [2, 5]),
            _ => ([7], [7]),
        };
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void OrderedPasses_EqualTheMergedCounts(string name)
    {
        var (r, c) = Data(name);
        var merged = ValueCounts.FromSamples(r, c);
        foreach (var (rs, cs) in new[] { (Raw(r), Raw(c)), (Counted(r), Counted(c)), (Raw(r), Counted(c)), (Counted(r), Raw(c)) })
        {
            var summary = SortedSamples.Summarize(rs, cs);
            var census = summary.Census;
            Assert.Equal(census, SortedSamples.CensusOf(rs, cs));
            Assert.Equal(merged.Count, census.Distinct);
            Assert.Equal(merged.ReferenceTotal, census.ReferenceTotal);
            Assert.Equal(merged.CurrentTotal, census.CurrentTotal);
            Assert.Equal(merged.Numbers![0], census.Min);
            Assert.Equal(merged.Numbers[^1], census.Max);
            Assert.Equal(DriftMethods.KsStatistic(merged), summary.KsStatistic);
            Assert.Equal(DriftMethods.Wasserstein(merged), summary.Wasserstein);
            Assert.Equal(DriftMethods.WassersteinNormed(merged), SortedSamples.WassersteinNormed(rs, summary));
            Assert.Equal(DriftMethods.Run("ks", merged), DriftMethods.RunOnSamples("ks", rs, summary));
            Assert.Equal(DriftMethods.Run("wasserstein", merged, 0.2), DriftMethods.RunOnSamples("wasserstein", rs, summary, 0.2));
            var edges = Binning.SturgesEdges(merged);
            Assert.Equal(edges, summary.Edges);
            var (br, bc) = Binning.Counts(merged, edges);
            Assert.Equal(br, summary.ReferenceBins);
            Assert.Equal(bc, summary.CurrentBins);
            var again = SortedSamples.Merge(rs, cs, census);
            Assert.Equal(merged.Numbers, again.Numbers);
            Assert.Equal(merged.Reference, again.Reference);
            Assert.Equal(merged.Current, again.Current);
            Assert.All(again.Numbers!, x => Assert.NotEqual(BitConverter.DoubleToInt64Bits(-0.0), BitConverter.DoubleToInt64Bits(x)));
        }
    }

    [Fact]
    public void BinCounts_PutEveryValueWhereBinOfPutsIt()
    {
        var r = new Random(3);
        var xs = Enumerable.Range(0, 2000).Select(_ => Math.Round(r.NextDouble() * 10, 1)).ToArray();
        var merged = ValueCounts.FromSamples(xs, xs.Take(500));
        var edges = Binning.SturgesEdges(merged);
        var (counts, _) = Binning.Counts(merged, edges);
        var expected = new long[edges.Length - 1];
        foreach (var x in xs) expected[Binning.BinOf(edges, x)]++;
        Assert.Equal(expected, counts);
    }

    [Fact]
    public void EmptySide_IsRefused_AndOnlyKsAndWassersteinRunOnSamples()
    {
        var summary = SortedSamples.Summarize(Raw([]), Raw([1, 2]));
        Assert.Equal("the reference has no values", DriftMethods.RefusalOnSamples("ks", summary.Census));
        Assert.Equal(2, summary.Census.Distinct);
        Assert.Null(summary.Edges);
        Assert.Throws<ArgumentException>(() => DriftMethods.RunOnSamples("ks", Raw([]), summary));
        Assert.True(double.IsNaN(SortedSamples.Summarize(Raw([]), Raw([])).Census.Min));
        Assert.True(DriftMethods.RunsOnSamples("ks"));
        Assert.True(DriftMethods.RunsOnSamples("wasserstein"));
        Assert.False(DriftMethods.RunsOnSamples("psi"));
        Assert.Throws<ArgumentException>(() => DriftMethods.RunOnSamples("psi", Raw([1]), SortedSamples.Summarize(Raw([1]), Raw([2]))));
    }
}
