using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil summary</c>'s report.</summary>
internal sealed class SummaryRenderer : IReportRenderer<SummaryResult>
{
    public void Console(SummaryResult result, IAnsiConsole console) => ConsoleReport.Write(result, console);

    public string Html(SummaryResult result) => HtmlReport.ToHtml(result);

    public string Markdown(SummaryResult result) => MarkdownReport.ToMarkdown(result);
}
