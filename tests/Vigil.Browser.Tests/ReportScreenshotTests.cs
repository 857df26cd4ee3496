using System.Text.Json;
using Microsoft.Playwright;

namespace Vigil.Browser.Tests;

/// <summary>Opens each demo report in headless Chromium at 1400 px, keeps a full-page screenshot as a test artifact
/// (artifacts/screenshots/), and checks what a reader sees: the page makes no request and raises no error, nothing
/// overflows the width, the verdict is on the first screen above every table, and every chart is drawn with labelled
/// axes, text that stays inside it and labels that do not collide.</summary>
public sealed class ReportScreenshotTests(DemoReports reports) : IClassFixture<DemoReports>
{
    private const int Width = 1400, Height = 900;

    public static TheoryData<string> Names => new() { "summary", "evaluation", "drift", "drift-chunks", "regression", "multiclass", "comparison", "segments", "explanation", "estimation", "estimate-dle", "estimate-multiclass", "diagnosis", "fairness", "model-card" };

    [SkippableTheory]
    [MemberData(nameof(Names))]
    public async Task DemoReport_ReadsAtAGlance_At1400Pixels(string name)
    {
        Chromium.Require();
        using var pw = await Playwright.CreateAsync();
        await using var browser = await pw.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Executable, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = Width, Height = Height } });
        var errors = new List<string>();
        var external = new List<string>();
        page.Console += (_, m) => { if (m.Type == "error") errors.Add(m.Text); };
        page.PageError += (_, e) => errors.Add(e);
        await page.RouteAsync("**/*", async route =>
        {
            if (route.Request.Url.StartsWith("file://", StringComparison.Ordinal)) await route.ContinueAsync();
            else { external.Add(route.Request.Url); await route.AbortAsync(); }
        });
        var file = reports.Pages[name];
        Assert.True(File.Exists(file), $"{name}: {file} was not written");
        await page.GotoAsync(new Uri(file).AbsoluteUri);

        var shot = Path.Combine(Chromium.ArtifactsDir(), $"{name}.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, $"{name}: the screenshot is nearly empty");

        Assert.Empty(external);
        Assert.Empty(errors);

        var layout = await page.EvaluateAsync<JsonElement>("""
            () => {
              const verdict = document.querySelector('.verdict, [data-verdict]');
              const tables = [...document.querySelectorAll('table')].map(t => t.getBoundingClientRect().top + window.scrollY);
              return {
                scrollWidth: document.documentElement.scrollWidth,
                verdictTop: verdict ? verdict.getBoundingClientRect().top + window.scrollY : -1,
                verdictText: verdict ? verdict.textContent.trim() : '',
                firstTableTop: tables.length ? Math.min(...tables) : 1e9,
              };
            }
            """);
        Assert.True(layout.GetProperty("scrollWidth").GetDouble() <= Width, $"{name}: the page is wider than {Width} px");
        var verdictTop = layout.GetProperty("verdictTop").GetDouble();
        Assert.True(verdictTop >= 0, $"{name}: no verdict (.verdict) on the page");
        Assert.True(verdictTop < Height, $"{name}: the verdict is below the first screen (at {verdictTop} px)");
        Assert.True(verdictTop < layout.GetProperty("firstTableTop").GetDouble(), $"{name}: a table comes before the verdict");
        Assert.False(string.IsNullOrWhiteSpace(layout.GetProperty("verdictText").GetString()), $"{name}: the verdict is empty");

        // Every report draws charts, but the multiclass one, whose confusion matrix is a shaded table, and the model card.
        await PageChecks.ChartsReadable(page, name, needCharts: name is not ("multiclass" or "model-card"));
    }
}
