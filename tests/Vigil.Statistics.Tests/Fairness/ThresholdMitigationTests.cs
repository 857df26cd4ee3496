using System.Text.Json;
using Vigil.Statistics.Fairness;
using static Vigil.Statistics.Tests.Fairness.FairnessFixture;

namespace Vigil.Statistics.Tests.Fairness;

public sealed class ThresholdMitigationTests
{
    public static TheoryData<string> Cases => Names("mitigation");

    private static FairnessConstraint ConstraintOf(string s) => s switch
    {
        "demographic_parity" => FairnessConstraint.DemographicParity,
        "equal_opportunity" => FairnessConstraint.EqualOpportunity,
        "equalized_odds" => FairnessConstraint.EqualizedOdds,
        _ => throw new ArgumentException(s),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Optimize_MatchesReference(string name)
    {
        var c = Case("mitigation", name);
        var accuracy = c.GetProperty("objective").GetString() == "accuracy";
        var options = new MitigationOptions
        {
            Constraint = ConstraintOf(c.GetProperty("constraint").GetString()!),
            Objective = accuracy ? MitigationObjective.Accuracy : MitigationObjective.Cost,
            CostFalsePositive = D(c, "cost_fp"),
            CostFalseNegative = D(c, "cost_fn"),
            GridSize = (int)L(c, "grid"),
            Threshold = D(c, "threshold"),
        };
        var r = ThresholdMitigation.Optimize(Groups(c.GetProperty("dataset").GetString()!), options);
        var e = c.GetProperty("expected");
        double Objective(double loss) => accuracy ? 1.0 - loss : loss;

        Close(D(e, "x"), r.TargetRate, $"{name} target rate");
        Close(D(e, "y"), r.TargetTruePositiveRate, $"{name} target TPR");
        Close(Objective(D(e, "loss_before")), r.ObjectiveBefore, $"{name} objective before");
        Close(Objective(D(e, "loss_after")), r.ObjectiveAfter, $"{name} objective after");
        Close(D(e, "violation_before"), r.ViolationBefore, $"{name} violation before");
        Assert.True(r.ViolationAfter <= 1e-9, $"{name}: violation {r.ViolationAfter:R}");
        if (options.GridSize == 0)
        {
            // the linear programme over all randomised rules (HiGHS, 1e-10 feasibility) agrees with the exact search
            Close(Objective(D(e, "lp_loss")), r.ObjectiveAfter, $"{name} LP optimum", 1e-8, 1e-9);
        }
        if (c.TryGetProperty("fairlearn", out var fl) && fl.ValueKind == JsonValueKind.Object)
        {
            Close(D(fl, "accuracy"), r.ObjectiveAfter, $"{name} Fairlearn's ThresholdOptimizer accuracy");
        }

        var groups = e.GetProperty("groups").EnumerateArray().ToArray();
        Assert.Equal(groups.Length, r.Groups.Count);
        for (var i = 0; i < groups.Length; i++)
        {
            var eg = groups[i];
            var g = r.Groups[i];
            var what = $"{name}/{g.Key}";
            Assert.Equal(eg.GetProperty("key").GetString(), g.Key);
            Assert.Equal(eg.GetProperty("constrained").GetBoolean(), g.Constrained);
            var rule = eg.GetProperty("rule");
            Assert.Equal(Threshold(rule, "upper"), g.Rule.UpperThreshold);
            Assert.Equal(Threshold(rule, "lower"), g.Rule.LowerThreshold);
            Close(D(rule, "p"), g.Rule.ProbabilityLower, what + " p");
            Close(D(rule, "q"), g.Rule.RandomFraction, what + " q");
            Close(D(rule, "c"), g.Rule.RandomPositiveRate, what + " c");
            Outcome(eg.GetProperty("before"), g.Before, what + " before");
            Outcome(eg.GetProperty("after"), g.After, what + " after");
        }
    }

    private static void Outcome(JsonElement e, GroupOutcome o, string what)
    {
        Close(D(e, "tp"), o.TruePositives, what + " TP");
        Close(D(e, "fp"), o.FalsePositives, what + " FP");
        Close(D(e, "selection_rate"), o.SelectionRate, what + " selection rate");
        Close(D(e, "tpr"), o.TruePositiveRate, what + " TPR");
        Close(D(e, "fpr"), o.FalsePositiveRate, what + " FPR");
        Close(D(e, "accuracy"), o.Accuracy, what + " accuracy");
    }

    // ------------------------------------------------------------------ edge cases

    [Fact]
    public void EmptyInput_ReturnsNoGroupsWithoutThrowing()
    {
        var r = ThresholdMitigation.Optimize([]);
        Assert.Empty(r.Groups);
        Assert.True(double.IsNaN(r.TargetRate));
        Assert.True(double.IsNaN(r.ObjectiveAfter));
        Assert.Contains("no groups", r.Notes);
    }

    [Fact]
    public void OneGroup_GetsItsBestThreshold()
    {
        // errors by threshold: +∞ 5, 0.9 3, 0.6 2 (one FN, one FP), 0.3 3, 0.1 6 → best 0.6, accuracy 9/11
        var g = new GroupCounts("only", [0.9, 0.6, 0.3, 0.1], [2, 2, 1, 0], [0, 1, 2, 3]);
        foreach (var constraint in Enum.GetValues<FairnessConstraint>())
        {
            var r = ThresholdMitigation.Optimize([g], new MitigationOptions { Constraint = constraint });
            Assert.Equal(9.0 / 11.0, r.ObjectiveAfter, 14);
            Assert.Equal(DecisionRule.Single(0.6), r.Groups[0].Rule);
            Assert.Equal(0.0, r.ViolationAfter);
        }
    }

    [Fact]
    public void EqualOpportunity_GroupWithoutPositives_IsUnconstrained()
    {
        var r = ThresholdMitigation.Optimize(
            [new GroupCounts("a", [0.8, 0.4], [3, 1], [1, 3]), new GroupCounts("none", [0.7, 0.2], [0, 0], [2, 2])],
            new MitigationOptions { Constraint = FairnessConstraint.EqualOpportunity });
        var none = r.Groups[1];
        Assert.False(none.Constrained);
        Assert.Equal(double.PositiveInfinity, none.Rule.UpperThreshold);
        Assert.Equal(0.0, none.After.SelectionRate);
        Assert.Contains("TPR is undefined", none.Note);
        Assert.Contains(r.Notes, n => n.StartsWith("none: "));
    }

    [Fact]
    public void EqualizedOdds_OneClassGroupsMatchTheRateTheyHave()
    {
        var groups = new[]
        {
            new GroupCounts("a", [0.9, 0.7, 0.5, 0.3, 0.1], [4, 3, 2, 1, 0], [0, 1, 2, 3, 4]),
            new GroupCounts("b", [0.9, 0.6, 0.2], [2, 2, 1], [1, 2, 3]),
            new GroupCounts("negatives", [0.8, 0.5, 0.2], [0, 0, 0], [1, 2, 3]),
            new GroupCounts("positives", [0.8, 0.5, 0.2], [2, 2, 2], [0, 0, 0]),
        };
        var r = ThresholdMitigation.Optimize(groups, new MitigationOptions { Constraint = FairnessConstraint.EqualizedOdds });
        Assert.True(r.ViolationAfter <= 1e-12);
        Assert.Equal(r.TargetRate, r.Groups[2].After.FalsePositiveRate, 12);
        Assert.Equal(r.TargetTruePositiveRate, r.Groups[3].After.TruePositiveRate, 12);
        Assert.All(r.Groups, g => Assert.True(g.Constrained));
        Assert.Equal(0.0, r.Groups[2].Rule.RandomFraction);
    }

    [Fact]
    public void EmptyGroup_IsLeftOut()
    {
        var r = ThresholdMitigation.Optimize([new GroupCounts("a", [0.8, 0.2], [2, 1], [1, 2]), new GroupCounts("e", [], [], [])]);
        Assert.False(r.Groups[1].Constrained);
        Assert.True(double.IsNaN(r.Groups[1].After.SelectionRate));
        Assert.Contains("e: the group is empty: left out", r.Notes);
        Assert.False(double.IsNaN(r.ObjectiveAfter));
    }

    [Fact]
    public void DemographicParity_NeedsRandomisation_AndGetsExactEquality()
    {
        // a: 2 rows, b: 3 rows; with deterministic thresholds the rates k/2 and m/3 meet only at 0 and 1
        var r = ThresholdMitigation.Optimize(
            [new GroupCounts("a", [0.9, 0.1], [1, 0], [0, 1]), new GroupCounts("b", [0.8, 0.6, 0.3], [1, 1, 0], [0, 0, 1])]);
        // loss(r) = |2r − 1| + |3r − 2| is least at r = 2/3 (1/3 of a row), so accuracy 1 − (1/3)/5; group a mixes its
        // thresholds 0.9 (rate 1/2) and 0.1 (rate 1) with p = 1/3
        Assert.Equal(14.0 / 15.0, r.ObjectiveAfter, 14);
        Assert.Equal(2.0 / 3.0, r.TargetRate, 15);
        Assert.Equal((0.9, 0.1, 0.0), (r.Groups[0].Rule.UpperThreshold, r.Groups[0].Rule.LowerThreshold, r.Groups[0].Rule.RandomFraction));
        Assert.Equal(1.0 / 3.0, r.Groups[0].Rule.ProbabilityLower, 14);
        Assert.Equal(DecisionRule.Single(0.6), r.Groups[1].Rule);
        Assert.True(r.ViolationAfter <= 1e-12);
    }

    [Fact]
    public void DecisionRule_ProbabilityPositive()
    {
        var rule = new DecisionRule(0.7, 0.4, 0.25, 0.2, 0.5);
        Assert.Equal(0.8 * 1 + 0.1, rule.ProbabilityPositive(0.7), 15);
        Assert.Equal(0.8 * 0.25 + 0.1, rule.ProbabilityPositive(0.5), 15);
        Assert.Equal(0.1, rule.ProbabilityPositive(0.39), 15);
        Assert.Equal(0.0, DecisionRule.Single(double.PositiveInfinity).ProbabilityPositive(1e300));
    }

    [Fact]
    public void BadOptions_Throw()
    {
        var g = new[] { new GroupCounts("a", [0.5], [1], [1]) };
        Assert.Throws<ArgumentException>(() => ThresholdMitigation.Optimize(g, new MitigationOptions { Objective = MitigationObjective.Cost, CostFalsePositive = 0 }));
        Assert.Throws<ArgumentException>(() => ThresholdMitigation.Optimize(g, new MitigationOptions { GridSize = -1 }));
        Assert.Throws<ArgumentException>(() => ThresholdMitigation.Optimize(g, new MitigationOptions { Threshold = double.NaN }));
    }
}
