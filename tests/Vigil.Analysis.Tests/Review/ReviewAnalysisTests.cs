using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Review;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Review;

/// <summary>Each requirement kind passing and failing on the covariate-shift scenario (20,000 labeled rows, regions,
/// a reference that the current data drifted from).</summary>
public sealed class ReviewAnalysisTests
{
    private static string Scenario(string file)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        return Path.Combine(d!.FullName, "tests", "fixtures", "scenarios", "covariate_shift", file);
    }

    private static ReviewResult Review(string requirements, string? current = null)
    {
        var policy = PolicyParser.Parse("requirements:\n" + requirements, "policy.yaml", Path.GetDirectoryName(Scenario("reference.csv"))!);
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [current ?? Scenario("current.csv")] });
        return ReviewAnalysis.Run(source, policy, new MappingOptions { Score = "score", Label = "label", Id = "id", Timestamp = "timestamp" }, 0.5);
    }

    [Fact]
    public void Metric_PassesAboveItsMin_FailsBelow_WithValueAndEvidence()
    {
        var r = Review("  - metric: roc_auc\n    min: 0.7\n  - metric: roc_auc\n    min: 0.8\n    name: strict\n");
        Assert.False(r.Passed);
        var (ok, strict) = (r.Requirements[0], r.Requirements[1]);
        Assert.True(ok.Passed);
        Assert.False(strict.Passed);
        Assert.Equal(ok.Value, strict.Value);
        Assert.InRange(ok.Value!.Value, 0.7, 0.8);
        Assert.Contains("20,000 rows", ok.Evidence);
        Assert.Equal(20_000, r.Rows);
    }

    [Fact]
    public void PerSegment_JudgesEverySegment_AndLeavesSmallOnesUnjudged()
    {
        var r = Review("  - metric: recall\n    min: 0.75\n    per_segment: region\n  - metric: recall\n    min: 0.5\n    per_segment: region\n    min_rows: 4000\n    name: lenient\n");
        var strict = r.Requirements[0];
        Assert.False(strict.Passed);
        Assert.Equal(4, strict.Segments!.Count);
        Assert.Contains(strict.Segments, s => s is { Segment: "east", Passed: false });
        Assert.Equal(strict.Segments.Min(s => s.Value), strict.Value);
        Assert.Contains("1 of 4 segments fail: region=east", strict.Evidence);
        var lenient = r.Requirements[1];
        Assert.True(lenient.Passed);
        Assert.Contains(lenient.Segments!, s => s is { Segment: "west", Passed: null, Rows: < 4000 });
        Assert.Contains("1 under 4,000 rows not judged", lenient.Evidence);
        Assert.Equal(["region"], r.Card.SegmentColumns);
    }

    [Fact]
    public void CalibrationError_IsEvaluatesEce()
    {
        var r = Review("  - calibration_error: {max: 0.05}\n  - calibration_error: {max: 0.001}\n    name: tight\n");
        Assert.True(r.Requirements[0].Passed);
        Assert.False(r.Requirements[1].Passed);
        Assert.Equal(r.Card.Metrics.Single(m => m.Name == "ece").Value, r.Requirements[0].Value);
    }

    [Fact]
    public void Drift_AgainstTheReference_SharesOrCounts()
    {
        var r = Review("  - drift: {reference: reference.csv, max_drifted_share: 0.3}\n  - drift: {reference: reference.csv, max_drifted_columns: 20}\n    name: loose\n");
        Assert.False(r.Requirements[0].Passed);
        Assert.InRange(r.Requirements[0].Value!.Value, 0.3, 1);
        Assert.True(r.Requirements[1].Passed);
        Assert.Contains("columns drifted against reference.csv", r.Requirements[1].Evidence);
        var reference = Assert.Single(r.Card.References);
        Assert.Equal(20_000, reference.Rows);
        Assert.DoesNotContain("Training data", r.SectionsToWrite);
    }

    [Fact]
    public void DataQuality_CountsSummaryFindingsBySeverity()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-review-").FullName;
        try
        {
            // A log with scores above 1 on 2% of the rows: summary's score_out_of_range error.
            var lines = new List<string> { "id,timestamp,score,label,region" };
            for (int i = 0; i < 600; i++) lines.Add($"{i},{new DateTime(2026, 1, 1).AddMinutes(i * 7):yyyy-MM-dd HH:mm:ss},{(i % 50 == 0 ? 1.7 : (i % 10) / 10.0):0.0},{(i % 3 == 0 ? "" : ((i % 10) >= 5 ? "1" : "0"))},r{i % 2}");
            var path = Path.Combine(dir, "log.csv");
            File.WriteAllLines(path, lines);
            var clean = Review("  - data_quality: {max_errors: 0}\n");
            Assert.True(clean.Requirements[0].Passed);
            Assert.Equal(0, clean.Requirements[0].Value);
            var r = Review("  - data_quality: {max_errors: 0}\n", path);
            Assert.False(r.Requirements[0].Passed);
            Assert.True(r.Requirements[0].Value >= 1);
            Assert.StartsWith("1 error, ", r.Requirements[0].Evidence);
            Assert.Contains("score_out_of_range", r.Requirements[0].Evidence);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void SectionsToWrite_AreTheOwnersSectionsThePolicyLeavesOut()
    {
        var r = Review("  - metric: f1\n    min: 0.1\n");
        Assert.Equal(["Model details", "Intended use", "Factors", "Training data", "Ethical considerations", "Caveats and recommendations"], r.SectionsToWrite);
    }

    private static ReviewResult ReviewLoans(string requirements)
    {
        var loans = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(Scenario("current.csv"))))!, "fairness", "loans.csv");
        var policy = PolicyParser.Parse("requirements:\n" + requirements, "policy.yaml", Path.GetDirectoryName(loans)!);
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [loans] });
        return ReviewAnalysis.Run(source, policy, new MappingOptions(), 0.5);
    }

    [Fact]
    public void Fairness_HoldsTheDefinitionsSummaryToItsLimit_WithTheGroupsAsEvidence_AndTheCardShowsTheIntersection()
    {
        // loans.csv (tools/golden/generate_fairness_log.py): race is far from parity, gender close to it
        var r = ReviewLoans(
            "  - fairness: {attribute: race, definition: demographic_parity, max_difference: 0.1}\n" +
            "  - fairness: {attribute: gender, definition: demographic_parity, max_difference: 0.2}\n" +
            "  - fairness: {attribute: gender, definition: equalized_odds, min_ratio: 0.5}\n");
        var (race, gender, odds) = (r.Requirements[0], r.Requirements[1], r.Requirements[2]);
        Assert.False(race.Passed);
        Assert.True(race.Value > 0.1, $"race: {race.Value}");
        Assert.Contains("demographic_parity between groups of race", race.Evidence);
        Assert.Contains("black", race.Evidence);
        Assert.Equal("fairness", race.Kind);
        Assert.Equal("difference ≤ 0.1", race.Limit);
        Assert.True(gender.Passed, gender.Evidence);
        Assert.True(odds.Passed, odds.Evidence);
        Assert.InRange(odds.Value!.Value, 0.5, 1);
        // one audit of both attributes (in the policy's order), with their intersection, for the card
        Assert.Contains(r.Card.FairnessGroups, g => g.Attribute == "race&gender" && g.Value == "black&female");
        Assert.Contains(r.Card.FairnessGroups, g => g.Attribute == "race" && g.Value == "white");
    }
}
