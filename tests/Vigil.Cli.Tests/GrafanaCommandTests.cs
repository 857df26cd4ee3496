using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil grafana</c>: writes the dashboard for a config, to a file or standard output; a bad config is one
/// line and exit 2, with no file written.</summary>
public sealed class GrafanaCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private string Config(string models)
    {
        var path = Path.Combine(_dir, "vigil.yaml");
        File.WriteAllText(path, "keys:\n  - key: abcdefghij\n    scopes: [read]\nmodels:\n" + models);
        return path;
    }

    [Fact]
    public void GoodConfig_WritesADashboard_WithARowPerModel()
    {
        var config = Config("  fraud:\n    task: binary\n    monitors:\n      - name: auc\n        metric: roc_auc\n        threshold: {min: 0.8}\n" +
                            "  eta:\n    task: regression\n    monitors:\n      - name: mae\n        metric: mae\n        threshold: {max: 4}\n");
        var o = VigilProcess.Run(_dir, "grafana", "--config", config, "--out", "dash.json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "dash.json")));
        Assert.Equal(39, doc.RootElement.GetProperty("schemaVersion").GetInt32());
        var rows = doc.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() == "row" && p.GetProperty("collapsed").GetBoolean())
            .Select(p => p.GetProperty("title").GetString()!).ToList();
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("fraud", rows[0]);
        Assert.StartsWith("eta", rows[1]);
        // Standard output gets the same dashboard.
        var stdout = VigilProcess.Run(_dir, "grafana", "--config", config);
        Assert.Equal(0, stdout.ExitCode);
        Assert.Equal(File.ReadAllText(Path.Combine(_dir, "dash.json")).Trim(), stdout.Stdout.Trim());
    }

    [Fact]
    public void BadConfig_IsOneLine_Exit2_AndNoFile()
    {
        var config = Config("  fraud:\n    task: binary\n    monitors:\n      - name: auc\n        metric: roc-auc\n        threshold: {min: 0.8}\n");
        var o = VigilProcess.Run(_dir, "grafana", "--config", config, "--out", "dash.json");
        VigilProcess.AssertBadInput(o, "line 9: metric: 'roc-auc' is not a metric", _dir, Path.Combine(_dir, "dash.json"));
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "grafana", "--config", Path.Combine(_dir, "missing.yaml")), "no such config file", _dir);
    }

    [Fact]
    public void Help_SaysWhatItWritesAndHowToUseIt()
    {
        var o = VigilProcess.Run(_dir, "grafana", "--help");
        Assert.Equal(0, o.ExitCode);
        foreach (var s in new[] { "DS_PROMETHEUS", "model variable", "--config", "--out", "Import", "vigil grafana --config vigil.yaml --out" })
            Assert.Contains(s, o.Stdout);
    }
}
