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
    /// <summary>NannyML's band: the estimate ± this many standard errors.</summary>
    public const double Sigmas = 3;

    public static ConceptEvidence Run(DiagnosisSide reference, DiagnosisSide current, IExpectedPerformance estimator, string primary,
        IReadOnlyList<string> topFeatures, DiagnoseOptions options)
    {
        var metric = estimator.Metrics.Contains(primary) ? primary : "roc_auc";
        double? Realized(DiagnosisSide s) => s.Summary.Evaluation.Metrics.FirstOrDefault(m => m.Name == metric)?.Value;
        var refValue = Realized(reference);
        var realized = Realized(current);
        var expected = estimator.Expected(current.Scores, metric);
        var (refRows, curRows) = (reference.Summary.Evaluation.Rows, current.Summary.Evaluation.Rows);
        var se = estimator.StandardError(metric, curRows);
        var refSe = estimator.StandardError(metric, refRows);
        double? lower = expected - Sigmas * se, upper = expected + Sigmas * se;
        if (lower is { } l0) lower = Math.Max(0, l0);
        if (upper is { } u0) upper = Math.Min(1, u0);
        double? explained = refValue - expected, unexplained = expected - realized;
        // Concept drift: realized below the band. Covariate shift: the expected metric below the reference's by more
        // than the two sides' sampling errors allow.
        var concept = realized is { } r && lower is { } lo && r < lo;
        var covariate = explained is { } e && se is { } s1 && refSe is { } s2 && e > Sigmas * Math.Sqrt(s1 * s1 + s2 * s2);
        var features = Conditional(reference, current, estimator, topFeatures, options);
        return new ConceptEvidence(metric, estimator.Method, refValue, expected, lower, upper, realized, explained, unexplained, concept, covariate, features);
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
        // Every feature's bins in one scan of each side: GROUPING SETS of (bin of feature i, score cell), the set told
        // by which bin column is grouped; a row whose feature is missing (bin NULL) counts in no bin.
        Dictionary<string, (long N, long Pos, double Exp)>[] Bins(DiagnosisSide side)
        {
            var bins = keys.Select(_ => new Dictionary<string, (long N, long Pos, double Exp)>(StringComparer.Ordinal)).ToArray();
            var extra = string.Concat(keys.Select((k, i) => $", {k.Expr} AS b{i.ToString(CultureInfo.InvariantCulture)}_"));
            var d = side.Source.Dialect;
            var binKeys = keys.Select((_, i) => $"b{i.ToString(CultureInfo.InvariantCulture)}_").Append("g_").ToList();
            var sets = keys.Select((_, i) => (IReadOnlyList<int>)[i, keys.Count]).ToList();
            var bin = keys.Count == 1 ? "b0_" : $"coalesce({string.Join(", ", binKeys.Take(keys.Count))})";
            var t = side.Source.Engine.Query(
                $"SELECT set_ AS k_, {bin} AS b_, n_, p_, ss_ FROM (" +
                d.GroupingSets($"(SELECT *, floor(s_ * {grid}) AS g_ FROM ({side.ValidRows(extra)}) v) w", binKeys, sets,
                    [("count(*)", "n_"), (d.CountIf("y_ = 1"), "p_"), ("sum(s_)", "ss_")]) + ") gs");
            for (var r = 0; r < t.RowCount; r++)
            {
                if (t.IsNull(1, r)) continue;
                var f = bins[t.GetInt64(0, r)];
                var b = t.GetString(1, r)!;
                var n = t.GetInt64(2, r);
                var cell = (N: n, Pos: t.GetInt64(3, r), Exp: n * estimator.Calibrated(t.GetDouble(4, r) / n));
                var old = f.GetValueOrDefault(b);
                f[b] = (old.N + cell.N, old.Pos + cell.Pos, old.Exp + cell.Exp);
            }
            return bins;
        }
        var refBins = Bins(reference);
        var curBins = Bins(current);
        for (var ki = 0; ki < keys.Count; ki++)
        {
            var k = keys[ki];
            var rb = refBins[ki];
            var cb = curBins[ki];
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
