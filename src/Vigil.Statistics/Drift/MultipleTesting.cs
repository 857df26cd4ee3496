namespace Vigil.Statistics.Drift;

/// <summary>Multiple-testing corrections of a family of p-values, as adjusted p-values (compare each with its own
/// threshold): Bonferroni (p·m, at most 1; m counts the p-values that are not NaN) and Benjamini–Hochberg's false discovery rate
/// (q₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎·m / j, at most 1; statsmodels' <c>fdr_bh</c>).</summary>
public static class MultipleTesting
{
    public static double[] Bonferroni(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var m = p.Count(x => !double.IsNaN(x));
        return p.Select(x => double.IsNaN(x) ? double.NaN : Math.Min(1.0, x * m)).ToArray();
    }

    public static double[] BenjaminiHochberg(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var m = p.Count;
        var q = new double[m];
        // NaN p-values take no part (and stay NaN); m counts them out.
        var order = Enumerable.Range(0, m).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ThenBy(i => i).ToArray();
        var n = order.Length;
        var running = 1.0;
        for (var r = n - 1; r >= 0; r--)
        {
            var i = order[r];
            running = Math.Min(running, p[i] * n / (r + 1));
            q[i] = Math.Min(1.0, running);
        }
        for (var i = 0; i < m; i++) if (double.IsNaN(p[i])) q[i] = double.NaN;
        return q;
    }
}
