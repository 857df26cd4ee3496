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
            var t = NewTable("Confusion" + (r.Threshold is { } th ? " at " + Fmt.Short(th) : ""), ["", "predicted positive", "predicted negative"], 1);
            t.AddRow(Cell("actual positive"), Cell("TP " + Fmt.Count(cm.Tp)), Cell("FN " + Fmt.Count(cm.Fn)));
            t.AddRow(Cell("actual negative"), Cell("FP " + Fmt.Count(cm.Fp)), Cell("TN " + Fmt.Count(cm.Tn)));
            c.Write(t);
        }
        if (r.BestThresholds is { Count: > 0 } best)
        {
            var t = NewTable("Best thresholds", ["criterion", "threshold", "value", "TP", "FP", "TN", "FN"], 1);
            foreach (var b in best)
                t.AddRow(Cell(b.Criterion), Cell(Fmt.Short(b.Threshold)), Cell(Fmt.Num(b.Value)), Cell(Fmt.Count(b.Confusion.Tp)),
                    Cell(Fmt.Count(b.Confusion.Fp)), Cell(Fmt.Count(b.Confusion.Tn)), Cell(Fmt.Count(b.Confusion.Fn)));
            c.Write(t);
        }
        if (r.ThresholdTable is { Count: > 0 } table)
        {
            var t = NewTable("Thresholds", ["threshold", "precision", "recall", "f1", "fpr", "accuracy", "predicted +"], 0);
            foreach (var row in Thin(table, MaxThresholdRows))
                t.AddRow(Cell(Fmt.Short(row.Threshold)), Cell(Fmt.Num(row.Precision)), Cell(Fmt.Num(row.Recall)), Cell(Fmt.Num(row.F1)),
                    Cell(Fmt.Num(row.Fpr)), Cell(Fmt.Num(row.Accuracy)), Cell(Fmt.Count(row.Confusion.Tp + row.Confusion.Fp)));
            c.Write(t);
        }
        if (r.Multiclass is { } mc)
        {
            var t = NewTable("Confusion matrix (rows: actual, columns: predicted)", ["actual \\ predicted", .. mc.Classes], 1);
            for (int i = 0; i < mc.Matrix.Count; i++)
                t.AddRow([Cell(i < mc.Classes.Count ? mc.Classes[i] : "?"), .. mc.Matrix[i].Select(n => Cell(Fmt.Count(n)))]);
            c.Write(t);
            var pc = NewTable("Per class", ["class", "support", "precision", "recall", "f1", "roc_auc"], 1);
            foreach (var m in mc.PerClass)
                pc.AddRow(Cell(m.Label), Cell(Fmt.Count(m.Support)), Cell(Fmt.Num(m.Precision)), Cell(Fmt.Num(m.Recall)), Cell(Fmt.Num(m.F1)), Cell(Fmt.Num(m.RocAuc)));
            c.Write(pc);
        }
        if (r.Residuals is { } res)
            c.WriteLine($"Residuals: {Fmt.Count(res.Sample.Count)} sampled points, {Fmt.Count(res.Histogram.Count)} histogram bins (charts in the HTML report).");
    }

    private static void Segments(ModelTask task, IReadOnlyList<SegmentEvaluation> segments, IAnsiConsole c)
    {
        var keys = Fmt.SegmentKeys(segments);
        var metrics = Fmt.KeyMetrics(task, segments.Select(s => s.Result.Metrics));
        var t = NewTable("Segments", [.. keys, "rows", .. metrics], keys.Count);
        foreach (var s in segments)
        {
            var cells = new List<IRenderable>();
            foreach (var k in keys) cells.Add(Cell(s.Key.TryGetValue(k, out var v) ? v ?? "(null)" : ""));
            cells.Add(Cell(Fmt.Count(s.Result.Rows)));
            foreach (var m in metrics) cells.Add(Cell(Fmt.Num(Fmt.MetricOf(s.Result.Metrics, m))));
            t.AddRow(cells);
        }
        c.Write(t);
    }

    public static void Write(SummaryResult r, IAnsiConsole c)
    {
        Header(c, "Vigil summary", Fmt.Facts(r));

        var metrics = Fmt.PeriodMetrics(r.Task, r.Periods.Concat(r.Overall).Select(p => p.Metrics));
        if (r.Overall.Count > 0)
        {
            c.Write(PeriodTable("Overall", r, r.Overall, metrics, withStart: false));
            MetricNotes(c, r.Overall.SelectMany(p => p.Metrics));
        }
        if (r.Periods.Count > 0)
        {
            c.Write(PeriodTable("Per " + Fmt.Period(r.Period), r, r.Periods, metrics, withStart: true));
            MetricNotes(c, r.Periods.SelectMany(p => p.Metrics.Where(m => metrics.Contains(m.Name))));
        }

        if (r.Quality.Issues.Count > 0)
        {
            var t = NewTable("Data quality", ["severity", "check", "rows", "column / period", "message", "examples"], 0);
            foreach (var i in Fmt.BySeverity(r.Quality.Issues))
            {
                string where = string.Join(" ", new[] { i.Column, i.Period is { } p ? Fmt.PeriodStart(p, r.Period) : null }.Where(s => s is not null));
                t.AddRow(Cell(Fmt.Severity(i.Severity).ToUpperInvariant()), Cell(i.Check), Cell(Fmt.Count(i.Rows)), Cell(where), Cell(i.Message), Cell(string.Join(", ", i.Examples)));
            }
            c.Write(t);
        }
        if (r.Quality.Columns.Count > 0)
        {
            var t = NewTable("Columns", ["column", "type", "role", "nulls", "null rate", "distinct", "constant"], 3);
            foreach (var col in r.Quality.Columns)
                t.AddRow(Cell(col.Name), Cell(col.Type), Cell(col.Role), Cell(Fmt.Count(col.Nulls)), Cell(Fmt.Percent(col.NullRate)), Cell(Fmt.Count(col.Distinct)), Cell(col.Constant ? "yes" : "no"));
            c.Write(t);
        }
        c.WriteLine();
        c.WriteLine(Fmt.Verdict(r));
    }

    private static Table PeriodTable(string title, SummaryResult r, IReadOnlyList<PeriodSummary> periods, IReadOnlyList<string> metrics, bool withStart)
    {
        bool binary = r.Task == ModelTask.Binary;
        var headers = Fmt.PeriodHeaders(r, metrics, withStart);
        var t = NewTable(title, headers, withStart ? 2 : 1);
        foreach (var p in periods)
        {
            var cells = new List<IRenderable>();
            if (withStart) cells.Add(Cell(p.Start is { } s ? Fmt.PeriodStart(s, r.Period) : "all"));
            cells.Add(Cell(p.ModelVersion ?? Fmt.Dash));
            cells.Add(Cell(Fmt.Count(p.Rows)));
            cells.Add(Cell(Fmt.Count(p.Labeled)));
            if (binary) cells.Add(Cell(Fmt.Percent(p.PositiveRate)));
            cells.Add(Cell(Fmt.Num(p.MeanScore)));
            foreach (var m in metrics) cells.Add(Cell(Fmt.Num(Fmt.MetricOf(p.Metrics, m))));
            t.AddRow(cells);
        }
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
        var t = NewTable(title, ["metric", "value"], 1);
        var notes = new List<string>();
        foreach (var m in metrics)
        {
            string value = Fmt.Num(m.Value);
            if (m.Note is not null)
            {
                notes.Add($"[{notes.Count + 1}] {m.Name}: {(m.Value is null ? "undefined, " : "")}{m.Note}");
                value += $" [{notes.Count}]";
            }
            t.AddRow(Cell(m.Name), Cell(value));
        }
        c.Write(t);
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

    /// <summary>A table whose first <paramref name="leftColumns"/> columns are left-aligned text and the rest right-aligned numbers.</summary>
    internal static Table NewTable(string title, IReadOnlyList<string> headers, int leftColumns)
    {
        var t = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(title)) };
        for (int i = 0; i < headers.Count; i++)
        {
            var col = new TableColumn(new SText(headers[i]));
            if (i >= leftColumns && leftColumns > 0) col.RightAligned();
            t.AddColumn(col);
        }
        return t;
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
