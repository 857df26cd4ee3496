using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>The service over a real PostgreSQL store (started by the fixture): ingest, duplicates, refusal, labels,
/// restart, and monitors whose queries and analyses run inside PostgreSQL.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pgstore-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private ServiceConfig Config(string model, string? reference = null) => ServiceConfigLoader.Parse($$"""
        store: {{server.Url}}
        keys:
          - key: pg-key-00001
            scopes: [admin]
        models:
          {{model}}:
            task: binary
            {{(reference is null ? "" : "reference: " + reference)}}
            schema:
              features:
                amount: number
                country: category
            monitors:
              - name: drift
                metric: drift(amount)
                window: 10m
                every: 1h
              - name: auc
                metric: roc_auc
                window: 10m
                every: 1h
                threshold:
                  min: 0.7
              - name: latency
                metric: latency_p99_ms
                window: 10m
                every: 1h
                threshold:
                  max: 100
              - name: volume
                metric: volume
                window: 10m
                every: 1h
                threshold:
                  min: 1
        """);

    private static async Task<JsonElement> Json(HttpResponseMessage resp)
    {
        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    private static HttpClient Client(VigilServer s)
    {
        var http = new HttpClient { BaseAddress = new Uri(s.Addresses[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pg-key-00001");
        return http;
    }

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    [SkippableFact]
    public async Task Ingest_Duplicates_Refusal_Labels_AndRestart()
    {
        server.Require();
        // The drift monitor needs a reference (checked when the config loads), though this test never runs it.
        var reference = Path.Combine(_dir, "ingest-reference.csv");
        File.WriteAllText(reference, "amount,country\n1.5,DE\n2.5,FR\n");
        var config = Config("pg_ingest", reference);
        await using (var s = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await s.StartAsync();
            using var http = Client(s);
            var resp = await http.PostAsync("/v1/models/pg_ingest/predictions", Body("""[{"id": "a", "score": 0.9, "features": {"amount": 3.5, "country": "DE"}, "latency_ms": 4}, {"id": "b", "score": 0.2}, {"id": "a", "score": 0.1}]"""));
            Assert.True(resp.StatusCode == HttpStatusCode.Accepted, await resp.Content.ReadAsStringAsync());
            var body = await Json(resp);
            Assert.Equal((2L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("duplicates").GetInt64()));
            body = await Json(await http.PostAsync("/v1/models/pg_ingest/predictions", Body("""[{"id": "b", "score": 0.3}, {"id": "c", "score": 0.3}]""")));
            Assert.Equal((1L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("duplicates").GetInt64()));
            resp = await http.PostAsync("/v1/models/pg_ingest/predictions", Body("""[{"id": "d", "score": 0.3}, {"id": "e", "score": 7}]"""));
            Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
            body = await Json(await http.PostAsync("/v1/models/pg_ingest/labels", Body("""[{"id": "a", "label": 1}, {"id": "zz", "label": 0}]""")));
            Assert.Equal((1L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("unknown").GetInt64()));
        }
        // A new process over the same database sees everything acknowledged.
        await using (var s = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await s.StartAsync();
            using var http = Client(s);
            var model = await Json(await http.GetAsync("/v1/models/pg_ingest"));
            Assert.Equal((3L, 1L), (model.GetProperty("predictions").GetInt64(), model.GetProperty("labels").GetInt64()));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        }
    }

    [SkippableFact]
    public async Task Monitors_RunInsidePostgres()
    {
        server.Require();
        var r = new Random(3);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
        var reference = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(reference, "amount,country\n" + string.Join("\n", Enumerable.Range(0, 3000).Select(i => string.Create(CultureInfo.InvariantCulture, $"{50 + 10 * Normal():F3},DE"))) + "\n");
        var config = Config("pg_monitors", reference);
        await using var s = VigilServer.Create(config, "http://127.0.0.1:0");
        await s.StartAsync();
        using var http = Client(s);
        var batch = "[" + string.Join(",", Enumerable.Range(0, 2000).Select(i =>
        {
            var label = i % 2;
            return string.Create(CultureInfo.InvariantCulture,
                $"{{\"id\": \"m{i}\", \"score\": {(label == 1 ? 0.7 : 0.3) + 0.2 * (r.NextDouble() - 0.5):F4}, \"label\": {label}, \"latency_ms\": {i % 100}, \"features\": {{\"amount\": {65 + 10 * Normal():F3}, \"country\": \"DE\"}}}}");
        })) + "]";
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/v1/models/pg_monitors/predictions", Body(batch))).StatusCode);
        var model = config.Models[0];
        var now = DateTime.UtcNow.AddSeconds(1);
        var readings = model.Monitors.ToDictionary(m => m.Name, m => s.Monitors.RunOnce(model, m, now));
        Assert.True(readings["drift"].Breached, readings["drift"].Note);
        Assert.StartsWith("wasserstein", readings["drift"].Note);
        Assert.Equal(1.0, readings["auc"].Value);
        Assert.Equal(false, readings["auc"].Breached);
        // percentile_cont over 0..99, each 20 times: position 0.99 × 1999 = 1979.01, between 98 and 99 (numpy's linear).
        Assert.Equal(98.01, readings["latency"].Value!.Value, 9);
        Assert.Equal(2000.0, readings["volume"].Value);
        var canary = await Json(await http.GetAsync("/v1/models/pg_monitors/canary?baseline=x&candidate=y"));
        Assert.False(canary.GetProperty("conclusive").GetBoolean());
    }
}
