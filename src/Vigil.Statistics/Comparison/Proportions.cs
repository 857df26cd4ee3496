namespace Vigil.Statistics.Comparison;

/// <summary>Differences of proportions (accuracy, recall, precision, positive rate …): candidate − baseline, with
/// Newcombe's score-based intervals, which keep their coverage near 0 and 1 and for small counts where the Wald interval
/// fails.
/// <list type="bullet">
/// <item>Independent samples: Newcombe (1998a), "Interval estimation for the difference between independent
/// proportions: comparison of eleven methods", Stat. Med. 17:873–890, method 10 (hybrid score, no continuity
/// correction); p-value of the pooled two-proportion z-test.</item>
/// <item>Paired samples (the same rows, two models): Newcombe (1998b), "Improved confidence intervals for the difference
/// between binomial proportions based on paired data", Stat. Med. 17:2635–2650, method 10; p-value of McNemar's test.</item>
/// </list></summary>
public static class Proportions
{
    /// <summary>McNemar's exact test is used below this many discordant pairs, the χ² test above.</summary>
    public const long McNemarExactBelow = 25;

    /// <summary>Wilson's score interval (Wilson 1927) for x successes in n trials, without continuity correction:
    /// (p̂ + z²/2n ± z·√(p̂(1 − p̂)/n + z²/4n²)) / (1 + z²/n). Exactly 0 at x = 0 and 1 at x = n; (NaN, NaN) when n = 0.</summary>
    public static (double Lower, double Upper) Wilson(long x, long n, double confidence = 0.95)
    {
        ZTest.CheckConfidence(confidence);
        CheckCount(x, n, nameof(x));
        return WilsonCore(x, n, ZTest.Critical(confidence));
    }

    /// <summary>p₂ − p₁ of independent proportions, baseline x1/n1 and candidate x2/n2. With Wilson limits (l_i, u_i),
    /// Newcombe's method 10: [d − √((p₂ − l₂)² + (u₁ − p₁)²), d + √((u₂ − p₂)² + (p₁ − l₁)²)].
    /// p-value: pooled z-test, z = d / √(p̄(1 − p̄)(1/n1 + 1/n2)), p̄ = (x1 + x2)/(n1 + n2); 1 when p̄ is 0 or 1.</summary>
    public static Difference NewcombeUnpaired(long x1, long n1, long x2, long n2, double confidence = 0.95)
    {
        ZTest.CheckConfidence(confidence);
        CheckCount(x1, n1, nameof(x1));
        CheckCount(x2, n2, nameof(x2));
        const string test = "Newcombe hybrid score interval (method 10), pooled two-proportion z-test";
        if (n1 == 0 || n2 == 0)
        {
            return Difference.Undefined(test, n1 == 0 ? "the baseline has no rows" : "the candidate has no rows");
        }
        var z = ZTest.Critical(confidence);
        double p1 = (double)x1 / n1, p2 = (double)x2 / n2, d = p2 - p1;
        var (l1, u1) = WilsonCore(x1, n1, z);
        var (l2, u2) = WilsonCore(x2, n2, z);
        var lower = d - Math.Sqrt(Sq(p2 - l2) + Sq(u1 - p1));
        var upper = d + Math.Sqrt(Sq(u2 - p2) + Sq(p1 - l1));
        var pooled = ((double)x1 + x2) / ((double)n1 + n2);
        var v = pooled * (1.0 - pooled) * (1.0 / n1 + 1.0 / n2);
        var p = v > 0.0 ? ZTest.TwoSidedP(d / Math.Sqrt(v)) : (d == 0.0 ? 1.0 : 0.0);
        return new Difference(d, lower, upper, p, test);
    }

