namespace Vigil.Browser.Tests;

/// <summary>Debian's Chromium, driven headless through Playwright (no browser is downloaded). Tests call
/// <see cref="Require"/> first: without Chromium they are skipped with the reason, except under CI=true, where they
/// fail. <c>VIGIL_CHROMIUM</c> names another binary.</summary>
internal static class Chromium
{
    public static string? Executable { get; } = Find();

    private static string? Find()
    {
        var env = Environment.GetEnvironmentVariable("VIGIL_CHROMIUM");
        if (!string.IsNullOrEmpty(env)) return File.Exists(env) ? env : null;
        foreach (var p in new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/lib/chromium/chromium" })
            if (File.Exists(p)) return p;
        return null;
    }

    public const string MissingReason = "Chromium is not installed (Debian: apt-get install chromium; or set VIGIL_CHROMIUM)";

    public static void Require()
    {
        if (Executable is not null) return;
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(MissingReason + " (CI=true: browser tests must run)");
        Skip.If(true, MissingReason);
    }

    /// <summary>Where screenshots are kept: <c>VIGIL_ARTIFACTS</c>, else <c>artifacts/screenshots</c> at the repository's
    /// root (ignored by git; CI keeps the folder).</summary>
    public static string ArtifactsDir()
    {
        var env = Environment.GetEnvironmentVariable("VIGIL_ARTIFACTS");
        string dir;
        if (!string.IsNullOrEmpty(env)) dir = env;
        else
        {
            dir = Path.Combine(DemoReports.RepoRoot(), "artifacts", "screenshots");
        }
        Directory.CreateDirectory(dir);
        return dir;
    }
}
