using System.Xml.Linq;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;

namespace Vigil.Reports.Tests.Svg;

public class SvgPlotTests
{
    [Theory]
    [InlineData(0, 1, 0, 1, 0.2)]
    [InlineData(0.03, 0.97, 0, 1, 0.2)]
    [InlineData(0, 29, 0, 30, 5)]
    [InlineData(1003, 5977, 1000, 6000, 1000)]
    [InlineData(-4.7, 4.2, -6, 6, 2)]
    public void NiceTicks_Range_CoversDataWithNiceStep(double min, double max, double lo, double hi, double step)
    {
        var r = NiceTicks.Range(min, max);
        Assert.Equal(lo, r.Min, 9);
        Assert.Equal(hi, r.Max, 9);
        Assert.Equal(step, r.Step, 9);
    }

    [Fact]
    public void NiceTicks_DegenerateAndNonFiniteRanges_AreWidened()
    {
        var r = NiceTicks.Range(5, 5);
        Assert.True(r.Min < 5 && r.Max > 5);
        var z = NiceTicks.Range(double.NaN, double.PositiveInfinity);
        Assert.Equal((0.0, 1.0), (z.Min, z.Max));
        var s = NiceTicks.Range(0, 3, 6, minStep: 1);
        Assert.Equal(1, s.Step);
    }

    [Fact]
    public void NiceTicks_Ticks_AreClean()
    {
        Assert.Equal([0, 0.1, 0.2, 0.3, 0.4, 0.5], NiceTicks.Ticks(0, 0.5, 0.1));
    }

    [Fact]
    public void Render_IsWellFormedXml_WithEscapedText()
    {
        var svg = new SvgPlot("t", "A & B <c>") { XLabel = "x \"q\"", YLabel = "y's", Data = [new("metric", "<m>")] }
            .Line(Fixtures.Hostile, [new Point(0, 1), new Point(1, 2)], dots: true, tip: p => "<" + p.X + ">")
            .Scatter("s", [new Point(0.5, 1.5)])
            .Bars("b", [new Bar(0, 0.5, 3, "bar & co")])
            .Mark(new Marker(0.5, "</title><script>", "sev-error", "x\"y"))
            .Render();
        var x = XElement.Parse(svg);
        Assert.Equal("svg", x.Name.LocalName);
        Assert.Equal("<m>", (string?)x.Attribute("data-metric"));
        Assert.Equal("A & B <c>", x.Element("title")!.Value);
        Assert.DoesNotContain("<script", svg, StringComparison.Ordinal);
        Assert.Contains(x.Descendants("text"), t => t.Value == Fixtures.Hostile);
    }

    [Fact]
    public void Line_BreaksAtNonFinitePoints()
    {
        var svg = new SvgPlot("t", "t").Line("", [new Point(0, 1), new Point(1, 2), new Point(double.NaN, double.NaN), new Point(3, 1), new Point(4, double.NaN), new Point(5, 0)]).Render();
        var d = (string)XElement.Parse(svg).Descendants("path").First().Attribute("d")!;
        Assert.Equal(3, d.Count(c => c == 'M'));
        Assert.Equal(1, d.Count(c => c == 'L'));
    }

    [Fact]
    public void Points_MapIntoThePlotArea()
    {
        var svg = new SvgPlot("t", "t") { Width = 400, Height = 300, XMin = 0, XMax = 1, YMin = 0, YMax = 1 }.Scatter("", [new Point(0, 0), new Point(1, 1)]).Render();
        var x = XElement.Parse(svg);
        var frame = x.Descendants("rect").First();
        double left = (double)frame.Attribute("x")!, top = (double)frame.Attribute("y")!;
        double w = (double)frame.Attribute("width")!, h = (double)frame.Attribute("height")!;
        var c = x.Descendants("circle").ToList();
        Assert.Equal(left, (double)c[0].Attribute("cx")!, 1);
        Assert.Equal(top + h, (double)c[0].Attribute("cy")!, 1);
        Assert.Equal(left + w, (double)c[1].Attribute("cx")!, 1);
        Assert.Equal(top, (double)c[1].Attribute("cy")!, 1);
    }

    [Fact]
    public void Legend_ListsNamedSeriesOnly()
    {
        var svg = new SvgPlot("t", "t").Line("v1", [new Point(0, 1)]).Line("v2", [new Point(0, 2)]).Line("", [new Point(0, 3)]).Render();
        var legend = XElement.Parse(svg).Descendants("g").Single(g => (string?)g.Attribute("class") == "legend");
        Assert.Equal(["v1", "v2"], legend.Elements("text").Select(t => t.Value));
    }

    [Fact]
    public void Xml_Escape_EscapesMarkupAndQuotes()
    {
        Assert.Equal("&lt;a href=&quot;x&quot;&gt;&amp;&#39;", Xml.Escape("<a href=\"x\">&'"));
        Assert.Equal("plain", Xml.Escape("plain"));
        Assert.Equal("", Xml.Escape(null));
        Assert.Equal("ab", Xml.Escape("a\u0001b"));
    }

    [Fact]
    public void ExplicitTicks_AreAllLabelled_AndTurnWhenCrowded()
    {
        Tick[] Ticks(int n) => [.. Enumerable.Range(0, n).Select(i => new Tick(i, "category-" + i))];
        string Render(int n) => new SvgPlot("t", "t") { Width = 400, XLabel = "x (unit)", YLabel = "y (unit)", XTicks = Ticks(n), XMin = -0.5, XMax = n - 0.5 }
            .Bars("", [.. Enumerable.Range(0, n).Select(i => new Bar(i - 0.4, i + 0.4, 1, "b", [new("share", "1")]))]).Render();
        var few = XDocument.Parse(Render(2));
        var many = XDocument.Parse(Render(20));
        var ticks = many.Descendants().Where(e => (string?)e.Attribute("class") == "tick x-tick").ToList();
        Assert.Equal(20, ticks.Count);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => "category-" + i), ticks.Select(t => t.Value));
        Assert.All(ticks, t => Assert.Contains("rotate(-40", (string?)t.Attribute("transform"), StringComparison.Ordinal));
        Assert.All(few.Descendants().Where(e => (string?)e.Attribute("class") == "tick x-tick"), t => Assert.Null(t.Attribute("transform")));
        Assert.Equal(20, many.Descendants().Count(e => (string?)e.Attribute("data-share") == "1"));
        Assert.Equal(2, many.Descendants().Count(e => (string?)e.Attribute("class") == "axis-label"));
    }

    [Fact]
    public void BandsThresholdsAndAlerts_AreDrawn()
    {
        var svg = XDocument.Parse(new SvgPlot("t", "t") { XLabel = "x", YLabel = "y" }
            .Band(0, 0.5, "no drift").HLine(0.5, "threshold 0.5")
            .Line("share", [new Point(0, 0.2), new Point(1, 0.7)])
            .Alerts("drift", [new Point(1, 0.7)]).Render());
        Assert.Single(svg.Descendants(), e => (string?)e.Attribute("class") == "band");
        Assert.Single(svg.Descendants(), e => (string?)e.Attribute("class") == "threshold");
        var alerts = Assert.Single(svg.Descendants(), e => (string?)e.Attribute("class") == "alerts");
        Assert.Single(alerts.Elements(), e => e.Name.LocalName == "circle");
    }
}
