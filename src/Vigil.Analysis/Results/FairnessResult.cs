using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Results;

/// <summary><c>vigil fairness</c>: a binary classifier's metrics per group of each sensitive attribute and of their
/// intersection, Fairlearn's summaries, Aequitas' disparities against a reference group, proxies of each attribute among
/// the other features, and group thresholds that would remove a disparity. JSON: {"kind":"fairness", ...}
/// (docs/json-schema.md).</summary>
public sealed record FairnessResult
{
    /// <summary>A row is predicted positive when its score is ≥ threshold.</summary>
    public required double Threshold { get; init; }
    /// <summary>Where the threshold came from: "--threshold" or "default".</summary>
    public required string ThresholdSource { get; init; }
    /// <summary>Attribute → the value every group of that attribute is compared with (Aequitas' reference group).</summary>
    public required IReadOnlyDictionary<string, string> ReferenceGroup { get; init; }
    /// <summary>Every group of every attribute, then the intersection's; each attribute's "overall" row is not repeated
    /// here (see <see cref="Overall"/>).</summary>
    public required IReadOnlyList<FairnessGroup> Groups { get; init; }
    /// <summary>Fairlearn's six summaries, one entry per attribute (and the intersection).</summary>
    public required IReadOnlyList<FairnessSummaryRow> Summary { get; init; }
    /// <summary>Aequitas' disparities: each group against its attribute's reference group, per metric.</summary>
    public required IReadOnlyList<FairnessDisparity> Disparities { get; init; }
    /// <summary>How well the other features predict each sensitive attribute; empty when not computed.</summary>
    public IReadOnlyList<ProxyAttribute> Proxies { get; init; } = [];
    /// <summary>Group thresholds that meet the constraint on one attribute; null when not computed.</summary>
    public FairnessMitigation? Mitigation { get; init; }
    /// <summary>The metrics over every audited row.</summary>
    public required FairnessGroup Overall { get; init; }
    /// <summary>Per attribute and Aequitas metric: fair when every group's disparity is inside the band.</summary>
    public required IReadOnlyList<FairnessParity> Parity { get; init; }
    /// <summary>Plain-language findings, most important first.</summary>
    public required IReadOnlyList<string> Findings { get; init; }
    /// <summary>The sensitive columns, in the order given; the intersection's attribute joins them with '&amp;'.</summary>
    public required IReadOnlyList<string> Sensitive { get; init; }
    /// <summary>Rows audited (a score and a 0/1 label).</summary>
    public required long Rows { get; init; }
    /// <summary>Rows left out, by reason (missing_score, missing_label).</summary>
    public IReadOnlyDictionary<string, long> Excluded { get; init; } = new Dictionary<string, long>();
    /// <summary>τ of the fairness band [τ, 1/τ].</summary>
    public required double Tau { get; init; }
    /// <summary>How the summaries compare groups: between_groups or to_overall.</summary>
    public required string Method { get; init; }
    /// <summary>Confidence level of the Wilson intervals.</summary>
    public required double Confidence { get; init; }
    /// <summary>Groups with fewer rows are flagged below_minimum_size.</summary>
    public required long MinimumGroupSize { get; init; }
    public required SourceInfo Source { get; init; }
    public required ColumnRoles Columns { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>One group: a value of one sensitive attribute, or of the intersection ("gender&amp;race" = "female&amp;black").
/// Metrics: selection_rate, tpr, fpr, fnr, precision, accuracy, roc_auc (null with the reason when undefined).</summary>
public sealed record FairnessGroup
{
    public required string Attribute { get; init; }
    public required string Value { get; init; }
    public required long Size { get; init; }
    public required IReadOnlyList<MetricValue> Metrics { get; init; }
    /// <summary>Each rate's Wilson interval (metric name → [lower, upper]); roc_auc has none.</summary>
    public required IReadOnlyDictionary<string, RateInterval> Intervals { get; init; }
    public required bool BelowMinimumSize { get; init; }
    public required long Positives { get; init; }
    public required long Negatives { get; init; }
    public required ConfusionCounts Confusion { get; init; }
}

/// <summary>A Wilson score interval; null bounds when the rate is undefined.</summary>
public sealed record RateInterval(double? Lower, double? Upper);

/// <summary>Fairlearn's six summaries of one attribute (NaN → null with the reason in notes).</summary>
public sealed record FairnessSummaryRow
{
    public required string Attribute { get; init; }
    public double? DemographicParityDifference { get; init; }
    public double? DemographicParityRatio { get; init; }
    public double? EqualizedOddsDifference { get; init; }
    public double? EqualizedOddsRatio { get; init; }
    public double? EqualOpportunityDifference { get; init; }
    public double? EqualOpportunityRatio { get; init; }
    /// <summary>Summary name → why it is null, or which groups it left out.</summary>
    public IReadOnlyDictionary<string, string> Notes { get; init; } = new Dictionary<string, string>();
}

/// <summary>One group's disparity on one Aequitas metric (ppr, pprev, precision, fpr, fnr, tpr, accuracy):
/// disparity = value / reference value, fair when τ ≤ disparity ≤ 1/τ; null with the reason when undefined.</summary>
public sealed record FairnessDisparity
{
    public required string Attribute { get; init; }
    public required string Value { get; init; }
    public required string Reference { get; init; }
    public required string Metric { get; init; }
    public double? Disparity { get; init; }
    public bool? Fair { get; init; }
    public double? GroupValue { get; init; }
    public double? ReferenceValue { get; init; }
    public string? Reason { get; init; }
}

/// <summary>Aequitas' attribute-level verdict on one metric: unfair when any group is outside the band, null when every
/// group's disparity is undefined.</summary>
public sealed record FairnessParity(string Attribute, string Metric, bool? Fair, IReadOnlyList<string> UnfairGroups, IReadOnlyList<string> UndefinedGroups);

/// <summary>How well the non-sensitive features predict one sensitive attribute, on a seeded sample: cross-validated ROC
/// AUC of the tree learner (one-vs-rest macro average over the attribute's values when it has more than two) and binned
/// mutual information.</summary>
public sealed record ProxyAttribute
{
    public required string Attribute { get; init; }
    /// <summary>The values predicted (one-vs-rest when more than two).</summary>
    public required IReadOnlyList<string> Classes { get; init; }
    /// <summary>Sampled rows used.</summary>
    public required int Rows { get; init; }
    /// <summary>Rows with a value of the attribute (the sample is drawn from these).</summary>
    public required long EligibleRows { get; init; }
    /// <summary>All features together: cross-validated AUC.</summary>
    public double? AllFeaturesAuc { get; init; }
    /// <summary>True when the features together predict the attribute with AUC ≥ <see cref="Cutoff"/>: dropping the
    /// attribute from the model's inputs would not have removed the information.</summary>
    public required bool Encoded { get; init; }
    public required double Cutoff { get; init; }
    /// <summary>Each feature alone, strongest first.</summary>
    public required IReadOnlyList<ProxyFeature> Features { get; init; }
    /// <summary>One sentence: would dropping the attribute have removed the information?</summary>
    public required string Finding { get; init; }
}

/// <summary>One feature alone as a predictor of a sensitive attribute.</summary>
public sealed record ProxyFeature(string Feature, double? Auc, double MutualInformation);

/// <summary>Post-processing by group thresholds (Hardt, Price &amp; Srebro 2016; Fairlearn's ThresholdOptimizer) on one
/// attribute: the constraint, the objective before (one threshold) and after (the group rules), and each group's rule.</summary>
public sealed record FairnessMitigation
{
    public required string Attribute { get; init; }
    /// <summary>demographic_parity, equal_opportunity or equalized_odds.</summary>
    public required string Constraint { get; init; }
    /// <summary>accuracy, or cost (expected cost per row, c_fp·FP + c_fn·FN over n: lower is better).</summary>
    public required string Objective { get; init; }
    public double? CostFp { get; init; }
    public double? CostFn { get; init; }
    /// <summary>The common rate the groups are brought to: selection rate, TPR or (equalized odds) FPR.</summary>
    public double? TargetRate { get; init; }
    /// <summary>Equalized odds: the common TPR.</summary>
    public double? TargetTpr { get; init; }
    public double? ObjectiveBefore { get; init; }
    public double? ObjectiveAfter { get; init; }
    /// <summary>Accuracy lost (or cost added) by the group thresholds against the single threshold; negative when the
    /// single threshold was not the best one.</summary>
    public double? ObjectiveGivenUp { get; init; }
    /// <summary>Largest spread of the constrained rate(s) across the groups, before and after.</summary>
    public double? ViolationBefore { get; init; }
    public double? ViolationAfter { get; init; }
    public required IReadOnlyList<MitigatedGroupRule> Groups { get; init; }
    public IReadOnlyList<string> Notes { get; init; } = [];
}

/// <summary>A group's rule: positive when score ≥ upper_threshold; between lower and upper positive with probability
/// probability_lower; with probability random_fraction the score is ignored and the row is positive with probability
/// random_positive_rate. Rates before (the single threshold) and after (expected under the rule).</summary>
public sealed record MitigatedGroupRule
{
    public required string Value { get; init; }
    public required long Size { get; init; }
    public required bool Constrained { get; init; }
    /// <summary>null: +∞ (nothing predicted positive).</summary>
    public double? UpperThreshold { get; init; }
    public double? LowerThreshold { get; init; }
    public required double ProbabilityLower { get; init; }
    public required double RandomFraction { get; init; }
    public required double RandomPositiveRate { get; init; }
    public double? SelectionRateBefore { get; init; }
    public double? SelectionRateAfter { get; init; }
    public double? TprBefore { get; init; }
    public double? TprAfter { get; init; }
    public double? FprBefore { get; init; }
    public double? FprAfter { get; init; }
    public double? AccuracyBefore { get; init; }
    public double? AccuracyAfter { get; init; }
    public string? Note { get; init; }
}
