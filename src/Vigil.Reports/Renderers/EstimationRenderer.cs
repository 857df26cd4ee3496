using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil estimate</c>'s report.</summary>
internal sealed class EstimationRenderer : IReportRenderer<EstimationResult>
{
    public void Console(EstimationResult result, IAnsiConsole console) => EstimationReport.Write(result, console);

    public string Html(EstimationResult result) => EstimationHtml.Render(result);

    public string Markdown(EstimationResult result) => EstimationReport.ToMarkdown(result);
}
