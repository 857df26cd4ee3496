using Vigil.Statistics.Fairness;

namespace Vigil.Statistics.Tests.Fairness;

/// <summary>The mitigation's optimum against brute force over all per-group threshold pairs (and, for equalized odds,
/// every point of a fine grid inside every group's ROC hull) on small random data.</summary>
public sealed class ThresholdMitigationBruteForceTests
{
    public static TheoryData<int, FairnessConstraint, bool> BruteCases()
    {
        var data = new TheoryData<int, FairnessConstraint, bool>();
        foreach (var constraint in Enum.GetValues<FairnessConstraint>())
        {
            for (var seed = 1; seed <= 8; seed++)
            {
                data.Add(seed, constraint, seed % 2 == 0);
            }
        }
        return data;
    }

    /// <summary>2–3 groups, at most 12 distinct scores each; some seeds give a group one class.</summary>
    private static GroupCounts[] SmallGroups(int seed)
    {
        var rng = new Random(seed);
        var count = 2 + seed % 2;
        var groups = new GroupCounts[count];
        for (var g = 0; g < count; g++)
        {
            var k = rng.Next(3, 13);
            var scores = Enumerable.Range(0, 20).OrderBy(_ => rng.Next()).Take(k).Select(v => v / 20.0).ToArray();
            var bias = rng.NextDouble();
            var oneClass = seed % 4 == 3 && g == 1;
            var pos = scores.Select(s => oneClass ? 0L : (long)rng.Next(0, (int)(1 + 6 * (s + bias) / 2))).ToArray();
            var neg = scores.Select(s => (long)rng.Next(0, (int)(1 + 6 * (1 - s + bias) / 2))).ToArray();
            for (var i = 0; i < k; i++)
            {
                if (pos[i] + neg[i] == 0)
                {
                    neg[i] = 1;
                }
            }
            groups[g] = new GroupCounts($"g{g}", scores, pos, neg);
        }
        return groups;
    }

    /// <summary>A group's operating points (nothing positive, then score ≥ each distinct score): (TP, FP).</summary>
    private static List<(long Tp, long Fp)> Points(GroupCounts g)
    {
        var order = Enumerable.Range(0, g.Scores.Length).OrderByDescending(i => g.Scores[i]).ToArray();
        var pts = new List<(long, long)> { (0, 0) };
        long tp = 0, fp = 0;
        foreach (var i in order)
        {
            tp += g.Positives[i];
            fp += g.Negatives[i];
            pts.Add((tp, fp));
        }
        return pts;
    }

    [Theory]
    [MemberData(nameof(BruteCases))]
    public void Optimize_IsAtLeastAsGoodAsEveryFeasibleRuleCombination(int seed, FairnessConstraint constraint, bool costly)
    {
        var groups = SmallGroups(seed);
        double cfp = 1.0, cfn = costly ? 3.0 : 1.0;
        var options = new MitigationOptions
        {
            Constraint = constraint,
            Objective = costly ? MitigationObjective.Cost : MitigationObjective.Accuracy,
            CostFalsePositive = cfp,
            CostFalseNegative = cfn,
        };
        var r = ThresholdMitigation.Optimize(groups, options);
        double n = groups.Sum(g => g.Positives.Sum() + g.Negatives.Sum());
        var loss = costly ? r.ObjectiveAfter : 1.0 - r.ObjectiveAfter;
        Assert.True(r.ViolationAfter <= 1e-9, $"violation {r.ViolationAfter:R}");
        foreach (var g in r.Groups)
        {
            Assert.InRange(g.Rule.ProbabilityLower, 0.0, 1.0);
            Assert.InRange(g.Rule.RandomFraction, 0.0, 1.0);
            Assert.True(g.Rule.UpperThreshold >= g.Rule.LowerThreshold);
        }

        var brute = constraint == FairnessConstraint.EqualizedOdds
            ? BruteEqualizedOdds(groups, cfp, cfn) / n
            : BruteRate(groups, constraint == FairnessConstraint.DemographicParity, cfp, cfn) / n;
        Assert.True(double.IsFinite(brute), "the brute force found no feasible combination");
        Assert.True(loss <= brute + 1e-12, $"found loss {loss:R}, brute force {brute:R}");
        if (constraint != FairnessConstraint.EqualizedOdds)
        {
            // the optimum is at some group's vertex rate, which the brute force tries: they agree
            Assert.True(brute - loss <= 1e-12, $"found loss {loss:R}, brute force {brute:R}");
        }
        else
        {
            Assert.True(brute - loss <= 0.02, $"the brute force grid should come close: {brute:R} vs {loss:R}");
        }

        // the grid search is feasible too, and never better than the exact optimum
        var grid = ThresholdMitigation.Optimize(groups, options with { GridSize = 200 });
        var gridLoss = costly ? grid.ObjectiveAfter : 1.0 - grid.ObjectiveAfter;
        Assert.True(grid.ViolationAfter <= 1e-9);
        Assert.True(gridLoss >= loss - 1e-12, $"grid {gridLoss:R} < exact {loss:R}");
    }

