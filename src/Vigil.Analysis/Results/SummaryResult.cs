using System.Text.Json.Serialization;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Results;

/// <summary>Period granularity of a summary.</summary>
public enum PeriodUnit { Hour, Day, Week }

/// <summary>A daily (hourly, weekly) performance summary plus data-quality findings.
/// JSON: {"kind":"summary", "periods":[{"start","model_version","rows","labeled","metrics"}], "quality":{"issues":[...]}}.</summary>
public sealed record SummaryResult
{
    public required SourceInfo Source { get; init; }
    public required ModelTask Task { get; init; }
    public required ColumnRoles Columns { get; init; }
    public required PeriodUnit Period { get; init; }
    public required DateTime AsOf { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Threshold { get; init; }
    /// <summary>All rows read.</summary>
    public required long TotalRows { get; init; }
    /// <summary>Rows left out of the metrics because a quality check failed (duplicates' later occurrences,
    /// null or out-of-range scores, invalid labels, unparseable or future timestamps).</summary>
    public required long ExcludedRows { get; init; }
    /// <summary>Rows per period and model version, ordered by start then version.</summary>
    public required IReadOnlyList<PeriodSummary> Periods { get; init; }
    /// <summary>The whole covered range per model version.</summary>
    public required IReadOnlyList<PeriodSummary> Overall { get; init; }
    public required QualityReport Quality { get; init; }
    /// <summary>The first and last period of the bulk of the data: periods that hold rows, less those an
    /// <c>outlier_timestamp</c> finding sets apart. Null without timestamps. Charts over time draw this range.</summary>
    public DateTime? CoveredFrom { get; init; }
    /// <summary>See <see cref="CoveredFrom"/>.</summary>
    public DateTime? CoveredTo { get; init; }
}

/// <summary>One period (or the whole range, with Start null) of one model version (null when there is no version column).</summary>
public sealed record PeriodSummary
{
    /// <summary>Null in <see cref="SummaryResult.Overall"/>, and then left out of the JSON.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTime? Start { get; init; }
    public string? ModelVersion { get; init; }
    /// <summary>Rows in the period that pass the quality checks.</summary>
    public required long Rows { get; init; }
    /// <summary>Of those, rows with a valid label.</summary>
    public required long Labeled { get; init; }
    /// <summary>Share of labeled rows whose label is positive (binary), or null.</summary>
    public double? PositiveRate { get; init; }
    /// <summary>Mean score (binary) or mean prediction (regression).</summary>
    public double? MeanScore { get; init; }
    public required IReadOnlyList<MetricValue> Metrics { get; init; }
}

/// <summary>Data-quality findings and per-column profiles.</summary>
public sealed record QualityReport
{
    public required IReadOnlyList<QualityIssue> Issues { get; init; }
    public required IReadOnlyList<ColumnProfile> Columns { get; init; }
}

/// <summary>One finding: the check's name (duplicate_id, null_score, ...), its severity, how many rows it affects,
/// a sentence for people, up to five example ids (or values), and the column or period it concerns.</summary>
public sealed record QualityIssue(
    string Check,
    Severity Severity,
    long Rows,
    string Message,
    IReadOnlyList<string> Examples,
    string? Column = null,
    DateTime? Period = null);

/// <summary>A column's profile: type, nulls, distinct values (approximate above 100k), constant or not.</summary>
public sealed record ColumnProfile(string Name, string Type, string Role, long Nulls, double NullRate, long? Distinct, bool Constant);
