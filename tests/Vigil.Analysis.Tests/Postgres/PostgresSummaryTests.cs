using Npgsql;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Summary;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Analysis.Tests.Postgres;

/// <summary>The same analyses pushed down to a real PostgreSQL server agree with DuckDB's on the same rows.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSummaryTests(PostgresServer server)
{
    private static readonly object Gate = new();
    private static bool _loaded;

    private void Load()
    {
        server.Require();
        lock (Gate)
        {
            if (_loaded) return;
            using var conn = new NpgsqlConnection(server.ConnectionString);
            conn.Open();
            using (var cmd = new NpgsqlCommand(
                "DROP TABLE IF EXISTS preds; CREATE TABLE preds (prediction_id text, model_version text, prediction_score double precision, " +
                "\"timestamp\" text, actual_label integer, amount double precision, merchant_category text, country text, " +
                "account_age_days integer, device_type text, channel text)", conn))
                cmd.ExecuteNonQuery();
            using (var writer = conn.BeginTextImport("COPY preds FROM STDIN (FORMAT csv, HEADER true)"))
                writer.Write(File.ReadAllText(Fixture.Path("summary_log.csv")));
            _loaded = true;
        }
    }

    private static readonly SummaryOptions Options = new() { AsOf = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc) };

    [SkippableFact]
    public void Summary_InPostgres_MatchesDuckDb()
    {
        Load();
        SummaryResult pg, duck;
        using (var source = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "preds" }))
        {
            Assert.Equal("postgresql", source.Engine.Name);
            pg = SummaryAnalysis.Run(source, Options);
        }
        using (var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("summary_log.csv")] }))
            duck = SummaryAnalysis.Run(source, Options);

        Assert.Equal(duck.TotalRows, pg.TotalRows);
        Assert.Equal(duck.ExcludedRows, pg.ExcludedRows);
        // The same findings with the same counts (a check may appear more than once, e.g. once per model version).
        static string Key(QualityIssue i) => $"{i.Check} | {i.Column} | {i.Period:O} | {i.Rows}";
        Assert.Equal(duck.Quality.Issues.Where(i => i.Check != "schema").Select(Key).Order(StringComparer.Ordinal),
            pg.Quality.Issues.Where(i => i.Check != "schema").Select(Key).Order(StringComparer.Ordinal));
        Assert.Equal(duck.Periods.Count, pg.Periods.Count);
        for (var i = 0; i < duck.Periods.Count; i++)
        {
            var (a, b) = (duck.Periods[i], pg.Periods[i]);
            Assert.Equal(a.Start, b.Start);
            Assert.Equal(a.ModelVersion, b.ModelVersion);
            Assert.Equal(a.Rows, b.Rows);
            foreach (var m in a.Metrics.Where(m => m.Value is not null))
                Fixture.Close(m.Value!.Value, Fixture.Metric(b.Metrics, m.Name), $"{a.Start:yyyy-MM-dd} {a.ModelVersion} {m.Name}");
        }
    }

    [SkippableFact]
    public void Evaluate_InPostgres_MatchesDuckDb()
    {
        Load();
        EvaluationResult pg, duck;
        var options = new EvaluateOptions { SegmentBy = ["model_version"] };
        using (var source = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Sql = "SELECT * FROM preds WHERE country <> 'XX'" }))
            pg = EvaluationAnalysis.Run(source, options);
        using (var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("summary_log.csv")] }))
            duck = EvaluationAnalysis.Run(source, options);
        Assert.Equal(duck.Rows, pg.Rows);
        foreach (var m in duck.Metrics.Where(m => m.Value is not null))
            Fixture.Close(m.Value!.Value, Fixture.Metric(pg.Metrics, m.Name), m.Name);
        Assert.Equal(duck.Segments!.Count, pg.Segments!.Count);
        // The rows left out (repeated ids: counted distinct in DuckDB, grouped on a server) are the same.
        var kept = Assert.Single(duck.Findings, f => f.Message.Contains("repeat an id", StringComparison.Ordinal));
        Assert.Equal(kept.Message, Assert.Single(pg.Findings, f => f.Message.Contains("repeat an id", StringComparison.Ordinal)).Message);
    }
}
