using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;

namespace Vigil.Analysis.Drift;

/// <summary>What to compare and how.</summary>
public sealed record DriftOptions
{
    /// <summary>Whether to compute what the charts draw (<see cref="ColumnDrift.Distribution"/>: quantile bins, ECDFs);
    /// only the HTML report draws them, so the CLI leaves them out of console, JSON and Markdown runs, which saves two
    /// ordered passes over every numerical column. Default true.</summary>
    public bool Distributions { get; init; } = true;

    /// <summary>Columns to compare (default: every column both sides hold, but for the id, the timestamp and date or
    /// time columns).</summary>
    public IReadOnlyList<string>? Columns { get; init; }
    /// <summary>One method for every column (default: Evidently's automatic choice per column).</summary>
    public string? Method { get; init; }
    /// <summary>One threshold for every column (default: the method's).</summary>
    public double? Threshold { get; init; }
    /// <summary>Per-column method and/or threshold, over <see cref="Method"/> and <see cref="Threshold"/>.</summary>
    public IReadOnlyDictionary<string, (string? Method, double? Threshold)> PerColumn { get; init; } =
        new Dictionary<string, (string?, double?)>();
    /// <summary>The dataset drifted when at least this share of its columns drifted.</summary>
    public double DriftShare { get; init; } = 0.5;
    /// <summary>Multiple-testing correction of the p-values: none (Evidently's default), bonferroni or fdr.</summary>
    public string Correction { get; init; } = "none";
    /// <summary>Also test each chunk of the current data: a period of the timestamp column (<see cref="TimeChunk"/>) or
    /// a number of rows in the source's order (<see cref="RowChunk"/>); null for none.</summary>
    public ChunkSpec? Chunk { get; init; }
    /// <summary>The current data's timestamp column, for --chunk day|week (default: timestamp).</summary>
    public string? Timestamp { get; init; }
    /// <summary>The label column (target drift; default actual_label) and the score or prediction columns (prediction
    /// drift; default prediction_score and prediction), reported as such when present.</summary>
    public string? Label { get; init; }
    public IReadOnlyList<string>? Predictions { get; init; }
    /// <summary>"reference-chunks": learn each column's threshold as mean + 3σ of its statistic over the reference's
    /// own chunks (NannyML's way); null for the methods' thresholds.</summary>
    public string? ThresholdFrom { get; init; }
    /// <summary>Also NannyML's multivariate drift (PCA reconstruction error per chunk, thresholds from the reference's
    /// chunks cut the same way); needs <see cref="Chunk"/>.</summary>
    public bool Multivariate { get; init; }
    /// <summary>Test the numerical columns on ordered streams of their distinct values (O(1) memory per column), as a
    /// server engine does, even when both sides are in-process (for tests).</summary>
    internal bool StreamNumbers { get; init; }
}
