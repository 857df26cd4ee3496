using System.Text.Json.Serialization;

namespace Vigil.Analysis.Results;

/// <summary><c>vigil diagnose</c>: why a binary classifier's performance dropped between a reference and a current
/// set, in six steps, each with its finding and evidence: is the drop real, is the pipeline broken, which inputs moved
/// (drift × importance), did the inputs or the relation between inputs and outcome change (CBPE's expected metric
/// against the realized one), which segments carry the drop, and what to do (the rule that decided it).
/// JSON: {"kind":"diagnosis", "verdict", "recommendation", "rule", "steps":[{"step","finding","evidence"}]}.</summary>
public sealed record DiagnosisResult
{
    /// <summary>"no_drop", "data_quality", "covariate_shift", "concept_drift" or "mixed".</summary>
    public required string Verdict { get; init; }
    /// <summary>What to do, in a sentence: fix the pipeline, roll back, retrain on recent data, or watch.</summary>
    public required string Recommendation { get; init; }
    /// <summary>The rule that produced the verdict and the recommendation, with the numbers that met it.</summary>
    public required string Rule { get; init; }
    /// <summary>The six steps in order: metric, quality, covariate_shift, concept_drift, segments, recommendation.</summary>
    public required IReadOnlyList<DiagnosisStep> Steps { get; init; }
    /// <summary>The primary metric (roc_auc by default).</summary>
    public required string Metric { get; init; }
    public required SourceInfo Reference { get; init; }
    public required SourceInfo Current { get; init; }
    public required ColumnRoles Columns { get; init; }
}

/// <summary>One step: its name, one line of finding, and its evidence (one member of <see cref="DiagnosisEvidence"/>
/// set, the step's own).</summary>
public sealed record DiagnosisStep(string Step, string Finding, DiagnosisEvidence Evidence);

