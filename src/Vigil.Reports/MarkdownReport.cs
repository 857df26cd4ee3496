using System.Text;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;

namespace Vigil.Reports;

/// <summary>Renders results as GitHub-flavoured Markdown: headings, bullet facts and pipe tables. No charts
/// (a note points to the HTML report). Cells escape | and HTML-significant characters and flatten newlines.</summary>
internal static class MarkdownReport
{
    public const string ChartsNote = "> Charts are in the HTML report (`--format html`).";

    public static string ToMarkdown(EvaluationResult r)
    {
        var sb = new StringBuilder();
        sb.Append("# Vigil evaluation\n\n");
        foreach (var (key, value) in Fmt.Facts(r)) Fact(sb, key, value);
        sb.Append("\n**Verdict:** ").Append(Cell(Fmt.Verdict(r))).Append("\n\n");
        var warning = r.Findings.Any(f => f.Check == "threshold_far_from_best") ? null : Fmt.ThresholdWarning(r);
        if (r.Findings.Count > 0 || warning is not null)
        {
            sb.Append("## Findings\n\n");
            if (warning is not null) sb.Append("- **warning:** ").Append(Cell(warning)).Append("\n\n");
            if (r.Findings.Count > 0) Findings(sb, r.Findings, null);
        }
        Body(sb, r, "##");
        if (r.Segments is { Count: > 0 } segments)
        {
            var keys = Fmt.SegmentKeys(segments);
            var metrics = Fmt.KeyMetrics(r.Task, segments.Select(s => s.Result.Metrics));
            sb.Append("## Segments\n\n");
            Table(sb, [.. keys, "rows", .. metrics], keys.Count, segments.Select(s =>
                (IReadOnlyList<string>)[
                    .. keys.Select(k => s.Key.TryGetValue(k, out var v) ? v ?? "(null)" : ""),
                    Fmt.Count(s.Result.Rows),
                    .. metrics.Select(m => Fmt.Num(Fmt.MetricOf(s.Result.Metrics, m))),
                ]));
        }
        sb.Append(ChartsNote).Append('\n');
        return sb.ToString();
    }

    private static void Body(StringBuilder sb, EvaluationResult r, string h)
    {
        sb.Append(h).Append(" Metrics\n\n");
        Metrics(sb, r.Metrics);
        if (r.Confusion is { } c)
        {
            sb.Append(h).Append(" Confusion matrix\n\n");
            Table(sb, ["", "predicted positive", "predicted negative"], 1, [
                ["actual positive", "TP " + Fmt.Count(c.Tp), "FN " + Fmt.Count(c.Fn)],
                ["actual negative", "FP " + Fmt.Count(c.Fp), "TN " + Fmt.Count(c.Tn)],
            ]);
        }
        if (r.BestThresholds is { Count: > 0 } best)
        {
            sb.Append(h).Append(" Best thresholds\n\n");
            Table(sb, ["criterion", "threshold", "value", "TP", "FP", "TN", "FN"], 1, best.Select(b => (IReadOnlyList<string>)[
                b.Criterion, Fmt.Short(b.Threshold), Fmt.Num(b.Value), Fmt.Count(b.Confusion.Tp), Fmt.Count(b.Confusion.Fp), Fmt.Count(b.Confusion.Tn), Fmt.Count(b.Confusion.Fn)]));
        }
        if (r.ThresholdTable is { Count: > 0 } table)
        {
            sb.Append(h).Append(" Thresholds\n\n");
            int inUse = r.Threshold is { } t0 ? table.Select((t, i) => (Gap: Math.Abs(t.Threshold - t0), i)).OrderBy(x => x.Gap).First().i : -1;
            Table(sb, ["threshold", "precision", "recall", "f1", "fpr", "specificity", "accuracy"], 0, table.Select((t, i) => (IReadOnlyList<string>)[
                Fmt.Fixed4(t.Threshold) + (i == inUse ? " (in use)" : ""), Fmt.Fixed4(t.Precision), Fmt.Fixed4(t.Recall), Fmt.Fixed4(t.F1), Fmt.Fixed4(t.Fpr), Fmt.Fixed4(t.Specificity), Fmt.Fixed4(t.Accuracy)]));
        }
        if (r.Multiclass is { } mc)
        {
            sb.Append(h).Append(" Confusion matrix\n\nRows are actual classes, columns predicted classes.\n\n");
            Table(sb, ["actual \\ predicted", .. mc.Classes], 1, mc.Matrix.Select((row, i) => (IReadOnlyList<string>)[
                i < mc.Classes.Count ? mc.Classes[i] : "?", .. row.Select(n => Fmt.Count(n))]));
            sb.Append(h).Append(" Per class\n\n");
            Table(sb, ["class", "support", "precision", "recall", "f1", "roc_auc"], 1, mc.PerClass.Select(m => (IReadOnlyList<string>)[
                m.Label, Fmt.Count(m.Support), Fmt.Num(m.Precision), Fmt.Num(m.Recall), Fmt.Num(m.F1), Fmt.Num(m.RocAuc)]));
        }
        if (r.Residuals is { } res)
        {
            sb.Append(h).Append(" Residuals\n\nResidual = prediction − actual.\n\n");
            Table(sb, ["lower", "upper", "count"], 0, res.Histogram.Select(b => (IReadOnlyList<string>)[Fmt.Num(b.Lower), Fmt.Num(b.Upper), Fmt.Count(b.Count)]));
        }
    }

