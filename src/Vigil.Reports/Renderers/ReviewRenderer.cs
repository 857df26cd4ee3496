using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Reports.Html;

namespace Vigil.Reports.Renderers;

/// <summary><c>vigil review</c>'s pass/fail report (the model card is <see cref="ModelCard"/>).</summary>
internal sealed class ReviewRenderer : IReportRenderer<ReviewResult>
{
    public void Console(ReviewResult result, IAnsiConsole console) => ReviewReport.Write(result, console);

    public string Html(ReviewResult result) => ReviewHtml.Render(result);

    public string Markdown(ReviewResult result) => ReviewReport.ToMarkdown(result);
}
