namespace Vigil.Statistics.Fairness;

/// <summary>The searches behind <see cref="ThresholdMitigation"/> (see its summary for the mathematics).</summary>
internal static class MitigationSolver
{
    /// <summary>Demographic parity (x = selection rate) or equal opportunity (x = TPR): maximise Σ_g H_g(x).</summary>
    public static Solution SolveRate(Problem problem, int gridSize)
    {
        var groups = problem.Points.Length;
        var rules = new DecisionRule?[groups];
        var curves = new TradeoffCurve?[groups];
        var active = new List<TradeoffCurve>();
        var dp = problem.Constraint == FairnessConstraint.DemographicParity;
        for (var g = 0; g < groups; g++)
        {
            var pts = problem.Points[g];
            var u = problem.Utility(g);
            if (problem.Role[g] == Role.Unconstrained)
            {
                var best = 0;
                for (var i = 1; i < u.Length; i++)
                {
                    if (u[i] > u[best])
                    {
                        best = i;
                    }
                }
                rules[g] = DecisionRule.Single(pts.Thresholds[best]);
            }
            else if (problem.Role[g] == Role.Constrained)
            {
                var a = new double[pts.Count];
                for (var i = 0; i < a.Length; i++)
                {
                    a[i] = dp ? pts.Tp[i] + pts.Fp[i] : pts.Tp[i];
                }
                var scale = dp ? pts.Table.Rows : pts.Table.Positives;
                curves[g] = TradeoffCurve.UpperHull(a, u, scale, problem.Rows);
                active.Add(curves[g]!);
            }
        }
        if (active.Count == 0)
        {
            return new Solution(double.NaN, double.NaN, rules);
        }

        double F(double x)
        {
            var sum = 0.0;
            foreach (var c in active)
            {
                sum += c.ValueAt(x);
            }
            return sum;
        }

        var tol = problem.Tolerance;
        var xBest = gridSize > 0 ? GridArgmax(gridSize, F, tol) : FirstNearMax(WalkSum(active, tol), F, tol);
        for (var g = 0; g < groups; g++)
        {
            if (curves[g] is { } c)
            {
                var (i, p0, p1) = c.Interpolate(xBest);
                rules[g] = problem.Rule(g, c.Point[i], p0, c.Point[i + 1], p1);
            }
        }
        return new Solution(xBest, double.NaN, rules);
    }

    /// <summary>Equalized odds: maximise c_FN·P·E(x) − c_FP·N·x (per row) with E(x) = min_g H_g(x) over the two-class
    /// groups' ROC hulls (1 when there are none).</summary>
    public static Solution SolveEqualizedOdds(Problem problem, int gridSize)
    {
        var groups = problem.Points.Length;
        var rules = new DecisionRule?[groups];
        var curves = new TradeoffCurve?[groups];
        var hulls = new List<TradeoffCurve>();
        for (var g = 0; g < groups; g++)
        {
            var pts = problem.Points[g];
            var fp = Array.ConvertAll(pts.Fp, v => (double)v);
            var tp = Array.ConvertAll(pts.Tp, v => (double)v);
            switch (problem.Role[g])
            {
                case Role.Constrained:
                    curves[g] = TradeoffCurve.UpperHull(fp, tp, pts.Table.Negatives, pts.Table.Positives);
                    hulls.Add(curves[g]!);
                    break;
                case Role.FprOnly:
                    curves[g] = TradeoffCurve.Chain(fp, pts.Table.Negatives);
                    break;
                case Role.TprOnly:
                    curves[g] = TradeoffCurve.Chain(tp, pts.Table.Positives);
                    break;
            }
        }
        double n = problem.Rows;
        double wy = problem.CostFn * problem.Positives / n, wx = problem.CostFp * problem.Negatives / n;

        double E(double x)
        {
            var e = 1.0;
            foreach (var h in hulls)
            {
                e = Math.Min(e, h.ValueAt(x));
            }
            return e;
        }

        double F(double x) => wy * E(x) - wx * x;

        var tol = problem.Tolerance;
        var xBest = gridSize > 0 ? GridArgmax(gridSize, F, tol) : FirstNearMax(WalkEnvelope(hulls, wy, wx, tol), F, tol);
        var yBest = E(xBest);
        for (var g = 0; g < groups; g++)
        {
            if (curves[g] is not { } c)
            {
                continue;
            }
            var at = problem.Role[g] == Role.TprOnly ? yBest : xBest;
            var (i, p0, p1) = c.Interpolate(at);
            if (problem.Role[g] != Role.Constrained)
            {
                rules[g] = problem.Rule(g, c.Point[i], p0, c.Point[i + 1], p1);
                continue;
            }
            var h = p0 * c.Y[i] + p1 * c.Y[i + 1];
            var q = h == xBest ? 0.0 : Math.Clamp((h - yBest) / (h - xBest), 0.0, 1.0);
            rules[g] = problem.Rule(g, c.Point[i], p0, c.Point[i + 1], p1, q, q == 0.0 ? 0.0 : xBest);
        }
        return new Solution(xBest, yBest, rules);
    }

