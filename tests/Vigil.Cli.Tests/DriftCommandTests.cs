using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>`vigil drift` as a user runs it: the JSON document the issue names, and one-line errors with exit code 2.</summary>
public sealed class DriftCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, int rows, double shift)
    {
        var sb = new StringBuilder("prediction_id,amount,country\n");
        for (var i = 0; i < rows; i++)
            sb.Append($"p{i},{(i % 97 + shift).ToString(System.Globalization.CultureInfo.InvariantCulture)},{(i % (shift > 0 ? 2 : 3) == 0 ? "DE" : "FR")}\n");
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [Fact]
    public void Json_HasTheDocumentedShape()
    {
        var r = Write("ref.csv", 500, 0);
        var c = Write("cur.csv", 400, 20);
        var o = VigilProcess.Run(_dir, "drift", "--reference", r, "--current", c, "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        var root = doc.RootElement;
        Assert.Equal("drift", root.GetProperty("kind").GetString());
        Assert.Equal(500, root.GetProperty("reference_rows").GetInt64());
        Assert.Equal(400, root.GetProperty("current_rows").GetInt64());
        var ds = root.GetProperty("dataset");
        foreach (var key in new[] { "drifted", "share", "drifted_columns", "columns", "drift_share" }) Assert.True(ds.TryGetProperty(key, out _), key);
        var cols = root.GetProperty("columns").EnumerateArray().ToList();
        Assert.Equal(["amount", "country"], cols.Select(x => x.GetProperty("name").GetString()).Order());
        foreach (var col in cols)
            foreach (var key in new[] { "name", "type", "method", "statistic", "p_value", "threshold", "drifted" })
                Assert.True(col.TryGetProperty(key, out _), key);
        var amount = cols.Single(x => x.GetProperty("name").GetString() == "amount");
        Assert.Equal("ks", amount.GetProperty("method").GetString());
        Assert.Equal("num", amount.GetProperty("type").GetString());
        Assert.True(amount.GetProperty("drifted").GetBoolean());
        Assert.Equal(JsonValueKind.Number, amount.GetProperty("p_value").ValueKind);
    }

    [Fact]
    public void Chunk_NotAChunk_IsOneLineError()
    {
        var r = Write("ref.csv", 50, 0);
        var c = Write("cur.csv", 50, 20);
        var o = VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--chunk", "fortnight");
        Assert.Equal(2, o.ExitCode);
        Assert.Equal("vigil: --chunk: 'fortnight' is not a chunk; expected day, week or a number of rows", o.Stderr.Trim());
    }

    [Fact]
    public void Chunks_InJson()
    {
        var r = Write("ref.csv", 500, 0);
        var c = Write("cur.csv", 450, 20);
        var o = VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--chunk", "200", "--correction", "fdr", "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        var root = doc.RootElement;
        Assert.Equal("200 rows", root.GetProperty("chunk_by").GetString());
        Assert.Equal("fdr", root.GetProperty("dataset").GetProperty("correction").GetString());
        var chunks = root.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal([200L, 200L, 50L], chunks.Select(x => x.GetProperty("rows").GetInt64()));
        foreach (var ch in chunks)
        {
            Assert.True(ch.GetProperty("dataset").TryGetProperty("share", out _));
            Assert.Equal(2, ch.GetProperty("columns").GetArrayLength());
            Assert.Equal(JsonValueKind.Number, ch.GetProperty("columns")[0].GetProperty("p_value_adjusted").ValueKind);
        }
    }

    [Fact]
    public void HtmlAndMarkdown_AreWritten()
    {
        var r = Write("ref.csv", 300, 0);
        var c = Write("cur.csv", 300, 0);
        var html = Path.Combine(_dir, "d.html");
        var md = Path.Combine(_dir, "d.md");
        Assert.Equal(0, VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--out", html).ExitCode);
        Assert.Equal(0, VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--out", md).ExitCode);
        var page = File.ReadAllText(html);
        Assert.Contains("<table class=\"columns\" data-table=\"columns\">", page);
        // One chart per column, with both distributions.
        foreach (var col in new[] { "amount", "country" })
        {
            var at = page.IndexOf($"<section class=\"column\" data-column=\"{col}\">", StringComparison.Ordinal);
            Assert.True(at >= 0, col);
            var section = page[at..page.IndexOf("</section>", at, StringComparison.Ordinal)];
            Assert.Contains("<svg", section);
            Assert.Contains("reference", section);
            Assert.Contains("current", section);
        }
        Assert.DoesNotContain("http://", page.Replace("http://www.w3.org/2000/svg", "", StringComparison.Ordinal));
        Assert.Contains("| column |", File.ReadAllText(md));
    }

    private void AssertBadInput(VigilProcess.Outcome o, string mustMention) => VigilProcess.AssertBadInput(o, mustMention, _dir);

    [Fact]
    public void BadInput_Exit2WithOneLine()
    {
        var r = Write("ref.csv", 50, 0);
        var c = Write("cur.csv", 50, 1);
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", "missing.csv", "-c", c), "missing.csv");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r), "--current");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--method", "magic"), "magic");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--columns", "nope"), "nope");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--per-column", "amount"), "--per-column");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--per-column", "country=ks"), "country");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--threshold", "x"), "--threshold");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", c, "--drift-share", "2"), "--drift-share");
    }
}
