using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;

namespace Vigil.Reports.Tests.Json;

/// <summary>A review with one requirement failing and a per-segment one (a segment unjudged), with its approval record.</summary>
internal static class ReviewFixtures
{
    public static ReviewResult Failed() => new()
    {
        Passed = false,
        Policy = "policy.yaml",
        Source = new SourceInfo("holdout.csv", "duckdb", ["id", "score", "label", "region"]),
        Rows = 20_000,
        Threshold = 0.5,
        Requirements =
        [
            new() { Name = "roc_auc", Kind = "metric", Passed = false, Value = 0.7333, Limit = "≥ 0.75", Evidence = "roc_auc 0.7333 on 20,000 rows at threshold 0.5" },
            new()
            {
                Name = "recall per region", Kind = "metric", Passed = true, Value = 0.7335, Limit = "≥ 0.6",
                Evidence = "all 2 segments hold; worst region=east 0.7335 (5,011 rows); 1 under 100 rows not judged",
                Segments = [new("region", "east", 5011, 0.7335, true), new("region", "north", 14_919, 0.7719, true), new("region", null, 70, 0.41, null)],
            },
        ],
        ModelCard = "model-card.md",
        SectionsToWrite = ["Ethical considerations"],
        Approval = new ReviewApproval(new string('a', 64), "xxhash64:0123456789abcdef", "ci", "runner-1", new DateTime(2026, 6, 1, 12, 0, 0, DateTimeKind.Utc), "1.0.0"),
        Card = new ModelCardFacts { Model = new Dictionary<string, string> { ["name"] = "loan" }, Metrics = [new MetricValue("roc_auc", 0.7333)] },
    };
}
