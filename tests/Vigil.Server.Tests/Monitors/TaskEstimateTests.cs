using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;
using Vigil.Server.Monitors;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Monitors;

/// <summary>The estimated_performance monitor of multiclass models (CBPE on the stored class probabilities) and of
/// regression models (DLE on the stored features): each window's estimate and band are <c>vigil estimate</c>'s on the
/// same rows, and once the labels are in, the realized value is <c>vigil estimate</c>'s realized value.</summary>
public sealed class TaskEstimateTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-taskest-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    internal static ServiceConfig MulticlassConfig(string store, string reference, string model = "animals") => ServiceConfigLoader.Parse($$"""
        store: {{store}}
        keys:
          - key: admin-key-0001
            scopes: [admin]
        models:
          {{model}}:
            task: multiclass
            classes: [a, b, c]
            monitors:
              - name: est-auc
                type: estimated_performance
                metric: roc_auc
                reference: {{reference}}
                window: 1h
                every: 1h
              - name: est-f1
                type: estimated_performance
                metric: f1
                reference: {{reference}}
                window: 1h
                every: 1h
                threshold: {min: 0.1}
              - name: est-accuracy
                type: estimated_performance
                metric: accuracy
                reference: {{reference}}
                window: 1h
                every: 1h
                threshold: {min: 0.1}
        """);

    internal static ServiceConfig RegressionConfig(string store, string reference, string model = "prices") => ServiceConfigLoader.Parse($$"""
        store: {{store}}
        keys:
          - key: admin-key-0001
            scopes: [admin]
        models:
          {{model}}:
            task: regression
            schema:
              features: {x: number, g: category}
            monitors:
              - name: est-mae
                type: estimated_performance
                metric: mae
                reference: {{reference}}
                window: 1h
                every: 1h
              - name: est-rmse
                type: estimated_performance
                metric: rmse
                reference: {{reference}}
                window: 1h
                every: 1h
                threshold: {max: 100}
        """);

    [Fact]
    public async Task Multiclass_EstimateEqualsVigilEstimate_AndTheRealizedValueFollowsTheLabels()
    {
        var reference = TaskEstimateData.MulticlassReference(_dir);
        var config = MulticlassConfig(Path.Combine(_dir, "store.duckdb"), reference);
        await MulticlassRoundTrip(config, reference, _dir);
    }

    /// <summary>Shared with the PostgreSQL test: the estimates of every monitor on 1,500 stored predictions, then the
    /// realized values once their labels are stored.</summary>
    internal static async Task MulticlassRoundTrip(ServiceConfig config, string reference, string dir)
    {
        var model = config.Models[0];
        var now = DateTime.UtcNow;
        var rows = TaskEstimateData.MulticlassPredictions(now, 0, 1500, seed: 2);
        using var store = PredictionStore.Open(config);
        await store.InsertAsync(model.Name, rows.Select(r => r.Record).ToList());
        var windows = new WindowMetrics(store);
        var expected = TaskEstimateData.EstimateAsOneChunk(reference, TaskEstimateData.MulticlassCsv(dir, rows), ModelTask.Multiclass);
        foreach (var monitor in model.Monitors)
        {
            var value = windows.Compute(model, monitor, now);
            var want = expected.Metrics[monitor.Metric];
            Assert.True(value.Value is not null, value.Note);
            Assert.Equal(want.Estimated!.Value, value.Value!.Value, 1e-9);
            Assert.Equal(want.StandardError!.Value, value.Estimate!.StandardError!.Value, 1e-9);
            Assert.Equal(want.Lower!.Value, value.Estimate.Lower!.Value, 1e-9);
            Assert.Equal(want.Upper!.Value, value.Estimate.Upper!.Value, 1e-9);
            Assert.Equal(1500, value.Estimate.Rows);
            Assert.Contains("(CBPE)", value.Note, StringComparison.Ordinal);
        }
        // Without a threshold, the learned one (the reference's chunks: hours, as the window is an hour) decides.
        var auc = windows.Compute(model, model.Monitors[0], now);
        Assert.NotNull(auc.Drifted);
        Assert.StartsWith("mean ± 3σ of the reference's 10 chunks", auc.Condition, StringComparison.Ordinal);
        Assert.Equal(model.Monitors.Count, windows.Estimates.Fits);
        Assert.Equal(["a", "b", "c"], windows.Estimates.FittedMulticlass(model.Name, "est-f1")!.Classes);

        store.SetLabels(model.Name, rows.Select(r => new LabelRecord(r.Record.Id, r.Label, now)).ToList());
        var realized = TaskEstimateData.EstimateAsOneChunk(reference, TaskEstimateData.MulticlassCsv(dir, rows, labels: true), ModelTask.Multiclass);
        foreach (var monitor in model.Monitors)
        {
            var next = windows.Compute(model, monitor, now.AddSeconds(1));
            Assert.Null(next.Value);
            var point = windows.Estimates.History(model.Name, monitor.Name).First();
            Assert.Equal((1500L, 1500L), (point.Labelled, point.Predictions));
            Assert.Equal(realized.Metrics[monitor.Metric].Realized!.Value, point.Realized!.Value, 1e-9);
        }
    }

    [Fact]
    public async Task Regression_EstimateEqualsVigilEstimate_AndTheRealizedValueFollowsTheLabels()
    {
        var reference = TaskEstimateData.RegressionReference(_dir);
        var config = RegressionConfig(Path.Combine(_dir, "store.duckdb"), reference);
        await RegressionRoundTrip(config, reference, _dir);
    }

    internal static async Task RegressionRoundTrip(ServiceConfig config, string reference, string dir)
    {
        var model = config.Models[0];
        var now = DateTime.UtcNow;
        var rows = TaskEstimateData.RegressionPredictions(now, 0, 1200, seed: 3);
        using var store = PredictionStore.Open(config);
        await store.InsertAsync(model.Name, rows.Select(r => r.Record).ToList());
        var windows = new WindowMetrics(store);
        var analysis = TaskEstimateData.RegressionCsv(dir, rows);
        var labelled = TaskEstimateData.RegressionCsv(dir, rows, labels: true);
        foreach (var monitor in model.Monitors)
        {
            var want = TaskEstimateData.EstimateAsOneChunk(reference, analysis, ModelTask.Regression, [monitor.Metric]).Metrics[monitor.Metric];
            var value = windows.Compute(model, monitor, now);
            Assert.True(value.Value is not null, value.Note);
            Assert.Equal(want.Estimated!.Value, value.Value!.Value, 1e-9);
            Assert.Equal(want.StandardError!.Value, value.Estimate!.StandardError!.Value, 1e-9);
            Assert.Equal(want.Lower!.Value, value.Estimate.Lower!.Value, 1e-9);
            Assert.Equal(want.Upper!.Value, value.Estimate.Upper!.Value, 1e-9);
            Assert.Contains("(DLE)", value.Note, StringComparison.Ordinal);
        }
        Assert.Equal(["x", "g"], windows.Estimates.FittedDle(model.Name, "est-mae")!.Features);
        var mae = windows.Compute(model, model.Monitors[0], now);
        Assert.StartsWith("mean ± 3σ of the reference's 10 chunks", mae.Condition, StringComparison.Ordinal);
        Assert.Equal(model.Monitors.Count, windows.Estimates.Fits);

        store.SetLabels(model.Name, rows.Select(r => new LabelRecord(r.Record.Id, r.Label, now)).ToList());
        foreach (var monitor in model.Monitors)
        {
            var realized = TaskEstimateData.EstimateAsOneChunk(reference, labelled, ModelTask.Regression, [monitor.Metric]).Metrics[monitor.Metric].Realized!.Value;
            windows.Compute(model, monitor, now.AddSeconds(1));
            var point = windows.Estimates.History(model.Name, monitor.Name).First();
            Assert.Equal((1200L, 1200L), (point.Labelled, point.Predictions));
            Assert.Equal(realized, point.Realized!.Value, 1e-9);
        }
    }

    [Fact]
    public async Task Multiclass_IngestWithProbabilities_TheViewAndMetricsShowTheEstimate()
    {
        var reference = TaskEstimateData.MulticlassReference(_dir);
        var config = MulticlassConfig(Path.Combine(_dir, "store.duckdb"), reference);
        var model = config.Models[0];
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        await RunningServer.FirstRound(server, model);
        using var http = RunningServer.AdminClient(server);
        var now = DateTime.UtcNow;
        var rows = TaskEstimateData.MulticlassPredictions(now, 0, 1000, seed: 4);
        var posted = await http.PostAsync("/v1/models/animals/predictions", new StringContent(TaskEstimateData.MulticlassBatch(rows), Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)posted.StatusCode);
        var reading = server.Monitors.RunOnce(model, model.Monitors[1], now);
        Assert.NotNull(reading.Value);

        using var view = JsonDocument.Parse(await http.GetStringAsync("/v1/models/animals"));
        var monitor = view.RootElement.GetProperty("monitors").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "est-f1");
        Assert.Equal("estimated_performance", monitor.GetProperty("type").GetString());
        Assert.Equal(reading.Value!.Value, monitor.GetProperty("estimate").GetProperty("value").GetDouble());
        var point = monitor.GetProperty("history").EnumerateArray().Last();
        Assert.Equal((1000, "estimated"), (point.GetProperty("rows").GetInt64(), point.GetProperty("value_is").GetString()));
        // The ingest detector has no number to watch in a class; the view says so rather than "score mean".
        Assert.Equal("nothing (a multiclass prediction is a class)", view.RootElement.GetProperty("streaming").GetProperty("scores").GetProperty("watches").GetString());
        Assert.Contains($"vigil_estimated_performance{{model=\"animals\",monitor=\"est-f1\",metric=\"f1\"}} {Metrics.PrometheusText.Format(reading.Value.Value)}\n",
            await http.GetStringAsync("/metrics"));

        // A probability of a class the model does not have refuses the batch, naming the record and the class.
        var bad = await http.PostAsync("/v1/models/animals/predictions", new StringContent(
            """[{"id": "z1", "prediction": "a", "probabilities": {"a": 0.5, "b": 0.25, "d": 0.25}}]""", Encoding.UTF8, "application/json"));
        Assert.Equal(400, (int)bad.StatusCode);
        Assert.Contains("probabilities: unknown class 'd'; the classes of 'animals' are a, b, c", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multiclass_ReferenceWindowOfTheStore_EqualsVigilEstimateOnItsRows()
    {
        var now = DateTime.UtcNow;
        var earlier = now.AddDays(-2);
        var config = ServiceConfigLoader.Parse($$"""
            store: {{Path.Combine(_dir, "store.duckdb")}}
            keys:
              - key: admin-key-0001
                scopes: [admin]
            models:
              animals:
                task: multiclass
                classes: [a, b, c]
                monitors:
                  - name: est-f1
                    type: estimated_performance
                    metric: f1
                    reference_window: {from: {{earlier.AddHours(-1):yyyy-MM-ddTHH:mm:ss.ffffffZ}}, to: {{earlier:yyyy-MM-ddTHH:mm:ss.ffffffZ}}}
                    chunk: 500
                    window: 1h
                    every: 1h
            """);
        var model = config.Models[0];
        var reference = TaskEstimateData.MulticlassPredictions(earlier, 50_000, 3000, seed: 8);
        var rows = TaskEstimateData.MulticlassPredictions(now, 0, 800, seed: 9, sharpness: 2);
        using var store = PredictionStore.Open(config);
        await store.InsertAsync(model.Name, reference.Select(r => r.Record with { Label = r.Label }).ToList());
        await store.InsertAsync(model.Name, rows.Select(r => r.Record).ToList());
        var windows = new WindowMetrics(store);
        var value = windows.Compute(model, model.Monitors[0], now);
        var want = TaskEstimateData.EstimateAsOneChunk(TaskEstimateData.MulticlassCsv(_dir, reference, labels: true), TaskEstimateData.MulticlassCsv(_dir, rows), ModelTask.Multiclass)
            .Metrics["f1"];
        Assert.True(value.Value is not null, value.Note);
        Assert.Equal(want.Estimated!.Value, value.Value!.Value, 1e-9);
        Assert.Equal(want.Lower!.Value, value.Estimate!.Lower!.Value, 1e-9);
        Assert.Equal(3000, windows.Estimates.FittedMulticlass(model.Name, "est-f1")!.Rows);
        Assert.StartsWith("mean ± 3σ of the reference's 6 chunks", value.Condition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Multiclass_ProbabilityColumns_AreNamedByTheClass_AndNullWithoutProbabilities()
    {
        var config = ServiceConfigLoader.Parse($$"""
            store: {{Path.Combine(_dir, "store.duckdb")}}
            keys:
              - key: admin-key-0001
                scopes: [admin]
            models:
              tiers:
                task: multiclass
                classes: [very good, ok-ish, bad]
            """);
        using var store = PredictionStore.Open(config);
        await store.InsertAsync("tiers", [
            new PredictionRecord("1", DateTime.UtcNow, null, null, "ok-ish", null, null, null, [], []) { Probabilities = [0.25, 0.5, 0.25] },
            new PredictionRecord("2", DateTime.UtcNow, null, null, "bad", null, null, null, [], []),
        ]);
        using var engine = store.NewReader();
        var t = engine.Query("SELECT id, proba_very_good, \"proba_ok_ish\", proba_bad FROM predictions_tiers ORDER BY id");
        Assert.Equal((0.25, 0.5, 0.25), (t.GetDouble(1, 0), t.GetDouble(2, 0), t.GetDouble(3, 0)));
        Assert.True(t.IsNull(1, 1) && t.IsNull(2, 1) && t.IsNull(3, 1));
    }
}
