using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// A numerical column's mergeable summary, for drift against a stored reference: the exact count, mean and sum of
/// squared deviations (so the standard deviation is exact), the exact minimum and maximum, and the values as
/// buckets. A bucket holds <see cref="Counts"/>[i] values, all within [<see cref="Lows"/>[i], <see cref="Highs"/>[i]],
/// summing to <see cref="Sums"/>[i]. A bucket whose low equals its high is one distinct value, counted exactly.
/// <para>
/// While the column has at most <c>resolution</c> distinct values every bucket is one value, and drift computed from
/// the summary is exact. Beyond that, consecutive values are pooled into buckets of at most ⌈n / resolution⌉ values
/// (a value that occurs that often keeps a bucket of its own, and so do the minimum and the maximum), and each bucket
/// stands for its values at their mean. The cost is bounded: the distribution function is off by at most
/// <see cref="CdfError"/> anywhere, and the Wasserstein distance by at most <see cref="WassersteinError"/>.
/// </para>
/// Summaries merge (<see cref="Merge"/>): moments by Chan's formulas, buckets pooled again; the bounds are computed
/// from the buckets as they are, so they stay true after any number of merges.
/// </summary>
public sealed class NumericSummary
{
    /// <summary>Default number of buckets a summary aims at: the distribution function within 1/10,000.</summary>
    public const int DefaultResolution = 10_000;

    private NumericSummary(double[] lows, double[] highs, long[] counts, double[] sums, long count, double mean, double m2, double scale = 1)
    {
        MomentScale = scale;
        Lows = lows;
        Highs = highs;
        Counts = counts;
        Sums = sums;
        Count = count;
        Mean = mean;
        M2Stored = m2;
    }

    public double[] Lows { get; }
    public double[] Highs { get; }
    public long[] Counts { get; }
    public double[] Sums { get; }

    /// <summary>Values summarised (finite ones only).</summary>
    public long Count { get; }

    /// <summary>Exact mean (NaN when empty).</summary>
    public double Mean { get; }

    /// <summary>Exact sum of squared deviations from the mean, in units of <see cref="MomentScale"/>² (the sum itself
    /// when the scale is 1, as it is unless values beyond about 1e150 would overflow a square).</summary>
    public double ScaledM2 => M2Stored;

    private double M2Stored { get; }

    /// <summary>The power of two the moments are scaled by: 1, or, when a column holds values so large that a square
    /// overflows, a power of two near the largest magnitude.</summary>
    public double MomentScale { get; }

    /// <summary>Exact sum of squared deviations from the mean (infinite when it does not fit in a double; see
    /// <see cref="ScaledM2"/>).</summary>
    public double M2 => MomentScale == 1 ? M2Stored : M2Stored * MomentScale * MomentScale;

    /// <summary>numpy's population standard deviation (ddof 0), finite for any finite values.</summary>
    public double StandardDeviation => Count == 0 ? double.NaN : MomentScale == 1 ? Math.Sqrt(M2Stored / Count) : Math.Sqrt(M2Stored / Count) * MomentScale;

    public double Min => Lows.Length == 0 ? double.NaN : Lows.Min();
    public double Max => Highs.Length == 0 ? double.NaN : Highs.Max();

    /// <summary>Whether every bucket is a single value (drift from this summary is exact).</summary>
    public bool IsExact => Lows.AsSpan().SequenceEqual(Highs);

    /// <summary>Buckets holding more than one distinct value.</summary>
    public int PooledBuckets
    {
        get
        {
            var n = 0;
            for (var i = 0; i < Lows.Length; i++) if (Lows[i] != Highs[i]) n++;
            return n;
        }
    }

