using System.Globalization;
using Vigil.Monitoring.Config;
using Vigil.Server.Metrics;
using Vigil.Server.Store;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;
using Vigil.Statistics.Fairness;

namespace Vigil.Server.Monitors;

/// <summary>One group of a fairness monitor's window: its rate with its Wilson interval, the rows it was counted on,
/// its ratio to the reference group's rate, whether it was judged (enough rows, a defined rate) and its baseline.</summary>
internal sealed record FairnessGroup(string Group, double? Rate, double? Lower, double? Upper, long Rows, double? Ratio, bool Judged, double? Baseline);

/// <summary>A fairness monitor's latest evaluation: the attribute, the rate, the reference group and every group.</summary>
internal sealed record FairnessInfo(string Attribute, string Rate, string? Reference, IReadOnlyList<FairnessGroup> Groups);

/// <summary>
/// The <c>fairness</c> monitors (docs/service.md, "Fairness monitors"): each group's confusion counts at the score
/// threshold on the window, counted by the store's engine in one <c>GROUP BY</c> on the attribute's column; the rates
/// and their Wilson intervals from <see cref="GroupFairnessMetrics.FromCounts"/> (selection_rate, over every
/// prediction, from <see cref="Proportions.Wilson"/>). The monitor's value is the worst disparity, the least over
/// judged groups of min(r, 1/r) with r a group's rate over the reference group's; it is breached below min_ratio, or
/// when a group's rate is further than max_drift from its baseline.
/// </summary>
internal sealed class FairnessMonitor(PredictionStore store)
{
    /// <summary>The group of rows whose attribute is missing.</summary>
    public const string Missing = "(missing)";

    private string Q(string identifier) => store.Dialect.QuoteIdentifier(identifier);

    private static string F(double v) => v.ToString("0.###", CultureInfo.InvariantCulture);

    public MetricValue Compute(ModelConfig model, MonitorConfig monitor, DateTime from, DateTime to)
    {
        var f = monitor.Fairness ?? throw new ArgumentException($"monitor '{monitor.Name}' is not a fairness monitor", nameof(monitor));
        var feature = model.Features.FirstOrDefault(x => x.Name == f.Attribute);
        if (feature is null) return new MetricValue(null, null, $"'{f.Attribute}' is not a feature of '{model.Name}'");
        var t = f.Threshold.ToString("R", CultureInfo.InvariantCulture);
        string Count(string where) => $"{store.Dialect.CountIf(where)}";
        var sql = $"SELECT {Q("f_" + f.Attribute)}, count(*), {Count($"score >= {t}")}, " +
                  $"{Count($"label = 1 AND score >= {t}")}, {Count($"label = 0 AND score >= {t}")}, {Count($"label = 0 AND score < {t}")}, {Count($"label = 1 AND score < {t}")} " +
                  $"FROM {store.Rows(model.Name)} WHERE {store.Where(from, to)} AND score IS NOT NULL GROUP BY {Q("f_" + f.Attribute)}";
        var options = new FairnessOptions { Threshold = f.Threshold, MinimumGroupSize = f.MinGroupRows };
        var rows = new List<(string Group, GroupRate Rate, long Rows)>();
        using (var engine = store.NewReader())
        {
            var r = engine.Query(sql);
            for (var i = 0; i < r.RowCount; i++)
            {
                var group = r.IsNull(0, i) ? Missing
                    : feature.Type == FeatureType.Number ? r.GetDouble(0, i).ToString("R", CultureInfo.InvariantCulture) : r.GetString(0, i)!;
                long n = r.GetInt64(1, i), selected = r.GetInt64(2, i);
                var c = new ConfusionCounts(r.GetInt64(3, i), r.GetInt64(4, i), r.GetInt64(5, i), r.GetInt64(6, i));
                if (f.Rate == "selection_rate")
                {
                    var (lo, hi) = Proportions.Wilson(selected, n);
                    rows.Add((group, new GroupRate(n == 0 ? double.NaN : (double)selected / n, selected, n, lo, hi), n));
                    continue;
                }
                var metrics = GroupFairnessMetrics.FromCounts(group, c.Tp + c.Fn, c.Fp + c.Tn, c, double.NaN, options);
                var rate = metrics.Rate(f.Rate switch
                {
                    "tpr" => FairnessRate.TruePositiveRate,
                    "fpr" => FairnessRate.FalsePositiveRate,
                    "fnr" => FairnessRate.FalseNegativeRate,
                    "precision" => FairnessRate.Precision,
                    _ => FairnessRate.Accuracy,
                });
                rows.Add((group, rate, metrics.Size));
            }
        }
        rows.Sort((a, b) => string.CompareOrdinal(a.Group, b.Group));
        var counted = f.Rate == "selection_rate" ? "predictions" : "labelled predictions";
        if (rows.Count == 0 || rows.All(x => x.Rows == 0))
            return new MetricValue(null, null, $"no {counted} in the window") { Fairness = new FairnessInfo(f.Attribute, f.Rate, null, []) };
        bool Judged((string Group, GroupRate Rate, long Rows) x) => x.Rows >= f.MinGroupRows && !double.IsNaN(x.Rate.Value);
        var reference = f.ReferenceGroup is { } named
            ? rows.FirstOrDefault(x => x.Group == named)
            : rows.Where(Judged).OrderByDescending(x => x.Rows).ThenBy(x => x.Group, StringComparer.Ordinal).FirstOrDefault();
        var refJudged = reference.Group is not null && Judged(reference);
        var groups = new List<FairnessGroup>();
        var breaches = new List<string>();
        double worst = 1;
        string? worstText = null;
        var key = f.Attribute + "=";
        foreach (var x in rows)
        {
            var judged = Judged(x);
            double? rate = double.IsNaN(x.Rate.Value) ? null : x.Rate.Value;
            double? ratio = null;
            if (judged && refJudged)
            {
                var refRate = reference.Rate.Value;
                ratio = refRate == 0 ? (x.Rate.Value == 0 ? 1 : double.PositiveInfinity) : x.Rate.Value / refRate;
                var score = Math.Min(ratio.Value, 1 / ratio.Value);
                var text = $"{key}{x.Group}: {f.Rate} {F(x.Rate.Value)} vs {reference.Group} {F(refRate)}, ratio {F(ratio.Value)}";
                if (score < worst || worstText is null && x.Group != reference.Group) (worst, worstText) = (Math.Min(worst, score), text);
                if (score < f.MinRatio) breaches.Add(text);
            }
            double? baseline = f.Baseline.TryGetValue(x.Group, out var b) ? b : null;
            if (judged && baseline is { } bl && Math.Abs(x.Rate.Value - bl) > f.MaxDrift)
                breaches.Add($"{key}{x.Group}: {f.Rate} {F(x.Rate.Value)} vs baseline {F(bl)}, drift {F(x.Rate.Value - bl)}");
            groups.Add(new FairnessGroup(x.Group, rate, double.IsNaN(x.Rate.Lower) ? null : x.Rate.Lower, double.IsNaN(x.Rate.Upper) ? null : x.Rate.Upper,
                x.Rows, ratio, judged, baseline));
        }
        var info = new FairnessInfo(f.Attribute, f.Rate, refJudged ? reference.Group : null, groups);
        var small = rows.Where(x => !Judged(x)).Select(x => string.Create(CultureInfo.InvariantCulture, $"{key}{x.Group} ({x.Rows:N0} {counted})")).ToList();
        var smallNote = small.Count == 0 ? "" : $"; not judged (fewer than {f.MinGroupRows} {counted}, or no rate): {string.Join(", ", small)}";
        var condition = $"each group's {f.Rate} within [{F(f.MinRatio)}, {F(1 / f.MinRatio)}] × the reference group's" +
                        (f.Baseline.Count > 0 ? $" and within {F(f.MaxDrift)} of its baseline" : "");
        if (!refJudged)
        {
            var why = f.ReferenceGroup is { } g ? $"the reference group {key}{g} has {(reference.Group is null ? "no" : reference.Rows.ToString("N0", CultureInfo.InvariantCulture))} {counted} (fewer than {f.MinGroupRows}, or no rate)"
                : $"no group has {f.MinGroupRows} {counted} with a defined rate";
            return new MetricValue(null, breaches.Count > 0 ? true : null, why + smallNote) { Fairness = info, Condition = condition };
        }
        var note = breaches.Count > 0 ? string.Join("; ", breaches)
            : worstText is null ? $"only {key}{reference.Group} has enough {counted} to be judged"
            : $"worst: {worstText}";
        return new MetricValue(worst, breaches.Count > 0 || worst < f.MinRatio, note + smallNote) { Fairness = info, Condition = condition };
    }

