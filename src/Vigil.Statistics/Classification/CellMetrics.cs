namespace Vigil.Statistics.Classification;

/// <summary>
/// The binary metrics a bootstrap recomputes thousands of times, from score cells in one allocation-free pass:
/// average precision, and at the threshold F1, MCC and balanced accuracy, then ECE (10 equal-width bins) and the KS
/// statistic. Same definitions and conventions as <see cref="BinaryScoreAccumulator"/> (scikit-learn's), which a test
/// checks; the accumulator also builds curves, tables and best thresholds, which a replicate does not need.
/// </summary>
public static class CellMetrics
{
    /// <summary>The metrics <see cref="Compute"/> writes, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = ["average_precision", "f1", "mcc", "balanced_accuracy", "ece", "ks_statistic"];

    /// <summary>Writes <see cref="Names"/>' values for <paramref name="cells"/> (strictly descending scores in [0, 1]) into
    /// <paramref name="into"/>; NaN where a metric is undefined (no positives for average precision; one class for KS).</summary>
    public static void Compute(ReadOnlySpan<ScoreCount> cells, double threshold, Span<double> into)
    {
        long p = 0, n = 0;
        foreach (var c in cells) { p += c.Positives; n += c.Negatives; }
        long tp = 0, fp = 0, tpAt = -1, fpAt = -1;
        double ap = 0, ks = 0;
        Span<long> binCount = stackalloc long[Bins];
        Span<long> binPos = stackalloc long[Bins];
        Span<double> binSum = stackalloc double[Bins];
        binCount.Clear(); binPos.Clear(); binSum.Clear();
        var bin = Bins - 1;
        foreach (var c in cells)
        {
            if (c.Positives == 0 && c.Negatives == 0) continue;
            if (tpAt < 0 && c.Score < threshold) { tpAt = tp; fpAt = fp; }
            tp += c.Positives;
            fp += c.Negatives;
            if (c.Positives > 0) ap += c.Positives * ((double)tp / (tp + fp));
            if (p > 0 && n > 0) ks = Math.Max(ks, (double)tp / p - (double)fp / n);
            while (bin > 0 && c.Score < Edge(bin)) bin--;
            long rows = c.Positives + c.Negatives;
            binCount[bin] += rows;
            binPos[bin] += c.Positives;
            binSum[bin] += rows * c.Score;
        }
        if (tpAt < 0) { tpAt = tp; fpAt = fp; }
        long fn = p - tpAt, tn = n - fpAt;
        into[0] = p == 0 ? double.NaN : ap / p;
        long f1Den = 2 * tpAt + fpAt + fn;
        into[1] = f1Den == 0 ? 0.0 : 2.0 * tpAt / f1Den;
        double a = (double)tpAt + fpAt, b = (double)tpAt + fn, d = (double)tn + fpAt, e = (double)tn + fn;
        into[2] = a == 0 || b == 0 || d == 0 || e == 0 ? 0.0 : ((double)tpAt * tn - (double)fpAt * fn) / (Math.Sqrt(a * b) * Math.Sqrt(d * e));
        into[3] = p == 0 && n == 0 ? double.NaN : p == 0 ? (double)tn / n : n == 0 ? (double)tpAt / p : 0.5 * ((double)tpAt / p + (double)tn / n);
        double ece = 0;
        long total = p + n;
        for (var i = 0; i < Bins; i++)
            if (binCount[i] > 0) ece += (double)binCount[i] / total * Math.Abs(binSum[i] / binCount[i] - (double)binPos[i] / binCount[i]);
        into[4] = total == 0 ? double.NaN : ece;
        into[5] = p == 0 || n == 0 ? double.NaN : ks;
    }

    private const int Bins = 10;

    /// <summary>np.linspace(0, 1, 11)'s edges, as <see cref="BinaryScoreAccumulator"/> computes them.</summary>
    private static double Edge(int i) => i * (1.0 / Bins);
}
