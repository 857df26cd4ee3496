using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports;

/// <summary>The drift report as one self-contained HTML page on the shared template (<see cref="ReportPage"/>): the
/// verdict, the columns, drift over time (per chunk and multivariate, as lines with their thresholds as bands), the
/// per-chunk table and each column's distributions.</summary>
internal static partial class DriftReport
{
    /// <summary>Columns drawn per chunk: the drifted ones (whole period or any chunk) first, at most this many.</summary>
    private const int ChunkColumnsDrawn = 6;

    public static string ToHtml(DriftResult r)
    {
        var page = new ReportPage("drift", "Vigil drift", "Vigil drift — " + r.Current.Description).Facts(Facts(r));
        var points = new List<string>();
        var drifted = r.Columns.Where(c => c.Drifted).ToList();
        if (drifted.Count > 0)
            points.Add("Drifted over the whole period: " + string.Join(", ", drifted.Select(c =>
                $"{c.Name} ({c.Method} {Fmt.Num(c.Result?.Statistic)}{(c.Result?.PValue is { } p ? ", p " + Fmt.PValue(p) : "")}; threshold {Fmt.Num(c.Result?.Threshold)})")) + ".");
        if (r.Chunks is { Count: > 0 } ch && ch.Any(c => c.Dataset.Drifted))
            points.Add("Chunks with dataset drift: " + string.Join(", ", ch.Where(c => c.Dataset.Drifted).Select(c => c.Key)) + ".");
        if (r.Multivariate is { } mvd && mvd.Chunks.Any(c => c.Drifted))
            points.Add(MultivariateLine(mvd) + ".");
        if (Concept(r) is { } concept) points.Add("Target and prediction: " + concept);
        page.Verdict(Verdict(r), r.Dataset.Drifted ? "error" : r.AnyDrift || r.Columns.Any(c => c.Drifted) ? "warning" : "ok", points);

        page.Section("columns", "Columns, most drifted first", sb =>
        {
            HtmlTable(sb, "columns", Headers, ColumnRows(r), numeric: [3, 4, 5], flag: 6);
            sb.Append("<p class=\"note\">p-value: for the methods that are tests; distances (wasserstein, jensenshannon, psi, …) have none (—).</p>");
            var approx = ApproximationLines(r).ToList();
            if (approx.Count > 0)
            {
                sb.Append("<h3>").Append(E(ApproximationTitle)).Append("</h3><ul class=\"approximations\">");
                foreach (var line in approx) sb.Append("<li>").Append(E(line)).Append("</li>");
                sb.Append("</ul>");
            }
        });
        if (r.Chunks is { Count: > 0 } chunks)
            page.Section("over-time", "Drift over time", sb =>
            {
                sb.Append("<p class=\"note\">").Append(E(ChunkTitle(r))).Append(". Shaded: the no-drift region; dashed red: the threshold; red dots: chunks that drifted.</p>");
                sb.Append("<div class=\"charts\">").Append(DriftCharts.ChunkShare(r, chunks));
                var columns = r.Columns.Where(c => c.Result is not null)
                    .OrderByDescending(c => c.Drifted || chunks.Any(k => k.Columns.Any(x => x.Name == c.Name && x.Drifted)))
                    .ThenByDescending(c => chunks.Count(k => k.Columns.Any(x => x.Name == c.Name && x.Drifted)))
                    .Take(ChunkColumnsDrawn).ToList();
                foreach (var c in columns) sb.Append(DriftCharts.ChunkColumn(r, chunks, c.Name));
                sb.Append("</div>");
            });
        if (r.Multivariate is { } mv)
            page.Section("multivariate", "Multivariate drift", sb =>
            {
                sb.Append("<p>").Append(E(MultivariateLine(mv))).Append(".</p>");
                if (mv.Chunks.Count > 0) sb.Append("<div class=\"charts\">").Append(DriftCharts.Multivariate(r, mv)).Append("</div>");
                HtmlTable(sb, "multivariate", MultivariateHeaders, MultivariateRows(mv), numeric: [1, 2], flag: 3);
            });
        if (r.Chunks is not null)
            page.Section("chunks", "Per chunk", sb =>
            {
                sb.Append("<p class=\"note\">").Append(E(ChunkTitle(r))).Append(".</p>");
                HtmlTable(sb, "chunks", ChunkHeaders, ChunkRows(r), numeric: [1, 3], flag: 4);
            });
        page.Section("distributions", "Distributions, most drifted first", sb =>
        {
            sb.Append("<p class=\"note\">Each chart shows the share of each side's values per bin or category. Numbers with many values are cut at the reference's quantiles and every bin is drawn equally wide, so a shift shows even in skewed data; the ECDF chart under it compares both distribution functions on that axis.</p>");
            foreach (var c in r.Columns)
            {
                sb.Append("<section class=\"column\" data-column=\"").Append(E(c.Name)).Append("\"><h3>").Append(E(c.Name)).Append(": ")
                  .Append(c.Result is null ? E("not tested: " + c.Note) : c.Drifted ? "<span class=\"badge drift\">drift</span>" : "<span class=\"badge ok\">no drift</span>")
                  .Append("</h3>");
                if (c.Result is { } res)
                    sb.Append("<p>").Append(E($"{res.Method}: statistic {Fmt.Num(res.Statistic)}" +
                        (res.PValue is { } p ? $", p-value {Fmt.PValue(p)}" : "") + $", threshold {Fmt.Num(res.Threshold)}; {c.Reason}")).Append("</p>");
                if (c.Distribution is { } d)
                {
                    sb.Append(DriftCharts.Distribution(c, d));
                    if (DriftCharts.Ecdf(c, d) is { } ecdf) sb.Append(ecdf);
                }
                sb.Append("</section>");
            }
        });
        return page.Render();
    }

    /// <summary>An HTML table: numbers right-aligned, a "DRIFT" cell in the flag column marked.</summary>
    private static void HtmlTable(StringBuilder sb, string name, IReadOnlyList<string> headers, IEnumerable<string[]> rows, int[] numeric, int flag)
    {
        sb.Append("<table class=\"").Append(name).Append("\" data-table=\"").Append(name).Append("\"><thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
                sb.Append(numeric.Contains(i) ? "<td class=\"num\">" : i == flag && row[i] == "DRIFT" ? "<td class=\"drift\">" : "<td>")
                  .Append(E(row[i])).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }
}
