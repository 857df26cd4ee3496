using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;
using Vigil.Server.Tests.Alerts;
using Vigil.Server.Tests.Store;
using Vigil.Testing.ClickHouse;

namespace Vigil.Server.Tests.ClickHouse;

/// <summary>The service over a ClickHouse store on a real two-shard cluster (started by the fixture): predictions through
/// a Distributed table, synchronously on their shards; duplicates; late labels; a restart; rollups; alert state;
/// monitors whose queries run in the cluster; a shard down refuses writes; config errors.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseStoreTests(ClickHouseCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-chstore-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string StoreUrl() => ClusterStore.Url(cluster, _dir);

    private void Drop(params string[] models) => ClusterStore.Drop(cluster, models);

    /// <summary>The scenarios' config, with error-rate and null-rate monitors besides.</summary>
    private ServiceConfig Config(string model, string reference) => StoreScenarios.Config(StoreUrl(), model, reference, """
              - name: errors
                metric: error_rate
                window: 10m
                every: 1h
                threshold:
                  max: 0.5
              - name: nulls
                metric: null_rate(country)
                window: 10m
                every: 1h
                threshold:
                  max: 0.5
        """);

    /// <summary>Rows of a model's local table on shard <paramref name="i"/>, each id's newest version.</summary>
    private long OnShard(int i, string model) =>
        long.Parse(cluster.Sql(i, $"SELECT count() FROM {PredictionStore.TableOf(model)}_local FINAL").Trim(), CultureInfo.InvariantCulture);

    [SkippableFact]
    public async Task Ingest_IsOnItsShardsWhenAcknowledged_Duplicates_Labels_AndRestart()
    {
        cluster.Require();
        Drop("ch_ingest");
        var config = Config("ch_ingest", StoreScenarios.Reference(_dir));
        await using (var s = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await s.StartAsync();
            using var http = StoreScenarios.Client(s);
            // Acknowledged means on the shards: read there directly, at once.
            await StoreScenarios.IngestDuplicatesRefusalLabels(http, "ch_ingest", () => Assert.Equal(2L, OnShard(0, "ch_ingest") + OnShard(1, "ch_ingest")));
            // A label sent again replaces the first: the prediction is still one row.
            var body = await StoreScenarios.Json(await http.PostAsync("/v1/models/ch_ingest/labels", StoreScenarios.Body("""[{"id": "a", "label": 0}]""")));
            Assert.Equal(1L, body.GetProperty("accepted").GetInt64());
            Assert.Equal(3L, OnShard(0, "ch_ingest") + OnShard(1, "ch_ingest"));
            // Text that TabSeparated escapes arrives as sent.
            body = await StoreScenarios.Json(await http.PostAsync("/v1/models/ch_ingest/predictions", StoreScenarios.Body("""[{"id": "t\tab", "score": 0.5, "features": {"country": "DE\tx\\y'z\n"}, "error": true}]""")));
            Assert.Equal(1L, body.GetProperty("accepted").GetInt64());
            using (var reader = s.Store.NewReader())
            {
                var t = reader.Query("SELECT f_country, error FROM predictions_ch_ingest FINAL WHERE id = 't\\tab'");
                Assert.Equal(("DE\tx\\y'z\n", 1L), (t.GetString(0, 0), t.GetInt64(1, 0)));
            }
            // A hundred ids spread over both shards (sharded by the id's hash).
            var many = "[" + string.Join(",", Enumerable.Range(0, 100).Select(i => $"{{\"id\": \"s{i}\", \"score\": 0.5}}")) + "]";
            Assert.Equal(100L, (await StoreScenarios.Json(await http.PostAsync("/v1/models/ch_ingest/predictions", StoreScenarios.Body(many)))).GetProperty("accepted").GetInt64());
            Assert.True(OnShard(0, "ch_ingest") > 20 && OnShard(1, "ch_ingest") > 20, "both shards hold rows");
        }
        // A new process over the same cluster sees everything acknowledged, and the label's last value.
        await using (var s = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await s.StartAsync();
            using var http = StoreScenarios.Client(s);
            var model = await StoreScenarios.Json(await http.GetAsync("/v1/models/ch_ingest"));
            Assert.Equal((104L, 1L), (model.GetProperty("predictions").GetInt64(), model.GetProperty("labels").GetInt64()));
            Assert.Equal(104L, OnShard(0, "ch_ingest") + OnShard(1, "ch_ingest"));
            Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
            Assert.Equal("0", cluster.Sql(0, "SELECT label FROM predictions_ch_ingest FINAL WHERE id = 'a'").Trim());
            var dup = await StoreScenarios.Json(await http.PostAsync("/v1/models/ch_ingest/predictions", StoreScenarios.Body("""[{"id": "a", "score": 0.5}]""")));
            Assert.Equal(1L, dup.GetProperty("duplicates").GetInt64());
        }
    }

    [SkippableFact]
    public async Task Monitors_RunInTheCluster_AndReadAsOnDuckDb()
    {
        cluster.Require();
        Drop("ch_monitors");
        var config = Config("ch_monitors", StoreScenarios.Reference(_dir));
        var model = config.Models[0];
        var now = DateTime.UtcNow;
        await using var s = VigilServer.Create(config, "http://127.0.0.1:0");
        await s.StartAsync();
        using var http = StoreScenarios.Client(s);
        var batch = await StoreScenarios.MonitorsOnAWindow(s, http, model, now);
        var readings = model.Monitors.ToDictionary(m => m.Name, m => s.Monitors.RunOnce(model, m, now));
        Assert.Equal(0.1, readings["errors"].Value!.Value, 12);
        Assert.Equal(0.25, readings["nulls"].Value!.Value, 12);
        // The same window on a DuckDB store gives the same readings.
        var duck = config with { Store = Path.Combine(_dir, "duck.duckdb") };
        await using var d = VigilServer.Create(duck, "http://127.0.0.1:0");
        await d.StartAsync();
        using var dhttp = StoreScenarios.Client(d);
        Assert.Equal(HttpStatusCode.Accepted, (await dhttp.PostAsync("/v1/models/ch_monitors/predictions", StoreScenarios.Body(batch))).StatusCode);
        foreach (var m in model.Monitors)
        {
            var want = d.Monitors.RunOnce(model, m, now);
            Assert.True(want.Value == readings[m.Name].Value || Math.Abs(want.Value!.Value - readings[m.Name].Value!.Value) <= 1e-9 * Math.Abs(want.Value.Value), $"{m.Name}: {readings[m.Name].Value} on ClickHouse, {want.Value} on DuckDB");
            Assert.Equal(want.Breached, readings[m.Name].Breached);
        }
    }

    [SkippableFact]
    public async Task Rollups_EqualARecomputationFromTheCluster_AndAreRebuiltFromIt()
    {
        cluster.Require();
        Drop("chrlbin", "chrlreg", "chrlmulti");
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);
        var config = RollupScenario.Config(StoreUrl(), RollupScenario.Reference(_dir), "chrl");
        using (var store = PredictionStore.Open(config))
        {
            await RollupScenario.Ingest(store, config, now, rows: 1500);
            RollupScenario.AssertExact(store, config, now);
        }
        using (var store = PredictionStore.Open(config)) RollupScenario.AssertExact(store, config, now);
        // Without its state file the store rebuilds every rollup from the cluster.
        File.Delete(Path.Combine(_dir, "state.duckdb"));
        using (var store = PredictionStore.Open(config))
        {
            RollupScenario.AssertExact(store, config, now);
            Assert.NotNull(store.LastPrediction("chrlmulti"));
        }
    }

    [SkippableFact]
    public async Task ARestart_DoesNotPageAgain_AndKeepsIncidentsAndSilences()
    {
        cluster.Require();
        Drop("chstate_fraud", "chstate_churn");
        await using var scenario = await AlertStateRestart.Start(_dir);
        await scenario.Run(StoreUrl(), "chstate_fraud", "chstate_churn");
    }

    [SkippableFact]
    public async Task AShardDown_RefusesTheBatch_With503_AndNothingIsAcknowledged()
    {
        cluster.Require();
        Drop("ch_down");
        var config = Config("ch_down", StoreScenarios.Reference(_dir));
        await using var s = VigilServer.Create(config, "http://127.0.0.1:0");
        await s.StartAsync();
        using var http = StoreScenarios.Client(s);
        Assert.Equal(HttpStatusCode.Accepted, (await http.PostAsync("/v1/models/ch_down/predictions", StoreScenarios.Body("""[{"id": "x0", "score": 0.5}]"""))).StatusCode);
        cluster.StopShard(1, crash: true);
        try
        {
            var batch = "[" + string.Join(",", Enumerable.Range(1, 50).Select(i => $"{{\"id\": \"x{i}\", \"score\": 0.5}}")) + "]";
            var resp = await http.PostAsync("/v1/models/ch_down/predictions", StoreScenarios.Body(batch));
            Assert.True(resp.StatusCode == HttpStatusCode.ServiceUnavailable, $"{(int)resp.StatusCode}: {await resp.Content.ReadAsStringAsync()}");
            Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("/readyz")).StatusCode);
        }
        finally
        {
            cluster.StartShard(1);
        }
        var again = "[" + string.Join(",", Enumerable.Range(1, 50).Select(i => $"{{\"id\": \"x{i}\", \"score\": 0.5}}")) + "]";
        var body = await StoreScenarios.Json(await http.PostAsync("/v1/models/ch_down/predictions", StoreScenarios.Body(again)));
        Assert.Equal(50L, body.GetProperty("accepted").GetInt64() + body.GetProperty("duplicates").GetInt64());
        Assert.Equal(51L, OnShard(0, "ch_down") + OnShard(1, "ch_down"));
    }

    [SkippableFact]
    public void ConfigErrors_AreOneLine()
    {
        cluster.Require();
        var port = cluster.HttpPort(0).ToString(CultureInfo.InvariantCulture);
        string Open(string url)
        {
            var config = ServiceConfigLoader.Parse($$"""
                store: {{url}}
                keys:
                  - key: ch-key-00001
                    scopes: [admin]
                models:
                  ch_cfg:
                    task: binary
                """);
            var e = Assert.Throws<VigilInputException>(() => PredictionStore.Open(config).Dispose());
            Assert.DoesNotContain('\n', e.Message);
            return e.Message;
        }
        Assert.Contains("needs shards=", Open($"clickhouse://default@127.0.0.1:{port}/default?cluster=vigil"));
        Assert.Contains("needs cluster=", Open($"clickhouse://default@127.0.0.1:{port}/default?shards=127.0.0.1:{port}"));
        Assert.Contains("has 2 shards but shards= names 1", Open($"clickhouse://default@127.0.0.1:{port}/default?cluster=vigil&shards=127.0.0.1:{port}&state={Path.Combine(_dir, "s.duckdb")}"));
        Assert.Contains("no cluster 'nope'", Open($"clickhouse://default@127.0.0.1:{port}/default?cluster=nope&shards=127.0.0.1:{port}&state={Path.Combine(_dir, "s.duckdb")}"));
        Assert.Contains("cannot connect", Open($"clickhouse://default@127.0.0.1:1/default?state={Path.Combine(_dir, "s.duckdb")}"));
    }
}
