using MathNet.Numerics;

namespace Vigil.Statistics.Drift;

/// <summary>
/// Special functions and distributions for the drift tests, accurate to about 1e-14 relative where SciPy 1.10 is:
/// Student's t CDF (<c>scipy.special.stdtr</c>), the hypergeometric distribution (<c>scipy.stats.hypergeom</c>),
/// <c>scipy.special.binom</c>'s integer product and NumPy's quadratic <c>polyfit</c>.
/// </summary>
internal static class DriftSpecial
{
    private const double Ln2Pi = 1.8378770664093454836;

    /// <summary>ln(1 + x) without cancellation for small x.</summary>
    public static double Log1p(double x)
    {
        var u = 1.0 + x;
        if (u == 1.0) return x;
        if (double.IsPositiveInfinity(u)) return u;
        return Math.Log(u) * x / (u - 1.0);
    }

    /// <summary><c>scipy.special.stdtr(df, t)</c>: P(T ≤ t) for Student's t with <paramref name="df"/> degrees of
    /// freedom. Small df: the regularized incomplete beta, ½·I_{df/(df+t²)}(df/2, ½). Large df (where MathNet's
    /// continued fraction loses digits): the density integrated from −∞ by double-exponential quadrature, with
    /// ln Γ((ν+1)/2) − ln Γ(ν/2) from its asymptotic series (no cancellation between two large log-gammas).</summary>
    public static double StudentTCdf(double df, double t)
    {
        if (double.IsNaN(t) || double.IsNaN(df) || !(df > 0)) return double.NaN;
        if (t == 0) return 0.5;
        if (double.IsNegativeInfinity(t)) return 0;
        if (double.IsPositiveInfinity(t)) return 1;
        if (t > 0) return 1 - StudentTCdf(df, -t);
        if (df < 200)
            return 0.5 * SpecialFunctions.BetaRegularized(df / 2, 0.5, df / (df + t * t));
        var x = df / 2;
        var x2 = x * x;
        var lnRatio = 0.5 * Math.Log(x) - 1.0 / (8 * x) + 1.0 / (192 * x * x2) + 1.0 / (640 * x2 * x2 * x);
        var c = lnRatio - 0.5 * Math.Log(df * Math.PI);
        var l0 = Log1p(t * t / df);
        double Relative(double u)
        {
            var s = t - u;
            return Math.Exp(-(df + 1) / 2 * (Log1p(s * s / df) - l0));
        }
        var integral = MathNet.Numerics.Integrate.DoubleExponential(Relative, 0, double.PositiveInfinity, 1e-16);
        return Math.Exp(c - (df + 1) / 2 * l0) * integral;
    }

    private static readonly double[] LgamA = [8.11614167470508450300E-4, -5.95061904284301438324E-4, 7.93650340457716943945E-4, -2.77777777730099687205E-3, 8.33333333333331927722E-2];
    private static readonly double[] LgamB = [-1.37825152569120859100E3, -3.88016315134637840924E4, -3.31612992738871184744E5, -1.16237097492762307383E6, -1.72173700820839662146E6, -8.53555664245765465627E5];
    private static readonly double[] LgamC = [-3.51815701436523470549E2, -1.70642106651881159223E4, -2.20528590553854454839E5, -1.13933444367982507207E6, -2.53252307177582951285E6, -2.01889141433532773231E6];

    /// <summary><c>scipy.special.gammaln(x)</c> for x &gt; 0 as cephes <c>lgam</c> computes it, operation for operation
    /// (the Cramér–von Mises series needs its exact rounding: its p-value is 1 minus a sum close to 1).</summary>
    public static double GammaLn(double x)
    {
        if (!(x > 0)) return double.NaN;
        if (x < 13.0)
        {
            double z = 1.0, p = 0.0, u = x;
            while (u >= 3.0)
            {
                p -= 1.0;
                u = x + p;
                z *= u;
            }
            while (u < 2.0)
            {
                z /= u;
                p += 1.0;
                u = x + p;
            }
            if (u == 2.0) return Math.Log(z);
            p -= 2.0;
            x += p;
            p = x * PolEvl(x, LgamB) / P1Evl(x, LgamC);
            return Math.Log(z) + p;
        }
        const double ls2pi = 0.91893853320467274178;
        var q = (x - 0.5) * Math.Log(x) - x + ls2pi;
        if (x > 1.0e8) return q;
        var pp = 1.0 / (x * x);
        if (x >= 1000.0)
            q += ((7.9365079365079365079365e-4 * pp - 2.7777777777777777777778e-3) * pp + 0.0833333333333333333333) / x;
        else
            q += PolEvl(pp, LgamA) / x;
        return q;
    }

