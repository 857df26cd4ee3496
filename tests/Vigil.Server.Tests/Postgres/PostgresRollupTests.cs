using Vigil.Server.Store;
using Vigil.Server.Tests.Store;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>The rollups in a PostgreSQL store (see <see cref="RollupScenario"/>): equal to a recomputation from the raw
/// rows after ingest, duplicates and late labels, kept across a restart and rebuilt when missing.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRollupTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pgrollup-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public async Task Rollups_EqualARecomputationFromRawRows_AndSurviveARestart()
    {
        server.Require();
        // The fixture's database is shared by the collection's tests (run one at a time): start from no rollups.
        server.Psql("DROP TABLE IF EXISTS predictions_rlbin, predictions_rlreg, predictions_rlmulti, vigil_rollup_minute, vigil_rollup_hour, vigil_rollup_state");
        var now = DateTime.UtcNow;
        now = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerMillisecond, DateTimeKind.Utc);
        var config = RollupScenario.Config(server.Url, RollupScenario.Reference(_dir), "rl");
        using (var store = PredictionStore.Open(config))
        {
            await RollupScenario.Ingest(store, config, now, rows: 1500);
            RollupScenario.AssertExact(store, config, now);
        }
        using (var store = PredictionStore.Open(config))
        {
            RollupScenario.AssertExact(store, config, now);
            using var e = store.NewReader();
            e.Execute("DELETE FROM vigil_rollup_state WHERE model = 'rlbin'");
            e.Execute("DELETE FROM vigil_rollup_minute WHERE model = 'rlbin'");
        }
        using (var store = PredictionStore.Open(config))
        {
            RollupScenario.AssertExact(store, config, now);
            Assert.NotNull(store.LastPrediction("rlmulti"));
        }
    }
}
