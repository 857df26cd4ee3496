using System.Text.Json.Serialization;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Results;

/// <summary>The kind of model being evaluated.</summary>
public enum ModelTask { Binary, Multiclass, Regression }

/// <summary>Severity of a data-quality finding.</summary>
public enum Severity { Info, Warning, Error }

/// <summary>Which source column plays which role. Null when the role is absent.</summary>
public sealed record ColumnRoles
{
    public string? Id { get; init; }
    public string? Timestamp { get; init; }
    public string? Version { get; init; }
    public string? Score { get; init; }
    public string? Label { get; init; }
    public string? Prediction { get; init; }
    public IReadOnlyList<string> Features { get; init; } = [];
}

/// <summary>What was read: a description of the source (files, table or query) and its engine.</summary>
public sealed record SourceInfo(string Description, string Engine, IReadOnlyList<string> Columns);

/// <summary>A (x, y) point of a chart series.</summary>
public readonly record struct Point(double X, double Y);

/// <summary>A histogram bin [Lower, Upper) with its count.</summary>
public readonly record struct HistogramBin(double Lower, double Upper, long Count);

/// <summary>Residual-plot data of a regression: a deterministic sample of (prediction, residual) points
/// and the histogram of residuals (residual = prediction - actual).</summary>
public sealed record ResidualData(IReadOnlyList<Point> Sample, IReadOnlyList<HistogramBin> Histogram);

/// <summary>The curves of a binary evaluation.</summary>
public sealed record BinaryCurves(
    IReadOnlyList<RocPoint> Roc,
    [property: JsonPropertyName("pr")] IReadOnlyList<PrPoint> PrecisionRecall,
    IReadOnlyList<CalibrationBin> Calibration);
