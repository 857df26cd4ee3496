using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

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

    /// <summary>Every line fits <paramref name="width"/> columns (each char one cell: the reports use no wide characters).</summary>
    private static void AssertFits(string s, int width)
    {
        foreach (var line in s.Split('\n'))
            Assert.True(line.TrimEnd().Length <= width, $"{line.TrimEnd().Length} > {width}: {line}");
    }

    [Fact]
    public void Summary_At100Columns_FitsAndKeepsWordsWhole()
    {
        var summary = Fixtures.Summary();
        string s = Render(c => ConsoleReport.Write(summary, c), width: 100);
        AssertFits(s, 100);
        // The names of checks and columns are never cut or wrapped at 100 columns.
        foreach (var i in summary.Quality.Issues) Assert.Contains("│ " + i.Check + " ", s, StringComparison.Ordinal);
        // The examples column gives way first, and the report says so.
        Assert.Contains("not shown at 100 columns: examples", s, StringComparison.Ordinal);
        // At a wide console it is there.
        Assert.DoesNotContain("not shown", Render(c => ConsoleReport.Write(summary, c), width: 220), StringComparison.Ordinal);
    }

    [Fact]
    public void ConsoleTable_Narrow_CutsLongTextWithEllipsisNeverMidWord()
    {
        var t = new ConsoleTable("t").Column("column", ColumnKind.Key).Column("method", ColumnKind.Word)
            .Column("value", ColumnKind.Number).Column("why", ColumnKind.Long);
        t.Row("prediction_score", "jensenshannon", "12,345", "categorical, reference > 1,000 rows, and a long tail of words");
        string s = Render(t.Write, width: 60);
        AssertFits(s, 60);
        Assert.Contains("prediction_score", s, StringComparison.Ordinal);
        Assert.Contains("jensenshannon", s, StringComparison.Ordinal);
        Assert.Contains("12,345", s, StringComparison.Ordinal);
        Assert.Contains("…", s, StringComparison.Ordinal);
        // One row is one line: nothing wrapped.
        Assert.Single(s.Split('\n'), l => l.Contains("jensen", StringComparison.Ordinal));
        // Numbers stay right-aligned.
        Assert.Contains("│ 12,345 │", s, StringComparison.Ordinal);
    }

    [Fact]
    public void ConsoleTable_TooManyNumbers_DropsTheRightmostWholeNeverCutsOne()
    {
        var t = new ConsoleTable("t").Column("start", ColumnKind.Key).Column("version", ColumnKind.Word);
        string[] metrics = ["rows", "labeled", "positive_rate", "mean_score", "roc_auc", "accuracy", "f1", "precision"];
        foreach (var m in metrics) t.Column(m, ColumnKind.Number);
        t.Row(["2026-01-01", "v1", "1,872", "1,872", "2.56%", "0.0248", "0.7927", "0.9728", "0.0377", "0.1250"]);
        string s = Render(t.Write, width: 70);
        AssertFits(s, 70);
        // No number is cut: every number shown is whole, and the ones left out are named under the table.
        Assert.DoesNotContain("…", s, StringComparison.Ordinal);
        Assert.Contains("2.56%", s, StringComparison.Ordinal);
        Assert.Contains("│ 1,872 │   1,872 │         2.56% │", s, StringComparison.Ordinal);
        Assert.Contains("not shown at 70 columns", s, StringComparison.Ordinal);
        Assert.Contains("precision", s.Split('\n').Last(l => l.Length > 0), StringComparison.Ordinal);
    }

    [Fact]
    public void Drift_At100Columns_FitsWithMethodNamesWhole()
    {
        static ColumnDrift Col(string name, string role, string method, double stat, bool drifted) => new()
        {
            Name = name, Role = role, Type = ColumnType.Categorical, Method = method,
            Reason = "categorical, reference > 1,000 rows", Result = new DriftTestResult(method, stat, null, 0.1, drifted),
            ReferenceMissing = 1103, CurrentMissing = 1383, DistinctValues = 4, Drifted = drifted,
        };
        var r = new DriftResult
        {
            Reference = new SourceInfo("vigil-demo/reference.csv", "duckdb", []),
            Current = new SourceInfo("vigil-demo/current.csv", "duckdb", []),
            ReferenceRows = 56_240, CurrentRows = 68_736,
            Dataset = new DatasetDrift(false, 1 / 3.0, 1, 3, 0.5),
            Columns = [Col("merchant_category", "feature", "jensenshannon", 0.4654, true), Col("prediction_score", "prediction", "wasserstein", 0.08, false),
                Col("score_out_of_range_flag", "feature", "jensenshannon", 0.01, false)],
        };
        string s = Render(c => DriftReport.Write(r, c), width: 100);
        AssertFits(s, 100);
        Assert.Contains("jensenshannon", s, StringComparison.Ordinal);
        Assert.Contains("wasserstein", s, StringComparison.Ordinal);
        Assert.Contains("merchant_category", s, StringComparison.Ordinal);
        Assert.Contains("prediction_score (prediction)", s, StringComparison.Ordinal);
        Assert.Contains("score_out_of_range_flag", s, StringComparison.Ordinal);
        Assert.DoesNotContain("jensensha\n", s, StringComparison.Ordinal);
        // Names stay whole: the reasons, then the missing counts, give way first, and the report says so.
        Assert.Contains("not shown at 100 columns: why this method; left out (ref / cur)", s, StringComparison.Ordinal);
        string wide = Render(c => DriftReport.Write(r, c), width: 170);
        Assert.Contains("1,103 / 1,383", wide, StringComparison.Ordinal);
        Assert.Contains("categorical, reference > 1,000 rows", wide, StringComparison.Ordinal);
    }
}
