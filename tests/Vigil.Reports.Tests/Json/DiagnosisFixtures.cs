using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Reports.Tests.Json;

/// <summary>A diagnosis with every step's evidence filled (the mixed case: both causes, a warning in step 2).</summary>
internal static class DiagnosisFixtures
{
    public static DiagnosisResult Mixed()
    {
        var metric = new MetricDropEvidence("roc_auc", 0.8605, 0.6915, -0.169, -0.19, -0.148, 2e-57, "DeLong unpaired z-test", true, true, 0.05, 0.5,
            4000, 1397, 3990, 1346, new Dictionary<string, long>(), new Dictionary<string, long> { ["missing_label"] = 10 });
        var quality = new QualityEvidence(0, 1, 4000, 4000,
            [new QualityIssue("unseen_categories", Severity.Warning, 80, "80 current values of 'plan' (2.0%) are in categories the reference never had", [], "plan")])
        {
            Note = "summary's checks ran on both sides",
        };
        var shift = new ShiftEvidence(1, 3, 0.97,
        [
            new FeatureShift("x1", "wasserstein", 0.42, 0.1, true, 0.8, 0.5, 0.21, 1),
            new FeatureShift("x2", "wasserstein", 0.05, 0.1, false, 0.5, 0.3125, 0.015625, 2),
            new FeatureShift("plan", "jensenshannon", 0.02, 0.1, false, 0.3, 0.1875, 0.00375, 3),
        ])
        {
            Prediction = JsonFixtures.Amount(0.3) with { Name = "prediction_score", Role = "prediction" },
            Target = JsonFixtures.Country with { Name = "actual_label", Role = "target" },
        };
        var concept = new ConceptEvidence("roc_auc", "CBPE (NannyML)", 0.8605, 0.7837, 0.76, 0.8074, 0.6915, 0.0768, 0.0922, true, true,
        [
            new ConditionalShift("x2", 0.12, 9.5,
            [
                new ConditionalBin("[-3.5, -0.84)", 800, 0.1, 0.11, 810, 0.2, 0.1, 0.11, 6.1),
                new ConditionalBin("[-0.84, 3.9]", 3200, 0.4, 0.39, 3180, 0.3, 0.45, -0.16, -9.5),
            ]),
        ]);
        var segments = new SegmentEvidence("roc_auc", ["x1", "x2"], 0.69, [JsonFixtures.Segments().Segments[0]]) { Note = "segments of the current data" };
        var decision = new DecisionEvidence([new RuleCondition("pipeline_errors", false, "0 error(s) in step 2"), new RuleCondition("mixed", true, "both")]);
        return new DiagnosisResult
        {
            Verdict = "mixed",
            Recommendation = "Retrain on recent data with a time-based split: the inputs moved (x1) and their relation to the outcome changed too (x2).",
            Rule = "real drop; realized below the expected band (unexplained 55 %) and the inputs alone predict a drop (explained 45 %), each ≥ 25 % → mixed",
            Steps =
            [
                new("metric", "The drop is real: roc_auc 0.8605 → 0.6915.", new DiagnosisEvidence { Metric = metric }),
                new("quality", "No pipeline error; 1 warning.", new DiagnosisEvidence { Quality = quality }),
                new("covariate_shift", "1 of 3 features drifted.", new DiagnosisEvidence { Shift = shift }),
                new("concept_drift", "Concept drift: realized 0.6915, expected 0.7837.", new DiagnosisEvidence { Concept = concept }),
                new("segments", "Worst segments now: x1 = [0.2, 0.5).", new DiagnosisEvidence { Segments = segments }),
                new("recommendation", "Retrain on recent data with a time-based split.", new DiagnosisEvidence { Decision = decision }),
            ],
            Metric = "roc_auc",
            Reference = new SourceInfo("reference.csv", "duckdb", ["x1", "x2", "plan", "prediction_score", "actual_label"]),
            Current = new SourceInfo("current.csv", "duckdb", ["x1", "x2", "plan", "prediction_score", "actual_label"]),
            Columns = new ColumnRoles { Score = "prediction_score", Label = "actual_label", Features = ["x1", "x2", "plan"] },
        };
    }
}
