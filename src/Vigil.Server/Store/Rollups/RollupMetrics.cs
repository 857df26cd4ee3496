using Vigil.Analysis.Results;

namespace Vigil.Server.Store.Rollups;

/// <summary>The numbers the dashboard reads from rollup cells: binned ROC AUC, accuracy and the regression errors,
/// rates, latency quantiles and PSI against the reference's bins. Pure functions of cells.</summary>
internal static class RollupMetrics
{
    /// <summary>The drift share's (and the heatmap's) PSI threshold.</summary>
    public const double PsiThreshold = 0.2;

    /// <summary>The metrics a task's series shows per version.</summary>
    public static IReadOnlyList<string> SeriesMetrics(ModelTask task) => task switch
    {
        ModelTask.Binary => ["roc_auc", "accuracy", "mean_score", "label_rate"],
        ModelTask.Regression => ["mae", "rmse", "mean_prediction", "label_rate"],
        _ => ["accuracy", "label_rate"],
    };

    /// <summary>The key metric of a task when no monitor names one.</summary>
    public static string DefaultMetric(ModelTask task) => task switch
    {
        ModelTask.Binary => "roc_auc",
        ModelTask.Regression => "mae",
        _ => "accuracy",
    };

    /// <summary>Whether the rollups hold what a metric needs for a task.</summary>
    public static bool Supports(string metric, ModelTask task) => metric switch
    {
        "roc_auc" or "precision" or "recall" or "f1" or "mean_score" => task == ModelTask.Binary,
        "accuracy" => task != ModelTask.Regression,
        "mae" or "rmse" or "r2" or "mean_prediction" => task == ModelTask.Regression,
        "label_rate" or "error_rate" or "latency_p50_ms" or "latency_p99_ms" or "volume" => true,
        _ => false,
    };

    /// <summary>The cells added together (null when there are none).</summary>
    public static RollupCell? Sum(IEnumerable<RollupCell> cells, RollupBins bins)
    {
        RollupCell? total = null;
        foreach (var c in cells)
        {
            total ??= new RollupCell(bins);
            total.Add(c);
        }
        return total;
    }

    /// <summary>A metric of a cell (null when the cell has no rows it can be computed from).</summary>
    public static double? Metric(string metric, ModelTask task, RollupCell? c)
    {
        if (c is null) return null;
        return metric switch
        {
            "roc_auc" => RocAuc(c),
            "accuracy" => task == ModelTask.Binary ? BinaryAt(c).Accuracy : Ratio(c.Correct, c.Labelled),
            "precision" => BinaryAt(c).Precision,
            "recall" => BinaryAt(c).Recall,
            "f1" => BinaryAt(c).F1,
            "mean_score" => c.ScoreCount > 0 ? c.ScoreSum / c.ScoreCount : null,
            "mean_prediction" => c.PredictionCount > 0 ? c.PredictionSum / c.PredictionCount : null,
            "mae" => c.Pairs > 0 ? c.AbsError / c.Pairs : null,
            "rmse" => c.Pairs > 0 ? Math.Sqrt(Math.Max(0, c.SquaredError) / c.Pairs) : null,
            "r2" => c.Pairs > 1 && c.LabelSquares - c.LabelSum * c.LabelSum / c.Pairs is var tot && tot > 0 ? 1 - c.SquaredError / tot : null,
            "label_rate" => Ratio(c.Labelled, c.N),
            "error_rate" => Ratio(c.Errors, c.N),
            "latency_p50_ms" => LatencyQuantile(c, 0.5),
            "latency_p99_ms" => LatencyQuantile(c, 0.99),
            "volume" => c.N,
            _ => null,
        };
    }

    private static double? Ratio(long a, long b) => b > 0 ? (double)a / b : null;

