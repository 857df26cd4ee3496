using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.Playwright;
using Vigil.Server;
using Vigil.Server.Demo;

namespace Vigil.Browser.Tests;

/// <summary>One demo fleet (<c>vigil serve --demo</c>'s 60 models with two hours of history) served once for every
/// dashboard test, warmed up until every monitor has run and the fleet's statuses are those the demo's fates promise.</summary>
public sealed class DemoFleetServer : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-dash-").FullName;

    public ServeDemo Demo { get; private set; } = null!;
    public VigilServer Server { get; private set; } = null!;
    public string Url => Server.Addresses[0];

    /// <summary>Why the fleet is not there (no Chromium): the tests skip or fail with it.</summary>
    public string? Missing { get; private set; }

    public async Task InitializeAsync()
    {
        if (Chromium.Executable is null)
        {
            Missing = Chromium.MissingReason;
            return;
        }
        // The deployment that makes fraud critical comes after the tests are done, so the statuses hold still.
        Demo = ServeDemo.Prepare(_dir, new DemoOptions { History = TimeSpan.FromHours(2), ShiftAfter = TimeSpan.FromHours(2) });
        Server = VigilServer.Create(Demo.Config, "http://127.0.0.1:0");
        await Server.StartAsync();
        Demo.Start(Server, _ => { });
        await Demo.WarmedUp.WaitAsync(TimeSpan.FromSeconds(120));
        using var http = Client(Demo.ReadKey);
        var deadline = DateTime.UtcNow.AddSeconds(90);
        string last = "";
        while (true)
        {
            var fleet = await Fleet(http);
            var wrong = Demo.Fleet.Where(m => m.Expected is not null && fleet[m.Name] != m.Expected).Select(m => $"{m.Name} is {fleet[m.Name]}, expected {m.Expected}").ToList();
            if (wrong.Count == 0) break;
            last = string.Join("; ", wrong);
            if (DateTime.UtcNow > deadline) throw new InvalidOperationException("the demo fleet did not settle: " + last);
            await Task.Delay(1000);
        }
    }

    public HttpClient Client(string key)
    {
        var http = new HttpClient { BaseAddress = new Uri(Url) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return http;
    }

    /// <summary>Each model's status in GET /v1/fleet.</summary>
    public static async Task<Dictionary<string, string>> Fleet(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/v1/fleet"));
        return doc.RootElement.GetProperty("models").EnumerateArray()
            .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("status").GetString()!, StringComparer.Ordinal);
    }

    public async Task DisposeAsync()
    {
        if (Demo is not null) await Demo.DisposeAsync();
        if (Server is not null) await Server.DisposeAsync();
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

/// <summary>The fleet dashboard in Debian's Chromium, as an on-call engineer uses it: log in, read the fleet's status
/// counts, filter, open a model, act on an incident; a read-only key cannot act, and a state change without the CSRF
/// token is refused. Screenshots of each page go to artifacts/screenshots/dashboard-*.png.</summary>
public sealed class DashboardTests(DemoFleetServer fleet) : IClassFixture<DemoFleetServer>
{
    private const int Width = 1400, Height = 1000;

    private async Task<(IPlaywright Pw, IBrowser Browser, IPage Page, List<string> Errors)> Open()
    {
        if (fleet.Missing is not null) Chromium.Require();
        var pw = await Playwright.CreateAsync();
        var browser = await pw.Chromium.LaunchAsync(new() { ExecutablePath = Chromium.Executable, Headless = true, Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = Width, Height = Height } });
        var errors = new List<string>();
        page.PageError += (_, e) => errors.Add(e);
        page.Console += (_, m) => { if (m.Type == "error" && !m.Text.Contains("403", StringComparison.Ordinal)) errors.Add(m.Text); };
        // No request may leave the server.
        page.Request += (_, r) => { if (!r.Url.StartsWith(fleet.Url, StringComparison.Ordinal) && !r.Url.StartsWith("data:", StringComparison.Ordinal)) errors.Add("outside request: " + r.Url); };
        return (pw, browser, page, errors);
    }

    private static async Task Close((IPlaywright Pw, IBrowser Browser, IPage Page, List<string> Errors) b)
    {
        await b.Browser.DisposeAsync();
        b.Pw.Dispose();
    }

    private async Task LogIn(IPage page, string key, string path = "/")
    {
        var answer = await page.GotoAsync(fleet.Url + path);
        Assert.NotNull(answer);
        Assert.Contains("/login", page.Url, StringComparison.Ordinal);
        await page.FillAsync("input[name=key]", key);
        await Task.WhenAll(page.WaitForURLAsync(u => !u.Contains("/login", StringComparison.Ordinal)), page.ClickAsync("button[type=submit], input[type=submit]"));
    }

    private static Task Shot(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Chromium.ArtifactsDir(), $"dashboard-{name}.png"), FullPage = true });

    private static async Task<int> Rows(IPage page) => await page.Locator("[data-testid=fleet-row]").CountAsync();

    [SkippableFact]
    public async Task LogIn_FleetListsTheDemoModels_WithTheRightStatusCounts()
    {
        var b = await Open();
        try
        {
            var page = b.Page;
            await LogIn(page, fleet.Demo.Key);
            await page.Locator("[data-testid=fleet-row]").First.WaitForAsync();
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('[data-testid=fleet-row]').length === {fleet.Demo.Fleet.Count}");
            await Shot(page, "fleet");
            using var http = fleet.Client(fleet.Demo.ReadKey);
            var statuses = await DemoFleetServer.Fleet(http);
            var shown = await page.EvalOnSelectorAllAsync<string[]>("[data-testid=fleet-row]", "rows => rows.map(r => r.getAttribute('data-model') + '=' + r.getAttribute('data-status'))");
            Assert.Equal(statuses.Select(s => $"{s.Key}={s.Value}").Order(), shown.Order());
            foreach (var status in new[] { "critical", "warning", "no_data", "ok" })
            {
                var expected = statuses.Values.Count(s => s == status);
                Assert.True(expected > 0, $"the demo fleet has no {status} model");
                var text = await page.Locator($"[data-testid=count-{status}]").InnerTextAsync();
                Assert.Contains(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), text, StringComparison.Ordinal);
            }
            // The worst come first.
            var order = new[] { "critical", "warning", "no_data", "ok" };
            var ranks = shown.Select(s => Array.IndexOf(order, s[(s.IndexOf('=', StringComparison.Ordinal) + 1)..])).ToList();
            Assert.Equal(ranks.Order(), ranks);
            Assert.True(await page.EvaluateAsync<double>("() => document.documentElement.scrollWidth") <= Width, "the fleet page is wider than the window");
            Assert.Empty(b.Errors);
        }
        finally { await Close(b); }
    }

    [SkippableFact]
    public async Task Filters_NarrowTheList_AndLiveInTheUrl()
    {
        var b = await Open();
        try
        {
            var page = b.Page;
            await LogIn(page, fleet.Demo.ReadKey);
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('[data-testid=fleet-row]').length === {fleet.Demo.Fleet.Count}");
            await page.FillAsync("[data-testid=search]", "fraud");
            await page.WaitForFunctionAsync($"() => document.querySelectorAll('[data-testid=fleet-row]').length < {fleet.Demo.Fleet.Count}");
            var names = await page.EvalOnSelectorAllAsync<string[]>("[data-testid=fleet-row]", "rows => rows.map(r => r.getAttribute('data-model'))");
            Assert.NotEmpty(names);
            Assert.All(names, n => Assert.Contains("fraud", n, StringComparison.Ordinal));
            Assert.Contains("q=fraud", page.Url, StringComparison.Ordinal);

            // A status filter, through the count at the top; the URL shared with a colleague opens the same view.
            await page.GotoAsync(fleet.Url + "/");
            await page.Locator("[data-testid=fleet-row]").First.WaitForAsync();
            await page.ClickAsync("[data-testid=count-critical]");
            await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=fleet-row]')].every(r => r.getAttribute('data-status') === 'critical')");
            Assert.Contains("status=critical", page.Url, StringComparison.Ordinal);
            var critical = fleet.Demo.Fleet.Count(m => m.Expected == "critical");
            var url = page.Url;
            await page.GotoAsync(url);
            await page.Locator("[data-testid=fleet-row]").First.WaitForAsync();
            var rows = await Rows(page);
            Assert.True(rows >= critical && rows < fleet.Demo.Fleet.Count, $"{rows} rows under status=critical");
            Assert.Equal("critical", await page.InputValueAsync("[data-testid=filter-status]"));

            // A team filter.
            var team = fleet.Demo.Fleet[0].Team;
            await page.GotoAsync(fleet.Url + "/?team=" + team);
            await page.Locator("[data-testid=fleet-row]").First.WaitForAsync();
            Assert.Equal(fleet.Demo.Fleet.Count(m => m.Team == team), await Rows(page));
            Assert.Empty(b.Errors);
        }
        finally { await Close(b); }
    }

    [SkippableFact]
    public async Task ClickingAModel_OpensItsView_WhoseChartsHaveData()
    {
        var b = await Open();
        try
        {
            var page = b.Page;
            await LogIn(page, fleet.Demo.ReadKey);
            var model = fleet.Demo.Fleet.First(m => m.Task == Vigil.Analysis.Results.ModelTask.Binary && m.Expected == "ok").Name;
            await page.Locator($"[data-testid=fleet-row][data-model='{model}'] a").First.ClickAsync();
            await page.WaitForURLAsync(u => u.Contains("/models/" + model, StringComparison.Ordinal));
            // The charts fill in as their data arrives.
            await page.WaitForFunctionAsync("() => document.querySelectorAll('[data-testid^=chart-]').length >= 4 && [...document.querySelectorAll('[data-testid^=chart-]')].filter(c => Number(c.getAttribute('data-points')) > 0).length >= 4", null, new() { Timeout = 30_000 });
            await page.Locator("[data-testid=evaluation]").WaitForAsync();
            await page.WaitForTimeoutAsync(500);
            await Shot(page, "model");
            var charts = await page.EvalOnSelectorAllAsync<string[]>("[data-testid^=chart-]", "cs => cs.map(c => c.getAttribute('data-testid') + '=' + c.getAttribute('data-points'))");
            foreach (var name in new[] { "volume", "latency", "drift" })
            {
                var chart = charts.FirstOrDefault(c => c.StartsWith("chart-" + name, StringComparison.Ordinal));
                Assert.True(chart is not null, $"no {name} chart among {string.Join(", ", charts)}");
                Assert.True(int.Parse(chart![(chart.IndexOf('=', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture) > 0, $"{chart}: no data drawn");
            }
            Assert.True(charts.Count(c => !c.EndsWith("=0", StringComparison.Ordinal)) >= 6, "fewer than six charts with data: " + string.Join(", ", charts));
            Assert.Empty(b.Errors);

            // An unknown model is a 404 page, not a stack trace.
            var missing = await page.GotoAsync(fleet.Url + "/models/no-such-model");
            Assert.Equal(404, missing!.Status);
            Assert.Contains("no-such-model", await page.ContentAsync(), StringComparison.Ordinal);
            Assert.DoesNotContain("Exception", await page.ContentAsync(), StringComparison.Ordinal);
        }
        finally { await Close(b); }
    }

    /// <summary>An open incident of the fleet (the demo's critical models open them).</summary>
    private async Task<int> OpenIncident(HttpClient http)
    {
        for (var deadline = DateTime.UtcNow.AddSeconds(60); ; await Task.Delay(1000))
        {
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/v1/incidents"));
            var open = doc.RootElement.GetProperty("incidents").EnumerateArray().Where(i => i.GetProperty("state").GetString() == "open").Select(i => i.GetProperty("id").GetInt32()).ToList();
            // Each test takes its own (they share the fleet), the newest one not yet taken.
            lock (Taken)
            {
                var free = open.Where(i => !Taken.Contains(i)).ToList();
                if (free.Count > 0)
                {
                    Taken.Add(free.Max());
                    return free.Max();
                }
            }
            Assert.True(DateTime.UtcNow < deadline, "no open incident in the demo fleet");
        }
    }

    private static readonly HashSet<int> Taken = [];

    private static async Task<string> StateOf(HttpClient http, int id)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync($"/v1/incidents/{id}"));
        return doc.RootElement.GetProperty("state").GetString()!;
    }

    [SkippableFact]
    public async Task AnIncident_IsAcknowledgedAndResolvedFromThePage_AndTheApiShowsIt()
    {
        var b = await Open();
        try
        {
            var page = b.Page;
            using var http = fleet.Client(fleet.Demo.ReadKey);
            await LogIn(page, fleet.Demo.Key);
            var id = await OpenIncident(http);
            await page.GotoAsync($"{fleet.Url}/incidents/{id}");
            await page.Locator("[data-testid=incident-state]").WaitForAsync();
            Assert.Equal("open", (await page.InnerTextAsync("[data-testid=incident-state]")).Trim());
            await page.Locator("[data-testid=timeline-event]").First.WaitForAsync();
            await Shot(page, "incident");

            await page.ClickAsync("[data-testid=action-acknowledge]");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=incident-state]').textContent.trim() === 'acknowledged'");
            Assert.Equal("acknowledged", await StateOf(http, id));

            await page.FillAsync("[data-testid=note-input]", "rolled back to v1");
            await page.ClickAsync("[data-testid=action-note]");
            await page.WaitForFunctionAsync("() => document.body.textContent.includes('rolled back to v1')");

            await page.ClickAsync("[data-testid=action-resolve]");
            await page.WaitForFunctionAsync("() => document.querySelector('[data-testid=incident-state]').textContent.trim() === 'resolved'");
            await Shot(page, "incident-resolved");
            using var doc = JsonDocument.Parse(await http.GetStringAsync($"/v1/incidents/{id}"));
            Assert.Equal("resolved", doc.RootElement.GetProperty("state").GetString());
            Assert.Contains(doc.RootElement.GetProperty("notes").EnumerateArray(), n => n.GetProperty("text").GetString() == "rolled back to v1" && n.GetProperty("author").GetString() == "demo-admin");
            Assert.Empty(b.Errors);

            var missing = await page.GotoAsync($"{fleet.Url}/incidents/999999");
            Assert.Equal(404, missing!.Status);
        }
        finally { await Close(b); }
    }

    [SkippableFact]
    public async Task AReadOnlyKey_SeesTheIncident_ButCannotAct()
    {
        var b = await Open();
        try
        {
            var page = b.Page;
            using var http = fleet.Client(fleet.Demo.ReadKey);
            await LogIn(page, fleet.Demo.ReadKey);
            var id = await OpenIncident(http);
            await page.GotoAsync($"{fleet.Url}/incidents/{id}");
            await page.Locator("[data-testid=incident-state]").WaitForAsync();
            await page.Locator("[data-testid=read-only]").WaitForAsync();
            await Shot(page, "incident-read-only");
            foreach (var action in new[] { "acknowledge", "resolve", "note", "assign", "silence" })
            {
                var button = page.Locator($"[data-testid=action-{action}]");
                Assert.True(await button.CountAsync() == 0 || await button.IsDisabledAsync(), $"the {action} button is there for a read-only key");
            }
            // Even a request the page's script makes with the right CSRF token is refused: the key may not act.
            var status = await page.EvaluateAsync<int>($$"""
                async () => {
                  const csrf = document.cookie.split('; ').find(c => c.startsWith('vigil_csrf='))?.split('=')[1] ?? '';
                  const r = await fetch('/v1/incidents/{{id}}/acknowledge', { method: 'POST', headers: { 'X-Vigil-CSRF': csrf } });
                  return r.status;
                }
                """);
            Assert.Equal(403, status);
            Assert.Equal("open", await StateOf(http, id));
        }
        finally { await Close(b); }
    }

    [SkippableFact]
    public async Task AStateChange_WithoutTheCsrfToken_IsRefused()
    {
        var b = await Open();
        try
        {
            var page = b.Page;
            using var http = fleet.Client(fleet.Demo.ReadKey);
            await LogIn(page, fleet.Demo.Key);
            var id = await OpenIncident(http);
            await page.GotoAsync($"{fleet.Url}/incidents/{id}");
            await page.Locator("[data-testid=incident-state]").WaitForAsync();
            // The session cookie goes with the request (same origin), the token does not: refused.
            var without = await page.EvaluateAsync<JsonElement>($$"""
                async () => {
                  const r = await fetch('/v1/incidents/{{id}}/acknowledge', { method: 'POST' });
                  return { status: r.status, body: await r.text() };
                }
                """);
            Assert.Equal(403, without.GetProperty("status").GetInt32());
            Assert.Contains("CSRF", without.GetProperty("body").GetString(), StringComparison.Ordinal);
            var wrong = await page.EvaluateAsync<int>($$"""
                async () => (await fetch('/v1/incidents/{{id}}/acknowledge', { method: 'POST', headers: { 'X-Vigil-CSRF': 'forged' } })).status
                """);
            Assert.Equal(403, wrong);
            Assert.Equal("open", await StateOf(http, id));
            // With it, the same request goes through.
            var with = await page.EvaluateAsync<int>($$"""
                async () => {
                  const csrf = document.cookie.split('; ').find(c => c.startsWith('vigil_csrf='))?.split('=')[1] ?? '';
                  return (await fetch('/v1/incidents/{{id}}/acknowledge', { method: 'POST', headers: { 'X-Vigil-CSRF': csrf } })).status;
                }
                """);
            Assert.Equal(200, with);
            Assert.Equal("acknowledged", await StateOf(http, id));
        }
        finally { await Close(b); }
    }
}
