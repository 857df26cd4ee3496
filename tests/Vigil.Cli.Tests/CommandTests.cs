using System.Text.Json;
using AngleSharp.Html.Parser;

namespace Vigil.Cli.Tests;

public sealed class CommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private string Generate(long rows)
    {
        var path = Path.Combine(_dir, "log.csv");
        var o = VigilProcess.Run(_dir, "generate", "--rows", rows.ToString(), "--out", path);
        Assert.True(o.ExitCode == 0, o.Stderr);
        return path;
    }

    [Fact]
    public void ProblemsPastTheSniffersFirst20kRows_GenerateParquet_AndSummaryOfTheCsv_Work()
    {
        // The injected problems (an unparseable timestamp, …) lie anywhere in the file: the Parquet writer must not take
        // the types from the first rows only (it did, and `generate --rows 3000000 -o log.parquet` failed).
        // With seed 8 and 30,000 rows the first unparseable timestamp is on line 23,724 of the CSV.
        var parquet = Path.Combine(_dir, "log.parquet");
        var o = VigilProcess.Run(_dir, "generate", "--rows", "30000", "--seed", "8", "--out", parquet);
        Assert.True(o.ExitCode == 0, o.Stderr);
        var csv = Path.Combine(_dir, "log.csv");
        Assert.Equal(0, VigilProcess.Run(_dir, "generate", "--rows", "30000", "--seed", "8", "--out", csv).ExitCode);
        Assert.Equal(23724, Array.FindIndex(File.ReadAllLines(csv), l => l.Contains("not-a-date", StringComparison.Ordinal) || l.Contains("2026-13-45", StringComparison.Ordinal)) + 1);
        var a = VigilProcess.Run(_dir, "summary", parquet, "--format", "json", "-q", "--as-of", "2030-01-01");
        Assert.True(a.ExitCode == 0, a.Stderr);
        using var pa = JsonDocument.Parse(a.Stdout);
        Assert.Equal(30000, pa.RootElement.GetProperty("total_rows").GetInt64());
        // The Parquet file keeps the bad timestamps as text, so the summary reports them rather than failing on them.
        Assert.Contains(pa.RootElement.GetProperty("quality").GetProperty("issues").EnumerateArray(), i => i.GetProperty("check").GetString() == "unparseable_timestamp");
        // The CSV too: DuckDB's sniffer types the timestamp column from the first 20,480 rows, the value on line 23,724
        // does not fit, and the command runs again with the column read as text (it failed with exit 2 before).
        var b = VigilProcess.Run(_dir, "summary", csv, "--format", "json", "-q", "--as-of", "2030-01-01");
        Assert.True(b.ExitCode == 0, b.Stderr);
        Assert.Equal("", b.Stderr);
        Assert.Equal(pa.RootElement.GetProperty("quality").ToString(), JsonDocument.Parse(b.Stdout).RootElement.GetProperty("quality").ToString());
        Assert.Equal(pa.RootElement.GetProperty("overall").ToString(), JsonDocument.Parse(b.Stdout).RootElement.GetProperty("overall").ToString());
    }

    [Fact]
    public void EvaluateJson_OnStdout_IsTheDocumentAlone()
    {
        var log = Generate(3000);
        var o = VigilProcess.Run(_dir, "evaluate", log, "--format", "json");
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(o.Stdout);
        var root = doc.RootElement;
        Assert.Equal("evaluation", root.GetProperty("kind").GetString());
        Assert.Equal("binary", root.GetProperty("task").GetString());
        Assert.Equal(0.5, root.GetProperty("threshold").GetDouble());
        foreach (var m in new[] { "roc_auc", "average_precision", "log_loss", "brier", "accuracy", "precision", "recall", "f1", "mcc", "balanced_accuracy", "specificity", "ece", "ks_statistic", "gini" })
            Assert.True(root.GetProperty("metrics").TryGetProperty(m, out _), m);
        foreach (var k in new[] { "tp", "fp", "tn", "fn" })
            Assert.True(root.GetProperty("confusion").GetProperty(k).GetInt64() >= 0);
        Assert.True(root.GetProperty("curves").GetProperty("roc").GetArrayLength() > 2);
    }

    [Fact]
    public void SummaryJson_HasPeriodsAndQuality()
    {
        var log = Generate(5000);
        var o = VigilProcess.Run(_dir, "summary", log, "--as-of", "2026-02-01", "--format", "json");
        Assert.Equal(0, o.ExitCode);
        using var doc = JsonDocument.Parse(o.Stdout);
        var root = doc.RootElement;
        Assert.Equal("summary", root.GetProperty("kind").GetString());
        var first = root.GetProperty("periods")[0];
        foreach (var k in new[] { "start", "model_version", "rows", "labeled", "metrics" })
            Assert.True(first.TryGetProperty(k, out _), k);
        var checks = root.GetProperty("quality").GetProperty("issues").EnumerateArray().Select(i => i.GetProperty("check").GetString()).ToHashSet();
        foreach (var c in new[] { "duplicate_id", "null_score", "score_out_of_range", "missing_label", "invalid_label", "future_timestamp", "unparseable_timestamp", "missing_period" })
            Assert.Contains(c, checks);
    }

    [Fact]
    public void HtmlReport_IsSelfContainedAndSmall()
    {
        var log = Generate(5000);
        var html = Path.Combine(_dir, "summary.html");
        var o = VigilProcess.Run(_dir, "summary", log, "--as-of", "2026-02-01", "--out", html);
        Assert.Equal(0, o.ExitCode);
        Assert.Equal("", o.Stdout);
        var text = File.ReadAllText(html);
        Assert.True(text.Length < 1_000_000, $"{text.Length} bytes");
        var doc = new HtmlParser().ParseDocument(text);
        Assert.NotEmpty(doc.QuerySelectorAll("svg"));
        foreach (var el in doc.QuerySelectorAll("[src],[href]"))
        {
            var url = el.GetAttribute("src") ?? el.GetAttribute("href") ?? "";
            Assert.False(url.StartsWith("http", StringComparison.OrdinalIgnoreCase) || url.StartsWith("//", StringComparison.Ordinal), url);
        }
    }

    [Fact]
    public void Demo_WritesReportsIntoItsFolder()
    {
        var o = VigilProcess.Run(_dir, "demo", "--rows", "20000", "--dir", "demo-out");
        Assert.True(o.ExitCode == 0, o.Stderr);
        foreach (var f in new[] { "predictions.csv", "summary.html", "summary.json", "summary.md", "evaluation.html", "evaluation.json", "reference.csv", "current.csv", "drift.html", "drift.json" })
            Assert.True(File.Exists(Path.Combine(_dir, "demo-out", f)), f);
        Assert.Contains("summary.html", o.Stdout);
        Assert.Contains("duplicate_id", o.Stdout);
        // The generator's drift shifts the amounts: the demo's drift report finds it.
        Assert.Contains("amount", o.Stdout[o.Stdout.IndexOf("Drift,", StringComparison.Ordinal)..]);

        // The drift command the demo suggests reports what the demo's own drift report says.
        var suggestion = o.Stdout.Split('\n').Single(l => l.TrimStart().StartsWith("vigil drift ", StringComparison.Ordinal)).Trim();
        Assert.Contains("--columns", suggestion);
        Assert.DoesNotContain("model_version", suggestion);
        var args = suggestion.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Concat(["--format", "json", "-q"]).ToArray();
        var drift = VigilProcess.Run(_dir, args);
        Assert.True(drift.ExitCode == 0, drift.Stderr);
        using var suggested = JsonDocument.Parse(drift.Stdout);
        using var demo = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "demo-out", "drift.json")));
        foreach (var key in new[] { "drifted_columns", "columns", "drifted" })
            Assert.Equal(demo.RootElement.GetProperty("dataset").GetProperty(key).ToString(), suggested.RootElement.GetProperty("dataset").GetProperty(key).ToString());
        Assert.Equal(demo.RootElement.GetProperty("chunks").GetArrayLength(), suggested.RootElement.GetProperty("chunks").GetArrayLength());
    }

    [Fact]
    public void Help_TeachesWithExamples()
    {
        var o = VigilProcess.Run(_dir, "evaluate", "--help");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("Examples:", o.Stdout);
        Assert.Contains("--segment-by", o.Stdout);
    }

    [Fact]
    public void ConfigFile_MapsColumns()
    {
        var csv = Path.Combine(_dir, "renamed.csv");
        File.WriteAllText(csv, "pid,p,y\na,0.9,1\nb,0.2,0\nc,0.7,0\nd,0.4,1\n");
        File.WriteAllText(Path.Combine(_dir, "vigil.yaml"), "columns:\n  id: pid\n  score: p\n  label: y\ntask: binary\n");
        var o = VigilProcess.Run(_dir, "evaluate", csv, "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.Equal(0.75, doc.RootElement.GetProperty("metrics").GetProperty("roc_auc").GetDouble(), 12);
    }
}