    /// <summary>The view's extra fields of a fairness monitor (nothing for other monitors): the latest per-group rates.</summary>
    public static void Add(Dictionary<string, object?> view, MonitorConfig monitor, MonitorReading? reading)
    {
        if (monitor.Type != MonitorType.Fairness) return;
        var f = monitor.Fairness!;
        view["type"] = "fairness";
        view["fairness"] = new Dictionary<string, object?>
        {
            ["attribute"] = f.Attribute, ["rate"] = f.Rate, ["threshold"] = f.Threshold, ["min_ratio"] = f.MinRatio, ["max_drift"] = f.Baseline.Count > 0 ? f.MaxDrift : null,
            ["reference_group"] = reading?.Fairness?.Reference,
            ["groups"] = (reading?.Fairness?.Groups ?? []).Select(g => new Dictionary<string, object?>
            {
                ["group"] = g.Group, ["rate"] = g.Rate, ["lower"] = g.Lower, ["upper"] = g.Upper, ["rows"] = g.Rows,
                ["ratio"] = g.Ratio is { } r && double.IsFinite(r) ? r : null, ["judged"] = g.Judged, ["baseline"] = g.Baseline,
            }).ToList(),
        };
    }

    /// <summary>Each fairness monitor's latest per-group rates and ratios to the reference group.</summary>
    public static void Metrics(PrometheusText text, IReadOnlyList<MonitorReading> readings)
    {
        var latest = readings.Where(r => r.Fairness is not null).ToList();
        (string, string)[] Labels(MonitorReading r, FairnessGroup g) =>
            [("model", r.Model), ("monitor", r.Monitor), ("attribute", r.Fairness!.Attribute), ("group", g.Group), ("rate", r.Fairness.Rate)];
        text.Family("vigil_fairness_rate", "gauge", "fairness monitors: each group's rate (selection_rate, tpr, fpr, fnr, precision or accuracy) on the window.");
        foreach (var r in latest)
            foreach (var g in r.Fairness!.Groups.Where(g => g.Rate is not null))
                text.Sample("vigil_fairness_rate", g.Rate!.Value, Labels(r, g));
        text.Family("vigil_fairness_disparity", "gauge", "fairness monitors: each judged group's rate over the reference group's.");
        foreach (var r in latest)
            foreach (var g in r.Fairness!.Groups.Where(g => g.Ratio is not null))
                text.Sample("vigil_fairness_disparity", g.Ratio!.Value, Labels(r, g));
    }
}
