namespace Vigil.Statistics.Testing;

/// <summary>Multiple-testing corrections of a family of p-values, as adjusted p-values (compare each with its own
/// threshold). NaN p-values take no part in any correction: they stay NaN and the family size m counts only the others.
/// <list type="bullet">
/// <item>Bonferroni: p·m, at most 1.</item>
/// <item>Holm (1979) step-down: with p₍₁₎ ≤ … ≤ p₍ₘ₎, q₍ᵢ₎ = max over j ≤ i of (m − j + 1)·p₍ⱼ₎, at most 1
/// (statsmodels' <c>multipletests(method="holm")</c>). Controls the family-wise error rate like Bonferroni and is never less powerful.</item>
/// <item>Benjamini–Hochberg (1995) false discovery rate: q₍ᵢ₎ = min over j ≥ i of p₍ⱼ₎·m / j, at most 1 (statsmodels' <c>fdr_bh</c>).</item>
/// </list></summary>
public static class MultipleTesting
{
    /// <summary>Bonferroni-adjusted p-values: min(1, p·m), m the number of p-values that are not NaN.</summary>
    public static double[] Bonferroni(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var m = p.Count(x => !double.IsNaN(x));
        return p.Select(x => double.IsNaN(x) ? double.NaN : Math.Min(1.0, x * m)).ToArray();
    }

    /// <summary>Holm's step-down adjusted p-values (Holm 1979, "A simple sequentially rejective multiple test procedure"):
    /// sorted ascending, q₍ᵢ₎ = min(1, max over j ≤ i of (m − j + 1)·p₍ⱼ₎), returned in the input order; ties keep their input order
    /// (the adjusted values of tied p-values are equal either way).</summary>
    public static double[] Holm(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var order = SortedFinite(p);
        var n = order.Length;
        var q = NaNs(p.Count);
        var running = 0.0;
        for (var r = 0; r < n; r++)
        {
            var i = order[r];
            running = Math.Max(running, Math.Min(1.0, p[i] * (n - r)));
            q[i] = running;
        }
        return q;
    }

    /// <summary>Benjamini–Hochberg adjusted p-values (false discovery rate; Benjamini &amp; Hochberg 1995):
    /// q₍ᵢ₎ = min(1, min over j ≥ i of p₍ⱼ₎·m / j).</summary>
    public static double[] BenjaminiHochberg(IReadOnlyList<double> p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var order = SortedFinite(p);
        var n = order.Length;
        var q = NaNs(p.Count);
        var running = 1.0;
        for (var r = n - 1; r >= 0; r--)
        {
            var i = order[r];
            running = Math.Min(running, p[i] * n / (r + 1));
            q[i] = Math.Min(1.0, running);
        }
        return q;
    }

    private static int[] SortedFinite(IReadOnlyList<double> p) =>
        Enumerable.Range(0, p.Count).Where(i => !double.IsNaN(p[i])).OrderBy(i => p[i]).ThenBy(i => i).ToArray();

    private static double[] NaNs(int count)
    {
        var q = new double[count];
        Array.Fill(q, double.NaN);
        return q;
    }
}
