using MathNet.Numerics;
using Vigil.Statistics.Comparison;
using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Association;

/// <summary>A measure of association between a feature and the model's score.</summary>
/// <param name="Value">The statistic (Spearman's ρ, mutual information in nats …).</param>
/// <param name="Lower">Lower confidence limit, NaN when the measure has none.</param>
/// <param name="Upper">Upper confidence limit, NaN when the measure has none.</param>
/// <param name="PValue">Two-sided p-value of "no association".</param>
/// <param name="Test">The statistic, test and interval used.</param>
/// <param name="Rows">Number of rows the statistic covers.</param>
/// <param name="Note">Why a number is NaN, or null.</param>
public sealed record AssociationResult(double Value, double Lower, double Upper, double PValue, string Test, long Rows, string? Note = null);

/// <summary>One distinct (x, y) pair of the joint distribution with the number of rows that carry it.</summary>
public readonly record struct JointCount(double X, double Y, long Count);

/// <summary>Spearman's rank correlation from grouped data: the Pearson correlation of the average ranks (ties share the
/// mean of the ranks they span), as scipy.stats.spearmanr computes it. With N rows, a distinct value with c rows
/// after b smaller rows has rank b + (c + 1)/2; the ranks' mean is (N + 1)/2, and
/// ρ = Σc·(r_x − r̄)(r_y − r̄) / √(Σc·(r_x − r̄)² · Σc·(r_y − r̄)²), with compensated sums.
/// p-value: scipy's t-test, t = ρ√((N − 2)/((1 + ρ)(1 − ρ))) on N − 2 degrees of freedom, two-sided (as the regularized
/// incomplete beta I_{ν/(ν+t²)}(ν/2, ½), accurate in the tail). Interval: Fisher's z = atanh ρ ± z_{1−α/2}·√((1 + ρ²/2)/(N − 3))
/// (Bonett &amp; Wright 2000, Psychometrika 65:23–28), back-transformed with tanh.</summary>
public static class Spearman
{
    private const string TestName = "Spearman rank correlation (t-test; Fisher z interval, Bonett–Wright variance)";

    /// <summary>ρ from the joint distinct (x, y) counts (cells in any order, repeated pairs allowed).</summary>
    public static AssociationResult FromJointCounts(ReadOnlySpan<JointCount> cells, double confidence = 0.95)
    {
        ZTest.CheckConfidence(confidence);
        long n = 0;
        foreach (var c in cells)
        {
            if (double.IsNaN(c.X) || double.IsNaN(c.Y) || c.Count < 0)
            {
                throw new ArgumentException($"Bad cell {c}: values must not be NaN and counts not negative.", nameof(cells));
            }
            n += c.Count;
        }
        if (n == 0)
        {
            return Undefined(0, "no rows");
        }
        var rankX = Ranks(cells, true);
        var rankY = Ranks(cells, false);
        var mean = (n + 1) / 2.0;
        NeumaierSum sxy = default, sxx = default, syy = default;
        foreach (var c in cells)
        {
            if (c.Count == 0) continue;
            double dx = rankX[c.X + 0.0] - mean, dy = rankY[c.Y + 0.0] - mean, k = c.Count;
            sxy.Add(k * dx * dy);
            sxx.Add(k * dx * dx);
            syy.Add(k * dy * dy);
        }
        if (sxx.Value <= 0 || syy.Value <= 0)
        {
            return Undefined(n, "a variable is constant: the correlation is undefined");
        }
        var rho = Math.Clamp(sxy.Value / Math.Sqrt(sxx.Value * syy.Value), -1.0, 1.0);
        double p = double.NaN, lower = double.NaN, upper = double.NaN;
        string? note = null;
        if (n > 2)
        {
            var df = n - 2.0;
            if (Math.Abs(rho) == 1.0)
            {
                p = 0.0;
            }
            else
            {
                var t2 = rho * rho * df / ((1.0 + rho) * (1.0 - rho));
                p = SpecialFunctions.BetaRegularized(df / 2.0, 0.5, df / (df + t2));
            }
        }
        else
        {
            note = "the p-value needs at least 3 rows";
        }
        if (n > 3)
        {
            var z = Math.Atanh(rho);
            var h = ZTest.Critical(confidence) * Math.Sqrt((1.0 + rho * rho / 2.0) / (n - 3.0));
            lower = Math.Tanh(z - h);
            upper = Math.Tanh(z + h);
        }
        else
        {
            note ??= "the interval needs at least 4 rows";
        }
        return new AssociationResult(rho, lower, upper, p, TestName, n, note);
    }

    /// <summary>ρ from paired arrays (reference and small-data helper).</summary>
    public static AssociationResult FromArrays(ReadOnlySpan<double> x, ReadOnlySpan<double> y, double confidence = 0.95)
    {
        if (x.Length != y.Length)
        {
            throw new ArgumentException($"x and y must have the same length ({x.Length}, {y.Length}).");
        }
        var cells = new JointCount[x.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = new JointCount(x[i], y[i], 1);
        }
        return FromJointCounts(cells, confidence);
    }

    private static AssociationResult Undefined(long n, string reason) =>
        new(double.NaN, double.NaN, double.NaN, double.NaN, TestName, n, reason);

    /// <summary>Average rank of each distinct value of one margin.</summary>
    private static Dictionary<double, double> Ranks(ReadOnlySpan<JointCount> cells, bool x)
    {
        var counts = new Dictionary<double, long>();
        foreach (var c in cells)
        {
            var v = (x ? c.X : c.Y) + 0.0;   // −0 and 0 are one value
            counts[v] = counts.GetValueOrDefault(v) + c.Count;
        }
        var keys = counts.Keys.ToArray();
        Array.Sort(keys);
        var ranks = new Dictionary<double, double>(keys.Length);
        long before = 0;
        foreach (var k in keys)
        {
            var c = counts[k];
            ranks[k] = before + (c + 1) / 2.0;
            before += c;
        }
        return ranks;
    }
}
