using Vigil.Analysis.Review;
using Vigil.Engine;

namespace Vigil.Analysis.Tests.Review;

public sealed class PolicyParserTests
{
    private static readonly string Folder = AppContext.BaseDirectory;

    private static ReviewPolicy Parse(string yaml) => PolicyParser.Parse(yaml, "policy.yaml", Folder);

    private static string Error(string yaml)
    {
        var e = Assert.Throws<VigilInputException>(() => Parse(yaml));
        Assert.DoesNotContain('\n', e.Message);
        return e.Message;
    }

    [Fact]
    public void Parse_FullPolicy_ReadsModelColumnsThresholdAndEveryKind()
    {
        var p = Parse("""
            model:
              name: loan
              version: "3.2"
            columns: {score: s, label: y}
            threshold: 0.4
            requirements:
              - metric: roc_auc
                min: 0.75
              - metric: recall
                min: 0.6
                per_segment: region
                min_rows: 50
                name: recall everywhere
              - calibration_error: {max: 0.05}
              - data_quality: {max_errors: 0, max_warnings: 10}
            """);
        Assert.Equal("loan", p.Model["name"]);
        Assert.Equal("3.2", p.Model["version"]);
        Assert.Equal("s", p.Columns.Score);
        Assert.Equal("y", p.Columns.Label);
        Assert.Equal(0.4, p.Threshold);
        Assert.Equal(["roc_auc", "recall everywhere", "calibration error (ece)", "data quality"], p.Requirements.Select(r => r.Name));
        Assert.Equal(["≥ 0.75", "≥ 0.6", "≤ 0.05", "errors ≤ 0, warnings ≤ 10"], p.Requirements.Select(r => r.Limit));
        var seg = Assert.IsType<MetricRequirement>(p.Requirements[1]);
        Assert.Equal(("region", 50L), (seg.PerSegment, seg.MinRows));
    }

    [Theory]
    [InlineData("modle: {}\nrequirements:\n  - metric: f1\n    min: 0.1\n", "line 1: unknown key 'modle'")]
    [InlineData("requirements:\n  - metric: f1\n    min: 0.1\n  - accuracy_of: {min: 1}\n", "line 4: unknown requirement kind 'accuracy_of'")]
    [InlineData("requirements:\n  - metric: roc_auc\n", "line 2: metric 'roc_auc' needs a limit")]
    [InlineData("requirements:\n  - metric: roc_auc\n    min: high\n", "line 3: metric 'roc_auc': 'min' expects a number, found 'high'")]
    [InlineData("requirements:\n  - metric: roc_auc\n    min: [1, 2]\n", "line 3: metric 'roc_auc': 'min' expects a number, found a list")]
    [InlineData("requirements:\n  - metric: auc\n    min: 0.7\n", "line 2: 'auc' is not a metric")]
    [InlineData("requirements:\n  - calibration_error: {maximum: 0.05}\n", "line 2: unknown key 'maximum' in 'calibration_error'")]
    [InlineData("requirements:\n  - data_quality: {max_errors: -1}\n", "line 2: 'max_errors' expects a whole number")]
    [InlineData("requirements:\n  - drift: {reference: no-such-train.parquet, max_drifted_share: 0.3}\n", "line 2: the drift reference 'no-such-train.parquet' does not exist")]
    [InlineData("requirements:\n\n  - drift: {reference: x.csv}\n", "line 3: the drift reference 'x.csv' does not exist")]
    [InlineData("threshold: 2\nrequirements:\n  - metric: f1\n    min: 0.1\n", "line 1: 'threshold' is 2, outside [0, 1]")]
    [InlineData("model:\n  name: x\n", "line 1: the policy has no requirements")]
    [InlineData("requirements:\n  - fairness: {attribute: gender, definition: parity, max_difference: 0.1}\n", "line 2: 'parity' is not a fairness definition; expected demographic_parity, equal_opportunity or equalized_odds")]
    [InlineData("requirements:\n  - fairness: {attribute: gender, definition: equalized_odds}\n", "line 2: 'fairness' needs a limit: 'max_difference:' and/or 'min_ratio:'")]
    [InlineData("requirements:\n  - fairness: {definition: equalized_odds, min_ratio: 0.8}\n", "line 2: 'fairness' needs 'attribute:'")]
    [InlineData("requirements:\n  - fairness: {attribute: gender, definition: equal_opportunity, min_ratio: 1.25}\n", "line 2: 'min_ratio' is 1.25, outside [0, 1]")]
    [InlineData("requirements:\n  - fairness: {attribute: gender, definition: equal_opportunity, min_ratio: 0.8, method: worst}\n", "line 2: 'worst' is not a method")]
    [InlineData("requirements:\n  - metric: f1\n\tmin: 0.1\n", "a tab is used for indentation")]
    public void Parse_BadPolicy_IsOneLineWithTheLineNumber(string yaml, string expected)
    {
        var message = Error(yaml);
        Assert.StartsWith("policy.yaml: ", message);
        Assert.Contains(expected, message);
    }

    [Fact]
    public void Parse_DriftReference_ResolvesAgainstThePolicyFolder()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-policy-").FullName;
        try
        {
            File.WriteAllText(Path.Combine(dir, "train.csv"), "a\n1\n");
            var p = PolicyParser.Parse("requirements:\n  - drift: {reference: train.csv, max_drifted_columns: 2}\n", "policy.yaml", dir);
            var d = Assert.IsType<DriftRequirement>(p.Requirements[0]);
            Assert.Equal(Path.Combine(dir, "train.csv"), d.Reference);
            Assert.Equal("drifted columns ≤ 2", d.Limit);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Kinds_AreARegistry_WithFairness()
    {
        Assert.Equal(["metric", "calibration_error", "drift", "data_quality", "fairness"], RequirementKinds.All.Select(k => k.Key));
        Assert.NotNull(RequirementKinds.Find("fairness"));
        Assert.Empty(RequirementKinds.NotYetAvailable);
        var f = Assert.IsType<FairnessRequirement>(Parse("requirements:\n  - fairness: {attribute: gender, definition: equalized_odds, max_difference: 0.1, min_ratio: 0.8}\n").Requirements[0]);
        Assert.Equal(("equalized_odds on gender", "difference ≤ 0.1 and ratio ≥ 0.8"), (f.Name, f.Limit));
    }
}
