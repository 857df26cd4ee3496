using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>The command line's contract for CI and for people: --fail-on exit codes, where --out may write, the
/// verdict line, flag validation, --version, help and the width of piped output.</summary>
public sealed class GateAndOutputTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose()
    {
        foreach (var f in Directory.GetFiles(_dir)) File.SetAttributes(f, FileAttributes.Normal);
        Directory.Delete(_dir, true);
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private const string Header = "prediction_id,model_version,prediction_score,timestamp,actual_label,country\n";

    /// <summary>Clean data but one constant feature (channel): a warning, no error.</summary>
    private string CleanCsv() => Write("clean.csv", Header.Replace("\n", ",channel\n", StringComparison.Ordinal) +
        "a,v1,0.9,2026-01-01 10:00:00,1,DE,web\nb,v1,0.2,2026-01-01 11:00:00,0,FR,web\nc,v1,0.7,2026-01-02 10:00:00,0,DE,web\nd,v1,0.4,2026-01-02 12:00:00,1,FR,web\n");

    /// <summary>One row without a score: a null_score error.</summary>
    private string BrokenCsv() => Write("broken.csv", Header +
        "a,v1,0.9,2026-01-01 10:00:00,1,DE\nb,v1,,2026-01-01 11:00:00,0,FR\nc,v1,0.7,2026-01-02 10:00:00,0,DE\nd,v1,0.4,2026-01-02 12:00:00,1,FR\n");

    private string DriftCsv(string name, int rows, double shift)
    {
        var sb = new StringBuilder("prediction_id,amount,country\n");
        for (var i = 0; i < rows; i++)
            sb.Append($"p{i},{(i % 97 + shift).ToString(System.Globalization.CultureInfo.InvariantCulture)},{(i % 3 == 0 ? "DE" : "FR")}\n");
        return Write(name, sb.ToString());
    }

    private static string[] Lines(string s) => s.Split('\n', StringSplitOptions.RemoveEmptyEntries);

    private void AssertBadInput(VigilProcess.Outcome o, string mustMention, string? outFile = null) =>
        VigilProcess.AssertBadInput(o, mustMention, _dir, outFile);

    // --fail-on

    [Fact]
    public void FailOnError_SummaryWithAnError_Exits1AfterWritingTheReport()
    {
        var report = Path.Combine(_dir, "r.json");
        var o = VigilProcess.Run(_dir, "summary", BrokenCsv(), "--fail-on", "error", "--out", report, "-q");
        Assert.True(o.ExitCode == 1, o.Stderr);
        var line = Assert.Single(Lines(o.Stderr));
        Assert.StartsWith("vigil: --fail-on error: 1 error (null_score)", line);
        using var doc = JsonDocument.Parse(File.ReadAllText(report));
        Assert.Equal("summary", doc.RootElement.GetProperty("kind").GetString());
    }

    [Fact]
    public void FailOn_SummaryWithWarningsOnly_ErrorPassesWarningFails()
    {
        var csv = CleanCsv();
        var error = VigilProcess.Run(_dir, "summary", csv, "--fail-on", "error", "--format", "json");
        Assert.True(error.ExitCode == 0, error.Stderr);
        Assert.Equal("", error.Stderr);
        var warning = VigilProcess.Run(_dir, "summary", csv, "--fail-on", "warning", "--format", "json");
        Assert.Equal(1, warning.ExitCode);
        var line = Assert.Single(Lines(warning.Stderr));
        Assert.StartsWith("vigil: --fail-on warning: ", line);
        Assert.Contains("constant_column", line);
        // The JSON report still went to stdout, whole.
        using var doc = JsonDocument.Parse(warning.Stdout);
    }

    [Fact]
    public void FailOnDrift_ExitsOneOnlyWhenItDrifted()
    {
        var r = DriftCsv("ref.csv", 500, 0);
        var drifted = VigilProcess.Run(_dir, "drift", "-r", r, "-c", DriftCsv("cur.csv", 400, 40), "--fail-on", "drift", "--format", "json");
        Assert.Equal(1, drifted.ExitCode);
        var line = Assert.Single(Lines(drifted.Stderr));
        Assert.StartsWith("vigil: --fail-on drift: dataset drift (1 of 2 columns)", line);
        using (JsonDocument.Parse(drifted.Stdout)) { }
        var same = VigilProcess.Run(_dir, "drift", "-r", r, "-c", DriftCsv("same.csv", 400, 0), "--fail-on", "drift,error", "--format", "json");
        Assert.True(same.ExitCode == 0, same.Stderr);
    }

    [Fact]
    public void FailOnDrift_CountsDriftedChunksEvenWhenTheDatasetDidNot()
    {
        var r = DriftCsv("ref.csv", 600, 0);
        // 900 rows like the reference, then 100 shifted far: the whole stays under the threshold, the last chunk does not.
        var sb = new StringBuilder(File.ReadAllText(DriftCsv("a.csv", 900, 0)));
        foreach (var line in File.ReadAllLines(DriftCsv("b.csv", 100, 60)).Skip(1)) sb.Append(line).Append('\n');
        var cur = Write("cur.csv", sb.ToString());
        var o = VigilProcess.Run(_dir, "drift", "-r", r, "-c", cur, "--columns", "amount", "--method", "wasserstein", "--threshold", "0.5",
            "--chunk", "100", "--fail-on", "drift", "--format", "json");
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.False(doc.RootElement.GetProperty("dataset").GetProperty("drifted").GetBoolean());
        var chunks = doc.RootElement.GetProperty("chunks").EnumerateArray().Count(c => c.GetProperty("dataset").GetProperty("drifted").GetBoolean());
        Assert.Equal(1, chunks);
        Assert.Equal(1, o.ExitCode);
        var line1 = Assert.Single(Lines(o.Stderr));
        Assert.Equal("vigil: --fail-on drift: 1 of 10 chunks drifted", line1);
    }

    [Theory]
    [InlineData("summary", "drift")]
    [InlineData("evaluate", "drift")]
    [InlineData("summary", "errors,nope")]
    [InlineData("summary", ",")]
    public void FailOn_BadValue_Exit2(string command, string value)
    {
        AssertBadInput(VigilProcess.Run(_dir, command, CleanCsv(), "--fail-on", value), "--fail-on");
    }

    // --out

    [Fact]
    public void Out_EmptyOrDirectory_Exit2()
    {
        AssertBadInput(VigilProcess.Run(_dir, "summary", CleanCsv(), "--out", ""), "--out");
        Directory.CreateDirectory(Path.Combine(_dir, "reports"));
        AssertBadInput(VigilProcess.Run(_dir, "summary", CleanCsv(), "--out", "reports"), "is a directory");
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", CleanCsv(), "--out", "nowhere/r.html"), "does not exist");
    }

    [Fact]
    public void Out_NamingAnInput_IsRefusedAndTheInputKept()
    {
        var csv = CleanCsv();
        var before = File.ReadAllText(csv);
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", csv, "--out", csv), "one of the inputs");
        // Through a symbolic link, a relative path and a glob.
        File.CreateSymbolicLink(Path.Combine(_dir, "link.csv"), csv);
        AssertBadInput(VigilProcess.Run(_dir, "summary", csv, "--out", "link.csv", "--format", "json"), "one of the inputs");
        AssertBadInput(VigilProcess.Run(_dir, "summary", "./clean.csv", "--out", "clean.csv", "--format", "json"), "one of the inputs");
        AssertBadInput(VigilProcess.Run(_dir, "summary", Path.Combine(_dir, "c*.csv"), "--out", csv, "--format", "json"), "one of the inputs");
        var r = DriftCsv("ref.csv", 50, 0);
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", csv, "--out", r, "--format", "json"), "one of the inputs");
        Assert.Equal(before, File.ReadAllText(csv));
    }

    [Fact]
    public void Out_Symlink_IsWrittenThrough()
    {
        var target = Write("target.json", "old");
        var link = Path.Combine(_dir, "link.json");
        File.CreateSymbolicLink(link, target);
        var o = VigilProcess.Run(_dir, "summary", CleanCsv(), "--out", link, "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.NotNull(new FileInfo(link).LinkTarget);
        using var doc = JsonDocument.Parse(File.ReadAllText(target));
        Assert.Equal("summary", doc.RootElement.GetProperty("kind").GetString());
    }

    [SkippableFact]
    public void Out_Fifo_IsRefused()
    {
        var fifo = Path.Combine(_dir, "pipe.json");
        Skip.IfNot(Sh("mkfifo", fifo) == 0, "mkfifo is not available");
        AssertBadInput(VigilProcess.Run(_dir, "summary", CleanCsv(), "--out", fifo), "FIFO");
        Assert.Equal(0, Sh("test", "-p", fifo));
    }

    [SkippableFact]
    public void Out_DevNull_IsWrittenThroughNotReplaced()
    {
        Skip.IfNot(File.Exists("/dev/null") && Sh("test", "-c", "/dev/null") == 0, "no /dev/null character device");
        var o = VigilProcess.Run(_dir, "summary", CleanCsv(), "--out", "/dev/null", "--format", "json", "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Equal(0, Sh("test", "-c", "/dev/null"));
        Assert.Empty(Directory.GetFiles("/dev", ".null.*"));
    }

    [SkippableFact]
    public void Out_ReadOnlyDirectory_Exit2()
    {
        Skip.If(OperatingSystem.IsWindows(), "Unix permissions");
        if (OperatingSystem.IsWindows()) return;
        var ro = Directory.CreateDirectory(Path.Combine(_dir, "ro")).FullName;
        File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        try
        {
            var probe = Path.Combine(ro, "probe");
            bool writable;
            try { File.WriteAllText(probe, ""); File.Delete(probe); writable = true; }
            catch (UnauthorizedAccessException) { writable = false; }
            Skip.If(writable, "running as root: a read-only directory is writable");
            AssertBadInput(VigilProcess.Run(_dir, "summary", CleanCsv(), "--out", Path.Combine(ro, "r.html")), "--out");
        }
        finally
        {
            File.SetUnixFileMode(ro, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public void Out_PrintsTheVerdictAndThePath_UnlessQuiet()
    {
        var html = Path.Combine(_dir, "r.html");
        var o = VigilProcess.Run(_dir, "summary", BrokenCsv(), "--out", html);
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Equal("", o.Stdout);
        var line = Assert.Single(Lines(o.Stderr));
        Assert.Contains("1 error", line);
        Assert.EndsWith("→ wrote " + html, line);
        var e = VigilProcess.Run(_dir, "evaluate", BrokenCsv(), "--out", html);
        Assert.StartsWith("Evaluation of 3 rows (binary) at threshold 0.5: roc_auc ", Assert.Single(Lines(e.Stderr)));
        var d = VigilProcess.Run(_dir, "drift", "-r", DriftCsv("ref.csv", 300, 0), "-c", DriftCsv("cur.csv", 300, 0), "--out", html);
        Assert.StartsWith("No drift: 0 of 2 columns", Assert.Single(Lines(d.Stderr)));
        Assert.Equal("", VigilProcess.Run(_dir, "summary", BrokenCsv(), "--out", html, "--quiet").Stderr);
    }

    // Flags

    [Theory]
    [InlineData("evaluate", "--threshold", "2")]
    [InlineData("summary", "--threshold", "-0.1")]
    [InlineData("summary", "--as-of", "2026-01-02T05:00:00+5")]
    public void OutOfRangeFlag_Exit2(string command, string flag, string value)
    {
        AssertBadInput(VigilProcess.Run(_dir, command, CleanCsv(), flag, value), flag);
    }

    [Theory]
    [InlineData("--threshold", "-1")]
    [InlineData("--threshold", "nan")]
    [InlineData("--drift-share", "0")]
    [InlineData("--drift-share", "1.5")]
    public void DriftOutOfRangeFlag_Exit2(string flag, string value)
    {
        var r = DriftCsv("ref.csv", 50, 0);
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", r, flag, value), flag);
    }

    [Fact]
    public void DriftThreshold_CheckedAgainstTheMethod()
    {
        var r = DriftCsv("ref.csv", 50, 0);
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", r, "--method", "ks", "--threshold", "2"), "p-value");
        AssertBadInput(VigilProcess.Run(_dir, "drift", "-r", r, "-c", r, "--per-column", "country=jensenshannon:1.5"), "--per-column country");
        // A distance without an upper bound takes any threshold of at least 0.
        var o = VigilProcess.Run(_dir, "drift", "-r", r, "-c", r, "--method", "wasserstein", "--threshold", "2", "--format", "json", "--columns", "amount");
        Assert.True(o.ExitCode == 0, o.Stderr);
    }

    [Theory]
    [InlineData("--score", "actual_label")]
    [InlineData("--label", "prediction_score")]
    [InlineData("--version-column", "prediction_id")]
    public void OneColumnInTwoRoles_Exit2(string flag, string column)
    {
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", CleanCsv(), flag, column), $"'{column}' is both");
    }

    [Fact]
    public void AsOf_WithAnOffset_IsConvertedToUtc()
    {
        var csv = CleanCsv();
        string AsOf(string value)
        {
            var o = VigilProcess.Run(_dir, "summary", csv, "--as-of", value, "--format", "json");
            Assert.True(o.ExitCode == 0, o.Stderr);
            using var doc = JsonDocument.Parse(o.Stdout);
            return doc.RootElement.GetProperty("as_of").GetString()!;
        }
        Assert.Equal("2026-01-02T00:00:00Z", AsOf("2026-01-02T05:00:00+05:00"));
        Assert.Equal("2026-01-02T00:00:00Z", AsOf("2026-01-02T00:00:00Z"));
        Assert.Equal("2026-01-02T00:00:00Z", AsOf("2026-01-01 21:00-03:00"));
    }

    [Fact]
    public void Version_PrintsVigilsVersion_AndTheColumnFlagIsRenamed()
    {
        var v = VigilProcess.Run(_dir, "--version");
        Assert.Equal(0, v.ExitCode);
        var expected = typeof(Vigil.Cli.Cli).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.Equal(expected, v.Stdout.Trim());
        var ok = VigilProcess.Run(_dir, "evaluate", CleanCsv(), "--version-column", "model_version", "--format", "json");
        Assert.True(ok.ExitCode == 0, ok.Stderr);
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", CleanCsv(), "--version", "model_version"), "--version");
    }

    [Fact]
    public void Help_ListsCommandsInOneLineEach_DetailsUnderTheCommand()
    {
        var top = VigilProcess.Run(_dir, "--help");
        Assert.Equal(0, top.ExitCode);
        var commands = top.Stdout[top.Stdout.IndexOf("Commands:", StringComparison.Ordinal)..];
        foreach (var name in new[] { "evaluate", "summary", "drift", "profile", "serve", "demo" })
        {
            var line = Lines(commands).Single(l => l.TrimStart().StartsWith(name + " ", StringComparison.Ordinal));
            Assert.True(line.Length <= 100, line);
        }
        Assert.DoesNotContain("Examples:", top.Stdout);
        var drift = VigilProcess.Run(_dir, "drift", "--help");
        Assert.Equal(0, drift.ExitCode);
        Assert.Contains("Examples:", drift.Stdout);
        Assert.Contains("--fail-on", drift.Stdout);
        // The serve example's key expands in a shell.
        var serve = VigilProcess.Run(_dir, "serve", "--help");
        Assert.Contains("\"Authorization: Bearer $KEY\"", serve.Stdout);
        Assert.DoesNotContain("'Authorization: Bearer $KEY'", serve.Stdout);
    }

    [Fact]
    public void PipedConsole_HonoursColumns_WithoutTrailingSpaces()
    {
        var csv = BrokenCsv();
        foreach (var width in new[] { 80, 100 })
        {
            var o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = width.ToString(System.Globalization.CultureInfo.InvariantCulture) }, "summary", csv, "-q");
            Assert.True(o.ExitCode == 0, o.Stderr);
            var lines = o.Stdout.Split('\n');
            Assert.Contains(lines, l => l.Length == width); // the title rule spans the width
            Assert.All(lines, l => Assert.True(l.Length <= width, $"{l.Length} > {width}: {l}"));
            Assert.All(lines, l => Assert.False(l.EndsWith(' '), $"trailing space: '{l}'"));
            Assert.Contains("null_score", o.Stdout);
        }
    }

    [Fact]
    public void Demo_At100Columns_FitsTheWidth_ButForTheCommandsToCopy()
    {
        var dir = Path.Combine(_dir, "demo");
        var o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["COLUMNS"] = "100" }, "demo", "--dir", dir, "--rows", "5000", "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        var lines = o.Stdout.Split('\n');
        Assert.Contains(lines, l => l.StartsWith("Data-quality findings", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.EndsWith('…'));
        Assert.All(lines.Where(l => !l.StartsWith("  vigil ", StringComparison.Ordinal)), l => Assert.True(l.Length <= 100, $"{l.Length} > 100: {l}"));
    }

    private static int Sh(string file, params string[] args)
    {
        try
        {
            var psi = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true };
            foreach (var a in args) psi.ArgumentList.Add(a);
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return -1;
        }
    }
}
