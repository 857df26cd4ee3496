namespace Vigil.Browser.Tests;

/// <summary>The reports a new user sees first: <c>vigil demo</c>'s summary, evaluation and drift pages, plus the drift
/// report per day with multivariate drift and learned thresholds (the run the user tried). Made once per test
/// class, in a temporary folder.</summary>
public sealed class DemoReports : IDisposable
{
    public string Dir { get; } = Directory.CreateTempSubdirectory("vigil-browser-").FullName;

    /// <summary>Report name → HTML file.</summary>
    public IReadOnlyDictionary<string, string> Pages { get; }

    public DemoReports()
    {
        var demo = VigilProcess.Run(Dir, "demo", "--dir", Dir, "--rows", "60000", "--quiet");
        if (demo.ExitCode != 0) throw new InvalidOperationException($"vigil demo failed ({demo.ExitCode}): {demo.Stderr}");
        var chunks = Path.Combine(Dir, "drift-chunks.html");
        var drift = VigilProcess.Run(Dir, "drift", "-r", Path.Combine(Dir, "reference.csv"), "-c", Path.Combine(Dir, "current.csv"),
            "--columns", "amount,merchant_category,country,account_age_days,device_type,channel",
            "--chunk", "day", "--multivariate", "--threshold-from", "reference-chunks", "--quiet", "--out", chunks);
        if (drift.ExitCode is not (0 or 1)) throw new InvalidOperationException($"vigil drift failed ({drift.ExitCode}): {drift.Stderr}");
        Pages = new Dictionary<string, string>
        {
            ["summary"] = Path.Combine(Dir, "summary.html"),
            ["evaluation"] = Path.Combine(Dir, "evaluation.html"),
            ["drift"] = Path.Combine(Dir, "drift.html"),
            ["drift-chunks"] = chunks,
        };
    }

    public void Dispose()
    {
        try { Directory.Delete(Dir, recursive: true); } catch (IOException) { }
    }
}
