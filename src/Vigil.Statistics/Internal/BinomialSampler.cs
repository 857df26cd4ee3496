using MathNet.Numerics;

namespace Vigil.Statistics.Internal;

/// <summary>Exact binomial random variates in O(1) expected time: inversion when n·min(p, 1 − p) is below 10, else
/// Hörmann's BTRS transformed rejection ("The generation of binomial random variates", 1993). The stratified
/// bootstrap draws millions of rows per replicate through it, which the textbook sum of n Bernoulli trials cannot.</summary>
internal static class BinomialSampler
{
    public static long Sample(Random rng, long n, double p)
    {
        if (n <= 0 || p <= 0) return 0;
        if (p >= 1) return n;
        if (p > 0.5) return n - Sample(rng, n, 1 - p);
        return n * p < 10 ? Inversion(rng, n, p) : Btrs(rng, n, p);
    }

    private static long Inversion(Random rng, long n, double p)
    {
        var q = 1 - p;
        var s = p / q;
        var a = (n + 1) * s;
        var r = Math.Pow(q, n);
        var u = rng.NextDouble();
        long x = 0;
        while (u > r)
        {
            u -= r;
            x++;
            if (x > n) return n; // rounding at the far tail
            r *= a / x - s;
        }
        return x;
    }

    private static long Btrs(Random rng, long n, double p)
    {
        var q = 1 - p;
        var spq = Math.Sqrt(n * p * q);
        var b = 1.15 + 2.53 * spq;
        var a = -0.0873 + 0.0248 * b + 0.01 * p;
        var c = n * p + 0.5;
        var vr = 0.92 - 4.2 / b;
        var alpha = (2.83 + 5.1 / b) * spq;
        var lpq = Math.Log(p / q);
        var m = Math.Floor((n + 1) * p);
        var h = SpecialFunctions.GammaLn(m + 1) + SpecialFunctions.GammaLn(n - m + 1);
        while (true)
        {
            var u = rng.NextDouble() - 0.5;
            var v = rng.NextDouble();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((2 * a / us + b) * u + c);
            if (k < 0 || k > n) continue;
            if (us >= 0.07 && v <= vr) return (long)k;
            v = Math.Log(v * alpha / (a / (us * us) + b));
            if (v <= h - SpecialFunctions.GammaLn(k + 1) - SpecialFunctions.GammaLn(n - k + 1) + (k - m) * lpq) return (long)k;
        }
    }
}
