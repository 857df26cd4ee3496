using Vigil.Analysis.Columns;
using Vigil.Analysis.Slicing;

namespace Vigil.Analysis.Estimation;

/// <summary>Options of <c>vigil estimate</c>.</summary>
public sealed record EstimationOptions
{
    /// <summary>Column roles of both sets (the reference must have a label; the analysis set may).</summary>
    public MappingOptions Mapping { get; init; } = new();

    /// <summary>How both sets are cut into chunks; null: each set in 10 chunks of equal rows (NannyML's default).</summary>
    public ChunkSpec? Chunk { get; init; }

    /// <summary>Predicted positive when score &gt;= threshold. Null: 0.5, or read from the prediction column when
    /// there is one (the smallest score the reference predicts positive).</summary>
    public double? Threshold { get; init; }

    /// <summary>The metrics to estimate, in report order.</summary>
    public IReadOnlyList<string> Metrics { get; init; } = EstimationAnalysis.BinaryMetrics;

    /// <summary>A chunk needs at least this many rows for its band to mean something.</summary>
    public long MinChunkRows { get; init; } = 100;

    /// <summary>Folds of the reference for the calibration decision.</summary>
    public int CalibrationFolds { get; init; } = 5;

    /// <summary>Alert bounds: learned from the reference chunks (mean ± 3σ of the realized metric), or fixed per metric.</summary>
    public IReadOnlyDictionary<string, (double? Lower, double? Upper)> FixedThresholds { get; init; } = new Dictionary<string, (double?, double?)>();
}
