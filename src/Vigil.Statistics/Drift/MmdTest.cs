using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// Evidently's <c>empirical_mmd</c>: the unbiased estimate of the squared maximum mean discrepancy between the two
/// samples under a Gaussian (RBF) kernel, and a permutation p-value (docs/drift-methods.md).
/// <list type="bullet">
/// <item>Squared distances as NumPy computes them, <c>(y² − 2xy) + x²</c> for a pair (x, y).</item>
/// <item>σ = √(0.5 · the median of every reference–reference squared distance, the diagonal's zeros included, taken
/// with NumPy's <c>nearest</c> rule), or √0.5 when that is 0; the kernel is exp(−d / (2σ²)).</item>
/// <item>MMD² = ΣKxx / (n(n−1)) + ΣKyy / (m(m−1)) − 2 mean(Kxy), the diagonals left out.</item>
/// <item>p = the share of 100 permutations of the pooled sample whose MMD² is at least the observed one. Evidently
/// draws them from NumPy's unseeded global generator, so its own p-value changes from run to run; here the generator
/// is NumPy's legacy one seeded with 0 and the pooled sample is in a canonical order (reference ascending, then
/// current ascending), so the p-value is reproducible.</item>
/// </list>
/// The kernel matrix has (n + m)² entries, as in Evidently, so the test is limited to <see cref="MaxValues"/> values.
/// </summary>
internal static class MmdTest
{
    /// <summary>The most values (reference and current together) the test takes: its kernel matrix and each of its
    /// permutations cost the square of that.</summary>
    public const long MaxValues = 3_000;

    public const int Permutations = 100;

    public static string? Refusal(ValueCounts v)
    {
        if (v.ReferenceTotal < 2 || v.CurrentTotal < 2) return "empirical_mmd needs at least 2 values on each side";
        if (v.ReferenceTotal + v.CurrentTotal > MaxValues)
            return $"empirical_mmd is limited to {MaxValues:N0} values (its kernel matrix grows with the square of the values, as in Evidently)";
        return null;
    }

    /// <summary>NumPy's squared distance between a (row) and b (column).</summary>
    private static double Distance(double a, double b) => (b * b - 2 * (a * b)) + a * a;

    public static DriftTestResult Run(ValueCounts v, double threshold)
    {
        var (x, y) = Expand(v);
        var (mmd, p) = Compute(x, y, new LegacyRandom(0));
        return DriftTestResult.Create("empirical_mmd", mmd, p, threshold, p < threshold);
    }

    /// <summary>Each sample's values ascending, each as often as it occurs.</summary>
    private static (double[] X, double[] Y) Expand(ValueCounts v)
    {
        var x = new double[v.ReferenceTotal];
        var y = new double[v.CurrentTotal];
        int i = 0, j = 0;
        for (var k = 0; k < v.Count; k++)
        {
            for (long c = 0; c < v.Reference[k]; c++) x[i++] = v.Numbers![k];
            for (long c = 0; c < v.Current[k]; c++) y[j++] = v.Numbers![k];
        }
        return (x, y);
    }

    internal static double Sigma(double[] x)
    {
        var n = x.Length;
        var d = new double[(long)n * n];
        for (var a = 0; a < n; a++)
            for (var b = 0; b < n; b++) d[(long)a * n + b] = Distance(x[a], x[b]);
        // NumPy's "nearest": the element at round-half-to-even((N − 1) · 0.5) in sorted order.
        var at = (long)Math.Round((d.LongLength - 1) * 0.5, MidpointRounding.ToEven);
        Array.Sort(d);
        var sigma = Math.Pow(0.5 * d[at], 0.5);
        return sigma == 0 ? Math.Pow(0.5, 0.5) : sigma;
    }

    internal static (double Mmd, double PValue) Compute(double[] x, double[] y, LegacyRandom rng)
    {
        int n = x.Length, m = y.Length, size = n + m;
        var gamma = 1.0 / (2.0 * Math.Pow(Sigma(x), 2));
        // The pooled kernel matrix [[Kxx, Kxy], [Kxyᵀ, Kyy]] with its diagonal zeroed, row-major.
        var k = new double[(long)size * size];
        for (var a = 0; a < size; a++)
        {
            for (var b = 0; b < size; b++)
            {
                if (a == b) continue;
                double d;
                if (a < n && b < n) d = Distance(x[a], x[b]);
                else if (a >= n && b >= n) d = Distance(y[a - n], y[b - n]);
                else if (a < n) d = Distance(x[a], y[b - n]);
                else d = Distance(x[b], y[a - n]); // Kxyᵀ: entry (x_b, y_a)
                k[(long)a * size + b] = Math.Exp(-gamma * d);
            }
        }
        var inX = new bool[size];
        for (var a = 0; a < n; a++) inX[a] = true;
        var observed = Mmd(k, size, inX, n, m);
        var index = new int[size];
        var hits = 0;
        for (var it = 0; it < Permutations; it++)
        {
            for (var a = 0; a < size; a++) index[a] = a;
            rng.Shuffle(index);
            Array.Clear(inX);
            for (var a = 0; a < n; a++) inX[index[a]] = true;
            if (observed <= Mmd(k, size, inX, n, m)) hits++;
        }
        return (observed, hits / (double)Permutations);
    }

    /// <summary>MMD² of the partition that puts the pooled values marked <paramref name="inX"/> in the reference.
    /// Each block is summed over its entries in row-major order of the pooled matrix (compensated), so a partition
    /// gives the same number however a permutation reached it.</summary>
    private static double Mmd(double[] k, int size, bool[] inX, int n, int m)
    {
        NeumaierSum xx = default, yy = default, xy = default;
        for (var a = 0; a < size; a++)
        {
            var row = (long)a * size;
            if (inX[a])
            {
                for (var b = 0; b < size; b++) if (inX[b]) xx.Add(k[row + b]);
            }
            else
            {
                for (var b = 0; b < size; b++)
                {
                    if (inX[b]) xy.Add(k[row + b]);
                    else yy.Add(k[row + b]);
                }
            }
        }
        var aCoef = 1.0 / ((double)n * (n - 1));
        var bCoef = 1.0 / ((double)m * (m - 1));
        return aCoef * xx.Value + bCoef * yy.Value - 2.0 * (xy.Value / ((double)n * m));
    }
}
