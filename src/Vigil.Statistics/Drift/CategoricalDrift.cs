using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// The categorical drift methods beyond chi-square and z, from category counts (docs/drift-methods.md):
/// Evidently's <c>g_test</c>, <c>fisher_exact</c> and <c>TVD</c>, and NannyML's <c>l_infinity</c>. Categories are
/// visited in ordinal order (the fixture generator's sorted order); categories absent from both samples are ignored.
/// </summary>
internal static class CategoricalDrift
{
    /// <summary>Largest pooled size for which the TVD permutation test runs (1000 shuffles of all values).</summary>
    internal const long MaxTvdValues = 2_000_000;

    internal const int TvdIterations = 1000;

    /// <summary>Indices of the categories present in either sample, in ordinal order.</summary>
    internal static int[] Present(ValueCounts v) =>
        Enumerable.Range(0, v.Count).Where(i => v.Reference[i] + v.Current[i] > 0)
            .OrderBy(i => v.Categories![i], StringComparer.Ordinal).ToArray();

    /// <summary>SciPy's <c>power_divergence(f_obs, f_exp, lambda_="log-likelihood")</c> with Evidently's expected
    /// counts (reference counts scaled to the current size): G = Σ 2·xlogy(O, O/E), p = chi2.sf(G, k − 1).</summary>
    public static DriftTestResult GTest(ValueCounts v, double threshold)
    {
        var keys = Present(v);
        var scale = (double)v.CurrentTotal / v.ReferenceTotal;
        var terms = new double[keys.Length];
        for (var j = 0; j < keys.Length; j++)
        {
            double observed = v.Current[keys[j]];
            var expected = v.Reference[keys[j]] * scale;
            terms[j] = observed == 0 ? 0 : 2.0 * (observed * Math.Log(observed / expected));
        }
        var g = NumpySum.Sum(terms);
        double? p = keys.Length < 2 || double.IsNaN(g) ? null : DriftMethods.ChiSquareSf(g, keys.Length - 1);
        return DriftTestResult.Create("g_test", g, p, threshold, p < threshold);
    }

    /// <summary>Why Evidently's Fisher test refuses the counts, or null.</summary>
    public static string? FisherRefusal(ValueCounts v)
    {
        if (Present(v).Length > 2) return "fisher_exact needs binary data (at most two categories)";
        if (v.ReferenceTotal != v.CurrentTotal) return "fisher_exact needs reference and current data of equal length";
        return null;
    }

    /// <summary>Evidently's Fisher exact test: the table [[c1, c0], [r1, r0]] ("1" is the later category in ordinal
    /// order, a Vigil convention: Evidently's depends on set order and only inverts the odds ratio), and SciPy 1.10's
    /// two-sided <c>fisher_exact</c>. The statistic is the odds ratio.</summary>
    public static DriftTestResult FisherExact(ValueCounts v, double threshold)
    {
        var keys = Present(v);
        long r1 = 0, c1 = 0;
        if (keys.Length == 2)
        {
            r1 = v.Reference[keys[1]];
            c1 = v.Current[keys[1]];
        }
        else if (keys.Length == 1 && string.CompareOrdinal(v.Categories![keys[0]], "placeholder") > 0)
        {
            // A single category is paired with Evidently's "placeholder"; sorted, it is "1" when it comes later.
            r1 = v.Reference[keys[0]];
            c1 = v.Current[keys[0]];
        }
        var (odds, p) = Fisher(c1, v.CurrentTotal - c1, r1, v.ReferenceTotal - r1);
        return DriftTestResult.Create("fisher_exact", odds, p, threshold, p < threshold);
    }

