using Vigil.Analysis.Columns;
using Vigil.Analysis.Slicing;

namespace Vigil.Analysis.Evaluation;

/// <summary>Options of <c>vigil evaluate</c>.</summary>
public sealed record EvaluateOptions
{
    public MappingOptions Mapping { get; init; } = new();
    /// <summary>Binary: a row is predicted positive when score &gt;= Threshold.</summary>
    public double Threshold { get; init; } = 0.5;
    public double? CostFp { get; init; }
    public double? CostFn { get; init; }
    /// <summary>Repeat the evaluation per distinct combination of these segment parts (columns, or SQL expressions
    /// with a name); a string converts to a column.</summary>
    public IReadOnlyList<SegmentPart> SegmentBy { get; init; } = [];
    /// <summary>At most this many segments; more is an input error (a high-cardinality column was probably meant).</summary>
    public int MaxSegments { get; init; } = 1000;
}
