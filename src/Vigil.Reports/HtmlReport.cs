using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports;

/// <summary>Renders results as one self-contained HTML file on the shared template (<see cref="ReportPage"/>): inline
/// CSS, inline SVG charts, no scripts, no external resources. Charts carry <c>class="chart" data-chart="…"</c>, tables
/// <c>data-table="…"</c>. One renderer per result: Html/SummaryHtml.cs, Html/EvaluationHtml.cs, DriftReport.Html.cs.</summary>
internal static class HtmlReport
{
    public static string ToHtml(EvaluationResult r) => EvaluationHtml.Render(r);

    public static string ToHtml(SummaryResult r) => SummaryHtml.Render(r);

    public static string ToHtml(DriftResult r) => DriftReport.ToHtml(r);
}
