using System.Text.Json;
using System.Text.RegularExpressions;
using Vigil.Monitoring.Config;
using Vigil.Server.Demo;
using Vigil.Server.Metrics;

namespace Vigil.Server.Tests;

/// <summary><c>vigil grafana</c>'s dashboard: valid JSON in Grafana's shape, whose every query names only metrics a live
/// <c>/metrics</c> exports, with the data source and model variables and the monitors' thresholds.</summary>
public sealed partial class GrafanaDashboardTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-grafana-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private ServiceConfig Config => ServiceConfigLoader.Parse($$"""
        store: {{Path.Combine(_dir, "store.duckdb")}}
        keys:
          - key: ingest-key-0001
            scopes: [ingest]
        models:
          fraud:
            task: binary
            schema:
              features:
                amount: number
            monitors:
              - name: auc
                metric: roc_auc
                threshold: {min: 0.8}
                severity: P1
              - name: latency
                metric: latency_p99_ms
                threshold: {max: 250}
              - name: volume
                metric: volume
                threshold: {rolling: 1d}
          prices:
            task: regression
            monitors:
              - name: mae
                metric: mae
                threshold: {min: 0.5, max: 3}
        """);

    [GeneratedRegex(@"\bvigil_[a-z0-9_]+")]
    private static partial Regex MetricName();

    /// <summary>The metric names a live server's /metrics has: each family of its TYPE lines, and a histogram's
    /// _bucket, _sum and _count series.</summary>
    private static async Task<HashSet<string>> Exported(ServiceConfig config)
    {
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        var text = await http.GetStringAsync("/metrics");
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in text.Split('\n').Where(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)))
        {
            var parts = line.Split(' ');
            names.Add(parts[2]);
            if (parts[3] == "histogram") names.UnionWith([parts[2] + "_bucket", parts[2] + "_sum", parts[2] + "_count"]);
        }
        return names;
    }

    private static IEnumerable<JsonElement> Panels(JsonElement root)
    {
        foreach (var p in root.GetProperty("panels").EnumerateArray())
        {
            yield return p;
            if (p.TryGetProperty("panels", out var inner))
                foreach (var q in inner.EnumerateArray()) yield return q;
        }
    }

    [Fact]
    public async Task EveryQuery_NamesOnlyMetricsThatMetricsExports()
    {
        var config = Config;
        var exported = await Exported(config);
        using var doc = JsonDocument.Parse(GrafanaDashboard.Write(config));
        var root = doc.RootElement;
        var used = new HashSet<string>(StringComparer.Ordinal);
        var queries = 0;
        foreach (var panel in Panels(root).Where(p => p.GetProperty("type").GetString() != "row"))
            foreach (var target in panel.GetProperty("targets").EnumerateArray())
            {
                var expr = target.GetProperty("expr").GetString()!;
                queries++;
                var names = MetricName().Matches(expr).Select(m => m.Value).ToList();
                Assert.True(names.Count > 0, $"panel '{panel.GetProperty("title")}' queries no vigil metric: {expr}");
                foreach (var n in names)
                {
                    Assert.True(exported.Contains(n), $"panel '{panel.GetProperty("title")}' queries {n}, which /metrics does not export");
                    used.Add(n);
                }
            }
        Assert.True(queries >= 15, $"{queries} queries");
        // Every metric the dashboard claims to use is exported, and is used.
        Assert.All(GrafanaDashboard.Metrics, n => Assert.Contains(n, exported));
        Assert.Equal(GrafanaDashboard.Metrics.Order(), used.Order());
        // Volume/rate, latency quantiles, error rate, monitor values, alerts firing and drift are all there.
        foreach (var family in new[] { "vigil_predictions_total", "vigil_prediction_latency_seconds_bucket", "vigil_prediction_errors_total",
                                       "vigil_monitor_value", "vigil_alerts_firing", "vigil_feature_drift" })
            Assert.Contains(family, used);
        // The model variable's query names an exported metric too.
        var model = root.GetProperty("templating").GetProperty("list").EnumerateArray().Single(v => v.GetProperty("name").GetString() == "model");
        var definition = model.GetProperty("definition").GetString()!;
        Assert.StartsWith("label_values(", definition);
        Assert.Contains(MetricName().Match(definition).Value, exported);
    }

    [Fact]
    public void Dashboard_HasGrafanasShape_Variables_AndTheMonitorsThresholds()
    {
        using var doc = JsonDocument.Parse(GrafanaDashboard.Write(Config));
        var root = doc.RootElement;
        Assert.Equal(39, root.GetProperty("schemaVersion").GetInt32());
        var variables = root.GetProperty("templating").GetProperty("list").EnumerateArray().ToList();
        var ds = Assert.Single(variables, v => v.GetProperty("name").GetString() == "DS_PROMETHEUS");
        Assert.Equal("datasource", ds.GetProperty("type").GetString());
        Assert.Equal("prometheus", ds.GetProperty("query").GetString());
        var model = Assert.Single(variables, v => v.GetProperty("name").GetString() == "model");
        Assert.Equal("query", model.GetProperty("type").GetString());
        Assert.Equal("${DS_PROMETHEUS}", model.GetProperty("datasource").GetProperty("uid").GetString());
        var panels = Panels(root).ToList();
        Assert.Equal(panels.Count, panels.Select(p => p.GetProperty("id").GetInt32()).Distinct().Count());
        foreach (var p in panels.Where(p => p.GetProperty("type").GetString() != "row"))
        {
            Assert.Equal("${DS_PROMETHEUS}", p.GetProperty("datasource").GetProperty("uid").GetString());
            var grid = p.GetProperty("gridPos");
            Assert.InRange(grid.GetProperty("x").GetInt32() + grid.GetProperty("w").GetInt32(), 1, 24);
            // A panel of every model (the shared ones) follows the model variable; a model's own row names it.
            var exprs = p.GetProperty("targets").EnumerateArray().Select(t => t.GetProperty("expr").GetString()!).ToList();
            Assert.All(exprs, e => Assert.True(e.Contains("model=~\"$model\"", StringComparison.Ordinal) || e.Contains("model=\"", StringComparison.Ordinal), e));
        }
        // One collapsed row per model with a panel per monitor, its thresholds from the config.
        var rows = root.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() == "row" && p.GetProperty("collapsed").GetBoolean()).ToList();
        Assert.Equal(2, rows.Count);
        Assert.StartsWith("fraud (binary)", rows[0].GetProperty("title").GetString());
        Assert.Equal(3, rows[0].GetProperty("panels").GetArrayLength());
        double?[] Steps(JsonElement row, int i) => [.. row.GetProperty("panels")[i].GetProperty("fieldConfig").GetProperty("defaults").GetProperty("thresholds").GetProperty("steps")
            .EnumerateArray().Select(s => s.GetProperty("value").ValueKind == JsonValueKind.Null ? (double?)null : s.GetProperty("value").GetDouble())];
        Assert.Equal([null, 0.8], Steps(rows[0], 0));
        Assert.Equal([null, 250], Steps(rows[0], 1));
        Assert.Equal([null], Steps(rows[0], 2));
        Assert.Equal([null, 0.5, 3], Steps(rows[1], 0));
        Assert.Contains("vigil_monitor_value{model=\"fraud\", monitor=\"auc\"}", rows[0].GetProperty("panels")[0].GetProperty("targets")[0].GetProperty("expr").GetString());
    }

    [Fact]
    public void DemoFleet_GetsARowPerModel()
    {
        var demo = ServeDemo.Prepare(Path.Combine(_dir, "demo"), new DemoOptions { Models = 12 });
        using var doc = JsonDocument.Parse(GrafanaDashboard.Write(demo.Config));
        Assert.Equal(12, doc.RootElement.GetProperty("panels").EnumerateArray().Count(p => p.GetProperty("type").GetString() == "row" && p.GetProperty("collapsed").GetBoolean()));
    }
}
