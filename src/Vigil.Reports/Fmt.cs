using System.Globalization;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary>Shared formatting of numbers, dates and enum names for the human-readable renderers
/// (console, HTML, Markdown). JSON does not use it: it writes full-precision numbers.</summary>
internal static class Fmt
{
    public static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The placeholder shown for an undefined (null) value.</summary>
    public const string Dash = "—";

    /// <summary>A metric or ratio with 4 decimals; very large or very small magnitudes in scientific notation.</summary>
    public static string Num(double v)
    {
        if (double.IsNaN(v)) return "NaN";
        if (double.IsPositiveInfinity(v)) return "∞";
        if (double.IsNegativeInfinity(v)) return "-∞";
        double a = Math.Abs(v);
        if (a != 0 && (a >= 1e9 || a < 1e-4)) return v.ToString("0.###e+0", Inv);
        return v.ToString("#,0.0000", Inv);
    }

    public static string Num(double? v) => v is { } x ? Num(x) : Dash;

    /// <summary>A threshold or score: up to 4 decimals, trailing zeros dropped.</summary>
    public static string Short(double v) => double.IsFinite(v) ? v.ToString("0.####", Inv) : Num(v);

    public static string Count(long n) => n.ToString("#,0", Inv);

    public static string Count(long? n) => n is { } x ? Count(x) : Dash;

    public static string Percent(double? v) => v is { } x && double.IsFinite(x) ? (x * 100).ToString("0.00", Inv) + "%" : Num(v);

    public static string Task(ModelTask t) => t switch
    {
        ModelTask.Binary => "binary",
        ModelTask.Multiclass => "multiclass",
        _ => "regression",
    };

    public static string Severity(Severity s) => s switch
    {
        Analysis.Results.Severity.Error => "error",
        Analysis.Results.Severity.Warning => "warning",
        _ => "info",
    };

    public static string Period(PeriodUnit p) => p switch
    {
        PeriodUnit.Hour => "hour",
        PeriodUnit.Week => "week",
        _ => "day",
    };

    /// <summary>The length of one period in days.</summary>
    public static double PeriodDays(PeriodUnit p) => p switch
    {
        PeriodUnit.Hour => 1.0 / 24,
        PeriodUnit.Week => 7,
        _ => 1,
    };

    /// <summary>Treats Unspecified as UTC and converts Local to UTC.</summary>
    public static DateTime Utc(DateTime t) => t.Kind switch
    {
        DateTimeKind.Local => t.ToUniversalTime(),
        DateTimeKind.Unspecified => DateTime.SpecifyKind(t, DateTimeKind.Utc),
        _ => t,
    };

    /// <summary>ISO-8601 UTC with a Z, fractional seconds only when present: 2026-01-03T00:00:00Z.</summary>
    public static string Iso(DateTime t) => Utc(t).ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss.FFFFFFF'Z'", Inv);

    /// <summary>A period start for people: the date, plus the hour for hourly periods.</summary>
    public static string PeriodStart(DateTime t, PeriodUnit p) =>
        Utc(t).ToString(p == PeriodUnit.Hour ? "yyyy'-'MM'-'dd' 'HH':'mm" : "yyyy'-'MM'-'dd", Inv);

    /// <summary>A moment for people: date and time, UTC.</summary>
    public static string Moment(DateTime t) => Utc(t).ToString("yyyy'-'MM'-'dd' 'HH':'mm' UTC'", Inv);

    public static string Plural(long n, string singular, string plural) => Count(n) + " " + (n == 1 ? singular : plural);

    /// <summary>The one-line verdict of a summary: "3 errors, 2 warnings, 1 info; 1,234 rows left out of the metrics".</summary>
    public static string Verdict(SummaryResult r)
    {
        long errors = 0, warnings = 0, infos = 0;
        foreach (var i in r.Quality.Issues)
        {
            switch (i.Severity)
            {
                case Analysis.Results.Severity.Error: errors++; break;
                case Analysis.Results.Severity.Warning: warnings++; break;
                default: infos++; break;
            }
        }
        return $"{Plural(errors, "error", "errors")}, {Plural(warnings, "warning", "warnings")}, {Count(infos)} info; "
            + $"{Plural(r.ExcludedRows, "row", "rows")} left out of the metrics";
    }

    /// <summary>Quality issues ordered error, warning, info; the analysis' order kept within a severity.</summary>
    public static IReadOnlyList<QualityIssue> BySeverity(IReadOnlyList<QualityIssue> issues) =>
        [.. issues.OrderByDescending(i => i.Severity)];

    /// <summary>"missing_label 12, null_score 3".</summary>
    public static string Excluded(IReadOnlyDictionary<string, long> excluded) =>
        excluded.Count == 0 ? "none" : string.Join(", ", excluded.Select(kv => kv.Key + " " + Count(kv.Value)));

