using Npgsql;
using Vigil.Analysis.Fairness;
using Vigil.Analysis.Tests.Fairness;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Analysis.Tests.Postgres;

/// <summary>Fairness with the loan log in a PostgreSQL table (the census and the GROUPING SETS query run in the server)
/// agrees with DuckDB's: every group's counts and metrics, the summaries and the disparities.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresFairnessTests(PostgresServer server)
{
    [SkippableFact]
    public void Fairness_InPostgres_MatchesDuckDb()
    {
        server.Require();
        using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            conn.Open();
            using (var cmd = new NpgsqlCommand(
                "DROP TABLE IF EXISTS fair_log; CREATE TABLE fair_log (prediction_id TEXT, timestamp TEXT, prediction_score DOUBLE PRECISION, actual_label BIGINT, " +
                "gender TEXT, race TEXT, zip_code TEXT, income BIGINT, age BIGINT, loan_amount BIGINT);", conn))
                cmd.ExecuteNonQuery();
            using var writer = conn.BeginTextImport("COPY fair_log FROM STDIN (FORMAT csv, HEADER true)");
            writer.Write(File.ReadAllText(FairnessGoldenTests.Log()));
        }
        var options = FairnessGoldenTests.Options(0.5) with { Constraint = Statistics.Fairness.FairnessConstraint.EqualizedOdds };
        Results.FairnessResult pg;
        using (var s = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "fair_log" }))
        {
            Assert.Equal("postgresql", s.Engine.Name);
            pg = FairnessAnalysis.Run(s, options);
        }
        var duck = FairnessGoldenTests.Run(options);
        Assert.Equal(duck.Rows, pg.Rows);
        Assert.Equal(duck.Excluded, pg.Excluded);
        Assert.Equal(duck.ReferenceGroup, pg.ReferenceGroup);
        Assert.Equal(duck.Groups.Select(g => (g.Attribute, g.Value, g.Size, g.Confusion)), pg.Groups.Select(g => (g.Attribute, g.Value, g.Size, g.Confusion)));
        for (var i = 0; i < duck.Groups.Count; i++)
            foreach (var m in duck.Groups[i].Metrics)
            {
                var p = Fixture.Metric(pg.Groups[i].Metrics, m.Name);
                if (m.Value is null) Assert.Null(p);
                else Fixture.Close(m.Value.Value, p, $"{duck.Groups[i].Attribute}={duck.Groups[i].Value} {m.Name}");
            }
        Assert.Equal(duck.Summary.Select(s => s.DemographicParityDifference), pg.Summary.Select(s => s.DemographicParityDifference));
        Assert.Equal(duck.Disparities.Select(d => (d.Value, d.Metric, d.Fair)), pg.Disparities.Select(d => (d.Value, d.Metric, d.Fair)));
        Assert.Equal(duck.Mitigation!.ObjectiveAfter, pg.Mitigation!.ObjectiveAfter);
    }
}
