using Vigil.Statistics.Classification;

namespace Vigil.Statistics.Regression;

/// <summary>Regression metrics from engine-reduced sums, scikit-learn's definitions (error e = prediction − actual).</summary>
internal static class RegressionMetrics
{
    /// <summary>np.finfo(np.float64).eps, scikit-learn's mean_absolute_percentage_error floor on |y|.</summary>
    internal const double MapeEps = 2.220446049250313e-16;

    public static IReadOnlyList<string> Names { get; } =
        ["mae", "mse", "rmse", "r2", "mape", "median_absolute_error", "max_error", "mean_error"];

    public static IReadOnlyList<MetricValue> Compute(RegressionSums sums)
    {
        ArgumentNullException.ThrowIfNull(sums);
        var metrics = new List<MetricValue>(8);
        long n = sums.Count;
        if (n <= 0)
        {
            foreach (string name in Names)
            {
                metrics.Add(MetricValue.Undefined(name, BinaryScoreAccumulator.NoRowsReason));
            }
            return metrics;
        }
        double mse = sums.SumSquaredError / n;
        metrics.Add(new MetricValue("mae", sums.SumAbsError / n));
        metrics.Add(new MetricValue("mse", mse));
        metrics.Add(new MetricValue("rmse", Math.Sqrt(mse)));
        metrics.Add(R2(sums));
        metrics.Add(new MetricValue("mape", sums.SumAbsPercentageError / n));
        metrics.Add(new MetricValue("median_absolute_error", sums.MedianAbsError));
        metrics.Add(new MetricValue("max_error", sums.MaxAbsError));
        metrics.Add(new MetricValue("mean_error", sums.SumError / n));
        return metrics;
    }

    private static MetricValue R2(RegressionSums sums)
    {
        if (sums.Count < 2)
        {
            return MetricValue.Undefined("r2", "R² is not well-defined with less than two rows (scikit-learn returns NaN)");
        }
        double ssRes = sums.SumSquaredError;
        double ssTot = sums.SumSquaredDeviationActual;
        if (ssTot == 0)
        {
            return ssRes == 0
                ? new MetricValue("r2", 1.0, "constant actuals predicted exactly; 1 by scikit-learn's force_finite")
                : new MetricValue("r2", 0.0, "constant actuals; 0 by scikit-learn's force_finite (R² is otherwise −∞)");
        }
        return new MetricValue("r2", 1.0 - ssRes / ssTot);
    }
}
