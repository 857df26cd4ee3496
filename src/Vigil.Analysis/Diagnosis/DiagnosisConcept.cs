using System.Globalization;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Results;
using Vigil.Analysis.Segments;
using Vigil.Engine;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Diagnosis;

/// <summary>Step 4, data drift or concept drift: the metric realized on the current data against the metric expected
/// under the current inputs (<see cref="IExpectedPerformance"/>, fitted on the reference); and, per top feature, the
/// outcome rate per bin (the reference's quantiles, or its values) against what the calibrated scores expect, then
/// and now.</summary>
internal static class DiagnosisConcept
{
    /// <summary>Two-sided 95 % normal quantile.</summary>
    public const double Z95 = 1.959963984540054;

    /// <param name="differenceSe">The standard error of step 1's difference (reference vs current).</param>
    public static ConceptEvidence Run(DiagnosisSide reference, DiagnosisSide current, IExpectedPerformance estimator, string primary,
        double threshold, double? differenceSe, IReadOnlyList<string> topFeatures, DiagnoseOptions options)
    {
        var metric = IsotonicCbpe.Metrics.Contains(primary) ? primary : "roc_auc";
        double? Realized(DiagnosisSide s) => s.Summary.Evaluation.Metrics.FirstOrDefault(m => m.Name == metric)?.Value;
        var refValue = Realized(reference);
        var realized = Realized(current);
        var expected = estimator.Expected(current.Scores, metric, threshold);
        var se = CurrentSe(current, metric, expected, threshold, differenceSe);
        double? lower = expected - Z95 * se, upper = expected + Z95 * se;
        double? explained = refValue - expected, unexplained = expected - realized;
        var concept = unexplained is { } u && se is { } s1 && u > Z95 * s1;
        var dse = differenceSe ?? se;
        var covariate = explained is { } e && dse is { } s2 && e > Z95 * s2;
        var features = Conditional(reference, current, estimator, topFeatures, options);
        return new ConceptEvidence(metric, estimator.Method, refValue, expected, lower, upper, realized, explained, unexplained, concept, covariate, features);
    }

    /// <summary>The realized metric's standard error on the current data: DeLong's for ROC AUC, the binomial one at the
    /// expected rate for a proportion, else step 1's difference's divided by √2.</summary>
    private static double? CurrentSe(DiagnosisSide current, string metric, double? expected, double threshold, double? differenceSe)
    {
        var c = current.Summary.Evaluation.Confusion;
        double? Binomial(long n) => expected is { } p && n > 0 ? Math.Sqrt(Math.Max(p * (1 - p), 0) / n) : null;
        return metric switch
        {
            "roc_auc" => current.Summary.DeLong.Variance is var v && double.IsFinite(v) && v >= 0 ? Math.Sqrt(v) : null,
            "accuracy" => Binomial(c.Total),
            "precision" => Binomial(c.Tp + c.Fp),
            "recall" => Binomial(c.Tp + c.Fn),
            "specificity" => Binomial(c.Tn + c.Fp),
            _ => differenceSe / Math.Sqrt(2),
        };
    }

    /// <summary>Per feature: bins cut on the reference (<see cref="SegmentKeys"/>, as <c>vigil segments</c> cuts them), the
    /// rows, positives and expected positives (Σ rows × calibrated score, the scores on <c>vigil compare</c>'s grid)
    /// per bin on each side.</summary>
    private static List<ConditionalShift> Conditional(DiagnosisSide reference, DiagnosisSide current, IExpectedPerformance estimator,
        IReadOnlyList<string> features, DiagnoseOptions options)
    {
        var list = new List<ConditionalShift>();
        if (features.Count == 0) return list;
        var keys = SegmentKeys.Resolve(reference.Source, reference.X, features, options.Bins, maxValues: 20, probeRows: 10_000);
        var grid = VersionAccumulator.GridSteps.ToString(CultureInfo.InvariantCulture);
        foreach (var k in keys)
        {
            Dictionary<string, (long N, long Pos, double Exp)> Bins(DiagnosisSide side)
            {
                var t = side.Source.Engine.Query(
                    $"SELECT b_, count(*), count(*) FILTER (WHERE y_ = 1), sum(s_) FROM ({side.ValidRows($", {k.Expr} AS b_")}) v " +
                    $"WHERE b_ IS NOT NULL GROUP BY b_, floor(s_ * {grid})");
                var bins = new Dictionary<string, (long, long, double)>(StringComparer.Ordinal);
                for (var r = 0; r < t.RowCount; r++)
                {
                    var b = t.GetString(0, r)!;
                    var n = t.GetInt64(1, r);
                    var cell = (N: n, Pos: t.GetInt64(2, r), Exp: n * estimator.Calibrated(t.GetDouble(3, r) / n));
                    var old = bins.GetValueOrDefault(b);
                    bins[b] = (old.Item1 + cell.N, old.Item2 + cell.Pos, old.Item3 + cell.Exp);
                }
                return bins;
            }
            var rb = Bins(reference);
            var cb = Bins(current);
            var order = k.Info.Cut == "quantiles" ? k.Info.Values.Where(v => rb.ContainsKey(v) || cb.ContainsKey(v)).ToList()
                : rb.Keys.Union(cb.Keys).OrderByDescending(b => rb.GetValueOrDefault(b).N).ThenBy(b => b, StringComparer.Ordinal).ToList();
            var curTotal = cb.Values.Sum(v => v.N);
            var bins = new List<ConditionalBin>();
            double change = 0, maxZ = 0;
            foreach (var b in order)
            {
                var (rn, rp, re) = rb.GetValueOrDefault(b);
                var (cn, cp, ce) = cb.GetValueOrDefault(b);
                double? ro = rn > 0 ? (double)rp / rn : null, rexp = rn > 0 ? re / rn : null;
                double? co = cn > 0 ? (double)cp / cn : null, cexp = cn > 0 ? ce / cn : null;
                double? d = ro is { } a && co is { } c ? (c - cexp!.Value) - (a - rexp!.Value) : null;
                double? z = null;
                if (d is { } dd)
                {
                    var v = co!.Value * (1 - co.Value) / cn + ro!.Value * (1 - ro.Value) / rn;
                    z = v > 0 ? dd / Math.Sqrt(v) : null;
                    change += (double)cn / curTotal * Math.Abs(dd);
                    if (z is { } zz) maxZ = Math.Max(maxZ, Math.Abs(zz));
                }
                bins.Add(new ConditionalBin(b, rn, ro, rexp, cn, co, cexp, d, z));
            }
            list.Add(new ConditionalShift(k.Column.Name, change, maxZ, bins));
        }
        return [.. list.OrderByDescending(f => f.Change).ThenBy(f => f.Feature, StringComparer.Ordinal)];
    }
}
