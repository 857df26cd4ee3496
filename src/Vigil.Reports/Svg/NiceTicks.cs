namespace Vigil.Reports.Svg;

/// <summary>Axis ranges and ticks at "nice" numbers (1, 2, 2.5, 5 × 10^k), after Heckbert's Graphics Gems algorithm.</summary>
internal static class NiceTicks
{
    /// <summary>Extends [min, max] outward to multiples of a nice step so that about <paramref name="maxTicks"/> ticks fit.
    /// A degenerate or non-finite range is widened first. The step is at least <paramref name="minStep"/> when that is positive.</summary>
    public static (double Min, double Max, double Step) Range(double min, double max, int maxTicks = 6, double minStep = 0)
    {
        if (!double.IsFinite(min) || !double.IsFinite(max)) (min, max) = (0, 1);
        if (min > max) (min, max) = (max, min);
        if (max - min < 1e-12 * Math.Max(1, Math.Abs(max)))
        {
            double pad = min == 0 ? 1 : Math.Abs(min) * 0.1;
            min -= pad;
            max += pad;
        }
        double step = Nice((max - min) / Math.Max(1, maxTicks - 1), round: true);
        if (minStep > 0 && step < minStep) step = minStep;
        double lo = Math.Floor(min / step) * step;
        double hi = Math.Ceiling(max / step) * step;
        return (lo, hi, step);
    }

    /// <summary>The ticks lo, lo+step, …, hi (inclusive, robust to rounding).</summary>
    public static IReadOnlyList<double> Ticks(double lo, double hi, double step)
    {
        var ticks = new List<double>();
        if (!(step > 0) || !double.IsFinite(lo) || !double.IsFinite(hi)) return ticks;
        int n = (int)Math.Round((hi - lo) / step);
        for (int i = 0; i <= n && i <= 1000; i++)
        {
            double t = lo + i * step;
            // Snap values like 0.30000000000000004 and -1e-17 to what they mean.
            double r = Math.Round(t, 10);
            if (Math.Abs(r) < step * 1e-9) r = 0;
            ticks.Add(r);
        }
        return ticks;
    }

    /// <summary>A nice number near x: 1, 2, 2.5 (rounded) or 5 times a power of ten.</summary>
    public static double Nice(double x, bool round)
    {
        if (!(x > 0) || !double.IsFinite(x)) return 1;
        double exp = Math.Floor(Math.Log10(x));
        double f = x / Math.Pow(10, exp);
        double nf = round
            ? f < 1.5 ? 1 : f < 2.25 ? 2 : f < 3.5 ? 2.5 : f < 7.5 ? 5 : 10
            : f <= 1 ? 1 : f <= 2 ? 2 : f <= 2.5 ? 2.5 : f <= 5 ? 5 : 10;
        return nf * Math.Pow(10, exp);
    }
}
