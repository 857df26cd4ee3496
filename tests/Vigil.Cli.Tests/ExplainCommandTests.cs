using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil explain</c> end to end: the JSON contract, determinism, the report formats, feature impact in
/// <c>vigil compare --features</c>, and bad input (one line, exit 2, no output file).</summary>
public sealed class ExplainCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Known => Path.Combine(AppContext.BaseDirectory, "Fixtures", "explain_known.csv");
    private static string Versions => Path.Combine(AppContext.BaseDirectory, "Fixtures", "explain_versions.csv");

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>A log of <paramref name="rows"/> rows: id, x (numeric), c (text), score = f(x) unless constant.</summary>
    private string Log(string name, int rows, bool constantScore = false, string header = "prediction_id,x,c,prediction_score")
    {
        var sb = new StringBuilder(header + "\n");
        var rng = new Random(3);
        for (var i = 0; i < rows; i++)
        {
            var x = rng.NextDouble();
            var score = constantScore ? 0.5 : 0.1 + 0.8 * x;
            sb.Append(CultureInfo.InvariantCulture, $"p{i},{x:R},{(i % 3 == 0 ? "a" : "b")},{score:R}\n");
        }
        return Write(name, sb.ToString());
    }

    [Fact]
    public void Json_FollowsTheDocumentedContract()
    {
        var o = VigilProcess.Run(_dir, "explain", Known, "--segment-by", "region", "-f", "json", "-q");
        Assert.Equal(0, o.ExitCode);
        var d = JsonDocument.Parse(o.Stdout).RootElement;
        Assert.Equal("explanation", d.GetProperty("kind").GetString());
        var s = d.GetProperty("surrogate");
        foreach (var f in new[] { "r2", "trees", "leaves", "sample_rows", "eligible_rows", "shap_rows", "target", "target_column", "expected_value", "low_fidelity" })
            Assert.True(s.TryGetProperty(f, out _), f);
        Assert.Equal("logit", s.GetProperty("target").GetString());
        Assert.True(s.GetProperty("r2").GetDouble() >= 0.9);
        var features = d.GetProperty("features");
        Assert.Equal("x1", features[0].GetProperty("feature").GetString());
        Assert.Equal(1, features[0].GetProperty("rank").GetInt32());
        foreach (var f in new[] { "feature", "type", "mean_abs_shap", "rank", "mutual_information", "spearman" }) Assert.True(features[0].TryGetProperty(f, out _), f);
        var segs = d.GetProperty("segments");
        Assert.Equal(2, segs.GetArrayLength());
        Assert.Equal("north", segs[0].GetProperty("segment").GetProperty("region").GetString());
        Assert.Equal("x1", segs[0].GetProperty("features")[0].GetProperty("feature").GetString());
        Assert.True(d.GetProperty("summary_plot")[0].GetProperty("points").GetArrayLength() > 0);
        Assert.False(d.TryGetProperty("comparison", out _));
    }

    [Fact]
    public void SameSeed_GivesIdenticalJson()
    {
        var a = VigilProcess.Run(_dir, "explain", Known, "--sample-rows", "1500", "--shap-rows", "200", "-f", "json", "-q");
        var b = VigilProcess.Run(_dir, "explain", Known, "--sample-rows", "1500", "--shap-rows", "200", "-f", "json", "-q");
        Assert.Equal(0, a.ExitCode);
        Assert.Equal(a.Stdout, b.Stdout);
        var c = VigilProcess.Run(_dir, "explain", Known, "--sample-rows", "1500", "--shap-rows", "200", "--seed", "7", "-f", "json", "-q");
        Assert.NotEqual(a.Stdout, c.Stdout);
    }

    [Theory]
    [InlineData("html", "<svg class=\"chart beeswarm\"")]
    [InlineData("markdown", "# Vigil explanation")]
    [InlineData("console", "Features by impact on the scores")]
    public void Formats_RenderTheExplanation(string format, string expected)
    {
        var o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" }, "explain", Versions, "--baseline", "v2.0", "--candidate", "v2.1",
            "--segment-by", "region", "--shap-rows", "300", "-f", format, "-q");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains(expected, o.Stdout, StringComparison.Ordinal);
        if (format == "console")
        {
            Assert.Contains("What moved", o.Stdout, StringComparison.Ordinal);
            Assert.All(o.Stdout.Split('\n'), l => Assert.True(l.Length <= 100, $"line wider than 100 columns: {l}"));
        }
    }

    [Fact]
    public void TwoVersions_JsonComparison_TheChangedFeatureFirst()
    {
        var o = VigilProcess.Run(_dir, "explain", Versions, "--compare-by", "model_version", "--shap-rows", "500", "-f", "json", "-q");
        Assert.Equal(0, o.ExitCode);
        var c = JsonDocument.Parse(o.Stdout).RootElement.GetProperty("comparison");
        Assert.Equal("v2.0", c.GetProperty("baseline").GetString());
        Assert.Equal("x3", c.GetProperty("changes")[0].GetProperty("feature").GetString());
        Assert.True(c.GetProperty("baseline_surrogate").GetProperty("r2").GetDouble() > 0.9);
    }

    [Fact]
    public void Compare_WithFeatures_ReportsFeatureImpact_TheChangedFeatureFirst()
    {
        var o = VigilProcess.Run(_dir, "compare", Versions, "--baseline", "v2.0", "--candidate", "v2.1", "--features", "x1,x2,x3,channel,device", "-f", "json", "-q");
        Assert.Equal(0, o.ExitCode);
        var d = JsonDocument.Parse(o.Stdout).RootElement;
        var impact = d.GetProperty("feature_impact");
        Assert.Equal(5, impact.GetArrayLength());
        Assert.Equal("x3", impact[0].GetProperty("feature").GetString());
        var s = d.GetProperty("surrogate");
        Assert.False(s.GetProperty("low_fidelity").GetBoolean());
        Assert.Equal(5000, s.GetProperty("sample_rows").GetInt64());
        var plain = VigilProcess.Run(_dir, "compare", Versions, "--baseline", "v2.0", "--candidate", "v2.1", "-f", "json", "-q");
        Assert.False(JsonDocument.Parse(plain.Stdout).RootElement.TryGetProperty("feature_impact", out _));
    }

    [Fact]
    public void Help_TeachesWithExamples()
    {
        var o = VigilProcess.Run(_dir, "explain", "--help");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("vigil explain predictions.parquet --baseline v2.0 --candidate v2.1", o.Stdout, StringComparison.Ordinal);
        Assert.Contains("--segment-by", o.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public void NoFeatures_SaysWhichColumnsWereConsideredAndWhy()
    {
        var path = Write("nofeat.csv", string.Concat(Enumerable.Range(0, 100).Select(i => i == 0 ? "prediction_id,k,prediction_score\n" : "")) +
            string.Concat(Enumerable.Range(0, 100).Select(i => $"p{i},same,{(i % 7 / 7.0).ToString("R", CultureInfo.InvariantCulture)}\n")));
        var outFile = Path.Combine(_dir, "e.json");
        var o = VigilProcess.Run(_dir, "explain", path, "--out", outFile, "-q");
        VigilProcess.AssertBadInput(o, "no features to explain: considered k: constant in the sample", _dir, outFile);
    }

    [Fact]
    public void OnlyRoleColumns_SaysSo()
    {
        var path = Write("roles.csv", "prediction_id,prediction_score\n" + string.Concat(Enumerable.Range(0, 60).Select(i => $"p{i},{(i / 60.0).ToString("R", CultureInfo.InvariantCulture)}\n")));
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "explain", path, "-q"), "no features to explain: every column plays another role", _dir);
    }

    [Fact]
    public void MissingFeatureColumn_IsNamed()
    {
        var path = Log("log.csv", 100);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "explain", path, "--features", "x,nope", "-q"), "feature column 'nope' given by --features not found", _dir);
    }

    [Fact]
    public void ConstantScore_NothingToExplain()
    {
        var path = Log("const.csv", 100, constantScore: true);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "explain", path, "-q"), "nothing to explain: the score is constant", _dir);
    }

    [Fact]
    public void NoScoreColumn_IsNamed()
    {
        var path = Log("noscore.csv", 100, header: "prediction_id,x,c,value");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "explain", path, "-q"), "no score or prediction column", _dir);
    }

    [Fact]
    public void TooFewRows_SaysHowMany()
    {
        var path = Log("few.csv", 30);
        var outFile = Path.Combine(_dir, "e.html");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "explain", path, "--out", outFile, "-q"), "too few rows to explain: 30", _dir, outFile);
    }

    [Fact]
    public void CompareBy_WithMoreThanTwoValues_ListsThem()
    {
        var path = Log("log.csv", 100);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "explain", path, "--compare-by", "x", "-q"), "needs exactly two values", _dir);
    }
}
