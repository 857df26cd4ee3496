using System.Text.Json;
using Vigil.Statistics.Fairness;
using static Vigil.Statistics.Tests.Fairness.FairnessFixture;

namespace Vigil.Statistics.Tests.Fairness;

public sealed class GroupFairnessMetricsTests
{
    public static TheoryData<string> Cases => Names("metrics");

    internal static GroupMetricFrame Run(JsonElement c) =>
        GroupFairnessMetrics.Compute(Groups(c.GetProperty("dataset").GetString()!), new FairnessOptions
        {
            Threshold = D(c, "threshold"),
            Confidence = D(c, "confidence"),
            MinimumGroupSize = L(c, "min_size"),
        });

    [Theory]
    [MemberData(nameof(Cases))]
    public void ByGroupAndOverall_MatchMetricFrameWithScikitLearn(string name)
    {
        var c = Case("metrics", name);
        var frame = Run(c);
        var expected = c.GetProperty("expected");
        var groups = expected.GetProperty("by_group").EnumerateArray().ToArray();
        Assert.Equal(groups.Length, frame.ByGroup.Count);
        for (var i = 0; i < groups.Length; i++)
        {
            Matches(groups[i], frame.ByGroup[i], $"{name}/{frame.ByGroup[i].Key}");
        }
        Matches(expected.GetProperty("overall"), frame.Overall, $"{name}/overall");
        Assert.Equal(GroupFairnessMetrics.OverallKey, frame.Overall.Key);
    }

    private static void Matches(JsonElement e, GroupMetrics g, string what)
    {
        Assert.Equal(L(e, "size"), g.Size);
        Assert.Equal(L(e, "positives"), g.Positives);
        Assert.Equal(L(e, "negatives"), g.Negatives);
        Assert.Equal((L(e, "tp"), L(e, "fp"), L(e, "tn"), L(e, "fn")), (g.Confusion.Tp, g.Confusion.Fp, g.Confusion.Tn, g.Confusion.Fn));
        foreach (var (json, rate) in new[]
                 {
                     ("selection_rate", g.SelectionRate), ("tpr", g.TruePositiveRate), ("fpr", g.FalsePositiveRate),
                     ("fnr", g.FalseNegativeRate), ("precision", g.Precision), ("accuracy", g.Accuracy),
                 })
        {
            var r = e.GetProperty(json);
            Close(D(r, "value"), rate.Value, $"{what} {json}");
            Close(D(r, "lower"), rate.Lower, $"{what} {json} lower");
            Close(D(r, "upper"), rate.Upper, $"{what} {json} upper");
            Assert.Equal(L(r, "num"), rate.Numerator);
            Assert.Equal(L(r, "den"), rate.Denominator);
            Assert.Equal(double.IsNaN(rate.Value), rate.Reason is not null);
        }
        Close(D(e, "roc_auc"), g.RocAuc, $"{what} roc_auc");
        Assert.Equal(e.GetProperty("below_min").GetBoolean(), g.BelowMinimumSize);
    }

    [Fact]
    public void NoPositives_TprFnrAucUndefinedWithTheReason()
    {
        var frame = GroupFairnessMetrics.Compute([new GroupCounts("g", [0.9, 0.2], [0, 0], [3, 4])]);
        var g = frame.ByGroup[0];
        Assert.True(double.IsNaN(g.TruePositiveRate.Value));
        Assert.True(double.IsNaN(g.FalseNegativeRate.Value));
        Assert.True(double.IsNaN(g.RocAuc));
        Assert.Equal(3.0 / 7.0, g.FalsePositiveRate.Value, 15);
        Assert.Contains("no positive labels in the group: TPR, FNR and ROC AUC are undefined", g.Notes);
        Assert.Equal("no positive labels in the group", g.TruePositiveRate.Reason);
        Assert.True(g.BelowMinimumSize);
        Assert.Contains(g.Notes, n => n.Contains("minimum group size of 30"));
    }

