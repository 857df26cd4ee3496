using System.Text.Json.Serialization;
namespace Vigil.Statistics.Classification;

/// <summary>A metric's value, or null with the reason it is undefined. A note may accompany a defined value
/// (for example scikit-learn's zero_division convention).</summary>
public sealed record MetricValue(string Name, double? Value, string? Note = null)
{
    public static MetricValue Undefined(string name, string reason) => new(name, null, reason);
}

/// <summary>Confusion counts of a binary classifier at one threshold (positive when score &gt;= threshold).</summary>
public readonly record struct ConfusionCounts(long Tp, long Fp, long Tn, long Fn)
{
    [JsonIgnore]
    public long Total => Tp + Fp + Tn + Fn;
}

/// <summary>One distinct score with the number of positive and negative rows that carry it.</summary>
public readonly record struct ScoreCount(double Score, long Positives, long Negatives);

/// <summary>A point of the ROC curve: rows with score &gt;= Threshold are predicted positive.</summary>
public readonly record struct RocPoint(double Threshold, double Fpr, double Tpr);

/// <summary>A point of the precision-recall curve.</summary>
public readonly record struct PrPoint(double Threshold, double Precision, double Recall);

/// <summary>One equal-width calibration bin: [Lower, Upper), the last one closed.</summary>
public readonly record struct CalibrationBin(double Lower, double Upper, long Count, double MeanPredicted, double FractionPositive);

/// <summary>A row of the threshold table.</summary>
public sealed record ThresholdRow(double Threshold, ConfusionCounts Confusion, double Precision, double Recall, double F1, double Fpr, double Specificity, double Accuracy);

/// <summary>The threshold that is best by one criterion ("f1", "youden", "cost"), with that criterion's value there.</summary>
public sealed record BestThreshold(string Criterion, double Threshold, double Value, ConfusionCounts Confusion);

/// <summary>Options of a binary evaluation.</summary>
public sealed record BinaryMetricOptions
{
    /// <summary>A row is predicted positive when score &gt;= Threshold.</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>Equal-width bins on [0, 1] for ECE and the calibration curve.</summary>
    public int CalibrationBins { get; init; } = 10;
    /// <summary>At most this many points are kept on the ROC and PR curves (the exact metrics use all points).</summary>
    public int MaxCurvePoints { get; init; } = 201;
    /// <summary>Cost of a false positive, for the cost-optimal threshold (needs CostFn too).</summary>
    public double? CostFp { get; init; }
    /// <summary>Cost of a false negative, for the cost-optimal threshold (needs CostFp too).</summary>
    public double? CostFn { get; init; }
    /// <summary>Thresholds of the threshold table; default 0.05, 0.10, …, 0.95.</summary>
    public IReadOnlyList<double>? ThresholdGrid { get; init; }
}

/// <summary>Everything a binary evaluation produces.</summary>
public sealed record BinaryEvaluation(
    long Rows,
    long Positives,
    long Negatives,
    double Threshold,
    ConfusionCounts Confusion,
    IReadOnlyList<MetricValue> Metrics,
    IReadOnlyList<RocPoint> Roc,
    IReadOnlyList<PrPoint> PrecisionRecall,
    IReadOnlyList<CalibrationBin> Calibration,
    IReadOnlyList<ThresholdRow> ThresholdTable,
    IReadOnlyList<BestThreshold> BestThresholds);

/// <summary>Per-class figures of a multiclass evaluation.</summary>
public sealed record ClassMetrics(string Label, long Support, double Precision, double Recall, double F1, double? RocAuc);

/// <summary>Everything a multiclass evaluation produces. Matrix[i][j] counts rows of actual class i predicted as class j.</summary>
public sealed record MulticlassEvaluation(
    [property: JsonIgnore] long Rows,
    IReadOnlyList<string> Classes,
    IReadOnlyList<IReadOnlyList<long>> Matrix,
    [property: JsonIgnore] IReadOnlyList<MetricValue> Metrics,
    IReadOnlyList<ClassMetrics> PerClass);
