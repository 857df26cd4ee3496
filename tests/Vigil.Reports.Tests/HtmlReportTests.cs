using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using Vigil.Analysis.Results;

namespace Vigil.Reports.Tests;

public class HtmlReportTests
{
    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    public static TheoryData<string> AllReports => ["binary", "segmented", "multiclass", "regression", "summary", "hostile"];

    private static string Render(string name) => name switch
    {
        "binary" => HtmlReport.ToHtml(Fixtures.Binary()),
        "segmented" => HtmlReport.ToHtml(Fixtures.Segmented()),
        "multiclass" => HtmlReport.ToHtml(Fixtures.Multiclass()),
        "regression" => HtmlReport.ToHtml(Fixtures.Regression()),
        "summary" => HtmlReport.ToHtml(Fixtures.Summary()),
        _ => HtmlReport.ToHtml(Fixtures.Summary(Fixtures.Hostile)),
    };

    [Fact]
    public void Binary_HasRocPrAndCalibrationCharts()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Binary()));
        foreach (var chart in new[] { "roc", "pr", "calibration" })
        {
            var svg = doc.QuerySelector($"svg.chart[data-chart='{chart}']");
            Assert.NotNull(svg);
            Assert.NotNull(svg!.QuerySelector("title"));
        }
        var roc = doc.QuerySelector("svg[data-chart='roc']")!;
        Assert.NotNull(roc.QuerySelector("line.diagonal"));
        var path = roc.QuerySelector("g.series path")!.GetAttribute("d")!;
        Assert.Equal(50, path.Count(c => c is 'M' or 'L'));
        Assert.Contains("AUC 0.9123", roc.QuerySelector("title")!.TextContent, StringComparison.Ordinal);
        var cal = doc.QuerySelector("svg[data-chart='calibration']")!;
        Assert.NotNull(cal.QuerySelector("line.diagonal"));
        Assert.Equal(10, cal.QuerySelectorAll("g.count-strip rect").Length);
        Assert.Equal(10, cal.QuerySelectorAll("g.series circle").Length);
        Assert.Contains("100 rows", cal.QuerySelector("g.count-strip rect title")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_HasMetricAndThresholdTables_UndefinedShownWithReason()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Binary()));
        var metrics = doc.QuerySelector("table[data-table='metrics']")!;
        Assert.Equal(9, metrics.QuerySelectorAll("tbody tr").Length);
        var mcc = metrics.QuerySelector("tr[data-metric='mcc']")!;
        Assert.Equal("—", mcc.QuerySelector("td.undefined")!.TextContent);
        Assert.Contains("only one class predicted", mcc.TextContent, StringComparison.Ordinal);
        Assert.Contains("0.9123", metrics.QuerySelector("tr[data-metric='roc_auc']")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(19, doc.QuerySelectorAll("table[data-table='thresholds'] tbody tr").Length);
        Assert.Equal(2, doc.QuerySelectorAll("table[data-table='best-thresholds'] tbody tr").Length);
        Assert.Contains("TP 300", doc.QuerySelector("table[data-table='confusion']")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_HasResidualScatterAndHistogram()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Regression()));
        var scatter = doc.QuerySelector("svg.chart[data-chart='residual-scatter']");
        Assert.NotNull(scatter);
        Assert.Equal(200, scatter!.QuerySelectorAll("g.scatter circle").Length); // the NaN point is skipped
        var hist = doc.QuerySelector("svg.chart[data-chart='residual-histogram']");
        Assert.NotNull(hist);
        Assert.Equal(20, hist!.QuerySelectorAll("g.bars rect").Length);
        Assert.Null(doc.QuerySelector("svg[data-chart='roc']"));
    }

    [Fact]
    public void Multiclass_HasHeatmapConfusionMatrix_WithEscapedClassNames()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Multiclass()));
        var table = doc.QuerySelector("table.heatmap[data-table='confusion-matrix']")!;
        Assert.Equal(3, table.QuerySelectorAll("tbody tr").Length);
        Assert.Equal(9, table.QuerySelectorAll("tbody td").Length);
        Assert.Contains("background:rgba(", table.QuerySelector("tbody td")!.GetAttribute("style"), StringComparison.Ordinal);
        Assert.Null(doc.QuerySelector("bird"));
        Assert.Contains("<bird>", table.QuerySelector("thead")!.TextContent, StringComparison.Ordinal);
        Assert.Equal(3, doc.QuerySelectorAll("table[data-table='per-class'] tbody tr").Length);
    }

    [Fact]
    public void Segmented_HasSegmentTable()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Segmented()));
        var rows = doc.QuerySelectorAll("table[data-table='segments'] tbody tr");
        Assert.Equal(3, rows.Length);
        Assert.Contains("DE|AT", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Contains("(null)", rows[2].TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_HasTimelineCharts_OneLinePerVersion_WithQualityMarkers()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Summary()));
        var charts = doc.QuerySelectorAll("svg.chart[data-chart='timeline']");
        var metrics = charts.Select(c => c.GetAttribute("data-metric")).ToList();
        Assert.Contains("rows", metrics);
        Assert.Contains("positive_rate", metrics);
        Assert.Contains("roc_auc", metrics);
        foreach (var chart in charts)
        {
            Assert.Equal(2, chart.QuerySelectorAll("g.series").Length);
            var legend = chart.QuerySelector("g.legend")!.TextContent;
            Assert.Contains("v1", legend, StringComparison.Ordinal);
            Assert.Contains("v2", legend, StringComparison.Ordinal);
            var markers = chart.QuerySelectorAll("g.marker");
            Assert.Equal(2, markers.Length);
            var missing = chart.QuerySelector("g.marker[data-check='missing_period']")!;
            Assert.Contains("missing_period", missing.QuerySelector("title")!.TextContent, StringComparison.Ordinal);
            Assert.Contains("2026-01-11", missing.QuerySelector("title")!.TextContent, StringComparison.Ordinal);
            Assert.NotNull(chart.QuerySelector("g.marker.sev-warning[data-check='volume_anomaly'] title"));
        }
        // v1 skips day 10, so its roc_auc line is broken in two.
        var roc = doc.QuerySelector("svg[data-chart='timeline'][data-metric='roc_auc']")!;
        var v1Path = roc.QuerySelectorAll("g.series path")[0].GetAttribute("d")!;
        Assert.Equal(2, v1Path.Count(c => c == 'M'));
        // The second version is unlabeled for the last 3 days: 15 days with a point, 12 with a defined roc_auc.
        var v2 = roc.QuerySelectorAll("g.series")[1];
        Assert.Equal(12, v2.QuerySelectorAll("circle").Length);
    }

    [Fact]
    public void Summary_HasPeriodQualityAndColumnTables_SortedBySeverity()
    {
        var r = Fixtures.Summary();
        var doc = Parse(HtmlReport.ToHtml(r));
        Assert.Equal(r.Periods.Count, doc.QuerySelectorAll("table[data-table='periods'] tbody tr").Length);
        Assert.Equal(2, doc.QuerySelectorAll("table[data-table='overall'] tbody tr").Length);
        Assert.Equal(6, doc.QuerySelectorAll("table[data-table='columns'] tbody tr").Length);
        var severities = doc.QuerySelectorAll("table[data-table='quality'] tbody tr").Select(tr => tr.GetAttribute("data-severity")).ToList();
        Assert.Equal([.. Enumerable.Repeat("error", 3), .. Enumerable.Repeat("warning", 4), .. Enumerable.Repeat("info", 3)], severities);
        Assert.Equal(3, doc.QuerySelectorAll("table[data-table='quality'] span.badge.sev-error").Length);
        Assert.Equal(Fixtures.SummaryVerdict, doc.QuerySelector(".verdict .headline")!.TextContent);
    }

    [Theory]
    [MemberData(nameof(AllReports))]
    public void Report_IsSelfContained(string name)
    {
        string html = Render(name);
        var doc = Parse(html);
        Assert.Empty(doc.QuerySelectorAll("script, link, iframe, img, object, embed, image, use"));
        foreach (var el in doc.All)
        {
            foreach (var attr in el.Attributes)
            {
                string n = attr.LocalName.ToLowerInvariant();
                // In-page anchors (the table of contents) are not resources.
                if (n is "href" && attr.Value.StartsWith('#')) continue;
                if (n is "src" or "href" or "xlink:href" or "action" or "srcset" or "data" or "poster" or "background")
                    Assert.Fail($"<{el.LocalName} {attr.Name}=\"{attr.Value}\"> references a resource");
                if (n.StartsWith("on", StringComparison.Ordinal)) Assert.Fail($"event handler {attr.Name} on <{el.LocalName}>");
            }
        }
        Assert.DoesNotContain("url(", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@import", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("@font-face", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http:", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("https:", html, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [MemberData(nameof(AllReports))]
    public void Report_IsSmall(string name)
    {
        int bytes = Encoding.UTF8.GetByteCount(Render(name));
        Assert.True(bytes < 1_000_000, $"{name}: {bytes} bytes");
        if (name == "summary") Assert.True(bytes < 200_000, $"{name}: {bytes} bytes");
    }

    [Fact]
    public void HostileVersionName_IsEscapedEverywhere()
    {
        string html = HtmlReport.ToHtml(Fixtures.Summary(Fixtures.Hostile));
        Assert.DoesNotContain(Fixtures.Hostile, html, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html, StringComparison.Ordinal);
        var doc = Parse(html);
        Assert.Empty(doc.QuerySelectorAll("script"));
        // The name survives as text: in the tables and in every chart's legend.
        Assert.Contains(Fixtures.Hostile, doc.QuerySelector("table[data-table='overall']")!.TextContent, StringComparison.Ordinal);
        foreach (var legend in doc.QuerySelectorAll("svg[data-chart='timeline'] g.legend"))
            Assert.Contains(Fixtures.Hostile, legend.TextContent, StringComparison.Ordinal);
        // Column names with markup stay text too.
        Assert.Null(doc.QuerySelector("b"));
        Assert.Contains(Fixtures.PipeColumn, doc.QuerySelector("table[data-table='columns']")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Document_HasTitleCharsetAndInlineStyle()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Binary()));
        Assert.StartsWith("Vigil evaluation", doc.Title, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector("meta[charset='utf-8']"));
        Assert.Single(doc.QuerySelectorAll("style"));
    }
}

/// <summary>The shared template and what the summary and evaluation pages open with.</summary>
public class ReportPageTests
{
    private static IDocument Parse(string html) => new HtmlParser().ParseDocument(html);

    public static TheoryData<string> Reports => ["binary", "regression", "multiclass", "summary"];

    private static string Render(string name) => name switch
    {
        "binary" => HtmlReport.ToHtml(Fixtures.Binary()),
        "regression" => HtmlReport.ToHtml(Fixtures.Regression()),
        "multiclass" => HtmlReport.ToHtml(Fixtures.Multiclass()),
        _ => HtmlReport.ToHtml(Fixtures.Summary()),
    };

    [Theory]
    [MemberData(nameof(Reports))]
    public void VerdictComesFirst_ThenContents_AndEveryAxisIsLabelled(string name)
    {
        var doc = Parse(Render(name));
        var header = doc.Body!.FirstElementChild!;
        Assert.Equal("header", header.LocalName);
        var verdict = header.NextElementSibling!;
        Assert.Contains("verdict", verdict.ClassList);
        Assert.False(string.IsNullOrWhiteSpace(verdict.QuerySelector(".headline")!.TextContent));
        // A long page has a table of contents whose links all land on a section; a short one needs none.
        var toc = doc.QuerySelectorAll("nav.toc a");
        Assert.Equal(doc.QuerySelectorAll("body > section").Length >= Html.ReportPage.TocFrom, toc.Length > 0);
        foreach (var a in toc) Assert.NotNull(doc.GetElementById(a.GetAttribute("href")!.TrimStart('#')));
        foreach (var chart in doc.QuerySelectorAll("svg.chart"))
            Assert.Equal(2, chart.QuerySelectorAll("text.axis-label").Count(l => l.TextContent.Trim().Length > 0));
        Assert.Single(doc.QuerySelectorAll("style"));
        Assert.NotNull(doc.QuerySelector("footer"));
    }

    [Fact]
    public void Summary_FindingsBeforeTables_CountsFromZero_DatesDoNotWrap_SnakeCaseNames()
    {
        var doc = Parse(HtmlReport.ToHtml(Fixtures.Summary()));
        var sections = doc.QuerySelectorAll("section").Select(s => s.Id).ToList();
        Assert.Equal("findings", sections[0]);
        Assert.True(sections.IndexOf("findings") < sections.IndexOf("periods"));
        var rows = doc.QuerySelector("svg[data-chart='timeline'][data-metric='rows']")!;
        Assert.Contains("rows per day", rows.TextContent, StringComparison.Ordinal);
        Assert.Contains("date (UTC)", rows.TextContent, StringComparison.Ordinal);
        var yTicks = rows.QuerySelectorAll("g.axis text[text-anchor='end']").Select(t => t.TextContent).ToList();
        Assert.Equal("0", yTicks[0]);
        Assert.All(doc.QuerySelectorAll("table[data-table='periods'] tbody tr td:first-child"), td => Assert.Contains("nowrap", td.ClassList));
        var headers = doc.QuerySelectorAll("table[data-table='periods'] th").Select(h => h.TextContent).ToList();
        Assert.Contains("positive_rate", headers);
        Assert.Contains("mean_score", headers);
        Assert.DoesNotContain("positive rate", headers);
    }

    [Fact]
    public void Summary_OfALogWithNoLabels_StillOpensWithTheVerdict_AndLabelsEveryAxis()
    {
        var r = Fixtures.Summary();
        PeriodSummary Unlabeled(PeriodSummary p) => p with { Labeled = 0, PositiveRate = null, Metrics = [] };
        r = r with { Columns = r.Columns with { Label = null }, Periods = [.. r.Periods.Select(Unlabeled)], Overall = [.. r.Overall.Select(Unlabeled)] };
        var doc = Parse(HtmlReport.ToHtml(r));
        Assert.Contains("verdict", doc.Body!.FirstElementChild!.NextElementSibling!.ClassList);
        var charts = doc.QuerySelectorAll("svg.chart[data-chart='timeline']").Select(c => c.GetAttribute("data-metric")).ToList();
        Assert.Contains("rows", charts);
        Assert.DoesNotContain("roc_auc", charts);
        foreach (var chart in doc.QuerySelectorAll("svg.chart"))
            Assert.Equal(2, chart.QuerySelectorAll("text.axis-label").Length);
        Assert.Null(doc.QuerySelector(".threshold-note"));
    }

    [Fact]
    public void Summary_ThresholdNote_GivesWayToTheMeasuredFinding()
    {
        var r = Fixtures.Summary();
        r = r with { Overall = [.. r.Overall.Select(p => p with { PositiveRate = 0.03 })] };
        var guess = Parse(HtmlReport.ToHtml(r));
        Assert.Contains("likely far from the best", guess.QuerySelector(".verdict")!.TextContent, StringComparison.Ordinal);

        var finding = new QualityIssue("threshold_far_from_best", Severity.Warning, 100,
            "model version v1: at threshold 0.5, recall is 0.03 and F1 0.056; the F1-best threshold 0.102 gives F1 0.224", []);
        var measured = Parse(HtmlReport.ToHtml(r with { Quality = r.Quality with { Issues = [.. r.Quality.Issues, finding] } }));
        Assert.DoesNotContain("likely far from the best", measured.QuerySelector(".verdict")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("threshold_far_from_best findings", measured.QuerySelector(".threshold-note")!.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_TimelinesDrawTheCoveredRange_NotAnOutlierTimestamp()
    {
        var r = Fixtures.Summary();
        var outlier = r.Periods[0] with { Start = new DateTime(1970, 1, 1, 0, 0, 0, DateTimeKind.Utc), Rows = 1, Labeled = 1 };
        var withOutlier = r with { Periods = [outlier, .. r.Periods] };
        static IReadOnlyList<string> Ticks(string html) => [.. new HtmlParser().ParseDocument(html)
            .QuerySelectorAll("svg.chart[data-chart='timeline'] text.x-tick").Select(t => t.GetAttribute("data-label")!)];

        // Without the covered range the 1970 period squeezes 2026 into a sliver and the ticks carry years.
        Assert.Contains(Ticks(HtmlReport.ToHtml(withOutlier)), t => t.StartsWith("19", StringComparison.Ordinal));
        // With it, the charts draw the bulk only, in days, and say what they left out.
        var covered = withOutlier with { CoveredFrom = r.Periods[0].Start, CoveredTo = r.Periods[^1].Start };
        var html = HtmlReport.ToHtml(covered);
        var ticks = Ticks(html);
        Assert.NotEmpty(ticks);
        Assert.All(ticks, t => Assert.Matches(@"^\d\d-\d\d$", t));
        Assert.Contains("1 period with outlier timestamps (see outlier_timestamp) not drawn", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_DropsTheDistinctColumn_WhenNoneWasComputed()
    {
        var r = Fixtures.Summary();
        r = r with { Quality = r.Quality with { Columns = [.. r.Quality.Columns.Select(c => c with { Distinct = null })] } };
        var doc = Parse(HtmlReport.ToHtml(r));
        Assert.DoesNotContain("distinct", doc.QuerySelectorAll("table[data-table='columns'] th").Select(h => h.TextContent));
        Assert.Contains("distinct", Parse(HtmlReport.ToHtml(Fixtures.Summary())).QuerySelectorAll("table[data-table='columns'] th").Select(h => h.TextContent));
        Assert.DoesNotContain("| distinct |", MarkdownReport.ToMarkdown(r), StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluation_OpensWithKeyNumbers_MarksTheThresholdInUse_AndShowsFindings()
    {
        var r = Fixtures.Binary() with
        {
            Findings = [new Vigil.Analysis.Results.QualityIssue("rows_kept", Vigil.Analysis.Results.Severity.Info, 170, "170 rows that summary excludes were kept", [])],
        };
        var doc = Parse(HtmlReport.ToHtml(r));
        Assert.Equal("key-numbers", doc.QuerySelectorAll("section")[0].Id);
        var cards = doc.QuerySelectorAll("section#key-numbers .card").Select(c => c.GetAttribute("data-metric")).ToList();
        Assert.Equal(["rows", "roc_auc", "average_precision"], cards.Take(3));
        Assert.Contains("at threshold 0.5", doc.QuerySelector(".card[data-metric='f1']")!.TextContent, StringComparison.Ordinal);
        var inUse = Assert.Single(doc.QuerySelectorAll("table[data-table='thresholds'] tr.in-use"));
        Assert.Equal("0.5000", inUse.Children[0].TextContent);
        // One format per column: every threshold with 4 decimals.
        Assert.All(doc.QuerySelectorAll("table[data-table='thresholds'] tbody tr td:first-child"), td => Assert.Matches(@"^\d\.\d{4}$", td.TextContent));
        var finding = doc.QuerySelector("section#findings tr[data-check='rows_kept']")!;
        Assert.NotNull(finding.QuerySelector("span.badge.sev-info"));
    }

    [Fact]
    public void Evaluation_NoteColumnOnlyWhenSomeMetricHasANote()
    {
        var r = Fixtures.Binary();
        var withNotes = Parse(HtmlReport.ToHtml(r));
        Assert.Equal(3, withNotes.QuerySelectorAll("table[data-table='metrics'] th").Length);
        var clean = r with { Metrics = [.. r.Metrics.Where(m => m.Value is not null).Select(m => m with { Note = null })] };
        Assert.Equal(2, Parse(HtmlReport.ToHtml(clean)).QuerySelectorAll("table[data-table='metrics'] th").Length);
    }

    [Fact]
    public void Evaluation_SaysWhenRecallAtTheThresholdIsFarBelowTheBest()
    {
        var r = Fixtures.Binary() with { Confusion = new Vigil.Statistics.Classification.ConfusionCounts(12, 3, 997, 388) };
        var doc = Parse(HtmlReport.ToHtml(r));
        var verdict = doc.QuerySelector(".verdict")!;
        Assert.Equal("warning", verdict.GetAttribute("data-level"));
        Assert.Contains("1 warning", verdict.QuerySelector(".headline")!.TextContent, StringComparison.Ordinal);
        Assert.Contains("far from the best", verdict.TextContent, StringComparison.Ordinal);
        Assert.NotNull(doc.QuerySelector("section#findings .threshold-warning"));
        // Not when the analysis already made it a finding: then it shows once, as that finding.
        var found = r with { Findings = [new Vigil.Analysis.Results.QualityIssue("threshold_far_from_best", Vigil.Analysis.Results.Severity.Warning, 0, "the threshold 0.5 is far from the F1-best 0.35", [])] };
        var doc2 = Parse(HtmlReport.ToHtml(found));
        Assert.Null(doc2.QuerySelector(".threshold-warning"));
        Assert.NotNull(doc2.QuerySelector("tr[data-check='threshold_far_from_best']"));
        Assert.Contains("1 warning", doc2.QuerySelector(".verdict .headline")!.TextContent, StringComparison.Ordinal);
    }
}