    /// <summary>pB − pA of paired proportions from the 2×2 table of the same rows under baseline A and candidate B:
    /// <paramref name="both"/> (a) successes under both, <paramref name="onlyA"/> (b), <paramref name="onlyB"/> (c),
    /// <paramref name="neither"/> (d); d = (c − b)/N. Newcombe's paired method 10 with Wilson limits (l, u) of pA and pB and
    /// φ = (ad − bc)/√((a+b)(c+d)(a+c)(b+d)) (0 when a margin is 0):
    /// [d − √((pB − lB)² − 2φ(pB − lB)(uA − pA) + (uA − pA)²), d + √((uB − pB)² − 2φ(uB − pB)(pA − lA) + (pA − lA)²)].
    /// p-value: McNemar's test on b and c (<see cref="McNemarPValue"/>); the Test string says which form.</summary>
    public static Difference NewcombePaired(long both, long onlyA, long onlyB, long neither, double confidence = 0.95)
    {
        ZTest.CheckConfidence(confidence);
        if (both < 0 || onlyA < 0 || onlyB < 0 || neither < 0)
        {
            throw new ArgumentException($"Counts must not be negative ({both}, {onlyA}, {onlyB}, {neither}).");
        }
        var test = "Newcombe paired score interval (method 10), " + McNemarName(onlyA, onlyB);
        var n = checked(both + onlyA + onlyB + neither);
        if (n == 0)
        {
            return Difference.Undefined(test, "no rows");
        }
        var z = ZTest.Critical(confidence);
        long xA = both + onlyA, xB = both + onlyB;
        double pA = (double)xA / n, pB = (double)xB / n, d = ((double)onlyB - onlyA) / n;
        var (lA, uA) = WilsonCore(xA, n, z);
        var (lB, uB) = WilsonCore(xB, n, z);
        double e = xA, f = n - xA, g = xB, h = n - xB;
        var phi = e == 0 || f == 0 || g == 0 || h == 0
            ? 0.0
            : ((double)both * neither - (double)onlyA * onlyB) / (Math.Sqrt(e * f) * Math.Sqrt(g * h));
        double dl = pB - lB, du = uA - pA, el = uB - pB, eu = pA - lA;
        var lower = d - Math.Sqrt(Math.Max(0.0, dl * dl - 2.0 * phi * dl * du + du * du));
        var upper = d + Math.Sqrt(Math.Max(0.0, el * el - 2.0 * phi * el * eu + eu * eu));
        return new Difference(d, lower, upper, McNemarPValue(onlyA, onlyB), test);
    }

    /// <summary>McNemar's two-sided p-value from the discordant counts b and c. When b + c &lt; 25 the exact binomial test
    /// (McNemar's exact test: 2·P(X ≤ min(b, c)), X ~ Binomial(b + c, ½), at most 1; scipy.stats.binomtest); otherwise the
    /// χ² test with Edwards' continuity correction, (max(0, |b − c| − 1))² / (b + c) on one degree of freedom
    /// (the max keeps b = c at p = 1). 1 when b + c = 0.</summary>
    public static double McNemarPValue(long b, long c)
    {
        if (b < 0 || c < 0)
        {
            throw new ArgumentException($"Counts must not be negative ({b}, {c}).");
        }
        var total = checked(b + c);
        if (total == 0)
        {
            return 1.0;
        }
        if (total < McNemarExactBelow)
        {
            // Σ_{i ≤ k} C(N, i) / 2^N, exact in doubles for N < 25.
            var k = Math.Min(b, c);
            double term = 1.0, sum = 0.0;
            for (var i = 0; i <= k; i++)
            {
                sum += term;
                term = term * (total - i) / (i + 1);
            }
            return Math.Min(1.0, 2.0 * sum / Math.Pow(2.0, total));
        }
        var diff = Math.Max(0.0, Math.Abs((double)b - c) - 1.0);
        return ZTest.ChiSquare1Sf(diff * diff / total);
    }

    /// <summary>The name of the McNemar form <see cref="McNemarPValue"/> uses for these counts.</summary>
    public static string McNemarName(long b, long c) =>
        b + c < McNemarExactBelow ? "McNemar exact binomial test" : "McNemar chi-square test with continuity correction";

    internal static (double Lower, double Upper) WilsonCore(long x, long n, double z)
    {
        if (n == 0)
        {
            return (double.NaN, double.NaN);
        }
        double nn = n, p = x / nn, z2 = z * z;
        var denom = 1.0 + z2 / nn;
        var centre = (p + z2 / (2.0 * nn)) / denom;
        var half = z * Math.Sqrt(p * (1.0 - p) / nn + z2 / (4.0 * nn * nn)) / denom;
        var lower = x == 0 ? 0.0 : Math.Max(0.0, centre - half);
        var upper = x == n ? 1.0 : Math.Min(1.0, centre + half);
        return (lower, upper);
    }

    private static double Sq(double x) => x * x;

    private static void CheckCount(long x, long n, string name)
    {
        if (n < 0 || x < 0 || x > n)
        {
            throw new ArgumentException($"Need 0 ≤ successes ≤ trials, got {x} of {n}.", name);
        }
    }
}
