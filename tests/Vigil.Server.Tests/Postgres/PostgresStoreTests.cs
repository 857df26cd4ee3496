using Vigil.Server.Tests.Store;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>The service over a real PostgreSQL store (started by the fixture): ingest, duplicates, refusal, labels,
/// restart, and monitors whose queries and analyses run inside PostgreSQL (<see cref="StoreScenarios"/>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresStoreTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pgstore-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public async Task Ingest_Duplicates_Refusal_Labels_AndRestart()
    {
        server.Require();
        // The drift monitor needs a reference (checked when the config loads), though this test never runs it.
        var config = StoreScenarios.Config(server.Url, "pg_ingest", StoreScenarios.Reference(_dir));
        await using (var s = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await s.StartAsync();
            using var http = StoreScenarios.Client(s);
            await StoreScenarios.IngestDuplicatesRefusalLabels(http, "pg_ingest");
        }
        // A new process over the same database sees everything acknowledged.
        await using (var s = VigilServer.Create(config, "http://127.0.0.1:0"))
        {
            await s.StartAsync();
            using var http = StoreScenarios.Client(s);
            var model = await StoreScenarios.Json(await http.GetAsync("/v1/models/pg_ingest"));
            Assert.Equal((3L, 1L), (model.GetProperty("predictions").GetInt64(), model.GetProperty("labels").GetInt64()));
            Assert.Equal(System.Net.HttpStatusCode.OK, (await http.GetAsync("/readyz")).StatusCode);
        }
    }

    [SkippableFact]
    public async Task Monitors_RunInsidePostgres()
    {
        server.Require();
        var config = StoreScenarios.Config(server.Url, "pg_monitors", StoreScenarios.Reference(_dir));
        await using var s = VigilServer.Create(config, "http://127.0.0.1:0");
        await s.StartAsync();
        using var http = StoreScenarios.Client(s);
        await StoreScenarios.MonitorsOnAWindow(s, http, config.Models[0], DateTime.UtcNow);
    }

    [SkippableFact]
    public async Task Estimate_EqualsVigilEstimate_AndTheRealizedValueFollowsTheLabels()
    {
        server.Require();
        await StoreScenarios.EstimateFollowsTheLabels(server.Url, "pg_estimate", _dir);
    }

    [SkippableFact]
    public async Task EvaluationAndQuality_OnAPostgresStore()
    {
        server.Require();
        await StoreScenarios.EvaluationAndQuality(server.Url, "pg_window", _dir);
    }
}
