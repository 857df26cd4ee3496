using System.Text.Json.Serialization;

namespace Vigil.Analysis.Results;

/// <summary><c>vigil estimate</c>: a model's performance per chunk estimated without labels (NannyML's CBPE for binary
/// classifiers, DLE for regression models), with
/// the realized value where labels exist. JSON: {"kind":"estimation", "method", "chunks": [...]}, chunks in data
/// order; the reference's chunks (on which the alert thresholds were learned) in "reference_chunks".</summary>
public sealed record EstimationResult
{
    /// <summary>"cbpe" (classifiers) or "dle" (regression).</summary>
    public required string Method { get; init; }
    public required ModelTask Task { get; init; }
    /// <summary>The analysis set.</summary>
    public required SourceInfo Source { get; init; }
    public required SourceInfo Reference { get; init; }
    public required ColumnRoles Columns { get; init; }
    /// <summary>How the sets were cut: "day", "week", "10000 rows".</summary>
    public required string Chunking { get; init; }
    /// <summary>Predicted positive when score &gt;= threshold.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Threshold { get; init; }
    /// <summary>Where the threshold came from: "default", "--threshold" or "prediction column".</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ThresholdSource { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public CalibrationInfo? Calibration { get; init; }
    /// <summary>Multiclass: the classes, in order (the probability columns' and the macro averages').</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<string>? Classes { get; init; }
    /// <summary>Multiclass: each class's calibration (one-vs-rest isotonic, decided class by class).</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ClassCalibrationInfo>? ClassCalibration { get; init; }
    /// <summary>The metrics estimated, in report order.</summary>
    public required IReadOnlyList<string> Metrics { get; init; }
    /// <summary>The analysis set's chunks, in data order.</summary>
    public required IReadOnlyList<EstimatedChunk> Chunks { get; init; }
    /// <summary>The reference's chunks, in data order: realized and estimated values, and the thresholds' source.</summary>
    public required IReadOnlyList<EstimatedChunk> ReferenceChunks { get; init; }
    /// <summary>Every (chunk, metric) whose estimate is outside its thresholds, in data order.</summary>
    public required IReadOnlyList<EstimationAlert> Alerts { get; init; }
    /// <summary>What the method assumes, in a sentence each.</summary>
    public required IReadOnlyList<string> Assumptions { get; init; }
    /// <summary>Where the assumptions visibly fail, and rows left out.</summary>
    public required IReadOnlyList<QualityIssue> Findings { get; init; }
}

/// <summary>How the reference's scores were calibrated: isotonic regression when it lowered the expected calibration
/// error of held-out folds (ECE before and after, averaged over the folds).</summary>
public sealed record CalibrationInfo(bool Calibrated, double EceBefore, double EceAfter, int Folds, string Reason);

/// <summary>One class's calibration in multiclass CBPE: its probability column, whether isotonic calibration of "this
/// class against the rest" was applied, and the held-out expected calibration errors (null where not computed).</summary>
public sealed record ClassCalibrationInfo(string Class, string Column, bool Calibrated, double? EceBefore, double? EceAfter);

/// <summary>One chunk: where it lies, its rows (and labelled rows), and each metric's estimate.</summary>
public sealed record EstimatedChunk
{
    /// <summary>"2026-06-01", "week of 2026-06-01", "rows 1–10,000".</summary>
    public required string Key { get; init; }
    /// <summary>The period's start (time chunks) or the first timestamp in the chunk (row chunks, when there is a timestamp).</summary>
    public DateTime? Start { get; init; }
    /// <summary>The period's end (exclusive; time chunks) or the last timestamp in the chunk.</summary>
    public DateTime? End { get; init; }
    public required long Rows { get; init; }
    /// <summary>Rows with a label (the realized values are computed on them).</summary>
    public required long LabelledRows { get; init; }
    public required IReadOnlyDictionary<string, EstimatedMetric> Metrics { get; init; }
}

/// <summary>A metric in one chunk. The band is estimated ± 3 sampling standard errors (NannyML's), clipped to [0, 1]
/// (CBPE) or below at 0 (DLE's losses);
/// realized is null without labels; alert when the estimate is outside [threshold_lower, threshold_upper].</summary>
public sealed record EstimatedMetric
{
    public double? Estimated { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? StandardError { get; init; }
    public double? Lower { get; init; }
    public double? Upper { get; init; }
    public double? Realized { get; init; }
    public double? ThresholdLower { get; init; }
    public double? ThresholdUpper { get; init; }
    public bool Alert { get; init; }
}

/// <summary>An estimate outside its thresholds.</summary>
public sealed record EstimationAlert(string Chunk, string Metric, double Estimated, double? ThresholdLower, double? ThresholdUpper, string Message);
