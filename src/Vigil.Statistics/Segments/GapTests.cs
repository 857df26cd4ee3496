using Vigil.Statistics.Comparison;

namespace Vigil.Statistics.Segments;

/// <summary>A segment's metric against its complement's: the gap (segment − complement), its 95% interval, the test
/// statistic and the two-sided p-value. NaN where undefined.</summary>
public readonly record struct Gap(double Value, double Complement, double Difference, double Lower, double Upper, double Z, double PValue)
{
    public static readonly Gap Undefined = new(double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);

    public bool Defined => !double.IsNaN(PValue);
}

/// <summary>
/// The tests <c>vigil segments</c> runs on each segment (the candidate) against its complement (the baseline), from
/// sufficient statistics only: DeLong's unpaired test for ROC AUC and Newcombe's interval for proportions come from
/// <see cref="Comparison"/>; the calibration gap between two groups is defined here.
/// </summary>
public static class GapTests
{
    private const double Confidence = 0.95;

    /// <summary>
    /// Calibration-in-the-large against the complement. Each side's value is mean predicted − observed rate
    /// ((Σp − Σy)/n). Under the hypothesis that both sides are calibrated, Var(Σy) = Σp(1−p) on each side, so the gap's
    /// variance is V_s/n_s² + V_c/n_c² (V = Σp(1−p)); z = gap/√var, Wald interval. With a calibrated complement this
    /// is the one-slice test of <see cref="CalibrationTest.Slice"/>. Zero variance: p = 1 when the gap is 0, else 0.
    /// </summary>
    public static Gap Calibration(long n, long positives, double sumScore, double sumVariance,
        long nc, long positivesC, double sumScoreC, double sumVarianceC)
    {
        if (n <= 0 || nc <= 0) return Gap.Undefined;
        var value = (sumScore - positives) / n;
        var complement = (sumScoreC - positivesC) / nc;
        var variance = Math.Max(sumVariance, 0) / ((double)n * n) + Math.Max(sumVarianceC, 0) / ((double)nc * nc);
        var d = ZTest.Wald(value - complement, variance, Confidence, "calibration-in-the-large gap z-test");
        return new Gap(value, complement, d.Value, d.Lower, d.Upper, Z(d.Value, variance), d.PValue);
    }

    /// <summary>A difference of proportions k/n (segment) − kc/nc (complement): Newcombe's hybrid score interval
    /// and the pooled two-proportion z-test (<see cref="Proportions.NewcombeUnpaired"/>).</summary>
    public static Gap Proportion(long k, long n, long kc, long nc)
    {
        if (n <= 0 || nc <= 0) return Gap.Undefined with { Value = n > 0 ? (double)k / n : double.NaN, Complement = nc > 0 ? (double)kc / nc : double.NaN };
        var d = Proportions.NewcombeUnpaired(kc, nc, k, n, Confidence);
        var pooled = ((double)k + kc) / ((double)n + nc);
        var variance = pooled * (1 - pooled) * (1.0 / n + 1.0 / nc);
        return new Gap((double)k / n, (double)kc / nc, d.Value, d.Lower, d.Upper, Z(d.Value, variance), d.PValue);
    }

    /// <summary>ROC AUC of the segment and of the complement, each from positives and negatives per score cell
    /// (cells in strictly descending <paramref name="scores"/> order), and DeLong's unpaired test of the difference.</summary>
    public static Gap Auc(ReadOnlySpan<double> scores, ReadOnlySpan<long> pos, ReadOnlySpan<long> neg, ReadOnlySpan<long> posC, ReadOnlySpan<long> negC)
    {
        var a = Accumulate(scores, pos, neg);
        var b = Accumulate(scores, posC, negC);
        var d = DeLong.Unpaired(b, a, Confidence);
        var variance = a.Variance + b.Variance;
        return new Gap(a.Auc, b.Auc, d.Value, d.Lower, d.Upper, Z(d.Value, variance), d.PValue);
    }

    /// <summary>AUC and DeLong's variance of one side.</summary>
    public static DeLongAuc Accumulate(ReadOnlySpan<double> scores, ReadOnlySpan<long> pos, ReadOnlySpan<long> neg)
    {
        var acc = new DeLongAccumulator();
        for (var i = 0; i < scores.Length; i++)
            if (pos[i] > 0 || neg[i] > 0) acc.Add(scores[i], pos[i], neg[i]);
        return acc.Finish();
    }

    private static double Z(double d, double variance) => variance > 0 ? d / Math.Sqrt(variance) : double.NaN;
}
