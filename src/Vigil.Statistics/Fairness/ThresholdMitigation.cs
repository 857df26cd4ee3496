namespace Vigil.Statistics.Fairness;

/// <summary>
/// Post-processing mitigation by group-specific (randomised) thresholds: Hardt, Price &amp; Srebro (2016), "Equality of
/// Opportunity in Supervised Learning", as Fairlearn's ThresholdOptimizer implements it (flip=False), from each group's
/// per-score counts. Every group's operating points are its thresholds (nothing positive, then score ≥ each distinct score);
/// mixing two of them at random achieves every point of the segment between them, so a group can reach any point of the
/// convex hull of its points, and exact equality of rates across groups is achievable.
/// <list type="bullet">
/// <item><b>Demographic parity / equal opportunity.</b> For group g, x is its selection rate (TPR), and the objective's
/// share u = −(c_FP·FP + c_FN·FN) / n (n: all rows; accuracy is c_FP = c_FN = 1). H_g(x), the best u at rate x, is the upper
/// convex hull of its points (x_i, u_i). The optimum maximises F(x) = Σ_g H_g(x) over the common rate x ∈ [0, 1]. F is
/// concave and piecewise linear with breakpoints at the hull vertices, so the exact optimum is the first vertex (walking
/// up from x = 0) where F's right slope is ≤ 0.</item>
/// <item><b>Equalized odds.</b> x = FPR, y = TPR. A group reaches exactly the points between the diagonal and its ROC
/// upper hull H_g: mixing the hull point (x, H_g(x)) with a coin that says positive with probability x (Fairlearn's
/// p_ignore). The common (x, y) must satisfy y ≤ min_g H_g(x); the objective c_FN·P·y − c_FP·N·x (plus a constant)
/// rises with y, so y = E(x) = min_g H_g(x), and F(x) = c_FN·P·E(x) − c_FP·N·x is concave; its breakpoints are hull
/// vertices and the crossings of two hulls. The exact optimum walks the lower envelope from x = 0 (at each step the
/// lowest hull, ties to the smaller slope; the next event is the next vertex or the next crossing) until F's right slope is
/// ≤ 0.</item>
/// <item>With <see cref="MitigationOptions.GridSize"/> n ≥ 1, F is evaluated at x = k/n instead (Fairlearn's grid;
/// suboptimal by at most F's steepest slope × 1/n).</item>
/// <item>Ties: of the rates whose F is within 1e-12·max(c_FP, c_FN) of the best, the smallest is chosen (Fairlearn's idxmax
/// takes the first maximum of its grid).</item>
/// </list>
/// Each group's rule is then read off its curve at the common rate: the two hull vertices around it with Fairlearn's weights
/// (a single threshold when the rate is a vertex). The achieved rates are recomputed from the rule and the counts, so the
/// reported violation is the real one: it is rounding only (≤ 1e-9), in the exact and in the grid search alike.
/// Groups Fairlearn rejects ("degenerate labels") are handled: an empty group is left out; under equal opportunity a group
/// without positives is unconstrained and gets its own objective-optimal threshold; under equalized odds a group with one
/// class is held to the one rate it has (FPR or TPR), reached with the two adjacent thresholds that bracket it.
/// </summary>
public static class ThresholdMitigation
{
    /// <summary>Finds the group rules. Throws <see cref="ArgumentException"/> for malformed input (see
    /// <see cref="GroupCounts"/>) or options (NaN threshold, non-positive or non-finite costs, negative grid size); never
    /// for data-dependent reasons (empty input, one group, one class).</summary>
    public static MitigationResult Optimize(IReadOnlyList<GroupCounts> groups, MitigationOptions? options = null)
    {
        options ??= new MitigationOptions();
        Validate(options);
        var tables = ScoreTable.FromGroups(groups);
        var (cfp, cfn) = options.Objective == MitigationObjective.Accuracy ? (1.0, 1.0) : (options.CostFalsePositive, options.CostFalseNegative);
        var problem = new Problem(tables, options.Constraint, cfp, cfn);
        var notes = new List<string>();
        var solved = problem.Rows == 0 ? Solution.Empty(tables.Length) : options.Constraint == FairnessConstraint.EqualizedOdds
            ? MitigationSolver.SolveEqualizedOdds(problem, options.GridSize)
            : MitigationSolver.SolveRate(problem, options.GridSize);

        var result = new MitigatedGroup[tables.Length];
        double objBefore = 0, objAfter = 0;
        for (var g = 0; g < tables.Length; g++)
        {
            var t = tables[g];
            var before = Outcome(t, DecisionRule.Single(options.Threshold));
            var rule = solved.Rules[g] ?? DecisionRule.Single(double.PositiveInfinity);
            var after = Outcome(t, rule);
            objBefore += Loss(t, before, cfp, cfn);
            objAfter += Loss(t, after, cfp, cfn);
            result[g] = new MitigatedGroup(t.Key, t.Rows, t.Positives, t.Negatives, problem.Role[g] != Role.Unconstrained && problem.Role[g] != Role.Empty,
                rule, before, after, problem.Notes[g]);
        }
        if (problem.Rows == 0)
        {
            notes.Add(tables.Length == 0 ? "no groups" : "every group is empty");
        }
        foreach (var g in result)
        {
            if (g.Note is not null)
            {
                notes.Add($"{g.Key}: {g.Note}");
            }
        }
        if (options.GridSize > 0)
        {
            notes.Add($"searched the {options.GridSize + 1} rates 0, 1/{options.GridSize}, …, 1 (Fairlearn's grid); the exact optimum (GridSize 0) is at least as good");
        }
        var n = (double)problem.Rows;
        double Objective(double loss) => problem.Rows == 0 ? double.NaN
            : options.Objective == MitigationObjective.Accuracy ? 1.0 - loss / n : loss / n;
        return new MitigationResult(options.Constraint, options.Objective, options.Threshold, options.GridSize,
            solved.X, solved.Y, Objective(objBefore), Objective(objAfter),
            Violation(result, problem, r => r.Before), Violation(result, problem, r => r.After), result, notes);
    }