    /// <summary>Min total loss with a common selection rate (or TPR) r: r over a fine grid and every point's rate; per
    /// group the best of all mixtures of two operating points (any pair) that hit r exactly.</summary>
    private static double BruteRate(GroupCounts[] groups, bool dp, double cfp, double cfn)
    {
        var pts = groups.Select(Points).ToArray();
        double Rate(GroupCounts g, (long Tp, long Fp) p) => dp
            ? (double)(p.Tp + p.Fp) / (g.Positives.Sum() + g.Negatives.Sum())
            : (double)p.Tp / g.Positives.Sum();
        double Loss(GroupCounts g, (long Tp, long Fp) p) => cfp * p.Fp + cfn * (g.Positives.Sum() - p.Tp);
        var rates = new SortedSet<double>(Enumerable.Range(0, 2001).Select(k => k / 2000.0));
        for (var gi = 0; gi < groups.Length; gi++)
        {
            if (dp || groups[gi].Positives.Sum() > 0)
            {
                foreach (var p in pts[gi])
                {
                    rates.Add(Rate(groups[gi], p));
                }
            }
        }
        var best = double.PositiveInfinity;
        foreach (var r in rates)
        {
            var total = 0.0;
            for (var gi = 0; gi < groups.Length && total < double.PositiveInfinity; gi++)
            {
                var g = groups[gi];
                if (!dp && g.Positives.Sum() == 0)
                {
                    total += pts[gi].Min(p => Loss(g, p)); // unconstrained
                    continue;
                }
                var gBest = double.PositiveInfinity;
                foreach (var a in pts[gi])
                {
                    foreach (var b in pts[gi])
                    {
                        double xa = Rate(g, a), xb = Rate(g, b);
                        if (xa == r && xb == r)
                        {
                            gBest = Math.Min(gBest, Math.Min(Loss(g, a), Loss(g, b)));
                        }
                        else if (xa < r && r < xb)
                        {
                            var p = (r - xa) / (xb - xa);
                            gBest = Math.Min(gBest, (1 - p) * Loss(g, a) + p * Loss(g, b));
                        }
                    }
                }
                total += gBest;
            }
            best = Math.Min(best, total);
        }
        return best;
    }

    /// <summary>Min total loss over common (FPR, TPR) on a 201 × 201 grid (and every pair of point rates), feasible when the
    /// point lies in every two-class group's convex hull of ROC points (any triangle, segment or point of them).</summary>
    private static double BruteEqualizedOdds(GroupCounts[] groups, double cfp, double cfn)
    {
        var rocs = groups.Select(g =>
        {
            double p = g.Positives.Sum(), n = g.Negatives.Sum();
            return Points(g).Select(t => (X: n == 0 ? double.NaN : t.Fp / n, Y: p == 0 ? double.NaN : t.Tp / p)).ToArray();
        }).ToArray();
        double pTotal = groups.Sum(g => g.Positives.Sum()), nTotal = groups.Sum(g => g.Negatives.Sum());
        var xs = new SortedSet<double>(Enumerable.Range(0, 201).Select(k => k / 200.0));
        var ys = new SortedSet<double>(xs);
        foreach (var roc in rocs)
        {
            foreach (var (x, y) in roc)
            {
                if (!double.IsNaN(x))
                {
                    xs.Add(x);
                }
                if (!double.IsNaN(y))
                {
                    ys.Add(y);
                }
            }
        }
        var twoClass = rocs.Where(r => !double.IsNaN(r[0].X) && !double.IsNaN(r[0].Y)).ToArray();
        var best = double.PositiveInfinity;
        foreach (var x in xs)
        {
            foreach (var y in ys.Reverse())
            {
                var loss = cfp * nTotal * x + cfn * pTotal * (1 - y);
                if (loss >= best)
                {
                    continue;
                }
                if (twoClass.All(r => InHull(r, x, y)))
                {
                    best = loss;
                    break; // lower y only costs more
                }
            }
        }
        return best;
    }

    private static bool InHull((double X, double Y)[] pts, double x, double y)
    {
        const double eps = 1e-12;
        for (var i = 0; i < pts.Length; i++)
        {
            for (var j = i; j < pts.Length; j++)
            {
                for (var k = j; k < pts.Length; k++)
                {
                    var (a, b, c) = (pts[i], pts[j], pts[k]);
                    var det = (b.X - a.X) * (c.Y - a.Y) - (c.X - a.X) * (b.Y - a.Y);
                    if (Math.Abs(det) > 1e-15)
                    {
                        var l1 = ((b.X - x) * (c.Y - y) - (c.X - x) * (b.Y - y)) / det;
                        var l2 = ((c.X - x) * (a.Y - y) - (a.X - x) * (c.Y - y)) / det;
                        if (l1 >= -eps && l2 >= -eps && 1 - l1 - l2 >= -eps)
                        {
                            return true;
                        }
                    }
                    else if (OnSegment(a, b, x, y) || OnSegment(a, c, x, y) || OnSegment(b, c, x, y))
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    private static bool OnSegment((double X, double Y) a, (double X, double Y) b, double x, double y)
    {
        var cross = (b.X - a.X) * (y - a.Y) - (b.Y - a.Y) * (x - a.X);
        if (Math.Abs(cross) > 1e-12)
        {
            return false;
        }
        return Math.Min(a.X, b.X) - 1e-12 <= x && x <= Math.Max(a.X, b.X) + 1e-12
            && Math.Min(a.Y, b.Y) - 1e-12 <= y && y <= Math.Max(a.Y, b.Y) + 1e-12;
    }
}
