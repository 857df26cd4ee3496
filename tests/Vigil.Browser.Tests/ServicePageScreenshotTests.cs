using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.Monitoring.Config;
using Vigil.Server;

namespace Vigil.Browser.Tests;

/// <summary><c>vigil serve</c>'s model page in headless Chromium at 1400 px: an estimated_performance monitor over
/// twelve hourly windows, the last five with their scores crowded around 0.5 and the first six labelled since. The
/// screenshot is kept (artifacts/screenshots/service-model.png); the page shows the estimate with its band, the
/// realized values as dots, the breaches in red, and its charts read as the reports' do.</summary>
public sealed class ServicePageScreenshotTests : IDisposable
{
    private const int Width = 1400, Height = 900;
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-page-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Reference()
    {
        var r = new Random(1);
        var sb = new StringBuilder("timestamp,prediction_score,actual_label\n");
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 5000; i++)
        {
            var s = Math.Round(r.NextDouble(), 4);
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddSeconds(i * 7.2):yyyy-MM-dd HH:mm:ss},{s},{(r.NextDouble() < s ? 1 : 0)}\n");
        }
        var path = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    [SkippableFact]
    public async Task ModelPage_DrawsTheEstimateItsBandAndTheRealizedValues()
    {
        Chromium.Require();
        var config = ServiceConfigLoader.Parse($$"""
            store: {{Path.Combine(_dir, "store.duckdb")}}
            keys:
              - key: read-key-0001
                scopes: [admin]
            models:
              fraud:
                task: binary
                monitors:
                  - name: est-auc
                    type: estimated_performance
                    metric: roc_auc
                    reference: {{Reference()}}
                    window: 1h
                    every: 1h
                    severity: P1
            """);
        var model = config.Models[0];
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "read-key-0001");
        var now = DateTime.UtcNow;
        var start = new DateTime(now.Year, now.Month, now.Day, now.Hour, 0, 0, DateTimeKind.Utc).AddHours(-14);
        var r = new Random(2);
        var labels = new List<string>();
        for (var k = 0; k < 12; k++)
        {
            var end = start.AddHours(k + 1);
            var records = new List<string>();
            for (var i = 0; i < 400; i++)
            {
                var u = Math.Round(r.NextDouble(), 4);
                var s = k >= 7 ? Math.Round(0.4 + 0.2 * u, 4) : u;
                var id = $"w{k}-{i}";
                records.Add(string.Create(CultureInfo.InvariantCulture, $"{{\"id\": \"{id}\", \"timestamp\": \"{end.AddSeconds(-3590 + i * 8.9):yyyy-MM-ddTHH:mm:ss.fffZ}\", \"score\": {s}}}"));
                if (k < 6) labels.Add($"{{\"id\": \"{id}\", \"label\": {(r.NextDouble() < s ? 1 : 0)}}}");
            }
            var resp = await http.PostAsync("/v1/models/fraud/predictions", new StringContent("[" + string.Join(",", records) + "]", Encoding.UTF8, "application/json"));
            Assert.Equal(202, (int)resp.StatusCode);
            server.Monitors.RunOnce(model, model.Monitors[0], end);
        }
        Assert.Equal(202, (int)(await http.PostAsync("/v1/models/fraud/labels", new StringContent("[" + string.Join(",", labels) + "]", Encoding.UTF8, "application/json"))).StatusCode);
        server.Monitors.RunOnce(model, model.Monitors[0], start.AddHours(13)); // an empty window: the run brings the realized values up to date

        using var pw = await Playwright.CreateAsync();
        await using var browser = await pw.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Executable, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new()
        {
            ViewportSize = new() { Width = Width, Height = Height },
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer read-key-0001" },
        });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        var answer = await page.GotoAsync(server.Addresses[0] + "/v1/models/fraud/page");
        Assert.Equal(200, answer!.Status);
        var shot = Path.Combine(Chromium.ArtifactsDir(), "service-model.png");
        await page.ScreenshotAsync(new() { Path = shot, FullPage = true });
        Assert.True(new FileInfo(shot).Length > 10_000, "the screenshot is nearly empty");
        Assert.Empty(errors);

        var seen = await page.EvaluateAsync<JsonElement>("""
            () => {
              const svg = document.querySelector('svg.chart[data-chart="estimate"]');
              const verdict = document.querySelector('.verdict');
              return {
                chart: !!svg,
                alerts: svg ? Number(svg.getAttribute('data-alerts')) : -1,
                text: svg ? svg.textContent : '',
                verdict: verdict ? verdict.textContent : '',
                scrollWidth: document.documentElement.scrollWidth,
              };
            }
            """);
        Assert.True(seen.GetProperty("chart").GetBoolean(), "no estimate chart");
        Assert.Equal(5, seen.GetProperty("alerts").GetInt32());
        foreach (var legend in new[] { "estimated", "realized", "band (± 3 SE)" })
            Assert.Contains(legend, seen.GetProperty("text").GetString());
        Assert.Contains("critical", seen.GetProperty("verdict").GetString());
        Assert.True(seen.GetProperty("scrollWidth").GetDouble() <= Width, "the page is wider than the window");
        await PageChecks.ChartsReadable(page, "service-model", needCharts: true);
    }
}