    public static string ToMarkdown(SummaryResult r)
    {
        var sb = new StringBuilder();
        sb.Append("# Vigil summary\n\n");
        foreach (var (key, value) in Fmt.Facts(r)) Fact(sb, key, value);
        sb.Append("\n**Verdict:** ").Append(Cell(Fmt.Verdict(r))).Append("\n\n");

        var metrics = Fmt.PeriodMetrics(r.Task, r.Periods.Concat(r.Overall).Select(p => p.Metrics));
        // Findings first: the verdict is about them.
        sb.Append("## Data quality findings\n\n");
        if (r.Quality.Issues.Count == 0) sb.Append("No findings.\n\n");
        else Findings(sb, r.Quality.Issues, p => Fmt.PeriodStart(p, r.Period));
        if (r.Overall.Count > 0)
        {
            sb.Append("## Overall\n\n");
            Periods(sb, r, r.Overall, metrics, withStart: false);
            if (Html.SummaryHtml.ThresholdNote(r, metrics) is { } note) sb.Append("> ").Append(Cell(note)).Append("\n\n");
        }
        if (r.Periods.Count > 0)
        {
            sb.Append("## Per ").Append(Fmt.Period(r.Period)).Append("\n\n");
            Periods(sb, r, r.Periods, metrics, withStart: true);
            var reasons = r.Periods.SelectMany(p => p.Metrics).Where(m => m.Value is null && metrics.Contains(m.Name))
                .GroupBy(m => (m.Name, Reason: m.Note ?? "undefined")).ToList();
            foreach (var g in reasons)
                sb.Append("- ").Append(Fmt.Dash).Append(' ').Append(Cell(g.Key.Name)).Append(" undefined in ").Append(Fmt.Plural(g.Count(), "period", "periods"))
                  .Append(": ").Append(Cell(g.Key.Reason)).Append('\n');
            if (reasons.Count > 0) sb.Append('\n');
        }
        if (r.Quality.Columns.Count > 0)
        {
            sb.Append("## Columns\n\n");
            // Distinct counts are not always computed: the column only when some are.
            bool distinct = r.Quality.Columns.Any(c => c.Distinct is not null);
            Table(sb, distinct ? ["column", "type", "role", "nulls", "null_rate", "distinct", "constant"] : ["column", "type", "role", "nulls", "null_rate", "constant"], 3,
                r.Quality.Columns.Select(c => (IReadOnlyList<string>)(distinct
                    ? [c.Name, c.Type, c.Role, Fmt.Count(c.Nulls), Fmt.Percent(c.NullRate), Fmt.Count(c.Distinct), c.Constant ? "yes" : "no"]
                    : [c.Name, c.Type, c.Role, Fmt.Count(c.Nulls), Fmt.Percent(c.NullRate), c.Constant ? "yes" : "no"])));
        }
        sb.Append(ChartsNote).Append('\n');
        return sb.ToString();
    }

    private static void Periods(StringBuilder sb, SummaryResult r, IReadOnlyList<PeriodSummary> periods, IReadOnlyList<string> metrics, bool withStart)
    {
        var headers = Fmt.PeriodHeaders(r, metrics, withStart);
        Table(sb, headers, withStart ? 2 : 1, periods.Select(p => (IReadOnlyList<string>)Fmt.PeriodCells(r, p, metrics, withStart)));
    }

