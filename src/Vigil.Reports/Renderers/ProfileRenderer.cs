using Spectre.Console;
using Vigil.Analysis.Drift;
using Vigil.Engine;
using Vigil.Reports.Json;

namespace Vigil.Reports.Renderers;

/// <summary>What a reference profile holds (<c>vigil profile</c>, <c>vigil profile show</c>): on the console or as
/// JSON only.</summary>
internal sealed class ProfileRenderer : IReportRenderer<ReferenceProfile>
{
    public void Console(ReferenceProfile result, IAnsiConsole console) => ProfileReport.WriteConsole(result, console);

    public string Html(ReferenceProfile result) => throw NotShown();

    public string Markdown(ReferenceProfile result) => throw NotShown();

    public object JsonDocument(ReferenceProfile result) => ProfileDocument.From(result);

    private static VigilInputException NotShown() => new("a profile is shown on the console or as JSON (--format console|json)");
}