    private static double PolEvl(double x, double[] coef)
    {
        var ans = coef[0];
        for (var i = 1; i < coef.Length; i++) ans = ans * x + coef[i];
        return ans;
    }

    private static double P1Evl(double x, double[] coef)
    {
        var ans = x + coef[0];
        for (var i = 1; i < coef.Length; i++) ans = ans * x + coef[i];
        return ans;
    }

    /// <summary><c>scipy.special.binom(n, k)</c> for integers with min(k, n − k) &lt; 20: the multiplicative formula
    /// in SciPy's order (used by the exact Mann–Whitney distribution, where it always applies).</summary>
    public static double Binom(double n, double k)
    {
        var kx = Math.Floor(k);
        var nx = Math.Floor(n);
        if (nx == n && kx > nx / 2 && nx > 0) kx = nx - kx;
        if (kx >= 0 && kx < 20)
        {
            double num = 1.0, den = 1.0;
            for (var i = 1; i <= (int)kx; i++)
            {
                num *= i + n - kx;
                den *= i;
                if (Math.Abs(num) > 1e50)
                {
                    num /= den;
                    den = 1.0;
                }
            }
            return num / den;
        }
        return Math.Exp(SpecialFunctions.BinomialLn((int)n, (int)k));
    }

    // ---- hypergeometric distribution (Loader's saddle-point form, as R's dhyper: accurate for huge counts) ----

    private static double StirlErr(double n)
    {
        const double s0 = 1.0 / 12, s1 = 1.0 / 360, s2 = 1.0 / 1260, s3 = 1.0 / 1680, s4 = 1.0 / 1188;
        if (n <= 15) return SpecialFunctions.GammaLn(n + 1) - (n + 0.5) * Math.Log(n) + n - 0.5 * Ln2Pi;
        var nn = n * n;
        if (n > 500) return (s0 - s1 / nn) / n;
        if (n > 80) return (s0 - (s1 - s2 / nn) / nn) / n;
        if (n > 35) return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
    }

    private static double Bd0(double x, double np)
    {
        if (Math.Abs(x - np) < 0.1 * (x + np))
        {
            var v = (x - np) / (x + np);
            var s = (x - np) * v;
            var ej = 2 * x * v;
            v *= v;
            for (var j = 1; j < 1000; j++)
            {
                ej *= v;
                var s1 = s + ej / (2 * j + 1);
                if (s1 == s) return s1;
                s = s1;
            }
            return s;
        }
        return x * Math.Log(x / np) + np - x;
    }

    private static double BinomRaw(double x, double n, double p, double q)
    {
        if (p == 0) return x == 0 ? 1 : 0;
        if (q == 0) return x == n ? 1 : 0;
        double lc;
        if (x == 0)
        {
            if (n == 0) return 1;
            lc = p < 0.1 ? -Bd0(n, n * q) - n * p : n * Math.Log(q);
            return Math.Exp(lc);
        }
        if (x == n)
        {
            lc = q < 0.1 ? -Bd0(n, n * p) - n * q : n * Math.Log(p);
            return Math.Exp(lc);
        }
        if (x < 0 || x > n) return 0;
        lc = StirlErr(n) - StirlErr(x) - StirlErr(n - x) - Bd0(x, n * p) - Bd0(n - x, n * q);
        var lf = Ln2Pi + Math.Log(x) + Log1p(-x / n);
        return Math.Exp(lc - 0.5 * lf);
    }

    /// <summary><c>hypergeom.pmf(k, total, successes, draws)</c>. With equal halves (successes = total − successes)
    /// pmf(k) and pmf(draws − k) are the same product in another order, so they are bitwise equal, as Fisher's
    /// two-sided test needs for its ties.</summary>
    public static double HypergeomPmf(long k, long total, long successes, long draws)
    {
        var failures = total - successes;
        if (k < Math.Max(0, draws - failures) || k > Math.Min(draws, successes)) return 0;
        double p = (double)draws / total, q = (double)(total - draws) / total;
        var p1 = BinomRaw(k, successes, p, q);
        var p2 = BinomRaw(draws - k, failures, p, q);
        var p3 = BinomRaw(draws, total, p, q);
        return p1 * p2 / p3;
    }

