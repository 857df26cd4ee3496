using System.Numerics;
using MathNet.Numerics;
using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// The numerical drift tests beyond ks and wasserstein, computed from the distinct values and their counts
/// (docs/drift-methods.md): Evidently's <c>t_test</c>, <c>mannw</c>, <c>anderson</c>, <c>cramer_von_mises</c> and
/// <c>ed</c>, each as SciPy 1.10 computes it. Ranks of a tied group are its midrank, so rank sums, tie terms and the
/// Cramér–von Mises U are exact integer (or half-integer) sums over the distinct values.
/// </summary>
internal static class NumericalDrift
{
    /// <summary>The distinct values present in either sample, with their counts.</summary>
    private readonly record struct Entry(double X, long R, long C)
    {
        public long T => R + C;
    }

    private static Entry[] Entries(ValueCounts v)
    {
        var list = new List<Entry>(v.Count);
        for (var i = 0; i < v.Count; i++)
            if (v.Reference[i] + v.Current[i] > 0) list.Add(new Entry(v.Numbers![i], v.Reference[i], v.Current[i]));
        return list.ToArray();
    }

    // ------------------------------------------------------------------ t_test

    /// <summary>Mean and ddof=1 variance of one sample (count-weighted, compensated sums); a single distinct value
    /// has its value as the mean exactly and variance 0 (NaN for one observation, as NumPy's n/(n−1) = inf gives).</summary>
    private static (double Mean, double Var) Moments(Entry[] e, bool reference)
    {
        long n = 0;
        var distinct = 0;
        double only = 0;
        var sum = new NeumaierSum();
        foreach (var x in e)
        {
            var c = reference ? x.R : x.C;
            if (c == 0) continue;
            n += c;
            distinct++;
            only = x.X;
            sum.Add(c * x.X);
        }
        var mean = distinct == 1 ? only : sum.Value / n;
        var ss = new NeumaierSum();
        foreach (var x in e)
        {
            var c = reference ? x.R : x.C;
            if (c == 0) continue;
            var d = x.X - mean;
            ss.Add(c * (d * d));
        }
        var var0 = distinct == 1 ? 0.0 : ss.Value / n;
        return (mean, var0 * ((double)n / (n - 1)));
    }

    /// <summary>SciPy's <c>ttest_ind(R, C)</c> (pooled variance): t and p = 2·stdtr(df, −|t|).</summary>
    public static DriftTestResult TTest(ValueCounts v, double threshold)
    {
        var e = Entries(v);
        var (m1, v1) = Moments(e, true);
        var (m2, v2) = Moments(e, false);
        double n1 = v.ReferenceTotal, n2 = v.CurrentTotal;
        var df = n1 + n2 - 2.0;
        var svar = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
        var denom = Math.Sqrt(svar * (1.0 / n1 + 1.0 / n2));
        var t = (m1 - m2) / denom;
        var p = double.IsNaN(t) ? double.NaN : DriftSpecial.StudentTCdf(df, -Math.Abs(t)) * 2;
        return DriftTestResult.Create("t_test", t, p, threshold, p < threshold);
    }

    // ------------------------------------------------------------------ mannw

    /// <summary>SciPy's <c>mannwhitneyu(R, C, alternative="less")</c> (continuity correction, method "auto"): U1 and
    /// the p-value from U2 = n_R·n_C − U1, exact when either size is ≤ 8 and nothing is tied, else the normal
    /// approximation with the tie correction.</summary>
    public static DriftTestResult MannWhitney(ValueCounts v, double threshold)
    {
        var e = Entries(v);
        long n1 = v.ReferenceTotal, n2 = v.CurrentTotal;
        // 2·U1 = Σ r_v·(2·(current values below v) + c_v): ties count one half.
        Int128 twoU1 = 0;
        long below = 0;
        Int128 tieTerm = 0;
        var ties = false;
        foreach (var x in e)
        {
            twoU1 += (Int128)x.R * (2 * (Int128)below + x.C);
            below += x.C;
            if (x.T > 1)
            {
                ties = true;
                tieTerm += (Int128)x.T * x.T * x.T - x.T;
            }
        }
        var u1 = (double)twoU1 / 2;
        var nn = (Int128)n1 * n2;
        var u2 = (double)(2 * nn - twoU1) / 2; // U2 = n1·n2 − U1
        double p;
        if ((n1 > 8 && n2 > 8) || ties)
        {
            var mu = (double)nn / 2;
            var n = n1 + n2;
            var s = Math.Sqrt((double)nn / 12 * ((double)(n + 1) - (double)tieTerm / (double)((Int128)n * (n - 1))));
            var numerator = u2 - mu - 0.5;
            var z = numerator / s;
            p = DriftMethods.NormalCdf(-z);
        }
        else
        {
            p = MannWhitneyExactSf((long)u2, n1, n2);
        }
        p = Math.Clamp(p, 0, 1);
        return DriftTestResult.Create("mannw", u1, p, threshold, p < threshold);
    }