    /// <summary><c>scipy.stats.fisher_exact([[a, b], [c, d]])</c>, two-sided, SciPy 1.10: the odds ratio and the
    /// p-value (tables within 1 + 1e-14 of the observed probability count as at least as extreme).</summary>
    internal static (double Odds, double P) Fisher(long a, long b, long c, long d)
    {
        if (a + c == 0 || b + d == 0 || a + b == 0 || c + d == 0) return (double.NaN, 1.0);
        var odds = c > 0 && b > 0 ? (double)((Int128)a * d) / (double)((Int128)c * b) : double.PositiveInfinity;
        long n1 = a + b, n2 = c + d, n = a + c, total = n1 + n2;
        var mode = (long)((double)((Int128)(n + 1) * (n1 + 1)) / (total + 2));
        double Pmf(long x) => DriftSpecial.HypergeomPmf(x, total, n1, n);
        var pexact = Pmf(a);
        var pmode = Pmf(mode);
        const double epsilon = 1e-14;
        const double gamma = 1 + epsilon;
        if (Math.Abs(pexact - pmode) / Math.Max(pexact, pmode) <= epsilon) return (odds, 1.0);
        double pvalue;
        if (a < mode)
        {
            var plower = DriftSpecial.HypergeomCdf(a, total, n1, n);
            if (Pmf(n) > pexact * gamma) return (odds, plower);
            var guess = BinarySearch(x => -Pmf(x), -pexact * gamma, mode, n);
            pvalue = plower + DriftSpecial.HypergeomSf(guess, total, n1, n);
        }
        else
        {
            var pupper = DriftSpecial.HypergeomSf(a - 1, total, n1, n);
            if (Pmf(0) > pexact * gamma) return (odds, pupper);
            var guess = BinarySearch(Pmf, pexact * gamma, 0, mode);
            pvalue = pupper + DriftSpecial.HypergeomCdf(guess, total, n1, n);
        }
        return (odds, Math.Min(pvalue, 1.0));
    }

    /// <summary>SciPy's <c>_binary_search_for_binom_tst</c>: i in [lo, hi] with f(i) ≤ d &lt; f(i + 1).</summary>
    private static long BinarySearch(Func<long, double> f, double d, long lo, long hi)
    {
        while (lo < hi)
        {
            var mid = lo + (hi - lo) / 2;
            var midval = f(mid);
            if (midval < d) lo = mid + 1;
            else if (midval > d) hi = mid - 1;
            else return mid;
        }
        return f(lo) <= d ? lo : lo - 1;
    }

    /// <summary>Evidently's total variation distance in its float form: 0.5·Σ |a_k/n_A − b_k/n_B| (NumPy sum).</summary>
    private static double Tvd(ReadOnlySpan<long> a, long na, ReadOnlySpan<long> b, long nb, double[] scratch)
    {
        for (var k = 0; k < a.Length; k++) scratch[k] = Math.Abs((double)a[k] / na - (double)b[k] / nb);
        return 0.5 * NumpySum.Sum(scratch);
    }

    /// <summary>Evidently's TVD permutation test: the observed TVD against 1000 reshuffles of the pooled values with
    /// NumPy's legacy generator seeded with 0; p = share of reshuffles whose TVD is at least the observed one. The
    /// pooled list is canonical (reference values by category in ordinal order, then current values the same way),
    /// because counts carry no row order; Evidently pools in input order (docs/drift-methods.md).</summary>
    public static DriftTestResult TotalVariation(ValueCounts v, double threshold)
    {
        var keys = Present(v);
        var k = keys.Length;
        long nR = v.ReferenceTotal, nC = v.CurrentTotal;
        var r = keys.Select(i => v.Reference[i]).ToArray();
        var c = keys.Select(i => v.Current[i]).ToArray();
        var scratch = new double[k];
        var observed = Tvd(r, nR, c, nC, scratch);

        var pooled = new int[nR + nC];
        var pos = 0;
        for (var j = 0; j < k; j++)
            for (long m = 0; m < r[j]; m++) pooled[pos++] = j;
        for (var j = 0; j < k; j++)
            for (long m = 0; m < c[j]; m++) pooled[pos++] = j;
        var total = new long[k];
        for (var j = 0; j < k; j++) total[j] = r[j] + c[j];

        var rng = new LegacyRandom(0);
        var work = new int[pooled.Length];
        var a = new long[k];
        var b = new long[k];
        var hits = 0;
        for (var it = 0; it < TvdIterations; it++)
        {
            pooled.CopyTo(work, 0);
            rng.Shuffle(work);
            Array.Clear(b);
            for (var i = (int)nR; i < work.Length; i++) b[work[i]]++;
            for (var j = 0; j < k; j++) a[j] = total[j] - b[j];
            if (observed <= Math.Abs(Tvd(a, nR, b, nC, scratch))) hits++;
        }
        var p = hits / (double)TvdIterations;
        return DriftTestResult.Create("TVD", observed, p, threshold, p < threshold);
    }

    /// <summary>NannyML's L-infinity distance: max over categories of |reference share − current share|
    /// (<c>value_counts(normalize=True)</c>, missing categories count as 0); drift when it exceeds the threshold.</summary>
    public static double LInfinity(ValueCounts v)
    {
        double d = 0;
        foreach (var i in Present(v))
            d = Math.Max(d, Math.Abs((double)v.Reference[i] / v.ReferenceTotal - (double)v.Current[i] / v.CurrentTotal));
        return d;
    }
}
