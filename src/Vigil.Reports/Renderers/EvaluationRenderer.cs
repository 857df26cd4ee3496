using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil evaluate</c>'s report.</summary>
internal sealed class EvaluationRenderer : IReportRenderer<EvaluationResult>
{
    public void Console(EvaluationResult result, IAnsiConsole console) => ConsoleReport.Write(result, console);

    public string Html(EvaluationResult result) => HtmlReport.ToHtml(result);

    public string Markdown(EvaluationResult result) => MarkdownReport.ToMarkdown(result);
}
