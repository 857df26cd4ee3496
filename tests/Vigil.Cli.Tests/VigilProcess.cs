using System.Diagnostics;

namespace Vigil.Cli.Tests;

/// <summary>Runs the built CLI as a user would, in its own process, capturing exit code, stdout and stderr.</summary>
internal static class VigilProcess
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    public static Outcome Run(string workDir, params string[] args)
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
}
