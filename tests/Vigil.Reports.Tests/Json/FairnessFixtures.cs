using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;

namespace Vigil.Reports.Tests.Json;

/// <summary>A fairness audit with every part filled: two attributes and their intersection, a group without positives
/// (undefined metrics with reasons), a small group, summaries, disparities with an undefined one, proxies and a mitigation.</summary>
internal static class FairnessFixtures
{
    private static FairnessGroup G(string attribute, string value, long size, long pos, double sel, double? tpr, double fpr, bool small = false)
    {
        var metrics = new List<MetricValue>
        {
            new("selection_rate", sel),
            tpr is { } t ? new MetricValue("tpr", t) : MetricValue.Undefined("tpr", "no positive labels in the group"),
            new("fpr", fpr),
            tpr is { } t2 ? new MetricValue("fnr", 1 - t2) : MetricValue.Undefined("fnr", "no positive labels in the group"),
            new("precision", 0.6),
            new("accuracy", 0.7),
            tpr is null ? MetricValue.Undefined("roc_auc", "no positive labels in the group") : new MetricValue("roc_auc", 0.75),
        };
        var intervals = new Dictionary<string, RateInterval>
        {
            ["selection_rate"] = new(sel - 0.03, sel + 0.03),
            ["tpr"] = tpr is { } v ? new(v - 0.04, v + 0.04) : new(null, null),
            ["fpr"] = new(fpr - 0.03, fpr + 0.03),
            ["fnr"] = tpr is { } w ? new(1 - w - 0.04, 1 - w + 0.04) : new(null, null),
            ["precision"] = new(0.55, 0.65),
            ["accuracy"] = new(0.66, 0.74),
        };
        return new FairnessGroup
        {
            Attribute = attribute, Value = value, Size = size, Positives = pos, Negatives = size - pos, Confusion = new ConfusionCounts(300, 200, 400, 100),
            Metrics = metrics, Intervals = intervals, BelowMinimumSize = small,
        };
    }

    public static FairnessResult Audit() => new()
    {
        Source = new SourceInfo("loans.csv", "duckdb", ["prediction_id", "prediction_score", "actual_label", "gender", "race", "zip_code"]),
        Columns = new ColumnRoles { Id = "prediction_id", Score = "prediction_score", Label = "actual_label", Features = ["gender", "race", "zip_code"] },
        Threshold = 0.5,
        ThresholdSource = "default",
        Sensitive = ["gender", "race"],
        Rows = 3965,
        Excluded = new Dictionary<string, long> { ["missing_label"] = 25 },
        ReferenceGroup = new Dictionary<string, string> { ["gender"] = "male", ["race"] = "white", ["gender&race"] = "male&white" },
        Confidence = 0.95,
        MinimumGroupSize = 30,
        Tau = 0.8,
        Method = "between_groups",
        Groups =
        [
            G("gender", "female", 1767, 738, 0.497, 0.709, 0.346),
            G("gender", "male", 2158, 1138, 0.612, 0.771, 0.435),
            G("race", "black", 754, 225, 0.293, 0.533, 0.191),
            G("race", "other", 123, 0, 0.496, null, 0.496),
            G("race", "white", 1942, 1084, 0.649, 0.782, 0.481),
            G("gender&race", "female&black", 349, 96, 0.258, 0.531, 0.154),
            G("gender&race", "(missing)&asian", 6, 3, 0.833, 0.667, 1.0, small: true),
        ],
        Overall = G("overall", "overall", 3965, 1891, 0.56, 0.745, 0.391),
        Summary =
        [
            new FairnessSummaryRow { Attribute = "gender", DemographicParityDifference = 0.115, DemographicParityRatio = 0.813, EqualizedOddsDifference = 0.171, EqualizedOddsRatio = 0.779, EqualOpportunityDifference = 0.171, EqualOpportunityRatio = 0.779 },
            new FairnessSummaryRow { Attribute = "race", DemographicParityDifference = 0.444, DemographicParityRatio = 0.398, EqualizedOddsDifference = 0.365, EqualizedOddsRatio = 0.343, EqualOpportunityDifference = 0.333, EqualOpportunityRatio = 0.616,
                Notes = new Dictionary<string, string> { ["equal_opportunity_difference"] = "left out (rate undefined): other" } },
        ],
        Disparities =
        [
            new FairnessDisparity { Attribute = "race", Value = "black", Reference = "white", Metric = "pprev", Disparity = 0.45, Fair = false, GroupValue = 0.293, ReferenceValue = 0.649 },
            new FairnessDisparity { Attribute = "race", Value = "other", Reference = "white", Metric = "tpr", Disparity = null, Fair = null, GroupValue = null, ReferenceValue = 0.782, Reason = "the group's tpr is undefined" },
        ],
        Parity = [new FairnessParity("race", "pprev", false, ["black"], [])],
        Proxies =
        [
            new ProxyAttribute
            {
                Attribute = "race", Classes = ["white", "black", "other"], Rows = 3900, EligibleRows = 4000, AllFeaturesAuc = 0.955, Encoded = true, Cutoff = 0.7,
                Features = [new ProxyFeature("zip_code", 0.96, 0.866)],
                Finding = "Would dropping race from the model's inputs remove it? No: zip_code predicts race (all features: cross-validated AUC 0.95, at or above 0.7)",
            },
        ],
        Mitigation = new FairnessMitigation
        {
            Attribute = "gender", Constraint = "equalized_odds", Objective = "cost", CostFp = 1, CostFn = 5, TargetRate = 0.3, TargetTpr = 0.7,
            ObjectiveBefore = 0.42, ObjectiveAfter = 0.44, ObjectiveGivenUp = 0.02, ViolationBefore = 0.17, ViolationAfter = 0,
            Groups =
            [
                new MitigatedGroupRule { Value = "female", Size = 1767, Constrained = true, UpperThreshold = 0.56, LowerThreshold = 0.56, ProbabilityLower = 0, RandomFraction = 0, RandomPositiveRate = 0,
                    SelectionRateBefore = 0.497, SelectionRateAfter = 0.43, TprBefore = 0.709, TprAfter = 0.7, FprBefore = 0.346, FprAfter = 0.3, AccuracyBefore = 0.677, AccuracyAfter = 0.68 },
                new MitigatedGroupRule { Value = "male", Size = 2158, Constrained = true, UpperThreshold = 0.68, LowerThreshold = 0.6, ProbabilityLower = 0.49, RandomFraction = 0.1, RandomPositiveRate = 0.3,
                    SelectionRateBefore = 0.612, SelectionRateAfter = 0.45, TprBefore = 0.771, TprAfter = 0.7, FprBefore = 0.435, FprAfter = 0.3, AccuracyBefore = 0.673, AccuracyAfter = 0.67, Note = "example note" },
            ],
            Notes = ["exact optimum"],
        },
        Findings = ["race: black's selection rate is 0.45× white's (0.293 against 0.649), outside [0.80, 1.25]"],
        Notes = ["threshold 0.5 (the default)"],
    };
}
