namespace Vigil.Statistics.Fairness;

/// <summary>The parity a post-processing mitigation enforces across groups.</summary>
public enum FairnessConstraint
{
    /// <summary>Equal selection rates (Fairlearn's "demographic_parity").</summary>
    DemographicParity,
    /// <summary>Equal true positive rates (Fairlearn's "true_positive_rate_parity"; Hardt et al.'s equal opportunity).
    /// Groups without positive labels have no TPR and are not constrained.</summary>
    EqualOpportunity,
    /// <summary>Equal true positive and false positive rates (Fairlearn's "equalized_odds"). A group with one label
    /// class is held only to the rate it has.</summary>
    EqualizedOdds,
}

/// <summary>What the mitigation maximises subject to the constraint.</summary>
public enum MitigationObjective
{
    /// <summary>Overall accuracy (Fairlearn's "accuracy_score").</summary>
    Accuracy,
    /// <summary>Minus the expected cost per row, (c_FP·FP + c_FN·FN) / n, with
    /// <see cref="MitigationOptions.CostFalsePositive"/> and <see cref="MitigationOptions.CostFalseNegative"/>.</summary>
    Cost,
}

/// <summary>Options of <see cref="ThresholdMitigation.Optimize"/>.</summary>
public sealed record MitigationOptions
{
    /// <summary>The parity to enforce (default demographic parity, Fairlearn's default).</summary>
    public FairnessConstraint Constraint { get; init; } = FairnessConstraint.DemographicParity;

    /// <summary>What to maximise (default accuracy).</summary>
    public MitigationObjective Objective { get; init; } = MitigationObjective.Accuracy;

    /// <summary>Cost of a false positive, for <see cref="MitigationObjective.Cost"/>; finite and &gt; 0.</summary>
    public double CostFalsePositive { get; init; } = 1.0;

    /// <summary>Cost of a false negative, for <see cref="MitigationObjective.Cost"/>; finite and &gt; 0.</summary>
    public double CostFalseNegative { get; init; } = 1.0;

    /// <summary>The single threshold of the model before mitigation (score ≥ threshold is positive), for the "before"
    /// figures (default 0.5).</summary>
    public double Threshold { get; init; } = 0.5;

    /// <summary>0 (default): the exact optimum. n ≥ 1: Fairlearn's search over the n + 1 rates 0, 1/n, …, 1
    /// (ThresholdOptimizer's grid_size; Fairlearn uses 1000), for reproducing Fairlearn's numbers.</summary>
    public int GridSize { get; init; }
}

/// <summary>A group's randomised decision rule. With probability <see cref="RandomFraction"/> q the score is ignored and
/// the row is predicted positive with probability <see cref="RandomPositiveRate"/> c (used only for equalized odds, to
/// move down from the group's ROC hull towards the diagonal, as Fairlearn's p_ignore / prediction_constant). Otherwise the
/// row is positive when its score is ≥ <see cref="UpperThreshold"/>; when <see cref="LowerThreshold"/> ≤ score &lt;
/// <see cref="UpperThreshold"/> it is positive with probability <see cref="ProbabilityLower"/> p (the lower threshold is
/// used with probability p, the upper one with 1 − p). A deterministic threshold has Upper = Lower and p = q = 0. A
/// threshold of +∞ predicts nothing positive.</summary>
/// <param name="UpperThreshold">The higher threshold (+∞: nothing positive).</param>
/// <param name="LowerThreshold">The lower threshold (equal to Upper for a single threshold).</param>
/// <param name="ProbabilityLower">p, the probability of using the lower threshold.</param>
/// <param name="RandomFraction">q, the probability of ignoring the score.</param>
/// <param name="RandomPositiveRate">c, the probability of a positive when the score is ignored.</param>
public sealed record DecisionRule(double UpperThreshold, double LowerThreshold, double ProbabilityLower, double RandomFraction, double RandomPositiveRate)
{
    /// <summary>A single deterministic threshold.</summary>
    public static DecisionRule Single(double threshold) => new(threshold, threshold, 0.0, 0.0, 0.0);

