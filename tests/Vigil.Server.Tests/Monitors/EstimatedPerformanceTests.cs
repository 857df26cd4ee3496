using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Alerts;
using Vigil.Server.Monitors;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Monitors;

/// <summary>The estimated_performance monitor on a DuckDB store: its estimate is <c>vigil estimate</c>'s on the same
/// rows, it fires when the scores shift (with the estimate and its band in the alert), the realized value replaces the
/// estimate in the model view once the labels are in, /metrics exports it, and a changed reference is refitted.</summary>
public sealed class EstimatedPerformanceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-estimate-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    internal static ServiceConfig Config(string store, string reference, string model = "fraud") => ServiceConfigLoader.Parse($$"""
        store: {{store}}
        keys:
          - key: admin-key-0001
            scopes: [admin]
        models:
          {{model}}:
            task: binary
            monitors:
              - name: est-auc
                type: estimated_performance
                metric: roc_auc
                reference: {{reference}}
                window: 1h
                every: 1h
                severity: P1
              - name: est-f1
                type: estimated_performance
                metric: f1
                reference: {{reference}}
                window: 1h
                every: 1h
                threshold: {min: 0.1}
              - name: est-ap
                type: estimated_performance
                metric: average_precision
                reference: {{reference}}
                window: 1h
                every: 1h
                threshold: {min: 0.1}
              - name: auc
                metric: roc_auc
                window: 1h
                every: 1h
                threshold: {min: 0.1}
        """);

    [Fact]
    public async Task Estimate_EqualsVigilEstimate_OnTheSameRows()
    {
        var reference = EstimateData.Reference(_dir);
        var config = Config(Path.Combine(_dir, "store.duckdb"), reference);
        var now = DateTime.UtcNow;
        var rows = EstimateData.Predictions(now, 0, 2000, shifted: false, seed: 2);
        using var store = PredictionStore.Open(config);
        await store.InsertAsync("fraud", rows.Select(r => r.Record).ToList());
        var windows = new WindowMetrics(store);
        var expected = EstimateData.EstimateAsOneChunk(reference, EstimateData.AnalysisCsv(_dir, rows));
        var model = config.Models[0];
        foreach (var monitor in model.Monitors.Take(3))
        {
            var value = windows.Compute(model, monitor, now);
            var want = expected.Metrics[monitor.Metric];
            Assert.NotNull(value.Value);
            Assert.Equal(want.Estimated!.Value, value.Value!.Value, 1e-9);
            Assert.Equal(want.StandardError!.Value, value.Estimate!.StandardError!.Value, 1e-9);
            Assert.Equal(want.Lower!.Value, value.Estimate.Lower!.Value, 1e-9);
            Assert.Equal(want.Upper!.Value, value.Estimate.Upper!.Value, 1e-9);
            Assert.Equal(2000, value.Estimate.Rows);
        }
        // Fitted once per monitor, not per window.
        windows.Compute(model, model.Monitors[0], now);
        Assert.Equal(3, windows.Estimates.Fits);
    }

    [Fact]
    public async Task ShiftedScores_FireTheAlert_WithTheEstimateAndItsBand()
    {
        var reference = EstimateData.Reference(_dir);
        var config = Config(Path.Combine(_dir, "store.duckdb"), reference);
        var model = config.Models[0];
        var auc = model.Monitors[0];
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        await RunningServer.FirstRound(server, model);
        using var http = RunningServer.AdminClient(server);
        var now = DateTime.UtcNow;
        var rows = EstimateData.Predictions(now, 0, 2000, shifted: false, seed: 3);
        Assert.Equal(202, (int)(await Post(http, "predictions", EstimateData.Batch(rows))).StatusCode);
        var quiet = server.Monitors.RunOnce(model, auc, now);
        Assert.False(quiet.Breached, $"unshifted scores breached: {quiet.Value} {quiet.Condition}");
        Assert.StartsWith("mean ± 3σ of the reference's 10 chunks", quiet.Condition, StringComparison.Ordinal);

        // An hour later, the scores have crowded around 0.5: the estimated AUC falls below the learned lower threshold.
        var later = now.AddHours(1);
        var shifted = EstimateData.Predictions(later, 10_000, 2000, shifted: true, seed: 4);
        Assert.Equal(202, (int)(await Post(http, "predictions", EstimateData.Batch(shifted))).StatusCode);
        var reading = server.Monitors.RunOnce(model, auc, later);
        Assert.True(reading.Breached, $"shifted scores did not breach: {reading.Value} {reading.Condition}");
        var alert = Assert.Single(server.Monitors.Alerts.Active, a => a.Monitor == "est-auc");
        Assert.Equal((AlertState.Firing, "P1"), (alert.State, alert.Severity));
        Assert.NotNull(alert.Estimate);
        Assert.Equal(reading.Value, alert.Estimate!.Estimate);
        Assert.True(alert.Estimate.Lower < alert.Estimate.Estimate && alert.Estimate.Estimate < alert.Estimate.Upper);
        Assert.Contains("band [", reading.Note);
        Assert.Contains("(± 3 SE) on 2,000 unlabelled predictions", reading.Note);

        var payload = Notifiers.Payload(new NotifierConfig("hook", "webhook", "http://x", ["P1"], null), new AlertEvent("firing", alert), reading.Note);
        var annotations = payload["alerts"]![0]!["annotations"]!;
        Assert.Contains("estimated roc_auc", annotations["summary"]!.GetValue<string>());
        Assert.Equal(alert.Estimate.Lower!.Value, double.Parse(annotations["estimate_lower"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));
        var pd = Notifiers.Payload(new NotifierConfig("pd", "pagerduty", "http://x", ["P1"], "k"), new AlertEvent("firing", alert), reading.Note);
        Assert.Equal(alert.Estimate.Upper!.Value, pd["payload"]!["custom_details"]!["estimate_upper"]!.GetValue<double>());

        using var alerts = JsonDocument.Parse(await http.GetStringAsync("/v1/alerts"));
        var est = alerts.RootElement.GetProperty("active").EnumerateArray().Single(a => a.GetProperty("monitor").GetString() == "est-auc").GetProperty("estimate");
        Assert.Equal(alert.Estimate.Estimate, est.GetProperty("value").GetDouble());

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains($"vigil_estimated_performance{{model=\"fraud\",monitor=\"est-auc\",metric=\"roc_auc\"}} {Metrics.PrometheusText.Format(alert.Estimate.Estimate)}\n", metrics);
        Assert.Contains($"vigil_estimated_performance_lower{{model=\"fraud\",monitor=\"est-auc\",metric=\"roc_auc\"}} {Metrics.PrometheusText.Format(alert.Estimate.Lower.Value)}\n", metrics);
        Assert.Contains("vigil_estimated_performance_upper{model=\"fraud\",monitor=\"est-auc\",metric=\"roc_auc\"}", metrics);
    }

    [Fact]
    public async Task LateLabels_TheRealizedValueReplacesTheEstimateInTheView()
    {
        var reference = EstimateData.Reference(_dir);
        var config = Config(Path.Combine(_dir, "store.duckdb"), reference);
        var model = config.Models[0];
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        await RunningServer.FirstRound(server, model);
        using var http = RunningServer.AdminClient(server);
        var now = DateTime.UtcNow;
        var rows = EstimateData.Predictions(now, 0, 1500, shifted: false, seed: 5);
        await Post(http, "predictions", EstimateData.Batch(rows));
        var estimated = server.Monitors.RunOnce(model, model.Monitors[0], now);
        Assert.NotNull(estimated.Value);

        var point = History(await View(http)).Last();
        Assert.Equal(estimated.Value!.Value, point.GetProperty("estimated").GetDouble());
        Assert.Equal("estimated", point.GetProperty("value_is").GetString());
        Assert.Equal(JsonValueKind.Null, point.GetProperty("realized").ValueKind);

        // The labels come in; at the monitor's next run the window's realized AUC is beside the estimate, and replaces it.
        Assert.Equal(202, (int)(await Post(http, "labels", EstimateData.Labels(rows))).StatusCode);
        var next = server.Monitors.RunOnce(model, model.Monitors[0], now.AddSeconds(1));
        Assert.Null(next.Value); // nothing is unlabelled any more
        Assert.Contains("0 unlabelled predictions", next.Note);
        var realizedAuc = server.Monitors.RunOnce(model, model.Monitors[3], now).Value!.Value;
        point = History(await View(http)).Single(p => p.GetProperty("to").GetDateTime() == now);
        Assert.Equal(estimated.Value!.Value, point.GetProperty("estimated").GetDouble());
        Assert.Equal(realizedAuc, point.GetProperty("realized").GetDouble(), 1e-12);
        Assert.Equal((1500, 1500), (point.GetProperty("labelled").GetInt64(), point.GetProperty("predictions").GetInt64()));
        Assert.Equal(("realized", realizedAuc), (point.GetProperty("value_is").GetString(), point.GetProperty("value").GetDouble()));
        // A calibrated model on unshifted inputs: the realized value lies in the estimate's band.
        Assert.InRange(realizedAuc, point.GetProperty("lower").GetDouble(), point.GetProperty("upper").GetDouble());
        Assert.Contains($"vigil_realized_performance{{model=\"fraud\",monitor=\"est-auc\",metric=\"roc_auc\"}} {Metrics.PrometheusText.Format(point.GetProperty("realized").GetDouble())}\n",
            await http.GetStringAsync("/metrics"));
    }

    [Fact]
    public async Task ChangedReferenceFile_IsFittedAgain()
    {
        var reference = EstimateData.Reference(_dir);
        var config = Config(Path.Combine(_dir, "store.duckdb"), reference);
        var now = DateTime.UtcNow;
        using var store = PredictionStore.Open(config);
        await store.InsertAsync("fraud", EstimateData.Predictions(now, 0, 500, false, 6).Select(r => r.Record).ToList());
        var windows = new WindowMetrics(store);
        var model = config.Models[0];
        var first = windows.Compute(model, model.Monitors[0], now).Value;
        windows.Compute(model, model.Monitors[0], now);
        Assert.Equal(1, windows.Estimates.Fits);
        File.Copy(EstimateData.Reference(_dir, rows: 4000, seed: 9, power: 3), reference, overwrite: true);
        File.SetLastWriteTimeUtc(reference, DateTime.UtcNow.AddMinutes(1));
        var second = windows.Compute(model, model.Monitors[0], now).Value;
        Assert.Equal(2, windows.Estimates.Fits);
        Assert.NotEqual(first, second);
    }

    private static Task<HttpResponseMessage> Post(HttpClient http, string what, string body) =>
        http.PostAsync($"/v1/models/fraud/{what}", new StringContent(body, Encoding.UTF8, "application/json"));

    private static async Task<JsonElement> View(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/v1/models/fraud"));
        return doc.RootElement.Clone();
    }

    private static List<JsonElement> History(JsonElement view) =>
        view.GetProperty("monitors").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "est-auc").GetProperty("history").EnumerateArray().ToList();
}

