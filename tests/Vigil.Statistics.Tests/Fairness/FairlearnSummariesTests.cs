using Vigil.Statistics.Fairness;
using static Vigil.Statistics.Tests.Fairness.FairnessFixture;

namespace Vigil.Statistics.Tests.Fairness;

public sealed class FairlearnSummariesTests
{
    public static TheoryData<string> Cases => Names("metrics");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Summaries_MatchFairlearnDefinitions(string name)
    {
        var c = Case("metrics", name);
        var summaries = FairlearnSummaries.Compute(GroupFairnessMetricsTests.Run(c));
        var expected = c.GetProperty("expected").GetProperty("summaries").EnumerateArray().ToArray();
        Assert.Equal(expected.Length, summaries.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var s = summaries[i];
            Assert.Equal(e.GetProperty("name").GetString(), s.Name);
            Assert.Equal(e.GetProperty("method").GetString(), s.Method == DisparityMethod.BetweenGroups ? "between_groups" : "to_overall");
            Close(D(e, "value"), s.Value, $"{name}/{s.Name}/{s.Method}");
            if (double.IsNaN(s.Value))
            {
                Assert.False(string.IsNullOrEmpty(s.Note), $"{name}/{s.Name}: an undefined summary needs a reason");
            }
        }
    }

    private static GroupMetricFrame Frame(params GroupCounts[] groups) => GroupFairnessMetrics.Compute(groups);

    [Fact]
    public void DemographicParity_HandComputed()
    {
        // selection rates at 0.5: a 2/4, b 1/4, overall 3/8
        var f = Frame(new GroupCounts("a", [0.9, 0.6, 0.2], [1, 0, 1], [0, 1, 1]), new GroupCounts("b", [0.7, 0.1], [1, 0], [0, 3]));
        var s = FairlearnSummaries.Compute(f).ToDictionary(x => (x.Name, x.Method));
        Assert.Equal(0.25, s[("demographic_parity_difference", DisparityMethod.BetweenGroups)].Value, 15);
        Assert.Equal(0.125, s[("demographic_parity_difference", DisparityMethod.ToOverall)].Value, 15);
        Assert.Equal(0.5, s[("demographic_parity_ratio", DisparityMethod.BetweenGroups)].Value, 15);
        Assert.Equal((1.0 / 4) / (3.0 / 8), s[("demographic_parity_ratio", DisparityMethod.ToOverall)].Value, 15);
        // TPR: a 1/2, b 1/1; FPR: a 1/2, b 0/3 → EO difference max(0.5, 0.5), ratio min(0.5, 0)
        Assert.Equal(0.5, s[("equalized_odds_difference", DisparityMethod.BetweenGroups)].Value, 15);
        Assert.Equal(0.0, s[("equalized_odds_ratio", DisparityMethod.BetweenGroups)].Value, 15);
        Assert.Equal(0.5, s[("equal_opportunity_ratio", DisparityMethod.BetweenGroups)].Value, 15);
    }

    [Fact]
    public void RatioOfZeroRates_IsUndefinedAsInFairlearn()
    {
        var f = GroupFairnessMetrics.Compute(
            [new GroupCounts("a", [0.2], [1], [1]), new GroupCounts("b", [0.3], [2], [1])], new FairnessOptions { Threshold = 0.9 });
        var between = FairlearnSummaries.Ratio(f, FairnessRate.SelectionRate);
        Assert.True(double.IsNaN(between.Value));
        Assert.Contains("0/0", between.Note);
        Assert.True(double.IsNaN(FairlearnSummaries.Ratio(f, FairnessRate.SelectionRate, DisparityMethod.ToOverall).Value));
        Assert.Equal(0.0, FairlearnSummaries.Difference(f, FairnessRate.SelectionRate).Value);
        Assert.Equal("selection_rate_ratio", between.Name);
    }

    [Fact]
    public void GroupWithUndefinedRate_IsLeftOutAndNamed()
    {
        // group "none" has no positives: its TPR is NaN, so equal opportunity compares a and b only
        var f = Frame(new GroupCounts("a", [0.9, 0.1], [1, 1], [0, 2]), new GroupCounts("b", [0.9], [2], [2]), new GroupCounts("none", [0.9], [0], [5]));
        var d = FairlearnSummaries.Difference(f, FairnessRate.TruePositiveRate);
        Assert.Equal(0.5, d.Value, 15);
        Assert.Contains("(none)", d.Note);
        var eo = FairlearnSummaries.Compute(f).First(x => x.Name == "equal_opportunity_ratio" && x.Method == DisparityMethod.BetweenGroups);
        Assert.Equal(0.5, eo.Value, 15);
    }

    [Fact]
    public void NoPositivesAnywhere_EqualizedOddsFallsBackToFpr()
    {
        var f = Frame(new GroupCounts("a", [0.9, 0.1], [0, 0], [1, 3]), new GroupCounts("b", [0.9, 0.1], [0, 0], [1, 1]));
        var all = FairlearnSummaries.Compute(f);
        var eopp = all.First(x => x.Name == "equal_opportunity_difference" && x.Method == DisparityMethod.BetweenGroups);
        Assert.True(double.IsNaN(eopp.Value));
        Assert.Contains("undefined in every group", eopp.Note);
        var eo = all.First(x => x.Name == "equalized_odds_difference" && x.Method == DisparityMethod.BetweenGroups);
        Assert.Equal(0.25, eo.Value, 15);
        Assert.Contains("ignored", eo.Note);
    }

    [Fact]
    public void NoGroups_EverySummaryUndefined()
    {
        var all = FairlearnSummaries.Compute(Frame());
        Assert.Equal(12, all.Count);
        Assert.All(all, s => Assert.True(double.IsNaN(s.Value) && s.Note is not null));
    }
}
