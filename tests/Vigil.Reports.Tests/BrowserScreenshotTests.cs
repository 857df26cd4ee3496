using System.Diagnostics;

namespace Vigil.Reports.Tests;

/// <summary>Renders each HTML report and screenshots it with headless Chromium at 1400 px, keeping the PNGs as test
/// artifacts (in $VIGIL_SCREENSHOTS, else screenshots/ beside the test assembly) for a person to look at. Skipped where
/// no chromium is installed.</summary>
public sealed class BrowserScreenshotTests
{
    private static string? Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists);

    public static TheoryData<string> Reports => ["summary", "evaluation", "regression", "multiclass"];

    [SkippableTheory]
    [MemberData(nameof(Reports))]
    public void Report_RendersInChromium(string name)
    {
        var chromium = Chromium();
        Skip.If(chromium is null, "no chromium installed");
        var html = name switch
        {
            "summary" => HtmlReport.ToHtml(Fixtures.Summary()),
            "evaluation" => HtmlReport.ToHtml(Fixtures.Binary()),
            "regression" => HtmlReport.ToHtml(Fixtures.Regression()),
            _ => HtmlReport.ToHtml(Fixtures.Multiclass()),
        };
        var dir = Environment.GetEnvironmentVariable("VIGIL_SCREENSHOTS") is { Length: > 0 } d ? d : Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(dir);
        var page = Path.Combine(dir, name + ".html");
        var png = Path.Combine(dir, name + ".png");
        File.WriteAllText(page, html);
        File.Delete(png);
        var profile = Directory.CreateTempSubdirectory("vigil-chromium-").FullName;
        try
        {
            var psi = new ProcessStartInfo(chromium!)
            {
                ArgumentList = { "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars", $"--user-data-dir={profile}", $"--screenshot={png}", "--window-size=1400,2400", new Uri(page).AbsoluteUri },
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var p = Process.Start(psi)!;
            _ = p.StandardOutput.ReadToEndAsync();
            _ = p.StandardError.ReadToEndAsync();
            if (!p.WaitForExit(90_000)) { p.Kill(true); Assert.Fail("chromium did not finish in 90 s"); }
            Assert.True(File.Exists(png), $"no screenshot of {name}");
            // A blank page compresses to a few kilobytes; a rendered report with charts is far larger.
            Assert.True(new FileInfo(png).Length > 30_000, $"{name}: {new FileInfo(png).Length} bytes");
        }
        finally
        {
            try { Directory.Delete(profile, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