    private static long HypergeomMode(long total, long successes, long draws) =>
        (long)Math.Floor((double)(draws + 1) * (successes + 1) / (total + 2));

    /// <summary>Σ pmf(j) for j from <paramref name="from"/> stepping by <paramref name="step"/> (away from the mode,
    /// so the terms shrink) until they no longer change the sum.</summary>
    private static double TailSum(long from, int step, long total, long successes, long draws)
    {
        var lo = Math.Max(0, draws - (total - successes));
        var hi = Math.Min(draws, successes);
        double sum = 0;
        for (var j = from; j >= lo && j <= hi; j += step)
        {
            var term = HypergeomPmf(j, total, successes, draws);
            sum += term;
            if (term == 0 || term < sum * 1e-18) break;
        }
        return sum;
    }

    /// <summary><c>hypergeom.cdf(k, ...)</c>: P(X ≤ k).</summary>
    public static double HypergeomCdf(long k, long total, long successes, long draws)
    {
        if (k < Math.Max(0, draws - (total - successes))) return 0;
        if (k >= Math.Min(draws, successes)) return 1;
        return k < HypergeomMode(total, successes, draws)
            ? TailSum(k, -1, total, successes, draws)
            : 1 - TailSum(k + 1, 1, total, successes, draws);
    }

    /// <summary><c>hypergeom.sf(k, ...)</c>: P(X &gt; k).</summary>
    public static double HypergeomSf(long k, long total, long successes, long draws)
    {
        if (k < Math.Max(0, draws - (total - successes))) return 1;
        if (k >= Math.Min(draws, successes)) return 0;
        return k + 1 > HypergeomMode(total, successes, draws)
            ? TailSum(k + 1, 1, total, successes, draws)
            : 1 - TailSum(k, -1, total, successes, draws);
    }

    /// <summary><c>np.polyfit(x, y, 2)</c>: the least-squares quadratic (highest power first), solved by Householder QR
    /// of the column-scaled Vandermonde matrix.</summary>
    public static double[] PolyFit2(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        var n = x.Length;
        var a = new double[n, 3];
        var b = y.ToArray();
        var scale = new double[3];
        for (var j = 0; j < 3; j++)
        {
            double ss = 0;
            for (var i = 0; i < n; i++)
            {
                a[i, j] = Math.Pow(x[i], 2 - j);
                ss += a[i, j] * a[i, j];
            }
            scale[j] = Math.Sqrt(ss);
            for (var i = 0; i < n; i++) a[i, j] /= scale[j];
        }
        for (var k = 0; k < 3; k++)
        {
            double norm = 0;
            for (var i = k; i < n; i++) norm += a[i, k] * a[i, k];
            norm = Math.Sqrt(norm);
            var alpha = a[k, k] > 0 ? -norm : norm;
            var v = new double[n];
            for (var i = k; i < n; i++) v[i] = a[i, k];
            v[k] -= alpha;
            double vv = 0;
            for (var i = k; i < n; i++) vv += v[i] * v[i];
            if (vv == 0) continue;
            for (var j = k; j < 3; j++)
            {
                double dot = 0;
                for (var i = k; i < n; i++) dot += v[i] * a[i, j];
                var f = 2 * dot / vv;
                for (var i = k; i < n; i++) a[i, j] -= f * v[i];
            }
            double db = 0;
            for (var i = k; i < n; i++) db += v[i] * b[i];
            var fb = 2 * db / vv;
            for (var i = k; i < n; i++) b[i] -= fb * v[i];
        }
        var c = new double[3];
        for (var k = 2; k >= 0; k--)
        {
            var s = b[k];
            for (var j = k + 1; j < 3; j++) s -= a[k, j] * c[j];
            c[k] = s / a[k, k];
        }
        for (var j = 0; j < 3; j++) c[j] /= scale[j];
        return c;
    }

    /// <summary><c>np.polyval</c>: Horner's rule, highest power first.</summary>
    public static double PolyVal(ReadOnlySpan<double> p, double x)
    {
        double y = 0;
        foreach (var c in p) y = y * x + c;
        return y;
    }
}
