using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil estimate</c> end to end: the JSON contract, the report formats, the gate, and bad input (one line,
/// exit 2, no output file).</summary>
public sealed class EstimateCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Scenario(string name, string file)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        return Path.Combine(d!.FullName, "tests", "fixtures", "scenarios", name, file);
    }

    private static readonly string[] Columns = ["--score", "score", "--label", "label", "--id", "id"];

    private VigilProcess.Outcome Estimate(params string[] args) =>
        VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" },
            ["estimate", "-r", Scenario("covariate_shift", "reference.csv"), "-a", Scenario("covariate_shift", "current.csv"), .. Columns, .. args]);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    [Fact]
    public void Json_FollowsTheDocumentedContract()
    {
        var o = Estimate("--chunk", "week", "-f", "json", "-q");
        Assert.Equal(0, o.ExitCode);
        var d = JsonDocument.Parse(o.Stdout).RootElement;
        Assert.Equal("estimation", d.GetProperty("kind").GetString());
        Assert.Equal("cbpe", d.GetProperty("method").GetString());
        var chunks = d.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal(5, chunks.Count);
        DateTime? previous = null;
        foreach (var c in chunks)
        {
            var start = c.GetProperty("start").GetDateTime();
            Assert.True(previous is null || start > previous, "chunks in data order");
            previous = start;
            Assert.True(c.GetProperty("end").GetDateTime() > start);
            Assert.True(c.GetProperty("rows").GetInt64() > 0);
            var auc = c.GetProperty("metrics").GetProperty("roc_auc");
            foreach (var f in new[] { "estimated", "lower", "upper", "realized", "threshold_lower", "threshold_upper", "alert" })
                Assert.True(auc.TryGetProperty(f, out _), f);
            Assert.True(auc.GetProperty("lower").GetDouble() <= auc.GetProperty("estimated").GetDouble());
        }
        Assert.Equal(4, d.GetProperty("reference_chunks").GetArrayLength());
    }

    [Fact]
    public void Multiclass_Json_NamesTheClassesAndTheirCalibration_AndHasNoAveragePrecision()
    {
        var o = VigilProcess.Run(_dir, "estimate", "-r", Scenario("multiclass_covariate_shift", "reference.csv"),
            "-a", Scenario("multiclass_covariate_shift", "current.csv"), "--label", "label", "--prediction", "prediction", "--chunk", "week", "-f", "json", "-q");
        Assert.Equal(0, o.ExitCode);
        var d = JsonDocument.Parse(o.Stdout).RootElement;
        Assert.Equal("estimation", d.GetProperty("kind").GetString());
        Assert.Equal("multiclass", d.GetProperty("task").GetString());
        Assert.Equal(["a", "b", "c"], d.GetProperty("classes").EnumerateArray().Select(c => c.GetString()!).ToArray());
        var cal = d.GetProperty("class_calibration").EnumerateArray().ToList();
        Assert.Equal(["proba_a", "proba_b", "proba_c"], cal.Select(c => c.GetProperty("column").GetString()!).ToArray());
        Assert.All(cal, c => Assert.True(c.TryGetProperty("calibrated", out _)));
        var metrics = d.GetProperty("chunks")[0].GetProperty("metrics");
        Assert.False(metrics.TryGetProperty("average_precision", out _));
        Assert.True(metrics.GetProperty("f1").GetProperty("realized").GetDouble() > 0);
        Assert.False(d.TryGetProperty("threshold", out _));
    }

    [Theory]
    [InlineData("html", "<svg class=\"chart\" data-chart=\"estimate\"")]
    [InlineData("markdown", "# Vigil estimate")]
    [InlineData("console", "Estimated performance per chunk")]
    public void Formats_RenderTheEstimate(string format, string expected)
    {
        var o = Estimate("--chunk", "week", "-f", format, "-q");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains(expected, o.Stdout, StringComparison.Ordinal);
        if (format == "console")
            Assert.All(o.Stdout.Split('\n'), l => Assert.True(l.Length <= 100, $"line wider than 100 columns: {l}"));
    }

    [Fact]
    public void FailOnError_Exits1_OnAlerts_AfterWritingTheReport()
    {
        var outFile = Path.Combine(_dir, "e.json");
        var o = Estimate("--chunk", "week", "--fail-on", "error", "-o", outFile, "-q");
        Assert.Equal(1, o.ExitCode);
        Assert.True(File.Exists(outFile));
        Assert.Contains("outside the thresholds", o.Stderr);
    }

    [Fact]
    public void ReferenceWithoutLabels_IsBadInput()
    {
        var outFile = Path.Combine(_dir, "e.json");
        var reference = Write("ref.csv", "score,x\n0.1,1\n0.9,2\n");
        var o = VigilProcess.Run(_dir, "estimate", "-r", reference, "-a", reference, "--score", "score", "-o", outFile);
        VigilProcess.AssertBadInput(o, "no label column", _dir, outFile);
    }

    [Fact]
    public void AnalysisWithColumnsTheReferenceLacks_IsBadInput()
    {
        var outFile = Path.Combine(_dir, "e.json");
        var reference = Write("ref.csv", "score,label\n0.1,0\n0.9,1\n0.4,0\n0.7,1\n");
        var analysis = Write("cur.csv", "score,label,extra\n0.1,0,1\n0.9,1,2\n");
        var o = VigilProcess.Run(_dir, "estimate", "-r", reference, "-a", analysis, "--score", "score", "--label", "label", "-o", outFile);
        VigilProcess.AssertBadInput(o, "columns the reference lacks: extra", _dir, outFile);
    }

    [Fact]
    public void ChunkBelowTheMinimum_IsBadInput_NamingTheChunk()
    {
        var outFile = Path.Combine(_dir, "e.json");
        var o = Estimate("--chunk", "day", "--min-chunk-rows", "1000", "-o", outFile);
        VigilProcess.AssertBadInput(o, "chunk 2021-03-01 has", _dir, outFile);
        Assert.Contains("at least 1,000 rows", o.Stderr);
    }

    [Fact]
    public void ConstantReferenceScores_AreBadInput()
    {
        var outFile = Path.Combine(_dir, "e.json");
        var reference = Write("ref.csv", "score,label\n0.3,0\n0.3,1\n0.3,0\n");
        var o = VigilProcess.Run(_dir, "estimate", "-r", reference, "-a", reference, "--score", "score", "--label", "label", "-o", outFile);
        VigilProcess.AssertBadInput(o, "every reference score is 0.3", _dir, outFile);
    }

    [Fact]
    public void AnalysisLabelsOfAnotherTask_AreBadInput()
    {
        var outFile = Path.Combine(_dir, "e.json");
        var reference = Write("ref.csv", "score,label\n0.1,0\n0.9,1\n0.4,0\n0.7,1\n");
        var analysis = Write("cur.csv", "score,label\n0.1,cat\n0.9,dog\n");
        var o = VigilProcess.Run(_dir, "estimate", "-r", reference, "-a", analysis, "--score", "score", "--label", "label", "-o", outFile);
        VigilProcess.AssertBadInput(o, "holds 'cat'", _dir, outFile);
    }

    [Fact]
    public void UnknownMetric_IsBadInput()
    {
        var o = Estimate("--metrics", "roc_auc,bogus");
        VigilProcess.AssertBadInput(o, "'bogus' is not a metric", _dir);
    }

    [Fact]
    public void ScoresOutsideZeroOne_AreBadInput()
    {
        var reference = Write("ref.csv", "score,label\n0.1,0\n1.9,1\n0.4,0\n0.7,1\n");
        var o = VigilProcess.Run(_dir, "estimate", "-r", reference, "-a", reference, "--score", "score", "--label", "label");
        VigilProcess.AssertBadInput(o, "outside [0, 1]", _dir);
    }
}
