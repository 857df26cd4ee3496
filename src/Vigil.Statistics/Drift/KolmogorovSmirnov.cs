using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// p-values of the Kolmogorov–Smirnov tests exactly as SciPy 1.10 computes them: <c>scipy.stats.ks_2samp</c>
/// (two-sided, method "auto"), <c>scipy.stats.kstwo.sf</c> (Simard &amp; L'Ecuyer's choice of algorithm in
/// <c>scipy/stats/_ksstats.py</c>) and <c>scipy.special.smirnov</c> (cephes <c>kolmogorov.c</c>, with its
/// double-double arithmetic). The algorithms, their branch points and the order of the floating-point operations
/// follow SciPy; where SciPy uses numpy's 80-bit long double (only when rescaling the final product of the Durbin
/// and Pomeranz algorithms) or BLAS (matrix products, convolutions), this uses doubles in a plain order, which
/// differs from SciPy by a few units in the last place.
/// </summary>
internal static class KolmogorovSmirnov
{
    /// <summary>SciPy's MAX_AUTO_N: method "auto" is exact when both sample sizes are at most this.</summary>
    internal const long MaxAutoN = 10000;

    /// <summary>
    /// The two-sided two-sample p-value that <c>scipy.stats.ks_2samp(x, y)</c> (alternative="two-sided",
    /// method="auto") reports for statistic <paramref name="d"/> and sample sizes <paramref name="n1"/>,
    /// <paramref name="n2"/> (both &gt;= 1): the exact distribution when max(n1, n2) &lt;= 10000 (with d rounded to
    /// the lattice h / lcm(n1, n2)), otherwise, or when the exact computation fails, kstwo.sf(d, round(m·n/(m+n))).
    /// </summary>
    public static double TwoSamplePValue(double d, long n1, long n2) => TwoSample(d, n1, n2).PValue;

