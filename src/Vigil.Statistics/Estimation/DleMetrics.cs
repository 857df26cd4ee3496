namespace Vigil.Statistics.Estimation;

/// <summary>The per-row losses direct loss estimation (DLE) learns: one nanny model per loss.</summary>
public enum DleLoss
{
    /// <summary>|y − ŷ| (MAE).</summary>
    Absolute,

    /// <summary>(y − ŷ)² (MSE, RMSE).</summary>
    Squared,

    /// <summary>|y − ŷ| / max(ε, |y|) (MAPE), ε the double's machine epsilon (scikit-learn's).</summary>
    Percentage,

    /// <summary>(ln(1 + y) − ln(1 + ŷ))² (MSLE, RMSLE); y and ŷ must be ≥ 0.</summary>
    SquaredLog,
}

/// <summary>
/// NannyML's DLE metrics for regression (<c>nannyml/performance_estimation/direct_loss_estimation/metrics.py</c>):
/// each is the mean of a per-row loss over a chunk, or (RMSE, RMSLE) its square root. The estimate of a chunk is the
/// same function of the nanny model's predicted losses; the realized value, of the losses computed from the labels.
/// </summary>
public static class DleMetrics
{
    /// <summary>The metric names, in report order (NannyML's <c>DEFAULT_METRICS</c>, MAPE after RMSE).</summary>
    public static readonly IReadOnlyList<string> All = ["mae", "mse", "rmse", "mape", "msle", "rmsle"];

    /// <summary>The metrics that need y ≥ 0 and ŷ ≥ 0.</summary>
    public static bool NeedsNonNegative(string metric) => LossOf(metric) == DleLoss.SquaredLog;

    /// <summary>The loss a metric averages.</summary>
    /// <exception cref="ArgumentException">Not a DLE metric.</exception>
    public static DleLoss LossOf(string metric) => metric switch
    {
        "mae" => DleLoss.Absolute,
        "mse" or "rmse" => DleLoss.Squared,
        "mape" => DleLoss.Percentage,
        "msle" or "rmsle" => DleLoss.SquaredLog,
        _ => throw new ArgumentException($"'{metric}' is not a DLE metric", nameof(metric)),
    };

    /// <summary>Whether the metric is the square root of the mean loss (RMSE, RMSLE).</summary>
    public static bool IsRoot(string metric) => metric is "rmse" or "rmsle";

    /// <summary>One row's loss, computed as scikit-learn's metrics do.</summary>
    public static double Loss(DleLoss loss, double y, double predicted)
    {
        switch (loss)
        {
            case DleLoss.Absolute:
                return Math.Abs(y - predicted);
            case DleLoss.Squared:
                var e = y - predicted;
                return e * e;
            case DleLoss.Percentage:
                return Math.Abs(y - predicted) / Math.Max(MachineEpsilon, Math.Abs(y));
            default:
                var l = Log1P(y) - Log1P(predicted);
                return l * l;
        }
    }

    /// <summary>ln(1 + x), accurate for small x (Goldberg's correction; <c>double.LogP1</c> is ln(x + 1) as rounded).</summary>
    public static double Log1P(double x)
    {
        var u = 1 + x;
        return u == 1 ? x : Math.Log(u) * x / (u - 1);
    }

    /// <summary>NumPy's <c>np.finfo(np.float64).eps</c>, 2⁻⁵²: scikit-learn's floor on |y| in MAPE.</summary>
    public const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The metric from a chunk's mean loss: the mean itself, or its square root (of 0 when the mean of
    /// predicted losses is negative, which a nanny's rounding can give).</summary>
    public static double FromMeanLoss(string metric, double meanLoss) =>
        IsRoot(metric) ? Math.Sqrt(Math.Max(0, meanLoss)) : meanLoss;
}
