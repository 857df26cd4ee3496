using System.Text.Json.Serialization;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Results;

/// <summary>A drift report: per column, the method, its statistic and decision; for the dataset, whether the share
/// of drifted columns reached the drift share.</summary>
public sealed record DriftResult
{
    public required SourceInfo Reference { get; init; }
    public required SourceInfo Current { get; init; }
    public required long ReferenceRows { get; init; }
    public required long CurrentRows { get; init; }
    public required DatasetDrift Dataset { get; init; }
    /// <summary>Columns, most drifted first (drifted before not, then by how far past the threshold).</summary>
    public required IReadOnlyList<ColumnDrift> Columns { get; init; }
    /// <summary>With --chunk: how the chunks were cut ("day", "week" or "N rows"), else null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ChunkBy { get; init; }
    /// <summary>With --chunk: each chunk of the current data against the whole reference, in order.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<ChunkDrift>? Chunks { get; init; }
    /// <summary>With --chunk by time: current rows left out for lack of a valid timestamp.</summary>
    public long RowsWithoutChunk { get; init; }
    /// <summary>With --multivariate and --chunk: NannyML's PCA reconstruction error per chunk, else null.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MultivariateDrift? Multivariate { get; init; }

    /// <summary>Whether any drift signal this run computed fired: the dataset as a whole, any chunk's dataset drift,
    /// or any multivariate chunk. The headline and <c>--fail-on drift</c> both use this, so they never disagree
    /// with the details.</summary>
    public bool AnyDrift => Dataset.Drifted
        || (Chunks?.Any(c => c.Dataset.Drifted) ?? false)
        || (Multivariate?.Chunks.Any(c => c.Drifted) ?? false);
}

/// <summary>Multivariate drift (NannyML's data reconstruction): the PCA kept <see cref="Components"/> components
/// explaining <see cref="ExplainedVariance"/> of the reference's standardised variance; thresholds are the mean ∓ 3σ
/// (population) of the reference chunks' errors (the lower one null when not above 0).</summary>
public sealed record MultivariateDrift(int Components, double ExplainedVariance, double? ThresholdLower, double ThresholdUpper,
    int ReferenceChunks, IReadOnlyList<string> Columns, IReadOnlyList<MultivariateChunk> Chunks)
{
    /// <summary>Compared columns left out of the PCA because they are constant in the reference (empty when none).</summary>
    public IReadOnlyList<string> ExcludedColumns { get; init; } = [];

    /// <summary>What a reader should know about this result (e.g. the columns left out), or null.</summary>
    public string? Note { get; init; }
}

/// <summary>One current chunk's mean reconstruction error; drifted when not strictly between the thresholds.</summary>
public sealed record MultivariateChunk(string Key, long Rows, double ReconstructionError, bool Drifted);

/// <summary>One chunk of the current data: its label, start (by time) or first row (by count), rows, and its drift.</summary>
public sealed record ChunkDrift(string Key, DateTime? Start, long FirstRow, long Rows, DatasetDrift Dataset, IReadOnlyList<ColumnDrift> Columns);

/// <summary>Dataset drift: drifted when drifted columns / columns ≥ drift share. <see cref="Correction"/>: none,
/// bonferroni or fdr, applied to the columns' p-values.</summary>
public sealed record DatasetDrift(bool Drifted, double Share, int DriftedColumns, int Columns, double DriftShare, string Correction = "none");

/// <summary>One column's drift. <see cref="Result"/> is null when no method could run (then <see cref="Note"/> says
/// why). Missing counts are the values left out of the test: nulls, NaN and infinities.</summary>
public sealed record ColumnDrift
{
    public required string Name { get; init; }
    /// <summary>"feature", "target" (the label column) or "prediction" (the score or prediction column): target and
    /// prediction drift tell concept drift from data drift.</summary>
    public string Role { get; init; } = "feature";
    public required ColumnType Type { get; init; }
    public required string Method { get; init; }
    /// <summary>Why this method: "chosen" (by --method or --per-column) or Evidently's automatic rule, spelled out.</summary>
    public required string Reason { get; init; }
    public DriftTestResult? Result { get; init; }
    public required long ReferenceMissing { get; init; }
    public required long CurrentMissing { get; init; }
    public required int DistinctValues { get; init; }
    public string? Note { get; init; }
    /// <summary>The p-value after --correction (null without one, and for distances).</summary>
    [JsonPropertyName("p_value_adjusted")]
    public double? AdjustedPValue { get; init; }
    /// <summary>The decision: the method's, or with --correction the adjusted p-value's against the threshold.</summary>
    public bool Drifted { get; init; }
    /// <summary>The two distributions to draw: shares of each side per bin (numbers) or category.</summary>
    // Chart data for the HTML report, not part of the documented JSON.
    [JsonIgnore]
    public Distribution? Distribution { get; init; }
    /// <summary>Null when the result is exact; set when the reference is a profile that pooled this column's values.</summary>
    public ReferenceApproximation? Approximation { get; init; }
}

/// <summary>The bound of a result computed against a profile's pooled buckets: <see cref="CdfError"/>, the most the
/// reference's distribution function can be off anywhere (a share of its values); <see cref="StatisticError"/>, the
/// most the statistic can be off (ks, wasserstein), else null; <see cref="BinnedShareError"/>, for the binned methods,
/// the share of reference values that may belong to a neighbouring bin; <see cref="Explanation"/> says it in words.</summary>
public sealed record ReferenceApproximation(int PooledBuckets, double CdfError, double? StatisticError, double? BinnedShareError, string Explanation);

/// <summary>Shares of the reference and the current values per bin or category, as the reports draw them.
/// <see cref="Kind"/> says how the bins were cut:
/// <list type="bullet">
/// <item>"categories": <see cref="Labels"/> are the most frequent categories over both sides, the rest pooled as
/// "other (N)";</item>
/// <item>"values": a numerical column with few distinct values (a 0/1 target, a small count), each value its own
/// category, labelled by the value;</item>
/// <item>"quantiles": <see cref="Edges"/> are the reference's quantiles (up to 20 bins of about equal reference share,
/// the outer edges the smallest and largest value over both sides), meant to be drawn equally wide with the edges as
/// tick labels, so that a shift shows on skewed data;</item>
/// <item>"equal_width": Sturges bins between <see cref="Edges"/> over both sides (when the reference has too few
/// distinct values for quantiles).</item>
/// </list>
/// Bins are [lower, upper), the last one closed.</summary>
public sealed record Distribution(IReadOnlyList<double>? Edges, IReadOnlyList<string>? Labels, IReadOnlyList<double> Reference, IReadOnlyList<double> Current)
{
    /// <summary>"categories", "values", "quantiles" or "equal_width" (see the record's summary).</summary>
    public string Kind { get; init; } = Edges is null ? "categories" : "equal_width";

    /// <summary>For the Kolmogorov–Smirnov family (ks, wasserstein, anderson, cramer_von_mises, ed) on a "quantiles"
    /// distribution: both samples' empirical distribution functions at up to 200 points; else null.</summary>
    public EcdfCurves? Ecdf { get; init; }
}

/// <summary>Both samples' empirical distribution functions at the same ascending points <see cref="X"/>: the share of
/// each side's values at or below each point.</summary>
public sealed record EcdfCurves(IReadOnlyList<double> X, IReadOnlyList<double> Reference, IReadOnlyList<double> Current);
