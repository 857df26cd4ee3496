using Vigil.Analysis.Results;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The review's pass/fail page on the shared <see cref="ReportPage"/>.</summary>
internal static class ReviewHtml
{
    public static string Render(ReviewResult r)
    {
        var page = new ReportPage("review", "Vigil review", "Vigil review — " + r.Policy).Facts(ReviewReport.Facts(r));
        page.Verdict(ReviewReport.Verdict(r), ReviewReport.Level(r), r.Requirements.Where(q => !q.Passed).Take(3).Select(q => $"{q.Name}: {q.Evidence}"));
        page.Section("requirements", "Requirements", sb =>
            Requirements(sb, "requirements", ["", "requirement", "value", "limit", "evidence"], ReviewReport.Rows(r)));
        foreach (var (title, headers, rows) in ReviewReport.SegmentTables(r))
            page.Section("segments-" + headers[0], title, sb => Requirements(sb, "segments", headers, rows));
        if (r.SectionsToWrite.Count > 0)
            page.Section("card", "Model card", sb => sb.Append("<p>Still to write: ").Append(E(string.Join(", ", r.SectionsToWrite))).Append("</p>"));
        return page.Render();
    }

    /// <summary>A table whose "rows" and "value" columns are numbers (right-aligned) and the rest text; a PASS/FAIL
    /// (pass/FAIL) cell is a badge.</summary>
    public static void Requirements(System.Text.StringBuilder sb, string name, IReadOnlyList<string> headers, IEnumerable<string[]> rows)
    {
        sb.Append("<table data-table=\"").Append(E(name)).Append("\"><thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < headers.Count; i++)
            {
                var cell = i < row.Length ? row[i] : "";
                if (headers[i] is "rows" or "value") sb.Append("<td class=\"num\">").Append(E(cell)).Append("</td>");
                else if (cell is "PASS" or "pass") sb.Append("<td><span class=\"badge ok\">").Append(E(cell)).Append("</span></td>");
                else if (cell is "FAIL") sb.Append("<td><span class=\"badge sev-error\">FAIL</span></td>");
                else sb.Append("<td>").Append(E(cell)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }
}
