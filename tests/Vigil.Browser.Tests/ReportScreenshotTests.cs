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

    public static TheoryData<string> Names => new() { "summary", "evaluation", "drift", "drift-chunks", "regression", "multiclass", "comparison", "segments", "explanation", "estimation", "diagnosis" };

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

        var charts = await page.EvaluateAsync<JsonElement>("""
            () => [...document.querySelectorAll('svg.chart')].map(svg => {
              const box = svg.getBoundingClientRect();
              const texts = [...svg.querySelectorAll('text')].filter(t => t.textContent.trim() !== '' && t.getBBox().width > 0);
              const rects = texts.map(t => ({ r: t.getBoundingClientRect(), rotated: !!t.closest('[transform*="rotate"]'), s: t.textContent.trim() }));
              const outside = rects.filter(x => x.r.left < box.left - 2 || x.r.right > box.right + 2 || x.r.top < box.top - 2 || x.r.bottom > box.bottom + 2).map(x => x.s);
              const flat = rects.filter(x => !x.rotated);
              const collisions = [];
              for (let i = 0; i < flat.length; i++) for (let j = i + 1; j < flat.length; j++) {
                const a = flat[i].r, b = flat[j].r;
                const w = Math.min(a.right, b.right) - Math.max(a.left, b.left), h = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
                if (w > 1.5 && h > 1.5) collisions.push(flat[i].s + ' / ' + flat[j].s);
              }
              const title = svg.querySelector('.chart-title');
              return {
                name: (svg.getAttribute('data-chart') || '?') + ': ' + (title ? title.textContent : ''),
                width: box.width, height: box.height,
                axisLabels: svg.querySelectorAll('.axis-label').length,
                outside, collisions,
              };
            })
            """);
        // Every report draws charts, but the multiclass one, whose confusion matrix is a shaded table.
        if (name != "multiclass") Assert.True(charts.GetArrayLength() > 0, $"{name}: no charts");
        foreach (var c in charts.EnumerateArray())
        {
            var what = $"{name} / {c.GetProperty("name").GetString()}";
            Assert.True(c.GetProperty("width").GetDouble() >= 200 && c.GetProperty("height").GetDouble() >= 120, $"{what}: drawn too small");
            Assert.True(c.GetProperty("axisLabels").GetInt32() >= 2, $"{what}: an axis has no label");
            Assert.True(c.GetProperty("outside").GetArrayLength() == 0, $"{what}: text outside the chart: {c.GetProperty("outside")}");
            Assert.True(c.GetProperty("collisions").GetArrayLength() == 0, $"{what}: labels collide: {c.GetProperty("collisions")}");
        }
    }
}
