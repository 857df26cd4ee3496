using System.Globalization;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil diagnose</c> end to end on the scenarios of tools/golden/generate_diagnose.py: the JSON contract, the
/// console width, the reports, <c>--fail-on</c>, and one test per kind of bad input (exit 2, one line, no file).</summary>
public sealed class DiagnoseCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Fx(string name) => Path.Combine(AppContext.BaseDirectory, "Fixtures", "diagnose", name + ".csv");

    /// <summary>The reference fixture with each line changed by <paramref name="edit"/> (header: index 0), written to the temp dir.</summary>
    private string Edited(string name, Func<string[], int, string[]?> edit, string from = "reference")
    {
        var lines = File.ReadAllLines(Fx(from));
        var output = new List<string>();
        for (var i = 0; i < lines.Length; i++)
            if (edit(lines[i].Split(','), i) is { } cells) output.Add(string.Join(',', cells));
        var path = Path.Combine(_dir, name + ".csv");
        File.WriteAllLines(path, output);
        return path;
    }

    // Columns: prediction_id,timestamp,x1,x2,x3,plan,prediction_score,actual_label
    private const int Score = 6, Label = 7;

    [Fact]
    public void Json_ConceptDrift_FollowsTheContract()
    {
        var o = VigilProcess.Run(_dir, "diagnose", "-r", Fx("reference"), "-c", Fx("concept"), "--format", "json", "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        var root = doc.RootElement;
        Assert.Equal(["kind", "schema_version", "verdict", "recommendation", "rule", "steps"], root.EnumerateObject().Take(6).Select(p => p.Name));
        Assert.Equal("diagnosis", root.GetProperty("kind").GetString());
        Assert.Equal("concept_drift", root.GetProperty("verdict").GetString());
        Assert.StartsWith("Retrain on recent data with a time-based split", root.GetProperty("recommendation").GetString());
        var steps = root.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["metric", "quality", "covariate_shift", "concept_drift", "segments", "recommendation"], steps.Select(s => s.GetProperty("step").GetString()));
        string[] evidence = ["metric", "quality", "shift", "concept", "segments", "decision"];
        for (var i = 0; i < steps.Count; i++)
        {
            Assert.False(string.IsNullOrEmpty(steps[i].GetProperty("finding").GetString()));
            Assert.Equal([evidence[i]], steps[i].GetProperty("evidence").EnumerateObject().Select(p => p.Name));
        }
        var m = steps[0].GetProperty("evidence").GetProperty("metric");
        Assert.True(m.GetProperty("real").GetBoolean());
        Assert.True(m.GetProperty("p_value").GetDouble() < 1e-10);
        Assert.True(steps[3].GetProperty("evidence").GetProperty("concept").GetProperty("concept_drift").GetBoolean());
    }

    [Fact]
    public void Console_FitsHundredColumns_AndLeadsWithTheVerdict()
    {
        var o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" }, "diagnose", "-r", Fx("reference"), "-c", Fx("mixed"), "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        foreach (var line in o.Stdout.Split('\n')) Assert.True(line.Length <= 100, $"wider than 100: {line}");
        var verdict = o.Stdout.IndexOf("\nMixed causes: Retrain", StringComparison.Ordinal);
        Assert.True(verdict > 0 && verdict < o.Stdout.IndexOf("1. Is the drop real?", StringComparison.Ordinal), "the verdict comes first");
        foreach (var title in new[] { "1. Is the drop real?", "2. Is the pipeline broken?", "3. Which inputs moved?", "4. Data drift or concept drift?", "5. Where is the drop?", "6. What to do" })
            Assert.Contains(title, o.Stdout);
    }

    [Fact]
    public void FailOnError_BrokenPipeline_Exits1_AfterWritingTheReport()
    {
        var html = Path.Combine(_dir, "d.html");
        var o = VigilProcess.Run(_dir, "diagnose", "-r", Fx("reference"), "-c", Fx("pipeline"), "--fail-on", "error", "--out", html, "-q");
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("--fail-on error: the diagnosis is data_quality", o.Stderr);
        var page = File.ReadAllText(html);
        Assert.Contains("data-chart=\"expected-vs-realized\"", page);
        Assert.True(page.IndexOf("Data quality: Fix the pipeline", StringComparison.Ordinal) < page.IndexOf("<svg", StringComparison.Ordinal), "the verdict comes before the chart");

        var fine = VigilProcess.Run(_dir, "diagnose", "-r", Fx("reference"), "-c", Fx("concept"), "--fail-on", "error", "--format", "markdown", "-q");
        Assert.True(fine.ExitCode == 0, fine.Stderr);
        Assert.StartsWith("# Vigil diagnose", fine.Stdout);
        Assert.Contains("**Verdict:** Concept drift", fine.Stdout);
    }

    [Fact]
    public void NewModelVersion_RealDrop_RecommendsARollBack()
    {
        var reference = Edited("ref_v1", (c, i) => [.. c, i == 0 ? "model_version" : "v1"]);
        var current = Edited("cur_v2", (c, i) => [.. c, i == 0 ? "model_version" : "v2"], "concept");
        var o = VigilProcess.Run(_dir, "diagnose", "-r", reference, "-c", current, "--format", "json", "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.Equal("concept_drift", doc.RootElement.GetProperty("verdict").GetString());
        Assert.StartsWith("Roll back to the reference's model version: v2 is new", doc.RootElement.GetProperty("recommendation").GetString());
        Assert.Contains("→ roll back", doc.RootElement.GetProperty("rule").GetString());
    }

    [Fact]
    public void MissingFeature_IsAPipelineError()
    {
        var current = Edited("no_x3", (c, _) => [.. c[..4], .. c[5..]], "no_change");
        var o = VigilProcess.Run(_dir, "diagnose", "-r", Fx("reference"), "-c", current, "--format", "json", "--fail-on", "error", "-q");
        Assert.Equal(1, o.ExitCode);
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.Equal("data_quality", doc.RootElement.GetProperty("verdict").GetString());
        var issue = doc.RootElement.GetProperty("steps")[1].GetProperty("evidence").GetProperty("quality").GetProperty("issues")[0];
        Assert.Equal(("schema_missing_column", "x3", "error"), (issue.GetProperty("check").GetString(), issue.GetProperty("column").GetString(), issue.GetProperty("severity").GetString()));
    }

    [Fact]
    public void BadInput_ReferenceWithoutLabels()
    {
        var noColumn = Edited("nolabel", (c, _) => c[..Label]);
        var outFile = Path.Combine(_dir, "out.json");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "diagnose", "-r", noColumn, "-c", Fx("concept"), "--out", outFile, "-q"), "no label column", _dir, outFile);
        var empty = Edited("emptylabel", (c, i) => i == 0 ? c : [.. c[..Label], ""]);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "diagnose", "-r", empty, "-c", Fx("concept"), "--out", outFile, "-q"), "so the reference needs labels", _dir, outFile);
    }

    [Fact]
    public void BadInput_ColumnsTheReferenceLacks()
    {
        var withExtra = Edited("extra", (c, i) => [.. c, i == 0 ? "x9" : "1.5"]);
        var outFile = Path.Combine(_dir, "out.html");
        // x9 is in the current data only: naming it as a feature is an error about the reference.
        var o = VigilProcess.Run(_dir, "diagnose", "-r", Fx("reference"), "-c", withExtra, "--features", "x1,x9", "--out", outFile, "-q");
        VigilProcess.AssertBadInput(o, "reference.csv: feature column 'x9' given by --features not found", _dir, outFile);
        var o2 = VigilProcess.Run(_dir, "diagnose", "-r", Fx("reference"), "-c", Fx("concept"), "--score", "p_churn", "--out", outFile, "-q");
        VigilProcess.AssertBadInput(o2, "column 'p_churn' given by --score not found", _dir, outFile);
    }

    [Fact]
    public void BadInput_ConstantScoresInTheReference()
    {
        var constant = Edited("constant", (c, i) => i == 0 ? c : [.. c[..Score], "0.3", c[Label]]);
        var outFile = Path.Combine(_dir, "out.md");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "diagnose", "-r", constant, "-c", Fx("concept"), "--out", outFile, "-q"), "constant scores rank nothing", _dir, outFile);
    }

    [Fact]
    public void BadInput_LabelsThatContradictTheTask()
    {
        var multi = Edited("multiclass", (c, i) => i == 0 ? c : [.. c[..Label], (i % 4).ToString(CultureInfo.InvariantCulture)]);
        var outFile = Path.Combine(_dir, "out.json");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "diagnose", "-r", multi, "-c", Fx("concept"), "--out", outFile, "-q"), "holds values that are not binary", _dir, outFile);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "diagnose", "-r", Fx("reference"), "-c", Fx("concept"), "--task", "regression", "--out", outFile, "-q"),
            "diagnose explains a binary classifier's drop", _dir, outFile);
    }
}
