using Npgsql;
using Vigil.Analysis.Segments;
using Vigil.Analysis.Tests.Segments;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Analysis.Tests.Postgres;

/// <summary>Segments with the log in a PostgreSQL table (the GROUPING SETS query and the quantiles run in the server)
/// agree with DuckDB's on the golden log, for every metric and both query shapes.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSegmentsTests(PostgresServer server)
{
    [SkippableTheory]
    [InlineData("calibration", "default")]
    [InlineData("calibration", "rows")]
    [InlineData("roc_auc", "default")]
    [InlineData("roc_auc", "groups")]
    [InlineData("accuracy", "probe1")]
    [InlineData("recall", "default")]
    public void Segments_InPostgres_MatchDuckDb(string metric, string mode)
    {
        server.Require();
        using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            conn.Open();
            using (var cmd = new NpgsqlCommand(
                "DROP TABLE IF EXISTS seg_log; CREATE TABLE seg_log (id BIGINT, region TEXT, tier TEXT, age BIGINT, flag BOOLEAN, city TEXT, prediction_score DOUBLE PRECISION, actual_label BIGINT);", conn))
                cmd.ExecuteNonQuery();
            using var writer = conn.BeginTextImport("COPY seg_log FROM STDIN (FORMAT csv, HEADER true)");
            writer.Write(File.ReadAllText(Fixture.Path("segments_log.csv")));
        }
        var options = SegmentsGoldenTests.Options(metric, mode);
        Results.SegmentsResult pg;
        using (var s = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "seg_log" }))
        {
            Assert.Equal("postgresql", s.Engine.Name);
            pg = SegmentsAnalysis.Run(s, options);
        }
        var duck = SegmentsGoldenTests.Run(metric, mode);
        Assert.Equal(duck.Rows, pg.Rows);
        Assert.Equal(duck.Searched, pg.Searched);
        Assert.Equal(duck.Tested, pg.Tested);
        Assert.Equal(duck.By, pg.By, (a, b) => a.Name == b.Name && a.Cut == b.Cut && a.Values.SequenceEqual(b.Values) && a.OtherValues == b.OtherValues);
        var byKey = pg.Segments.ToDictionary(h => SegmentsGoldenTests.Key(h.Segment));
        foreach (var d in duck.Segments)
        {
            var key = SegmentsGoldenTests.Key(d.Segment);
            Assert.True(byKey.TryGetValue(key, out var p), $"{key} missing in PostgreSQL");
            Assert.Equal(d.Rows, p!.Rows);
            Assert.Equal(d.Positives, p.Positives);
            foreach (var (name, a, b) in new (string, double?, double?)[] { ("value", d.Value, p.Value), ("gap", d.Gap, p.Gap), ("p_value", d.PValue, p.PValue), ("p_adjusted", d.PAdjusted, p.PAdjusted), ("ece", d.Ece, p.Ece) })
            {
                if (a is null) Assert.Null(b);
                else Fixture.Close(a.Value, b, $"{metric} {key} {name}");
            }
        }
    }
}
