using System.Text.Json.Serialization;

namespace Vigil.Analysis.Results;

/// <summary><c>vigil explain</c>: which features drive the model's scores, from the logged inputs and outputs alone. A
/// surrogate (gradient-boosted trees) is fitted to the score on a sample of the log and explained with exact TreeSHAP;
/// beside it, model-free measures on the same sample. With two versions or periods, the candidate's explanation with
/// the baseline's beside it and the features whose impact moved most.
/// JSON: {"kind":"explanation", "surrogate", "features", "segments", "comparison", ...}.</summary>
public sealed record ExplanationResult
{
    public required SourceInfo Source { get; init; }
    public required ColumnRoles Columns { get; init; }
    /// <summary>The surrogate behind <see cref="Features"/> (the candidate's with two sides).</summary>
    public required ExplanationSurrogate Surrogate { get; init; }
    /// <summary>Every explained feature, by rank (1 = largest mean |SHAP|).</summary>
    public required IReadOnlyList<FeatureExplanation> Features { get; init; }
    public IReadOnlyList<string> SegmentBy { get; init; } = [];
    /// <summary>Per segment: the same surrogate's SHAP values averaged over the segment's rows (one model, not one per segment).</summary>
    public IReadOnlyList<SegmentExplanation> Segments { get; init; } = [];
    /// <summary>Two versions or periods: the baseline's surrogate and the features whose impact moved most.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ExplanationComparison? Comparison { get; init; }
    /// <summary>The summary plot's data: for the top features, sampled rows' SHAP values and where each row's feature
    /// value lies among the sample (0 lowest, 1 highest).</summary>
    public IReadOnlyList<ShapSummary> SummaryPlot { get; init; } = [];
    /// <summary>Columns considered as features and left out, with the reason.</summary>
    public IReadOnlyList<ExcludedColumn> Excluded { get; init; } = [];
    public IReadOnlyList<QualityIssue> Findings { get; init; } = [];
}

/// <summary>A surrogate of the model's score and how faithful it is.</summary>
/// <param name="R2">Fidelity: R² of the surrogate's predictions against the target on held-out sampled rows.</param>
/// <param name="Trees">Trees fitted (early stopping on the held-out rows).</param>
/// <param name="Leaves">Leaves over all trees.</param>
/// <param name="SampleRows">Rows the surrogate was fitted on (training and held-out), sampled from <paramref name="EligibleRows"/>.</param>
/// <param name="EligibleRows">Rows with a finite score (after the filter of a side).</param>
/// <param name="ShapRows">Rows whose SHAP values were computed.</param>
/// <param name="Target">What the surrogate fits: "logit" (the score's log-odds, a probability clipped to [1e-6, 1 − 1e-6]) or "raw".</param>
/// <param name="TargetColumn">The score or prediction column.</param>
/// <param name="ExpectedValue">The SHAP base value: SHAP values of a row sum to its surrogate prediction minus this.</param>
/// <param name="LowFidelity">True when <paramref name="R2"/> is below 0.8: the explanations describe a rough sketch of the model.</param>
public sealed record ExplanationSurrogate(double? R2, int Trees, int Leaves, long SampleRows, long EligibleRows, int ShapRows,
    string Target, string TargetColumn, double ExpectedValue, bool LowFidelity);

/// <summary>One feature's impact on the scores.</summary>
/// <param name="Feature">The column.</param>
/// <param name="Type">"numeric" or "categorical".</param>
/// <param name="MeanAbsShap">Mean |SHAP| over the SHAP rows, in the target's units (log-odds for "logit").</param>
/// <param name="Rank">1 = largest <paramref name="MeanAbsShap"/>.</param>
/// <param name="MutualInformation">Plug-in mutual information (nats) between the feature and the target over the sample
/// (numeric features in 10 quantile bins, categories as they are, missing values a bin of their own; target in 10 quantile bins).</param>
/// <param name="Spearman">Spearman's ρ between a numeric feature and the target over the sampled rows where the feature
/// is present; null for categorical features.</param>
public sealed record FeatureExplanation(string Feature, string Type, double MeanAbsShap, int Rank, double MutualInformation, double? Spearman);

/// <summary>One segment: its sampled rows and its features by mean |SHAP| over its SHAP rows.</summary>
public sealed record SegmentExplanation
{
    public required IReadOnlyDictionary<string, string?> Segment { get; init; }
    /// <summary>Sampled rows in the segment.</summary>
    public required long Rows { get; init; }
    /// <summary>The segment's rows whose SHAP values were averaged.</summary>
    public required int ShapRows { get; init; }
    public required IReadOnlyList<SegmentFeature> Features { get; init; }
}

/// <summary>A feature's mean |SHAP| in a segment and its rank there.</summary>
public sealed record SegmentFeature(string Feature, double MeanAbsShap, int Rank);

/// <summary>Two sides explained by a surrogate each: the candidate's is the result's own surrogate.</summary>
/// <param name="By">The column whose values name the sides.</param>
/// <param name="Baseline">The baseline's value.</param>
/// <param name="Candidate">The candidate's value.</param>
/// <param name="BaselineSurrogate">The baseline's surrogate.</param>
/// <param name="Changes">Every feature's impact on each side and the change (candidate − baseline), largest |change| first.</param>
public sealed record ExplanationComparison(string By, string Baseline, string Candidate, ExplanationSurrogate BaselineSurrogate,
    IReadOnlyList<FeatureImpactChange> Changes);

/// <summary>A feature's points in the summary plot.</summary>
public sealed record ShapSummary(string Feature, IReadOnlyList<ShapPoint> Points);

/// <summary>One sampled row in the summary plot: its SHAP value for the feature, and where its feature value lies among
/// the sample from 0 (lowest) to 1 (highest); for a category, its place among the categories ordered by mean target;
/// null when missing.</summary>
public sealed record ShapPoint(double Shap, double? Value);

/// <summary>A column considered as a feature and left out.</summary>
public sealed record ExcludedColumn(string Column, string Reason);