    private static void Validate(MitigationOptions o)
    {
        if (double.IsNaN(o.Threshold))
        {
            throw new ArgumentException("The threshold must not be NaN.", nameof(o));
        }
        if (o.Objective == MitigationObjective.Cost
            && !(double.IsFinite(o.CostFalsePositive) && double.IsFinite(o.CostFalseNegative) && o.CostFalsePositive > 0 && o.CostFalseNegative > 0))
        {
            throw new ArgumentException($"The costs must be finite and positive, got c_FP = {o.CostFalsePositive}, c_FN = {o.CostFalseNegative}.", nameof(o));
        }
        if (o.GridSize < 0)
        {
            throw new ArgumentException($"The grid size must be 0 (exact) or positive, got {o.GridSize}.", nameof(o));
        }
    }

    /// <summary>Expected counts and rates of a rule, summed over the group's scores.</summary>
    internal static GroupOutcome Outcome(ScoreTable t, DecisionRule rule)
    {
        double tp = 0, fp = 0;
        foreach (var c in t.Cells)
        {
            var pr = rule.ProbabilityPositive(c.Score);
            tp += pr * c.Positives;
            fp += pr * c.Negatives;
        }
        double n = t.Rows, p = t.Positives, neg = t.Negatives;
        return new GroupOutcome(tp, fp,
            n == 0 ? double.NaN : (tp + fp) / n,
            p == 0 ? double.NaN : tp / p,
            neg == 0 ? double.NaN : fp / neg,
            n == 0 ? double.NaN : (tp + (neg - fp)) / n);
    }

    private static double Loss(ScoreTable t, GroupOutcome o, double cfp, double cfn) =>
        t.Rows == 0 ? 0.0 : cfp * o.FalsePositives + cfn * (t.Positives - o.TruePositives);

    private static double Violation(MitigatedGroup[] groups, Problem problem, Func<MitigatedGroup, GroupOutcome> pick)
    {
        double Spread(Func<GroupOutcome, double> rate, Func<MitigatedGroup, bool> include)
        {
            double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            foreach (var g in groups)
            {
                if (!include(g))
                {
                    continue;
                }
                var v = rate(pick(g));
                lo = Math.Min(lo, v);
                hi = Math.Max(hi, v);
            }
            return hi >= lo ? hi - lo : 0.0;
        }
        return problem.Constraint switch
        {
            FairnessConstraint.DemographicParity => Spread(o => o.SelectionRate, g => g.Size > 0),
            FairnessConstraint.EqualOpportunity => Spread(o => o.TruePositiveRate, g => g.Positives > 0),
            _ => Math.Max(Spread(o => o.TruePositiveRate, g => g.Positives > 0), Spread(o => o.FalsePositiveRate, g => g.Negatives > 0)),
        };
    }
}