/// <summary>A step's evidence: exactly one member is set, the one of the step (the others are left out of the JSON).</summary>
public sealed record DiagnosisEvidence
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public MetricDropEvidence? Metric { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public QualityEvidence? Quality { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ShiftEvidence? Shift { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ConceptEvidence? Concept { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SegmentEvidence? Segments { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DecisionEvidence? Decision { get; init; }
}

/// <summary>Step 1: the metric on each side, the difference (current − reference) with its interval and p-value
/// (<see cref="Test"/> names the test, as <c>vigil compare</c> computes it for independent samples), and the rows
/// behind each side. <see cref="Real"/>: the difference is in the worse direction and its p-value below alpha.</summary>
public sealed record MetricDropEvidence(string Metric, double? Reference, double? Current, double? Difference, double? Lower, double? Upper,
    double? PValue, string Test, bool HigherIsBetter, bool Real, double Alpha, double Threshold,
    long ReferenceRows, long ReferencePositives, long CurrentRows, long CurrentPositives,
    IReadOnlyDictionary<string, long> ReferenceExcluded, IReadOnlyDictionary<string, long> CurrentExcluded)
{
    /// <summary>The relative change, (current − reference) / reference, or null.</summary>
    public double? RelativeChange => Reference is { } r && Current is { } c && r != 0 ? (c - r) / Math.Abs(r) : null;
}

/// <summary>Step 2: findings about the pipeline, current against reference: schema changes, unseen categories and values
/// outside the reference's range (Vigil's own checks against the reference), and <c>vigil summary</c>'s quality checks
/// that fire on the current data but not on the reference (nulls, constant columns, types, scores out of range).
/// <see cref="Errors"/> counts the findings of severity error: each one means the pipeline needs fixing.</summary>
public sealed record QualityEvidence(int Errors, int Warnings, long ReferenceRows, long CurrentRows, IReadOnlyList<QualityIssue> Issues)
{
    /// <summary>What could not be checked, and why (e.g. no timestamp column for summary's checks), or null.</summary>
    public string? Note { get; init; }
}

/// <summary>Step 3: features ranked by drift × importance. Drift is <c>vigil drift</c>'s statistic per column (Wasserstein
/// distance normalised by the reference's spread for numbers, Jensen–Shannon distance for categories: both 0 for no
/// change, Evidently's threshold 0.1); importance is the feature's share of the mean |SHAP| of a surrogate fitted to
/// the reference's scores (<c>vigil explain</c>).</summary>
public sealed record ShiftEvidence(int DriftedFeatures, int Features, double? SurrogateR2, IReadOnlyList<FeatureShift> Ranked)
{
    /// <summary>The score column's drift (prediction drift), or null.</summary>
    public ColumnDrift? Prediction { get; init; }
    /// <summary>The label column's drift (target drift), or null.</summary>
    public ColumnDrift? Target { get; init; }
}

/// <summary>A feature's drift and importance. <paramref name="Score"/> = <paramref name="Drift"/> × <paramref name="ImportanceShare"/>.</summary>
public sealed record FeatureShift(string Feature, string Method, double? Drift, double? Threshold, bool Drifted, double MeanAbsShap,
    double ImportanceShare, double Score, int Rank);

/// <summary>Step 4: the metric realized on the current data against the metric expected under the current inputs
/// (<see cref="Method"/>, fitted on the reference), and per top feature the change in the outcome rate that the scores
/// do not explain.</summary>
/// <param name="Metric">The metric estimated (the primary metric when it can be estimated, else roc_auc).</param>
/// <param name="Method">How the expected metric was estimated.</param>
/// <param name="Reference">The metric realized on the reference.</param>
/// <param name="Expected">The metric expected on the current inputs.</param>
/// <param name="Lower">Lower edge of the band around the expected metric: NannyML's ±3 standard errors (its sampling error for the current rows), clipped to [0, 1].</param>
/// <param name="Upper">Upper edge of the band.</param>
/// <param name="Realized">The metric realized on the current data.</param>
/// <param name="ExplainedDrop">Reference − expected: the drop the inputs explain (sign as a drop for higher-is-better metrics).</param>
/// <param name="UnexplainedDrop">Expected − realized: the drop the inputs do not explain.</param>
/// <param name="ConceptDrift">Realized below the band.</param>
/// <param name="CovariateShift">The explained drop exceeds 3 standard errors of the two sides' sampling errors combined (the inputs alone predict a drop).</param>
public sealed record ConceptEvidence(string Metric, string Method, double? Reference, double? Expected, double? Lower, double? Upper, double? Realized,
    double? ExplainedDrop, double? UnexplainedDrop, bool ConceptDrift, bool CovariateShift, IReadOnlyList<ConditionalShift> Features);

/// <summary>A feature's bins (the reference's quantiles, or its values) with the outcome rate observed and expected by the
/// calibrated scores on each side; <paramref name="Change"/> is the row-weighted mean over the current's bins of
/// |(observed − expected) now − (observed − expected) then|.</summary>
public sealed record ConditionalShift(string Feature, double Change, double MaxZ, IReadOnlyList<ConditionalBin> Bins);

/// <summary>One bin: rows, observed and expected outcome rates per side, and the change (current residual − reference
/// residual) with its z-score.</summary>
public sealed record ConditionalBin(string Bin, long ReferenceRows, double? ReferenceObserved, double? ReferenceExpected,
    long CurrentRows, double? CurrentObserved, double? CurrentExpected, double? Change, double? Z);

/// <summary>Step 5: the current data's worst segments by the metric (<c>vigil segments</c> over the top features).</summary>
public sealed record SegmentEvidence(string Metric, IReadOnlyList<string> By, double? Overall, IReadOnlyList<SegmentHit> Segments)
{
    /// <summary>Why no segments were searched, or null.</summary>
    public string? Note { get; init; }
}

/// <summary>Step 6: each condition of the decision and whether it held, in the order the rule reads them.</summary>
public sealed record DecisionEvidence(IReadOnlyList<RuleCondition> Conditions);

/// <summary>One condition of the rule: its name, whether it held, and the numbers behind it.</summary>
public sealed record RuleCondition(string Name, bool Held, string Detail);