    /// <summary>The summary of distinct values ascending with their counts (finite, counts positive).</summary>
    public static NumericSummary FromSorted(ReadOnlySpan<double> values, ReadOnlySpan<long> counts, int resolution = DefaultResolution)
    {
        if (values.Length != counts.Length) throw new ArgumentException("values and counts differ in length", nameof(counts));
        if (resolution < 2) throw new ArgumentOutOfRangeException(nameof(resolution), "resolution must be at least 2");
        long n = 0;
        var sum = new NeumaierSum();
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) throw new ArgumentException($"value {values[i]} is not finite", nameof(values));
            if (i > 0 && !(values[i] > values[i - 1])) throw new ArgumentException("values must be strictly ascending", nameof(values));
            if (counts[i] <= 0) throw new ArgumentException("counts must be positive", nameof(counts));
            n += counts[i];
            sum.Add(values[i] * counts[i]);
        }
        var mean = n == 0 ? double.NaN : sum.Value / n;
        var ss = new NeumaierSum();
        for (var i = 0; i < values.Length; i++)
        {
            var d = values[i] - mean;
            ss.Add(counts[i] * d * d);
        }
        var m2 = n == 0 ? 0 : ss.Value;
        var scale = 1.0;
        if (n > 0 && !(double.IsFinite(mean) && double.IsFinite(m2)))
        {
            // Values so large that a sum or a square overflows: the same passes on values divided by a power of two.
            scale = SortedSamples.ScaleOf(Math.Max(Math.Abs(values[0]), Math.Abs(values[^1])));
            var scaledSum = new NeumaierSum();
            for (var i = 0; i < values.Length; i++) scaledSum.Add(values[i] / scale * counts[i]);
            var scaledMean = scaledSum.Value / n;
            var scaledSs = new NeumaierSum();
            for (var i = 0; i < values.Length; i++)
            {
                var d = values[i] / scale - scaledMean;
                scaledSs.Add(counts[i] * d * d);
            }
            mean = scaledMean * scale;
            m2 = scaledSs.Value;
        }
        var sums = new double[values.Length];
        for (var i = 0; i < values.Length; i++) sums[i] = values[i] * counts[i];
        var exact = new NumericSummary(values.ToArray(), values.ToArray(), counts.ToArray(), sums, n, mean, m2, scale);
        return exact.Lows.Length <= resolution ? exact : exact.Pooled(resolution);
    }

    /// <summary>Builds a summary from raw values (NaN and infinities left out); for tests and small inputs.</summary>
    public static NumericSummary FromSamples(IEnumerable<double> values, int resolution = DefaultResolution)
    {
        var map = new SortedDictionary<double, long>();
        foreach (var v in values)
            if (double.IsFinite(v)) map[v + 0.0] = map.GetValueOrDefault(v + 0.0) + 1;
        return FromSorted(map.Keys.ToArray(), map.Values.ToArray(), resolution);
    }

    /// <summary>A summary as stored (for reading a profile back); checks that the parts fit together.</summary>
    public static NumericSummary FromParts(double[] lows, double[] highs, long[] counts, double[] sums, long count, double mean, double m2, double scale = 1)
    {
        if (!(scale > 0) || !double.IsFinite(scale)) throw new ArgumentException($"moment scale {scale} is not a positive number", nameof(scale));
        ArgumentNullException.ThrowIfNull(lows);
        ArgumentNullException.ThrowIfNull(highs);
        ArgumentNullException.ThrowIfNull(counts);
        ArgumentNullException.ThrowIfNull(sums);
        if (highs.Length != lows.Length || counts.Length != lows.Length || sums.Length != lows.Length)
            throw new ArgumentException("lows, highs, counts and sums differ in length");
        long total = 0;
        for (var i = 0; i < lows.Length; i++)
        {
            if (!double.IsFinite(lows[i]) || !double.IsFinite(highs[i]) || !(lows[i] <= highs[i])) throw new ArgumentException($"bucket {i}: [{lows[i]}, {highs[i]}] is not a finite interval");
            if (counts[i] <= 0) throw new ArgumentException($"bucket {i}: count {counts[i]} is not positive");
            if (!double.IsFinite(sums[i])) throw new ArgumentException($"bucket {i}: sum {sums[i]} is not finite");
            if (i > 0 && (lows[i] < lows[i - 1] || (lows[i] == lows[i - 1] && highs[i] <= highs[i - 1]))) throw new ArgumentException($"bucket {i}: buckets are not in order");
            total += counts[i];
        }
        if (total != count) throw new ArgumentException($"the buckets hold {total} values, not {count}");
        if (count > 0 && (!double.IsFinite(mean) || !double.IsFinite(m2) || m2 < 0)) throw new ArgumentException("mean or m2 is not valid");
        return new NumericSummary(lows, highs, counts, sums, count, count == 0 ? double.NaN : mean, count == 0 ? 0 : m2, scale);
    }

    /// <summary>The summary of both summaries' values together, pooled to <paramref name="resolution"/> buckets.</summary>
    public static NumericSummary Merge(NumericSummary a, NumericSummary b, int resolution = DefaultResolution)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a.Count == 0) return b.Lows.Length <= resolution ? b : b.Pooled(resolution);
        if (b.Count == 0) return a.Lows.Length <= resolution ? a : a.Pooled(resolution);
        // Chan et al.'s pairwise update of the mean and the sum of squared deviations.
        var n = a.Count + b.Count;
        var delta = b.Mean - a.Mean;
        var mean = a.Mean + delta * b.Count / n;
        var m2 = a.M2 + b.M2 + delta * delta * ((double)a.Count * b.Count / n);
        var scale = 1.0;
        if (a.MomentScale != 1 || b.MomentScale != 1 || !double.IsFinite(mean) || !double.IsFinite(m2))
        {
            // The same update with every moment divided by a common power of two, so nothing overflows.
            scale = Math.Max(Math.Max(a.MomentScale, b.MomentScale), SortedSamples.ScaleOf(Math.Max(Math.Abs(a.Mean), Math.Abs(b.Mean))));
            double ma = a.Mean / scale, mb = b.Mean / scale, ra = a.MomentScale / scale, rb = b.MomentScale / scale;
            var d = mb - ma;
            mean = (ma + d * b.Count / n) * scale;
            m2 = a.M2Stored * ra * ra + b.M2Stored * rb * rb + d * d * ((double)a.Count * b.Count / n);
        }
        // Merge the bucket lists by (low, high); equal single values add up.
        var cap = a.Lows.Length + b.Lows.Length;
        var lows = new double[cap];
        var highs = new double[cap];
        var counts = new long[cap];
        var sums = new double[cap];
        int i = 0, j = 0, m = 0;
        while (i < a.Lows.Length || j < b.Lows.Length)
        {
            bool takeA;
            if (j == b.Lows.Length) takeA = true;
            else if (i == a.Lows.Length) takeA = false;
            else takeA = a.Lows[i] < b.Lows[j] || (a.Lows[i] == b.Lows[j] && a.Highs[i] <= b.Highs[j]);
            var s = takeA ? a : b;
            var k = takeA ? i++ : j++;
            if (m > 0 && lows[m - 1] == s.Lows[k] && highs[m - 1] == s.Highs[k])
            {
                counts[m - 1] += s.Counts[k];
                sums[m - 1] += s.Sums[k];
                continue;
            }
            lows[m] = s.Lows[k];
            highs[m] = s.Highs[k];
            counts[m] = s.Counts[k];
            sums[m++] = s.Sums[k];
        }
        var merged = new NumericSummary(lows[..m], highs[..m], counts[..m], sums[..m], n, mean, m2, scale);
        return m <= resolution ? merged : merged.Pooled(resolution);
    }

    /// <summary>Pools neighbouring buckets (in order of their lows) into buckets of at most ⌈n / resolution⌉ values.
    /// A bucket already that large stays alone, and so do the buckets holding the minimum and the maximum when they
    /// are single values, so the summary's range stays exact.</summary>
    private NumericSummary Pooled(int resolution)
    {
        var cap = (Count + resolution - 1) / resolution;
        var min = Min;
        var max = Max;
        var lows = new List<double>();
        var highs = new List<double>();
        var counts = new List<long>();
        var sums = new List<double>();
        var open = false;
        bool Alone(int k) => Counts[k] >= cap || (Lows[k] == Highs[k] && (Lows[k] == min || Highs[k] == max));
        for (var k = 0; k < Lows.Length; k++)
        {
            if (Alone(k))
            {
                lows.Add(Lows[k]);
                highs.Add(Highs[k]);
                counts.Add(Counts[k]);
                sums.Add(Sums[k]);
                open = false;
                continue;
            }
            if (open && counts[^1] + Counts[k] <= cap)
            {
                highs[^1] = Math.Max(highs[^1], Highs[k]);
                counts[^1] += Counts[k];
                sums[^1] += Sums[k];
                continue;
            }
            lows.Add(Lows[k]);
            highs.Add(Highs[k]);
            counts.Add(Counts[k]);
            sums.Add(Sums[k]);
            open = true;
        }
        // Pooling keeps the lows in order; the highs of buckets with equal lows may need ordering.
        var order = Enumerable.Range(0, lows.Count).OrderBy(k => lows[k]).ThenBy(k => highs[k]).ToArray();
        return new NumericSummary(order.Select(k => lows[k]).ToArray(), order.Select(k => highs[k]).ToArray(),
            order.Select(k => counts[k]).ToArray(), order.Select(k => sums[k]).ToArray(), Count, Mean, M2Stored, MomentScale);
    }

    /// <summary>Where each bucket's values are taken to be: their mean, kept within the bucket. The result is the
    /// distinct points ascending with their counts.</summary>
    public (double[] Values, long[] Counts) Points()
    {
        var pts = new (double X, long N)[Lows.Length];
        for (var k = 0; k < Lows.Length; k++)
        {
            var x = Lows[k] == Highs[k] ? Lows[k] : Math.Clamp(Sums[k] / Counts[k], Lows[k], Highs[k]);
            pts[k] = (x + 0.0, Counts[k]);
        }
        Array.Sort(pts, (p, q) => p.X.CompareTo(q.X));
        var values = new List<double>(pts.Length);
        var counts = new List<long>(pts.Length);
        foreach (var (x, n) in pts)
        {
            if (values.Count > 0 && values[^1] == x) counts[^1] += n;
            else
            {
                values.Add(x);
                counts.Add(n);
            }
        }
        return (values.ToArray(), counts.ToArray());
    }

    /// <summary>The most the summary's distribution function (<see cref="Points"/>) can differ from the true one at
    /// any point, as a share of <see cref="Count"/>: the largest share of values in pooled buckets spanning one point.
    /// A two-sample Kolmogorov–Smirnov statistic against any current sample is off by at most this much.</summary>
    public double CdfError
    {
        get
        {
            if (Count == 0) return 0;
            // Sweep the pooled buckets' intervals: the largest count whose intervals share a point.
            var events = new List<(double X, int Open, long N)>();
            for (var k = 0; k < Lows.Length; k++)
            {
                if (Lows[k] == Highs[k]) continue;
                events.Add((Lows[k], 1, Counts[k]));
                events.Add((Highs[k], 0, Counts[k]));
            }
            events.Sort((p, q) => p.X != q.X ? p.X.CompareTo(q.X) : p.Open.CompareTo(q.Open));
            long open = 0, most = 0;
            foreach (var (_, o, n) in events)
            {
                open += o == 1 ? n : -n;
                most = Math.Max(most, open);
            }
            return (double)most / Count;
        }
    }

    /// <summary>The most the Wasserstein distance from the summary can differ from the true one (in the column's
    /// units): no value is moved further than across its bucket, so Σ share × width bounds it.</summary>
    public double WassersteinError
    {
        get
        {
            if (Count == 0) return 0;
            var sum = new NeumaierSum();
            for (var k = 0; k < Lows.Length; k++)
                if (Lows[k] != Highs[k]) sum.Add((double)Counts[k] / Count * (Highs[k] - Lows[k]));
            return sum.Value;
        }
    }

    /// <summary>The share of values that may sit in another bin than the summary puts them in, for bins cut at
    /// <paramref name="edges"/> (numpy's: [e_i, e_i+1), the last closed): the values of pooled buckets an inner
    /// edge falls into.</summary>
    public double BinnedShareError(IReadOnlyList<double> edges)
    {
        ArgumentNullException.ThrowIfNull(edges);
        if (Count == 0) return 0;
        long n = 0;
        for (var k = 0; k < Lows.Length; k++)
        {
            if (Lows[k] == Highs[k]) continue;
            for (var e = 1; e < edges.Count - 1; e++)
            {
                if (Lows[k] < edges[e] && edges[e] <= Highs[k])
                {
                    n += Counts[k];
                    break;
                }
            }
        }
        return (double)n / Count;
    }
}
