using MathNet.Numerics;
using MathNet.Numerics.Distributions;

namespace Vigil.Statistics.Comparison;

/// <summary>A difference candidate − baseline with its two-sided confidence interval [Lower, Upper] and the two-sided
/// p-value of "no difference". <paramref name="Test"/> names the test and interval (for example
/// "DeLong paired z-test"). When the difference or its interval is undefined (one class, no rows, fewer than two
/// observations for a variance) the numbers that cannot be computed are NaN and <paramref name="Note"/> says why;
/// nothing throws for data-dependent reasons.</summary>
/// <param name="Value">candidate − baseline.</param>
/// <param name="Lower">Lower confidence limit.</param>
/// <param name="Upper">Upper confidence limit.</param>
/// <param name="PValue">Two-sided p-value of the null hypothesis "no difference".</param>
/// <param name="Test">The test and interval used.</param>
/// <param name="Note">Why a number is NaN, or a remark on how it was computed; null when there is nothing to say.</param>
public sealed record Difference(double Value, double Lower, double Upper, double PValue, string Test, string? Note = null)
{
    internal static Difference Undefined(string test, string reason, double value = double.NaN) =>
        new(value, double.NaN, double.NaN, double.NaN, test, reason);
}

/// <summary>Normal-theory helpers shared by the z-tests.</summary>
internal static class ZTest
{
    /// <summary>Throws unless 0 &lt; confidence &lt; 1.</summary>
    public static void CheckConfidence(double confidence)
    {
        if (!(confidence > 0.0 && confidence < 1.0))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence level must lie strictly between 0 and 1 (for example 0.95).");
        }
    }

    /// <summary>z_{1−α/2} for a two-sided interval at the given confidence (1.959963984540054 at 0.95).</summary>
    public static double Critical(double confidence) => Normal.InvCDF(0.0, 1.0, 0.5 + confidence / 2.0);

    /// <summary>Two-sided normal p-value 2·Φ(−|z|) = erfc(|z|/√2), accurate far into the tail.</summary>
    public static double TwoSidedP(double z) => SpecialFunctions.Erfc(Math.Abs(z) / Math.Sqrt(2.0));

    /// <summary>Upper tail of χ² with one degree of freedom: P(χ²₁ ≥ x) = erfc(√(x/2)).</summary>
    public static double ChiSquare1Sf(double x) => x <= 0.0 ? 1.0 : SpecialFunctions.Erfc(Math.Sqrt(x / 2.0));

    /// <summary>Wald interval d ± z·se and p-value 2Φ(−|d/se|). A zero standard error gives the degenerate interval
    /// [d, d] and p = 1 when d = 0 (nothing differs), p = 0 otherwise.</summary>
    public static Difference Wald(double d, double variance, double confidence, string test, string? note = null)
    {
        if (double.IsNaN(d) || double.IsNaN(variance))
        {
            return new Difference(d, double.NaN, double.NaN, double.NaN, test, note ?? "the variance is undefined");
        }
        var se = Math.Sqrt(Math.Max(0.0, variance));
        if (se == 0.0)
        {
            return new Difference(d, d, d, d == 0.0 ? 1.0 : 0.0, test,
                note ?? (d == 0.0 ? "zero variance and no difference: p-value 1" : "zero variance: p-value 0"));
        }
        var h = Critical(confidence) * se;
        return new Difference(d, d - h, d + h, TwoSidedP(d / se), test, note);
    }
}
