using Npgsql;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Tests.Comparison;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Analysis.Tests.Postgres;

/// <summary>compare inside PostgreSQL (the census, the ordered walk's table and the paired sums all computed there)
/// gives the same comparison as DuckDB on the same rows, independent and paired.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresCompareTests(PostgresServer server)
{
    private void Load(string table, string fixture)
    {
        using var conn = new NpgsqlConnection(server.ConnectionString);
        conn.Open();
        using (var cmd = new NpgsqlCommand($"DROP TABLE IF EXISTS {table}; CREATE TABLE {table} (prediction_id text, model_version text, region text, prediction_score double precision, actual_label integer)", conn))
            cmd.ExecuteNonQuery();
        using var writer = conn.BeginTextImport($"COPY {table} FROM STDIN (FORMAT csv, HEADER true)");
        writer.Write(File.ReadAllText(Fixture.Path(fixture)));
    }

    [SkippableTheory]
    [InlineData("compare_independent.csv", false)]
    [InlineData("compare_paired.csv", true)]
    public void Compare_InPostgres_MatchesDuckDb(string fixture, bool paired)
    {
        server.Require();
        var table = paired ? "cmp_paired" : "cmp_independent";
        Load(table, fixture);
        var options = new ComparisonOptions { Baseline = "v2.0", Candidate = "v2.1", SegmentBy = ["region"] };
        Results.ComparisonResult pg;
        using (var source = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = table }))
        {
            Assert.Equal("postgresql", source.Engine.Name);
            pg = ComparisonAnalysis.Run(source, options);
        }
        var duck = ComparisonAnalysisTests.Compare(fixture, options);
        Assert.Equal(paired, pg.Paired);
        Assert.Equal(duck.Segments.Count, pg.Segments.Count);
        for (var i = 0; i < duck.Segments.Count; i++)
        {
            var (d, p) = (duck.Segments[i], pg.Segments[i]);
            Assert.Equal(d.Segment, p.Segment);
            Assert.Equal(d.Verdict, p.Verdict);
            Assert.Equal(d.Baseline.Rows, p.Baseline.Rows);
            foreach (var (metric, diff) in d.Difference)
            {
                var other = p.Difference[metric];
                if (diff.Value is { } v) Fixture.Close(v, other.Value, $"{metric} value");
                // The bootstrap's too: its cells are exact (the paired cells' mean scores come from integer sums), so the
                // same seed draws the same replicates in both engines.
                Assert.Equal(diff.Test, other.Test);
                if (diff.Lower is { } l) Fixture.Close(l, other.Lower, $"{metric} lower");
                if (diff.Upper is { } u) Fixture.Close(u, other.Upper, $"{metric} upper");
                if (diff.PValue is { } pv) Fixture.Close(pv, other.PValue, $"{metric} p-value");
            }
        }
    }
}
