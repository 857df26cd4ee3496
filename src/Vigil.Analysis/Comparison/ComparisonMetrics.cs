using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;
using Vigil.Statistics.Testing;

namespace Vigil.Analysis.Comparison;

/// <summary>
/// Which test gives each metric's difference, and its direction. ROC AUC (and Gini, 2·AUC − 1): DeLong. Rates at the
/// threshold (accuracy, precision, recall, specificity): Newcombe's hybrid score interval with a two-proportion z-test,
/// or for paired rows Newcombe's paired interval with McNemar's test. Means of a per-row loss (log loss, Brier):
/// Welch's z, or the paired mean difference. The rest (average precision, F1, MCC, balanced accuracy, ECE, KS
/// statistic): a seeded, label-stratified bootstrap's standard error with a normal interval.
/// </summary>
internal static class ComparisonMetrics
{
    private static readonly Dictionary<string, bool> HigherIsBetter = new(StringComparer.Ordinal)
    {
        ["roc_auc"] = true, ["gini"] = true, ["average_precision"] = true, ["accuracy"] = true, ["precision"] = true,
        ["recall"] = true, ["specificity"] = true, ["f1"] = true, ["mcc"] = true, ["balanced_accuracy"] = true,
        ["ks_statistic"] = true, ["log_loss"] = false, ["brier"] = false, ["ece"] = false,
    };

    /// <summary>The metrics with no closed-form variance, as <see cref="CellMetrics"/> computes them.</summary>
    private static readonly string[] Bootstrapped = [.. CellMetrics.Names];

    /// <summary>The metrics compare tests, in report order.</summary>
    public static IReadOnlyList<string> Names { get; } =
        ["roc_auc", "average_precision", "log_loss", "brier", "accuracy", "precision", "recall", "f1", "mcc", "balanced_accuracy", "specificity", "ece", "ks_statistic", "gini"];

    public static bool IsKnown(string metric) => HigherIsBetter.ContainsKey(metric);

