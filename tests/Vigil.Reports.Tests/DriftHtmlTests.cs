using System.Globalization;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine.Sources;

namespace Vigil.Reports.Tests;

/// <summary>The drift page, rendered from a real analysis of planted data: a skewed column whose current values are
/// 1.8× the reference's (drifts), the same skewed column unshifted (does not), a 0/1 target, one category only, 30
/// categories, a constant column, and daily timestamps for the chunked run. Checks the structure: the verdict first,
/// every axis labelled, every category labelled, and the chart's own bin shares telling the drifted column from the
/// calm one.</summary>
public sealed class DriftHtmlTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-drift-html-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    private string Write(string name, int rows, double factor, int seed)
    {
        var r = new Random(seed);
        var sb = new StringBuilder("timestamp,skewed,calm,actual_label,channel,many,constant\n");
        for (var i = 0; i < rows; i++)
        {
            // Log-normal: most values small, a long tail over decades.
            double Normal() => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
            var skewed = Math.Round(Math.Exp(3 + 1.2 * Normal()) * factor, 2);
            var calm = Math.Round(Math.Exp(3 + 1.2 * Normal()), 2);
            var label = r.NextDouble() < 0.05 ? 1 : 0;
            var day = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(i % 4).AddMinutes(i % 600);
            sb.Append(CultureInfo.InvariantCulture, $"{day:yyyy-MM-dd HH:mm:ss},{skewed.ToString("R", CultureInfo.InvariantCulture)},{calm.ToString("R", CultureInfo.InvariantCulture)},{label},web,m{r.Next(30):00},5\n");
        }
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private DriftResult Run(DriftOptions? options = null)
    {
        var refPath = Write("ref.csv", 6000, 1.0, 1);
        var curPath = Write("cur.csv", 6000, 1.8, 2);
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [refPath] });
        using var c = SourceOpener.Open(new SourceSpec { Inputs = [curPath] });
        return DriftAnalysis.Run(r, c, options ?? new DriftOptions());
    }

    /// <summary>The columns of the chunked runs (no constant ones: the multivariate PCA standardises each column).</summary>
    private static readonly string[] ChunkColumns = ["skewed", "calm", "actual_label", "many"];

    private static IElement Chart(IDocument doc, string chart, string column) =>
        doc.QuerySelector($"svg.chart[data-chart='{chart}'][data-column='{column}']") ?? throw new Xunit.Sdk.XunitException($"no {chart} chart for {column}");

    private static double[] Shares(IElement chart, string side) =>
        [.. chart.QuerySelectorAll($"rect[data-side='{side}']").Select(b => double.Parse(b.GetAttribute("data-share")!, CultureInfo.InvariantCulture))];

    [Fact]
    public void Verdict_IsTheFirstElementAfterTheHeader_AndEveryChartAxisIsLabelled()
    {
        var doc = Parse(DriftReport.ToHtml(Run(new DriftOptions { Chunk = new TimeChunk(ChunkUnit.Day), Multivariate = true, Columns = ChunkColumns })));
        var header = doc.Body!.QuerySelector("header")!;
        Assert.Equal(doc.Body.FirstElementChild, header);
        var verdict = header.NextElementSibling!;
        Assert.Contains("verdict", verdict.ClassList);
        Assert.StartsWith("Drift:", verdict.QuerySelector(".headline")!.TextContent, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector("nav.toc a[href='#distributions']"));
        var charts = doc.QuerySelectorAll("svg.chart");
        Assert.True(charts.Length >= 10, $"{charts.Length} charts");
        foreach (var chart in charts)
        {
            var labels = chart.QuerySelectorAll("text.axis-label");
            Assert.True(labels.Length == 2 && labels.All(l => l.TextContent.Trim().Length > 0),
                $"{chart.GetAttribute("data-chart")} {chart.GetAttribute("data-column")}: {labels.Length} axis labels");
        }
    }

    [Fact]
    public void SkewedShift_ShowsInTheBinShares_WhileTheCalmColumnsDoNot()
    {
        var result = Run();
        var skewed = Assert.Single(result.Columns, c => c.Name == "skewed");
        var calm = Assert.Single(result.Columns, c => c.Name == "calm");
        Assert.True(skewed.Drifted);
        Assert.False(calm.Drifted);
        Assert.Equal("quantiles", skewed.Distribution!.Kind);
        var doc = Parse(DriftReport.ToHtml(result));

        static double MaxGap(double[] a, double[] b) => a.Zip(b, (x, y) => Math.Abs(x - y)).Max();
        var s = Chart(doc, "distribution", "skewed");
        var (sr, sc) = (Shares(s, "reference"), Shares(s, "current"));
        Assert.Equal(sr.Length, sc.Length);
        Assert.True(sr.Length >= 10, $"{sr.Length} bins");
        // Bins at the reference's quantiles: each about 1/20 of the reference.
        Assert.All(sr, x => Assert.InRange(x, 0.03, 0.07));
        Assert.True(MaxGap(sr, sc) > 0.04, $"drifted: largest gap {MaxGap(sr, sc)}");
        var c = Chart(doc, "distribution", "calm");
        Assert.True(MaxGap(Shares(c, "reference"), Shares(c, "current")) < 0.025, $"calm: largest gap {MaxGap(Shares(c, "reference"), Shares(c, "current"))}");
        // Every bin edge is a tick label.
        Assert.Equal(sr.Length + 1, s.QuerySelectorAll("text.x-tick").Length);
        // The ECDF overlay for wasserstein (KS family), at most 200 points a side.
        var ecdf = Chart(doc, "ecdf", "skewed");
        Assert.InRange(int.Parse(ecdf.GetAttribute("data-points")!, CultureInfo.InvariantCulture), 10, 200);
        Assert.Equal(2, ecdf.QuerySelectorAll("g.series").Length);
    }

    [Fact]
    public void EveryCategoryIsLabelled_TheBinaryTargetIsDrawnAsCategories_AndOneCategoryOrAConstantStillDraws()
    {
        var doc = Parse(DriftReport.ToHtml(Run()));
        foreach (var svg in doc.QuerySelectorAll("svg.chart[data-chart='distribution']"))
        {
            var kind = svg.GetAttribute("data-kind");
            if (kind is not ("categories" or "values")) continue;
            var bins = svg.QuerySelectorAll("rect[data-side='reference']").Select(b => b.GetAttribute("data-bin")).ToList();
            var ticks = svg.QuerySelectorAll("text.x-tick").Select(t => t.GetAttribute("data-label")).ToList();
            Assert.Equal(bins, ticks);
        }
        var label = Chart(doc, "distribution", "actual_label");
        Assert.Equal("values", label.GetAttribute("data-kind"));
        Assert.Equal(["0", "1"], label.QuerySelectorAll("text.x-tick").Select(t => t.TextContent));
        var many = Chart(doc, "distribution", "many");
        Assert.Equal(20, many.QuerySelectorAll("text.x-tick").Length); // the top 19 and "other (11)"
        Assert.Contains(many.QuerySelectorAll("text.x-tick"), t => t.TextContent.StartsWith("other", StringComparison.Ordinal));
        Assert.Equal(["web"], Chart(doc, "distribution", "channel").QuerySelectorAll("text.x-tick").Select(t => t.TextContent));
        Assert.Equal(["5"], Chart(doc, "distribution", "constant").QuerySelectorAll("text.x-tick").Select(t => t.TextContent));
    }

    [Fact]
    public void PValue_IsShownForATest()
    {
        var result = Run(new DriftOptions { Method = "ks", Columns = ["skewed", "calm"] });
        var doc = Parse(DriftReport.ToHtml(result));
        var headers = doc.QuerySelectorAll("table[data-table='columns'] th").Select(h => h.TextContent).ToList();
        int p = headers.IndexOf("p-value");
        foreach (var row in doc.QuerySelectorAll("table[data-table='columns'] tbody tr"))
        {
            var cell = row.Children[p].TextContent;
            Assert.NotEqual("—", cell);
            Assert.Matches(@"^[0-9<]", cell);
        }
        Assert.Contains("p-value", doc.QuerySelector("section.column[data-column='calm'] p")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Chunks_AreLinesOverTime_WithTheirThresholdsAsBands()
    {
        var doc = Parse(DriftReport.ToHtml(Run(new DriftOptions { Chunk = new TimeChunk(ChunkUnit.Day), Multivariate = true, Columns = ChunkColumns })));
        var share = doc.QuerySelector("svg.chart[data-chart='chunk-drift']")!;
        Assert.Equal(4, share.QuerySelectorAll("g.series circle").Length);
        Assert.NotNull(share.QuerySelector("rect.band"));
        Assert.NotNull(share.QuerySelector("g.threshold"));
        Assert.Equal(["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04"], share.QuerySelectorAll("text.x-tick").Select(t => t.TextContent));
        var skewed = Chart(doc, "chunk-column", "skewed");
        Assert.Equal(4, skewed.QuerySelectorAll("g.alerts circle").Length); // every day drifted
        var mv = doc.QuerySelector("svg.chart[data-chart='multivariate']")!;
        Assert.NotNull(mv.QuerySelector("rect.band"));
        Assert.Equal(4, mv.QuerySelectorAll("g.series circle").Length);
    }

    [Fact]
    public void Verdict_CountsEverySignal_AndNamesTheThresholdAsSuch()
    {
        var calm = new DatasetDrift(false, 0.125, 1, 8, 0.5);
        var r = new DriftResult
        {
            Reference = new SourceInfo("ref.csv", "duckdb", []),
            Current = new SourceInfo("cur.csv", "duckdb", []),
            ReferenceRows = 10,
            CurrentRows = 10,
            Dataset = calm,
            Columns = [],
            ChunkBy = "day",
            Chunks = [new ChunkDrift("2026-01-01", null, 0, 5, calm, []), new ChunkDrift("2026-01-02", null, 5, 5, calm with { Drifted = true, Share = 0.5, DriftedColumns = 4 }, [])],
            Multivariate = new MultivariateDrift(2, 0.8, null, 1.2, 5, ["a", "b"], [new MultivariateChunk("2026-01-01", 5, 1.3, true), new MultivariateChunk("2026-01-02", 5, 1.1, false)]),
        };
        var verdict = DriftReport.Verdict(r);
        Assert.Equal("Drift: 1 of 2 daily chunks drifted; multivariate drift in 1 of 2 chunks; whole period: 1 of 8 columns drifted (12.50%, below the 50.00% drift-share threshold).", verdict);
        Assert.DoesNotContain("the drift share is", verdict, StringComparison.Ordinal);
        Assert.StartsWith("No drift:", DriftReport.Verdict(r with { Chunks = null, Multivariate = null }), StringComparison.Ordinal);
        // A column drifted, but no drift signal fired (below the drift-share threshold): the headline does not deny it.
        var one = new ColumnDrift { Name = "a", Type = Vigil.Statistics.Drift.ColumnType.Numerical, Method = "ks", Reason = "chosen", ReferenceMissing = 0, CurrentMissing = 0, DistinctValues = 9, Drifted = true };
        Assert.StartsWith("No dataset drift: 1 of 8 columns drifted", DriftReport.Verdict(r with { Chunks = null, Multivariate = null, Columns = [one] }), StringComparison.Ordinal);
        Assert.StartsWith("**Verdict:** Drift:", DriftReport.ToMarkdown(r).Split("\n\n")[2], StringComparison.Ordinal);
    }
}
