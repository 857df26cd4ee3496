using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests;

/// <summary>Monitors end to end: a webhook receiver on loopback gets the drift alert once a feature shifts, and a
/// notifier that fails is retried without a second delivery.</summary>
public sealed class MonitoringTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-monitor-").FullName;
    private WebApplication? _receiver;
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private int _failFirst;
    private int _calls;
    private string _receiverUrl = "";

    public async Task InitializeAsync()
    {
        var b = WebApplication.CreateSlimBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        b.Logging.ClearProviders();
        _receiver = b.Build();
        _receiver.MapPost("/hook", async (HttpContext ctx) =>
        {
            if (Interlocked.Increment(ref _calls) <= _failFirst) return Results.StatusCode(500);
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            _received.Enqueue(doc.RootElement.Clone());
            return Results.Ok();
        });
        await _receiver.StartAsync();
        _receiverUrl = _receiver.Urls.First() + "/hook";
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null) await _receiver.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private string Reference()
    {
        var r = new Random(1);
        var sb = new StringBuilder("amount,country\n");
        for (var i = 0; i < 3000; i++)
            sb.Append(CultureInfo.InvariantCulture, $"{50 + 10 * Normal(r):F3},{(i % 3 == 0 ? "DE" : "FR")}\n");
        var path = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private ServiceConfig Config(string reference) => ServiceConfigLoader.Parse($$"""
        store: {{Path.Combine(_dir, "store.duckdb")}}
        keys:
          - key: admin-key-0001
            scopes: [admin]
        models:
          fraud:
            task: binary
            reference: {{reference}}
            schema:
              features:
                amount: number
                country: category
            monitors:
              - name: amount-drift
                metric: drift(amount)
                window: 10m
                every: 1s
                severity: P2
                cooldown: 1h
        notifiers:
          - name: receiver
            type: webhook
            url: {{_receiverUrl}}
            severities: [P1, P2]
        """);

    private static string Batch(int from, int n, double shift, int seed)
    {
        var r = new Random(seed);
        return "[" + string.Join(",", Enumerable.Range(from, n).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"id\": \"p{i}\", \"score\": {r.NextDouble():F4}, \"features\": {{\"amount\": {50 + shift + 10 * Normal(r):F3}, \"country\": \"DE\"}}}}"))) + "]";
    }

    [Fact]
    public async Task ShiftedFeature_SendsTheDriftAlertToTheWebhook()
    {
        _failFirst = 1; // the receiver is down for the first attempt: the alert arrives once, on a retry
        await using var server = VigilServer.Create(Config(Reference()), "http://127.0.0.1:0");
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "admin-key-0001");
        var resp = await http.PostAsync("/v1/models/fraud/predictions", new StringContent(Batch(0, 2000, 0, 2), Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)resp.StatusCode);
        // Unshifted traffic: the monitor runs and stays quiet.
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && server.Monitors.Readings.All(r => r.Value is null)) await Task.Delay(200);
        var quiet = Assert.Single(server.Monitors.Readings);
        Assert.False(quiet.Breached, $"unshifted data drifted: {quiet.Value} {quiet.Note}");
        Assert.Empty(_received);
        // Shifted traffic: the webhook gets a firing alert within 30 s.
        resp = await http.PostAsync("/v1/models/fraud/predictions", new StringContent(Batch(2000, 4000, 15, 3), Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)resp.StatusCode);
        var sent = DateTime.UtcNow;
        while (DateTime.UtcNow - sent < TimeSpan.FromSeconds(30) && _received.IsEmpty) await Task.Delay(100);
        Assert.True(_received.TryDequeue(out var alert), "no alert within 30 s");
        Assert.Equal("firing", alert.GetProperty("status").GetString());
        var labels = alert.GetProperty("alerts")[0].GetProperty("labels");
        Assert.Equal(("fraud", "amount-drift", "P2"), (labels.GetProperty("model").GetString(), labels.GetProperty("monitor").GetString(), labels.GetProperty("severity").GetString()));
        Assert.Contains("wasserstein", alert.GetProperty("alerts")[0].GetProperty("annotations").GetProperty("summary").GetString());
        // One alert, delivered once after a failed attempt; the model's health says so and /metrics shows it.
        await Task.Delay(2500);
        Assert.True(_received.IsEmpty, "a second delivery");
        var delivery = Assert.Single(server.Deliveries.Log);
        Assert.Equal((true, 2), (delivery.Delivered, delivery.Attempts));
        using var model = JsonDocument.Parse(await http.GetStringAsync("/v1/models/fraud"));
        Assert.Equal("warning", model.RootElement.GetProperty("health").GetString());
        Assert.True(model.RootElement.GetProperty("monitors")[0].GetProperty("breached").GetBoolean());
        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains("vigil_alerts_firing{model=\"fraud\",severity=\"P2\"} 1\n", metrics);
        Assert.Contains("vigil_feature_drift{model=\"fraud\",feature=\"amount\",monitor=\"amount-drift\"}", metrics);
        using var alerts = JsonDocument.Parse(await http.GetStringAsync("/v1/alerts"));
        Assert.Equal("firing", alerts.RootElement.GetProperty("active")[0].GetProperty("state").GetString());

        // The alert opened an incident; the on-call engineer works it through.
        using (var incidents = JsonDocument.Parse(await http.GetStringAsync("/v1/incidents")))
        {
            var incident = Assert.Single(incidents.RootElement.GetProperty("incidents").EnumerateArray());
            Assert.Equal(("open", "P2", "fraud"), (incident.GetProperty("state").GetString(), incident.GetProperty("severity").GetString(), incident.GetProperty("model").GetString()));
        }
        async Task<(int Status, JsonElement Body)> Act(string action, string? body = null)
        {
            using var r = await http.PostAsync($"/v1/incidents/1/{action}", body is null ? null : new StringContent(body, Encoding.UTF8, "application/json"));
            using var d = JsonDocument.Parse(await r.Content.ReadAsStringAsync());
            return ((int)r.StatusCode, d.RootElement.Clone());
        }
        Assert.Equal("acknowledged", (await Act("acknowledge")).Body.GetProperty("state").GetString());
        Assert.Equal(409, (await Act("acknowledge")).Status);
        Assert.Equal("dana", (await Act("assign", """{"assignee": "dana"}""")).Body.GetProperty("assignee").GetString());
        Assert.Equal(400, (await Act("notes", "{}")).Status);
        var noted = await Act("notes", """{"text": "shift in amount traced to a currency change"}""");
        Assert.Equal("shift in amount traced to a currency change", noted.Body.GetProperty("notes").EnumerateArray().Last().GetProperty("text").GetString());
        Assert.Equal("resolved", (await Act("resolve", """{"text": "rates fixed upstream"}""")).Body.GetProperty("state").GetString());
        Assert.Equal(System.Net.HttpStatusCode.NotFound, (await http.PostAsync("/v1/incidents/7/resolve", null)).StatusCode);
    }

    [Fact]
    public async Task DriftOnAnUnimportantFeature_IsHeldAtP3_UnlessPerformanceMoved()
    {
        var reference = Reference();
        ServiceConfig Make(string storeName) => ServiceConfigLoader.Parse($$"""
            store: {{Path.Combine(_dir, storeName)}}
            keys:
              - key: admin-key-0001
                scopes: [admin]
            models:
              fraud:
                task: binary
                reference: {{reference}}
                importance:
                  amount: 0.02
                  country: 0.5
                min_importance: 0.1
                slo:
                  roc_auc:
                    min: 0.8
                    window: 10m
                    every: 1h
                schema:
                  features:
                    amount: number
                    country: category
                monitors:
                  - name: amount-drift
                    metric: drift(amount)
                    window: 10m
                    every: 1h
                    severity: P1
            """);
        foreach (var performanceMoved in new[] { false, true })
        {
            var config = Make($"store-{performanceMoved}.duckdb");
            await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "admin-key-0001");
            await http.PostAsync("/v1/models/fraud/predictions", new StringContent(Batch(0, 3000, 15, 4), Encoding.UTF8, "application/json"));
            // Labels that make the scores useless (AUC near 0.5) when performance is to move.
            if (performanceMoved)
            {
                var labels = "[" + string.Join(",", Enumerable.Range(0, 3000).Select(i => $"{{\"id\": \"p{i}\", \"label\": {i % 2}}}")) + "]";
                await http.PostAsync("/v1/models/fraud/labels", new StringContent(labels, Encoding.UTF8, "application/json"));
            }
            var model = config.Models[0];
            Assert.Equal(("slo-roc_auc", "P1", true), (model.Monitors[1].Name, model.Monitors[1].Severity, model.Monitors[1].Slo));
            var now = DateTime.UtcNow.AddSeconds(1);
            server.Monitors.RunOnce(model, model.Monitors[1], now);
            var drift = server.Monitors.RunOnce(model, model.Monitors[0], now);
            Assert.True(drift.Breached);
            var alert = Assert.Single(server.Monitors.Alerts.Active, a => a.Monitor == "amount-drift");
            Assert.Equal(0.02, alert.Importance);
            Assert.Equal(performanceMoved, alert.PerformanceMoved);
            Assert.Equal(performanceMoved ? "P1" : "P3", alert.Severity);
            if (!performanceMoved) Assert.Contains("held at P3: importance 0.02 < 0.1 and performance within SLO", alert.Condition);
        }
    }
}