    /// <summary>The metrics worth a column in a compact table (segments, periods), by task; when none of the
    /// preferred names occur, the first four names seen.</summary>
    public static IReadOnlyList<string> KeyMetrics(ModelTask task, IEnumerable<IReadOnlyList<Statistics.Classification.MetricValue>> metricLists)
    {
        string[] preferred = task switch
        {
            ModelTask.Binary => ["roc_auc", "average_precision", "accuracy", "f1"],
            ModelTask.Multiclass => ["accuracy", "macro_f1", "weighted_f1", "roc_auc_ovr", "roc_auc"],
            _ => ["mae", "rmse", "r2"],
        };
        var seen = new List<string>();
        foreach (var list in metricLists)
            foreach (var m in list)
                if (!seen.Contains(m.Name)) seen.Add(m.Name);
        var chosen = preferred.Where(seen.Contains).ToList();
        return chosen.Count > 0 ? chosen : [.. seen.Take(4)];
    }

    /// <summary>The metric columns of a per-period table: roc_auc, accuracy, f1 (binary), accuracy, macro_f1
    /// (multiclass), mae, rmse (regression), those that occur; when none occur, the first three names seen.</summary>
    public static IReadOnlyList<string> PeriodMetrics(ModelTask task, IEnumerable<IReadOnlyList<Statistics.Classification.MetricValue>> metricLists)
    {
        string[] preferred = task switch
        {
            ModelTask.Binary => ["roc_auc", "accuracy", "f1"],
            ModelTask.Multiclass => ["accuracy", "macro_f1"],
            _ => ["mae", "rmse"],
        };
        var seen = new List<string>();
        foreach (var list in metricLists)
            foreach (var m in list)
                if (!seen.Contains(m.Name)) seen.Add(m.Name);
        var chosen = preferred.Where(seen.Contains).ToList();
        return chosen.Count > 0 ? chosen : [.. seen.Take(3)];
    }

    /// <summary>The value of the named metric in a list, null when absent or undefined.</summary>
    public static double? MetricOf(IReadOnlyList<Statistics.Classification.MetricValue> metrics, string name)
    {
        foreach (var m in metrics) if (m.Name == name) return m.Value;
        return null;
    }

    /// <summary>"mean_score" for classifiers, "mean_prediction" for regression (metric names are snake_case in every
    /// report, as roc_auc is).</summary>
    public static string MeanLabel(ModelTask t) => t == ModelTask.Regression ? "mean_prediction" : "mean_score";

    /// <summary>A p-value: 4 decimals, scientific below 1e-4, and "&lt; 1e-300" for one that underflowed to 0.</summary>
    public static string PValue(double? p) => p is 0 ? "< 1e-300" : Num(p);

    /// <summary>A threshold or rate in a threshold table: always 4 decimals, so each column reads as one format.</summary>
    public static string Fixed4(double v) => double.IsFinite(v) ? v.ToString("0.0000", Inv) : Num(v);

    /// <summary>An axis edge: 3 significant digits, whole numbers with thousands separators from 1,000 on.</summary>
    public static string Edge(double v) => !double.IsFinite(v) ? Num(v) : Math.Abs(v) >= 1000 ? v.ToString("#,0", Inv) : (v + 0.0).ToString("G3", Inv);

    /// <summary>The metrics that depend on the decision threshold (the rest are threshold-free: roc_auc, average_precision,
    /// log_loss, brier, ece).</summary>
    public static bool IsThresholded(string metric) => metric is "accuracy" or "precision" or "recall" or "f1" or "specificity"
        or "fpr" or "tpr" or "fnr" or "tnr" or "balanced_accuracy" or "mcc" or "npv" or "cohen_kappa";

    /// <summary>When the decision threshold is far from the F1-best one (recall at it below half the best threshold's,
    /// or thresholds further apart than 0.2): a sentence saying so, else null. Only layout of the result's own numbers.</summary>
    public static string? ThresholdWarning(EvaluationResult r)
    {
        if (r.Threshold is not { } th || r.Confusion is not { } c || r.BestThresholds?.FirstOrDefault(b => b.Criterion == "f1") is not { } best) return null;
        double Recall(Statistics.Classification.ConfusionCounts k) => k.Tp + k.Fn > 0 ? (double)k.Tp / (k.Tp + k.Fn) : double.NaN;
        double now = Recall(c), atBest = Recall(best.Confusion);
        if (!(now < 0.5 * atBest) && Math.Abs(th - best.Threshold) <= 0.2) return null;
        return $"Recall is {Num(now)} at the threshold in use ({Short(th)}), against {Num(atBest)} at the F1-best threshold {Short(best.Threshold)} " +
               $"(f1 {Num(best.Value)}): the threshold in use is far from the best one.";
    }

