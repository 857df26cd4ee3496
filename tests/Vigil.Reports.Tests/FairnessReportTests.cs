using AngleSharp.Html.Parser;
using Vigil.Reports.Html;
using Vigil.Reports.Tests.Json;

namespace Vigil.Reports.Tests;

/// <summary>The fairness renderers: the verdict, 100 columns, and the rate chart's dots, whiskers and band.</summary>
public class FairnessReportTests
{
    [Fact]
    public void Verdict_NamesTheUnfairAttributeAndRate_IgnoringSmallGroups()
    {
        var r = FairnessFixtures.Audit();
        Assert.Equal("Outside the 0.80–1.25 band at threshold 0.5: race (selection rate)", FairnessReport.Verdict(r));
        Assert.Equal("warning", FairnessReport.Level(r));
        var small = r with { Groups = [.. r.Groups.Select(g => g.Value == "black" ? g with { BelowMinimumSize = true } : g)] };
        Assert.StartsWith("Within the 0.80–1.25 band", FairnessReport.Verdict(small));
    }

    [Fact]
    public void Console_FitsInOneHundredColumns()
    {
        var w = new StringWriter();
        ReportWriter.Write(FairnessFixtures.Audit(), ReportFormat.Console, w, ReportWriter.PlainConsole(w, 100));
        var text = w.ToString();
        Assert.Contains("race: disparity against white", text, StringComparison.Ordinal);
        Assert.Contains("Group thresholds for equalized odds on gender", text, StringComparison.Ordinal);
        Assert.All(text.Split('\n'), l => Assert.True(l.Length <= 100, $"wider than 100: {l}"));
    }

    [Fact]
    public void Html_Chart_HasADotPerDefinedRate_MarksTheUnfair_AndDrawsTheBand()
    {
        var r = FairnessFixtures.Audit();
        var doc = new HtmlParser().ParseDocument(FairnessHtml.Render(r));
        var chart = doc.QuerySelector("svg[data-chart=fairness-rates][data-attribute=race]")!;
        Assert.NotNull(chart);
        var dots = chart.QuerySelectorAll("circle.rate");
        // black, other, white × selection rate, TPR, FPR, less other's undefined TPR.
        Assert.Equal(8, dots.Length);
        Assert.Equal("false", dots.Single(d => d.GetAttribute("data-group") == "black" && d.GetAttribute("data-metric") == "selection_rate").GetAttribute("data-fair"));
        Assert.Equal(3, chart.QuerySelectorAll("rect.band").Length);
        Assert.Single(chart.QuerySelectorAll("text.undefined"));
        Assert.NotNull(doc.QuerySelector("table[data-table=mitigation]"));
        Assert.Contains("zip_code", doc.QuerySelector("table[data-table=proxies]")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_HasTheTables()
    {
        var md = FairnessReport.ToMarkdown(FairnessFixtures.Audit());
        Assert.StartsWith("# Vigil fairness", md, StringComparison.Ordinal);
        Assert.Contains("| group (against white) | selection rate |", md, StringComparison.Ordinal);
        Assert.Contains("| black | 0.45 ! |", md, StringComparison.Ordinal);
    }
}
