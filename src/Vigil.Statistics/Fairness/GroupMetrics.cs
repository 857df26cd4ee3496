using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;

namespace Vigil.Statistics.Fairness;

/// <summary>Options of <see cref="GroupFairnessMetrics.Compute"/>.</summary>
public sealed record FairnessOptions
{
    /// <summary>A row is predicted positive when its score is at or above the threshold (default 0.5).</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>Confidence level of the Wilson intervals (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;

    /// <summary>Groups with fewer rows are kept but flagged <see cref="GroupMetrics.BelowMinimumSize"/> (default 30, the
    /// usual rule of thumb below which a normal approximation, and a disparity between two rates, is not to be trusted;
    /// the Wilson intervals stay valid and show how wide the uncertainty is).</summary>
    public long MinimumGroupSize { get; init; } = 30;
}

/// <summary>The group rates <see cref="GroupMetrics"/> reports.</summary>
public enum FairnessRate
{
    /// <summary>(TP + FP) / n: Fairlearn's selection_rate, Aequitas' pprev.</summary>
    SelectionRate,
    /// <summary>TP / (TP + FN).</summary>
    TruePositiveRate,
    /// <summary>FP / (FP + TN).</summary>
    FalsePositiveRate,
    /// <summary>FN / (TP + FN).</summary>
    FalseNegativeRate,
    /// <summary>TP / (TP + FP).</summary>
    Precision,
    /// <summary>(TP + TN) / n.</summary>
    Accuracy,
}

/// <summary>A rate Numerator / Denominator with its Wilson score interval [Lower, Upper]
/// (<see cref="Proportions.Wilson"/>). When the denominator is 0 the value and the interval are NaN and
/// <paramref name="Reason"/> says why.</summary>
/// <param name="Value">Numerator / Denominator, NaN when the denominator is 0.</param>
/// <param name="Numerator">The count of successes.</param>
/// <param name="Denominator">The count of trials.</param>
/// <param name="Lower">Lower Wilson limit.</param>
/// <param name="Upper">Upper Wilson limit.</param>
/// <param name="Reason">Why the rate is undefined; null when it is defined.</param>
public sealed record GroupRate(double Value, long Numerator, long Denominator, double Lower, double Upper, string? Reason = null);

/// <summary>One group's metrics at the threshold (Fairlearn's MetricFrame with scikit-learn's metrics, one row of
/// <c>by_group</c> or the <c>overall</c> row), with TP, FP, TN, FN counted over rows with score ≥ threshold as positive.
/// An undefined metric is NaN with its reason in <see cref="Notes"/> (and in the rate's own Reason): no positive labels
/// leaves TPR, FNR and ROC AUC undefined; no negative labels FPR and ROC AUC; nothing predicted positive precision.
/// Fairlearn itself returns 0 for a rate over an empty class (scikit-learn's confusion_matrix normalisation
/// replaces 0/0 by 0) and 0 for precision (zero_division); Vigil reports them as undefined and leaves them out of the
/// summaries and disparities.</summary>
/// <param name="Key">The group's key, or "overall".</param>
/// <param name="Size">Rows in the group, n = TP + FP + TN + FN.</param>
/// <param name="Positives">Rows with label 1.</param>
/// <param name="Negatives">Rows with label 0.</param>
/// <param name="Confusion">Counts at the threshold.</param>
/// <param name="SelectionRate">(TP + FP) / n.</param>
/// <param name="TruePositiveRate">TP / (TP + FN).</param>
/// <param name="FalsePositiveRate">FP / (FP + TN).</param>
/// <param name="FalseNegativeRate">FN / (TP + FN).</param>
/// <param name="Precision">TP / (TP + FP).</param>
/// <param name="Accuracy">(TP + TN) / n.</param>
/// <param name="RocAuc">Area under the ROC curve from the group's per-score counts, ties counted one half
/// (scikit-learn's roc_auc_score); NaN when the group lacks a class.</param>
/// <param name="BelowMinimumSize">True when Size &lt; <see cref="FairnessOptions.MinimumGroupSize"/>.</param>
/// <param name="Notes">Which metrics are undefined and why, and the small-group warning.</param>
public sealed record GroupMetrics(
    string Key,
    long Size,
    long Positives,
    long Negatives,
    ConfusionCounts Confusion,
    GroupRate SelectionRate,
    GroupRate TruePositiveRate,
    GroupRate FalsePositiveRate,
    GroupRate FalseNegativeRate,
    GroupRate Precision,
    GroupRate Accuracy,
    double RocAuc,
    bool BelowMinimumSize,
    IReadOnlyList<string> Notes)
{
    /// <summary>The named rate.</summary>
    public GroupRate Rate(FairnessRate rate) => rate switch
    {
        FairnessRate.SelectionRate => SelectionRate,
        FairnessRate.TruePositiveRate => TruePositiveRate,
        FairnessRate.FalsePositiveRate => FalsePositiveRate,
        FairnessRate.FalseNegativeRate => FalseNegativeRate,
        FairnessRate.Precision => Precision,
        FairnessRate.Accuracy => Accuracy,
        _ => throw new ArgumentOutOfRangeException(nameof(rate), rate, null),
    };
}

