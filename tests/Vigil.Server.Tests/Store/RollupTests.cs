using Vigil.Server.Store;
using Vigil.Server.Store.Rollups;

namespace Vigil.Server.Tests.Store;

/// <summary>The rollups in a DuckDB store: equal to a recomputation from the raw rows after ingest, duplicates and late
/// labels; kept across a restart and rebuilt when missing; the binned AUC and latency quantiles within their bounds.</summary>
public sealed class RollupTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-rollup-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task Rollups_EqualARecomputationFromRawRows_AndSurviveARestart()
    {
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        var config = RollupScenario.Config(Path.Combine(_dir, "store.duckdb"), RollupScenario.Reference(_dir), "");
        using (var store = PredictionStore.Open(config))
        {
            await RollupScenario.Ingest(store, config, now);
            RollupScenario.AssertExact(store, config, now);
            Assert.NotNull(store.LastPrediction("bin"));
        }
        // Kept: a new store on the file finds them and does not rebuild (the state row is there).
        using (var store = PredictionStore.Open(config))
        {
            RollupScenario.AssertExact(store, config, now);
            using var e = store.NewReader();
            e.Execute("DELETE FROM vigil_rollup_state WHERE model = 'bin'");
            e.Execute("DELETE FROM vigil_rollup_minute WHERE model = 'bin'");
            e.Execute("UPDATE vigil_rollup_hour SET body = 'n=1;' WHERE model = 'bin'");
        }
        // Rebuilt: a model without its state row gets its rollups again from its predictions.
        using (var store = PredictionStore.Open(config))
        {
            RollupScenario.AssertExact(store, config, now);
            Assert.NotNull(store.LastPrediction("reg"));
        }
    }

    [Fact]
    public async Task BinnedAuc_IsWithinItsBound_OfTheExactAuc_AndLatencyQuantilesWithinAFactorSqrt105()
    {
        var now = DateTime.UtcNow;
        var config = RollupScenario.Config(Path.Combine(_dir, "store.duckdb"), RollupScenario.Reference(_dir), "");
        using var store = PredictionStore.Open(config);
        await RollupScenario.Ingest(store, config, now, rows: 4000);
        var bins = store.Bins["bin"];
        var all = RollupMetrics.Sum(store.ReadCells(Grain.Hour, now.AddDays(-1), now.AddDays(1), "bin").Select(c => c.Cell), bins)!;
        using var e = store.NewReader();
        var t = e.Query("SELECT score, label FROM predictions_bin WHERE label IS NOT NULL AND score IS NOT NULL");
        var pos = new List<double>();
        var neg = new List<double>();
        for (var i = 0; i < t.RowCount; i++) (t.GetDouble(1, i) == 1 ? pos : neg).Add(t.GetDouble(0, i));
        // Mann–Whitney: pairs won plus half the ties, over all pairs.
        double wins = 0;
        foreach (var p in pos)
            foreach (var n in neg) wins += p > n ? 1 : p == n ? 0.5 : 0;
        var exact = wins / ((double)pos.Count * neg.Count);
        var binned = RollupMetrics.RocAuc(all)!.Value;
        var bound = RollupMetrics.RocAucBound(all);
        Assert.True(Math.Abs(binned - exact) <= bound + 1e-12, $"binned AUC {binned} vs exact {exact}: more than the bound {bound}");
        Assert.True(bound < 0.01, $"bound {bound}");
        Assert.True(Math.Abs(binned - exact) > 0 || bound == 0);

        var latencies = new List<double>();
        t = e.Query("SELECT latency_ms FROM predictions_bin WHERE latency_ms IS NOT NULL ORDER BY latency_ms");
        for (var i = 0; i < t.RowCount; i++) latencies.Add(t.GetDouble(0, i));
        foreach (var q in new[] { 0.5, 0.99 })
        {
            var truth = latencies[(int)Math.Ceiling(q * latencies.Count) - 1];
            var read = RollupMetrics.LatencyQuantile(all, q)!.Value;
            Assert.True(read / truth <= Math.Sqrt(1.05) + 1e-9 && truth / read <= Math.Sqrt(1.05) + 1e-9, $"p{q * 100}: {read} vs {truth}");
        }
    }
}
