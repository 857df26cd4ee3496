using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil segments</c> end to end: a generated churn log with one planted miscalibrated pair of values
/// (tenure under 30 days on Saturdays) that must rank first, the formats, and the error contract.</summary>
public sealed class SegmentsCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void PlantedPair_RanksFirst_InJson()
    {
        var log = ChurnLog.Write(_dir);
        var o = VigilProcess.Run(_dir, "segments", log, "--by", "tenure_bucket,day_of_week,plan,device", "--label", "churned", "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        var root = doc.RootElement;
        Assert.Equal("segments", root.GetProperty("kind").GetString());
        Assert.Equal("calibration", root.GetProperty("metric").GetString());
        var segs = root.GetProperty("segments");
        Assert.True(segs.GetArrayLength() >= 1);
        var first = segs[0];
        var key = first.GetProperty("segment");
        Assert.Equal("<30d", key.GetProperty("tenure_bucket").GetString());
        Assert.Equal("Sat", key.GetProperty("day_of_week").GetString());
        Assert.Equal(2, key.EnumerateObject().Count());
        Assert.True(first.GetProperty("gap").GetDouble() > 0.1, "predicted far above observed");
        Assert.True(first.GetProperty("p_adjusted").GetDouble() < 1e-6);
        Assert.StartsWith("tenure_bucket = <30d and day_of_week = Sat: predicted 3", first.GetProperty("finding").GetString());
        Assert.Contains("churned, observed 1", first.GetProperty("finding").GetString());
        foreach (var field in new[] { "rows", "value", "complement", "gap", "lower", "upper", "p_value", "p_adjusted", "finding" })
            Assert.True(first.TryGetProperty(field, out _), field);
        // Ranked by the size of the gap.
        var gaps = segs.EnumerateArray().Select(s => Math.Abs(s.GetProperty("gap").GetDouble())).ToList();
        Assert.Equal(gaps.OrderByDescending(g => g), gaps);
    }

    [Fact]
    public void PlantedPair_RanksFirst_WithNumericBuckets_Depth2()
    {
        var log = ChurnLog.Write(_dir);
        var o = VigilProcess.Run(_dir, "segments", log, "--by", "tenure_days,day_of_week", "--buckets", "8", "--label", "churned", "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        var key = doc.RootElement.GetProperty("segments")[0].GetProperty("segment");
        Assert.Equal("Sat", key.GetProperty("day_of_week").GetString());
        Assert.StartsWith("[1, ", key.GetProperty("tenure_days").GetString());
    }

    [Fact]
    public void Console_FitsHundredColumns_AndNamesTheSegment()
    {
        var log = ChurnLog.Write(_dir);
        var o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" }, "segments", log, "--by", "tenure_bucket,day_of_week,plan,device", "--label", "churned", "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        foreach (var line in o.Stdout.Split('\n')) Assert.True(line.Length <= 100, $"wider than 100: {line}");
        Assert.Contains("worst: tenure_bucket = <30d and day_of_week = Sat", o.Stdout.Replace("\n", " "));
        Assert.Contains("\n1. tenure_bucket = <30d and day_of_week = Sat: predicted", o.Stdout);
    }

    [Fact]
    public void Html_And_Markdown_AreWritten()
    {
        var log = ChurnLog.Write(_dir);
        var html = Path.Combine(_dir, "s.html");
        var o = VigilProcess.Run(_dir, "segments", log, "--by", "tenure_bucket,day_of_week", "--label", "churned", "--out", html);
        Assert.True(o.ExitCode == 0, o.Stderr);
        var text = File.ReadAllText(html);
        Assert.Contains("data-report=\"segments\"", text);
        Assert.Contains("data-chart=\"segment-gaps\"", text);
        Assert.Contains("segments differ significantly in calibration", o.Stderr);
        var md = VigilProcess.Run(_dir, "segments", log, "--by", "tenure_bucket,day_of_week", "--label", "churned", "--format", "markdown");
        Assert.Contains("# Vigil segments", md.Stdout);
        Assert.Contains("| 1 | tenure_bucket = ", md.Stdout);
        Assert.Contains("30d and day_of_week = Sat |", md.Stdout);
    }

    [Fact]
    public void FailOnWarning_Exit1_WhenASegmentStandsOut()
    {
        var log = ChurnLog.Write(_dir);
        var o = VigilProcess.Run(_dir, "segments", log, "--by", "tenure_bucket,day_of_week", "--label", "churned", "--format", "json", "--fail-on", "warning");
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("--fail-on warning:", o.Stderr);
    }

    private void AssertBadInput(VigilProcess.Outcome o, string mustMention, string? outFile = null) => VigilProcess.AssertBadInput(o, mustMention, _dir, outFile);

    private string Small() => ChurnLog.Write(_dir, 400);

    [Fact]
    public void UnknownByColumn_Exit2_ListsColumns()
    {
        var outFile = Path.Combine(_dir, "r.json");
        AssertBadInput(VigilProcess.Run(_dir, "segments", Small(), "--by", "nope", "--label", "churned", "--out", outFile), "--by column 'nope' not found; columns are: customer_id, tenure_bucket", outFile);
    }

    [Fact]
    public void EverySegmentBelowMinRows_Exit2()
    {
        var outFile = Path.Combine(_dir, "r.json");
        AssertBadInput(VigilProcess.Run(_dir, "segments", Small(), "--by", "tenure_bucket", "--label", "churned", "--min-rows", "100000", "--out", outFile), "at least 100,000 rows", outFile);
    }

    [Fact]
    public void NoLabel_Exit2()
    {
        AssertBadInput(VigilProcess.Run(_dir, "segments", Small(), "--by", "plan"), "no label column");
    }

    [Fact]
    public void NoScore_Exit2()
    {
        var path = Path.Combine(_dir, "noscore.csv");
        File.WriteAllText(path, "plan,actual_label\na,1\nb,0\n");
        AssertBadInput(VigilProcess.Run(_dir, "segments", path, "--by", "plan"), "no score or prediction column");
    }

    [Fact]
    public void ConstantScore_RocAuc_Exit2()
    {
        var path = Path.Combine(_dir, "const.csv");
        File.WriteAllText(path, "plan,prediction_score,actual_label\na,0.5,1\nb,0.5,0\na,0.5,0\n");
        AssertBadInput(VigilProcess.Run(_dir, "segments", path, "--by", "plan", "--metric", "roc_auc"), "is constant");
    }

    [Fact]
    public void UnknownMetric_Exit2_ListsMetrics()
    {
        AssertBadInput(VigilProcess.Run(_dir, "segments", Small(), "--by", "plan", "--label", "churned", "--metric", "f2"), "calibration, roc_auc, accuracy, precision, recall");
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3")]
    [InlineData("two")]
    public void BadDepth_Exit2(string depth)
    {
        AssertBadInput(VigilProcess.Run(_dir, "segments", Small(), "--by", "plan", "--label", "churned", "--depth", depth), "--depth");
    }

    [Fact]
    public void MissingBy_Exit2()
    {
        AssertBadInput(VigilProcess.Run(_dir, "segments", Small(), "--label", "churned"), "--by is required");
    }
}
