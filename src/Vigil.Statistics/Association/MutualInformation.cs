using MathNet.Numerics;
using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Association;

/// <summary>Mutual information (nats) between a feature and the score from their contingency table: the feature binned
/// into quantile bins (numeric) or taken as categories, the score binned into quantile bins.
/// Plug-in (maximum-likelihood) estimator: with cell counts n_ij, margins a_i, b_j and N rows,
/// I = Σ_ij (n_ij/N)·log(N·n_ij/(a_i·b_j)), empty cells contributing 0, clipped below at 0 —
/// sklearn.metrics.mutual_info_score on the same bins. The plug-in estimate is biased upwards by about
/// (r − 1)(c − 1)/(2N) (Miller 1955), so compare values only between tables of similar size and shape.
/// p-value: the G-test of independence, G = 2N·I ~ χ² with (r − 1)(c − 1) degrees of freedom (r, c the non-empty rows
/// and columns). There is no interval (Lower and Upper are NaN).</summary>
public static class MutualInformation
{
    private const string TestName = "mutual information, plug-in estimator (nats); G-test of independence";

    /// <summary>I from a row-major table of <paramref name="rows"/> × <paramref name="columns"/> counts.</summary>
    public static AssociationResult FromTable(ReadOnlySpan<long> counts, int rows, int columns)
    {
        if (rows < 0 || columns < 0 || counts.Length != (long)rows * columns)
        {
            throw new ArgumentException($"The table holds {counts.Length} counts, not {rows} × {columns}.", nameof(counts));
        }
        var a = new long[rows];
        var b = new long[columns];
        long n = 0;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                var c = counts[i * columns + j];
                if (c < 0)
                {
                    throw new ArgumentException($"Counts must not be negative (cell {i}, {j}: {c}).", nameof(counts));
                }
                a[i] += c;
                b[j] += c;
                n += c;
            }
        }
        if (n == 0)
        {
            return new AssociationResult(double.NaN, double.NaN, double.NaN, double.NaN, TestName, 0, "no rows");
        }
        double logN = Math.Log(n);
        NeumaierSum mi = default;
        for (var i = 0; i < rows; i++)
        {
            for (var j = 0; j < columns; j++)
            {
                var c = counts[i * columns + j];
                if (c == 0) continue;
                mi.Add(c / (double)n * (Math.Log(c) + logN - Math.Log(a[i]) - Math.Log(b[j])));
            }
        }
        var value = Math.Max(0.0, mi.Value);
        var df = (a.Count(x => x > 0) - 1) * (long)(b.Count(x => x > 0) - 1);
        var p = df == 0 ? 1.0 : SpecialFunctions.GammaUpperRegularized(df / 2.0, n * value);
        return new AssociationResult(value, double.NaN, double.NaN, p, TestName, n, df == 0 ? "a variable takes one value: no association to test" : null);
    }

    /// <summary>I between two label arrays (any integer codes; reference and small-data helper).</summary>
    public static AssociationResult FromCodes(ReadOnlySpan<int> x, ReadOnlySpan<int> y)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x and y must have the same length ({x.Length}, {y.Length}).");
        }
        var (xi, r) = Dense(x);
        var (yi, c) = Dense(y);
        var table = new long[(long)r * c];
        for (var k = 0; k < xi.Length; k++)
        {
            table[xi[k] * c + yi[k]]++;
        }
        return FromTable(table, r, c);
    }

    /// <summary>I between a numeric feature and the score, each binned into quantile bins (<see cref="QuantileBins"/>).</summary>
    public static AssociationResult Binned(ReadOnlySpan<double> x, int xBins, ReadOnlySpan<double> y, int yBins) =>
        FromCodes(QuantileBins(x, xBins), QuantileBins(y, yBins));

    /// <summary>Quantile-bin codes: edges at numpy.quantile(values, k/bins) for k = 0 … bins (linear interpolation, numpy's rounding),
    /// duplicate edges dropped; a value's bin is the number of inner edges ≤ it (numpy.searchsorted(edges[1:-1], v,
    /// side="right")), so bins are [e_k, e_{k+1}) and the last is closed. Values must not be NaN.</summary>
    public static int[] QuantileBins(ReadOnlySpan<double> values, int bins)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        var sorted = values.ToArray();
        if (sorted.Any(double.IsNaN))
        {
            throw new ArgumentException("Values must not be NaN; bin NaN as a category of its own first.", nameof(values));
        }
        Array.Sort(sorted);
        var codes = new int[values.Length];
        if (sorted.Length == 0) return codes;
        var edges = new List<double>(bins + 1);
        for (var k = 0; k <= bins; k++)
        {
            var h = (sorted.Length - 1) * (k / (double)bins);
            var lo = (int)Math.Floor(h);
            var hi = Math.Min(lo + 1, sorted.Length - 1);
            double t = h - lo, a = sorted[lo], b = sorted[hi];
            var e = t >= 0.5 ? b - (b - a) * (1.0 - t) : a + (b - a) * t;   // numpy's _lerp
            if (edges.Count == 0 || e != edges[^1]) edges.Add(e);
        }
        // Inner edges edges[1 .. Count − 2].
        for (var i = 0; i < codes.Length; i++)
        {
            int lo = 1, hi = edges.Count - 1;   // count inner edges ≤ v by binary search on [1, Count − 1)
            var v = values[i];
            while (lo < hi)
            {
                var mid = (lo + hi) >> 1;
                if (edges[mid] <= v) lo = mid + 1; else hi = mid;
            }
            codes[i] = lo - 1;
        }
        return codes;
    }

    private static (int[] Index, int Count) Dense(ReadOnlySpan<int> codes)
    {
        var map = new Dictionary<int, int>();
        var index = new int[codes.Length];
        var sortedKeys = codes.ToArray().Distinct().Order().ToArray();
        for (var k = 0; k < sortedKeys.Length; k++) map[sortedKeys[k]] = k;
        for (var i = 0; i < codes.Length; i++) index[i] = map[codes[i]];
        return (index, sortedKeys.Length);
    }
}
