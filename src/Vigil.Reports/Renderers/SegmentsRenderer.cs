using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil segments</c>' report.</summary>
internal sealed class SegmentsRenderer : IReportRenderer<SegmentsResult>
{
    public void Console(SegmentsResult result, IAnsiConsole console) => SegmentsReport.Write(result, console);

    public string Html(SegmentsResult result) => SegmentsHtml.Render(result);

    public string Markdown(SegmentsResult result) => SegmentsReport.ToMarkdown(result);
}