    /// <summary>SciPy's exact <c>_mwu_state.sf(U, m, n)</c> = cdf(m·n − U): Σ_{k ≤ m·n − U} f(m, n, k) / binom(m+n, m),
    /// where f counts the arrangements with statistic k (the Gaussian binomial coefficient [m+n choose m]_q, built
    /// as Π (1 − q^(big+i)) / (1 − q^i) over i ≤ the smaller size, truncated at the degree needed).</summary>
    internal static double MannWhitneyExactSf(long u, long m, long n)
    {
        var kmax = m * n - u;
        if (kmax < 0) return 0;
        long small = Math.Min(m, n), big = Math.Max(m, n);
        var f = new double[kmax + 1];
        f[0] = 1;
        for (long i = 1; i <= small; i++)
        {
            var up = big + i;
            for (var k = kmax; k >= up; k--) f[k] -= f[k - up];
            for (var k = i; k <= kmax; k++) f[k] += f[k - i];
        }
        var binom = DriftSpecial.Binom(m + n, m);
        double cdf = 0;
        for (long k = 0; k <= kmax; k++) cdf += f[k] / binom;
        return cdf;
    }

    // ------------------------------------------------------------------ anderson

    /// <summary>Why SciPy's <c>anderson_ksamp</c> fails on these counts, or null.</summary>
    public static string? AndersonRefusal(ValueCounts v)
    {
        if (Entries(v).Length < 2) return "anderson needs more than one distinct value";
        if (v.ReferenceTotal + v.CurrentTotal < 3) return "anderson needs at least three values";
        return null;
    }

