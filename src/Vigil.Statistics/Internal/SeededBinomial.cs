using MathNet.Numerics;

namespace Vigil.Statistics.Internal;

/// <summary>
/// Seeded, deterministic binomial and multinomial draws on MT19937 (same output on every platform and .NET version).
/// Binomial(n, p) for n up to 2⁶³: by inversion (Kachitvichyanukul &amp; Schmeiser's BINV) when n·min(p, 1 − p) &lt; 10, else
/// Hörmann's transformed rejection with decomposition (BTRD; W. Hörmann 1993, "The generation of binomial random
/// variates", J. Statist. Comput. Simul. 46:101–110), using its final acceptance test only (no squeezes), in O(1)
/// expected time whatever n is.
/// </summary>
internal sealed class SeededBinomial
{
    private static readonly double[] StirlingTail = BuildTail();
    private readonly Mt19937 _mt;

    public SeededBinomial(uint seed) => _mt = Mt19937.FromSeed(seed);

    /// <summary>Uniform on [0, 1) with 53 random bits (genrand_res53).</summary>
    public double NextDouble()
    {
        uint a = _mt.NextUInt32() >> 5, b = _mt.NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary>One draw of Binomial(n, p).</summary>
    public long Binomial(long n, double p)
    {
        if (n <= 0 || p <= 0.0)
        {
            return 0;
        }
        if (p >= 1.0)
        {
            return n;
        }
        if (p > 0.5)
        {
            return n - Binomial(n, 1.0 - p);
        }
        return n * p < 10.0 ? Inversion(n, p) : Btrd(n, p);
    }

    /// <summary>Multinomial(total, weights / Σweights) by sequential conditional binomials, written into counts.</summary>
    public void Multinomial(long total, ReadOnlySpan<long> weights, Span<long> counts)
    {
        long remainingWeight = 0;
        foreach (var w in weights)
        {
            remainingWeight += w;
        }
        var remaining = total;
        for (var i = 0; i < weights.Length; i++)
        {
            var w = weights[i];
            if (remaining == 0 || w == 0)
            {
                counts[i] = 0;
                remainingWeight -= w;
                continue;
            }
            var k = w >= remainingWeight ? remaining : Binomial(remaining, (double)w / remainingWeight);
            counts[i] = k;
            remaining -= k;
            remainingWeight -= w;
        }
    }

    private long Inversion(long n, double p)
    {
        var q = 1.0 - p;
        var s = p / q;
        var a = (n + 1) * s;
        var r0 = Math.Exp(n * Log1MinusP(p));
        while (true)
        {
            var r = r0;
            var u = NextDouble();
            long x = 0;
            while (u > r)
            {
                u -= r;
                x++;
                if (x > n)
                {
                    break;
                }
                r *= a / x - s;
                if (r <= 0.0)
                {
                    break;
                }
            }
            if (u <= r && x <= n)
            {
                return x;
            }
        }
    }

    private long Btrd(long n, double p)
    {
        double nd = n;
        var spq = Math.Sqrt(nd * p * (1.0 - p));
        var b = 1.15 + 2.53 * spq;
        var a = -0.0873 + 0.0248 * b + 0.01 * p;
        var c = nd * p + 0.5;
        var vr = 0.92 - 4.2 / b;
        var r = p / (1.0 - p);
        var alpha = (2.83 + 5.1 / b) * spq;
        var m = Math.Floor((nd + 1.0) * p);
        while (true)
        {
            var u = NextDouble() - 0.5;
            var v = NextDouble();
            var us = 0.5 - Math.Abs(u);
            var k = Math.Floor((2.0 * a / us + b) * u + c);
            if (us >= 0.07 && v <= vr)
            {
                return (long)k;
            }
            if (k < 0.0 || k > nd || v <= 0.0)
            {
                continue;
            }
            var lv = Math.Log(v * alpha / (a / (us * us) + b));
            var bound = (m + 0.5) * Math.Log((m + 1.0) / (r * (nd - m + 1.0)))
                        + (nd + 1.0) * Math.Log((nd - m + 1.0) / (nd - k + 1.0))
                        + (k + 0.5) * Math.Log(r * (nd - k + 1.0) / (k + 1.0))
                        + Tail(m) + Tail(nd - m) - Tail(k) - Tail(nd - k);
            if (lv <= bound)
            {
                return (long)k;
            }
        }
    }

    /// <summary>log(1 − p) without losing digits for small p.</summary>
    private static double Log1MinusP(double p) => p < 1e-4 ? -p * (1.0 + p * (0.5 + p * (1.0 / 3.0 + p * 0.25))) : Math.Log(1.0 - p);

    /// <summary>log k! − ((k + ½)·log(k + 1) − (k + 1) + ½·log 2π), the tail of Stirling's series.</summary>
    private static double Tail(double k)
    {
        if (k < StirlingTail.Length)
        {
            return StirlingTail[(int)k];
        }
        var k1 = k + 1.0;
        var k1sq = k1 * k1;
        return (1.0 / 12 - (1.0 / 360 - 1.0 / 1260 / k1sq) / k1sq) / k1;
    }

    private static double[] BuildTail()
    {
        var t = new double[10];
        for (var k = 0; k < t.Length; k++)
        {
            t[k] = SpecialFunctions.GammaLn(k + 1.0) - ((k + 0.5) * Math.Log(k + 1.0) - (k + 1.0) + 0.5 * Math.Log(2 * Math.PI));
        }
        return t;
    }
}
