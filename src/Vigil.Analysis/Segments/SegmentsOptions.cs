using Vigil.Analysis.Columns;

namespace Vigil.Analysis.Segments;

/// <summary>Options of <c>vigil segments</c>.</summary>
public sealed record SegmentsOptions
{
    public MappingOptions Mapping { get; init; } = new();
    /// <summary>The columns whose values (and pairs of values, at depth 2) define segments.</summary>
    public IReadOnlyList<string> By { get; init; } = [];
    /// <summary>calibration, roc_auc, accuracy, precision or recall (<see cref="SegmentMetrics.Names"/>).</summary>
    public string Metric { get; init; } = "calibration";
    /// <summary>1 (one column's value) or 2 (also two columns' values).</summary>
    public int Depth { get; init; } = 2;
    /// <summary>Minimum rows of a segment (and of its complement) to be tested; null: max(100, 0.5% of the rows).</summary>
    public long? MinRows { get; init; }
    /// <summary>Numerical columns are cut into this many quantile buckets.</summary>
    public int Buckets { get; init; } = 5;
    /// <summary>Show at most this many segments.</summary>
    public int Top { get; init; } = 20;
    /// <summary>Rate metrics: a row is predicted positive when score &gt;= Threshold.</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>The false discovery rate of the Benjamini–Hochberg correction.</summary>
    public double Alpha { get; init; } = 0.05;
    /// <summary>A text column keeps its most frequent values up to this many; the rest are one "(other)" segment.</summary>
    public int MaxValues { get; init; } = 50;
    /// <summary>Tests only: every segment found, tested or not, in key order (no selection, no ranking).</summary>
    internal bool ShowAll { get; init; }
    /// <summary>Text columns: distinct values are first looked for among this many rows.</summary>
    internal int ProbeRows { get; init; } = 100_000;
    /// <summary>Tests only: force (true) or forbid (false) grouping the rows by every key before the grouping sets.</summary>
    internal bool? PreAggregate { get; init; }
}

/// <summary>The metrics <c>vigil segments</c> can search on.</summary>
public static class SegmentMetrics
{
    public static readonly IReadOnlyList<string> Names = ["calibration", "roc_auc", "accuracy", "precision", "recall"];

    public static bool IsRate(string metric) => metric is "accuracy" or "precision" or "recall";
}