    /// <summary>The one-line verdict of an evaluation: the threshold-free headline metrics, the thresholded ones at the
    /// threshold, and the findings by severity.</summary>
    public static string Verdict(EvaluationResult r)
    {
        var parts = new List<string>();
        foreach (var name in KeyMetrics(r.Task, [r.Metrics]).Where(m => !IsThresholded(m)))
            parts.Add($"{name} {Num(MetricOf(r.Metrics, name))}");
        var thresholded = KeyMetrics(r.Task, [r.Metrics]).Where(IsThresholded).Concat(r.Task == ModelTask.Binary ? ["recall"] : []).Distinct()
            .Where(m => r.Metrics.Any(x => x.Name == m)).ToList();
        if (thresholded.Count > 0)
            parts.Add((r.Threshold is { } th ? $"at threshold {Short(th)}: " : "") + string.Join(", ", thresholded.Select(m => $"{m} {Num(MetricOf(r.Metrics, m))}")));
        int errors = r.Findings.Count(f => f.Severity == Analysis.Results.Severity.Error), warnings = r.Findings.Count(f => f.Severity == Analysis.Results.Severity.Warning);
        // The threshold warning counts once, whether the analysis made it a finding or the reports derive it.
        if (r.Findings.All(f => f.Check != "threshold_far_from_best") && ThresholdWarning(r) is not null) warnings++;
        var findings = errors + warnings == 0 ? "no warnings" : $"{Plural(errors, "error", "errors")}, {Plural(warnings, "warning", "warnings")}";
        return $"{Count(r.Rows)} rows evaluated; " + string.Join("; ", parts) + "; " + findings + ".";
    }

    /// <summary>The names of all segment key columns, in first-seen order.</summary>
    public static IReadOnlyList<string> SegmentKeys(IReadOnlyList<SegmentEvaluation> segments)
    {
        var keys = new List<string>();
        foreach (var s in segments)
            foreach (var k in s.Key.Keys)
                if (!keys.Contains(k)) keys.Add(k);
        return keys;
    }

    public static string Roles(ColumnRoles c)
    {
        var parts = new List<string>();
        void Add(string role, string? col) { if (col is not null) parts.Add(role + "=" + col); }
        Add("id", c.Id); Add("timestamp", c.Timestamp); Add("version", c.Version);
        Add("score", c.Score); Add("label", c.Label); Add("prediction", c.Prediction);
        if (c.Features.Count > 0) parts.Add("features=" + string.Join(",", c.Features));
        return parts.Count == 0 ? "none" : string.Join("; ", parts);
    }

    /// <summary>The header facts of an evaluation report, in the order every renderer shows them.</summary>
    public static (string Key, string Value)[] Facts(EvaluationResult r) =>
    [
        ("Source", r.Source.Description + " (" + r.Source.Engine + ")"),
        ("Task", Task(r.Task)),
        ("Columns", Roles(r.Columns)),
        ("Rows", Count(r.Rows)),
        ("Excluded", Excluded(r.Excluded)),
        .. r.Threshold is { } th ? new[] { ("Threshold", Short(th)) } : [],
    ];

    /// <summary>The header facts of a summary report, in the order every renderer shows them.</summary>
    public static (string Key, string Value)[] Facts(SummaryResult r) =>
    [
        ("Source", r.Source.Description + " (" + r.Source.Engine + ")"),
        ("Task", Task(r.Task)),
        ("Columns", Roles(r.Columns)),
        ("Period", Period(r.Period)),
        ("As of", Moment(r.AsOf)),
        ("Rows", Count(r.TotalRows) + " read, " + Count(r.ExcludedRows) + " left out of the metrics"),
        .. r.Threshold is { } th ? new[] { ("Threshold", Short(th)) } : [],
    ];

    /// <summary>The column headers of a period (or overall) table.</summary>
    public static List<string> PeriodHeaders(SummaryResult r, IReadOnlyList<string> metrics, bool withStart)
    {
        var headers = new List<string>();
        if (withStart) headers.Add("start");
        headers.AddRange(["version", "rows", "labeled"]);
        if (r.Task == ModelTask.Binary) headers.Add("positive_rate");
        headers.Add(MeanLabel(r.Task));
        headers.AddRange(metrics);
        return headers;
    }

    /// <summary>The cells of one row of a period table (<see cref="PeriodHeaders"/>), for the console and Markdown.</summary>
    public static string[] PeriodCells(SummaryResult r, PeriodSummary p, IReadOnlyList<string> metrics, bool withStart)
    {
        var cells = new List<string>();
        if (withStart) cells.Add(p.Start is { } s ? PeriodStart(s, r.Period) : "all");
        cells.Add(p.ModelVersion ?? Dash);
        cells.Add(Count(p.Rows));
        cells.Add(Count(p.Labeled));
        if (r.Task == ModelTask.Binary) cells.Add(Percent(p.PositiveRate));
        cells.Add(Num(p.MeanScore));
        foreach (var m in metrics) cells.Add(Num(MetricOf(p.Metrics, m)));
        return [.. cells];
    }

    /// <summary>One line cut to <paramref name="width"/> characters, its last one "…" when anything was cut.</summary>
    public static string Cut(string line, int width) =>
        line.Length <= width ? line : width <= 0 ? "" : line[..(width - 1)] + "…";
}
