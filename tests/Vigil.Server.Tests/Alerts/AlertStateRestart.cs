using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Monitoring.Config;
using Vigil.Server.Tests.Monitors;

namespace Vigil.Server.Tests.Alerts;

/// <summary>
/// A deploy in the middle of an alert, on a given store (a DuckDB file or PostgreSQL): a drift alert fires and reaches
/// a webhook receiver, the on-call engineer notes and assigns its incident and silences another monitor; the server
/// stops and a new one starts on the same store and config while the drift persists. The new server sends no second
/// webhook (the alert is still open and within its cooldown), the incident keeps its id, notes and assignee, the next
/// incident gets the next id, and the silence still holds.
/// </summary>
internal sealed class AlertStateRestart : IAsyncDisposable
{
    private readonly string _dir;
    private readonly WebApplication _receiver;
    private readonly ConcurrentQueue<JsonElement> _received = new();
    private string Hook => _receiver.Urls.First() + "/hook";

    private AlertStateRestart(string dir, WebApplication receiver)
    {
        _dir = dir;
        _receiver = receiver;
    }

    public static async Task<AlertStateRestart> Start(string dir)
    {
        var b = WebApplication.CreateSlimBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        b.Logging.ClearProviders();
        var receiver = b.Build();
        var scenario = new AlertStateRestart(dir, receiver);
        receiver.MapPost("/hook", async (HttpContext ctx) =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            scenario._received.Enqueue(doc.RootElement.Clone());
            return Results.Ok();
        });
        await receiver.StartAsync();
        return scenario;
    }

    public async ValueTask DisposeAsync() => await _receiver.DisposeAsync();

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private string Reference()
    {
        var r = new Random(1);
        var sb = new StringBuilder("amount\n");
        for (var i = 0; i < 3000; i++) sb.Append(CultureInfo.InvariantCulture, $"{50 + 10 * Normal(r):F3}\n");
        var path = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static string Batch(string prefix, int n, double shift, int seed)
    {
        var r = new Random(seed);
        return "[" + string.Join(",", Enumerable.Range(0, n).Select(i =>
            string.Create(CultureInfo.InvariantCulture, $"{{\"id\": \"{prefix}{i}\", \"score\": {r.NextDouble():F4}, \"features\": {{\"amount\": {50 + shift + 10 * Normal(r):F3}}}}}"))) + "]";
    }

    private ServiceConfig Config(string store, string fraud, string churn) => ServiceConfigLoader.Parse($$"""
        store: {{store}}
        keys:
          - key: admin-key-0001
            scopes: [admin]
        models:
          {{fraud}}:
            task: binary
            reference: {{Reference()}}
            schema:
              features:
                amount: number
            monitors:
              - name: amount-drift
                metric: drift(amount)
                method: psi
                window: 10m
                every: 1h
                severity: P2
                cooldown: 1h
          {{churn}}:
            task: binary
            schema:
              features:
                amount: number
            monitors:
              - name: volume
                metric: volume
                window: 10m
                every: 1h
                severity: P2
                threshold:
                  max: 10
        notifiers:
          - name: receiver
            type: webhook
            url: {{Hook}}
            severities: [P1, P2]
        """);

    private static async Task<JsonElement> Get(HttpClient http, string path)
    {
        using var resp = await http.GetAsync(path);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.IsSuccessStatusCode, $"GET {path}: {(int)resp.StatusCode} {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private static async Task<JsonElement> Post(HttpClient http, string path, string body, int status)
    {
        using var resp = await http.PostAsync(path, new StringContent(body, Encoding.UTF8, "application/json"));
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(status == (int)resp.StatusCode, $"POST {path}: {(int)resp.StatusCode} {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    public async Task Run(string store, string fraudName = "fraud", string churnName = "churn")
    {
        var config = Config(store, fraudName, churnName);
        var fraud = config.Models[0];
        var churn = config.Models[1];
        int incident;
        string alertKey;
        await using (var server = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await server.StartAsync();
            await RunningServer.FirstRound(server, fraud);
            await RunningServer.FirstRound(server, churn);
            using var http = RunningServer.AdminClient(server);
            await Post(http, $"/v1/models/{fraudName}/predictions", Batch("f", 3000, 15, 2), 202);
            var reading = server.Monitors.RunOnce(fraud, fraud.Monitors[0], DateTime.UtcNow);
            Assert.True(reading.Breached, $"the shifted feature did not drift: {reading.Value} {reading.Note}");
            await server.Deliveries.Drain();
            var sent = Assert.Single(_received);
            var labels = sent.GetProperty("alerts")[0].GetProperty("labels");
            Assert.Equal(("amount", "psi"), (labels.GetProperty("feature").GetString(), labels.GetProperty("statistic").GetString()));

            var alerts = await Get(http, "/v1/alerts");
            var active = Assert.Single(alerts.GetProperty("active").EnumerateArray());
            alertKey = active.GetProperty("key").GetString()!;
            Assert.Equal("amount", active.GetProperty("feature").GetString());
            var notified = Assert.Single(active.GetProperty("notifications").EnumerateArray());
            Assert.Equal(("receiver", "ok", "firing"), (notified.GetProperty("notifier").GetString(), notified.GetProperty("status").GetString(), notified.GetProperty("event").GetString()));

            var incidents = await Get(http, "/v1/incidents");
            incident = Assert.Single(incidents.GetProperty("incidents").EnumerateArray()).GetProperty("id").GetInt32();
            await Post(http, $"/v1/incidents/{incident}/assign", """{"assignee": "dana"}""", 200);
            await Post(http, $"/v1/incidents/{incident}/notes", """{"text": "amount shifted after the currency change"}""", 200);
            var silence = await Post(http, "/v1/silences", $$"""{"model": "{{churnName}}", "monitor": "volume", "duration": "2h", "comment": "backfill"}""", 201);
            Assert.Equal((1, true), (silence.GetProperty("id").GetInt32(), silence.GetProperty("active").GetBoolean()));
            // Bad silences: one line saying what is wrong.
            var bad = await Post(http, "/v1/silences", $$"""{"model": "{{churnName}}", "monitor": "nope", "duration": "2h"}""", 400);
            Assert.Equal($"monitor: '{churnName}' has no monitor 'nope'; its monitors are volume", bad.GetProperty("error").GetString());
            bad = await Post(http, "/v1/silences", $$"""{"model": "{{churnName}}", "duration": "soon"}""", 400);
            Assert.Equal("duration: 'soon' is not a duration; expected e.g. 30s, 5m, 1h or 7d", bad.GetProperty("error").GetString());
            bad = await Post(http, "/v1/silences", $$"""{"model": "{{churnName}}"}""", 400);
            Assert.StartsWith("a silence needs either 'duration'", bad.GetProperty("error").GetString());
        }

        // The deploy: a new server on the same store and config, while the drift persists.
        await using (var server = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await server.StartAsync();
            await RunningServer.FirstRound(server, fraud); // the loop's round re-evaluates the drift
            await RunningServer.FirstRound(server, churn);
            var reading = server.Monitors.RunOnce(fraud, fraud.Monitors[0], DateTime.UtcNow);
            Assert.True(reading.Breached);
            await server.Deliveries.Drain();
            Assert.True(_received.Count == 1, $"a second webhook after the restart: {_received.Count} received");
            using var http = RunningServer.AdminClient(server);

            var alerts = await Get(http, "/v1/alerts");
            var active = Assert.Single(alerts.GetProperty("active").EnumerateArray());
            Assert.Equal((alertKey, "firing"), (active.GetProperty("key").GetString(), active.GetProperty("state").GetString()));
            Assert.Equal("ok", Assert.Single(active.GetProperty("notifications").EnumerateArray()).GetProperty("status").GetString());

            var kept = await Get(http, $"/v1/incidents/{incident}");
            Assert.Equal(("open", "dana"), (kept.GetProperty("state").GetString(), kept.GetProperty("assignee").GetString()));
            Assert.Contains(kept.GetProperty("notes").EnumerateArray(), n => n.GetProperty("text").GetString() == "amount shifted after the currency change");
            Assert.Equal(alertKey, Assert.Single(kept.GetProperty("notifications").EnumerateArray()).GetProperty("alert").GetString());

            var silences = await Get(http, "/v1/silences");
            var silence = Assert.Single(silences.GetProperty("silences").EnumerateArray());
            Assert.Equal((1, true, "backfill"), (silence.GetProperty("id").GetInt32(), silence.GetProperty("active").GetBoolean(), silence.GetProperty("comment").GetString()));

            // Another model's alert: the next incident id, and the silence keeps it from the webhook.
            await Post(http, $"/v1/models/{churnName}/predictions", Batch("c", 50, 0, 3), 202);
            var volume = server.Monitors.RunOnce(churn, churn.Monitors[0], DateTime.UtcNow);
            Assert.True(volume.Breached, $"volume {volume.Value} did not breach max 10");
            await server.Deliveries.Drain();
            Assert.True(_received.Count == 1, $"the silenced alert reached the webhook: {_received.Count} received");
            var incidents = await Get(http, "/v1/incidents");
            var newest = incidents.GetProperty("incidents")[0];
            Assert.Equal((incident + 1, churnName), (newest.GetProperty("id").GetInt32(), newest.GetProperty("model").GetString()));
            var held = Assert.Single(newest.GetProperty("notifications").EnumerateArray());
            Assert.Equal(("silenced", "silence 1"), (held.GetProperty("status").GetString(), held.GetProperty("error").GetString()));

            // Expiring the silence is kept too.
            using var expired = await http.DeleteAsync("/v1/silences/1");
            Assert.Equal(200, (int)expired.StatusCode);
            using var missing = await http.DeleteAsync("/v1/silences/9");
            Assert.Equal(404, (int)missing.StatusCode);
        }
        await using (var server = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await server.StartAsync();
            using var http = RunningServer.AdminClient(server);
            var silences = await Get(http, "/v1/silences");
            Assert.False(silences.GetProperty("silences")[0].GetProperty("active").GetBoolean());
            Assert.Equal(2, (await Get(http, "/v1/incidents")).GetProperty("incidents").GetArrayLength());
        }
    }
}