    /// <summary>The first of x = k/n (k = 0 … n; the last exactly 1, as numpy.linspace) whose F is within tol of the best.</summary>
    private static double GridArgmax(int n, Func<double, double> f, double tol)
    {
        var step = 1.0 / n;
        var values = new double[n + 1];
        var max = double.NegativeInfinity;
        for (var k = 0; k <= n; k++)
        {
            values[k] = f(k == n ? 1.0 : k * step);
            max = Math.Max(max, values[k]);
        }
        for (var k = 0; ; k++)
        {
            if (values[k] >= max - tol)
            {
                return k == n ? 1.0 : k * step;
            }
        }
    }

    /// <summary>The smallest visited x (ascending, the last the walk's optimum) whose F is within tol of the optimum's.
    /// F is concave, so those x are contiguous and the search walks back from the optimum.</summary>
    private static double FirstNearMax(List<double> visited, Func<double, double> f, double tol)
    {
        var best = f(visited[^1]);
        var chosen = visited[^1];
        for (var k = visited.Count - 2; k >= 0 && f(visited[k]) >= best - tol; k--)
        {
            chosen = visited[k];
        }
        return chosen;
    }

    /// <summary>Walks Σ_g H_g up from x = 0 over the union of the hulls' vertices until the right slope is ≤ tol. Returns
    /// the vertices visited, ascending, the last being the maximiser.</summary>
    private static List<double> WalkSum(List<TradeoffCurve> curves, double tol)
    {
        var ptr = new int[curves.Count];
        var x = 0.0;
        var visited = new List<double> { x };
        while (x < 1.0)
        {
            double slope = 0, next = double.PositiveInfinity;
            for (var k = 0; k < curves.Count; k++)
            {
                slope += curves[k].Slope[ptr[k]];
                next = Math.Min(next, curves[k].X[ptr[k] + 1]);
            }
            if (slope <= tol)
            {
                break;
            }
            x = next;
            visited.Add(x);
            Advance(curves, ptr, x);
        }
        return visited;
    }

    /// <summary>Walks F(x) = wy·min_g H_g(x) − wx·x up from x = 0: at each step the lowest hull (ties: the smaller slope)
    /// gives the right slope; the next event is the next vertex of any hull or the next crossing of a hull below the
    /// lowest one. Stops where the right slope wy·s − wx is ≤ tol. Returns the points visited, ascending.</summary>
    private static List<double> WalkEnvelope(List<TradeoffCurve> hulls, double wy, double wx, double tol)
    {
        var x = 0.0;
        var visited = new List<double> { x };
        if (hulls.Count == 0)
        {
            return visited; // E ≡ 1: F falls with x
        }
        var ptr = new int[hulls.Count];
        var h = new double[hulls.Count];
        var isActive = new bool[hulls.Count];
        while (x < 1.0)
        {
            var env = double.PositiveInfinity;
            for (var k = 0; k < hulls.Count; k++)
            {
                var c = hulls[k];
                h[k] = x == c.X[ptr[k]] ? c.Y[ptr[k]] : c.Y[ptr[k]] + c.Slope[ptr[k]] * (x - c.X[ptr[k]]);
                env = Math.Min(env, h[k]);
            }
            var s = double.PositiveInfinity;
            for (var k = 0; k < hulls.Count; k++)
            {
                isActive[k] = h[k] <= env + RateTolerance;
                if (isActive[k])
                {
                    s = Math.Min(s, hulls[k].Slope[ptr[k]]);
                }
            }
            double next;
            while (true)
            {
                next = double.PositiveInfinity;
                for (var k = 0; k < hulls.Count; k++)
                {
                    next = Math.Min(next, hulls[k].X[ptr[k] + 1]);
                }
                var changed = false;
                for (var k = 0; k < hulls.Count; k++)
                {
                    var sk = hulls[k].Slope[ptr[k]];
                    if (isActive[k] || !(sk < s))
                    {
                        continue;
                    }
                    var xc = x + (h[k] - env) / (s - sk);
                    if (xc <= x)
                    {
                        isActive[k] = true; // crosses within rounding: it is already the lowest
                        s = sk;
                        changed = true;
                        break;
                    }
                    next = Math.Min(next, xc);
                }
                if (!changed)
                {
                    break;
                }
            }
            if (wy * s - wx <= tol)
            {
                break;
            }
            x = Math.Min(next, 1.0);
            visited.Add(x);
            Advance(hulls, ptr, x);
        }
        return visited;
    }

    private const double RateTolerance = 1e-12;

    private static void Advance(List<TradeoffCurve> curves, int[] ptr, double x)
    {
        for (var k = 0; k < curves.Count; k++)
        {
            var last = curves[k].X.Length - 1;
            while (ptr[k] + 1 < last && curves[k].X[ptr[k] + 1] <= x)
            {
                ptr[k]++;
            }
        }
    }
}
