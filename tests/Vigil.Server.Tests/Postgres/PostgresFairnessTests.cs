using Vigil.Server.Store;
using Vigil.Server.Tests.Monitors;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>The fairness monitor over a PostgreSQL store: the per-group counts are PostgreSQL's (the same SQL as
/// DuckDB's), and the monitor judges as on DuckDB.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFairnessTests(PostgresServer server)
{
    [SkippableFact]
    public async Task CloseRates_AreQuiet_AndADriftFromTheBaselineBreaches()
    {
        server.Require();
        var config = FairnessMonitorTests.Config(server.Url, "pg_fairness", FairnessMonitorTests.DriftMonitor);
        using var store = PredictionStore.Open(config);
        await FairnessMonitorTests.CloseRatesAndDrift(store, config.Models[0]);
    }
}
