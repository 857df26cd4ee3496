using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil drift</c>'s report.</summary>
internal sealed class DriftRenderer : IReportRenderer<DriftResult>
{
    public void Console(DriftResult result, IAnsiConsole console) => DriftReport.Write(result, console);

    public string Html(DriftResult result) => DriftReport.ToHtml(result);

    public string Markdown(DriftResult result) => DriftReport.ToMarkdown(result);
}
