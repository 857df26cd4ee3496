namespace Vigil.Statistics.Internal;

/// <summary>
/// NumPy's pairwise summation of a float64 array (<c>np.sum</c>), term for term: sequential below 8 elements, eight
/// interleaved partial sums up to 128, halves (cut at a multiple of 8) above. Used where a result must match NumPy's
/// rounding, e.g. a square root of a small difference (see docs/drift-methods.md).
/// </summary>
internal static class NumpySum
{
    public static double Sum(ReadOnlySpan<double> a)
    {
        var n = a.Length;
        if (n < 8)
        {
            var res = 0.0;
            for (var i = 0; i < n; i++) res += a[i];
            return res;
        }
        if (n <= 128)
        {
            Span<double> r = stackalloc double[8];
            for (var j = 0; j < 8; j++) r[j] = a[j];
            var i = 8;
            for (; i < n - (n % 8); i += 8)
                for (var j = 0; j < 8; j++) r[j] += a[i + j];
            var res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) res += a[i];
            return res;
        }
        var n2 = n / 2;
        n2 -= n2 % 8;
        return Sum(a[..n2]) + Sum(a[n2..]);
    }
}