/// <summary>Metrics of every group and of all groups pooled ("overall"), in the input's group order.</summary>
/// <param name="Threshold">Rows with score ≥ Threshold are predicted positive.</param>
/// <param name="Confidence">Confidence level of the intervals.</param>
/// <param name="MinimumGroupSize">The size below which a group is flagged.</param>
/// <param name="Overall">All rows.</param>
/// <param name="ByGroup">One entry per input group.</param>
public sealed record GroupMetricFrame(double Threshold, double Confidence, long MinimumGroupSize, GroupMetrics Overall, IReadOnlyList<GroupMetrics> ByGroup);

/// <summary>Per-group classification metrics for fairness assessment, from per-score counts.</summary>
public static class GroupFairnessMetrics
{
    /// <summary>The key of the pooled row.</summary>
    public const string OverallKey = "overall";

    /// <summary>Computes every group's metrics and the overall row. Never throws for data-dependent reasons (empty input,
    /// empty groups, one class); throws <see cref="ArgumentException"/> for malformed input (see <see cref="GroupCounts"/>)
    /// or options (NaN threshold, confidence outside (0, 1), negative minimum size).</summary>
    public static GroupMetricFrame Compute(IReadOnlyList<GroupCounts> groups, FairnessOptions? options = null)
    {
        options ??= new FairnessOptions();
        Validate(options);
        var tables = ScoreTable.FromGroups(groups);
        var byGroup = new GroupMetrics[tables.Length];
        for (var i = 0; i < tables.Length; i++)
        {
            byGroup[i] = Metrics(tables[i], options);
        }
        var overall = Metrics(ScoreTable.Pool(OverallKey, tables), options);
        return new GroupMetricFrame(options.Threshold, options.Confidence, options.MinimumGroupSize, overall, byGroup);
    }

    internal static void Validate(FairnessOptions options)
    {
        if (double.IsNaN(options.Threshold))
        {
            throw new ArgumentException("The threshold must not be NaN.", nameof(options));
        }
        if (!(options.Confidence > 0.0 && options.Confidence < 1.0))
        {
            throw new ArgumentException($"The confidence level must lie strictly between 0 and 1, got {options.Confidence}.", nameof(options));
        }
        if (options.MinimumGroupSize < 0)
        {
            throw new ArgumentException($"The minimum group size must not be negative, got {options.MinimumGroupSize}.", nameof(options));
        }
    }

    private static GroupMetrics Metrics(ScoreTable t, FairnessOptions o)
    {
        // The accumulator supplies the confusion counts at the threshold and the exact tie-aware ROC AUC.
        var eval = BinaryScoreAccumulator.Evaluate(t.Cells, new BinaryMetricOptions { Threshold = o.Threshold, MaxCurvePoints = 4 });
        return FromCounts(t.Key, t.Positives, t.Negatives, eval.Confusion, eval.Metrics.First(m => m.Name == "roc_auc").Value ?? double.NaN, o);
    }

    /// <summary>One group's metrics from what a streaming pass keeps of it: its positives and negatives, its confusion
    /// counts at <see cref="FairnessOptions.Threshold"/> and its ROC AUC (NaN when undefined), e.g. from a
    /// <see cref="BinaryScoreAccumulator"/> fed the group's scores in order. The same numbers as
    /// <see cref="Compute"/> gives from the group's per-score counts.</summary>
    public static GroupMetrics FromCounts(string key, long positives, long negatives, ConfusionCounts confusion, double rocAuc, FairnessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        options ??= new FairnessOptions();
        Validate(options);
        var o = options;
        var c = confusion;
        long n = positives + negatives, p = positives, neg = negatives, pp = c.Tp + c.Fp;
        var auc = rocAuc;

        var notes = new List<string>(4);
        const string noRows = "the group is empty";
        string? noPositives = null, noNegatives = null, noPredicted = null;
        if (n == 0)
        {
            notes.Add("the group has no rows: every metric is undefined");
        }
        else
        {
            if (p == 0)
            {
                noPositives = "no positive labels in the group";
                notes.Add(noPositives + ": TPR, FNR and ROC AUC are undefined");
            }
            if (neg == 0)
            {
                noNegatives = "no negative labels in the group";
                notes.Add(noNegatives + ": FPR and ROC AUC are undefined");
            }
            if (pp == 0)
            {
                noPredicted = $"no rows predicted positive at threshold {o.Threshold:R}";
                notes.Add(noPredicted + ": precision is undefined");
            }
        }
        var small = n < o.MinimumGroupSize;
        if (small)
        {
            notes.Add($"{n} rows, fewer than the minimum group size of {o.MinimumGroupSize}: the group's rates are unreliable");
        }

        GroupRate R(long x, long d, string? why) => Rate(x, d, o.Confidence, n == 0 ? noRows : why);
        return new GroupMetrics(
            key, n, p, neg, c,
            R(pp, n, null),
            R(c.Tp, p, noPositives),
            R(c.Fp, neg, noNegatives),
            R(c.Fn, p, noPositives),
            R(c.Tp, pp, noPredicted),
            R(c.Tp + c.Tn, n, null),
            auc,
            small,
            notes);
    }

    private static GroupRate Rate(long x, long d, double confidence, string? reason)
    {
        if (d == 0)
        {
            return new GroupRate(double.NaN, x, d, double.NaN, double.NaN, reason ?? "the denominator is 0");
        }
        var (lo, hi) = Proportions.Wilson(x, d, confidence);
        return new GroupRate((double)x / d, x, d, lo, hi);
    }
}
