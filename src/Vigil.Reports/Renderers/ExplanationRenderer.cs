using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil explain</c>'s report.</summary>
internal sealed class ExplanationRenderer : IReportRenderer<ExplanationResult>
{
    public void Console(ExplanationResult result, IAnsiConsole console) => ExplanationReport.Write(result, console);

    public string Html(ExplanationResult result) => ExplanationHtml.Render(result);

    public string Markdown(ExplanationResult result) => ExplanationReport.Markdown(result);
}
