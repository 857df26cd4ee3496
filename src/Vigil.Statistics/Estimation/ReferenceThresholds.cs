using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Estimation;

/// <summary>
/// NannyML's default alert thresholds (<c>StandardDeviationThreshold</c> with <c>calculate_threshold_values</c>):
/// the mean of a metric's realized values on the reference chunks ± 3 population standard deviations
/// (<c>np.std</c>), each bound clipped to the metric's range. NaN and infinite values are left out (NannyML would
/// return NaN bounds); a bound is null when fewer than two finite values remain.
/// </summary>
public static class ReferenceThresholds
{
    /// <summary>The multiple of σ on either side of the mean.</summary>
    public const double Multiplier = 3;

    /// <summary>Lower and upper alert thresholds from the reference chunks' values.</summary>
    public static (double? Lower, double? Upper) MeanThreeSigma(IReadOnlyList<double> chunkValues, double min = 0, double max = 1)
    {
        ArgumentNullException.ThrowIfNull(chunkValues);
        var finite = new List<double>(chunkValues.Count);
        foreach (var v in chunkValues)
        {
            if (double.IsFinite(v)) finite.Add(v);
        }
        if (finite.Count < 2)
        {
            return (null, null);
        }
        var values = finite.ToArray();
        var mean = NumpySum.Sum(values) / values.Length;
        var squares = new double[values.Length];
        for (var i = 0; i < values.Length; i++)
        {
            var d = Math.Abs(values[i] - mean);
            squares[i] = d * d;
        }
        var std = Math.Sqrt(NumpySum.Sum(squares) / values.Length);
        var lower = mean - std * Multiplier;
        var upper = mean + std * Multiplier;
        if (lower < min) lower = min;
        if (upper > max) upper = max;
        return (lower, upper);
    }
}
