namespace Vigil.Statistics.Comparison;

/// <summary>Calibration of one slice (a segment, a score band, a period) against its predicted probabilities.</summary>
/// <param name="Rows">n.</param>
/// <param name="Observed">O, the positives observed.</param>
/// <param name="Expected">E = Σp, the positives the model predicted.</param>
/// <param name="Value">O − E, positives (more observed than predicted when positive: the model under-predicts).</param>
/// <param name="Lower">O − E − z_{1−α/2}·√Σp(1 − p).</param>
/// <param name="Upper">O − E + z_{1−α/2}·√Σp(1 − p).</param>
/// <param name="Z">(O − E) / √Σp(1 − p).</param>
/// <param name="PValue">Two-sided normal p-value of Z: the chance of a gap this large if the probabilities were right.</param>
/// <param name="InTheLarge">Calibration-in-the-large: mean p − observed rate = (E − O)/n (positive: over-prediction).</param>
/// <param name="Test">The test used.</param>
/// <param name="Note">Why a number is NaN, or null.</param>
public sealed record CalibrationCheck(long Rows, long Observed, double Expected, double Value, double Lower, double Upper,
    double Z, double PValue, double InTheLarge, string Test, string? Note = null);

/// <summary>Whether a slice's positives match its predicted probabilities. If each row i is positive with probability
/// p_i independently, O = Σy has mean E = Σp_i and variance Σp_i(1 − p_i), so z = (O − E)/√Σp_i(1 − p_i) is
/// approximately standard normal (the one-group form of Spiegelhalter's 1986 calibration z and of the
/// "observed/expected" test of calibration-in-the-large; Steyerberg, Clinical Prediction Models, ch. 15). The engine
/// sends (n, Σy, Σp, Σp(1 − p)) per slice.</summary>
public static class CalibrationTest
{
    /// <summary>z-test of observed against expected positives in a slice, with the Wald interval of O − E.
    /// Zero variance (every p is 0 or 1) gives p = 1 when O = E and 0 otherwise.</summary>
    public static CalibrationCheck Slice(long rows, long positives, double sumP, double sumPq, double confidence = 0.95)
    {
        ZTest.CheckConfidence(confidence);
        const string test = "calibration z-test (observed − expected positives)";
        if (rows < 0 || positives < 0 || positives > rows)
        {
            throw new ArgumentException($"Need 0 ≤ positives ≤ rows, got {positives} of {rows}.");
        }
        if (rows == 0)
        {
            return new CalibrationCheck(0, 0, sumP, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, test, "no rows");
        }
        var gap = positives - sumP;
        var inTheLarge = (sumP - positives) / rows;
        var d = ZTest.Wald(gap, sumPq, confidence, test);
        var z = sumPq > 0 ? gap / Math.Sqrt(sumPq) : (gap == 0 ? 0.0 : Math.CopySign(double.PositiveInfinity, gap));
        return new CalibrationCheck(rows, positives, sumP, gap, d.Lower, d.Upper, z, d.PValue, inTheLarge, test, d.Note);
    }
}
