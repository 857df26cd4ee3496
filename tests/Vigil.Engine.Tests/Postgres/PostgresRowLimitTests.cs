using System.Globalization;
using Vigil.Engine.Postgres;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Engine.Tests.Postgres;

/// <summary>
/// The limit on the rows one query ships from PostgreSQL (docs/scale.md, "The limit on shipped rows"): rows are counted
/// as they are read, and at the first row past the limit the command is cancelled on the server (not drained) and one
/// line a person can act on is thrown.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresRowLimitTests
{
    private const long Limit = 1000;
    private readonly PostgresServer _server;

    public PostgresRowLimitTests(PostgresServer server) => _server = server;

    private PostgresEngine Engine(long limit = Limit)
    {
        _server.Require();
        return new PostgresEngine(_server.ConnectionString, new ShippedRowLimit(limit, $"--max-shipped-rows {limit.ToString(CultureInfo.InvariantCulture)}"));
    }

    private string Expected =>
        $"postgres 127.0.0.1:{_server.Port.ToString(CultureInfo.InvariantCulture)}/{_server.Database}: a query would ship more than 1,000 rows " +
        "(--max-shipped-rows 1000): raise the limit";

    private static void AssertOneLine(VigilInputException e, string start)
    {
        Assert.StartsWith(start, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; see docs/scale.md", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [SkippableFact]
    public void QueryAndStream_AtTheLimit_ReturnEveryRow()
    {
        using PostgresEngine e = Engine();
        Table t = e.Query("SELECT i::bigint FROM generate_series(1, 1000) i");
        Assert.Equal(1000, t.RowCount);
        long sum = 0;
        for (int i = 0; i < t.RowCount; i++) sum += t.GetInt64(0, i);
        Assert.Equal(1000L * 1001 / 2, sum);
        long rows = 0, streamed = 0;
        e.Stream("SELECT i::bigint FROM generate_series(1, 1000) i", null, c =>
        {
            rows += c.RowCount;
            for (int i = 0; i < c.RowCount; i++) streamed += c.GetInt64(0, i);
        });
        Assert.Equal(1000, rows);
        Assert.Equal(sum, streamed);
    }

    [SkippableFact]
    public void Query_PastTheLimit_Throws_AndTheConnectionStaysUsable()
    {
        using PostgresEngine e = Engine();
        var ex = Assert.Throws<VigilInputException>(() => e.Query("SELECT i::bigint FROM generate_series(1, 1001) i"));
        AssertOneLine(ex, Expected);
        Assert.Equal("1", e.ScalarString("SELECT 1::text"));
    }

    [SkippableFact]
    public void Stream_PastTheLimit_CancelsTheQueryOnTheServer()
    {
        const long total = 20_000_000;
        using PostgresEngine e = Engine();
        // A sequence counts the rows the server produced; nextval is not rolled back by the cancellation.
        e.Execute("DROP SEQUENCE IF EXISTS lim_seq; CREATE SEQUENCE lim_seq");
        long rows = 0;
        var ex = Assert.Throws<VigilInputException>(() => e.Stream(
            "SELECT nextval('lim_seq') AS n FROM generate_series(1, 5000) a, generate_series(1, 4000) b", null, c => rows += c.RowCount));
        AssertOneLine(ex, Expected);
        // Chunks of 2,048 rows: no more than the limit reached the analysis.
        Assert.True(rows <= Limit, $"{rows} rows handed on");
        long produced = long.Parse(e.ScalarString("SELECT last_value::text FROM lim_seq")!, CultureInfo.InvariantCulture);
        Assert.True(produced > Limit, $"{produced} rows produced");
        // Drained instead of cancelled, the server would have produced all 20M rows.
        Assert.True(produced < total / 2, $"{produced:N0} of {total:N0} rows produced: the query was not cancelled");
        Assert.Equal("1", e.ScalarString("SELECT 1::text"));
    }

    [SkippableFact]
    public void Source_GetsTheLimitOfItsSpec()
    {
        _server.Require();
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Sql = "SELECT i FROM generate_series(1, 3000) i", MaxShippedRows = 2999 }))
        {
            Assert.Equal(2999, s.Engine.RowLimit.Rows);
            Assert.Equal("--max-shipped-rows 2999", s.Engine.RowLimit.Setting);
            var ex = Assert.Throws<VigilInputException>(() => s.Engine.Query($"SELECT * FROM {s.Relation}"));
            Assert.Contains("would ship more than 2,999 rows (--max-shipped-rows 2999)", ex.Message, StringComparison.Ordinal);
            Assert.Equal("3000", s.Engine.ScalarString($"SELECT count(*)::text FROM {s.Relation}"));
        }
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Sql = "SELECT i FROM generate_series(1, 3000) i", MaxShippedRows = 0 }))
        {
            Assert.False(s.Engine.RowLimit.IsLimited);
            Assert.Equal(3000, s.Engine.Query($"SELECT * FROM {s.Relation}").RowCount);
        }
    }
}
