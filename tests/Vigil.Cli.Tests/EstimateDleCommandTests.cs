using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil estimate</c> on a regression model (DLE) end to end: JSON, the help, fixed loss thresholds with
/// --fail-on, and bad input (one line, exit 2, no output file).</summary>
public sealed class EstimateDleCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Reference => Path.Combine(AppContext.BaseDirectory, "Fixtures", "dle_reference.csv");
    private static string Analysis => Path.Combine(AppContext.BaseDirectory, "Fixtures", "dle_analysis.csv");

    [Fact]
    public void Json_RegressionModel_IsEstimatedWithDle()
    {
        var o = VigilProcess.Run(_dir, "estimate", "-r", Reference, "-a", Analysis, "--label", "label", "--id", "id", "--chunk", "100", "--format", "json", "--quiet");
        Assert.True(o.ExitCode == 0, o.Stderr);
        var root = JsonDocument.Parse(o.Stdout).RootElement;
        Assert.Equal("dle", root.GetProperty("method").GetString());
        Assert.Equal("regression", root.GetProperty("task").GetString());
        Assert.False(root.TryGetProperty("threshold", out _));
        Assert.False(root.TryGetProperty("calibration", out _));
        Assert.Equal(["mae", "mse", "rmse", "mape", "msle", "rmsle"], root.GetProperty("metrics").EnumerateArray().Select(m => m.GetString()!));
        var mae = root.GetProperty("chunks")[0].GetProperty("metrics").GetProperty("mae");
        Assert.True(mae.GetProperty("estimated").GetDouble() > 0);
        Assert.True(mae.GetProperty("upper").GetDouble() > 1, "a loss's band is not clipped to [0, 1]");
    }

    [Fact]
    public void FailOn_FixedLossThresholdAboveOne_GatesTheRun()
    {
        var o = VigilProcess.Run(_dir, "estimate", "-r", Reference, "-a", Analysis, "--label", "label", "--id", "id", "--chunk", "100",
            "--metrics", "mae,mse", "--alert-threshold", "mae=:1.5", "--alert-threshold", "mse=:1000", "--fail-on", "error", "--format", "json", "--quiet");
        Assert.Equal(1, o.ExitCode);
        var alerts = JsonDocument.Parse(o.Stdout).RootElement.GetProperty("alerts").EnumerateArray().ToList();
        Assert.Equal(4, alerts.Count);
        Assert.All(alerts, a => Assert.Equal("mae", a.GetProperty("metric").GetString()));
    }

    [Fact]
    public void Help_MentionsDle()
    {
        var o = VigilProcess.Run(_dir, "estimate", "--help");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("direct loss estimation (DLE)", o.Stdout);
    }

    [Fact]
    public void BadInput_OneLineExitTwo()
    {
        var outFile = Path.Combine(_dir, "out.json");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "estimate", "-r", Reference, "-a", Analysis, "--label", "label", "--id", "id", "--metrics", "mae,roc_auc", "--out", outFile),
            "not a metric DLE estimates", _dir, outFile);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "estimate", "-r", Reference, "-a", Analysis, "--label", "label", "--id", "id", "--alert-threshold", "mae=:-1"),
            "--alert-threshold", _dir);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "estimate", "-r", Reference, "-a", Analysis, "--label", "label", "--id", "id", "--chunk", "1000", "--min-chunk-rows", "500"),
            "DLE's band needs at least 500 rows", _dir);
    }
}
