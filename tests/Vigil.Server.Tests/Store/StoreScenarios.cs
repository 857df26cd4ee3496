using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;
using Vigil.Server.Monitors;
using Vigil.Server.Store;
using Vigil.Server.Tests.Monitors;

namespace Vigil.Server.Tests.Store;

/// <summary>Scenarios every server store passes with the same expected numbers (PostgreSQL, ClickHouse): ingest with
/// duplicates, refusal, labels and a restart; monitors on a window; the estimate monitor against <c>vigil estimate</c>;
/// the dashboard's /evaluation and /quality.</summary>
internal static class StoreScenarios
{
    public const string Key = "store-key-00001";

    /// <summary>A binary model with two features and drift, AUC, latency and volume monitors (plus <paramref name="extraMonitors"/>).</summary>
    public static ServiceConfig Config(string store, string model, string? reference, string extraMonitors = "") => ServiceConfigLoader.Parse($$"""
        store: {{store}}
        keys:
          - key: {{Key}}
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
        {{extraMonitors}}
        """);

    public static async Task<JsonElement> Json(HttpResponseMessage resp)
    {
        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
        return doc.RootElement.Clone();
    }

    public static HttpClient Client(VigilServer s)
    {
        var http = new HttpClient { BaseAddress = new Uri(s.Addresses[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        return http;
    }

    public static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>Two predictions and a duplicate, a duplicate across batches, a refused batch, a label (and one for an
    /// unknown id); <paramref name="afterFirst"/> runs after the first batch's 202 with the stored count (2).</summary>
    public static async Task IngestDuplicatesRefusalLabels(HttpClient http, string model, Action? afterFirst = null)
    {
        var resp = await http.PostAsync($"/v1/models/{model}/predictions", Body("""[{"id": "a", "score": 0.9, "features": {"amount": 3.5, "country": "DE"}, "latency_ms": 4}, {"id": "b", "score": 0.2}, {"id": "a", "score": 0.1}]"""));
        Assert.True(resp.StatusCode == HttpStatusCode.Accepted, await resp.Content.ReadAsStringAsync());
        var body = await Json(resp);
        Assert.Equal((2L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("duplicates").GetInt64()));
        afterFirst?.Invoke();
        body = await Json(await http.PostAsync($"/v1/models/{model}/predictions", Body("""[{"id": "b", "score": 0.3}, {"id": "c", "score": 0.3}]""")));
        Assert.Equal((1L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("duplicates").GetInt64()));
        resp = await http.PostAsync($"/v1/models/{model}/predictions", Body("""[{"id": "d", "score": 0.3}, {"id": "e", "score": 7}]"""));
        Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
        body = await Json(await http.PostAsync($"/v1/models/{model}/labels", Body("""[{"id": "a", "label": 1}, {"id": "zz", "label": 0}]""")));
        Assert.Equal((1L, 1L), (body.GetProperty("accepted").GetInt64(), body.GetProperty("unknown").GetInt64()));
    }

    /// <summary>A reference of 3,000 amounts around 50 (the window's are around 65: drift).</summary>
    public static string Reference(string dir)
    {
        var r = new Random(3);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
        var reference = Path.Combine(dir, "reference.csv");
        File.WriteAllText(reference, "amount,country\n" + string.Join("\n", Enumerable.Range(0, 3000).Select(i => string.Create(CultureInfo.InvariantCulture, $"{50 + 10 * Normal():F3},DE"))) + "\n");
        return reference;
    }

    /// <summary>2,000 labelled predictions a minute ago, perfectly separated, latencies 0..99, every tenth an error and
    /// every fourth without a country: posts them and checks the drift, AUC, latency and volume monitors.</summary>
    public static async Task<string> MonitorsOnAWindow(VigilServer s, HttpClient http, ModelConfig model, DateTime now)
    {
        var r = new Random(4);
        double Normal() => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());
        var at = now.AddMinutes(-1).ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        var batch = "[" + string.Join(",", Enumerable.Range(0, 2000).Select(i =>
        {
            var label = i % 2;
            return string.Create(CultureInfo.InvariantCulture,
                $"{{\"id\": \"m{i}\", \"timestamp\": \"{at}\", \"score\": {(label == 1 ? 0.7 : 0.3) + 0.2 * (r.NextDouble() - 0.5):F4}, \"label\": {label}, \"latency_ms\": {i % 100}, \"error\": {(i % 10 == 0 ? "true" : "false")}, \"features\": {{\"amount\": {65 + 10 * Normal():F3}, \"country\": {(i % 4 == 0 ? "null" : "\"DE\"")}}}}}");
        })) + "]";
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync($"/v1/models/{model.Name}/predictions", Body(batch))).StatusCode);
        var readings = model.Monitors.ToDictionary(m => m.Name, m => s.Monitors.RunOnce(model, m, now));
        Assert.True(readings["drift"].Breached, readings["drift"].Note);
        Assert.StartsWith("wasserstein", readings["drift"].Note);
        Assert.Equal(1.0, readings["auc"].Value);
        Assert.Equal(false, readings["auc"].Breached);
        // The quantile over 0..99, each 20 times: position 0.99 × 1999 = 1979.01, between 98 and 99 (numpy's linear).
        Assert.Equal(98.01, readings["latency"].Value!.Value, 9);
        Assert.Equal(2000.0, readings["volume"].Value);
        var canary = await Json(await http.GetAsync($"/v1/models/{model.Name}/canary?baseline=x&candidate=y"));
        Assert.False(canary.GetProperty("conclusive").GetBoolean());
        return batch;
    }

    /// <summary>The estimate monitor's first three metrics equal <c>vigil estimate</c> on the same 1,500 rows, and the
    /// realized value follows the late labels.</summary>
    public static async Task EstimateFollowsTheLabels(string store, string model, string dir)
    {
        var reference = EstimateData.Reference(dir);
        var config = EstimatedPerformanceTests.Config(store, reference, model: model);
        var m = config.Models[0];
        var now = DateTime.UtcNow;
        // Whole seconds: a ClickHouse store keeps them (and the other stores lose nothing).
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var rows = EstimateData.Predictions(now, 0, 1500, shifted: false, seed: 7);
        using var s = PredictionStore.Open(config);
        await s.InsertAsync(m.Name, rows.Select(r => r.Record).ToList());
        var windows = new WindowMetrics(s);
        var expected = EstimateData.EstimateAsOneChunk(reference, EstimateData.AnalysisCsv(dir, rows));
        foreach (var monitor in m.Monitors.Take(3))
        {
            var value = windows.Compute(m, monitor, now);
            var want = expected.Metrics[monitor.Metric];
            Assert.Equal(want.Estimated!.Value, value.Value!.Value, 1e-9);
            Assert.Equal(want.Lower!.Value, value.Estimate!.Lower!.Value, 1e-9);
            Assert.Equal(want.Upper!.Value, value.Estimate.Upper!.Value, 1e-9);
        }

        s.SetLabels(m.Name, rows.Select(r => new LabelRecord(r.Record.Id, (double)r.Label, now)).ToList());
        windows.Compute(m, m.Monitors[0], now.AddSeconds(1));
        var point = windows.Estimates.History(m.Name, "est-auc").Single();
        Assert.Equal((1500L, 1500L), (point.Labelled, point.Predictions));
        Assert.Equal(windows.Compute(m, m.Monitors[3], now).Value!.Value, point.Realized!.Value, 1e-12);
    }

    /// <summary>300 predictions five minutes ago; /evaluation's AUC by its definition and /quality's findings by count.</summary>
    public static async Task EvaluationAndQuality(string store, string model, string dir)
    {
        var reference = Path.Combine(dir, "window-reference.csv");
        File.WriteAllText(reference, "amount,country\n0,DE\n50,FR\n100,US\n");
        var config = ServiceConfigLoader.Parse($$"""
            store: {{store}}
            keys:
              - key: {{Key}}
                scopes: [admin]
            models:
              {{model}}:
                task: binary
                reference: {{reference}}
                schema:
                  features:
                    amount: number
                    country: category
            """);
        await using var s = VigilServer.Create(config, "http://127.0.0.1:0");
        await s.StartAsync();
        using var http = Client(s);

        var r = new Random(3);
        var at = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var rows = Enumerable.Range(0, 300).Select(i =>
        {
            var label = r.Next(2);
            var score = Math.Round(Math.Clamp(0.5 + (label == 1 ? 0.15 : -0.15) + 0.6 * (r.NextDouble() - 0.5), 0, 1), 3);
            return (Id: $"w{i}", Score: score, Label: label, Amount: i % 30 == 0 ? (double?)null : i % 20 == 1 ? 250 : i % 100, Country: i % 15 == 2 ? "NL" : "DE", Error: i % 10 == 0);
        }).ToList();
        var body = "[" + string.Join(",", rows.Select(x =>
            $$"""{"id": "{{x.Id}}", "timestamp": "{{at}}", "score": {{x.Score.ToString("R", CultureInfo.InvariantCulture)}}, "label": {{x.Label}}, "error": {{(x.Error ? "true" : "false")}}, "latency_ms": 5, "features": {"amount": {{x.Amount?.ToString(CultureInfo.InvariantCulture) ?? "null"}}, "country": "{{x.Country}}"} }""")) + "]";
        using (var resp = await http.PostAsync($"/v1/models/{model}/predictions", Body(body)))
            Assert.Equal(HttpStatusCode.Accepted, resp.StatusCode);

        using var evaluation = JsonDocument.Parse(await http.GetStringAsync($"/v1/models/{model}/evaluation?window=1h"));
        Assert.Equal(300, evaluation.RootElement.GetProperty("rows").GetInt64());
        // ROC AUC by its definition: the share of (positive, negative) pairs ranked right, ties counting half.
        var pos = rows.Where(x => x.Label == 1).Select(x => x.Score).ToList();
        var neg = rows.Where(x => x.Label == 0).Select(x => x.Score).ToList();
        var auc = pos.Sum(p => neg.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0.0)) / (pos.Count * (double)neg.Count);
        Assert.Equal(auc, evaluation.RootElement.GetProperty("metrics").GetProperty("roc_auc").GetDouble(), 12);

        using var quality = JsonDocument.Parse(await http.GetStringAsync($"/v1/models/{model}/quality?window=1h"));
        var findings = quality.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(rows.Count(x => x.Error), findings["errors"]);
        Assert.Equal(rows.Count(x => x.Amount is null), findings["null_values"]);
        Assert.Equal(rows.Count(x => x.Amount > 100), findings["out_of_range"]);
        Assert.Equal(rows.Count(x => x.Country == "NL"), findings["unseen_category"]);
        Assert.False(findings.ContainsKey("missing_latency"));
    }
}
