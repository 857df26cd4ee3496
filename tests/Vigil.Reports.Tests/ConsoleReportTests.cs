using Spectre.Console;

namespace Vigil.Reports.Tests;

public class ConsoleReportTests
{
    private static string Render(Action<IAnsiConsole> write, int width = 160)
    {
        var sw = new StringWriter();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(sw),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
        });
        console.Profile.Width = width;
        write(console);
        return sw.ToString();
    }

    [Fact]
    public void Binary_ShowsHeaderMetricsConfusionAndThresholds()
    {
        string s = Render(c => ConsoleReport.Write(Fixtures.Binary(), c));
        Assert.Contains("data/predictions-*.parquet (duckdb)", s, StringComparison.Ordinal);
        Assert.Contains("binary", s, StringComparison.Ordinal);
        Assert.Contains("1,400", s, StringComparison.Ordinal);
        Assert.Contains("missing_label 12, null_score 3", s, StringComparison.Ordinal);
        Assert.Contains("roc_auc", s, StringComparison.Ordinal);
        Assert.Contains("0.9123", s, StringComparison.Ordinal);
        Assert.DoesNotContain("0.91234", s, StringComparison.Ordinal);
        Assert.Contains("0.3000", s, StringComparison.Ordinal);
        Assert.Contains("1e-20", s, StringComparison.Ordinal);
        Assert.Contains("TP 300", s, StringComparison.Ordinal);
        Assert.Contains("FN 100", s, StringComparison.Ordinal);
        Assert.Contains("youden", s, StringComparison.Ordinal);
        Assert.Contains("0.95", s, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", s, StringComparison.Ordinal);
    }

    [Fact]
    public void Binary_UndefinedMetric_ShowsDashAndFootnotedReason()
    {
        string s = Render(c => ConsoleReport.Write(Fixtures.Binary(), c));
        var mccLine = s.Split('\n').Single(l => l.Contains("mcc", StringComparison.Ordinal) && l.Contains('│'));
        Assert.Contains("— [2]", mccLine, StringComparison.Ordinal);
        Assert.Contains("[2] mcc: undefined, only one class predicted", s, StringComparison.Ordinal);
        Assert.Contains("[1] precision: zero_division=0: no predicted positives", s, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiclass_ShowsMatrixAndPerClass_WithoutMarkupInterpretation()
    {
        string s = Render(c => ConsoleReport.Write(Fixtures.Multiclass(), c));
        Assert.Contains("<bird>", s, StringComparison.Ordinal);
        Assert.Contains("Per class", s, StringComparison.Ordinal);
        Assert.Contains("macro_f1", s, StringComparison.Ordinal);
        Assert.Contains("0.7800", s, StringComparison.Ordinal);
    }

    [Fact]
    public void Regression_ShowsMetrics()
    {
        string s = Render(c => ConsoleReport.Write(Fixtures.Regression(), c));
        Assert.Contains("mae", s, StringComparison.Ordinal);
        Assert.Contains("1.2345", s, StringComparison.Ordinal);
        Assert.Contains("mape: undefined, actual values contain zero", s, StringComparison.Ordinal);
    }

    [Fact]
    public void Segments_OneRowPerSegment()
    {
        string s = Render(c => ConsoleReport.Write(Fixtures.Segmented(), c));
        Assert.Contains("Segments", s, StringComparison.Ordinal);
        Assert.Contains("DE|AT", s, StringComparison.Ordinal);
        Assert.Contains("(null)", s, StringComparison.Ordinal);
        Assert.Contains("0.9300", s, StringComparison.Ordinal);
    }

    [Fact]
    public void Summary_ShowsPeriodsQualityAndVerdict()
    {
        string s = Render(c => ConsoleReport.Write(Fixtures.Summary(), c), width: 200);
        Assert.Contains("2026-01-01", s, StringComparison.Ordinal);
        Assert.Contains("2026-01-30", s, StringComparison.Ordinal);
        Assert.Contains("positive_rate", s, StringComparison.Ordinal); // metric names are snake_case in every report
        Assert.Contains("10.00%", s, StringComparison.Ordinal);
        Assert.Contains("roc_auc (3×): no labels yet", s, StringComparison.Ordinal);
        Assert.Contains("duplicate_id", s, StringComparison.Ordinal);
        Assert.Contains("a1, a2, a3", s, StringComparison.Ordinal);
        // Severity order: all errors before warnings before infos.
        int lastError = s.LastIndexOf("ERROR", StringComparison.Ordinal), firstWarning = s.IndexOf("WARNING", StringComparison.Ordinal);
        int lastWarning = s.LastIndexOf("WARNING", StringComparison.Ordinal), firstInfo = s.IndexOf("INFO", StringComparison.Ordinal);
        Assert.True(lastError < firstWarning && lastWarning < firstInfo);
        var lines = s.TrimEnd().Split('\n');
        Assert.Equal(Fixtures.SummaryVerdict, lines[^1].TrimEnd());
    }

    [Fact]
    public void Summary_HostileVersion_IsPrintedLiterally()
    {
        string s = Render(c => ConsoleReport.Write(Fixtures.Summary("[red]v2[/]"), c), width: 200);
        Assert.Contains("[red]v2[/]", s, StringComparison.Ordinal);
    }

    [Fact]
    public void ReportWriter_WithoutConsole_WritesPlainTextToTheWriter()
    {
        var w = new StringWriter();
        ReportWriter.Write(Fixtures.Summary(), ReportFormat.Console, w);
        string s = w.ToString();
        Assert.Contains(Fixtures.SummaryVerdict, s, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[", s, StringComparison.Ordinal);
    }
}
