using System.Text.Json;
using Vigil.Statistics.Fairness;
using static Vigil.Statistics.Tests.Fairness.FairnessFixture;

namespace Vigil.Statistics.Tests.Fairness;

public sealed class AequitasDisparitiesTests
{
    public static TheoryData<string> Cases => Names("metrics");

    [Theory]
    [MemberData(nameof(Cases))]
    public void LargestGroupReference_MatchesAequitasDefinitions(string name)
    {
        var c = Case("metrics", name);
        var report = AequitasDisparities.Compute(GroupFairnessMetricsTests.Run(c), new DisparityOptions { Tau = D(c, "tau") });
        Matches(c.GetProperty("expected").GetProperty("aequitas_largest"), report, name);
        Assert.True(report.ReferenceIsLargest);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void GivenReference_MatchesAequitasDefinitions(string name)
    {
        var c = Case("metrics", name);
        if (!c.TryGetProperty("given_reference", out var given))
        {
            return; // this case has no given reference
        }
        var report = AequitasDisparities.Compute(GroupFairnessMetricsTests.Run(c),
            new DisparityOptions { Tau = D(c, "tau"), ReferenceGroup = given.GetString() });
        Matches(c.GetProperty("expected").GetProperty("aequitas_given"), report, name);
        Assert.False(report.ReferenceIsLargest);
    }

    private static void Matches(JsonElement e, DisparityReport report, string name)
    {
        Assert.Equal(e.GetProperty("reference").GetString(), report.ReferenceGroup);
        var rows = e.GetProperty("rows").EnumerateArray().ToArray();
        var byKey = report.Disparities.ToDictionary(d => (d.Group, d.Metric));
        Assert.Equal(rows.Length, report.Disparities.Count);
        foreach (var r in rows)
        {
            var d = byKey[(r.GetProperty("group").GetString()!, r.GetProperty("metric").GetString()!)];
            var what = $"{name}/{d.Group}/{d.Metric}";
            Close(D(r, "value"), d.Value, what + " value");
            Close(D(r, "reference_value"), d.ReferenceValue, what + " reference");
            Close(D(r, "disparity"), d.Disparity, what + " disparity");
            var fair = r.GetProperty("fair");
            Assert.Equal(fair.ValueKind == JsonValueKind.Null ? null : fair.GetBoolean(), d.Fair);
            Assert.Equal(d.Fair is null, d.Reason is not null);
        }
        foreach (var p in e.GetProperty("parities").EnumerateArray())
        {
            var mine = report.Parities.Single(x => x.Metric == p.GetProperty("metric").GetString());
            var fair = p.GetProperty("fair");
            Assert.Equal(fair.ValueKind == JsonValueKind.Null ? null : fair.GetBoolean(), mine.Fair);
            Assert.Equal(p.GetProperty("unfair").EnumerateArray().Select(x => x.GetString()), mine.UnfairGroups);
            Assert.Equal(p.GetProperty("undefined").EnumerateArray().Select(x => x.GetString()), mine.UndefinedGroups);
        }
    }

    [Fact]
    public void ReferenceWithZeroRate_DisparityUndefinedWithReason()
    {
        // reference "big" (largest) predicts nobody positive at 0.5: every ppr / pprev / precision disparity is undefined
        var f = GroupFairnessMetrics.Compute(
            [new GroupCounts("big", [0.2, 0.1], [3, 1], [2, 4]), new GroupCounts("small", [0.8, 0.1], [1, 0], [1, 1])]);
        var r = AequitasDisparities.Compute(f);
        Assert.Equal("big", r.ReferenceGroup);
        var pprev = r.Disparities.Single(d => d.Group == "small" && d.Metric == "pprev");
        Assert.True(double.IsNaN(pprev.Disparity));
        Assert.Null(pprev.Fair);
        Assert.Contains("x/0", pprev.Reason);
        var self = r.Disparities.Single(d => d.Group == "big" && d.Metric == "pprev");
        Assert.Contains("0/0", self.Reason);
        Assert.Null(r.Parities.Single(p => p.Metric == "pprev").Fair);
        // accuracy: big 4/10... (TN 6 of 10), small 2/3 → 0.666…/0.6 = 1.11: fair
        var acc = r.Disparities.Single(d => d.Group == "small" && d.Metric == "accuracy");
        Assert.Equal((2.0 / 3.0) / 0.6, acc.Disparity, 15);
        Assert.True(acc.Fair);
    }

    [Fact]
    public void Band_IsInclusiveAtTauAndOneOverTau()
    {
        // pprev: a 4/5 = 0.8 against reference b 5/5 = 1 → exactly τ, fair; c 1/5 → unfair
        var f = GroupFairnessMetrics.Compute(
        [
            new GroupCounts("a", [0.9, 0.1], [4, 0], [0, 1]),
            new GroupCounts("b", [0.9], [5], [0]),
            new GroupCounts("c", [0.9, 0.1], [1, 4], [0, 0]),
        ], new FairnessOptions { MinimumGroupSize = 0 });
        var r = AequitasDisparities.Compute(f, new DisparityOptions { ReferenceGroup = "b" });
        Assert.True(r.Disparities.Single(d => d.Group == "a" && d.Metric == "pprev").Fair);
        Assert.False(r.Disparities.Single(d => d.Group == "c" && d.Metric == "pprev").Fair);
        var parity = r.Parities.Single(p => p.Metric == "pprev");
        Assert.False(parity.Fair);
        Assert.Equal(["c"], parity.UnfairGroups);
    }

    [Fact]
    public void LargestGroupTie_TakesTheFirst()
    {
        var f = GroupFairnessMetrics.Compute([new GroupCounts("x", [0.9], [1], [1]), new GroupCounts("y", [0.9], [2], [0])]);
        Assert.Equal("x", AequitasDisparities.Compute(f).ReferenceGroup);
    }

    [Fact]
    public void BadOptionsOrNoGroups()
    {
        var f = GroupFairnessMetrics.Compute([new GroupCounts("x", [0.9], [1], [1])]);
        Assert.Throws<ArgumentException>(() => AequitasDisparities.Compute(f, new DisparityOptions { ReferenceGroup = "nope" }));
        Assert.Throws<ArgumentException>(() => AequitasDisparities.Compute(f, new DisparityOptions { Tau = 1.5 }));
        Assert.Throws<ArgumentException>(() => AequitasDisparities.Compute(f, new DisparityOptions { Tau = double.NaN }));
        var empty = AequitasDisparities.Compute(GroupFairnessMetrics.Compute([]));
        Assert.Null(empty.ReferenceGroup);
        Assert.Empty(empty.Disparities);
        Assert.All(empty.Parities, p => Assert.Null(p.Fair));
    }
}
