namespace Vigil.Statistics.Comparison;

/// <summary>Differences of means of per-row quantities (Brier score, log loss, absolute or squared error …) from
/// sufficient sums, candidate − baseline, with large-sample normal (z) tests: the engine sends (n, Σx, Σx²) per side,
/// or (n, Σd, Σd²) of the per-row differences d = candidate − baseline for the same rows. Sample variances use the
/// divisor n − 1. With the per-row losses of a few hundred rows or more, z and Student's t agree to the digits shown;
/// for tiny samples the interval is slightly too narrow.</summary>
public static class Means
{
    /// <summary>Independent samples (Welch's unequal variances): d = x̄₂ − x̄₁, se = √(s₁²/n₁ + s₂²/n₂),
    /// s² = (Σx² − (Σx)²/n)/(n − 1); z = d/se, two-sided normal p-value, interval d ± z_{1−α/2}·se.
    /// Undefined (NaN, with a note) unless both sides have at least 2 rows.</summary>
    public static Difference Unpaired(long n1, double sum1, double sumSq1, long n2, double sum2, double sumSq2, double confidence = 0.95)
    {
        ZTest.CheckConfidence(confidence);
        const string test = "Welch z-test (difference of means)";
        if (n1 < 0 || n2 < 0)
        {
            throw new ArgumentException($"Row counts must not be negative ({n1}, {n2}).");
        }
        if (n1 == 0 || n2 == 0)
        {
            return Difference.Undefined(test, n1 == 0 ? "the baseline has no rows" : "the candidate has no rows");
        }
        var d = sum2 / n2 - sum1 / n1;
        if (n1 < 2 || n2 < 2)
        {
            return Difference.Undefined(test, "a variance needs at least 2 rows on each side", d);
        }
        return ZTest.Wald(d, Variance(n1, sum1, sumSq1) / n1 + Variance(n2, sum2, sumSq2) / n2, confidence, test);
    }

    /// <summary>Paired rows: d̄ = Σd/n, se = √(s_d²/n) with s_d² = (Σd² − (Σd)²/n)/(n − 1); z = d̄/se, two-sided normal
    /// p-value, interval d̄ ± z_{1−α/2}·se. Undefined (NaN, with a note) below 2 rows.</summary>
    public static Difference Paired(long n, double sumD, double sumSqD, double confidence = 0.95)
    {
        ZTest.CheckConfidence(confidence);
        const string test = "paired z-test (mean difference)";
        if (n < 0)
        {
            throw new ArgumentException($"The row count must not be negative ({n}).", nameof(n));
        }
        if (n == 0)
        {
            return Difference.Undefined(test, "no rows");
        }
        var d = sumD / n;
        if (n < 2)
        {
            return Difference.Undefined(test, "a variance needs at least 2 rows", d);
        }
        return ZTest.Wald(d, Variance(n, sumD, sumSqD) / n, confidence, test);
    }

    private static double Variance(long n, double sum, double sumSq) => Math.Max(0.0, (sumSq - sum * (sum / n)) / (n - 1));
}