    /// <summary>Candidate − baseline for every metric of both sides.</summary>
    public static IReadOnlyDictionary<string, MetricDifference> Differences(VersionSummary b, VersionSummary c, PairedSums? paired, ComparisonOptions options, int seed)
    {
        var conf = options.Confidence;
        var d = new Dictionary<string, MetricDifference>(StringComparer.Ordinal);
        double? Value(VersionSummary s, string m) => s.Evaluation.Metrics.FirstOrDefault(x => x.Name == m)?.Value;

        void Put(string m, Difference? diff, string? note = null)
        {
            var vb = Value(b, m);
            var vc = Value(c, m);
            double? value = vb is { } x && vc is { } y ? y - x : null;
            if (value is null)
            {
                var why = vb is null ? $"the baseline's {m} is undefined" : $"the candidate's {m} is undefined";
                d[m] = new MetricDifference { Test = diff?.Test ?? "none", HigherIsBetter = HigherIsBetter[m], Note = why };
                return;
            }
            d[m] = new MetricDifference
            {
                Value = value,
                Lower = Finite(diff?.Lower),
                Upper = Finite(diff?.Upper),
                PValue = Finite(diff?.PValue),
                Test = diff?.Test ?? "none",
                HigherIsBetter = HigherIsBetter[m],
                Note = note ?? diff?.Note,
            };
        }

        // ROC AUC and Gini: DeLong.
        var auc = paired is not null ? DeLong.Paired(paired.Placements, conf) : DeLong.Unpaired(b.DeLong, c.DeLong, conf);
        Put("roc_auc", auc);
        Put("gini", auc with { Value = 2 * auc.Value, Lower = 2 * auc.Lower, Upper = 2 * auc.Upper });

        // Rates at the threshold: Newcombe.
        var (cb, cc) = (b.Evaluation.Confusion, c.Evaluation.Confusion);
        if (paired is not null)
        {
            var a = paired.Correct;
            Put("accuracy", Proportions.NewcombePaired(a.Both, a.OnlyA, a.OnlyB, a.Neither, conf));
            var r = paired.Detected;
            Put("recall", Proportions.NewcombePaired(r.Both, r.OnlyA, r.OnlyB, r.Neither, conf));
            var s = paired.Rejected;
            Put("specificity", Proportions.NewcombePaired(s.Both, s.OnlyA, s.OnlyB, s.Neither, conf));
            Put("precision", Proportions.NewcombeUnpaired(cb.Tp, cb.Tp + cb.Fp, cc.Tp, cc.Tp + cc.Fp, conf),
                "precision's denominators (the rows each version flags) differ, so it has no paired form: the independent-samples interval, conservative when the versions agree");
        }
        else
        {
            Put("accuracy", Proportions.NewcombeUnpaired(cb.Tp + cb.Tn, cb.Total, cc.Tp + cc.Tn, cc.Total, conf));
            Put("precision", Proportions.NewcombeUnpaired(cb.Tp, cb.Tp + cb.Fp, cc.Tp, cc.Tp + cc.Fp, conf));
            Put("recall", Proportions.NewcombeUnpaired(cb.Tp, cb.Tp + cb.Fn, cc.Tp, cc.Tp + cc.Fn, conf));
            Put("specificity", Proportions.NewcombeUnpaired(cb.Tn, cb.Tn + cb.Fp, cc.Tn, cc.Tn + cc.Fp, conf));
        }

        // Mean losses: Welch, or the paired mean difference.
        if (paired is not null)
        {
            Put("log_loss", Means.Paired(paired.LogLoss.N, paired.LogLoss.Sum, paired.LogLoss.SumSq, conf));
            Put("brier", Means.Paired(paired.Brier.N, paired.Brier.Sum, paired.Brier.SumSq, conf));
        }
        else
        {
            Put("log_loss", Means.Unpaired(b.LogLoss.N, b.LogLoss.Sum, b.LogLoss.SumSq, c.LogLoss.N, c.LogLoss.Sum, c.LogLoss.SumSq, conf));
            Put("brier", Means.Unpaired(b.Brier.N, b.Brier.Sum, b.Brier.SumSq, c.Brier.N, c.Brier.Sum, c.Brier.SumSq, conf));
        }

        // The rest: the bootstrap, on the scores grouped to a fine grid; its interval is moved by the grouping's
        // (tiny) shift of the estimate, so that it sits around the exact difference.
        // Only these metrics are needed from each replicate: CellMetrics computes them in one allocation-free pass.
        static double[] Metrics(ReadOnlySpan<ScoreCount> cells, double threshold)
        {
            var m = new double[Bootstrapped.Length];
            CellMetrics.Compute(cells, threshold, m);
            return m;
        }
        var bo = new BootstrapOptions { Replicates = options.BootstrapReplicates, Seed = (uint)seed, Confidence = conf };
        var boot = paired?.Cells is { } pc
            ? Bootstrap.Paired(pc, cells => Metrics(cells, options.Threshold), bo)
            : Bootstrap.Unpaired(b.Cells, c.Cells, cells => Metrics(cells, options.Threshold), bo);
        var grid = paired is not null ? "0.01" : "0.002";
        for (var j = 0; j < Bootstrapped.Length; j++)
        {
            var m = Bootstrapped[j];
            var bd = boot[j];
            var exact = Value(c, m) - Value(b, m);
            var shift = exact is { } e && double.IsFinite(bd.Value) ? e - bd.Value : 0;
            Put(m, bd with { Lower = bd.Lower + shift, Upper = bd.Upper + shift, Test = bd.Test + $", scores grouped to {grid}" });
        }
        return Names.Where(d.ContainsKey).ToDictionary(n => n, n => d[n], StringComparer.Ordinal);
    }

    private static double? Finite(double? v) => v is { } x && double.IsFinite(x) ? x : null;
}
