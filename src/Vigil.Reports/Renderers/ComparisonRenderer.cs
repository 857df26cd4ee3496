using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil compare</c>'s report.</summary>
internal sealed class ComparisonRenderer : IReportRenderer<ComparisonResult>
{
    public void Console(ComparisonResult result, IAnsiConsole console) => ComparisonReport.Write(result, console);

    public string Html(ComparisonResult result) => ComparisonHtml.Render(result);

    public string Markdown(ComparisonResult result) => ComparisonReport.Markdown(result);
}