    /// <summary>SciPy's <c>anderson_ksamp([R, C])</c> with midranks: the standardised statistic and its
    /// interpolated significance level, capped to [0.001, 0.25].</summary>
    public static DriftTestResult Anderson(ValueCounts v, double threshold)
    {
        var e = Entries(v);
        long nTotal = v.ReferenceTotal + v.CurrentTotal;
        double bigN = nTotal;
        var unitTies = nTotal == e.Length;
        var inner = new double[e.Length];
        var a2kn = 0.0;
        foreach (var reference in new[] { true, false })
        {
            long ni = reference ? v.ReferenceTotal : v.CurrentTotal;
            long left = 0, sRight = 0;
            for (var j = 0; j < e.Length; j++)
            {
                long lj = unitTies ? 1 : e[j].T;
                double ljd = lj;
                var bj = left + ljd / 2.0;
                long fij = reference ? e[j].R : e[j].C;
                sRight += fij;
                var mij = (double)sRight - fij / 2.0;
                var diff = bigN * mij - bj * ni;
                var den = bj * (bigN - bj) - (unitTies ? bigN * 1.0 : (double)(nTotal * lj)) / 4.0;
                inner[j] = ljd / bigN * (diff * diff) / den;
                left += e[j].T;
            }
            a2kn += NumpySum.Sum(inner) / ni;
        }
        a2kn *= (bigN - 1.0) / bigN;

        double k = 2;
        var hSmall = 1.0 / v.ReferenceTotal + 1.0 / v.CurrentTotal;
        var h = Harmonic(nTotal - 1);
        var g = Harmonic2(nTotal) - (2 * h + 1.0 / bigN) / bigN;
        var a = (4 * g - 6) * (k - 1) + (10 - 6 * g) * hSmall;
        var b = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * hSmall - 8 * h + 4 * g - 6;
        var c = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * hSmall + 4 * h;
        var d = (2 * h + 6) * k * k - 4 * h * k;
        var n3 = (double)((Int128)nTotal * nTotal * nTotal);
        var n2 = (double)((Int128)nTotal * nTotal);
        var sigmasq = (a * n3 + b * n2 + c * bigN + d) / ((bigN - 1.0) * (bigN - 2.0) * (bigN - 3.0));
        var a2 = (a2kn - 1) / Math.Sqrt(sigmasq);

        double[] b0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
        double[] b1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
        double[] b2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
        double[] sig = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];
        var critical = new double[7];
        for (var i = 0; i < 7; i++) critical[i] = b0[i] + b1[i] / 1.0 + b2[i] / 1;
        double p;
        if (a2 < critical.Min()) p = 0.25;
        else if (a2 > critical.Max()) p = 0.001;
        else
        {
            var logSig = sig.Select(s => Math.Log(s)).ToArray();
            p = Math.Exp(DriftSpecial.PolyVal(DriftSpecial.PolyFit2(critical, logSig), a2));
        }
        return DriftTestResult.Create("anderson", a2, p, threshold, p < threshold);
    }

    /// <summary>H_n = Σ_{j ≤ n} 1/j (summed from the small terms up; asymptotic series beyond 10^6).</summary>
    internal static double Harmonic(long n)
    {
        if (n <= 0) return 0;
        if (n <= 1_000_000)
        {
            var s = new NeumaierSum();
            for (var j = n; j >= 1; j--) s.Add(1.0 / j);
            return s.Value;
        }
        double x = n, x2 = x * x;
        return Math.Log(x) + 0.57721566490153286061 + 1 / (2 * x) - 1 / (12 * x2) + 1 / (120 * x2 * x2) - 1 / (252 * x2 * x2 * x2);
    }

    /// <summary>H^(2)_n = Σ_{j ≤ n} 1/j² (asymptotic series beyond 10^6).</summary>
    internal static double Harmonic2(long n)
    {
        if (n <= 0) return 0;
        if (n <= 1_000_000)
        {
            var s = new NeumaierSum();
            for (var j = n; j >= 1; j--) s.Add(1.0 / ((double)j * j));
            return s.Value;
        }
        double x = n, x2 = x * x;
        return Math.PI * Math.PI / 6 - 1 / x + 1 / (2 * x2) - 1 / (6 * x2 * x) + 1 / (30 * x2 * x2 * x) - 1 / (42 * x2 * x2 * x2 * x);
    }

    // ------------------------------------------------------------------ cramer_von_mises

    /// <summary>Why Evidently's Cramér–von Mises test fails on these counts, or null.</summary>
    public static string? CramerVonMisesRefusal(ValueCounts v) =>
        v.ReferenceTotal < 2 || v.CurrentTotal < 2 ? "cramer_von_mises needs at least two values in each sample" : null;

    /// <summary>4·Σ_{k=1..c} (m − a − k)², m the midrank of the group, a the sample's count below it:
    /// with D = 2(m − a), Σ (D − 2k)² = c·D² − 2·D·c(c+1) + 4·c(c+1)(2c+1)/6.</summary>
    private static Int128 SquaredRankGaps(Int128 d, long c)
    {
        Int128 cc = c;
        return checked(cc * d * d - 2 * d * cc * (cc + 1) + 4 * (cc * (cc + 1) * (2 * cc + 1) / 6));
    }

    /// <summary>Evidently's two-sample Cramér–von Mises test (its copy of SciPy's <c>cramervonmises_2samp</c>):
    /// T from the midranks; the exact lattice-path distribution when both sizes are ≤ 20, else the asymptotic
    /// series; drift when p ≤ threshold.</summary>
    public static DriftTestResult CramerVonMises(ValueCounts v, double threshold)
    {
        var e = Entries(v);
        long nx = v.ReferenceTotal, ny = v.CurrentTotal;
        Int128 sx = 0, sy = 0;
        long below = 0, belowX = 0, belowY = 0;
        foreach (var x in e)
        {
            // twice the midrank is 2·below + t + 1
            var twoMid = 2 * (Int128)below + x.T + 1;
            if (x.R > 0) sx += SquaredRankGaps(twoMid - 2 * (Int128)belowX, x.R);
            if (x.C > 0) sy += SquaredRankGaps(twoMid - 2 * (Int128)belowY, x.C);
            below += x.T;
            belowX += x.R;
            belowY += x.C;
        }
        // 4U as an exact integer while it fits (always in the exact branch); beyond, U in doubles as SciPy has it.
        var exactU = nx <= 20 && ny <= 20;
        var fourU = exactU ? checked(nx * sx + ny * sy) : 0;
        var u = exactU ? (double)fourU / 4 : (nx * (double)sx + ny * (double)sy) / 4;
        var k = (Int128)nx * ny;
        var bigN = nx + ny;
        var t = u / (double)(k * bigN) - (double)(4 * k - 1) / (double)(6 * (Int128)bigN);
        double p;
        if (Math.Max(nx, ny) <= 20)
        {
            p = CramerVonMisesExact(fourU, (int)nx, (int)ny);
        }
        else
        {
            var et = (1 + 1.0 / bigN) / 6;
            // Python evaluates the integer parts exactly, then converts each to a float once.
            BigInteger bk = k, bn = bigN;
            var vt = (bigN + 1.0) * (double)(4 * bk * bn - 3 * ((BigInteger)nx * nx + (BigInteger)ny * ny) - 2 * bk);
            vt /= (double)(45 * bn * bn * 4 * bk);
            var tn = 1.0 / 6 + (t - et) / Math.Sqrt(45 * vt);
            p = tn < 0.003 ? 1.0 : Math.Max(0, 1.0 - CvmInfCdf(tn));
        }
        return DriftTestResult.Create("cramer_von_mises", t, p, threshold, p <= threshold);
    }

    /// <summary>SciPy's <c>_cdf_cvm_inf</c>: the limiting distribution's series, stopped after the first term below
    /// 1e-7. The truncation is part of the result: for large x the p-value 1 − cdf is the neglected tail (about 3e-6
    /// at x = 1e5), not 0, and the number of terms grows like √x (bounded here at 1e8 terms).</summary>
    internal static double CvmInfCdf(double x)
    {
        double tot = 0;
        var piPow = Math.Pow(Math.PI, 1.5);
        for (var k = 0; k < 100_000_000; k++)
        {
            var u = Math.Exp(DriftSpecial.GammaLn(k + 0.5) - DriftSpecial.GammaLn(k + 1)) / (piPow * Math.Sqrt(x));
            double y = 4 * k + 1;
            var q = y * y / (16 * x);
            var z = u * Math.Sqrt(y) * Math.Exp(-q) * SpecialFunctions.BesselK(0.25, q);
            tot += z;
            if (!(Math.Abs(z) >= 1e-7)) break;
        }
        return tot;
    }

    /// <summary>The exact p-value (Xiao et al.'s lattice-path frequencies, as Evidently's <c>_pval_cvm_2samp_exact</c>)
    /// with exact integer counts: the share of paths whose value is at least
    /// zeta = ⌊lcm²·(m+n)·(6U − mn(4mn−1)) / (6m²n²)⌋.</summary>
    private static double CramerVonMisesExact(Int128 fourU, int m, int n)
    {
        long lcm = m / (int)Integers.Gcd(m, n) * (long)n;
        long a = lcm / m, b = lcm / n;
        Int128 mn = (Int128)m * n;
        // 6U − mn(4mn−1) = (6·4U − 4mn(4mn−1)) / 4
        var num = (Int128)lcm * lcm * (m + n) * (6 * fourU - 4 * mn * (4 * mn - 1));
        var den = 24 * mn * mn;
        var zeta = num / den;
        if (num % den != 0 && (num < 0) != (den < 0)) zeta -= 1;

        var gs = new Dictionary<long, long>[m + 1];
        gs[0] = new Dictionary<long, long> { [0] = 1 };
        for (var i = 1; i <= m; i++) gs[i] = [];
        for (var uu = 0; uu <= n; uu++)
        {
            var next = new Dictionary<long, long>[m + 1];
            var tmp = new Dictionary<long, long>();
            for (var vv = 0; vv <= m; vv++)
            {
                var merged = new Dictionary<long, long>(tmp);
                foreach (var (val, f) in gs[vv]) merged[val] = merged.GetValueOrDefault(val) + f;
                var step = (a * vv - b * uu) * (a * vv - b * uu);
                tmp = new Dictionary<long, long>(merged.Count);
                foreach (var (val, f) in merged) tmp[val + step] = f;
                next[vv] = tmp;
            }
            gs = next;
        }
        long count = 0;
        foreach (var (val, f) in gs[m])
            if (val >= zeta) count += f;
        long combinations = 1;
        for (var i = 1; i <= m; i++) combinations = combinations * (n + i) / i;
        return count / (double)combinations;
    }

    // ------------------------------------------------------------------ ed

    /// <summary>SciPy's <c>energy_distance(R, C)</c> = √2·√(Σ (F_R − F_C)²·Δx) over the sorted distinct values.</summary>
    public static double EnergyDistance(ValueCounts v)
    {
        var e = Entries(v);
        long r = 0, c = 0;
        var sum = new NeumaierSum();
        for (var i = 0; i < e.Length - 1; i++)
        {
            r += e[i].R;
            c += e[i].C;
            var diff = (double)r / v.ReferenceTotal - (double)c / v.CurrentTotal;
            sum.Add(diff * diff * (e[i + 1].X - e[i].X));
        }
        return Math.Sqrt(2) * Math.Sqrt(sum.Value);
    }
}
