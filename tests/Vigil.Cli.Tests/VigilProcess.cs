using System.Diagnostics;

namespace Vigil.Cli.Tests;

/// <summary>Runs the built CLI as a user would, in its own process, capturing exit code, stdout and stderr.</summary>
internal static class VigilProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Outcome Run(string workDir, params string[] args) => RunWith(workDir, null, args);

    /// <summary>Runs with extra environment variables (e.g. COLUMNS).</summary>
    public static Outcome RunWith(string workDir, IReadOnlyDictionary<string, string>? env, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        psi.Environment["DOTNET_NOLOGO"] = "1";
        psi.Environment.Remove("COLUMNS");
        if (env is not null) foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(true);
            throw new TimeoutException("vigil did not finish in 3 minutes: " + string.Join(' ', args));
        }
        return new Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static string TempDir() => Directory.CreateTempSubdirectory("vigil-cli-").FullName;

    /// <summary>The error contract: exit code 2, one line on stderr starting "vigil: " that mentions
    /// <paramref name="mustMention"/>, no stack trace, nothing on stdout, no output file and no temporary file left in
    /// <paramref name="dir"/>.</summary>
    public static void AssertBadInput(Outcome o, string mustMention, string dir, string? outFile = null)
    {
        Assert.Equal(2, o.ExitCode);
        var lines = o.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("vigil: ", lines[0]);
        Assert.Contains(mustMention, lines[0]);
        Assert.DoesNotContain("   at ", o.Stderr);
        Assert.Equal("", o.Stdout);
        if (outFile is not null) Assert.False(File.Exists(outFile), "no output file is written on bad input");
        Assert.Empty(Directory.GetFiles(dir, ".*.tmp"));
    }
}
