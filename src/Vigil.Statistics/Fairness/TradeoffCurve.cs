namespace Vigil.Statistics.Fairness;

/// <summary>A group's operating points: point 0 predicts nothing positive (threshold +∞); point i ≥ 1 predicts positive
/// the rows with score ≥ the i-th highest distinct score. Tp[i] and Fp[i] are the cumulative counts.</summary>
internal sealed class ThresholdPoints
{
    public ThresholdPoints(ScoreTable table)
    {
        Table = table;
        var k = table.Cells.Length;
        Thresholds = new double[k + 1];
        Tp = new long[k + 1];
        Fp = new long[k + 1];
        Thresholds[0] = double.PositiveInfinity;
        for (var i = 0; i < k; i++)
        {
            var c = table.Cells[i];
            Thresholds[i + 1] = c.Score;
            Tp[i + 1] = Tp[i] + c.Positives;
            Fp[i + 1] = Fp[i] + c.Negatives;
        }
    }

    public ScoreTable Table { get; }

    public double[] Thresholds { get; }

    public long[] Tp { get; }

    public long[] Fp { get; }

    public int Count => Thresholds.Length;
}

/// <summary>A concave piecewise-linear curve y(x) over [X[0], X[^1]] through vertices that are operating points
/// (<see cref="Point"/> indexes <see cref="ThresholdPoints"/>), with strictly increasing X.</summary>
internal sealed class TradeoffCurve
{
    private TradeoffCurve(double[] x, double[] y, int[] point)
    {
        X = x;
        Y = y;
        Point = point;
        Slope = new double[Math.Max(0, x.Length - 1)];
        for (var j = 0; j < Slope.Length; j++)
        {
            Slope[j] = (y[j + 1] - y[j]) / (x[j + 1] - x[j]);
        }
    }

    public double[] X { get; }

    public double[] Y { get; }

    public int[] Point { get; }

    /// <summary>Slope[j] of the segment from vertex j to j + 1.</summary>
    public double[] Slope { get; }

    /// <summary>The upper convex hull of the points (a[i] / xScale, b[i] / yScale), built on the unscaled coordinates:
    /// points sorted by (a, b); of equal a only the highest b kept; then Andrew's monotone chain, dropping a middle point on
    /// or below the chord (Fairlearn's _filter_points_to_get_convex_hull: drop r1 when
    /// (r1.b − r0.b)(r2.a − r0.a) ≤ (r2.b − r0.b)(r1.a − r0.a)).</summary>
    public static TradeoffCurve UpperHull(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double xScale, double yScale)
    {
        var order = new int[a.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
        }
        var ac = a.ToArray();
        var bc = b.ToArray();
        Array.Sort(order, (i, j) =>
        {
            var c = ac[i].CompareTo(ac[j]);
            if (c == 0)
            {
                c = bc[i].CompareTo(bc[j]);
            }
            return c != 0 ? c : i.CompareTo(j);
        });
        var hull = new List<int>(Math.Min(order.Length, 64));
        for (var k = 0; k < order.Length; k++)
        {
            var r2 = order[k];
            if (k + 1 < order.Length && ac[order[k + 1]] == ac[r2])
            {
                continue; // a higher point with the same a follows
            }
            while (hull.Count >= 2)
            {
                int r1 = hull[^1], r0 = hull[^2];
                if ((bc[r1] - bc[r0]) * (ac[r2] - ac[r0]) <= (bc[r2] - bc[r0]) * (ac[r1] - ac[r0]))
                {
                    hull.RemoveAt(hull.Count - 1);
                }
                else
                {
                    break;
                }
            }
            hull.Add(r2);
        }
        return Scaled(hull, ac, bc, xScale, yScale);
    }

    /// <summary>The points in their order as the curve (x must increase strictly; no hull), for one-class groups whose
    /// only constrained rate is matched with the two adjacent thresholds that bracket it.</summary>
    public static TradeoffCurve Chain(ReadOnlySpan<double> a, double xScale)
    {
        var idx = new List<int>(a.Length);
        for (var i = 0; i < a.Length; i++)
        {
            idx.Add(i);
        }
        return Scaled(idx, a.ToArray(), new double[a.Length], xScale, 1.0);
    }

    private static TradeoffCurve Scaled(List<int> idx, double[] a, double[] b, double xScale, double yScale)
    {
        var x = new double[idx.Count];
        var y = new double[idx.Count];
        for (var j = 0; j < idx.Count; j++)
        {
            x[j] = a[idx[j]] / xScale;
            y[j] = b[idx[j]] / yScale;
        }
        return new TradeoffCurve(x, y, [.. idx]);
    }

    /// <summary>Fairlearn's _interpolate_curve at x: the segment i with X[i] &lt; x ≤ X[i + 1] (i = 0 for x ≤ X[0]),
    /// weights P0 = (X[i+1] − x) / (X[i+1] − X[i]) on vertex i and P1 = 1 − P0 on vertex i + 1.</summary>
    public (int I, double P0, double P1) Interpolate(double x)
    {
        int lo = 0, hi = X.Length - 1; // find the last index with X < x
        if (X.Length < 2)
        {
            return (0, 1.0, 0.0);
        }
        if (x <= X[0])
        {
            return (0, 1.0, 0.0);
        }
        while (hi - lo > 1)
        {
            var mid = (lo + hi) >>> 1;
            if (X[mid] < x)
            {
                lo = mid;
            }
            else
            {
                hi = mid;
            }
        }
        var i = Math.Min(lo, X.Length - 2);
        var p0 = (X[i + 1] - x) / (X[i + 1] - X[i]);
        return (i, p0, 1.0 - p0);
    }

    /// <summary>y at x by <see cref="Interpolate"/>.</summary>
    public double ValueAt(double x)
    {
        if (X.Length == 1)
        {
            return Y[0];
        }
        var (i, p0, p1) = Interpolate(x);
        return p0 * Y[i] + p1 * Y[i + 1];
    }
}