    /// <summary>The metric table; the note column only when some metric has a note.</summary>
    private static void Metrics(StringBuilder sb, IReadOnlyList<MetricValue> metrics)
    {
        if (metrics.Any(m => m.Value is null || !string.IsNullOrEmpty(m.Note)))
            Table(sb, ["metric", "value", "note"], 1, metrics.Select(m => (IReadOnlyList<string>)[
                m.Name, Fmt.Num(m.Value), m.Value is null ? "undefined: " + (m.Note ?? "no reason given") : m.Note ?? ""]), rightTo: 2);
        else
            Table(sb, ["metric", "value"], 1, metrics.Select(m => (IReadOnlyList<string>)[m.Name, Fmt.Num(m.Value)]));
    }

    /// <summary>Findings, errors first; the column, period and examples columns only when some finding has them.</summary>
    private static void Findings(StringBuilder sb, IReadOnlyList<QualityIssue> issues, Func<DateTime, string>? period)
    {
        bool columns = issues.Any(i => i.Column is not null), examples = issues.Any(i => i.Examples.Count > 0);
        bool periods = period is not null && issues.Any(i => i.Period is not null);
        var headers = new List<string> { "severity", "check", "rows" };
        if (columns) headers.Add("column");
        if (periods) headers.Add("period");
        headers.Add("message");
        if (examples) headers.Add("examples");
        Table(sb, headers, 2, Fmt.BySeverity(issues).Select(i =>
        {
            var cells = new List<string> { Fmt.Severity(i.Severity), i.Check, Fmt.Count(i.Rows) };
            if (columns) cells.Add(i.Column ?? "");
            if (periods) cells.Add(i.Period is { } p ? period!(p) : "");
            cells.Add(i.Message);
            if (examples) cells.Add(string.Join(", ", i.Examples));
            return (IReadOnlyList<string>)cells;
        }), rightFrom: 2, rightTo: 3);
    }

    /// <summary>The opening every Markdown report shares: the title, the facts as a list, the verdict, and the findings
    /// as a list (when there are any).</summary>
    internal static void Opening(StringBuilder sb, string title, IEnumerable<(string Key, string Value)> facts, string verdict, IReadOnlyList<QualityIssue> findings)
    {
        sb.Append("# ").Append(title).Append("\n\n");
        foreach (var (k, v) in facts) sb.Append("- **").Append(Cell(k)).Append(":** ").Append(Cell(v)).Append('\n');
        sb.Append("\n**Verdict:** ").Append(Cell(verdict)).Append("\n\n");
        if (findings.Count == 0) return;
        sb.Append("## Findings\n\n");
        foreach (var f in Fmt.BySeverity(findings)) sb.Append("- **").Append(Fmt.Severity(f.Severity)).Append("** ").Append(f.Check).Append(": ").Append(Cell(f.Message)).Append('\n');
        sb.Append('\n');
    }

    private static void Fact(StringBuilder sb, string key, string value) =>
        sb.Append("- **").Append(key).Append(":** ").Append(Cell(value)).Append('\n');

    /// <summary>A pipe table; columns from <paramref name="rightFrom"/> (default: leftColumns) up to, not including,
    /// <paramref name="rightTo"/> (default: all) are right-aligned.</summary>
    internal static void Table(StringBuilder sb, IReadOnlyList<string> headers, int leftColumns, IEnumerable<IReadOnlyList<string>> rows, int? rightFrom = null, int? rightTo = null)
    {
        int from = rightFrom ?? leftColumns, to = rightTo ?? headers.Count;
        sb.Append('|');
        foreach (var h in headers) sb.Append(' ').Append(h.Length == 0 ? " " : Cell(h)).Append(" |");
        sb.Append("\n|");
        for (int i = 0; i < headers.Count; i++) sb.Append(i >= from && i < to ? " ---: |" : " --- |");
        sb.Append('\n');
        foreach (var row in rows)
        {
            sb.Append('|');
            for (int i = 0; i < headers.Count; i++) sb.Append(' ').Append(i < row.Count ? Cell(row[i]) : "").Append(" |");
            sb.Append('\n');
        }
        sb.Append('\n');
    }

    /// <summary>Escapes a table cell: | and \ are backslash-escaped, &amp; &lt; &gt; become entities (so names like
    /// &lt;script&gt; stay text), newlines become spaces.</summary>
    public static string Cell(string s)
    {
        var sb = new StringBuilder(s.Length + 8);
        foreach (char c in s)
        {
            switch (c)
            {
                case '|': sb.Append("\\|"); break;
                case '\\': sb.Append("\\\\"); break;
                case '&': sb.Append("&amp;"); break;
                case '<': sb.Append("&lt;"); break;
                case '>': sb.Append("&gt;"); break;
                case '\r': break;
                case '\n': sb.Append(' '); break;
                default: sb.Append(c); break;
            }
        }
        return sb.ToString();
    }
}
