namespace Vigil.Server.Tests.Alerts;

/// <summary>A restart on a DuckDB file store keeps the alerting's state (see <see cref="AlertStateRestart"/>).</summary>
public sealed class AlertStateRestartTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-state-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public async Task ARestart_DoesNotPageAgain_AndKeepsIncidentsAndSilences()
    {
        await using var scenario = await AlertStateRestart.Start(_dir);
        await scenario.Run(Path.Combine(_dir, "store.duckdb"));
    }
}
