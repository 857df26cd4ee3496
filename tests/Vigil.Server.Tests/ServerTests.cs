using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests;

/// <summary>The service as a client sees it: a real Kestrel on a free loopback port over a DuckDB store in a temporary
/// folder.</summary>
public sealed class ServerTests : IAsyncLifetime
{
    private const string IngestKey = "ingest-key-0001";
    private const string ReadKey = "read-key-0001";
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-serve-").FullName;
    private VigilServer? _server;
    private HttpClient _http = new();

    private ServiceConfig Config => ServiceConfigLoader.Parse($$"""
        store: {{Path.Combine(_dir, "store.duckdb")}}
        keys:
          - key: {{IngestKey}}
            scopes: [ingest]
          - key: {{ReadKey}}
            scopes: [read]
        models:
          fraud:
            task: binary
            schema:
              features:
                amount: number
                country: category
          prices:
            task: regression
            schema:
              features:
                rooms: number
          kinds:
            task: multiclass
        """);

    public async Task InitializeAsync() => await Start();

    private async Task Start()
    {
        _server = VigilServer.Create(Config, "http://127.0.0.1:0");
        await _server.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_server.Addresses[0]) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Send(HttpMethod method, string path, string? key, string? body = null, string type = "application/json")
    {
        using var req = new HttpRequestMessage(method, path);
        if (key is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null) req.Content = new StringContent(body, Encoding.UTF8, type);
        using var resp = await _http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        return (resp.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    private Task<(HttpStatusCode Status, JsonElement Body)> Post(string path, string body, string? key = IngestKey, string type = "application/json") =>
        Send(HttpMethod.Post, path, key, body, type);

    private async Task<long> Stored(string model, string field = "predictions")
    {
        var (status, body) = await Send(HttpMethod.Get, $"/v1/models/{model}", ReadKey);
        Assert.Equal(HttpStatusCode.OK, status);
        return body.GetProperty(field).GetInt64();
    }

    [Fact]
    public async Task Ingest_Accepts_CountsDuplicates_AndTheModelShowsIt()
    {
        var (status, body) = await Post("/v1/models/fraud/predictions",
            """[{"id": "a", "score": 0.9, "features": {"amount": 10.5, "country": "DE"}, "version": "v1", "latency_ms": 12}, {"id": "b", "score": 0.1, "timestamp": "2026-11-23T10:00:00Z", "features": {"amount": null}}, {"id": "a", "score": 0.2}]""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(2, body.GetProperty("accepted").GetInt64());
        Assert.Equal(1, body.GetProperty("duplicates").GetInt64());
        (status, body) = await Post("/v1/models/fraud/predictions", """[{"id": "b", "score": 0.3}, {"id": 7, "score": 0.3}]""");
        Assert.Equal((1L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("duplicates").GetInt64()));
        Assert.Equal(3, await Stored("fraud"));
        var (_, model) = await Send(HttpMethod.Get, "/v1/models/fraud", ReadKey);
        Assert.Equal("binary", model.GetProperty("task").GetString());
        Assert.Equal("ok", model.GetProperty("health").GetString());
        var (_, all) = await Send(HttpMethod.Get, "/v1/models", ReadKey);
        Assert.Equal(["fraud", "prices", "kinds"], all.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("name").GetString()));
    }

    [Fact]
    public async Task ConcurrentBatches_CommittedTogether_StoreEachIdOnce()
    {
        // 12 batches at once, each overlapping the next by half: the writer may put several in one commit, and an id in
        // two of them is stored once and counted as a duplicate in the other.
        var posts = Enumerable.Range(0, 12).Select(b =>
            Post("/v1/models/fraud/predictions", "[" + string.Join(",", Enumerable.Range(b * 50, 100).Select(i => $"{{\"id\": \"c{i}\", \"score\": 0.5}}")) + "]")).ToList();
        var answers = await Task.WhenAll(posts);
        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Accepted, a.Status));
        var accepted = answers.Sum(a => a.Body.GetProperty("accepted").GetInt64());
        var duplicates = answers.Sum(a => a.Body.GetProperty("duplicates").GetInt64());
        Assert.Equal(650, accepted); // ids c0 .. c649
        Assert.Equal(12 * 100 - 650, duplicates);
        Assert.Equal(650, await Stored("fraud"));
    }

    [Fact]
    public async Task Canary_ComparesVersionsOnTheWindow()
    {
        // v1: scores follow the labels; v2-good: the same; v2-bad: random scores and more errors.
        var r = new Random(5);
        string Records(string version, int n, bool good, double errorRate) => "[" + string.Join(",", Enumerable.Range(0, n).Select(i =>
        {
            var label = r.Next(2);
            var score = good ? Math.Clamp(0.5 + (label == 1 ? 0.3 : -0.3) + 0.2 * (r.NextDouble() - 0.5), 0, 1) : r.NextDouble();
            return string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{{\"id\": \"{version}-{i}\", \"version\": \"{version}\", \"score\": {score:F4}, \"label\": {label}, \"latency_ms\": {10 + r.Next(10)}, \"error\": {(r.NextDouble() < errorRate ? "true" : "false")}}}");
        })) + "]";
        foreach (var (version, good, errors) in new[] { ("v1", true, 0.01), ("v2-good", true, 0.01), ("v2-bad", false, 0.2) })
            Assert.Equal(HttpStatusCode.Accepted, (await Post("/v1/models/fraud/predictions", Records(version, 400, good, errors))).Status);
        Assert.Equal(HttpStatusCode.Accepted, (await Post("/v1/models/fraud/predictions", Records("v3-new", 20, true, 0))).Status);

        var (status, body) = await Send(HttpMethod.Get, "/v1/models/fraud/canary?baseline=v1&candidate=v2-good&window=1h", ReadKey);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(body.GetProperty("ok").GetBoolean(), body.ToString());
        Assert.Equal(400, body.GetProperty("candidate").GetProperty("metrics").GetProperty("predictions").GetDouble());
        Assert.True(body.GetProperty("baseline").GetProperty("metrics").GetProperty("roc_auc").GetDouble() > 0.9);

        (_, body) = await Send(HttpMethod.Get, "/v1/models/fraud/canary?baseline=v1&candidate=v2-bad&window=1h", ReadKey);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.True(body.GetProperty("conclusive").GetBoolean());
        var reasons = body.GetProperty("reasons").EnumerateArray().Select(x => x.GetString()!).ToList();
        Assert.Contains(reasons, x => x.StartsWith("error rate", StringComparison.Ordinal));
        Assert.Contains(reasons, x => x.StartsWith("roc_auc", StringComparison.Ordinal));

        (_, body) = await Send(HttpMethod.Get, "/v1/models/fraud/canary?baseline=v1&candidate=v3-new", ReadKey);
        Assert.False(body.GetProperty("ok").GetBoolean());
        Assert.False(body.GetProperty("conclusive").GetBoolean());
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Get, "/v1/models/fraud/canary?baseline=v1", ReadKey)).Status);
        Assert.Equal(HttpStatusCode.BadRequest, (await Send(HttpMethod.Get, "/v1/models/fraud/canary?baseline=v1&candidate=v2&window=soon", ReadKey)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/v1/models/fraud/canary?baseline=v1&candidate=v2", null)).Status);
    }

    [Fact]
    public async Task Ndjson_AndEveryTask()
    {
        var (status, body) = await Post("/v1/models/prices/predictions", "{\"id\": \"h1\", \"prediction\": 250000, \"features\": {\"rooms\": 3}}\n\n{\"id\": \"h2\", \"prediction\": 1.5e5}\n", type: "application/x-ndjson");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(2, body.GetProperty("accepted").GetInt64());
        (status, _) = await Post("/v1/models/kinds/predictions", """[{"id": "k1", "prediction": "cat", "label": "dog"}]""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        (status, body) = await Post("/v1/models/prices/labels", """[{"id": "h1", "label": 260000}, {"id": "nope", "label": 1}]""");
        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal((1L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("unknown").GetInt64()));
        Assert.Equal(1, await Stored("prices", "labels"));
        Assert.Equal(1, await Stored("kinds", "labels"));
    }

    [Fact]
    public async Task BadBatch_IsRefusedWhole_WithEachBadRecordsIndexAndReason()
    {
        await Post("/v1/models/fraud/predictions", """[{"id": "x", "score": 0.5}]""");
        var (status, body) = await Post("/v1/models/fraud/predictions",
            """[{"id": "ok", "score": 0.5}, {"id": "s", "score": 1.5}, {"score": 0.2}, {"id": "f", "score": 0.1, "features": {"zip": 1}}, {"id": "t", "score": 0.1, "features": {"amount": "lots"}}, {"id": "w", "prediction": 3}, {"id": "z", "score": 0.1, "colour": 1}, 5]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        var records = body.GetProperty("records").EnumerateArray().Select(r => (r.GetProperty("index").GetInt32(), r.GetProperty("reason").GetString()!)).ToList();
        Assert.Equal([1, 2, 3, 4, 5, 6, 7], records.Select(r => r.Item1));
        Assert.Contains("not in [0, 1]", records[0].Item2);
        Assert.Equal("no id", records[1].Item2);
        Assert.Contains("unknown feature 'zip'", records[2].Item2);
        Assert.Contains("feature 'amount' must be a finite number", records[3].Item2);
        Assert.Contains("'prediction' is for regression and multiclass", records[4].Item2);
        Assert.Contains("unknown field 'colour'", records[5].Item2);
        Assert.Equal("a record must be a JSON object", records[6].Item2);
        Assert.Contains("7 bad records", body.GetProperty("error").GetString());
        Assert.Equal(1, await Stored("fraud"));
        foreach (var broken in new[] { "[{\"id\": ", "", "{\"id\": \"a\"}\nnot json", "[]" })
        {
            (status, body) = await Post("/v1/models/fraud/predictions", broken);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        }
        (status, _) = await Post("/v1/models/fraud/labels", """[{"id": "x", "label": 2}]""");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(1, await Stored("fraud"));
        Assert.Equal(0, await Stored("fraud", "labels"));
    }

    [Fact]
    public async Task Keys_401WithoutOrWithAnUnknownKey_403WithoutTheScope()
    {
        var batch = """[{"id": "a", "score": 0.5}]""";
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/models/fraud/predictions", batch, key: null)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Post("/v1/models/fraud/predictions", batch, key: "wrong-key-000")).Status);
        var (status, body) = await Post("/v1/models/fraud/predictions", batch, key: ReadKey);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("may not ingest", body.GetProperty("error").GetString());
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/v1/models", IngestKey)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/v1/models", null)).Status);
        Assert.Equal(0, await Stored("fraud"));
        Assert.Equal(HttpStatusCode.NotFound, (await Post("/v1/models/nope/predictions", batch)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/v1/models/nope", ReadKey)).Status);
    }

    [Fact]
    public async Task StreamingTier_DetectsAShiftInScores_AndFollowsOutcomes()
    {
        string Batch(int from, double score) => "[" + string.Join(",", Enumerable.Range(from, 1000).Select(i =>
            string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{{\"id\": \"s{i}\", \"score\": {score + (i % 10) * 0.001}}}"))) + "]";
        await Post("/v1/models/fraud/predictions", Batch(0, 0.1));
        var (_, model) = await Send(HttpMethod.Get, "/v1/models/fraud", ReadKey);
        var scores = model.GetProperty("streaming").GetProperty("scores");
        Assert.Equal(("PageHinkley", "score mean", 1000L, 0L), (scores.GetProperty("detector").GetString(), scores.GetProperty("watches").GetString(),
            scores.GetProperty("values").GetInt64(), scores.GetProperty("detections").GetInt64()));
        await Post("/v1/models/fraud/predictions", Batch(1000, 0.9));
        (_, model) = await Send(HttpMethod.Get, "/v1/models/fraud", ReadKey);
        Assert.True(model.GetProperty("streaming").GetProperty("scores").GetProperty("detections").GetInt64() >= 1);
        // Labels: the first thousand were right (score < 0.5, label 0), the next thousand wrong (score > 0.5, label 0).
        var labels = "[" + string.Join(",", Enumerable.Range(0, 2000).Select(i => $"{{\"id\": \"s{i}\", \"label\": 0}}")) + "]";
        await Post("/v1/models/fraud/labels", labels);
        (_, model) = await Send(HttpMethod.Get, "/v1/models/fraud", ReadKey);
        var outcomes = model.GetProperty("streaming").GetProperty("outcomes");
        Assert.Equal(("ADWIN", "correctness", 2000L), (outcomes.GetProperty("detector").GetString(), outcomes.GetProperty("watches").GetString(), outcomes.GetProperty("values").GetInt64()));
        Assert.True(outcomes.GetProperty("detections").GetInt64() >= 1);
        var metrics = await _http.GetStringAsync("/metrics");
        Assert.Contains("vigil_score_bucket{model=\"fraud\",le=\"0.2\"} 1000\n", metrics);
        Assert.Contains("vigil_score_bucket{model=\"fraud\",le=\"+Inf\"} 2000\n", metrics);
        Assert.Contains("vigil_stream_drift_detections_total{model=\"fraud\",detector=\"ADWIN\",watches=\"correctness\"}", metrics);
    }

    [Fact]
    public async Task OpenApi_DescribesEveryRoute()
    {
        using var resp = await _http.GetAsync("/openapi.json");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
        Assert.Equal("3.0.3", doc.RootElement.GetProperty("openapi").GetString());
        var paths = doc.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        // The dashboard's static files (/assets/...) are not API; its pages are described (they answer HTML).
        var routes = _server!.Routes.Where(r => r != "/openapi.json" && !r.StartsWith("/assets/", StringComparison.Ordinal)).ToList();
        Assert.True(routes.Count >= 12, string.Join(", ", routes));
        foreach (var route in routes) Assert.Contains(route, paths);
        var post = doc.RootElement.GetProperty("paths").GetProperty("/v1/models/{model}/predictions").GetProperty("post");
        Assert.True(post.GetProperty("responses").TryGetProperty("400", out _));
        Assert.Equal("bearer", doc.RootElement.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task HealthAndMetrics()
    {
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/healthz", null)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/readyz", null)).Status);
        await Post("/v1/models/fraud/predictions", """[{"id": "a", "score": 0.9, "version": "v1", "latency_ms": 3}, {"id": "b", "score": 0.1, "version": "v1", "latency_ms": 40, "error": true}, {"id": "c", "score": 0.1, "version": "v\"2"}]""");
        await Post("/v1/models/fraud/predictions", """[{"id": "a", "score": 0.9, "version": "v1", "latency_ms": 3}]""");
        using var resp = await _http.GetAsync("/metrics");
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", resp.Content.Headers.ContentType!.ToString());
        var text = await resp.Content.ReadAsStringAsync();
        Assert.Contains("# TYPE vigil_predictions_total counter", text);
        Assert.Contains("vigil_predictions_total{model=\"fraud\",version=\"v1\"} 2\n", text);
        Assert.Contains("vigil_predictions_total{model=\"fraud\",version=\"v\\\"2\"} 1\n", text);
        Assert.Contains("vigil_prediction_errors_total{model=\"fraud\"} 1\n", text);
        Assert.Contains("vigil_prediction_latency_seconds_bucket{model=\"fraud\",le=\"0.005\"} 1\n", text);
        Assert.Contains("vigil_prediction_latency_seconds_bucket{model=\"fraud\",le=\"0.05\"} 2\n", text);
        Assert.Contains("vigil_prediction_latency_seconds_bucket{model=\"fraud\",le=\"+Inf\"} 2\n", text);
        Assert.Contains("vigil_prediction_latency_seconds_count{model=\"fraud\"} 2\n", text);
        Assert.Contains("vigil_stored_predictions{model=\"fraud\"} 3\n", text);
    }

    [Fact]
    public async Task StoredBatches_OutliveTheServer()
    {
        await Post("/v1/models/fraud/predictions", string.Join(",", Enumerable.Range(0, 300).Select(i => $"{{\"id\": \"r{i}\", \"score\": 0.5}}")) is var items ? $"[{items}]" : "");
        await Post("/v1/models/fraud/labels", """[{"id": "r1", "label": true}]""");
        await _server!.DisposeAsync();
        _http.Dispose();
        await Start();
        Assert.Equal(300, await Stored("fraud"));
        Assert.Equal(1, await Stored("fraud", "labels"));
        var (_, body) = await Post("/v1/models/fraud/predictions", """[{"id": "r5", "score": 0.5}]""");
        Assert.Equal(1, body.GetProperty("duplicates").GetInt64());
    }
}
