using System.Text.Json;
using Vigil.Analysis.Fairness;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Fairness;

namespace Vigil.Analysis.Tests.Fairness;

/// <summary>
/// <c>vigil fairness</c> on the generated loan log (tests/fixtures/fairness/loans.csv) against
/// tools/golden/generate_fairness_log.py: pandas groupby over the rows of every group of gender, race and gender&amp;race,
/// scikit-learn's confusion_matrix and roc_auc_score, Wilson intervals from SciPy's normal quantile, Fairlearn's
/// MetricFrame difference / ratio by both methods and Aequitas' disparities against the largest group, to 1e-9. The log
/// holds missing sensitive values, a race without positive labels, two-decimal (tied) scores and rows without a score or
/// a label.
/// </summary>
public sealed class FairnessGoldenTests
{
    private static readonly JsonElement Expected = Fixture.Json("fairness_expected.json");

    internal static string Log()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(System.IO.Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        if (d is null) throw new InvalidOperationException("the repository root (Vigil.slnx) is not above " + AppContext.BaseDirectory);
        return System.IO.Path.Combine(d.FullName, "tests", "fixtures", "fairness", "loans.csv");
    }

    internal static FairnessResult Run(FairnessAuditOptions o)
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Log()] });
        return FairnessAnalysis.Run(source, o);
    }

    internal static FairnessAuditOptions Options(double threshold, DisparityMethod method = DisparityMethod.BetweenGroups) => new()
    {
        Sensitive = ["gender", "race"],
        Threshold = threshold,
        Method = method,
        Proxies = false,
        Constraint = null,
    };

    private static void Same(JsonElement e, double? actual, string what)
    {
        if (e.ValueKind == JsonValueKind.Null) Assert.True(actual is null, $"{what}: expected null, got {actual}");
        else Fixture.Close(e.GetDouble(), actual, what);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    public void Groups_MatchPandasAndScikitLearn(int caseIndex)
    {
        var c = Expected.GetProperty("cases")[caseIndex];
        var r = Run(Options(c.GetProperty("threshold").GetDouble()));
        Assert.Equal(c.GetProperty("rows").GetInt64(), r.Rows);
        Assert.Equal(c.GetProperty("missing_score").GetInt64(), r.Excluded.GetValueOrDefault("missing_score"));
        Assert.Equal(c.GetProperty("missing_label").GetInt64(), r.Excluded.GetValueOrDefault("missing_label"));
        Assert.Equal(c.GetProperty("overall").GetProperty("size").GetInt64(), r.Overall.Size);
        foreach (var m in c.GetProperty("overall").GetProperty("metrics").EnumerateObject())
            Same(m.Value, Fixture.Metric(r.Overall.Metrics, m.Name), $"overall {m.Name}");
        foreach (var a in c.GetProperty("attributes").EnumerateArray())
        {
            var attr = a.GetProperty("attribute").GetString()!;
            var actual = r.Groups.Where(g => g.Attribute == attr).ToList();
            var expected = a.GetProperty("groups").EnumerateArray().ToList();
            Assert.Equal(expected.Select(e => e.GetProperty("value").GetString()), actual.Select(g => g.Value));
            for (var i = 0; i < expected.Count; i++)
            {
                var e = expected[i];
                var g = actual[i];
                var what = $"{attr}={g.Value}";
                Assert.Equal(e.GetProperty("size").GetInt64(), g.Size);
                Assert.Equal(e.GetProperty("positives").GetInt64(), g.Positives);
                Assert.Equal(new Statistics.Classification.ConfusionCounts(e.GetProperty("tp").GetInt64(), e.GetProperty("fp").GetInt64(), e.GetProperty("tn").GetInt64(), e.GetProperty("fn").GetInt64()), g.Confusion);
                foreach (var m in e.GetProperty("metrics").EnumerateObject())
                {
                    Same(m.Value, Fixture.Metric(g.Metrics, m.Name), $"{what} {m.Name}");
                    if (m.Value.ValueKind == JsonValueKind.Null)
                        Assert.False(string.IsNullOrEmpty(g.Metrics.Single(x => x.Name == m.Name).Note), $"{what} {m.Name}: undefined without a reason");
                }
                foreach (var iv in e.GetProperty("intervals").EnumerateObject())
                {
                    Same(iv.Value[0], g.Intervals[iv.Name].Lower, $"{what} {iv.Name} lower");
                    Same(iv.Value[1], g.Intervals[iv.Name].Upper, $"{what} {iv.Name} upper");
                }
                Assert.Equal(g.Size < 30, g.BelowMinimumSize);
            }
            Assert.Equal(a.GetProperty("reference").GetString(), r.ReferenceGroup[attr]);
        }
    }

    [Theory]
    [InlineData("between_groups")]
    [InlineData("to_overall")]
    public void Summaries_MatchFairlearnDefinitions(string method)
    {
        var c = Expected.GetProperty("cases")[0];
        var r = Run(Options(0.5, FairnessNames.Method(method)!.Value));
        Assert.Equal(method, r.Method);
        foreach (var a in c.GetProperty("attributes").EnumerateArray())
        {
            var attr = a.GetProperty("attribute").GetString()!;
            var s = r.Summary.Single(x => x.Attribute == attr);
            var e = a.GetProperty("summaries").GetProperty(method);
            Same(e.GetProperty("demographic_parity_difference"), s.DemographicParityDifference, $"{attr} dp diff");
            Same(e.GetProperty("demographic_parity_ratio"), s.DemographicParityRatio, $"{attr} dp ratio");
            Same(e.GetProperty("equalized_odds_difference"), s.EqualizedOddsDifference, $"{attr} eodds diff");
            Same(e.GetProperty("equalized_odds_ratio"), s.EqualizedOddsRatio, $"{attr} eodds ratio");
            Same(e.GetProperty("equal_opportunity_difference"), s.EqualOpportunityDifference, $"{attr} eopp diff");
            Same(e.GetProperty("equal_opportunity_ratio"), s.EqualOpportunityRatio, $"{attr} eopp ratio");
        }
    }

    [Fact]
    public void Disparities_MatchAequitasAgainstTheLargestGroup()
    {
        var c = Expected.GetProperty("cases")[0];
        var r = Run(Options(0.5));
        foreach (var a in c.GetProperty("attributes").EnumerateArray())
        {
            var attr = a.GetProperty("attribute").GetString()!;
            var reference = a.GetProperty("reference").GetString()!;
            var expected = a.GetProperty("disparities").EnumerateArray().ToList();
            var actual = r.Disparities.Where(d => d.Attribute == attr).ToList();
            Assert.Equal(expected.Count, actual.Count);
            foreach (var e in expected)
            {
                var value = e.GetProperty("value").GetString()!;
                var metric = e.GetProperty("metric").GetString()!;
                var d = actual.Single(x => x.Value == value && x.Metric == metric);
                Assert.Equal(reference, d.Reference);
                Same(e.GetProperty("disparity"), d.Disparity, $"{attr}={value} {metric}");
                var fair = e.GetProperty("fair");
                Assert.Equal(fair.ValueKind == JsonValueKind.Null ? null : fair.GetBoolean(), d.Fair);
                if (d.Disparity is null) Assert.False(string.IsNullOrEmpty(d.Reason));
            }
        }
    }

    [Fact]
    public void GivenReferenceGroup_IsUsed_AndAnAbsentOneIsAnInputError()
    {
        var r = Run(Options(0.5) with { ReferenceGroups = new Dictionary<string, string> { ["race"] = "black" } });
        Assert.Equal("black", r.ReferenceGroup["race"]);
        Assert.Equal("male", r.ReferenceGroup["gender"]);
        Assert.All(r.Disparities.Where(d => d.Attribute == "race" && d.Value == "black" && d.Disparity is not null), d => Assert.Equal(1.0, d.Disparity));
        var e = Assert.Throws<VigilInputException>(() => Run(Options(0.5) with { ReferenceGroups = new Dictionary<string, string> { ["race"] = "martian" } }));
        Assert.Contains("race=martian is not present", e.Message);
        Assert.Contains("white", e.Message);
    }

    [Fact]
    public void GroupWithoutPositives_SaysWhichMetricsAreUndefinedAndWhy()
    {
        var r = Run(Options(0.5));
        var other = r.Groups.Single(g => g.Attribute == "race" && g.Value == "other");
        Assert.Equal(0, other.Positives);
        foreach (var m in new[] { "tpr", "fnr", "roc_auc" })
        {
            var v = other.Metrics.Single(x => x.Name == m);
            Assert.Null(v.Value);
            Assert.Contains("no positive labels", v.Note);
        }
        Assert.NotNull(Fixture.Metric(other.Metrics, "fpr"));
        Assert.Contains(r.Notes, n => n.Contains("race = other: no positive labels in the group: TPR, FNR and ROC AUC are undefined"));
    }

    [Fact]
    public void DefaultThreshold_IsSaidToBeTheDefault()
    {
        var r = Run(Options(0.5) with { Threshold = null });
        Assert.Equal(0.5, r.Threshold);
        Assert.Equal("default", r.ThresholdSource);
        Assert.Equal("--threshold", Run(Options(0.5)).ThresholdSource);
    }

    [Fact]
    public void Mitigation_MeetsTheConstraint_OnTheFirstAttribute()
    {
        foreach (var constraint in new[] { FairnessConstraint.DemographicParity, FairnessConstraint.EqualOpportunity, FairnessConstraint.EqualizedOdds })
        {
            var r = Run(Options(0.5) with { Constraint = constraint });
            var m = r.Mitigation!;
            Assert.Equal("gender", m.Attribute);
            Assert.Equal(FairnessNames.Of(constraint), m.Constraint);
            Assert.True(m.ViolationAfter <= 1e-9, $"{constraint}: violation {m.ViolationAfter}");
            Assert.True(m.ViolationBefore > 0.01);
            Assert.Equal(["female", "male", "(missing)"], m.Groups.Select(g => g.Value));
        }
        var race = Run(Options(0.5) with { Constraint = FairnessConstraint.EqualOpportunity, MitigateOn = "race" }).Mitigation!;
        Assert.Equal("race", race.Attribute);
        Assert.False(race.Groups.Single(g => g.Value == "other").Constrained);
        Assert.True(race.ViolationAfter <= 1e-9);
    }

    [Fact]
    public void Proxies_FindZipCodeForRace_AndNothingForGender()
    {
        var r = Run(Options(0.5) with { Proxies = true, ProxyRows = 4000 });
        var race = r.Proxies.Single(p => p.Attribute == "race");
        var gender = r.Proxies.Single(p => p.Attribute == "gender");
        Assert.True(race.Encoded);
        Assert.True(race.AllFeaturesAuc > 0.85, $"race AUC {race.AllFeaturesAuc}");
        Assert.Equal("zip_code", race.Features[0].Feature);
        Assert.Contains("No: zip_code", race.Finding);
        Assert.False(gender.Encoded);
        Assert.True(gender.AllFeaturesAuc < 0.6, $"gender AUC {gender.AllFeaturesAuc}");
        Assert.DoesNotContain(r.Proxies.SelectMany(p => p.Features), f => f.Feature is "gender" or "race" or "prediction_score" or "actual_label");
        // Deterministic: the same seed gives the same sample and numbers.
        var again = Run(Options(0.5) with { Proxies = true, ProxyRows = 4000 });
        Assert.Equal(race.AllFeaturesAuc, again.Proxies.Single(p => p.Attribute == "race").AllFeaturesAuc);
    }
}
