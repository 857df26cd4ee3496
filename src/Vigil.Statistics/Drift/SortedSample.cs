using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// One side's numbers, ascending: either every value as often as it occurs (<see cref="Counts"/> null; -0.0 may sit
/// just before 0.0), or distinct values with their counts. Two of them describe a column exactly as
/// <see cref="ValueCounts"/> does, without building its merged arrays: the methods that only need one ordered pass
/// (Wasserstein, Kolmogorov–Smirnov, bin counts) run on them directly, with the same arithmetic in the same order.
/// </summary>
public readonly record struct SortedSample(double[] Values, long[]? Counts, int Length)
{
    /// <summary>Values in the sample (the sum of the counts).</summary>
    public long Total
    {
        get
        {
            if (Counts is null) return Length;
            long t = 0;
            for (var i = 0; i < Length; i++) t += Counts[i];
            return t;
        }
    }
}

/// <summary>What the automatic choice and the reports need to know of two samples: totals, distinct values over both,
/// the smallest and the largest value.</summary>
public readonly record struct SampleCensus(long ReferenceTotal, long CurrentTotal, int Distinct, double Min, double Max);

/// <summary>Sees the distinct values of two samples in ascending order, with each side's count.</summary>
internal interface IRunVisitor
{
    void Visit(double value, long reference, long current);
}

/// <summary>The ordered passes over two <see cref="SortedSample"/>s.</summary>
public static class SortedSamples
{
    /// <summary>Visits the distinct values of both samples in ascending order (-0.0 as 0.0), with each side's count.</summary>
    internal static void Walk<TVisitor>(SortedSample r, SortedSample c, ref TVisitor visitor) where TVisitor : struct, IRunVisitor
    {
        var (rv, rc, rn) = (r.Values, r.Counts, r.Length);
        var (cv, cc, cn) = (c.Values, c.Counts, c.Length);
        int i = 0, j = 0;
        while (i < rn || j < cn)
        {
            var x = j == cn || (i < rn && rv[i] < cv[j]) ? rv[i] : cv[j];
            long nr = 0, nc = 0;
            if (rc is null) while (i < rn && rv[i] == x) { nr++; i++; }
            else if (i < rn && rv[i] == x) nr = rc[i++];
            if (cc is null) while (j < cn && cv[j] == x) { nc++; j++; }
            else if (j < cn && cv[j] == x) nc = cc[j++];
            visitor.Visit(x + 0.0, nr, nc);
        }
    }

    private struct Everything(long referenceTotal, long currentTotal, double[] edges) : IRunVisitor
    {
        public int Distinct;
        public KsGap Ks = new(referenceTotal, currentTotal);
        public WassersteinSum Wasserstein = new(referenceTotal, currentTotal);
        public BinWalk Bins = new(edges);

        public void Visit(double value, long reference, long current)
        {
            Distinct++;
            Ks.Add(reference, current);
            Wasserstein.Add(value, reference, current);
            Bins.Add(value, reference, current);
        }
    }

    /// <summary>Everything one ordered pass gives: totals, distinct values and range; the Kolmogorov–Smirnov statistic
    /// and the (unnormed) Wasserstein distance; and the counts per Sturges bin over both samples (null when either
    /// sample is empty). The range and the totals come from the arrays' ends and lengths, so the bins are cut during
    /// the same pass.</summary>
    public static SampleSummary Summarize(SortedSample reference, SortedSample current)
    {
        var (r, c) = (reference.Total, current.Total);
        if (r == 0 || c == 0)
        {
            var census = CensusOf(reference, current);
            return new SampleSummary(census, double.NaN, double.NaN, null, null, null);
        }
        var min = Math.Min(reference.Values[0], current.Values[0]) + 0.0;
        var max = Math.Max(reference.Values[reference.Length - 1], current.Values[current.Length - 1]) + 0.0;
        var edges = Binning.SturgesEdges(min, max, r + c);
        var all = new Everything(r, c, edges);
        Walk(reference, current, ref all);
        return new SampleSummary(new SampleCensus(r, c, all.Distinct, min, max), all.Ks.Max, all.Wasserstein.Value, edges, all.Bins.Reference, all.Bins.Current)
        {
            WassersteinHalf = all.Wasserstein.Half,
        };
    }

    private struct Census : IRunVisitor
    {
        public long R, C;
        public int Distinct;
        public double Min, Max;

        public void Visit(double value, long reference, long current)
        {
            if (Distinct++ == 0) Min = value;
            Max = value;
            R += reference;
            C += current;
        }
    }

    /// <summary>Totals, distinct values and range of two samples, in one pass.</summary>
    public static SampleCensus CensusOf(SortedSample reference, SortedSample current)
    {
        var census = new Census { Min = double.NaN, Max = double.NaN };
        Walk(reference, current, ref census);
        return new SampleCensus(census.R, census.C, census.Distinct, census.Min, census.Max);
    }

    private struct Fill(int runs) : IRunVisitor
    {
        public readonly double[] Values = GC.AllocateUninitializedArray<double>(runs);
        public readonly long[] Reference = GC.AllocateUninitializedArray<long>(runs);
        public readonly long[] Current = GC.AllocateUninitializedArray<long>(runs);
        private int _at;

        public void Visit(double value, long reference, long current)
        {
            Values[_at] = value;
            Reference[_at] = reference;
            Current[_at++] = current;
        }
    }

    /// <summary>The merged counts of two samples (for the methods that need them whole).</summary>
    public static ValueCounts Merge(SortedSample reference, SortedSample current, SampleCensus census)
    {
        var fill = new Fill(census.Distinct);
        Walk(reference, current, ref fill);
        return ValueCounts.NumericalOrdered(fill.Values, fill.Reference, fill.Current);
    }

