using System.Text.Json.Serialization;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Results;

/// <summary>The evaluation of one model (or one segment): metrics, confusion, curves and tables.
/// JSON: {"kind":"evaluation", "task", "rows", "threshold", "metrics", "confusion", "curves", ...}.</summary>
public sealed record EvaluationResult
{
    public required SourceInfo Source { get; init; }
    public required ModelTask Task { get; init; }
    public required ColumnRoles Columns { get; init; }
    /// <summary>Rows evaluated (both score/prediction and label present and valid).</summary>
    public required long Rows { get; init; }
    /// <summary>Rows of the source left out, by reason (e.g. "missing_label": 12).</summary>
    public IReadOnlyDictionary<string, long> Excluded { get; init; } = new Dictionary<string, long>();
    /// <summary>Binary only: the decision threshold (positive when score &gt;= threshold).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Threshold { get; init; }
    public required IReadOnlyList<MetricValue> Metrics { get; init; }
    /// <summary>Binary only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConfusionCounts? Confusion { get; init; }
    /// <summary>Binary only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public BinaryCurves? Curves { get; init; }
    /// <summary>Binary only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ThresholdRow>? ThresholdTable { get; init; }
    /// <summary>Binary only: best thresholds for f1, youden and (when costs are given) cost.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<BestThreshold>? BestThresholds { get; init; }
    /// <summary>Multiclass only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MulticlassEvaluation? Multiclass { get; init; }
    /// <summary>Regression only.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ResidualData? Residuals { get; init; }
    /// <summary>With --segment-by: the same evaluation per segment (segments carry no nested segments).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SegmentEvaluation>? Segments { get; init; }
    /// <summary>What a reader should know about this evaluation, as findings with a severity (e.g. the decision
    /// threshold is far from the best one, or rows that summary would exclude were kept). <c>--fail-on</c> gates on
    /// their severities, as it does on a summary's data-quality findings.</summary>
    public IReadOnlyList<QualityIssue> Findings { get; init; } = [];
}

/// <summary>One segment's evaluation: the segment's key (column -> value, null shown as null) and its result.</summary>
public sealed record SegmentEvaluation(IReadOnlyDictionary<string, string?> Key, EvaluationResult Result);