/// <summary>How the constraint treats a group.</summary>
internal enum Role
{
    /// <summary>No rows: left out.</summary>
    Empty,
    /// <summary>Bound by the common rate on its hull (both classes for equalized odds).</summary>
    Constrained,
    /// <summary>Free: its own best threshold.</summary>
    Unconstrained,
    /// <summary>Equalized odds, negatives only: its FPR must equal the common FPR.</summary>
    FprOnly,
    /// <summary>Equalized odds, positives only: its TPR must equal the common TPR.</summary>
    TprOnly,
}

/// <summary>The groups' operating points and roles for one constraint and cost pair.</summary>
internal sealed class Problem
{
    public Problem(ScoreTable[] tables, FairnessConstraint constraint, double cfp, double cfn)
    {
        Constraint = constraint;
        CostFp = cfp;
        CostFn = cfn;
        Points = new ThresholdPoints[tables.Length];
        Role = new Role[tables.Length];
        Notes = new string?[tables.Length];
        for (var g = 0; g < tables.Length; g++)
        {
            var t = tables[g];
            Points[g] = new ThresholdPoints(t);
            Rows += t.Rows;
            Positives += t.Positives;
            Negatives += t.Negatives;
            (Role[g], Notes[g]) = (t.Rows, t.Positives, t.Negatives, constraint) switch
            {
                (0, _, _, _) => (Fairness.Role.Empty, "the group is empty: left out"),
                (_, 0, _, FairnessConstraint.EqualOpportunity) =>
                    (Fairness.Role.Unconstrained, "no positive labels: TPR is undefined, so equal opportunity does not constrain the group; it gets its own best threshold"),
                (_, 0, _, FairnessConstraint.EqualizedOdds) => (Fairness.Role.FprOnly, "no positive labels: only its FPR is matched"),
                (_, _, 0, FairnessConstraint.EqualizedOdds) => (Fairness.Role.TprOnly, "no negative labels: only its TPR is matched"),
                _ => (Fairness.Role.Constrained, null),
            };
        }
    }

    public FairnessConstraint Constraint { get; }

    public double CostFp { get; }

    public double CostFn { get; }

    public ThresholdPoints[] Points { get; }

    public Role[] Role { get; }

    public string?[] Notes { get; }

    public long Rows { get; }

    public long Positives { get; }

    public long Negatives { get; }

    /// <summary>The objective's tolerance for ties: 1e-12·max(c_FP, c_FN).</summary>
    public double Tolerance => 1e-12 * Math.Max(CostFp, CostFn);

    /// <summary>u_i·n = −(c_FP·FP_i + c_FN·FN_i) of group g's points.</summary>
    public double[] Utility(int g)
    {
        var pts = Points[g];
        var u = new double[pts.Count];
        for (var i = 0; i < u.Length; i++)
        {
            u[i] = -(CostFp * pts.Fp[i] + CostFn * (pts.Table.Positives - pts.Tp[i]));
        }
        return u;
    }

    /// <summary>The rule at operating points i (weight p0) and j (weight p1) of group g, single when a weight is 0.</summary>
    public DecisionRule Rule(int g, int i, double p0, int j, double p1, double q = 0.0, double c = 0.0)
    {
        var th = Points[g].Thresholds;
        if (p1 == 0.0 || i == j)
        {
            return new DecisionRule(th[i], th[i], 0.0, q, c);
        }
        if (p0 == 0.0)
        {
            return new DecisionRule(th[j], th[j], 0.0, q, c);
        }
        return new DecisionRule(th[i], th[j], p1, q, c);
    }
}

/// <summary>The common rate(s) and the rules (null for an empty group).</summary>
internal sealed record Solution(double X, double Y, DecisionRule?[] Rules)
{
    public static Solution Empty(int groups) => new(double.NaN, double.NaN, new DecisionRule?[groups]);
}
