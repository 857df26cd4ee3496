using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;
using SText = Spectre.Console.Text;

namespace Vigil.Reports;

/// <summary>The drift report as one self-contained HTML page.</summary>
internal static partial class DriftReport
{
    /// <summary>The two distributions as bars side by side in each bin (numbers) or category.</summary>
    private static string Chart(string name, Distribution d)
    {
        var n = d.Reference.Count;
        var labels = d.Labels;
        double X(int i) => d.Edges is { } e ? e[i] : i;
        var refBars = new List<Svg.Bar>();
        var curBars = new List<Svg.Bar>();
        for (var i = 0; i < n; i++)
        {
            double x0 = X(i), x1 = d.Edges is not null ? X(i + 1) : i + 1, mid = (x0 + x1) / 2;
            var what = labels is not null ? labels[i] : $"[{Fmt.Num(x0)}, {Fmt.Num(x1)}{(i == n - 1 ? "]" : ")")}";
            refBars.Add(new Svg.Bar(x0, mid, d.Reference[i], $"{what}: reference {Fmt.Percent(d.Reference[i])}"));
            curBars.Add(new Svg.Bar(mid, x1, d.Current[i], $"{what}: current {Fmt.Percent(d.Current[i])}"));
        }
        var plot = new Svg.SvgPlot("distribution", name)
        {
            Width = 560,
            Height = 240,
            YLabel = "share",
            YMin = 0,
            XLabel = labels is null ? name : null,
            XFormat = labels is null ? Svg.SvgPlot.DefaultFormat : v => v >= 0 && v < labels.Count && Math.Abs(v - Math.Round(v)) < 1e-9 ? labels[(int)v] : "",
            XMinStep = labels is null ? 0 : 1,
        };
        return plot.Bars("reference", refBars).Bars("current", curBars).Render();
    }

    /// <summary>An HTML table: numbers right-aligned, a "DRIFT" cell in the flag column marked.</summary>
    private static void HtmlTable(StringBuilder sb, string css, IReadOnlyList<string> headers, IEnumerable<string[]> rows, int[] numeric, int flag)
    {
        sb.Append("<table class=\"").Append(css).Append("\"><thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
                sb.Append(numeric.Contains(i) ? "<td class=\"n\">" : i == flag && row[i] == "DRIFT" ? "<td class=\"drift\">" : "<td>")
                  .Append(WebUtility.HtmlEncode(row[i])).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    // ---- HTML (one self-contained page) ----

    public static string ToHtml(DriftResult r)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vigil drift</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}")
          .Append("td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}td.n{text-align:right}")
          .Append(".drift{color:#b00020;font-weight:bold}.ok{color:#1b7f3b;font-weight:bold}section.column{display:inline-block;vertical-align:top;width:600px;margin-right:1rem}section.column h3{margin-bottom:.2rem}section.column p{font-size:.9rem;margin:.2rem 0}</style></head><body>")
          .Append("<h1>Vigil drift</h1><ul>");
        foreach (var (k, v) in Facts(r)) sb.Append("<li><b>").Append(E(k)).Append(":</b> ").Append(E(v)).Append("</li>");
        sb.Append("</ul><p class=\"").Append(r.Dataset.Drifted ? "drift" : "ok").Append("\">").Append(E(Verdict(r))).Append("</p>");
        if (Concept(r) is { } concept) sb.Append("<p class=\"concept\"><b>Target and prediction:</b> ").Append(E(concept)).Append("</p>");
        sb.Append("<h2>Columns, most drifted first</h2>");
        HtmlTable(sb, "columns", Headers, ColumnRows(r), numeric: [3, 4, 5], flag: 6);
        var approx = ApproximationLines(r).ToList();
        if (approx.Count > 0)
        {
            sb.Append("<h3>").Append(E(ApproximationTitle)).Append("</h3><ul class=\"approximations\">");
            foreach (var line in approx) sb.Append("<li>").Append(E(line)).Append("</li>");
            sb.Append("</ul>");
        }
        if (r.Chunks is not null)
        {
            sb.Append("<h2>").Append(E(ChunkTitle(r))).Append("</h2>");
            HtmlTable(sb, "chunks", ChunkHeaders, ChunkRows(r), numeric: [1, 3], flag: 4);
        }
        if (r.Multivariate is { } mv)
        {
            sb.Append("<h2>Multivariate drift</h2><p>").Append(E(MultivariateLine(mv))).Append("</p>");
            HtmlTable(sb, "multivariate", MultivariateHeaders, MultivariateRows(mv), numeric: [1, 2], flag: 3);
        }
        sb.Append("<h2>Distributions, most drifted first</h2><p>Each chart shows the share of each side's values per bin or category (see its legend).</p>");
        foreach (var c in r.Columns)
        {
            sb.Append("<section class=\"column\" data-column=\"").Append(E(c.Name)).Append("\"><h3>").Append(E(c.Name)).Append(": ")
              .Append(c.Result is null ? E("not tested: " + c.Note) : c.Drifted ? "<span class=\"drift\">drift</span>" : "<span class=\"ok\">no drift</span>")
              .Append("</h3>");
            if (c.Result is { } res)
                sb.Append("<p>").Append(E($"{res.Method}: statistic {Fmt.Num(res.Statistic)}" +
                    (DriftMethods.IsTest(res.Method) ? $", p-value {Fmt.Num(res.PValue)}" : "") + $", threshold {Fmt.Num(res.Threshold)}; {c.Reason}")).Append("</p>");
            if (c.Distribution is { } d) sb.Append(Chart(c.Name, d));
            sb.Append("</section>");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
