using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil compare</c> end to end: the JSON contract, the report formats, the gate, and bad input (one line,
/// exit 2, no output file).</summary>
public sealed class CompareCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Log => Path.Combine(AppContext.BaseDirectory, "Fixtures", "compare_independent.csv");

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Json_FollowsTheDocumentedContract()
    {
        var o = VigilProcess.Run(_dir, "compare", Log, "--baseline", "v2.0", "--candidate", "v2.1", "--segment-by", "region", "-f", "json", "-q");
        Assert.Equal(0, o.ExitCode);
        var d = JsonDocument.Parse(o.Stdout).RootElement;
        Assert.Equal("comparison", d.GetProperty("kind").GetString());
        Assert.Equal("v2.0", d.GetProperty("baseline").GetString());
        Assert.Equal("v2.1", d.GetProperty("candidate").GetString());
        Assert.False(d.GetProperty("paired").GetBoolean());
        var segs = d.GetProperty("segments");
        Assert.Equal(0, segs[0].GetProperty("segment").EnumerateObject().Count());
        Assert.Equal("south", segs[1].GetProperty("segment").GetProperty("region").GetString());
        Assert.Equal("worse", segs[1].GetProperty("verdict").GetString());
        foreach (var s in segs.EnumerateArray())
        {
            Assert.True(s.GetProperty("baseline").GetProperty("rows").GetInt64() > 0);
            Assert.True(s.GetProperty("candidate").GetProperty("metrics").GetProperty("roc_auc").ValueKind == JsonValueKind.Number);
            var auc = s.GetProperty("difference").GetProperty("roc_auc");
            foreach (var f in new[] { "value", "lower", "upper", "p_value", "p_adjusted", "test" }) Assert.True(auc.TryGetProperty(f, out _), f);
            Assert.Contains(s.GetProperty("verdict").GetString(), new[] { "worse", "better", "no_evidence" });
        }
    }

    [Theory]
    [InlineData("html", "<svg class=\"chart forest\"")]
    [InlineData("markdown", "# Vigil comparison")]
    [InlineData("console", "roc_auc by segment")]
    public void Formats_RenderTheComparison(string format, string expected)
    {
        var o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" }, "compare", Log, "--baseline", "v2.0", "--candidate", "v2.1", "--segment-by", "region", "-f", format, "-q");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains(expected, o.Stdout, StringComparison.Ordinal);
        if (format == "console")
            Assert.All(o.Stdout.Split('\n'), l => Assert.True(l.Length <= 100, $"line wider than 100 columns: {l}"));
    }

    [Fact]
    public void FailOnWorse_Exits1_AfterWritingTheReport()
    {
        var outFile = Path.Combine(_dir, "c.json");
        var o = VigilProcess.Run(_dir, "compare", Log, "--baseline", "v2.0", "--candidate", "v2.1", "--segment-by", "region", "--out", outFile, "--fail-on", "worse", "-q");
        Assert.Equal(1, o.ExitCode);
        Assert.True(File.Exists(outFile));
        Assert.Contains("--fail-on worse", o.Stderr, StringComparison.Ordinal);
        var fine = VigilProcess.Run(_dir, "compare", Log, "--baseline", "v2.1", "--candidate", "v2.0", "--fail-on", "worse", "-q", "-f", "json");
        Assert.Equal(0, fine.ExitCode);
    }

    [Fact]
    public void UnknownVersion_Exit2_ListsVersions()
    {
        var outFile = Path.Combine(_dir, "c.json");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "compare", Log, "--baseline", "v2.0", "--candidate", "v3", "--out", outFile), "versions present: v2.0, v2.1", _dir, outFile);
    }

    [Fact]
    public void MissingSegmentColumn_Exit2()
    {
        var outFile = Path.Combine(_dir, "c.html");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "compare", Log, "--baseline", "v2.0", "--candidate", "v2.1", "--segment-by", "country", "--out", outFile), "'country' not found", _dir, outFile);
    }

    [Fact]
    public void NoVersionsGiven_Exit2()
    {
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "compare", Log), "--baseline and --candidate", _dir);
    }

    [Fact]
    public void OnlyOneOfTwoLogs_Exit2()
    {
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "compare", "--baseline-log", Log), "go together", _dir);
    }

    [Fact]
    public void UnknownMetric_Exit2_ListsMetrics()
    {
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "compare", Log, "--baseline", "v2.0", "--candidate", "v2.1", "--metric", "auc"), "roc_auc", _dir);
    }

    [Fact]
    public void RegressionLog_Exit2_SaysWhatIsSupported()
    {
        var f = Write("reg.csv", "model_version,prediction,actual_label\nv1,1.5,1.2\nv1,2.5,2.0\nv2,1.0,1.2\nv2,3.5,2.0\n");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "compare", f, "--baseline", "v1", "--candidate", "v2"), "binary classifiers", _dir);
    }

    [Fact]
    public void CandidateWithoutValidRows_Exit2()
    {
        var f = Write("bad.csv", "model_version,prediction_score,actual_label\nv1,0.9,1\nv1,0.2,0\nv2,,1\nv2,,0\n");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "compare", f, "--baseline", "v1", "--candidate", "v2"), "the candidate 'v2' has no rows", _dir);
    }

    [Fact]
    public void TwoLogs_CompareFileAgainstFile()
    {
        var a = Write("a.csv", "prediction_score,actual_label\n0.9,1\n0.8,1\n0.3,0\n0.2,0\n0.6,1\n0.4,0\n");
        var b = Write("b.csv", "prediction_score,actual_label\n0.9,0\n0.8,1\n0.3,1\n0.2,0\n0.6,1\n0.4,0\n");
        var o = VigilProcess.Run(_dir, "compare", "--baseline-log", a, "--candidate-log", b, "-f", "json", "-q");
        Assert.Equal(0, o.ExitCode);
        var d = JsonDocument.Parse(o.Stdout).RootElement;
        Assert.EndsWith("a.csv", d.GetProperty("baseline").GetString(), StringComparison.Ordinal);
        Assert.Equal(1.0, d.GetProperty("segments")[0].GetProperty("baseline").GetProperty("metrics").GetProperty("roc_auc").GetDouble());
    }
}
