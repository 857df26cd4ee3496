using Vigil.Analysis.Columns;

namespace Vigil.Analysis.Diagnosis;

/// <summary>Options of <c>vigil diagnose</c>.</summary>
public sealed record DiagnoseOptions
{
    /// <summary>The column mapping, the same for both sides.</summary>
    public MappingOptions Mapping { get; init; } = new();
    /// <summary>The primary metric (any metric <c>vigil compare</c> tests; default roc_auc).</summary>
    public string Metric { get; init; } = "roc_auc";
    /// <summary>A row is predicted positive when score &gt;= Threshold (rate metrics).</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>The significance level of the drop's test.</summary>
    public double Alpha { get; init; } = 0.05;
    /// <summary>Rows sampled from the reference to fit the surrogate of step 3.</summary>
    public int SampleRows { get; init; } = 100_000;
    /// <summary>Rows whose SHAP values are averaged in step 3.</summary>
    public int ShapRows { get; init; } = 2_000;
    /// <summary>Seed of the surrogate's sample and of the bootstrap (the same seed gives the same report).</summary>
    public int Seed { get; init; } = 42;
    /// <summary>Features examined one by one in steps 4 and 5 (the top ones by drift × importance).</summary>
    public int TopFeatures { get; init; } = 5;
    /// <summary>Quantile bins of a numerical feature in step 4's per-feature comparison.</summary>
    public int Bins { get; init; } = 5;
}
