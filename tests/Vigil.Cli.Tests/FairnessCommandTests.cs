using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil fairness</c> end to end on the generated loan log (tests/fixtures/fairness/loans.csv): the JSON
/// contract, the formats, the gate and the error contract.</summary>
public sealed class FairnessCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private void AssertBadInput(VigilProcess.Outcome o, string mustMention, string? outFile = null) => VigilProcess.AssertBadInput(o, mustMention, _dir, outFile);

    private static string Loans()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        return Path.Combine(d!.FullName, "tests", "fixtures", "fairness", "loans.csv");
    }

    /// <summary>A small log written to the test's directory, one line per row.</summary>
    private string Log(string name, string header, IEnumerable<string> rows)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllLines(path, new[] { header }.Concat(rows));
        return path;
    }

    [Fact]
    public void Json_HasTheDocumentedShape()
    {
        var o = VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender,race", "--format", "json", "--proxy-rows", "2000");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        var root = doc.RootElement;
        Assert.Equal("fairness", root.GetProperty("kind").GetString());
        Assert.Equal(0.5, root.GetProperty("threshold").GetDouble());
        Assert.Equal("default", root.GetProperty("threshold_source").GetString());
        Assert.Equal("male", root.GetProperty("reference_group").GetProperty("gender").GetString());
        Assert.Equal("white", root.GetProperty("reference_group").GetProperty("race").GetString());
        var groups = root.GetProperty("groups").EnumerateArray().ToList();
        var inter = groups.First(g => g.GetProperty("attribute").GetString() == "gender&race" && g.GetProperty("value").GetString() == "female&black");
        foreach (var m in new[] { "selection_rate", "tpr", "fpr", "fnr", "precision", "accuracy", "roc_auc" })
            Assert.True(inter.GetProperty("metrics").TryGetProperty(m, out _), m);
        Assert.True(inter.GetProperty("intervals").GetProperty("tpr").GetProperty("lower").GetDouble() < inter.GetProperty("metrics").GetProperty("tpr").GetDouble());
        var other = groups.First(g => g.GetProperty("attribute").GetString() == "race" && g.GetProperty("value").GetString() == "other");
        Assert.Equal(JsonValueKind.Null, other.GetProperty("metrics").GetProperty("tpr").ValueKind);
        Assert.Contains("no positive labels", other.GetProperty("undefined").GetProperty("tpr").GetString());
        Assert.Contains(groups, g => g.GetProperty("value").GetString() == "(missing)");
        var summary = root.GetProperty("summary").EnumerateArray().First(s => s.GetProperty("attribute").GetString() == "race");
        foreach (var s in new[] { "demographic_parity_difference", "demographic_parity_ratio", "equalized_odds_difference", "equalized_odds_ratio", "equal_opportunity_difference", "equal_opportunity_ratio" })
            Assert.Equal(JsonValueKind.Number, summary.GetProperty(s).ValueKind);
        var d = root.GetProperty("disparities").EnumerateArray().First(x => x.GetProperty("value").GetString() == "black" && x.GetProperty("metric").GetString() == "pprev");
        Assert.Equal("white", d.GetProperty("reference").GetString());
        Assert.False(d.GetProperty("fair").GetBoolean());
        var race = root.GetProperty("proxies").EnumerateArray().First(p => p.GetProperty("attribute").GetString() == "race");
        Assert.True(race.GetProperty("encoded").GetBoolean());
        Assert.Equal("demographic_parity", root.GetProperty("mitigation").GetProperty("constraint").GetString());
        Assert.Equal("gender", root.GetProperty("mitigation").GetProperty("attribute").GetString());
    }

    [Fact]
    public void Console_FitsHundredColumns()
    {
        var o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" }, "fairness", Loans(), "--sensitive", "gender,race", "--no-proxies", "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        foreach (var line in o.Stdout.Split('\n')) Assert.True(line.Length <= 100, $"wider than 100: {line}");
        Assert.Contains("Outside the 0.80–1.25 band at threshold 0.5: gender", o.Stdout);
        Assert.Contains("race: black's selection rate is 0.45× white's", o.Stdout);
        Assert.Contains("Threshold  0.5 (default; set --threshold)", o.Stdout);
    }

    [Fact]
    public void Html_Markdown_AndTheGate()
    {
        var html = Path.Combine(_dir, "f.html");
        var o = VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "race", "--no-proxies", "--constraint", "equalized_odds", "--out", html, "--fail-on", "warning");
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("--fail-on warning: ", o.Stderr);
        var text = File.ReadAllText(html);
        Assert.Contains("data-report=\"fairness\"", text);
        Assert.Contains("data-chart=\"fairness-rates\"", text);
        Assert.Contains("Group thresholds for equalized odds on race", text);
        var md = VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender", "--no-proxies", "--threshold", "0.6", "--format", "markdown");
        Assert.True(md.ExitCode == 0, md.Stderr);
        Assert.Contains("# Vigil fairness", md.Stdout);
        Assert.Contains("- **Threshold:** 0.6 (--threshold)", md.Stdout);
        Assert.Contains("| female |", md.Stdout);
    }

    [Fact]
    public void SensitiveColumnThatDoesNotExist_NamesTheColumns()
    {
        var outFile = Path.Combine(_dir, "out.json");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender,ethnicity", "--out", outFile),
            "sensitive column 'ethnicity' (--sensitive) not found; columns are: prediction_id, timestamp, prediction_score", outFile);
    }

    [Fact]
    public void MissingSensitiveFlag_IsAnInputError() =>
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans()), "--sensitive is required");

    [Fact]
    public void ReferenceGroupNotPresent_NamesTheValues()
    {
        var outFile = Path.Combine(_dir, "out.html");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "race", "--reference-group", "race=martian", "--no-proxies", "--out", outFile),
            "--reference-group: race=martian is not present in the data; race's values are: asian, black", outFile);
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "race", "--reference-group", "region=north"), "--reference-group: 'region' is not a sensitive column");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "race", "--reference-group", "white"), "is not attr=value");
    }

    [Fact]
    public void NoLabel_IsAnInputError()
    {
        var path = Log("nolabel.csv", "prediction_score,gender", Enumerable.Range(0, 50).Select(i => $"0.{i % 10},{(i % 2 == 0 ? "m" : "f")}"));
        AssertBadInput(VigilProcess.Run(_dir, "fairness", path, "--sensitive", "gender"), "no label column");
    }

    [Fact]
    public void NonBinaryLabels_AreAnInputError()
    {
        var path = Log("multi.csv", "prediction_score,actual_label,gender", Enumerable.Range(0, 50).Select(i => $"0.{i % 10},{i % 3},{(i % 2 == 0 ? "m" : "f")}"));
        AssertBadInput(VigilProcess.Run(_dir, "fairness", path, "--sensitive", "gender"), "label column 'actual_label' is not binary: 16 rows hold other values ('2')");
    }

    [Theory]
    [InlineData("1.5", "--threshold: 1.5 is outside [0, 1]")]
    [InlineData("abc", "--threshold: 'abc' is not a number")]
    public void BadThreshold_IsAnInputError(string value, string message) =>
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender", "--threshold", value), message);

    [Fact]
    public void BadConstraintAndMethod_AreInputErrors()
    {
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender", "--constraint", "parity"), "--constraint: 'parity' is not a constraint");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender", "--method", "overall"), "--method: 'overall' is not a method");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender", "--mitigate-on", "race"), "--mitigate-on: 'race' is not a sensitive column");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "prediction_score"), "--sensitive: 'prediction_score' is the score column");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "gender", "--task", "regression"), "--task: fairness audits a binary classifier");
        AssertBadInput(VigilProcess.Run(_dir, "fairness", Loans(), "--sensitive", "income"), "sensitive column 'income' has 3,");
    }

    [Fact]
    public void Help_TeachesWithExamples()
    {
        var o = VigilProcess.Run(_dir, "fairness", "--help");
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("vigil fairness loans.csv --sensitive gender,race", o.Stdout);
        Assert.Contains("--reference-group", o.Stdout);
        Assert.Contains("--constraint", o.Stdout);
    }
}