/// <summary>The estimated_performance monitor fitted on a period of the model's own labelled predictions
/// (<c>reference_window</c>), and as a Prometheus alerting rule.</summary>
public sealed class EstimatedPerformanceReferenceWindowTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-estwin-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task ReferenceWindow_FitsOnTheStoresLabelledPredictions_AsOnTheSameRowsInAFile()
    {
        var now = DateTime.UtcNow;
        var past = now.AddDays(-2);
        var labelled = EstimateData.Predictions(past, 100_000, 4000, shifted: false, seed: 11);
        var yaml = $$"""
            store: {{Path.Combine(_dir, "store.duckdb")}}
            keys:
              - key: admin-key-0001
                scopes: [admin]
            models:
              fraud:
                task: binary
                monitors:
                  - name: est-auc
                    type: estimated_performance
                    metric: roc_auc
                    reference_window: {from: {{past.AddHours(-1):yyyy-MM-ddTHH:mm:ssZ}}, to: {{past.AddMinutes(1):yyyy-MM-ddTHH:mm:ssZ}}}
                    chunk: 400
                    threshold: {min: 0.7}
            """;
        var config = ServiceConfigLoader.Parse(yaml);
        var model = config.Models[0];
        using var store = PredictionStore.Open(config);
        await store.InsertAsync("fraud", labelled.Select(r => r.Record).ToList());
        store.SetLabels("fraud", labelled.Select(r => new LabelRecord(r.Record.Id, (double)r.Label, past)).ToList());
        var rows = EstimateData.Predictions(now, 0, 1000, shifted: false, seed: 12);
        await store.InsertAsync("fraud", rows.Select(r => r.Record).ToList());

        var windows = new WindowMetrics(store);
        var value = windows.Compute(model, model.Monitors[0], now);
        var fitted = windows.Estimates.FittedModel("fraud", "est-auc")!;
        Assert.Equal((4000L, 10), (fitted.Rows, fitted.ReferenceChunks));

        // The same reference rows as a file give the same estimate.
        var csv = new System.Text.StringBuilder("timestamp,prediction_score,actual_label\n");
        foreach (var (p, y) in labelled) csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{p.Timestamp:yyyy-MM-dd HH:mm:ss.ffffff},{p.Score!.Value:R},{y}\n");
        var reference = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(reference, csv.ToString());
        var expected = EstimateData.EstimateAsOneChunk(reference, EstimateData.AnalysisCsv(_dir, rows)).Metrics["roc_auc"];
        Assert.Equal(expected.Estimated!.Value, value.Value!.Value, 1e-9);
        Assert.Equal(expected.Lower!.Value, value.Estimate!.Lower!.Value, 1e-9);

        // Fitted once; late labels for the reference period bring a refit.
        windows.Compute(model, model.Monitors[0], now);
        Assert.Equal(1, windows.Estimates.Fits);
        var late = EstimateData.Predictions(past, 200_000, 300, shifted: false, seed: 13);
        await store.InsertAsync("fraud", late.Select(r => r.Record).ToList());
        windows.Compute(model, model.Monitors[0], now);
        Assert.Equal(1, windows.Estimates.Fits); // no labels yet: nothing new to learn from
        store.SetLabels("fraud", late.Select(r => new LabelRecord(r.Record.Id, (double)r.Label, past)).ToList());
        windows.Compute(model, model.Monitors[0], now);
        Assert.Equal((2, 4300L), (windows.Estimates.Fits, windows.Estimates.FittedModel("fraud", "est-auc")!.Rows));
    }

    [Fact]
    public void LearnedThresholds_BecomeABreachedRule()
    {
        var reference = EstimateData.Reference(_dir, rows: 300);
        var rules = PrometheusRules.Write(EstimatedPerformanceTests.Config(Path.Combine(_dir, "s.duckdb"), reference));
        Assert.Contains("expr: \"vigil_monitor_breached{model=\\\"fraud\\\", monitor=\\\"est-auc\\\"} == 1\"", rules);
        Assert.Contains("(estimated (CBPE), mean ± 3σ of the reference's chunks)", rules);
        Assert.Contains("expr: \"vigil_monitor_value{model=\\\"fraud\\\", monitor=\\\"est-f1\\\"} < 0.1\"", rules);
    }
}