    /// <summary>P(predicted positive | score) = (1 − q)·(1[s ≥ upper] + p·1[lower ≤ s &lt; upper]) + q·c.</summary>
    public double ProbabilityPositive(double score)
    {
        var thresholded = score >= UpperThreshold ? 1.0 : score >= LowerThreshold ? ProbabilityLower : 0.0;
        return (1.0 - RandomFraction) * thresholded + RandomFraction * RandomPositiveRate;
    }
}

/// <summary>A group's expected confusion counts and rates under a decision rule (expectations over the rule's
/// randomisation). A rate over an empty class is NaN.</summary>
/// <param name="TruePositives">Expected TP.</param>
/// <param name="FalsePositives">Expected FP.</param>
/// <param name="SelectionRate">(TP + FP) / n.</param>
/// <param name="TruePositiveRate">TP / P.</param>
/// <param name="FalsePositiveRate">FP / N.</param>
/// <param name="Accuracy">(TP + TN) / n.</param>
public sealed record GroupOutcome(double TruePositives, double FalsePositives, double SelectionRate, double TruePositiveRate, double FalsePositiveRate, double Accuracy);

/// <summary>One group's mitigation.</summary>
/// <param name="Key">The group's key.</param>
/// <param name="Size">Rows.</param>
/// <param name="Positives">Rows with label 1.</param>
/// <param name="Negatives">Rows with label 0.</param>
/// <param name="Constrained">Whether the constraint binds the group (false for an empty group, and for a group without
/// positives under equal opportunity, which gets its own objective-optimal threshold).</param>
/// <param name="Rule">The group's decision rule after mitigation.</param>
/// <param name="Before">Outcome at the single threshold <see cref="MitigationOptions.Threshold"/>.</param>
/// <param name="After">Outcome under <paramref name="Rule"/>.</param>
/// <param name="Note">Why the group is treated specially; null otherwise.</param>
public sealed record MitigatedGroup(string Key, long Size, long Positives, long Negatives, bool Constrained, DecisionRule Rule, GroupOutcome Before, GroupOutcome After, string? Note = null);

/// <summary>The result of <see cref="ThresholdMitigation.Optimize"/>.</summary>
/// <param name="Constraint">The constraint enforced.</param>
/// <param name="Objective">The objective maximised.</param>
/// <param name="Threshold">The single threshold of the "before" figures.</param>
/// <param name="GridSize">0 for the exact optimum, else the grid size searched.</param>
/// <param name="TargetRate">The common rate chosen: selection rate (demographic parity), TPR (equal opportunity) or FPR
/// (equalized odds); NaN when no group is constrained.</param>
/// <param name="TargetTruePositiveRate">Equalized odds: the common TPR; NaN otherwise.</param>
/// <param name="ObjectiveBefore">The objective at the single threshold: overall accuracy, or expected cost per row.</param>
/// <param name="ObjectiveAfter">The objective under the group rules.</param>
/// <param name="ViolationBefore">The constraint violation at the single threshold: the largest max − min spread over the
/// constrained groups of the constrained rate(s).</param>
/// <param name="ViolationAfter">The same under the group rules (≤ 1e-9: rounding only).</param>
/// <param name="Groups">One entry per input group, in input order.</param>
/// <param name="Notes">Remarks on the solution (groups left out or unconstrained, grid search).</param>
public sealed record MitigationResult(
    FairnessConstraint Constraint,
    MitigationObjective Objective,
    double Threshold,
    int GridSize,
    double TargetRate,
    double TargetTruePositiveRate,
    double ObjectiveBefore,
    double ObjectiveAfter,
    double ViolationBefore,
    double ViolationAfter,
    IReadOnlyList<MitigatedGroup> Groups,
    IReadOnlyList<string> Notes);
