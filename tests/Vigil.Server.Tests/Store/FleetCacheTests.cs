using System.Text.Json;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Store;

/// <summary>The fleet's cache of finished hours (<see cref="PredictionStore.ReadHourTotals"/>): /v1/fleet's answer with
/// the cache is the one without it, after late labels, out-of-order predictions and new versions in old hours, also
/// while a writer changes old hours during the requests; and the volumes agree with a count of the raw rows.</summary>
public sealed class FleetCacheTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-fleetcache-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Json(VigilServer server, DateTime now) => JsonSerializer.Serialize(server.Fleet(now), Wire.Of<FleetJson>());

    /// <summary>The fleet with the cache (twice: the second answer is served from it) and without it; all three equal.</summary>
    private static string Compare(VigilServer server, DateTime now, string when)
    {
        var store = server.Store;
        var cached = Json(server, now);
        var again = Json(server, now);
        store.HourCacheEnabled = false;
        var fresh = Json(server, now);
        store.HourCacheEnabled = true;
        Assert.True(fresh == cached, $"{when}: the fleet with the cache differs from the one without it");
        Assert.True(fresh == again, $"{when}: the fleet served from the cache differs from the one without it");
        return fresh;
    }

    private static PredictionRecord Record(ModelConfig m, string id, DateTime ts, string? version, int i)
    {
        var numbers = m.Features.Select(f => f.Type == FeatureType.Number ? 10.0 + i % 90 : double.NaN).ToArray();
        var texts = m.Features.Select(f => f.Type == FeatureType.Number ? null : (i % 2 == 0 ? "DE" : "US")).ToArray();
        return m.Task switch
        {
            ModelTask.Binary => new(id, ts, version, (i % 100) / 100.0, null, i % 3 == 0 ? 1.0 : null, 5 + i % 40, i % 17 == 0, numbers, texts),
            ModelTask.Regression => new(id, ts, version, null, (double)(i % 50), i % 3 == 0 ? (double)(i % 45) : null, 5 + i % 40, false, numbers, texts),
            _ => new(id, ts, version, null, i % 2 == 0 ? "a" : "b", i % 3 == 0 ? "a" : null, 5 + i % 40, false, numbers, texts),
        };
    }

    private static object Label(ModelConfig m, int i) => m.Task switch
    {
        ModelTask.Binary => i % 2 == 0 ? 1.0 : 0.0,
        ModelTask.Regression => (double)(i % 7),
        _ => i % 2 == 0 ? "b" : "c",
    };

    [Fact]
    public async Task Fleet_WithTheCache_EqualsTheFleetWithoutIt_AfterLateLabelsAndOutOfOrderPredictions()
    {
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        var config = RollupScenario.Config(Path.Combine(_dir, "store.duckdb"), RollupScenario.Reference(_dir), "");
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        var store = server.Store;
        await RollupScenario.Ingest(store, config, now);

        var before = Compare(server, now, "after ingest");
        // Every model has rows in its last three hours: the finished ones among them are cached.
        Assert.InRange(store.CachedHours, 2 * config.Models.Count, 23 * config.Models.Count);

        // Late labels for predictions of old hours (p0.. span the last three hours), changed labels included.
        foreach (var m in config.Models)
            store.SetLabels(m.Name, Enumerable.Range(0, 900).Select(i => new LabelRecord($"p{i * 3 + 1}", Label(m, i), now)).ToList());
        var labelled = Compare(server, now, "after late labels");
        Assert.NotEqual(before, labelled);

        // Out-of-order predictions: into an old hour that had rows, into one that had none (20 h back), and a new version.
        foreach (var m in config.Models)
        {
            var late = Enumerable.Range(0, 300).Select(i => Record(m, $"late{i}", now.AddHours(i % 3 == 0 ? -20 : -2.5).AddSeconds(-i), i % 2 == 0 ? "v9" : "v1", i)).ToList();
            await store.InsertAsync(m.Name, late);
        }
        var reordered = Compare(server, now, "after out-of-order predictions");
        Assert.NotEqual(labelled, reordered);

        // Independent: each model's 24-hour volume is the count of its raw rows in those hours.
        using (var fleet = JsonDocument.Parse(reordered))
        {
            var first = PredictionStore.Floor(now, Grain.Hour).AddHours(-23);
            using var engine = store.NewReader();
            foreach (var model in fleet.RootElement.GetProperty("models").EnumerateArray())
            {
                var name = model.GetProperty("name").GetString()!;
                var t = engine.Query($"SELECT count(*) FROM {PredictionStore.TableOf(name)} WHERE ts >= {PredictionStore.Lit(first)} AND ts < {PredictionStore.Lit(first.AddHours(24))}");
                Assert.Equal(t.GetInt64(0, 0), model.GetProperty("volume_24h").GetInt64());
                Assert.Equal(t.GetInt64(0, 0), model.GetProperty("volume").EnumerateArray().Sum(v => v.GetInt64()));
            }
        }

        // A writer changing old hours while requests run: once it is done, the cache holds no stale hour.
        var writer = Task.Run(async () =>
        {
            for (var round = 0; round < 12; round++)
                foreach (var m in config.Models)
                {
                    await store.InsertAsync(m.Name, Enumerable.Range(0, 40).Select(i => Record(m, $"race{round}-{i}", now.AddHours(-1 - round % 3).AddSeconds(-i), "v2", i)).ToList());
                    store.SetLabels(m.Name, Enumerable.Range(0, 40).Select(i => new LabelRecord($"race{round}-{i}", Label(m, i + round), now)).ToList());
                }
        });
        while (!writer.IsCompleted) Json(server, now);
        await writer;
        Compare(server, now, "after a writer raced the requests");

        // The cache is what answers: an old hour changed behind the writer's back is not seen until the writer touches it.
        var old = PredictionStore.Floor(now, Grain.Hour).AddHours(-20);
        using (var engine = store.NewReader()) engine.Execute($"DELETE FROM vigil_rollup_hour WHERE bucket = {PredictionStore.Lit(old)}");
        var cached = Json(server, now);
        store.HourCacheEnabled = false;
        var uncached = Json(server, now);
        store.HourCacheEnabled = true;
        Assert.NotEqual(uncached, cached);
    }
}