    /// <summary>ROC AUC from the per-class score histograms: pairs in different bins count as the exact AUC counts them,
    /// pairs in one bin as a half. So it differs from the exact AUC by at most <see cref="RocAucBound"/>.</summary>
    public static double? RocAuc(RollupCell c)
    {
        long p = 0, n = 0;
        for (var i = 0; i < RollupBins.ScoreBins; i++)
        {
            p += c.ScorePositive[i];
            n += c.ScoreNegative[i];
        }
        if (p == 0 || n == 0) return null;
        double wins = 0;
        long above = 0;
        for (var i = RollupBins.ScoreBins - 1; i >= 0; i--)
        {
            wins += c.ScoreNegative[i] * (double)above + 0.5 * c.ScoreNegative[i] * (double)c.ScorePositive[i];
            above += c.ScorePositive[i];
        }
        return wins / ((double)p * n);
    }

    /// <summary>The most the binned AUC can differ from the exact one: half the share of (positive, negative) pairs that
    /// fall in one bin, ½·Σᵢ pᵢnᵢ / (P·N).</summary>
    public static double RocAucBound(RollupCell c)
    {
        double p = c.ScorePositive.Sum(), n = c.ScoreNegative.Sum(), same = 0;
        for (var i = 0; i < RollupBins.ScoreBins; i++) same += (double)c.ScorePositive[i] * c.ScoreNegative[i];
        return p == 0 || n == 0 ? 0 : 0.5 * same / (p * n);
    }

    /// <summary>Binary counts at the threshold 0.5 (bins 50 and up are a positive prediction: exact, as 0.5 is a bin edge).</summary>
    private static (double? Accuracy, double? Precision, double? Recall, double? F1) BinaryAt(RollupCell c)
    {
        long tp = 0, fp = 0, fn = 0, tn = 0;
        for (var i = 0; i < RollupBins.ScoreBins; i++)
        {
            if (i >= RollupBins.ScoreBins / 2)
            {
                tp += c.ScorePositive[i];
                fp += c.ScoreNegative[i];
            }
            else
            {
                fn += c.ScorePositive[i];
                tn += c.ScoreNegative[i];
            }
        }
        var all = tp + fp + fn + tn;
        double? precision = tp + fp > 0 ? (double)tp / (tp + fp) : null;
        double? recall = tp + fn > 0 ? (double)tp / (tp + fn) : null;
        double? f1 = 2 * tp + fp + fn > 0 ? 2.0 * tp / (2 * tp + fp + fn) : null;
        return (all > 0 ? (double)(tp + tn) / all : null, precision, recall, f1);
    }

    /// <summary>The nearest-rank quantile of the latencies (the value at rank ⌈q·n⌉), read as its bin's geometric middle:
    /// within a factor √1.05 of the true one.</summary>
    public static double? LatencyQuantile(RollupCell c, double q)
    {
        long n = 0;
        foreach (var v in c.Latency.Values) n += v;
        if (n <= 0) return null;
        var rank = Math.Max(1, (long)Math.Ceiling(q * n));
        long seen = 0;
        foreach (var (bin, count) in c.Latency.OrderBy(kv => kv.Key))
        {
            seen += count;
            if (seen >= rank) return RollupBins.LatencyValue(bin);
        }
        return RollupBins.LatencyValue(c.Latency.Keys.Max());
    }

    /// <summary>PSI of current counts against reference counts on the same bins, Σ (r − c)·ln(r / c) over the shares,
    /// an empty bin's share filled as Evidently fills it (0.0001, or a millionth of the smallest non-empty share when that
    /// is at most 0.0001). Null when either side has no values.</summary>
    public static double? Psi(IReadOnlyList<long> reference, IReadOnlyList<long> current)
    {
        var r = Shares(reference);
        var c = Shares(current);
        if (r is null || c is null) return null;
        double psi = 0;
        for (var i = 0; i < r.Length; i++) psi += (r[i] - c[i]) * Math.Log(r[i] / c[i]);
        return psi;
    }

    private static double[]? Shares(IReadOnlyList<long> counts)
    {
        double total = 0;
        foreach (var x in counts) total += x;
        if (total <= 0) return null;
        var s = new double[counts.Count];
        var min = double.MaxValue;
        for (var i = 0; i < s.Length; i++)
        {
            s[i] = counts[i] / total;
            if (s[i] > 0) min = Math.Min(min, s[i]);
        }
        var fill = min <= 0.0001 ? min / 1e6 : 0.0001;
        for (var i = 0; i < s.Length; i++)
            if (s[i] == 0) s[i] = fill;
        return s;
    }
}
