namespace Vigil.Statistics.Learning;

/// <summary>
/// Maps each feature to at most 255 bins of one byte, the missing value to bin 255.
/// Numeric: thresholds between bins, as scikit-learn's <c>_BinMapper</c>: midpoints between distinct values when
/// there are at most MaxBins of them, else midpoint percentiles of a (seeded) subsample of 200,000 rows; a value
/// x goes to the first bin b with x ≤ threshold[b]. Categorical: one bin per category seen in training, the
/// MaxBins most frequent when there are more; categories without a bin are treated as missing.
/// </summary>
internal sealed class BinMapper
{
    public const byte MissingBin = 255;
    public const int HistogramBins = 256;
    private const int SubsampleRows = 200_000;

    private BinMapper(double[]?[] thresholds, int[]?[] codeToBin, int[]?[] binToCode, int[] binCount)
    {
        Thresholds = thresholds;
        CodeToBin = codeToBin;
        BinToCode = binToCode;
        BinCount = binCount;
    }

    /// <summary>Per numeric feature: bin b holds (threshold[b−1], threshold[b]]; null for categorical.</summary>
    public double[]?[] Thresholds { get; }

    /// <summary>Per categorical feature: the bin of each code, or −1 when the code has none.</summary>
    public int[]?[] CodeToBin { get; }

    /// <summary>Per categorical feature: the code of each bin.</summary>
    public int[]?[] BinToCode { get; }

    /// <summary>Per feature: the number of non-missing bins.</summary>
    public int[] BinCount { get; }

    public static BinMapper Fit(FeatureMatrix x, int[]? rows, int maxBins, ulong seed, ParallelOptions parallel)
    {
        int f = x.FeatureCount;
        int n = rows?.Length ?? x.RowCount;
        int[]? sample = null;
        if (n > SubsampleRows)
        {
            // Partial Fisher–Yates over the training rows: the first SubsampleRows positions.
            int[] all = rows is null ? Enumerable.Range(0, n).ToArray() : (int[])rows.Clone();
            var rng = new SplitMix64(seed ^ 0x9E3779B97F4A7C15UL);
            for (int i = 0; i < SubsampleRows; i++)
            {
                int j = i + (int)rng.NextBelow((ulong)(n - i));
                (all[i], all[j]) = (all[j], all[i]);
            }
            sample = all[..SubsampleRows];
            Array.Sort(sample);
        }
        else
        {
            sample = rows;
        }

        var thresholds = new double[]?[f];
        var codeToBin = new int[]?[f];
        var binToCode = new int[]?[f];
        var binCount = new int[f];
        Parallel.For(0, f, parallel, j =>
        {
            FeatureColumn c = x[j];
            if (c.Kind == FeatureKind.Numeric)
            {
                thresholds[j] = NumericThresholds(c.Values!, sample, maxBins);
                binCount[j] = thresholds[j]!.Length + 1;
            }
            else
            {
                (codeToBin[j], binToCode[j]) = CategoryBins(c.Codes!, c.Categories.Count, rows, maxBins);
                binCount[j] = Math.Max(1, binToCode[j]!.Length);
            }
        });
        return new BinMapper(thresholds, codeToBin, binToCode, binCount);
    }

    private static double[] NumericThresholds(double[] values, int[]? sample, int maxBins)
    {
        int n = sample?.Length ?? values.Length;
        var v = new double[n];
        int m = 0;
        for (int i = 0; i < n; i++)
        {
            double d = sample is null ? values[i] : values[sample[i]];
            if (!double.IsNaN(d))
            {
                v[m++] = d;
            }
        }
        if (m == 0)
        {
            return [];
        }
        Span<double> s = v.AsSpan(0, m);
        s.Sort();
        int distinct = 1;
        for (int i = 1; i < m; i++)
        {
            if (s[i] != s[i - 1]) distinct++;
        }
        if (distinct <= maxBins)
        {
            var t = new double[distinct - 1];
            int k = 0;
            for (int i = 1; i < m; i++)
            {
                if (s[i] != s[i - 1])
                {
                    t[k++] = Midpoint(s[i - 1], s[i]);
                }
            }
            return t;
        }
        var list = new List<double>(maxBins - 1);
        for (int q = 1; q < maxBins; q++)
        {
            double pos = (double)q / maxBins * (m - 1);
            int lo = (int)Math.Floor(pos);
            int hi = (int)Math.Ceiling(pos);
            double t = Midpoint(s[lo], s[hi]);
            if (list.Count == 0 || t > list[^1])
            {
                list.Add(t);
            }
        }
        // The largest value must stay in the last bin.
        while (list.Count > 0 && list[^1] >= s[m - 1])
        {
            list.RemoveAt(list.Count - 1);
        }
        return [.. list];
    }

