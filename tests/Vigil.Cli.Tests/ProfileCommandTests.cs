using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>`vigil profile`, `profile merge`, `profile show` and `vigil drift --reference X.vigil-profile` as a user runs
/// them, and their one-line errors.</summary>
public sealed class ProfileCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, int rows, double shift, int decimals = 2)
    {
        var r = new Random(rows + (int)(shift * 100));
        var sb = new StringBuilder("prediction_id,amount,country\n");
        for (var i = 0; i < rows; i++)
            sb.Append(CultureInfo.InvariantCulture, $"p{i},{Math.Round(r.NextDouble() * 100 + shift, decimals)},{(i % (shift > 0 ? 2 : 3) == 0 ? "DE" : "FR")}\n");
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private string Out(string name) => Path.Combine(_dir, name);

    [Fact]
    public void Profile_ThenDrift_GivesTheSameJsonAsTheData()
    {
        var reference = Write("ref.csv", 3000, 0);
        var current = Write("cur.csv", 2000, 5);
        var profile = Out("ref.vigil-profile");
        var o = VigilProcess.Run(_dir, "profile", reference, "--out", profile, "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("amount", o.Stdout);
        Assert.Contains("Every column is held exactly", o.Stdout);
        Assert.True(File.Exists(profile));

        var a = VigilProcess.Run(_dir, "drift", "-r", profile, "-c", current, "--format", "json");
        var b = VigilProcess.Run(_dir, "drift", "-r", reference, "-c", current, "--format", "json");
        Assert.True(a.ExitCode == 0, a.Stderr);
        Assert.True(b.ExitCode == 0, b.Stderr);
        using var da = JsonDocument.Parse(a.Stdout);
        using var db = JsonDocument.Parse(b.Stdout);
        Assert.Equal(db.RootElement.GetProperty("columns").GetRawText(), da.RootElement.GetProperty("columns").GetRawText());
        Assert.Equal(db.RootElement.GetProperty("dataset").GetRawText(), da.RootElement.GetProperty("dataset").GetRawText());
        Assert.Equal("profile", da.RootElement.GetProperty("reference").GetProperty("engine").GetString());
    }

    [Fact]
    public void PooledProfile_ResultsCarryTheirBound()
    {
        var reference = Write("ref.csv", 5000, 0, decimals: 6);
        var current = Write("cur.csv", 2000, 3, decimals: 6);
        var profile = Out("ref.vigil-profile");
        var o = VigilProcess.Run(_dir, "profile", reference, "--out", profile, "--resolution", "100", "-q", "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using (var doc = JsonDocument.Parse(o.Stdout))
        {
            var amount = doc.RootElement.GetProperty("columns").EnumerateArray().Single(c => c.GetProperty("name").GetString() == "amount");
            Assert.False(amount.GetProperty("exact").GetBoolean());
            Assert.InRange(amount.GetProperty("cdf_error").GetDouble(), 1e-9, 0.011);
            Assert.Equal("profile", doc.RootElement.GetProperty("kind").GetString());
        }
        var d = VigilProcess.Run(_dir, "drift", "-r", profile, "-c", current, "--format", "json");
        Assert.True(d.ExitCode == 0, d.Stderr);
        using var dj = JsonDocument.Parse(d.Stdout);
        var cols = dj.RootElement.GetProperty("columns").EnumerateArray().ToList();
        var approx = cols.Single(c => c.GetProperty("name").GetString() == "amount").GetProperty("approximation");
        Assert.Equal(JsonValueKind.Object, approx.ValueKind);
        Assert.True(approx.GetProperty("statistic_error").GetDouble() > 0);
        Assert.Equal(JsonValueKind.Null, cols.Single(c => c.GetProperty("name").GetString() == "country").GetProperty("approximation").ValueKind);
        // The console says which results are approximate and by how much.
        var console = VigilProcess.Run(_dir, "drift", "-r", profile, "-c", current);
        Assert.Contains("≈", console.Stdout);
        Assert.Contains("within ±", console.Stdout);
        // So do the Markdown and HTML reports.
        var md = VigilProcess.Run(_dir, "drift", "-r", profile, "-c", current, "--format", "markdown");
        Assert.Contains("## Approximate results", md.Stdout);
        Assert.Contains("- amount: the reference profile pools", md.Stdout);
        var html = VigilProcess.Run(_dir, "drift", "-r", profile, "-c", current, "--format", "html");
        Assert.Contains("<ul class=\"approximations\"><li>amount: the reference profile pools", html.Stdout);
        Assert.DoesNotContain("country: the reference profile", html.Stdout);
    }

    [Fact]
    public void Merge_AndShow()
    {
        var p1 = Out("a.vigil-profile");
        var p2 = Out("b.vigil-profile");
        Assert.Equal(0, VigilProcess.Run(_dir, "profile", Write("a.csv", 300, 0), "--out", p1, "-q").ExitCode);
        Assert.Equal(0, VigilProcess.Run(_dir, "profile", Write("b.csv", 200, 1), "--out", p2, "-q").ExitCode);
        var merged = Out("ab.vigil-profile");
        var o = VigilProcess.Run(_dir, "profile", "merge", Path.Combine(_dir, "?.vigil-profile"), "--out", merged, "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.Equal(500, doc.RootElement.GetProperty("rows").GetInt64());
        Assert.Equal(2, doc.RootElement.GetProperty("sources").GetArrayLength());
        var show = VigilProcess.Run(_dir, "profile", "show", merged);
        Assert.True(show.ExitCode == 0, show.Stderr);
        Assert.Contains("500", show.Stdout);
        Assert.Contains("country", show.Stdout);
    }

    [Fact]
    public void BadInput_OneLineExit2_NothingWritten()
    {
        var data = Write("ref.csv", 100, 0);
        var profile = Out("ref.vigil-profile");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "profile", data, "--out", Out("ref.json")), ".vigil-profile", _dir, Out("ref.json"));
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "profile", Path.Combine(_dir, "nope.csv"), "--out", profile), "nope.csv", _dir, profile);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "profile", data, "--out", profile, "--resolution", "1"), "--resolution", _dir, profile);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "profile", data, "--out", profile, "--columns", "nope"), "nope", _dir, profile);
        File.WriteAllText(Out("fake.vigil-profile"), "prediction_id,amount\n1,2\n");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", Out("fake.vigil-profile"), "-c", data), "not a Vigil profile", _dir);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "profile", "show", Out("missing.vigil-profile")), "no such profile", _dir);
        Assert.Equal(0, VigilProcess.Run(_dir, "profile", data, "--out", profile, "-q").ExitCode);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "profile", "merge", profile, "--out", Out("m.vigil-profile")), "at least two", _dir, Out("m.vigil-profile"));
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", profile, "-c", data, "--chunk", "10", "--multivariate"), "profile", _dir);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", profile, "--reference-table", "t", "-c", data), "profile", _dir);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "profile", "show", profile, "--format", "html"), "console or json", _dir);
    }
}