    [Fact]
    public void NoNegativesAndNothingPredicted_FprAucPrecisionUndefined()
    {
        var frame = GroupFairnessMetrics.Compute([new GroupCounts("g", [0.3, 0.1], [2, 5], [0, 0])], new FairnessOptions { Threshold = 0.5 });
        var g = frame.ByGroup[0];
        Assert.True(double.IsNaN(g.FalsePositiveRate.Value));
        Assert.True(double.IsNaN(g.Precision.Value));
        Assert.True(double.IsNaN(g.RocAuc));
        Assert.Equal(0.0, g.TruePositiveRate.Value);
        Assert.Equal((0.0, 0.0), (g.SelectionRate.Value, g.SelectionRate.Lower));
        Assert.Contains("no negative labels in the group: FPR and ROC AUC are undefined", g.Notes);
        Assert.Contains(g.Notes, n => n.StartsWith("no rows predicted positive at threshold 0.5: precision is undefined"));
    }

    [Fact]
    public void EmptyInput_GivesAnEmptyOverallRowWithoutThrowing()
    {
        var frame = GroupFairnessMetrics.Compute([]);
        Assert.Empty(frame.ByGroup);
        Assert.Equal(0, frame.Overall.Size);
        Assert.True(double.IsNaN(frame.Overall.Accuracy.Value));
        Assert.True(double.IsNaN(frame.Overall.RocAuc));
        Assert.Contains("the group has no rows: every metric is undefined", frame.Overall.Notes);
    }

    [Fact]
    public void EmptyGroup_IsKeptWithEveryMetricUndefined()
    {
        var frame = GroupFairnessMetrics.Compute([new GroupCounts("a", [0.7], [1], [1]), new GroupCounts("empty", [], [], [])]);
        var e = frame.ByGroup[1];
        Assert.Equal(0, e.Size);
        Assert.All(new[] { e.SelectionRate, e.TruePositiveRate, e.FalsePositiveRate, e.Precision, e.Accuracy },
            r => Assert.Equal("the group is empty", r.Reason));
        Assert.Equal(2, frame.Overall.Size);
    }

    [Fact]
    public void OneGroup_OverallEqualsTheGroup()
    {
        var g = new GroupCounts("only", [0.1, 0.9, 0.5, 0.9], [1, 3, 2, 1], [4, 0, 2, 1]);
        var frame = GroupFairnessMetrics.Compute([g]);
        Assert.Equal(frame.ByGroup[0] with { Key = "overall", Notes = frame.Overall.Notes }, frame.Overall);
        // unsorted input with a repeated score (0.9) is merged: 4 positives, 1 negative at 0.9
        Assert.Equal(14, frame.Overall.Size);
        Assert.Equal(6 + 3, frame.Overall.Confusion.Tp + frame.Overall.Confusion.Fp);
    }

    [Fact]
    public void RocAuc_CountsTiesHalf()
    {
        // positives at 0.8 and 0.5, negatives at 0.5 and 0.2: pairs (0.8>0.5)=1, (0.8>0.2)=1, (0.5=0.5)=½, (0.5>0.2)=1 → 3.5/4
        var frame = GroupFairnessMetrics.Compute([new GroupCounts("g", [0.8, 0.5, 0.2], [1, 1, 0], [0, 1, 1])]);
        Assert.Equal(0.875, frame.ByGroup[0].RocAuc, 15);
    }

    [Fact]
    public void MalformedInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => GroupFairnessMetrics.Compute([new GroupCounts("g", [double.NaN], [1], [0])]));
        Assert.Throws<ArgumentException>(() => GroupFairnessMetrics.Compute([new GroupCounts("g", [0.1], [1, 2], [0])]));
        Assert.Throws<ArgumentException>(() => GroupFairnessMetrics.Compute([new GroupCounts("g", [0.1], [-1], [0])]));
        Assert.Throws<ArgumentException>(() => GroupFairnessMetrics.Compute([new GroupCounts("g", [0.1], [1], [0]), new GroupCounts("g", [0.2], [1], [0])]));
        Assert.Throws<ArgumentException>(() => GroupFairnessMetrics.Compute([], new FairnessOptions { Threshold = double.NaN }));
        Assert.Throws<ArgumentException>(() => GroupFairnessMetrics.Compute([], new FairnessOptions { Confidence = 1.0 }));
        var e = Assert.Throws<ArgumentException>(() => GroupFairnessMetrics.Compute([new GroupCounts("women", [double.PositiveInfinity], [1], [0])]));
        Assert.Contains("'women'", e.Message);
    }
}
