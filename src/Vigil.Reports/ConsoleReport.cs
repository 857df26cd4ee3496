using Spectre.Console;
using Spectre.Console.Rendering;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;
using SText = Spectre.Console.Text;

namespace Vigil.Reports;

/// <summary>Renders results as Spectre.Console tables. User-provided text is never parsed as markup.</summary>
internal static class ConsoleReport
{
    /// <summary>At most this many rows of the threshold table are shown (evenly spaced, first and last kept).</summary>
    public const int MaxThresholdRows = 21;

    public static void Write(EvaluationResult r, IAnsiConsole c)
    {
        Header(c, "Vigil evaluation", Fmt.Facts(r));
        Body(r, c);
        if (r.Segments is { Count: > 0 } segments) Segments(r.Task, segments, c);
    }

    private static void Body(EvaluationResult r, IAnsiConsole c)
    {
        MetricsTable(c, "Metrics", r.Metrics);
        if (r.Confusion is { } cm)
        {
            var t = new ConsoleTable("Confusion" + (r.Threshold is { } th ? " at " + Fmt.Short(th) : ""))
                .Column("", ColumnKind.Word).Column("predicted positive", ColumnKind.Number).Column("predicted negative", ColumnKind.Number);
            t.Row("actual positive", "TP " + Fmt.Count(cm.Tp), "FN " + Fmt.Count(cm.Fn));
            t.Row("actual negative", "FP " + Fmt.Count(cm.Fp), "TN " + Fmt.Count(cm.Tn));
            t.Write(c);
        }
        if (r.BestThresholds is { Count: > 0 } best)
        {
            var t = Numbers(new ConsoleTable("Best thresholds").Column("criterion", ColumnKind.Key), "threshold", "value", "TP", "FP", "TN", "FN");
            foreach (var b in best)
                t.Row(b.Criterion, Fmt.Short(b.Threshold), Fmt.Num(b.Value), Fmt.Count(b.Confusion.Tp),
                    Fmt.Count(b.Confusion.Fp), Fmt.Count(b.Confusion.Tn), Fmt.Count(b.Confusion.Fn));
            t.Write(c);
        }
        if (r.ThresholdTable is { Count: > 0 } table)
        {
            var t = Numbers(new ConsoleTable("Thresholds"), "threshold", "precision", "recall", "f1", "fpr", "accuracy", "predicted +");
            foreach (var row in Thin(table, MaxThresholdRows))
                t.Row(Fmt.Short(row.Threshold), Fmt.Num(row.Precision), Fmt.Num(row.Recall), Fmt.Num(row.F1),
                    Fmt.Num(row.Fpr), Fmt.Num(row.Accuracy), Fmt.Count(row.Confusion.Tp + row.Confusion.Fp));
            t.Write(c);
        }
        if (r.Multiclass is { } mc)
        {
            var t = Numbers(new ConsoleTable("Confusion matrix (rows: actual, columns: predicted)").Column("actual \\ predicted", ColumnKind.Key), [.. mc.Classes]);
            for (int i = 0; i < mc.Matrix.Count; i++)
                t.Row([i < mc.Classes.Count ? mc.Classes[i] : "?", .. mc.Matrix[i].Select(n => Fmt.Count(n))]);
            t.Write(c);
            var pc = Numbers(new ConsoleTable("Per class").Column("class", ColumnKind.Key), "support", "precision", "recall", "f1", "roc_auc");
            foreach (var m in mc.PerClass)
                pc.Row(m.Label, Fmt.Count(m.Support), Fmt.Num(m.Precision), Fmt.Num(m.Recall), Fmt.Num(m.F1), Fmt.Num(m.RocAuc));
            pc.Write(c);
        }
        if (r.Residuals is { } res)
            c.WriteLine($"Residuals: {Fmt.Count(res.Sample.Count)} sampled points, {Fmt.Count(res.Histogram.Count)} histogram bins (charts in the HTML report).");
    }

    private static void Segments(ModelTask task, IReadOnlyList<SegmentEvaluation> segments, IAnsiConsole c)
    {
        var keys = Fmt.SegmentKeys(segments);
        var metrics = Fmt.KeyMetrics(task, segments.Select(s => s.Result.Metrics));
        var t = new ConsoleTable("Segments");
        foreach (var k in keys) t.Column(k, ColumnKind.Key);
        Numbers(t, ["rows", .. metrics]);
        foreach (var s in segments)
        {
            var cells = new List<string>();
            foreach (var k in keys) cells.Add(s.Key.TryGetValue(k, out var v) ? v ?? "(null)" : "");
            cells.Add(Fmt.Count(s.Result.Rows));
            foreach (var m in metrics) cells.Add(Fmt.Num(Fmt.MetricOf(s.Result.Metrics, m)));
            t.Row([.. cells]);
        }
        t.Write(c);
    }

