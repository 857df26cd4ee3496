namespace Vigil.Statistics.Quality;

/// <summary>
/// Modified z-scores of Iglewicz and Hoaglin: 0.6745 · (x − median) / MAD, MAD = median |x − median|.
/// When MAD is 0 (more than half the values equal) it falls back to (x − median) / (1.253314 · MeanAD), with
/// MeanAD = mean |x − median| (the IBM SPSS / Cognos convention); when that is 0 too, every value equals the median
/// and the score is 0 (a value that differs would be ±Infinity).
/// </summary>
internal static class RobustZScore
{
    internal const double MadConstant = 0.6745;
    internal const double MeanAdConstant = 1.253314;

    /// <summary>The median (mean of the two middle values for an even count); NaN for no values. NaN inputs are not allowed.</summary>
    public static double Median(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            return double.NaN;
        }
        double[] copy = values.ToArray();
        return MedianInPlace(copy);
    }

    private static double MedianInPlace(double[] values)
    {
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                throw new ArgumentException("Values must not contain NaN.", nameof(values));
            }
        }
        Array.Sort(values);
        int m = values.Length / 2;
        return values.Length % 2 == 1 ? values[m] : values[m - 1] + (values[m] - values[m - 1]) / 2.0;
    }

    /// <summary>The centre and scale used by <see cref="Score(double, in Scale)"/>.</summary>
    internal readonly record struct Scale(double Median, double Mad, double MeanAd);

    public static Scale Fit(ReadOnlySpan<double> values)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("At least one value is needed.", nameof(values));
        }
        double median = Median(values);
        var dev = new double[values.Length];
        double sumAbs = 0;
        for (int i = 0; i < values.Length; i++)
        {
            double d = Math.Abs(values[i] - median);
            dev[i] = d;
            sumAbs += d;
        }
        double mad = MedianInPlace(dev);
        return new Scale(median, mad, sumAbs / values.Length);
    }

    public static double Score(double x, in Scale scale)
    {
        double d = x - scale.Median;
        if (scale.Mad > 0)
        {
            return MadConstant * d / scale.Mad;
        }
        if (scale.MeanAd > 0)
        {
            return d / (MeanAdConstant * scale.MeanAd);
        }
        return d == 0 ? 0.0 : d > 0 ? double.PositiveInfinity : double.NegativeInfinity;
    }

    /// <summary>Writes the modified z-score of every value into <paramref name="destination"/>.</summary>
    public static void Compute(ReadOnlySpan<double> values, Span<double> destination)
    {
        if (destination.Length < values.Length)
        {
            throw new ArgumentException("Destination is shorter than the values.", nameof(destination));
        }
        Scale s = Fit(values);
        for (int i = 0; i < values.Length; i++)
        {
            destination[i] = Score(values[i], s);
        }
    }

    public static double[] Compute(ReadOnlySpan<double> values)
    {
        var result = new double[values.Length];
        if (!values.IsEmpty)
        {
            Compute(values, result);
        }
        return result;
    }
}
