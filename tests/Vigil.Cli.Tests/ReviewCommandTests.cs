using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary><c>vigil review</c> end to end: exit 0 when every requirement holds, 1 when one fails, 2 for a bad policy
/// (one line, before any analysis, no file written); the JSON approval record and the model card.</summary>
public sealed class ReviewCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Scenario(string file)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        return Path.Combine(d!.FullName, "tests", "fixtures", "scenarios", "covariate_shift", file);
    }

    private string Policy(string requirements, string model = "model:\n  name: loan\n  intended_use: Rank applications.\n")
    {
        File.Copy(Scenario("reference.csv"), Path.Combine(_dir, "train.csv"), true);
        var path = Path.Combine(_dir, "policy.yaml");
        File.WriteAllText(path, model + "columns: {score: score, label: label, id: id, timestamp: timestamp}\nrequirements:\n" + requirements);
        return path;
    }

    private VigilProcess.Outcome Review(string policy, params string[] args) =>
        VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" }, ["review", "--policy", policy, Scenario("current.csv"), .. args]);

    [Fact]
    public void AllHold_ExitsZero_PrintsTheTable_AndWritesTheCard()
    {
        var o = Review(Policy("  - metric: roc_auc\n    min: 0.7\n  - calibration_error: {max: 0.05}\n"));
        Assert.Equal(0, o.ExitCode);
        Assert.Contains("Passed: all 2 requirements", o.Stdout);
        Assert.Contains("PASS", o.Stdout);
        Assert.All(o.Stdout.Split('\n'), l => Assert.True(l.Length <= 100, l));
        var card = File.ReadAllText(Path.Combine(_dir, "model-card.md"));
        foreach (var section in new[] { "Model details", "Intended use", "Factors", "Metrics", "Evaluation data", "Training data", "Quantitative analyses", "Ethical considerations", "Caveats and recommendations" })
            Assert.Contains("## " + section, card);
        Assert.Contains("To be written by the model owner", card);
        Assert.Contains("Rank applications.", card);
        Assert.True(File.Exists(Path.Combine(_dir, "model-card.html")));
    }

    [Fact]
    public void OneFails_ExitsOne_AndTheJsonIsTheApprovalRecord()
    {
        var o = Review(Policy("  - metric: roc_auc\n    min: 0.9\n  - metric: recall\n    min: 0.6\n    per_segment: region\n  - drift: {reference: train.csv, max_drifted_columns: 1}\n  - data_quality: {max_errors: 0}\n"),
            "-o", "review.json", "--card", "card.md");
        Assert.Equal(1, o.ExitCode);
        Assert.Contains("Failed: 2 of 4", o.Stderr);
        var d = JsonDocument.Parse(File.ReadAllText(Path.Combine(_dir, "review.json"))).RootElement;
        Assert.Equal("review", d.GetProperty("kind").GetString());
        Assert.False(d.GetProperty("passed").GetBoolean());
        var reqs = d.GetProperty("requirements").EnumerateArray().ToList();
        Assert.Equal([false, true, false, true], reqs.Select(r => r.GetProperty("passed").GetBoolean()));
        foreach (var r in reqs)
            foreach (var f in new[] { "name", "passed", "value", "limit", "evidence" })
                Assert.True(r.TryGetProperty(f, out _), f);
        Assert.Equal(4, reqs[1].GetProperty("segments").GetArrayLength());
        Assert.Equal("card.md", d.GetProperty("model_card").GetString());
        Assert.True(File.Exists(Path.Combine(_dir, "card.md")) && File.Exists(Path.Combine(_dir, "card.html")));
        Assert.Contains("Ethical considerations", d.GetProperty("sections_to_write").EnumerateArray().Select(s => s.GetString()));
        var a = d.GetProperty("approval");
        Assert.Matches("^[0-9a-f]{64}$", a.GetProperty("policy_sha256").GetString());
        Assert.Matches("^xxhash64:[0-9a-f]{16}$", a.GetProperty("data_fingerprint").GetString());
        foreach (var f in new[] { "user", "host", "time", "vigil_version" }) Assert.False(string.IsNullOrEmpty(a.GetProperty(f).GetString()), f);
    }

    [Fact]
    public void SameDataSamePolicy_SameFingerprints()
    {
        var policy = Policy("  - metric: roc_auc\n    min: 0.5\n");
        var a = JsonDocument.Parse(Review(policy, "-f", "json", "--no-card").Stdout).RootElement.GetProperty("approval");
        var b = JsonDocument.Parse(Review(policy, "-f", "json", "--no-card").Stdout).RootElement.GetProperty("approval");
        Assert.Equal(a.GetProperty("data_fingerprint").GetString(), b.GetProperty("data_fingerprint").GetString());
        Assert.Equal(a.GetProperty("policy_sha256").GetString(), b.GetProperty("policy_sha256").GetString());
        Assert.False(File.Exists(Path.Combine(_dir, "model-card.md")));
    }

    [Theory]
    [InlineData("  - metric: roc_auc\n    min: lots\n", "policy.yaml: line 7: metric 'roc_auc': 'min' expects a number")]
    [InlineData("  - drift: {reference: nowhere.parquet, max_drifted_share: 0.3}\n", "policy.yaml: line 6: the drift reference 'nowhere.parquet' does not exist")]
    [InlineData("  - fairness: {attribute: gender, definition: equal_odds, max_difference: 0.1}\n", "policy.yaml: line 6: 'equal_odds' is not a fairness definition")]
    public void BadPolicy_ExitsTwo_OneLine_NoFileWritten(string requirements, string expected)
    {
        var o = Review(Policy(requirements), "-o", "review.json");
        VigilProcess.AssertBadInput(o, expected, _dir, Path.Combine(_dir, "review.json"));
        Assert.False(File.Exists(Path.Combine(_dir, "model-card.md")));
    }
}
