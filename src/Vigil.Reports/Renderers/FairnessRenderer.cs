using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil fairness</c>' report.</summary>
internal sealed class FairnessRenderer : IReportRenderer<FairnessResult>
{
    public void Console(FairnessResult result, IAnsiConsole console) => FairnessReport.Write(result, console);

    public string Html(FairnessResult result) => FairnessHtml.Render(result);

    public string Markdown(FairnessResult result) => FairnessReport.ToMarkdown(result);
}
