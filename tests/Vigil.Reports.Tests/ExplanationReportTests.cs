using AngleSharp.Html.Parser;
using Vigil.Reports.Html;
using Vigil.Reports.Tests.Json;

namespace Vigil.Reports.Tests;

/// <summary>The explanation's renderers: the verdict, the tables, the beeswarm plot's axes and colours.</summary>
public class ExplanationReportTests
{
    [Fact]
    public void Verdict_WithTwoSides_NamesTheFeatureThatMovedMost_AndLowFidelity()
    {
        var r = JsonFixtures.Explanation();
        var v = ExplanationReport.Verdict(r);
        Assert.StartsWith("From v1 to v2, country's impact moved most (+0.1500 log-odds", v, StringComparison.Ordinal);
        Assert.Contains("baseline's surrogate has low fidelity", v, StringComparison.Ordinal);
        Assert.Equal("warning", ExplanationReport.Level(r));
        var one = r with { Comparison = null, Findings = [] };
        Assert.Matches(@"^amount drives the scores most \(mean \|SHAP\| 0\.80* log-odds\), then country; surrogate fidelity R² 0\.960*\.$", ExplanationReport.Verdict(one));
        Assert.Equal("ok", ExplanationReport.Level(one));
    }

    [Fact]
    public void Console_FitsInOneHundredColumns()
    {
        var w = new StringWriter();
        ReportWriter.Write(JsonFixtures.Explanation(), ReportFormat.Console, w, ReportWriter.PlainConsole(w, 100));
        var text = w.ToString();
        Assert.Contains("Features by impact on the scores", text, StringComparison.Ordinal);
        Assert.Contains("What moved", text, StringComparison.Ordinal);
        Assert.Contains("region = north", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), l => Assert.True(l.Length <= 100, $"wider than 100: {l}"));
    }

    [Fact]
    public void Markdown_HasTheTables()
    {
        var md = ExplanationReport.Markdown(JsonFixtures.Explanation());
        Assert.StartsWith("# Vigil explanation", md, StringComparison.Ordinal);
        Assert.Contains("| rank | feature | type | mean \\|SHAP\\| |", md, StringComparison.Ordinal);
        Assert.Contains("## What moved: v2 against v1", md, StringComparison.Ordinal);
        Assert.Contains("## Top features per segment", md, StringComparison.Ordinal);
    }

    [Fact]
    public void Html_Beeswarm_HasARowPerFeature_ColouredPoints_AndLabelledAxes()
    {
        var doc = new HtmlParser().ParseDocument(ExplanationHtml.Render(JsonFixtures.Explanation()));
        Assert.Equal("explanation", doc.Body!.GetAttribute("data-report"));
        var svg = doc.QuerySelector("svg.chart.beeswarm")!;
        Assert.Equal(["amount", "country"], svg.QuerySelectorAll("g.feature").Select(g => g.GetAttribute("data-feature")));
        Assert.Equal(2, svg.QuerySelectorAll("g.feature[data-feature=amount] circle").Length);
        Assert.Contains(svg.QuerySelectorAll(".axis-label"), e => e.ClassList.Contains("x-label") && e.TextContent.StartsWith("SHAP value", StringComparison.Ordinal));
        Assert.Contains(svg.QuerySelectorAll(".axis-label"), e => e.ClassList.Contains("y-label"));
        // Missing values are grey; high values red-ish, low blue-ish.
        var fills = svg.QuerySelectorAll("g.feature[data-feature=amount] circle").Select(c => c.GetAttribute("fill")).ToList();
        Assert.Contains("#b0b0b0", fills);
        Assert.Equal("#1e88e5", ExplanationHtml.Colour(0));
        Assert.Equal("#ff0d57", ExplanationHtml.Colour(1));
        Assert.NotNull(doc.QuerySelector("table[data-table=changes]"));
        Assert.NotNull(doc.QuerySelector("table[data-table=segments]"));
    }
}
