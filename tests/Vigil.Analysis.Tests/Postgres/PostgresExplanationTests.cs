using Npgsql;
using Vigil.Analysis.Explanation;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Analysis.Tests.Postgres;

/// <summary><c>vigil explain</c> on a PostgreSQL table: the seeded sample is drawn inside the server (the same SQL as on
/// DuckDB, the dialect's hash), and on every row the model-free measures agree with DuckDB's.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresExplanationTests(PostgresServer server)
{
    [SkippableFact]
    public void Explain_InPostgres_SamplesThere_AndAgreesWithDuckDb()
    {
        server.Require();
        using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            conn.Open();
            using (var cmd = new NpgsqlCommand(
                "DROP TABLE IF EXISTS explain_known; CREATE TABLE explain_known (prediction_id text, model_version text, x1 double precision, " +
                "x2 double precision, channel text, noise_a double precision, noise_b bigint, device text, region text, prediction_score double precision, actual_label int)", conn))
                cmd.ExecuteNonQuery();
            using var writer = conn.BeginTextImport("COPY explain_known FROM STDIN (FORMAT csv, HEADER true)");
            writer.Write(File.ReadAllText(Fixture.Path("explain_known.csv")));
        }
        Results.ExplanationResult pg, pgSampled, duck;
        using (var s = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "explain_known" }))
        {
            Assert.Equal("postgresql", s.Engine.Name);
            pg = ExplanationAnalysis.Run(s, new ExplainOptions { ShapRows = 300 });
            pgSampled = ExplanationAnalysis.Run(s, new ExplainOptions { SampleRows = 1000, ShapRows = 300 });
            var again = ExplanationAnalysis.Run(s, new ExplainOptions { SampleRows = 1000, ShapRows = 300 });
            Assert.Equal(pgSampled.Features, again.Features);
        }
        using (var s = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("explain_known.csv")] }))
            duck = ExplanationAnalysis.Run(s, new ExplainOptions { ShapRows = 300 });
        Assert.Equal(["x1", "x2", "channel"], pg.Features.Take(3).Select(f => f.Feature));
        Assert.Equal(["x1", "x2", "channel"], pgSampled.Features.Take(3).Select(f => f.Feature));
        Assert.Equal(1000, pgSampled.Surrogate.SampleRows);
        Assert.Equal(3000, pgSampled.Surrogate.EligibleRows);
        foreach (var f in duck.Features)
        {
            var p = pg.Features.Single(x => x.Feature == f.Feature);
            Fixture.Close(f.MutualInformation, p.MutualInformation, $"{f.Feature} mutual information");
            if (f.Spearman is { } rho) Fixture.Close(rho, p.Spearman, $"{f.Feature} spearman");
        }
    }
}
