using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil diagnose</c>'s report.</summary>
internal sealed class DiagnosisRenderer : IReportRenderer<DiagnosisResult>
{
    public void Console(DiagnosisResult result, IAnsiConsole console) => DiagnosisReport.Write(result, console);

    public string Html(DiagnosisResult result) => DiagnosisHtml.Render(result);

    public string Markdown(DiagnosisResult result) => DiagnosisReport.ToMarkdown(result);
}
