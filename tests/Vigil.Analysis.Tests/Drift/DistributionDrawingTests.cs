using Vigil.Analysis.Results;
using Vigil.Analysis.Drift;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Tests.Drift;

/// <summary>What the reports draw of a numerical column: few values as categories, else bins at the reference's
/// quantiles (so a shift in skewed data shows in the shares), with the ECDFs for the Kolmogorov–Smirnov family.</summary>
public sealed class DistributionDrawingTests
{
    private static SortedSample Sample(IEnumerable<double> values)
    {
        var a = values.ToArray();
        Array.Sort(a);
        return new SortedSample(a, null, a.Length);
    }

    private static double[] LogNormal(int n, double factor, int seed)
    {
        var r = new Random(seed);
        return [.. Enumerable.Range(0, n).Select(_ =>
            Math.Exp(2 + 1.5 * Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble())) * factor)];
    }

    [Fact]
    public void SkewedShift_QuantileBinsOfTheReference_ShowTheShift()
    {
        var rs = Sample(LogNormal(20_000, 1, 1));
        var cs = Sample(LogNormal(20_000, 2, 2));
        var d = DistributionDrawing.Numerical(DistributionDrawing.Of(rs, cs), "wasserstein")!;
        Assert.Equal("quantiles", d.Kind);
        Assert.Equal(DistributionDrawing.QuantileBins, d.Reference.Count);
        Assert.Equal(d.Reference.Count + 1, d.Edges!.Count);
        Assert.Equal(Math.Min(rs.Values[0], cs.Values[0]), d.Edges[0]);
        Assert.Equal(Math.Max(rs.Values[^1], cs.Values[^1]), d.Edges[^1]);
        Assert.All(d.Reference, s => Assert.InRange(s, 0.045, 0.055));
        Assert.Equal(1, d.Reference.Sum(), 9);
        Assert.Equal(1, d.Current.Sum(), 9);
        // Doubling every value (a shift of 0.46 σ in log) moves the current data into the upper bins: 12 % above the reference's 95th percentile, under 2 % below its 5th.
        Assert.True(d.Current[^1] > 0.1, $"last bin {d.Current[^1]}");
        Assert.True(d.Current[0] < 0.03, $"first bin {d.Current[0]}");
        // ECDF: bounded, ascending, ending at 1 on both sides, the current below the reference (shifted right).
        var e = d.Ecdf!;
        Assert.InRange(e.X.Count, 100, DistributionDrawing.EcdfPoints);
        Assert.Equal(e.X.OrderBy(x => x), e.X);
        Assert.Equal(1, e.Reference[^1], 12);
        Assert.Equal(1, e.Current[^1], 12);
        Assert.True(e.Reference.Zip(e.Current, (a, b) => a - b).Max() > 0.12); // the KS gap of a 0.46 σ shift is about 0.18
    }

    [Fact]
    public void SameDistribution_SharesAgree_AndDistancesWithoutCdfGetNoEcdf()
    {
        var d = DistributionDrawing.Numerical(DistributionDrawing.Of(Sample(LogNormal(20_000, 1, 3)), Sample(LogNormal(20_000, 1, 4))), "psi")!;
        Assert.Null(d.Ecdf);
        Assert.True(d.Reference.Zip(d.Current, (a, b) => Math.Abs(a - b)).Max() < 0.01);
    }

    [Fact]
    public void FewValues_AreCategories_LabelledByValue()
    {
        var d = DistributionDrawing.Numerical(DistributionDrawing.Of(Sample([0, 0, 0, 1, -0.0]), Sample([1, 1, 0, 2])), "chisquare")!;
        Assert.Equal("values", d.Kind);
        Assert.Equal(new[] { "0", "1", "2" }, d.Labels);
        Assert.Equal(new[] { 0.8, 0.2, 0 }, d.Reference);
        Assert.Equal(new[] { 0.25, 0.5, 0.25 }, d.Current);
        var constant = DistributionDrawing.Numerical(DistributionDrawing.Of(Sample([5, 5, 5]), Sample([5, 5])), "z")!;
        Assert.Equal(new[] { "5" }, constant.Labels);
    }

    [Fact]
    public void ZeroInflated_TiedQuantilesCollapse_IntoOneBin()
    {
        var r = new Random(5);
        double[] Zi(int n) => [.. Enumerable.Range(0, n).Select(_ => r.NextDouble() < 0.6 ? 0 : r.NextDouble() * 100)];
        var d = DistributionDrawing.Numerical(DistributionDrawing.Of(Sample(Zi(10_000)), Sample(Zi(10_000))), "ks")!;
        Assert.Equal("quantiles", d.Kind);
        Assert.InRange(d.Reference[0], 0.55, 0.65); // every zero in the first bin
        var edges = d.Edges!;
        Assert.Equal(edges.Distinct().Count(), edges.Count);
    }

    [Fact]
    public void ReferenceWithTooFewValues_FallsBack()
    {
        // The reference holds two values, the current many: no quantile bins; the caller draws Sturges bins instead.
        var cur = Enumerable.Range(0, 100).Select(i => (double)i);
        Assert.Null(DistributionDrawing.Numerical(DistributionDrawing.Of(Sample([1, 2, 1, 2]), Sample(cur)), "ks"));
        Assert.Null(DistributionDrawing.Numerical(DistributionDrawing.Of(Sample([]), Sample(cur)), "ks"));
    }

    /// <summary>The drawing as it was computed before the one-pass form (three passes: totals, the reference's quantile
    /// closers, then bins and ECDFs), kept as the reference the one pass must reproduce exactly.</summary>
    private static Distribution? ThreePasses(DistributionDrawing.Walker walk, string method)
    {
        // Pass 1: totals, distinct values (the first few kept), and the reference's quantile edges.
        long rTotal = 0, cTotal = 0;
        var distinct = 0;
        var few = new List<(double Value, long R, long C)>();
        walk((x, r, c) =>
        {
            rTotal += r;
            cTotal += c;
            if (++distinct <= DistributionDrawing.MaxValuesDrawn) few.Add((x, r, c));
        });
        if (rTotal == 0 || cTotal == 0) return null;
        if (distinct <= DistributionDrawing.MaxValuesDrawn)
            return new Distribution(null, [.. few.Select(f => DistributionDrawing.Label(f.Value))],
                [.. few.Select(f => (double)f.R / rTotal)], [.. few.Select(f => (double)f.C / cTotal)]) { Kind = "values" };

        double min = double.NaN, max = double.NaN;
        var inner = new List<double>();
        long cumR = 0;
        var k = 1;
        walk((x, r, c) =>
        {
            if (double.IsNaN(min)) min = x;
            max = x;
            cumR += r;
            // The smallest value at which the reference's share reaches k / bins starts bin k.
            if (r > 0 && k < DistributionDrawing.QuantileBins && cumR * (double)DistributionDrawing.QuantileBins >= k * (double)rTotal)
            {
                // The upper edge of the bin is the next value: this one still belongs below the edge when it closes it.
                inner.Add(x);
                while (k < DistributionDrawing.QuantileBins && cumR * (double)DistributionDrawing.QuantileBins >= k * (double)rTotal) k++;
            }
        });
        // Each recorded value closes a bin, so the edge sits just above it: the next distinct value starts the bin.
        var edges = new List<double> { min };
        var closers = inner.Where(e => e < max).Distinct().ToList();
        if (closers.Count < 3) return null;
        // Pass 2: counts per bin (a bin holds the values above the previous closer up to its own closer), and the ECDFs.
        var rBins = new long[closers.Count + 1];
        var cBins = new long[closers.Count + 1];
        var ecdf = DistributionDrawing.IsEcdfMethod(method);
        var ex = new List<double>();
        var er = new List<double>();
        var ec = new List<double>();
        long pooled = rTotal + cTotal, seen = 0, cr = 0, cc = 0;
        var next = 1;
        var bin = 0;
        var edgeOpen = false;
        walk((x, r, c) =>
        {
            if (edgeOpen) { edges.Add(x); edgeOpen = false; }
            rBins[bin] += r;
            cBins[bin] += c;
            if (bin < closers.Count && x == closers[bin]) { bin++; edgeOpen = true; }
            if (!ecdf) return;
            seen += r + c;
            cr += r;
            cc += c;
            if (seen * (double)DistributionDrawing.EcdfPoints >= next * (double)pooled || seen == pooled)
            {
                ex.Add(x);
                er.Add((double)cr / rTotal);
                ec.Add((double)cc / cTotal);
                while (next <= DistributionDrawing.EcdfPoints && seen * (double)DistributionDrawing.EcdfPoints >= next * (double)pooled) next++;
            }
        });
        edges.Add(max);
        return new Distribution(edges, null, [.. rBins.Select(n => (double)n / rTotal)], [.. cBins.Select(n => (double)n / cTotal)])
        {
            Kind = "quantiles",
            Ecdf = ecdf ? new EcdfCurves(ex, er, ec) : null,
        };
    }


    [Theory]
    [InlineData(50, 40, 1, "wasserstein")]
    [InlineData(5000, 3000, 2, "ks")]
    [InlineData(5000, 3000, 3, "psi")]
    [InlineData(30, 2000, 4, "wasserstein")]
    [InlineData(2000, 30, 5, "ks")]
    [InlineData(200, 200, 6, "ks")]
    public void OnePass_MatchesThreePasses(int refRows, int curRows, int seed, string method)
    {
        // Ties (values rounded to a grid), a long run of one value, and sides of very different sizes.
        var r = new Random(seed);
        var grid = seed % 2 == 0 ? 0.05 : 1.0;
        double Draw(double shift) => r.Next(10) == 0 ? 3.0 : Math.Round((r.NextDouble() * 8 + shift) / grid) * grid;
        var rs = Sample(Enumerable.Range(0, refRows).Select(_ => Draw(0)));
        var cs = Sample(Enumerable.Range(0, curRows).Select(_ => Draw(1)));
        var expected = ThreePasses(DistributionDrawing.Of(rs, cs), method);
        var actual = DistributionDrawing.Numerical(DistributionDrawing.Of(rs, cs), method);
        Assert.Equal(expected is null, actual is null);
        if (expected is null) return;
        Assert.Equal(expected.Kind, actual!.Kind);
        Assert.Equal(expected.Edges, actual.Edges);
        Assert.Equal(expected.Labels, actual.Labels);
        Assert.Equal(expected.Reference, actual.Reference);
        Assert.Equal(expected.Current, actual.Current);
        Assert.Equal(expected.Ecdf?.X, actual.Ecdf?.X);
        Assert.Equal(expected.Ecdf?.Reference, actual.Ecdf?.Reference);
        Assert.Equal(expected.Ecdf?.Current, actual.Ecdf?.Current);
    }
}