    public static void Write(SummaryResult r, IAnsiConsole c)
    {
        Header(c, "Vigil summary", Fmt.Facts(r));

        // The verdict and the findings first, the detail after; the verdict again last, where a terminal leaves it.
        c.WriteLine(Fmt.Verdict(r));
        c.WriteLine();
        if (r.Quality.Issues.Count > 0)
        {
            var t = new ConsoleTable("Data quality")
                .Column("severity", ColumnKind.Word).Column("check", ColumnKind.Key).Column("rows", ColumnKind.Number)
                .Column("column / period", ColumnKind.Key).Column("message", ColumnKind.Wrap).Column("examples", ColumnKind.Long, optional: true);
            foreach (var i in Fmt.BySeverity(r.Quality.Issues))
            {
                string where = string.Join(" ", new[] { i.Column, i.Period is { } p ? Fmt.PeriodStart(p, r.Period) : null }.Where(s => s is not null));
                t.Row(Fmt.Severity(i.Severity).ToUpperInvariant(), i.Check, Fmt.Count(i.Rows), where, i.Message, string.Join(", ", i.Examples));
            }
            t.Write(c);
        }
        var metrics = Fmt.PeriodMetrics(r.Task, r.Periods.Concat(r.Overall).Select(p => p.Metrics));
        if (r.Overall.Count > 0)
        {
            PeriodTable("Overall", r, r.Overall, metrics, withStart: false).Write(c);
            MetricNotes(c, r.Overall.SelectMany(p => p.Metrics));
        }
        if (r.Periods.Count > 0)
        {
            PeriodTable("Per " + Fmt.Period(r.Period), r, r.Periods, metrics, withStart: true).Write(c);
            MetricNotes(c, r.Periods.SelectMany(p => p.Metrics.Where(m => metrics.Contains(m.Name))));
        }

        if (r.Quality.Columns.Count > 0)
        {
            // Distinct counts are shown only when the summary computed them (as the HTML report does).
            bool distinct = r.Quality.Columns.Any(col => col.Distinct is not null);
            var t = new ConsoleTable("Columns").Column("column", ColumnKind.Key).Column("type", ColumnKind.Long).Column("role", ColumnKind.Word);
            (distinct ? Numbers(t, "nulls", "null rate", "distinct") : Numbers(t, "nulls", "null rate")).Column("constant", ColumnKind.Word);
            foreach (var col in r.Quality.Columns)
                t.Row([col.Name, col.Type, col.Role, Fmt.Count(col.Nulls), Fmt.Percent(col.NullRate), .. distinct ? new[] { Fmt.Count(col.Distinct) } : [], col.Constant ? "yes" : "no"]);
            t.Write(c);
        }
        c.WriteLine();
        c.WriteLine(Fmt.Verdict(r));
    }

    private static ConsoleTable PeriodTable(string title, SummaryResult r, IReadOnlyList<PeriodSummary> periods, IReadOnlyList<string> metrics, bool withStart)
    {
        var headers = Fmt.PeriodHeaders(r, metrics, withStart);
        int left = withStart ? 2 : 1;
        var t = new ConsoleTable(title);
        for (int i = 0; i < headers.Count; i++)
            t.Column(headers[i], i == 0 && withStart ? ColumnKind.Word : i < left ? ColumnKind.Key : ColumnKind.Number);
        foreach (var p in periods) t.Row(Fmt.PeriodCells(r, p, metrics, withStart));
        return t;
    }

    /// <summary>Adds right-aligned number columns.</summary>
    internal static ConsoleTable Numbers(ConsoleTable t, params string[] headers)
    {
        foreach (var h in headers) t.Column(h, ColumnKind.Number);
        return t;
    }

    /// <summary>The distinct reasons of undefined metrics under a table: "— roc_auc (3×): only one class in the labels".</summary>
    private static void MetricNotes(IAnsiConsole c, IEnumerable<MetricValue> metrics)
    {
        var reasons = metrics.Where(m => m.Value is null)
            .GroupBy(m => (m.Name, Reason: m.Note ?? "undefined"))
            .Select(g => $"{Fmt.Dash} {g.Key.Name}" + (g.Count() > 1 ? $" ({g.Count()}×)" : "") + ": " + g.Key.Reason);
        foreach (var line in reasons) c.WriteLine(line);
    }

    private static void MetricsTable(IAnsiConsole c, string title, IReadOnlyList<MetricValue> metrics)
    {
        var t = new ConsoleTable(title).Column("metric", ColumnKind.Key).Column("value", ColumnKind.Number);
        var notes = new List<string>();
        foreach (var m in metrics)
        {
            string value = Fmt.Num(m.Value);
            if (m.Note is not null)
            {
                notes.Add($"[{notes.Count + 1}] {m.Name}: {(m.Value is null ? "undefined, " : "")}{m.Note}");
                value += $" [{notes.Count}]";
            }
            t.Row(m.Name, value);
        }
        t.Write(c);
        foreach (var n in notes) c.WriteLine(n);
    }

    internal static void Header(IAnsiConsole c, string title, IEnumerable<(string Key, string Value)> rows)
    {
        c.Write(new Rule(Markup.Escape(title)) { Justification = Justify.Left });
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (k, v) in rows) grid.AddRow(new SText(k, new Style(decoration: Decoration.Bold)), Cell(v));
        c.Write(grid);
        c.WriteLine();
    }

    private static SText Cell(string s) => new(s);

    /// <summary>At most <paramref name="max"/> rows, evenly spaced, keeping the first and the last.</summary>
    private static IEnumerable<T> Thin<T>(IReadOnlyList<T> rows, int max)
    {
        if (rows.Count <= max)
        {
            foreach (var r in rows) yield return r;
            yield break;
        }
        int last = -1;
        for (int k = 0; k < max; k++)
        {
            int i = (int)Math.Round(k * (rows.Count - 1) / (double)(max - 1));
            if (i != last) yield return rows[i];
            last = i;
        }
    }
}