    private struct Moments(double mean, double scale = 1) : IRunVisitor
    {
        public NeumaierSum Sum;

        public void Visit(double value, long reference, long current)
        {
            if (scale != 1) value /= scale;
            if (double.IsNaN(mean)) Sum.Add(reference * value);
            else
            {
                var dev = value - mean;
                Sum.Add(reference * dev * dev);
            }
        }
    }

    /// <summary>The reference's population standard deviation, numpy's way: two compensated passes over its distinct
    /// values (mean, then squared deviations). <see cref="DriftMethods.WassersteinNormed"/> uses it on merged counts
    /// too, so both routes do the same arithmetic.</summary>
    public static double ReferenceStandardDeviation(SortedSample reference)
    {
        var none = new SortedSample([], null, 0);
        var n = reference.Total;
        var mean = new Moments(double.NaN);
        Walk(reference, none, ref mean);
        var ss = new Moments(mean.Sum.Value / n);
        Walk(reference, none, ref ss);
        var std = Math.Sqrt(ss.Sum.Value / n);
        if (double.IsFinite(std) || n == 0) return std;
        // Values so large (beyond about 1.3e154) that a square overflows: the same two passes on the values divided
        // by a power of two near the largest magnitude, and the result scaled back (it is at most half the range).
        var scale = ScaleOf(Math.Max(Math.Abs(reference.Values[0]), Math.Abs(reference.Values[reference.Length - 1])));
        var scaledMean = new Moments(double.NaN, scale);
        Walk(reference, none, ref scaledMean);
        var scaledSs = new Moments(scaledMean.Sum.Value / n, scale);
        Walk(reference, none, ref scaledSs);
        return Math.Sqrt(scaledSs.Sum.Value / n) * scale;
    }

    /// <summary>The power of two just above a magnitude (1 for zero and for non-finite input): dividing by it is exact
    /// (for normal results) and brings the magnitude into [0.5, 1).</summary>
    internal static double ScaleOf(double magnitude)
    {
        if (!(magnitude > 0) || !double.IsFinite(magnitude)) return 1;
        var scale = Math.ScaleB(1.0, Math.Min(Math.ILogB(magnitude) + 1, 1023));
        return scale;
    }

    /// <summary>The normed Wasserstein distance from the distance (or, when that overflowed, its half) and the
    /// reference's standard deviation.</summary>
    internal static double Normed(double wasserstein, double half, double std)
    {
        if (double.IsFinite(wasserstein) || double.IsNaN(half)) return wasserstein / Math.Max(std, 0.001);
        return half / Math.Max(std / 2, 0.0005);
    }

    /// <summary>Evidently's normed Wasserstein distance, as <see cref="DriftMethods.WassersteinNormed"/> computes it.</summary>
    public static double WassersteinNormed(SortedSample reference, SampleSummary summary)
    {
        ArgumentNullException.ThrowIfNull(summary);
        return Normed(summary.Wasserstein, summary.WassersteinHalf, ReferenceStandardDeviation(reference));
    }
}

/// <summary>What <see cref="SortedSamples.Summarize"/> finds in one pass.</summary>
public sealed record SampleSummary(SampleCensus Census, double KsStatistic, double Wasserstein, double[]? Edges, long[]? ReferenceBins, long[]? CurrentBins)
{
    /// <summary>Half the Wasserstein distance, computed so that it stays finite when the distance itself overflows
    /// (values near ±1.8e308); NaN when unknown.</summary>
    public double WassersteinHalf { get; init; } = double.NaN;
}

/// <summary>SciPy's Wasserstein distance as a running sum over ascending distinct values: each step adds the gap
/// between the two distribution functions (as they stand after the previous value) times the step's width.</summary>
internal struct WassersteinSum(long referenceTotal, long currentTotal)
{
    private long _r;
    private long _c;
    private double _previous = double.NaN;
    private NeumaierSum _sum;
    private NeumaierSum _half;

    public void Add(double x, long reference, long current)
    {
        if (!double.IsNaN(_previous))
        {
            var gap = Math.Abs((double)_r / referenceTotal - (double)_c / currentTotal);
            _sum.Add(gap * (x - _previous));
            // The same sum in halves, which stays finite when a step or the total overflows (values near ±1.8e308).
            _half.Add(gap * (x * 0.5 - _previous * 0.5));
        }
        _r += reference;
        _c += current;
        _previous = x;
    }

    /// <summary>The distance (infinite when it does not fit in a double).</summary>
    public readonly double Value => double.IsFinite(_sum.Value) ? _sum.Value : double.PositiveInfinity;

    /// <summary>Half the distance, finite for any finite values.</summary>
    public readonly double Half => double.IsFinite(_sum.Value) ? _sum.Value / 2 : _half.Value;
}

/// <summary>The largest gap between two empirical distribution functions, each evaluated after every distinct value.</summary>
internal struct KsGap(long referenceTotal, long currentTotal)
{
    private long _r;
    private long _c;

    public double Max { get; private set; }

    public void Add(long reference, long current)
    {
        _r += reference;
        _c += current;
        Max = Math.Max(Max, Math.Abs((double)_r / referenceTotal - (double)_c / currentTotal));
    }
}

/// <summary>Counts ascending values into bins [e_i, e_i+1) (the last closed), walking the bins along with the values.</summary>
internal struct BinWalk(double[] edges)
{
    private int _bin;

    public long[] Reference { get; } = new long[edges.Length - 1];
    public long[] Current { get; } = new long[edges.Length - 1];

    public void Add(double x, long reference, long current)
    {
        while (_bin < Reference.Length - 1 && x >= edges[_bin + 1]) _bin++;
        Reference[_bin] += reference;
        Current[_bin] += current;
    }
}
