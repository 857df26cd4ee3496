namespace Vigil.Statistics.Drift;

/// <summary>
/// Evidently's binning for the histogram-based methods (psi, kl_div, jensenshannon, hellinger, TVD): a numerical
/// column with more than 20 distinct reference values is cut into Sturges bins over reference and current together
/// (numpy's <c>histogram_bin_edges(..., "sturges")</c> and <c>histogram</c>); any other column is binned by value.
/// The shares are counts over each sample's size. With <c>fillZeroes</c> an empty bin gets a small share: 0.0001, or a
/// millionth of the smallest non-empty share when that is at most 0.0001 (so logarithms stay finite).
/// </summary>
public static class Binning
{
    /// <summary>Reference and current shares per bin.</summary>
    public static (double[] Reference, double[] Current) Shares(ValueCounts v, bool fillZeroes)
    {
        ArgumentNullException.ThrowIfNull(v);
        long[] r, c;
        if (v.Type == ColumnType.Numerical && v.ReferenceDistinct > 20)
        {
            (r, c) = Counts(v, SturgesEdges(v));
        }
        else
        {
            r = v.Reference;
            c = v.Current;
        }
        var rs = r.Select(x => (double)x / v.ReferenceTotal).ToArray();
        var cs = c.Select(x => (double)x / v.CurrentTotal).ToArray();
        if (fillZeroes)
        {
            FillZeroes(rs);
            FillZeroes(cs);
        }
        return (rs, cs);
    }

    /// <summary>numpy's Sturges edges over both samples: width = range / (log2(n) + 1), ceil(range / width) equal bins
    /// from the smallest to the largest value (range ±0.5 around a single value), edges as <c>linspace</c> puts them.</summary>
    public static double[] SturgesEdges(ValueCounts v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.Numbers is not { Length: > 0 } x) throw new ArgumentException("no values to bin", nameof(v));
        return SturgesEdges(x[0], x[^1], v.ReferenceTotal + v.CurrentTotal);
    }

    /// <summary>Sturges edges for <paramref name="n"/> values from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static double[] SturgesEdges(double min, double max, long n)
    {
        double first = min, last = max;
        int bins;
        if (first == last)
        {
            first -= 0.5;
            last += 0.5;
            bins = 1;
        }
        else if (double.IsFinite(max - min))
        {
            var width = (max - min) / (Math.Log2(n) + 1.0);
            bins = width == 0 ? 1 : (int)Math.Ceiling((last - first) / width);
        }
        else
        {
            // The range overflows (values near ±1.8e308): the same rule on half the range, which is finite.
            var half = max / 2 - min / 2;
            var width = half / (Math.Log2(n) + 1.0);
            bins = Math.Max(1, (int)Math.Ceiling(half / width));
        }
        var edges = new double[bins + 1];
        var step = (last - first) / bins;
        if (double.IsFinite(step))
            for (var i = 0; i <= bins; i++) edges[i] = i * step + first;
        else
            for (var i = 0; i <= bins; i++) edges[i] = first / bins * (bins - i) + last / bins * i;
        edges[0] = first;
        edges[bins] = last;
        return edges;
    }

    /// <summary>Reference and current counts per bin of a numerical column (see <see cref="BinOf"/>).</summary>
    public static (long[] Reference, long[] Current) Counts(ValueCounts v, double[] edges)
    {
        ArgumentNullException.ThrowIfNull(v);
        ArgumentNullException.ThrowIfNull(edges);
        // The values are ascending: walk the bins along with them (what BinOf finds, without a search per value).
        var walk = new BinWalk(edges);
        var x = v.Numbers!;
        for (var i = 0; i < v.Count; i++) walk.Add(x[i], v.Reference[i], v.Current[i]);
        return (walk.Reference, walk.Current);
    }

    /// <summary>The bin of a value: [edge i, edge i+1), the last bin closed (values outside fall nowhere, but every
    /// value here lies within the edges).</summary>
    internal static int BinOf(double[] edges, double x)
    {
        var at = Array.BinarySearch(edges, x);
        var bin = at >= 0 ? at : ~at - 1;
        return Math.Clamp(bin, 0, edges.Length - 2);
    }

    private static void FillZeroes(double[] shares)
    {
        var nonZero = shares.Where(s => s != 0).ToArray();
        if (nonZero.Length == 0) return;
        var min = nonZero.Min();
        var fill = min <= 0.0001 ? min / 1e6 : 0.0001;
        for (var i = 0; i < shares.Length; i++)
            if (shares[i] == 0) shares[i] = fill;
    }
}
