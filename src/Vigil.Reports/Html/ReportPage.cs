using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;

namespace Vigil.Reports.Html;

/// <summary>The one page template of every HTML report: a header (title and facts), a coloured verdict box first, a
/// table of contents when the page is long, the sections (findings before detail), and a footer. One stylesheet for
/// all reports, inline; no scripts, no external resources. Sections are appended in reading order; the template only
/// lays them out.</summary>
internal sealed class ReportPage
{
    /// <summary>Pages with at least this many sections get a table of contents.</summary>
    public const int TocFrom = 4;

    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1d1f;background:#fff;max-width:1180px;margin:0 auto;padding:20px 24px}
        header h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}h3{font-size:15px;margin:14px 0 4px}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dl.facts dt{font-weight:600;color:#555}dl.facts dd{margin:0;word-break:break-word}
        .verdict{margin:16px 0 10px;padding:10px 14px;border-left:6px solid #2e7d32;background:#eef7ef;border-radius:4px}
        .verdict .headline{font-weight:650;font-size:15px;margin:0}.verdict ul{margin:6px 0 0;padding-left:20px}
        .verdict.level-warning{border-color:#b26a00;background:#fff6e5}.verdict.level-error{border-color:#c62828;background:#fdecea}.verdict.level-info{border-color:#0072b2;background:#f4f8fb}
        nav.toc{font-size:13px;margin:4px 0 8px}nav.toc ol{margin:0;padding:0;list-style:none;display:flex;flex-wrap:wrap;gap:4px 16px}nav.toc a{color:#0060a0;text-decoration:none}
        table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;vertical-align:top}
        th{background:#f4f5f7;text-align:left;white-space:nowrap}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}td.nowrap{white-space:nowrap}
        tr.in-use td{background:#fff3c4;font-weight:600}td.undefined{color:#888}.note{color:#666;font-size:12px}td.drift{color:#c62828;font-weight:700}
        .cards{display:flex;flex-wrap:wrap;gap:10px;margin:8px 0 6px}.card{border:1px solid #ddd;border-radius:6px;padding:6px 12px;min-width:120px}
        .card .label{font-size:12px;color:#555}.card .value{font-size:20px;font-weight:650;font-variant-numeric:tabular-nums}.card .sub{font-size:11px;color:#777}
        .charts{display:flex;flex-wrap:wrap;gap:12px}svg.chart{border:1px solid #e5e5e5;border-radius:4px;background:#fff;max-width:100%;height:auto}
        .badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;color:#fff;white-space:nowrap}
        .badge.sev-error{background:#c62828}.badge.sev-warning{background:#b26a00}.badge.sev-info{background:#0072b2}.badge.drift{background:#c62828}.badge.ok{background:#2e7d32}
        section.column{display:inline-block;vertical-align:top;width:570px;margin:0 12px 12px 0}section.column p{font-size:12px;margin:2px 0 4px;color:#444}
        table.heatmap td{min-width:44px}footer{margin-top:30px;color:#888;font-size:12px;border-top:1px solid #eee;padding-top:8px}
        """;

    private readonly string _kind;
    private readonly string _title;
    private readonly string _pageTitle;
    private readonly List<(string Key, string Value)> _facts = [];
    private readonly List<(string Id, string Title, string Html)> _sections = [];
    private string _verdict = "";
    private string _level = "info";
    private IReadOnlyList<string> _points = [];

    /// <param name="kind">"summary", "evaluation" or "drift" (the body's data-report).</param>
    /// <param name="title">The visible title ("Vigil summary").</param>
    /// <param name="pageTitle">The document's title (the tab).</param>
    public ReportPage(string kind, string title, string pageTitle)
    {
        _kind = kind;
        _title = title;
        _pageTitle = pageTitle;
    }

    public ReportPage Facts(IEnumerable<(string Key, string Value)> facts)
    {
        _facts.AddRange(facts);
        return this;
    }

    /// <summary>The verdict: one headline and up to a few supporting points. Level: "ok", "info", "warning" or "error".</summary>
    public ReportPage Verdict(string headline, string level, IEnumerable<string>? points = null)
    {
        _verdict = headline;
        _level = level;
        _points = points?.ToList() ?? [];
        return this;
    }

    /// <summary>Appends a section (in reading order) whose body <paramref name="write"/> writes.</summary>
    public ReportPage Section(string id, string title, Action<StringBuilder> write)
    {
        var sb = new StringBuilder();
        write(sb);
        _sections.Add((id, title, sb.ToString()));
        return this;
    }

    public string Render()
    {
        var sb = new StringBuilder(64 * 1024);
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
          .Append("<title>").Append(E(_pageTitle)).Append("</title><style>").Append(Css).Append("</style></head><body data-report=\"").Append(E(_kind)).Append("\">\n");
        sb.Append("<header><h1>").Append(E(_title)).Append("</h1><dl class=\"facts\">");
        foreach (var (k, v) in _facts) sb.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd>");
        sb.Append("</dl></header>\n");
        sb.Append("<div class=\"verdict level-").Append(E(_level)).Append("\" id=\"verdict\" role=\"status\" data-level=\"").Append(E(_level)).Append("\">")
          .Append("<p class=\"headline\">").Append(E(_verdict)).Append("</p>");
        if (_points.Count > 0)
        {
            sb.Append("<ul>");
            foreach (var p in _points) sb.Append("<li>").Append(E(p)).Append("</li>");
            sb.Append("</ul>");
        }
        sb.Append("</div>\n");
        if (_sections.Count >= TocFrom)
        {
            sb.Append("<nav class=\"toc\" aria-label=\"Contents\"><ol>");
            foreach (var (id, title, _) in _sections) sb.Append("<li><a href=\"#").Append(E(id)).Append("\">").Append(E(title)).Append("</a></li>");
            sb.Append("</ol></nav>\n");
        }
        foreach (var (id, title, html) in _sections)
            sb.Append("<section id=\"").Append(E(id)).Append("\"><h2>").Append(E(title)).Append("</h2>").Append(html).Append("</section>\n");
        sb.Append("<footer>Generated by Vigil. Self-contained report: no scripts, no external resources.</footer></body></html>\n");
        return sb.ToString();
    }

    // ---------------- shared pieces ----------------

    public static string E(string? s) => Xml.Escape(s);

    public static void Num(StringBuilder sb, string s) => sb.Append("<td class=\"num\">").Append(E(s)).Append("</td>");

    /// <summary>A table whose first <paramref name="leftColumns"/> columns are text and the rest numbers (right-aligned).
    /// <paramref name="rowClass"/> may mark rows (e.g. "in-use").</summary>
    public static void Table(StringBuilder sb, string name, IReadOnlyList<string> headers, int leftColumns, IEnumerable<IReadOnlyList<string>> rows,
        Func<int, string?>? rowClass = null)
    {
        sb.Append("<table data-table=\"").Append(E(name)).Append("\"><thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        var index = 0;
        foreach (var row in rows)
        {
            var css = rowClass?.Invoke(index++);
            sb.Append(css is null ? "<tr>" : $"<tr class=\"{E(css)}\">");
            for (int i = 0; i < headers.Count; i++)
            {
                string cell = i < row.Count ? row[i] : "";
                sb.Append(i >= leftColumns ? "<td class=\"num\">" : "<td>").Append(E(cell)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    /// <summary>Findings as a table with severity badges, errors first. <paramref name="period"/> formats a finding's
    /// period (null: no period column).</summary>
    public static void Findings(StringBuilder sb, IReadOnlyList<QualityIssue> issues, Func<DateTime, string>? period)
    {
        if (issues.Count == 0)
        {
            sb.Append("<p class=\"no-findings\">No findings.</p>");
            return;
        }
        bool columns = issues.Any(i => i.Column is not null), examples = issues.Any(i => i.Examples.Count > 0);
        bool periods = period is not null && issues.Any(i => i.Period is not null);
        sb.Append("<table data-table=\"quality\"><thead><tr><th>severity</th><th>check</th><th>rows</th>");
        if (columns) sb.Append("<th>column</th>");
        if (periods) sb.Append("<th>period</th>");
        sb.Append("<th>message</th>");
        if (examples) sb.Append("<th>examples</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var i in Fmt.BySeverity(issues))
        {
            string sev = Fmt.Severity(i.Severity);
            sb.Append("<tr class=\"sev-").Append(sev).Append("\" data-check=\"").Append(E(i.Check)).Append("\" data-severity=\"").Append(sev).Append("\">")
              .Append("<td><span class=\"badge sev-").Append(sev).Append("\">").Append(sev).Append("</span></td>")
              .Append("<td>").Append(E(i.Check)).Append("</td><td class=\"num\">").Append(E(Fmt.Count(i.Rows))).Append("</td>");
            if (columns) sb.Append("<td>").Append(E(i.Column)).Append("</td>");
            if (periods) sb.Append("<td class=\"nowrap\">").Append(i.Period is { } p ? E(period!(p)) : "").Append("</td>");
            sb.Append("<td>").Append(E(i.Message)).Append("</td>");
            if (examples) sb.Append("<td>").Append(E(string.Join(", ", i.Examples))).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    /// <summary>A row of headline numbers: label, value and an optional line under it.</summary>
    public static void Cards(StringBuilder sb, IEnumerable<(string Key, string Label, string Value, string? Sub)> cards)
    {
        sb.Append("<div class=\"cards\">");
        foreach (var (key, label, value, sub) in cards)
        {
            sb.Append("<div class=\"card\" data-metric=\"").Append(E(key)).Append("\"><div class=\"label\">").Append(E(label)).Append("</div><div class=\"value\">")
              .Append(E(value)).Append("</div>");
            if (sub is not null) sb.Append("<div class=\"sub\">").Append(E(sub)).Append("</div>");
            sb.Append("</div>");
        }
        sb.Append("</div>");
    }

    /// <summary>The verdict level of a list of findings: error, warning, else ok.</summary>
    public static string Level(IEnumerable<QualityIssue> issues)
    {
        var max = issues.Select(i => (Severity?)i.Severity).DefaultIfEmpty(null).Max();
        return max switch { Severity.Error => "error", Severity.Warning => "warning", _ => "ok" };
    }
}
