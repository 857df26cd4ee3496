namespace Vigil.Statistics.Estimation;

/// <summary>Count, mean and population standard deviation of a stream of values in one pass (Welford's update), as
/// <c>np.mean</c> and <c>np.std</c> give them up to rounding.</summary>
public sealed class LossMoments
{
    private double _mean;
    private double _m2;

    /// <summary>Values added.</summary>
    public long Count { get; private set; }

    /// <summary>The mean (NaN when empty).</summary>
    public double Mean => Count == 0 ? double.NaN : _mean;

    /// <summary>The population standard deviation, ddof = 0 (NaN when empty).</summary>
    public double Std => Count == 0 ? double.NaN : Math.Sqrt(Math.Max(0, _m2 / Count));

    /// <summary>Adds one value.</summary>
    public void Add(double value)
    {
        Count++;
        var d = value - _mean;
        _mean += d / Count;
        _m2 += d * (value - _mean);
    }
}

/// <summary>
/// NannyML's sampling error of the DLE metrics (<c>nannyml/sampling_error/regression.py</c>), from the realized
/// per-row losses of the labelled reference: σ / √n for a mean loss (MAE, MSE, MAPE, MSLE), and by the delta method
/// √(σ² / (4 n μ)) for its square root (RMSE, RMSLE), σ and μ the population standard deviation and the mean of the
/// reference's losses, n the chunk's rows. (NannyML's MAPE component divides by y itself; Vigil by max(ε, |y|), the
/// loss scikit-learn's MAPE averages: the same for positive targets.)
/// </summary>
public sealed class DleSamplingError
{
    private readonly Dictionary<DleLoss, (double Std, double Mean)> _components;

    private DleSamplingError(Dictionary<DleLoss, (double, double)> components) => _components = components;

    /// <summary>The components from each loss's moments over the reference.</summary>
    public static DleSamplingError Fit(IReadOnlyDictionary<DleLoss, LossMoments> reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var map = new Dictionary<DleLoss, (double, double)>();
        foreach (var (loss, m) in reference) map[loss] = (m.Std, m.Mean);
        return new DleSamplingError(map);
    }

    /// <summary>The components from each loss's values over the reference (two passes, as NumPy).</summary>
    public static DleSamplingError Fit(IReadOnlyDictionary<DleLoss, double[]> referenceLosses)
    {
        ArgumentNullException.ThrowIfNull(referenceLosses);
        var map = new Dictionary<DleLoss, (double, double)>();
        foreach (var (loss, values) in referenceLosses)
        {
            var mean = Internal.NumpySum.Sum(values) / values.Length;
            var sq = new double[values.Length];
            for (var i = 0; i < sq.Length; i++)
            {
                var d = Math.Abs(values[i] - mean);
                sq[i] = d * d;
            }
            map[loss] = (Math.Sqrt(Internal.NumpySum.Sum(sq) / values.Length), mean);
        }
        return new DleSamplingError(map);
    }

    /// <summary>The standard error of <paramref name="metric"/> for a chunk of <paramref name="rows"/> rows (NaN when the
    /// loss was not fitted or the chunk is empty).</summary>
    public double StandardError(string metric, long rows)
    {
        if (rows <= 0 || !_components.TryGetValue(DleMetrics.LossOf(metric), out var c)) return double.NaN;
        return DleMetrics.IsRoot(metric)
            ? Math.Sqrt(c.Std * c.Std / (4 * rows * c.Mean))
            : c.Std / Math.Sqrt(rows);
    }
}

/// <summary>Bands and thresholds of the DLE metrics, which are losses: bounded below by 0, not above.</summary>
public static class DleBounds
{
    /// <summary>NannyML's confidence band: estimate ± 3 SE, the lower end clipped at 0 and the upper unclipped.</summary>
    public static (double Lower, double Upper) Band(double estimate, double standardError) =>
        (Math.Max(0, estimate - 3 * standardError), estimate + 3 * standardError);

    /// <summary>NannyML's alert thresholds of a regression metric: mean ± 3σ of the realized values over the reference's
    /// chunks, the lower clipped at 0 and dropped when it is exactly 0 (NannyML's special case); no upper limit.</summary>
    public static (double? Lower, double? Upper) Thresholds(IReadOnlyList<double> chunkValues)
    {
        var (lo, hi) = ReferenceThresholds.MeanThreeSigma(chunkValues, 0, double.PositiveInfinity);
        return (lo == 0 ? null : lo, hi);
    }
}