    private static double Midpoint(double a, double b)
    {
        double mid = a + (b - a) / 2;
        return double.IsFinite(mid) ? mid : a / 2 + b / 2;
    }

    private static (int[] CodeToBin, int[] BinToCode) CategoryBins(int[] codes, int k, int[]? rows, int maxBins)
    {
        var counts = new long[k];
        if (rows is null)
        {
            foreach (int c in codes)
            {
                if (c >= 0) counts[c]++;
            }
        }
        else
        {
            foreach (int r in rows)
            {
                int c = codes[r];
                if (c >= 0) counts[c]++;
            }
        }
        var seen = new List<int>();
        for (int c = 0; c < k; c++)
        {
            if (counts[c] > 0) seen.Add(c);
        }
        if (seen.Count > maxBins)
        {
            seen.Sort((a, b) => counts[a] != counts[b] ? counts[b].CompareTo(counts[a]) : a.CompareTo(b));
            seen.RemoveRange(maxBins, seen.Count - maxBins);
            seen.Sort();
        }
        var codeToBin = new int[k];
        Array.Fill(codeToBin, -1);
        for (int b = 0; b < seen.Count; b++)
        {
            codeToBin[seen[b]] = b;
        }
        return (codeToBin, [.. seen]);
    }

    /// <summary>Bins of the given rows (all rows when null), one byte column per feature.</summary>
    public byte[][] Transform(FeatureMatrix x, int[]? rows, ParallelOptions parallel)
    {
        int n = rows?.Length ?? x.RowCount;
        var result = new byte[x.FeatureCount][];
        Parallel.For(0, x.FeatureCount, parallel, j =>
        {
            var col = new byte[n];
            FeatureColumn c = x[j];
            if (c.Kind == FeatureKind.Numeric)
            {
                // Thresholds padded to 255 with +∞: a branch-free binary search of 8 fixed steps.
                Span<double> t = stackalloc double[MissingBin];
                t.Fill(double.PositiveInfinity);
                Thresholds[j]!.CopyTo(t);
                double[] v = c.Values!;
                for (int i = 0; i < n; i++)
                {
                    col[i] = NumericBin(t, v[rows is null ? i : rows[i]]);
                }
            }
            else
            {
                int[] map = CodeToBin[j]!;
                int[] codes = c.Codes!;
                for (int i = 0; i < n; i++)
                {
                    int code = codes[rows is null ? i : rows[i]];
                    int b = code < 0 ? -1 : map[code];
                    col[i] = b < 0 ? MissingBin : (byte)b;
                }
            }
            result[j] = col;
        });
        return result;
    }

    /// <summary>The first b with v ≤ t[b] (t sorted, 255 entries, padded with +∞); NaN → the missing bin.</summary>
    private static byte NumericBin(ReadOnlySpan<double> t, double v)
    {
        if (double.IsNaN(v))
        {
            return MissingBin;
        }
        // Invariant: every t[k] with k < pos is < v; t[pos + step - 1] decides whether to skip step more.
        int pos = 0;
        pos += t[pos + 127] < v ? 128 : 0;
        pos += t[pos + 63] < v ? 64 : 0;
        pos += t[pos + 31] < v ? 32 : 0;
        pos += t[pos + 15] < v ? 16 : 0;
        pos += t[pos + 7] < v ? 8 : 0;
        pos += t[pos + 3] < v ? 4 : 0;
        pos += t[pos + 1] < v ? 2 : 0;
        pos += t[pos] < v ? 1 : 0;
        return (byte)pos;
    }
}

/// <summary>SplitMix64 (Steele, Lea, Flood 2014): a small seeded generator, identical on every platform.</summary>
internal struct SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, bound) by Lemire's multiply-shift with rejection.</summary>
    public ulong NextBelow(ulong bound)
    {
        while (true)
        {
            ulong r = Next();
            UInt128 m = (UInt128)r * bound;
            ulong low = (ulong)m;
            if (low >= bound || low >= (0UL - bound) % bound)
            {
                return (ulong)(m >> 64);
            }
        }
    }
}