    /// <summary>As <see cref="TwoSamplePValue"/>, with the statistic SciPy reports alongside: in the exact branch d
    /// moved to the lattice point h / lcm(n1, n2), else d itself.</summary>
    public static (double Statistic, double PValue) TwoSample(double d, long n1, long n2)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n1, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(n2, 1);
        CheckStatistic(d);
        long g = Integers.Gcd(n1, n2);
        if (Math.Max(n1, n2) <= MaxAutoN)
        {
            // _attempt_exact_2kssamp: d is moved to the lattice point h / lcm, also for the fallback.
            long lcm = n1 / g * n2;
            double h = Math.Round(d * lcm, MidpointRounding.ToEven);
            d = h * 1.0 / lcm;
            if (h == 0)
            {
                return (d, 1.0);
            }
            double prob = n1 == n2 ? ProbOutsideSquare(n1, (long)h) : OuterProbInside(n1, n2, g, (long)h);
            if (prob >= 0 && prob <= 1)
            {
                return (d, prob);
            }
        }
        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        double en = m * n / (m + n);
        return (d, Clip(KstwoSf(d, Math.Round(en, MidpointRounding.ToEven))));
    }

    /// <summary>
    /// <c>scipy.stats.kstwo.sf(d, n)</c>: the survival function of the two-sided one-sample KS statistic D_n.
    /// </summary>
    public static double KolmogorovSf(long n, double d)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        CheckStatistic(d);
        return KstwoSf(d, n);
    }

    /// <summary><c>scipy.special.smirnov(n, x)</c>: Pr(D_n+ &gt;= x), the one-sided one-sample statistic.</summary>
    internal static double Smirnov(int n, double x)
    {
        if (double.IsNaN(x))
        {
            return double.NaN;
        }
        return SmirnovSf(n, x);
    }

    private static void CheckStatistic(double d)
    {
        if (!(d >= 0.0 && d <= 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(d), d, "The KS statistic must lie in [0, 1].");
        }
    }


    private static double Clip(double p) => p < 0.0 ? 0.0 : p > 1.0 ? 1.0 : p;

    // ------------------------------------------------------------------------------------------------------------
    // Two-sample exact distribution (scipy/stats/_stats_py.py and _stats_pythran.py)
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>Pr(D_{n,n} &gt;= h/n): 2·A0·(1 − A1·(1 − A2·(1 − …))), each Ai a product of h ratios.</summary>
    private static double ProbOutsideSquare(long n, long h)
    {
        double p = 0.0;
        long k = (long)Math.Floor((double)n / h);
        while (k >= 0)
        {
            double p1 = 1.0;
            long kh = k * h;
            for (long j = 0; j < h; j++)
            {
                p1 = (double)(n - kh - j) * p1 / (double)(n + kh + j + 1);
            }
            p = p1 * (1.0 - p);
            k--;
        }
        return 2 * p;
    }

    /// <summary>
    /// The proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| &lt; h/lcm(m,n), by
    /// Hodges' inside method with Viehmann's recursion for 1 − p (SciPy's _compute_outer_prob_inside_method):
    /// one column of the lattice at a time, in a sliding window.
    /// </summary>
    private static double OuterProbInside(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }
        long mg = m / g;
        long ng = n / g;
        long minj = 0;
        long maxj = Math.Min((long)Math.Ceiling((double)h / mg), n + 1);
        long curlen = maxj - minj;
        long lenA = Math.Min(2 * maxj + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        Array.Fill(a, 0.0, (int)minj, (int)Math.Min(maxj, lenA));
        for (long i = 1; i <= m; i++)
        {
            long lastminj = minj, lastlen = curlen;
            minj = Math.Max((long)Math.Floor((double)(ng * i - h) / mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = Math.Min((long)Math.Ceiling((double)(ng * i + h) / mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }
            double val = minj == 0 ? 0.0 : 1.0;
            double di = i;
            int width = (int)(maxj - minj);
            int shift = (int)(minj - lastminj);
            for (int jj = 0; jj < width; jj++)
            {
                double j = jj + minj;
                val = (a[jj + shift] * di + val * j) / (di + j);
                a[jj] = val;
            }
            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                int start = width;
                int end = (int)Math.Min(start + (lastlen - curlen), lenA);
                if (end > start)
                {
                    Array.Fill(a, 1.0, start, end - start);
                }
            }
        }
        return a[maxj - minj - 1];
    }

    // ------------------------------------------------------------------------------------------------------------
    // One-sample two-sided distribution (scipy/stats/_ksstats.py)
    // ------------------------------------------------------------------------------------------------------------

    private const int E128 = 128;
    private static readonly double Ep128 = Math.ScaleB(1.0, E128);
    private static readonly double Em128 = Math.ScaleB(1.0, -E128);
    private static readonly double Sqrt2Pi = Math.Sqrt(2 * Math.PI);
    private static readonly double Log2Pi = Math.Log(2 * Math.PI);
    private const double MinLog = -708;
    private static readonly double Sqrt3 = Math.Sqrt(3);
    private static readonly double PiSquared = Math.Pow(Math.PI, 2);
    private static readonly double PiFour = Math.Pow(Math.PI, 4);
    private static readonly double PiSix = Math.Pow(Math.PI, 6);

    private static readonly double[] StirlingCoeffs =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3,
        -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4,
        -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>kstwo.sf: rv_continuous.sf's support checks (support (0.5/n, 1)) around _kolmogn(n, x, cdf=False).</summary>
    private static double KstwoSf(double x, double n)
    {
        if (double.IsNaN(x) || !(n >= 1) || n != Math.Round(n))
        {
            return double.NaN;
        }
        if (x <= 0.5 / n)
        {
            return 1.0;
        }
        if (x >= 1.0)
        {
            return 0.0;
        }
        return KolmognSf((long)n, x);
    }

    private static double LogNFactorialDivNPowN(double n)
    {
        double rn = 1.0 / n;
        double x = rn / n;
        double poly = 0.0;
        foreach (double c in StirlingCoeffs)
        {
            poly = poly * x + c;
        }
        return Math.Log(n) / 2 - n + Log2Pi / 2 + rn * poly;
    }

    /// <summary>_kolmogn(n, x, cdf=False).</summary>
    private static double KolmognSf(long n, double x)
    {
        if (x >= 1.0)
        {
            return 0.0;
        }
        if (x <= 0.0)
        {
            return 1.0;
        }
        double t = n * x;
        if (t <= 1.0)
        {
            // Ruben-Gambino: 1/2n <= x <= 1/n
            if (t <= 0.5)
            {
                return 1.0;
            }
            double prob;
            if (n <= 140)
            {
                double rn = 1.0 / n;
                double b = 2 * t - 1;
                prob = 1.0;
                for (long i = 1; i <= n; i++)
                {
                    prob *= i * rn * b;
                }
            }
            else
            {
                prob = Math.Exp(LogNFactorialDivNPowN(n) + n * Math.Log(2 * t - 1));
            }
            return Clip(1.0 - prob);
        }
        if (t >= n - 1)
        {
            // Ruben-Gambino
            return Clip(2 * Math.Pow(1.0 - x, n));
        }
        if (x >= 0.5)
        {
            // Exact: 2 * smirnov
            return Clip(2 * SmirnovSf(n, x));
        }

        double nxsquared = t * x;
        if (n <= 140)
        {
            if (nxsquared <= 0.754693)
            {
                return Clip(1.0 - KolmognDmtwCdf(n, x));
            }
            if (nxsquared <= 4)
            {
                return Clip(1.0 - KolmognPomeranzCdf(n, x));
            }
            // Miller approximation of 2 * smirnov
            return Clip(2 * SmirnovSf(n, x));
        }

        if (nxsquared >= 370.0)
        {
            return 0.0;
        }
        if (nxsquared >= 2.2)
        {
            return Clip(2 * SmirnovSf(n, x));
        }
        // nxsquared < 2.2 here, so SciPy's "nxsquared >= 18 → cdf 1" is not reached for the SF.
        double cdfprob = n <= 100000 && n * Math.Pow(x, 1.5) <= 1.4
            ? KolmognDmtwCdf(n, x)
            : KolmognPelzGoodCdf(n, x);
        return Clip(1.0 - cdfprob);
    }

    /// <summary>
    /// Pr(D_n &lt;= d) by Marsaglia, Tsang and Wang's evaluation of Durbin's matrix algorithm: the (k,k) entry of
    /// H^n · n!/n^n with the powers of H rescaled by 2^128 as needed.
    /// </summary>
    private static double KolmognDmtwCdf(long n, double d)
    {
        if (d >= 1.0)
        {
            return 1.0;
        }
        double nd = n * d;
        if (nd <= 0.5)
        {
            return 0.0;
        }
        int k = (int)Math.Ceiling(nd);
        double h = k - nd;
        int m = 2 * k - 1;

        var v = new double[m];
        var w = new double[m];
        double fac = 1.0;
        for (int j = 1; j <= m; j++)
        {
            v[j - 1] = 1.0 - Math.Pow(h, j);
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] *= fac;
        }
        double twoHm1 = 2 * h - 1.0;
        double tt = (twoHm1 > 0 ? Math.Pow(twoHm1, m) : 0.0) - 2 * Math.Pow(h, m);
        v[m - 1] = (1.0 + tt) * fac;

        var hm = new double[m * m];
        for (int i = 1; i < m; i++)
        {
            // H[i-1:, i] = w[:m-i+1]
            for (int r = i - 1; r < m; r++)
            {
                hm[r * m + i] = w[r - i + 1];
            }
        }
        for (int r = 0; r < m; r++)
        {
            hm[r * m] = v[r];
        }
        for (int c = 0; c < m; c++)
        {
            hm[(m - 1) * m + c] = v[m - 1 - c];
        }

        var hpwr = new double[m * m];
        for (int i = 0; i < m; i++)
        {
            hpwr[i * m + i] = 1.0;
        }
        var tmp = new double[m * m];
        long nn = n;
        long expnt = 0;
        long hexpnt = 0;
        while (nn > 0)
        {
            if (nn % 2 != 0)
            {
                MatMul(hpwr, hm, tmp, m);
                (hpwr, tmp) = (tmp, hpwr);
                expnt += hexpnt;
            }
            MatMul(hm, hm, tmp, m);
            (hm, tmp) = (tmp, hm);
            hexpnt *= 2;
            if (Math.Abs(hm[(k - 1) * m + (k - 1)]) > Ep128)
            {
                for (int i = 0; i < hm.Length; i++)
                {
                    hm[i] /= Ep128;
                }
                hexpnt += E128;
            }
            nn /= 2;
        }

        double p = hpwr[(k - 1) * m + (k - 1)];
        // Multiply by n!/n^n. (SciPy continues in 80-bit long double once a rescaling has happened.)
        for (long i = 1; i <= n; i++)
        {
            p = i * p / n;
            if (Math.Abs(p) < Em128)
            {
                p *= Ep128;
                expnt -= E128;
            }
        }
        if (expnt != 0)
        {
            p = LdExp(p, expnt);
        }
        return Clip(p);
    }

    private static void MatMul(double[] a, double[] b, double[] c, int m)
    {
        for (int i = 0; i < m; i++)
        {
            int row = i * m;
            for (int j = 0; j < m; j++)
            {
                double s = 0.0;
                for (int l = 0; l < m; l++)
                {
                    s += a[row + l] * b[l * m + j];
                }
                c[row + j] = s;
            }
        }
    }

    private static double LdExp(double x, long e) =>
        Math.ScaleB(x, (int)Math.Clamp(e, int.MinValue / 2, int.MaxValue / 2));

    private static (long J1, long J2) PomeranzJ1J2(long i, long n, long ll, long ceilf, long roundf)
    {
        long j1, j2;
        if (i == 0)
        {
            j1 = -ll - ceilf - 1;
            j2 = ll + ceilf - 1;
        }
        else
        {
            long ip1div2 = (i + 1) / 2, ip1mod2 = (i + 1) % 2;
            if (ip1mod2 == 0)
            {
                if (ip1div2 == n + 1)
                {
                    j1 = n - ll - ceilf - 1;
                    j2 = n + ll + ceilf - 1;
                }
                else
                {
                    j1 = ip1div2 - 1 - ll - roundf - 1;
                    j2 = ip1div2 + ll - 1 + ceilf - 1;
                }
            }
            else
            {
                j1 = ip1div2 - 1 - ll - 1;
                j2 = ip1div2 + ll + roundf - 1;
            }
        }
        return (Math.Max(j1 + 2, 0), Math.Min(j2, n));
    }

    /// <summary>Pr(D_n &lt;= x) by the Pomeranz recursion (two rows, rescaled by 2^128 against underflow).</summary>
    private static double KolmognPomeranzCdf(long n, double x)
    {
        double t = n * x;
        long ll = (long)Math.Floor(t);
        double f = 1.0 * (t - ll);
        double g = Math.Min(f, 1.0 - f);
        long ceilf = f > 0 ? 1 : 0;
        long roundf = f > 0.5 ? 1 : 0;
        int npwrs = (int)(2 * (ll + 1));
        var gpower = new double[npwrs];
        var twogpower = new double[npwrs];
        var onem2gpower = new double[npwrs];
        gpower[0] = 1.0;
        twogpower[0] = 1.0;
        onem2gpower[0] = 1.0;
        long expnt = 0;
        double gOverN = g / n, twoGOverN = 2 * g / n, oneMinusTwoGOverN = (1 - 2 * g) / n;
        for (int m = 1; m < npwrs; m++)
        {
            gpower[m] = gpower[m - 1] * gOverN / m;
            twogpower[m] = twogpower[m - 1] * twoGOverN / m;
            onem2gpower[m] = onem2gpower[m - 1] * oneMinusTwoGOverN / m;
        }

        var v0 = new double[npwrs];
        var v1 = new double[npwrs];
        v1[0] = 1;
        long v0s = 0, v1s = 0;
        var conv = new double[2 * npwrs];

        (long j1, long j2) = PomeranzJ1J2(0, n, ll, ceilf, roundf);
        for (long i = 1; i < 2 * n + 2; i++)
        {
            long k1 = j1;
            (v0, v1) = (v1, v0);
            (v0s, v1s) = (v1s, v0s);
            Array.Clear(v1);
            (j1, j2) = PomeranzJ1J2(i, n, ll, ceilf, roundf);
            double[] pwrs = i == 1 || i == 2 * n + 1 ? gpower : i % 2 != 0 ? twogpower : onem2gpower;
            long ln2 = j2 - k1 + 1;
            if (ln2 > 0)
            {
                // conv = np.convolve(V0[k1 - V0s : k1 - V0s + ln2], pwrs[:ln2])
                int aStart = (int)(k1 - v0s);
                int aLen = (int)Math.Min(ln2, npwrs - aStart);
                int bLen = (int)Math.Min(ln2, npwrs);
                int convLen = aLen + bLen - 1;
                for (int c = 0; c < convLen; c++)
                {
                    double s = 0.0;
                    int lo = Math.Max(0, c - bLen + 1), hi = Math.Min(c, aLen - 1);
                    for (int l = lo; l <= hi; l++)
                    {
                        s += v0[aStart + l] * pwrs[c - l];
                    }
                    conv[c] = s;
                }
                long convStart = j1 - k1;
                long useLen = j2 - j1 + 1;
                Array.Copy(conv, convStart, v1, 0, useLen);
                double max = double.NegativeInfinity;
                foreach (double val in v1)
                {
                    max = Math.Max(max, val);
                }
                // Scale to avoid underflow.
                if (max > 0 && max < Em128)
                {
                    for (int c = 0; c < v1.Length; c++)
                    {
                        v1[c] *= Ep128;
                    }
                    expnt -= E128;
                }
                v1s = v0s + j1 - k1;
            }
        }

        // multiply by n!
        double ans = v1[n - v1s];
        for (long m = 1; m <= n; m++)
        {
            if (Math.Abs(ans) > Ep128)
            {
                ans *= Em128;
                expnt += E128;
            }
            ans *= m;
        }
        if (expnt != 0)
        {
            ans = LdExp(ans, expnt);
        }
        return Clip(ans);
    }

    /// <summary>The Pelz-Good approximation to Pr(D_n &lt;= x) (Li-Chien/Korolyuk series in the Jacobi-theta form).</summary>
    private static double KolmognPelzGoodCdf(long n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }
        if (x >= 1.0)
        {
            return 1.0;
        }
        double z = Math.Sqrt(n) * x;
        double zsquared = Math.Pow(z, 2), zthree = Math.Pow(z, 3), zfour = Math.Pow(z, 4), zsix = Math.Pow(z, 6);

        double qlog = -PiSquared / 8 / zsquared;
        if (qlog < MinLog)
        {
            return 0.0;
        }
        double q = Math.Exp(qlog);

        double k1a = -zsquared;
        double k1b = PiSquared / 4;

        double k2a = 6 * zsix + 2 * zfour;
        double k2b = (2 * zfour - 5 * zsquared) * PiSquared / 4;
        double k2c = PiFour * (1 - 2 * zsquared) / 16;

        double k3d = PiSix * (5 - 30 * zsquared) / 64;
        double k3c = PiFour * (-60 * zsquared + 212 * zfour) / 16;
        double k3b = PiSquared * (135 * zfour - 96 * zsix) / 4;
        double k3a = -30 * zsix - 90 * Math.Pow(z, 8);

        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (int k = maxk; k > 0; k--)
        {
            double m = 2 * k - 1;
            double msquared = m * m, mfour = msquared * msquared, msix = mfour * msquared;
            double qpower = Math.Pow(q, 8 * k);
            double c1 = k1a + k1b * msquared;
            double c2 = k2a + k2b * msquared + k2c * mfour;
            double c3 = k3a + k3b * msquared + k3c * mfour + k3d * msix;
            s0 *= qpower;
            s1 *= qpower;
            s2 *= qpower;
            s3 *= qpower;
            s0 += 1.0;
            s1 += c1;
            s2 += c2;
            s3 += c3;
        }
        s0 *= q;
        s1 *= q;
        s2 *= q;
        s3 *= q;
        s0 *= Sqrt2Pi;
        s1 *= Sqrt2Pi;
        s2 *= Sqrt2Pi;
        s3 *= Sqrt2Pi;
        s0 /= z;
        s1 /= 6 * zfour;
        s2 /= 72 * Math.Pow(z, 7);
        s3 /= 6480 * Math.Pow(z, 10);

        // The other sums, over all integers k.
        q = Math.Exp(-PiSquared / 2 / zsquared);
        double sqrt3z = Sqrt3 * z;
        double k2extra = 0.0, k3extra = 0.0;
        for (int k = maxk; k > 0; k--)
        {
            double ksquared = (double)k * k;
            double kspi = Math.PI * k;
            double qpwer = Math.Pow(q, ksquared);
            k2extra += ksquared * qpwer;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksquared * qpwer;
        }
        k2extra *= PiSquared * Sqrt2Pi / (-36 * zthree);
        s2 += k2extra;
        k3extra *= PiSquared * Sqrt2Pi / (216 * zsix);
        s3 += k3extra;
        double dn = n * 1.0;
        s0 /= Math.Pow(dn, 0.0);
        s1 /= Math.Pow(dn, 0.5);
        s2 /= Math.Pow(dn, 1.0);
        s3 /= Math.Pow(dn, 1.5);
        return 0.0 + s0 + s1 + s2 + s3;
    }

    // ------------------------------------------------------------------------------------------------------------
    // cephes smirnov (scipy/special/cephes/kolmogorov.c): the one-sided statistic, with double-double arithmetic
    // ------------------------------------------------------------------------------------------------------------

    private const int SmirnovMaxComputeN = 1000000;
    private const int SmUpperMaxTerms = 3;
    private const int SmUppersumMinN = 10;
    private const double CephesMinLog = -7.451332191019412076235E2; // log(2^-1075), cephes with DENORMAL
    private const int MaxExponent = 960;
    private const double Ln2 = 0.693147180559945309417;

    /// <summary>A double-double number hi + lo (the QD library's dd_real as used by cephes).</summary>
    private readonly record struct DD(double Hi, double Lo)
    {
        public static readonly DD Zero = new(0.0, 0.0);
        public static readonly DD One = new(1.0, 0.0);
        public bool IsZero => Hi == 0.0;
        public bool IsFinite => double.IsFinite(Hi);
    }

    private static double QuickTwoSum(double a, double b, out double err)
    {
        double s = a + b;
        double c = s - a;
        err = b - c;
        return s;
    }

    private static double TwoSum(double a, double b, out double err)
    {
        double s = a + b;
        double c = s - a;
        double d = b - c;
        double e = s - c;
        err = (a - e) + d;
        return s;
    }

    private static double TwoDiff(double a, double b, out double err)
    {
        double s = a - b;
        double c = s - a;
        double d = b + c;
        double e = s - c;
        err = (a - e) - d;
        return s;
    }

    private static double TwoProd(double a, double b, out double err)
    {
        double p = a * b;
        err = Math.FusedMultiplyAdd(a, b, -p);
        return p;
    }

    private static DD AddDD(double a, double b) => new(TwoSum(a, b, out double e), e);

    private static DD SubDD(double a, double b) => new(TwoDiff(a, b, out double e), e);

    private static DD MulDD(double a, double b) => new(TwoProd(a, b, out double e), e);

    private static DD Add(DD a, DD b)
    {
        double s1 = TwoSum(a.Hi, b.Hi, out double s2);
        double t1 = TwoSum(a.Lo, b.Lo, out double t2);
        s2 += t1;
        s1 = QuickTwoSum(s1, s2, out s2);
        s2 += t2;
        s1 = QuickTwoSum(s1, s2, out s2);
        return new DD(s1, s2);
    }

    private static DD Neg(DD a) => new(-a.Hi, -a.Lo);

    private static DD Sub(DD a, DD b) => Add(a, Neg(b));

    private static DD AddDd(DD a, double b)
    {
        double s1 = TwoSum(a.Hi, b, out double s2);
        s2 += a.Lo;
        s1 = QuickTwoSum(s1, s2, out s2);
        return new DD(s1, s2);
    }

    private static DD SubDd(DD a, double b)
    {
        double s1 = TwoSum(a.Hi, -b, out double s2);
        s2 += a.Lo;
        s1 = QuickTwoSum(s1, s2, out s2);
        return new DD(s1, s2);
    }

    private static DD Mul(DD a, DD b)
    {
        double p1 = TwoProd(a.Hi, b.Hi, out double p2);
        p2 += a.Hi * b.Lo + a.Lo * b.Hi;
        p1 = QuickTwoSum(p1, p2, out p2);
        return new DD(p1, p2);
    }

    private static DD MulDd(DD a, double b)
    {
        double p1 = TwoProd(a.Hi, b, out double e1);
        double p2 = TwoProd(a.Lo, b, out double e2);
        p1 = QuickTwoSum(p1, e2 + p2 + e1, out e1);
        return new DD(p1, e1);
    }

    private static DD Div(DD a, DD b)
    {
        double q1 = a.Hi / b.Hi;
        DD r = Sub(a, MulDd(b, q1));
        double q2 = r.Hi / b.Hi;
        r = Sub(r, MulDd(b, q2));
        double q3 = r.Hi / b.Hi;
        q1 = QuickTwoSum(q1, q2, out q2);
        return AddDd(new DD(q1, q2), q3);
    }

    private static DD DivD(double a, double b) => Div(new DD(a, 0.0), new DD(b, 0.0));

    private static DD Inv(DD a) => Div(DD.One, a);

    private static DD Floor(DD a)
    {
        double hi = Math.Floor(a.Hi);
        double lo = 0.0;
        if (hi == a.Hi)
        {
            lo = Math.Floor(a.Lo);
            hi = QuickTwoSum(hi, lo, out lo);
        }
        return new DD(hi, lo);
    }

    private static DD LdExpD(DD a, int e) => new(Math.ScaleB(a.Hi, e), Math.ScaleB(a.Lo, e));

    private static double FrExp(double x, out int e)
    {
        if (x == 0.0 || !double.IsFinite(x))
        {
            e = 0;
            return x;
        }
        e = Math.ILogB(x) + 1;
        return Math.ScaleB(x, -e);
    }

    private static DD FrExpD(DD a, out int expt)
    {
        double man = FrExp(a.Hi, out int exponent);
        double b1 = Math.ScaleB(a.Lo, -exponent);
        if (Math.Abs(man) == 0.5 && man * b1 < 0)
        {
            man *= 2;
            b1 *= 2;
            exponent -= 1;
        }
        expt = exponent;
        return new DD(man, b1);
    }

    private static double Log1p(double x)
    {
        double u = 1.0 + x;
        return u == 1.0 ? x : Math.Log(u) * x / (u - 1.0);
    }

    private static double Expm1(double x)
    {
        double u = Math.Exp(x);
        if (u == 1.0)
        {
            return x;
        }
        double um1 = u - 1.0;
        return um1 == -1.0 ? -1.0 : um1 * x / Math.Log(u);
    }

    private static DD PowD(DD a, int m)
    {
        if (m <= 0)
        {
            return m == 0 ? DD.One : Inv(PowD(a, -m));
        }
        if (a.IsZero)
        {
            return DD.Zero;
        }
        double ans = Math.Pow(a.Hi, m);
        double r = a.Lo / a.Hi;
        double adj = m * r;
        if (Math.Abs(adj) > 1e-8)
        {
            if (Math.Abs(adj) < 1e-4)
            {
                // first two terms of the Taylor series of (1+r)^m
                adj += m * r * ((m - 1) / 2.0 * r);
            }
            else
            {
                adj = Expm1(m * Log1p(r));
            }
        }
        return AddDD(ans, ans * adj);
    }

    private static double Pow2(double a, double b, int m) => PowD(AddDD(a, b), m).Hi;

    private static double NextPowerOf2(double x)
    {
        double q = Math.ScaleB(x, 1 - 53);
        double l = Math.Abs(q + x);
        if (l == 0)
        {
            l = Math.Abs(x);
        }
        else
        {
            int lint = (int)l;
            if (lint == l)
            {
                l = lint;
            }
        }
        return l;
    }

    /// <summary>a^m as significand · 2^exponent.</summary>
    private static DD Pow2ScaledD(DD a, int m, out int exponent)
    {
        if (m <= 0)
        {
            if (m == 0)
            {
                exponent = 0;
                return DD.One;
            }
            DD inv = Pow2ScaledD(a, -m, out int aE1);
            DD res = FrExpD(Inv(inv), out int aE2);
            exponent = -aE1 + aE2;
            return res;
        }
        DD y = FrExpD(a, out int yE);
        if (m == 1)
        {
            exponent = yE;
            return y;
        }
        int maxExpt = MaxExponent;
        if (m * (y.Hi - 1) / y.Hi < -MaxExponent * Ln2)
        {
            double lg2y = Math.Log(y.Hi) / Ln2;
            double lgAns = m * lg2y;
            if (lgAns <= -MaxExponent)
            {
                maxExpt = (int)(NextPowerOf2(-MaxExponent / lg2y + 1) / 2);
            }
        }
        if (m <= maxExpt)
        {
            DD ans1 = PowD(y, m);
            DD ans = FrExpD(ans1, out int ansE);
            exponent = ansE + m * yE;
            return ans;
        }
        int q = m / maxExpt;
        int r = m % maxExpt;
        DD y2r = Pow2ScaledD(y, r, out int y2rE);
        DD y2m = Pow2ScaledD(y, maxExpt, out int y2mE);
        DD y2mq = Pow2ScaledD(y2m, q, out int y2mqE);
        DD result = FrExpD(Mul(y2r, y2mq), out int resE);
        y2mqE += y2mE * q;
        resE += y2mqE + y2rE;
        resE += m * yE;
        exponent = resE;
        return result;
    }

    /// <summary>((a+b)/(c+d))^m.</summary>
    private static DD Pow4D(double a, double b, double c, double d, int m)
    {
        if (m <= 0)
        {
            return m == 0 ? DD.One : Pow4D(c, d, a, b, -m);
        }
        DD aa = AddDD(a, b);
        DD cc = AddDD(c, d);
        if (aa.IsZero)
        {
            return cc.IsZero ? new DD(double.NaN, double.NaN) : DD.Zero;
        }
        if (cc.IsZero)
        {
            return aa.Hi < 0 ? new DD(double.NegativeInfinity, 0) : new DD(double.PositiveInfinity, 0);
        }
        return PowD(Div(aa, cc), m);
    }

    /// <summary>A_v(n, x) = Binomial(n,v) · (1−x−v/n)^(n−v) · (x+v/n)^(v−1).</summary>
    private static DD ComputeAv(int n, double x, int v, DD cman, int cexpt)
    {
        DD t2x = SubDd(DivD(n - v, n), x);
        DD t2 = Pow2ScaledD(t2x, n - v, out int t2E);
        DD t1x = AddDd(DivD(v, n), x);
        DD t1 = Pow2ScaledD(t1x, v - 1, out int t1E);
        DD ans = Mul(t1, t2);
        ans = Mul(ans, cman);
        int ansE = cexpt + t1E + t2E;
        return LdExpD(ans, ansE);
    }

    private static void UpdateBinomial(ref DD cman, ref int cexpt, int n, int j)
    {
        DD rat = DivD(n - j, j + 1.0);
        DD man2 = Mul(cman, rat);
        man2 = FrExpD(man2, out int expt);
        cexpt += expt;
        cman = man2;
    }

    /// <summary>
    /// The survival function of cephes' _smirnov (its sf member). cephes takes n as a C int; n is a long here so
    /// that kstwo.sf of an effective sample size beyond 2^31 still gets the approximation used above 10^6
    /// (SciPy itself cannot evaluate those).
    /// </summary>
    private static double SmirnovSf(long n, double x)
    {
        if (!(n > 0 && x >= 0.0 && x <= 1.0))
        {
            return double.NaN;
        }
        if (n == 1)
        {
            return 1 - x;
        }
        if (x == 0.0)
        {
            return 1.0;
        }
        if (x == 1.0)
        {
            return 0.0;
        }

        // modNX: floor(n*x) and the remainder, exactly.
        DD nxD = MulDD(n, x);
        DD nxfloorD = Floor(nxD);
        double alpha = Sub(nxD, nxfloorD).Hi;
        long nxfl = (long)nxfloorD.Hi;
        if (alpha == 1)
        {
            nxfl += 1;
            alpha = 0;
        }

        // x <= 1/n
        if (nxfl == 0 || (nxfl == 1 && alpha == 0))
        {
            double t = Pow2(1, x, (int)Math.Min(n - 1, int.MaxValue));
            double cdf = x * t;
            return 1 - cdf;
        }
        // the sf underflows
        if (-2 * n * x * x < CephesMinLog)
        {
            return 0;
        }
        // x >= 1 - 1/n
        if (nxfl >= n - 1)
        {
            return Pow2(1, -x, (int)Math.Min(n, int.MaxValue));
        }
        // n too big to sum: p ~ e^(-(6nx+1)^2 / 18n)
        if (n > SmirnovMaxComputeN)
        {
            double logp = -Math.Pow(6.0 * n * x + 1, 2) / 18.0 / n;
            return logp < -Ln2 ? Math.Exp(logp) : 1 - (-Expm1(logp));
        }
        return SmirnovSum((int)n, x, (int)nxfl, alpha);
    }

    /// <summary>The lower (or, for small x, upper) Birnbaum-Tingey / Smirnov-Dwass sum of _smirnov.</summary>
    private static double SmirnovSum(int n, double x, int nxfl, double alpha)
    {
        int n1mxfl = n - nxfl - (alpha == 0 ? 0 : 1);
        int n1mxceil = n - nxfl;
        if (alpha == 0)
        {
            n1mxfl -= 1;
            n1mxceil += 1;
        }

        int nUpperTerms = n - n1mxceil + 1;
        bool useUpperSum = nUpperTerms <= 1 && x < 0.5;
        useUpperSum = useUpperSum
            || (n >= SmUppersumMinN && nUpperTerms <= SmUpperMaxTerms && x <= 0.5 / Math.Sqrt(n));

        int start = 0, step = 1, nTerms = n1mxfl + 1;
        int vmid = n / 2;
        DD cman = DD.One;
        int cexpt = 0;
        DD aj;
        if (useUpperSum)
        {
            start = n;
            step = -1;
            nTerms = n - n1mxceil + 1;
            aj = Pow4D(1, x, 1, 0, n - 1);
        }
        else
        {
            DD t2 = Pow4D(1, -x, 1, 0, n);
            aj = Div(t2, new DD(x, 0.0));
        }
        DD ajSum = Add(DD.Zero, aj);
        UpdateBinomial(ref cman, ref cexpt, n, 0);

        for (int j = 1; j < nTerms; j++)
        {
            int v = start + j * step;
            aj = ComputeAv(n, x, v, cman, cexpt);
            if (aj.IsFinite && !aj.IsZero)
            {
                ajSum = Add(ajSum, aj);
            }
            // Safe to terminate early?
            if (!aj.IsZero)
            {
                if (4 * (nTerms - j) * Math.Abs(aj.Hi) < DblEpsilon * ajSum.Hi && j != nTerms - 1)
                {
                    break;
                }
            }
            else if (j > vmid)
            {
                break;
            }
            UpdateBinomial(ref cman, ref cexpt, n, j);
        }

        double prob = MulDd(ajSum, x).Hi;
        double sf = step < 0 ? 1 - prob : prob;
        return Clip(sf);
    }

    private const double DblEpsilon = 2.220446049250313e-16;
}
