using Vigil.Analysis.Columns;
using Vigil.Analysis.Slicing;

namespace Vigil.Analysis.Comparison;

/// <summary>Options of <c>vigil compare</c>.</summary>
public sealed record ComparisonOptions
{
    public MappingOptions Mapping { get; init; } = new();
    /// <summary>The baseline's value of the version column (one-log mode); null with two logs.</summary>
    public string? Baseline { get; init; }
    /// <summary>The candidate's value of the version column (one-log mode); null with two logs.</summary>
    public string? Candidate { get; init; }
    /// <summary>Repeat the comparison per distinct combination of these columns.</summary>
    public IReadOnlyList<SegmentPart> SegmentBy { get; init; } = [];
    /// <summary>Binary: a row is predicted positive when score &gt;= Threshold.</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>The metric whose difference decides each segment's verdict (default roc_auc).</summary>
    public string PrimaryMetric { get; init; } = "roc_auc";
    /// <summary>The multiple-comparison correction across segments: holm (default) or bh.</summary>
    public string Correction { get; init; } = "holm";
    /// <summary>A corrected p-value below this is significant.</summary>
    public double Alpha { get; init; } = 0.05;
    /// <summary>Confidence level of the intervals.</summary>
    public double Confidence { get; init; } = 0.95;
    /// <summary>Bootstrap replicates for the metrics with no closed-form interval.</summary>
    public int BootstrapReplicates { get; init; } = 1000;
    /// <summary>Seed of the bootstrap (and of the surrogates' sample).</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Pair the versions' rows by id when both scored the same ids: auto (when at least
    /// <see cref="PairedMinShare"/> of each version's rows have a partner), always, or never.</summary>
    public PairingMode Pairing { get; init; } = PairingMode.Auto;
    /// <summary>Auto pairing needs this share of each version's rows matched by id.</summary>
    public double PairedMinShare { get; init; } = 0.95;
    /// <summary>At most this many segments.</summary>
    public int MaxSegments { get; init; } = 1000;
    /// <summary>Feature impact (a surrogate per version): the feature columns, or null for none.</summary>
    public IReadOnlyList<string>? Features { get; init; }
    /// <summary>Rows sampled per version for the surrogates.</summary>
    public int SurrogateRows { get; init; } = 200_000;
    /// <summary>Rows per version whose SHAP values are averaged.</summary>
    public int ShapRows { get; init; } = 2_000;
}

/// <summary>Whether the versions' rows are paired by id.</summary>
public enum PairingMode { Auto, Always, Never }
