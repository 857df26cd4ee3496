using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;
using Vigil.Server.Monitors;
using Vigil.Server.Store;
using Vigil.Server.Tests.Monitors;
using Vigil.Testing.ClickHouse;

namespace Vigil.Server.Tests.ClickHouse;

/// <summary>The monitors that read more than a window's aggregates, over a ClickHouse store on the two-shard cluster:
/// fairness, estimated performance (binary, multiclass, regression) and the dashboard's /evaluation and /quality. The
/// scenarios are the ones the DuckDB and PostgreSQL stores pass, with the same expected numbers.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseMonitorTests(ClickHouseCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-chmon-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Url
    {
        get
        {
            var shards = string.Join(",", Enumerable.Range(0, cluster.ShardCount).Select(i => "127.0.0.1:" + cluster.HttpPort(i).ToString(CultureInfo.InvariantCulture)));
            return $"clickhouse://default@127.0.0.1:{cluster.HttpPort(0).ToString(CultureInfo.InvariantCulture)}/default?cluster={cluster.ClusterName}&shards={shards}&state={Path.Combine(_dir, "state.duckdb")}";
        }
    }

    private void Drop(string model)
    {
        for (var i = 0; i < cluster.ShardCount; i++)
        {
            cluster.Sql(i, $"DROP TABLE IF EXISTS {PredictionStore.TableOf(model)}");
            cluster.Sql(i, $"DROP TABLE IF EXISTS {PredictionStore.TableOf(model)}_local");
        }
    }

    [SkippableFact]
    public async Task Fairness_CloseRatesAreQuiet_AndADriftFromTheBaselineBreaches()
    {
        cluster.Require();
        Drop("ch_fairness");
        var config = FairnessMonitorTests.Config(Url, "ch_fairness", FairnessMonitorTests.DriftMonitor);
        using var store = PredictionStore.Open(config);
        await FairnessMonitorTests.CloseRatesAndDrift(store, config.Models[0]);
    }

    [SkippableFact]
    public async Task Estimate_EqualsVigilEstimate_AndTheRealizedValueFollowsTheLabels()
    {
        cluster.Require();
        Drop("ch_estimate");
        var reference = EstimateData.Reference(_dir);
        var config = EstimatedPerformanceTests.Config(Url, reference, model: "ch_estimate");
        var model = config.Models[0];
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var rows = EstimateData.Predictions(now, 0, 1500, shifted: false, seed: 7);
        using var store = PredictionStore.Open(config);
        await store.InsertAsync(model.Name, rows.Select(r => r.Record).ToList());
        var windows = new WindowMetrics(store);
        var expected = EstimateData.EstimateAsOneChunk(reference, EstimateData.AnalysisCsv(_dir, rows));
        foreach (var monitor in model.Monitors.Take(3))
        {
            var value = windows.Compute(model, monitor, now);
            var want = expected.Metrics[monitor.Metric];
            Assert.Equal(want.Estimated!.Value, value.Value!.Value, 1e-9);
            Assert.Equal(want.Lower!.Value, value.Estimate!.Lower!.Value, 1e-9);
            Assert.Equal(want.Upper!.Value, value.Estimate.Upper!.Value, 1e-9);
        }

        store.SetLabels(model.Name, rows.Select(r => new LabelRecord(r.Record.Id, (double)r.Label, now)).ToList());
        windows.Compute(model, model.Monitors[0], now.AddSeconds(1));
        var point = windows.Estimates.History(model.Name, "est-auc").Single();
        Assert.Equal((1500L, 1500L), (point.Labelled, point.Predictions));
        Assert.Equal(windows.Compute(model, model.Monitors[3], now).Value!.Value, point.Realized!.Value, 1e-12);
    }

    [SkippableFact]
    public async Task Multiclass_EstimateEqualsVigilEstimate_OnTheProbabilityColumns()
    {
        cluster.Require();
        Drop("ch_animals");
        var reference = TaskEstimateData.MulticlassReference(_dir);
        await TaskEstimateTests.MulticlassRoundTrip(TaskEstimateTests.MulticlassConfig(Url, reference, model: "ch_animals"), reference, _dir);
        Assert.Equal("proba_a\tNullable(Float64)\nproba_b\tNullable(Float64)\nproba_c\tNullable(Float64)\n",
            cluster.Sql(1, "SELECT name, type FROM system.columns WHERE table = 'predictions_ch_animals_local' AND name LIKE 'proba_%' ORDER BY name"));
    }

    [SkippableFact]
    public async Task Regression_EstimateEqualsVigilEstimate()
    {
        cluster.Require();
        Drop("ch_prices");
        var reference = TaskEstimateData.RegressionReference(_dir);
        await TaskEstimateTests.RegressionRoundTrip(TaskEstimateTests.RegressionConfig(Url, reference, model: "ch_prices"), reference, _dir);
    }

    [SkippableFact]
    public async Task EvaluationAndQuality_OnAClickHouseStore()
    {
        cluster.Require();
        Drop("ch_window");
        var reference = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(reference, "amount,country\n0,DE\n50,FR\n100,US\n");
        var config = ServiceConfigLoader.Parse($$"""
            store: {{Url}}
            keys:
              - key: ch-key-00001
                scopes: [admin]
            models:
              ch_window:
                task: binary
                reference: {{reference}}
                schema:
                  features:
                    amount: number
                    country: category
            """);
        await using var s = VigilServer.Create(config, "http://127.0.0.1:0");
        await s.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(s.Addresses[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "ch-key-00001");

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
        using (var resp = await http.PostAsync("/v1/models/ch_window/predictions", new StringContent(body, Encoding.UTF8, "application/json")))
            Assert.Equal(System.Net.HttpStatusCode.Accepted, resp.StatusCode);

        using var evaluation = JsonDocument.Parse(await http.GetStringAsync("/v1/models/ch_window/evaluation?window=1h"));
        Assert.Equal(300, evaluation.RootElement.GetProperty("rows").GetInt64());
        var pos = rows.Where(x => x.Label == 1).Select(x => x.Score).ToList();
        var neg = rows.Where(x => x.Label == 0).Select(x => x.Score).ToList();
        var auc = pos.Sum(p => neg.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0.0)) / (pos.Count * (double)neg.Count);
        Assert.Equal(auc, evaluation.RootElement.GetProperty("metrics").GetProperty("roc_auc").GetDouble(), 12);

        using var quality = JsonDocument.Parse(await http.GetStringAsync("/v1/models/ch_window/quality?window=1h"));
        var findings = quality.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(rows.Count(x => x.Error), findings["errors"]);
        Assert.Equal(rows.Count(x => x.Amount is null), findings["null_values"]);
        Assert.Equal(rows.Count(x => x.Amount > 100), findings["out_of_range"]);
        Assert.Equal(rows.Count(x => x.Country == "NL"), findings["unseen_category"]);
        Assert.False(findings.ContainsKey("missing_latency"));
    }
}
