using Npgsql;
using Vigil.Server.Store;
using Vigil.Server.Tests.Monitors;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>The estimated_performance monitors of multiclass and regression models over a PostgreSQL store: the class
/// probabilities land in their proba_ columns, the windows are read by PostgreSQL, and the estimates and realized values
/// are still <c>vigil estimate</c>'s on the same rows.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresTaskEstimateTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pgtaskest-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public async Task Multiclass_EstimateEqualsVigilEstimate_OnTheProbabilityColumns()
    {
        server.Require();
        var reference = TaskEstimateData.MulticlassReference(_dir);
        var config = TaskEstimateTests.MulticlassConfig(server.Url, reference, model: "pg_animals");
        await TaskEstimateTests.MulticlassRoundTrip(config, reference, _dir);

        await using var connection = new NpgsqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'predictions_pg_animals' AND column_name LIKE 'proba_%' ORDER BY ordinal_position", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var columns = new List<string>();
        while (await reader.ReadAsync()) columns.Add($"{reader.GetString(0)} {reader.GetString(1)}");
        Assert.Equal(["proba_a double precision", "proba_b double precision", "proba_c double precision"], columns);
    }

    [SkippableFact]
    public async Task Regression_EstimateEqualsVigilEstimate()
    {
        server.Require();
        var reference = TaskEstimateData.RegressionReference(_dir);
        await TaskEstimateTests.RegressionRoundTrip(TaskEstimateTests.RegressionConfig(server.Url, reference, model: "pg_prices"), reference, _dir);
    }
}
