using Npgsql;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Analysis.Tests.Postgres;

/// <summary>The slicing layer's SQL in PostgreSQL: segments (a null value, an expression) with a day chunk over a
/// text timestamp, and row chunks, read back as in DuckDB.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSlicingTests(PostgresServer server)
{
    [SkippableFact]
    public void Keys_InPostgres_AsInDuckDb()
    {
        server.Require();
        using (var conn = new NpgsqlConnection(server.ConnectionString))
        {
            conn.Open();
            using var cmd = new NpgsqlCommand(
                "DROP TABLE IF EXISTS slice_rows; " +
                "CREATE TABLE slice_rows AS SELECT g AS amount, CASE WHEN g % 5 = 2 THEN NULL WHEN g % 2 = 0 THEN 'DE' ELSE 'FR' END AS country, " +
                "CASE WHEN g = 4 THEN 'garbage' ELSE to_char(timestamp '2026-03-01' + g * interval '7 hours', 'YYYY-MM-DD HH24:MI:SS') END AS ts " +
                "FROM generate_series(0, 19) g ORDER BY g", conn);
            cmd.ExecuteNonQuery();
        }
        var spec = new SliceSpec
        {
            SegmentBy = ["country", new ExpressionSegment("amount_bucket", "CASE WHEN \"amount\" < 10 THEN 'low' ELSE 'high' END")],
            Chunk = new TimeChunk(ChunkUnit.Day),
        };
        using var s = SourceOpener.Open(new SourceSpec { Inputs = [server.Url], Table = "slice_rows" });
        Assert.Equal(SqlDialectKind.PostgreSql, s.Dialect.Kind);
        var slicer = Slicer.For(spec, s, "ts");
        var t = s.Engine.Query(
            $"SELECT {slicer.Prefix()}count(*) AS n_ FROM (SELECT *{slicer.Select} FROM {s.Relation}) x GROUP BY {slicer.GroupBy} ORDER BY {slicer.OrderPrefix.TrimEnd(',', ' ')}");
        var keys = Enumerable.Range(0, t.RowCount).Select(r => slicer.Read(t, r)).ToList();
        Assert.Equal(keys, keys.Order(SliceKey.Order));
        Assert.Equal(20, Enumerable.Range(0, t.RowCount).Sum(r => t.GetInt64(slicer.Width, r)));
        Assert.Contains(keys, k => k.Segments[0] is null);
        Assert.Contains(keys, k => k.WithoutChunk);
        var first = keys.First(k => k.Segments[0] == "DE" && !k.WithoutChunk);
        Assert.Equal("country=DE, amount_bucket=high, 2026-03-03", slicer.Label(first));
        slicer.CheckChunkCount();

        var rows = Slicer.For(new SliceSpec { Chunk = new RowChunk(8) }, s, limits: new SliceLimits { MaxChunks = 2 });
        var e = Assert.Throws<VigilInputException>(rows.CheckChunkCount);
        Assert.Equal($"--chunk 8: 3 chunks in {s.Description}; at most 2 (use a larger chunk or --chunk day)", e.Message);
    }
}
