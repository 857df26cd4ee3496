namespace Vigil.Statistics.Estimation;

/// <summary>Differences of harmonic numbers, H(k + r) − H(k) = Σ_{j=k+1}^{k+r} 1/j, to full double precision for any counts.</summary>
internal static class Harmonic
{
    private const int DirectTerms = 64;

    public static double Difference(long k, long r)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        if (r <= 0)
        {
            return 0;
        }
        if (r <= DirectTerms)
        {
            return Direct(k, r);
        }
        var head = 0.0;
        if (k < DirectTerms)
        {
            var steps = DirectTerms - k;   // lift k to 64, where the asymptotic series is exact to double precision
            head = Direct(k, steps);
            k = DirectTerms;
            r -= steps;
        }
        return head + Asymptotic(k, r);
    }

    /// <summary>Σ 1/j for j = k + r down to k + 1 (small terms first).</summary>
    private static double Direct(long k, long r)
    {
        var s = 0.0;
        for (var j = k + r; j > k; j--) s += 1.0 / j;
        return s;
    }

    /// <summary>
    /// H(a) − H(b), a = b + r, b ≥ 64, from H(n) = ln n + γ + 1/(2n) − 1/(12n²) + 1/(120n⁴) − 1/(252n⁶) + …; the first
    /// omitted term is below 1/(240 · 64⁸) ≈ 1.5e-17.
    /// </summary>
    private static double Asymptotic(long b, long r)
    {
        double bd = b, rd = r, ad = bd + rd;
        var log = LogOnePlus(rd / bd);
        var c1 = -rd / (2.0 * ad * bd);
        var c2 = rd * (ad + bd) / (12.0 * ad * ad * bd * bd);
        var c4 = (1.0 / Math.Pow(ad, 4) - 1.0 / Math.Pow(bd, 4)) / 120.0;
        var c6 = (1.0 / Math.Pow(ad, 6) - 1.0 / Math.Pow(bd, 6)) / 252.0;
        return log + c1 + c2 + c4 - c6;
    }

    /// <summary>log(1 + x) for small x without cancellation.</summary>
    private static double LogOnePlus(double x)
    {
        var u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }
}
