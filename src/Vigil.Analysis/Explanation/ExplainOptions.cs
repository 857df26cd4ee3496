using Vigil.Analysis.Columns;
using Vigil.Analysis.Slicing;

namespace Vigil.Analysis.Explanation;

/// <summary>Options of <c>vigil explain</c>.</summary>
public sealed record ExplainOptions
{
    /// <summary>The column roles; <see cref="MappingOptions.Features"/> names the features (default: every column with no other role).</summary>
    public MappingOptions Mapping { get; init; } = new();
    /// <summary>Average the surrogate's SHAP values per distinct combination of these columns too.</summary>
    public IReadOnlyList<SegmentPart> SegmentBy { get; init; } = [];
    /// <summary>Explain two sides: the column whose values name them (default: the version column when
    /// <see cref="Baseline"/> and <see cref="Candidate"/> are given).</summary>
    public string? CompareBy { get; init; }
    /// <summary>The baseline side's value of <see cref="CompareBy"/>.</summary>
    public string? Baseline { get; init; }
    /// <summary>The candidate side's value of <see cref="CompareBy"/>.</summary>
    public string? Candidate { get; init; }
    /// <summary>Rows sampled (per side) to fit the surrogate.</summary>
    public int SampleRows { get; init; } = 200_000;
    /// <summary>Rows (per side) whose SHAP values are averaged.</summary>
    public int ShapRows { get; init; } = 2_000;
    /// <summary>Seed of the sample, the learner and the SHAP rows: the same seed gives the same report.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>At most this many segments.</summary>
    public int MaxSegments { get; init; } = 1000;
    /// <summary>Features in the summary plot.</summary>
    public int PlotFeatures { get; init; } = 10;
    /// <summary>Rows per feature in the summary plot.</summary>
    public int PlotRows { get; init; } = 400;
}
