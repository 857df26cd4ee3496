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
            Table(sb, "requirements", ["", "requirement", "value", "limit", "evidence"], 2, ReviewReport.Rows(r).Select(x => (IReadOnlyList<string>)x)));
        foreach (var (title, headers, rows) in ReviewReport.SegmentTables(r))
            page.Section("segments-" + headers[0], title, sb => Table(sb, "segments", headers, 1, rows.Select(x => (IReadOnlyList<string>)x)));
        if (r.SectionsToWrite.Count > 0)
            page.Section("card", "Model card", sb => sb.Append("<p>Still to write: ").Append(E(string.Join(", ", r.SectionsToWrite))).Append("</p>"));
        return page.Render();
    }
}
