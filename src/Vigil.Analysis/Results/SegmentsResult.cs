using System.Text.Json.Serialization;

namespace Vigil.Analysis.Results;

/// <summary><c>vigil segments</c>: the segments (one column's value, or two columns' values) where the model does
/// worst against the rest of the data, best-ranked first. JSON: {"kind":"segments", "metric", "segments": [...]}.</summary>
public sealed record SegmentsResult
{
    public required string Metric { get; init; }
    public required IReadOnlyList<SegmentHit> Segments { get; init; }
    public required SourceInfo Source { get; init; }
    public required ColumnRoles Columns { get; init; }
    /// <summary>Rows searched (score and label valid).</summary>
    public required long Rows { get; init; }
    /// <summary>Rows of the source left out, by reason (e.g. "missing_label": 12).</summary>
    public IReadOnlyDictionary<string, long> Excluded { get; init; } = new Dictionary<string, long>();
    /// <summary>The metric over all rows.</summary>
    public double? Overall { get; init; }
    /// <summary>Rate metrics only: a row is predicted positive when score &gt;= threshold.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Threshold { get; init; }
    /// <summary>1: one column's values; 2: also every pair of columns.</summary>
    public required int Depth { get; init; }
    /// <summary>A segment (and its complement) needs at least this many rows to be tested.</summary>
    public required long MinRows { get; init; }
    /// <summary>The false discovery rate of the Benjamini–Hochberg correction over the tested segments.</summary>
    public required double Alpha { get; init; }
    /// <summary>Segments found (every value, and pair of values, present in the data).</summary>
    public required int Searched { get; init; }
    /// <summary>Segments large enough to test (segment and complement at least min_rows, metric defined on both).</summary>
    public required int Tested { get; init; }
    /// <summary>Tested segments whose adjusted p-value is below alpha.</summary>
    public required int Significant { get; init; }
    /// <summary>How each --by column was cut into values.</summary>
    public required IReadOnlyList<SegmentColumn> By { get; init; }
    /// <summary>How the metric was computed, in a sentence each (approximations, groupings).</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>One segment against its complement (every other row). Value, complement and gap are the metric's
/// (calibration: mean predicted − observed rate); the interval and p-value are the gap's test, p_adjusted its
/// Benjamini–Hochberg adjustment over every tested segment.</summary>
public sealed record SegmentHit
{
    /// <summary>Column → value (null for a NULL value; numerical columns as their bucket, e.g. "[12, 30)").</summary>
    public required IReadOnlyDictionary<string, string?> Segment { get; init; }
    public required long Rows { get; init; }
    public double? Value { get; init; }
    public double? Complement { get; init; }
    public double? Gap { get; init; }
    public double? Lower { get; init; }
    public double? Upper { get; init; }
    public double? PValue { get; init; }
    public double? PAdjusted { get; init; }
    /// <summary>One line in plain language.</summary>
    public required string Finding { get; init; }
    /// <summary>The test statistic of the gap (standard normal under no difference).</summary>
    public double? Z { get; init; }
    public required long Positives { get; init; }
    /// <summary>Mean score in the segment.</summary>
    public double? Predicted { get; init; }
    /// <summary>Positive rate in the segment.</summary>
    public double? Observed { get; init; }
    /// <summary>Calibration only: expected calibration error in the segment (10 equal-width score bins).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Ece { get; init; }
    /// <summary>Rows of the complement.</summary>
    public required long ComplementRows { get; init; }
}

/// <summary>How a --by column became segment values: "values" (each value; beyond the most frequent
/// <c>Values</c>.Count the rest are one "(other)" segment) or "quantiles" (numerical: buckets at the quantiles).</summary>
public sealed record SegmentColumn(string Name, string Cut, IReadOnlyList<string> Values, long OtherValues);
