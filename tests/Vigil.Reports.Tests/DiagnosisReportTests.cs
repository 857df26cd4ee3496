using AngleSharp.Html.Parser;
using Spectre.Console;
using Vigil.Reports.Tests.Json;

namespace Vigil.Reports.Tests;

/// <summary>The diagnosis report in every format: the verdict first, every step under its title, the one chart.</summary>
public sealed class DiagnosisReportTests
{
    [Fact]
    public void Console_At100Columns_FitsAndLeadsWithTheVerdict()
    {
        var sw = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(sw), Ansi = AnsiSupport.No, ColorSystem = ColorSystemSupport.NoColors });
        console.Profile.Width = 100;
        DiagnosisReport.Write(DiagnosisFixtures.Mixed(), console);
        var text = sw.ToString();
        foreach (var line in text.Split('\n')) Assert.True(line.TrimEnd().Length <= 100, $"wider than 100: {line}");
        var verdict = text.IndexOf("Mixed causes: Retrain", StringComparison.Ordinal);
        Assert.True(verdict >= 0 && verdict < text.IndexOf("1. Is the drop real?", StringComparison.Ordinal));
        var last = -1;
        foreach (var title in DiagnosisReport.Titles.Values)
        {
            var at = text.IndexOf(title, StringComparison.Ordinal);
            Assert.True(at > last, $"'{title}' missing or out of order");
            last = at;
        }
    }

    [Fact]
    public void Html_LeadsWithTheVerdict_ThenTheExpectedVsRealizedChart()
    {
        var doc = new HtmlParser().ParseDocument(DiagnosisReport_Html());
        var verdict = doc.QuerySelector(".verdict")!;
        Assert.Contains("Mixed causes", verdict.TextContent, StringComparison.Ordinal);
        var chart = doc.QuerySelector("svg[data-chart='expected-vs-realized']")!;
        Assert.True(verdict.CompareDocumentPosition(chart).HasFlag(AngleSharp.Dom.DocumentPositions.Following));
        var rows = chart.QuerySelectorAll("g.row").Select(g => (g.GetAttribute("data-label"), g.GetAttribute("data-value"))).ToList();
        Assert.Equal([("reference (realized)", "0.8605"), ("expected on current inputs", "0.7837"), ("current (realized)", "0.6915")], rows);
        Assert.NotNull(chart.QuerySelector("rect.band"));
        Assert.Equal(6, doc.QuerySelectorAll("p.finding[data-step]").Length);
    }

    [Fact]
    public void Markdown_HasTheVerdictRuleAndEveryStep()
    {
        var md = Renderers.ReportRenderers.For<Analysis.Results.DiagnosisResult>().Markdown(DiagnosisFixtures.Mixed());
        Assert.StartsWith("# Vigil diagnose", md);
        Assert.Contains("**Verdict:** Mixed causes: Retrain", md);
        Assert.Contains("**Rule:** real drop;", md);
        foreach (var title in DiagnosisReport.Titles.Values) Assert.Contains("## " + title, md);
    }

    private static string DiagnosisReport_Html() => Renderers.ReportRenderers.For<Analysis.Results.DiagnosisResult>().Html(DiagnosisFixtures.Mixed());
}
