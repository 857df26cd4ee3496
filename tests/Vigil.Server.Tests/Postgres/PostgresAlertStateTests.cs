using Vigil.Server.Tests.Alerts;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>A restart on a PostgreSQL store keeps the alerting's state (see <see cref="AlertStateRestart"/>).</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresAlertStateTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pgstate-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public async Task ARestart_DoesNotPageAgain_AndKeepsIncidentsAndSilences()
    {
        server.Require();
        // The fixture's database is shared by the collection's tests: start from no alert state.
        server.Psql("DROP TABLE IF EXISTS vigil_alert_state, vigil_notifications, predictions_state_fraud, predictions_state_churn");
        await using var scenario = await AlertStateRestart.Start(_dir);
        await scenario.Run(server.Url, "state_fraud", "state_churn");
    }
}
