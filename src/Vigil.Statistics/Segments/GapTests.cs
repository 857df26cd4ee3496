using MathNet.Numerics;

namespace Vigil.Statistics.Segments;

/// <summary>A segment's metric against its complement's: the gap (segment − complement), its 95% interval, the test
/// statistic and the two-sided p-value. NaN where undefined.</summary>
public readonly record struct Gap(double Value, double Complement, double Difference, double Lower, double Upper, double Z, double PValue)
{
    public static readonly Gap Undefined = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public bool Defined => !double.IsNaN(PValue);
}

/// <summary>
/// The tests <c>vigil segments</c> runs on each segment against its complement, from sufficient statistics only.
/// Interim home: the shared comparison tests (DeLong, calibration, proportions) are being written in
/// <c>Vigil.Statistics.Comparison</c>; these move onto them when they land.
/// </summary>
public static class GapTests
{
    /// <summary>The 97.5% standard normal quantile (a 95% two-sided interval).</summary>
    public const double Z975 = 1.959963984540054;

    /// <summary>Two-sided p-value of a standard normal statistic: 2·Φ(−|z|), computed as erfc(|z|/√2).</summary>
    public static double TwoSidedP(double z) => double.IsNaN(z) ? double.NaN : SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2.0));

    /// <summary>
    /// Calibration-in-the-large against the complement. Each side's value is mean predicted − observed rate
    /// ((Σp − Σy)/n). Under the hypothesis that both sides are calibrated, Var(Σy) = Σp(1−p) on each side, so the gap's
    /// variance is V_s/n_s² + V_c/n_c² (V = Σp(1−p)); z = gap/√var, the interval gap ± 1.96·√var. With a calibrated
    /// complement this is the classic (O − E)/√Σp(1−p) test of the segment.
    /// </summary>
    public static Gap Calibration(long n, long positives, double sumScore, double sumVariance,
        long nc, long positivesC, double sumScoreC, double sumVarianceC)
    {
        if (n <= 0 || nc <= 0) return Gap.Undefined;
        var value = (sumScore - positives) / n;
        var complement = (sumScoreC - positivesC) / nc;
        var diff = value - complement;
        var variance = Math.Max(sumVariance, 0) / ((double)n * n) + Math.Max(sumVarianceC, 0) / ((double)nc * nc);
        if (!(variance > 0)) return Gap.Undefined with { Value = value, Complement = complement, Difference = diff };
        var se = Math.Sqrt(variance);
        var z = diff / se;
        return new Gap(value, complement, diff, diff - Z975 * se, diff + Z975 * se, z, TwoSidedP(z));
    }

    /// <summary>The segment's own calibration test: (observed − expected positives)/√Σp(1−p).</summary>
    public static double CalibrationZ(long positives, double sumScore, double sumVariance) =>
        sumVariance > 0 ? (positives - sumScore) / Math.Sqrt(sumVariance) : double.NaN;

    /// <summary>Wilson's score interval of a proportion k/n at 95%.</summary>
    public static (double Lower, double Upper) Wilson(long k, long n)
    {
        if (n <= 0) return (double.NaN, double.NaN);
        double p = (double)k / n, z2 = Z975 * Z975, nn = n;
        var denom = 1 + z2 / nn;
        var center = (p + z2 / (2 * nn)) / denom;
        var half = Z975 / denom * Math.Sqrt(p * (1 - p) / nn + z2 / (4 * nn * nn));
        return (Math.Max(0, center - half), Math.Min(1, center + half));
    }

    /// <summary>
    /// A difference of proportions k1/n1 − k2/n2: Newcombe's hybrid score interval (his method 10, from the two Wilson
    /// intervals) and the pooled two-proportion z-test's p-value.
    /// </summary>
    public static Gap Proportions(long k1, long n1, long k2, long n2)
    {
        if (n1 <= 0 || n2 <= 0) return Gap.Undefined;
        double p1 = (double)k1 / n1, p2 = (double)k2 / n2, d = p1 - p2;
        var (l1, u1) = Wilson(k1, n1);
        var (l2, u2) = Wilson(k2, n2);
        var lower = d - Math.Sqrt((p1 - l1) * (p1 - l1) + (u2 - p2) * (u2 - p2));
        var upper = d + Math.Sqrt((u1 - p1) * (u1 - p1) + (p2 - l2) * (p2 - l2));
        var pooled = (double)(k1 + k2) / (n1 + n2);
        var variance = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
        if (!(variance > 0)) return new Gap(p1, p2, d, lower, upper, double.NaN, double.NaN);
        var z = d / Math.Sqrt(variance);
        return new Gap(p1, p2, d, lower, upper, z, TwoSidedP(z));
    }

    /// <summary>
    /// ROC AUC of two independent samples and DeLong's test of their difference (unpaired: the variances add), from
    /// each sample's positives and negatives per score cell, cells in descending score order.
    /// </summary>
    public static Gap Auc(ReadOnlySpan<long> pos, ReadOnlySpan<long> neg, ReadOnlySpan<long> posC, ReadOnlySpan<long> negC)
    {
        var (a, va) = DeLongAuc(pos, neg);
        var (b, vb) = DeLongAuc(posC, negC);
        if (double.IsNaN(a) || double.IsNaN(b)) return Gap.Undefined with { Value = a, Complement = b, Difference = a - b };
        var diff = a - b;
        var variance = va + vb;
        if (!(variance > 0)) return new Gap(a, b, diff, diff, diff, double.NaN, double.NaN);
        var se = Math.Sqrt(variance);
        var z = diff / se;
        return new Gap(a, b, diff, diff - Z975 * se, diff + Z975 * se, z, TwoSidedP(z));
    }

    /// <summary>
    /// AUC and DeLong's variance S10/m + S01/n from grouped counts (cells in descending score order). Every positive
    /// of a cell shares its placement value (negatives below + half the tied ones)/n, every negative its (positives
    /// above + half the tied ones)/m. NaN when a class is missing.
    /// </summary>
    public static (double Auc, double Variance) DeLongAuc(ReadOnlySpan<long> pos, ReadOnlySpan<long> neg)
    {
        long m = 0, n = 0;
        for (var i = 0; i < pos.Length; i++) { m += pos[i]; n += neg[i]; }
        if (m == 0 || n == 0) return (double.NaN, double.NaN);
        // 2·Σ pos_c·(neg below c) + pos_c·neg_c exactly, walking from the lowest score up.
        Int128 twice = 0;
        long negBelow = 0;
        for (var i = pos.Length - 1; i >= 0; i--)
        {
            twice += (Int128)pos[i] * (2 * negBelow + neg[i]);
            negBelow += neg[i];
        }
        var auc = (double)twice / (2.0 * m * n);
        double s10 = 0, s01 = 0;
        negBelow = 0;
        for (var i = pos.Length - 1; i >= 0; i--)
        {
            if (pos[i] > 0)
            {
                var v10 = (negBelow + 0.5 * neg[i]) / n - auc;
                s10 += pos[i] * v10 * v10;
            }
            negBelow += neg[i];
        }
        long posAbove = 0;
        for (var i = 0; i < pos.Length; i++)
        {
            if (neg[i] > 0)
            {
                var v01 = (posAbove + 0.5 * pos[i]) / m - auc;
                s01 += neg[i] * v01 * v01;
            }
            posAbove += pos[i];
        }
        var variance = (m > 1 ? s10 / (m - 1) / m : 0) + (n > 1 ? s01 / (n - 1) / n : 0);
        return (auc, variance);
    }
}
