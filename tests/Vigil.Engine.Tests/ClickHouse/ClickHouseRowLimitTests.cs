using System.Globalization;
using Vigil.Engine.ClickHouse;
using Vigil.Engine.Sources;
using Vigil.Testing.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

/// <summary>
/// The limit on the rows one query ships from ClickHouse (docs/scale.md, "The limit on shipped rows"): the server
/// refuses a result past it (max_result_rows, result_overflow_mode=throw, code 396) before a row leaves, over a
/// Distributed table too, and the engine turns that into one line a person can act on; statements whose results Vigil
/// does not read (CREATE … AS SELECT, INSERT … SELECT) and subqueries are not limited.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseRowLimitTests
{
    private const long Limit = 1000;
    private readonly ClickHouseCluster _cluster;

    public ClickHouseRowLimitTests(ClickHouseCluster cluster) => _cluster = cluster;

    private ClickHouseEngine Engine(long limit = Limit, string user = "default")
    {
        _cluster.Require();
        return new ClickHouseEngine(new ClickHouseConnectionInfo { Endpoint = new Uri(_cluster.HttpUrl(0)), User = user, Password = "" },
            new ShippedRowLimit(limit, $"--max-shipped-rows {limit.ToString(CultureInfo.InvariantCulture)}"));
    }

    private string Expected(long limit = Limit) =>
        $"clickhouse 127.0.0.1:{_cluster.HttpPort(0).ToString(CultureInfo.InvariantCulture)}/default: a query would ship more than " +
        $"{limit.ToString("N0", CultureInfo.InvariantCulture)} rows (--max-shipped-rows {limit.ToString(CultureInfo.InvariantCulture)}): raise the limit";

    private static void AssertOneLine(VigilInputException e, string start)
    {
        Assert.StartsWith(start, e.Message, StringComparison.Ordinal);
        Assert.EndsWith("; see docs/scale.md", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [SkippableFact]
    public void Query_AtTheLimit_ReturnsEveryRow()
    {
        using ClickHouseEngine e = Engine();
        Table t = e.Query("SELECT number FROM system.numbers LIMIT 1000");
        Assert.Equal(1000, t.RowCount);
        long sum = 0;
        for (int i = 0; i < t.RowCount; i++) sum += t.GetInt64(0, i);
        Assert.Equal(999L * 1000 / 2, sum);
    }

    [SkippableFact]
    public void Query_OneRowPastTheLimit_RefusedByTheServer_NothingShipped()
    {
        using ClickHouseEngine e = Engine();
        long before = e.ResultRows;
        var ex = Assert.Throws<VigilInputException>(() => e.Query("SELECT number FROM system.numbers LIMIT 1001"));
        AssertOneLine(ex, Expected());
        // ClickHouse refused it (code 396), so not a row crossed the wire.
        var inner = Assert.IsType<VigilEngineException>(ex.InnerException);
        Assert.Equal(ClickHouseEngine.TooManyRowsCode, inner.Code);
        Assert.Equal(before, e.ResultRows);
        // The session is still usable.
        Assert.Equal("1", e.ScalarString("SELECT 1"));
    }

    [SkippableFact]
    public void Stream_PastTheLimit_Throws_AndNoChunkArrives()
    {
        using ClickHouseEngine e = Engine();
        int chunks = 0;
        var ex = Assert.Throws<VigilInputException>(() => e.Stream("SELECT number FROM system.numbers LIMIT 5000", null, _ => chunks++));
        AssertOneLine(ex, Expected());
        Assert.Equal(0, chunks);
        long rows = 0;
        e.Stream("SELECT number FROM system.numbers LIMIT 1000", null, c => rows += c.RowCount);
        Assert.Equal(1000, rows);
    }

    [SkippableFact]
    public void DistributedTable_PastTheLimit_Throws_NotAPartialResult()
    {
        using ClickHouseEngine e = Engine();
        _cluster.CreatePredictionLogs("lim_dist", 3000);
        // Both shards hold rows (otherwise this would test one MergeTree table).
        string[] perShard = [_cluster.Sql(0, "SELECT count() FROM lim_dist_local").Trim(), _cluster.Sql(1, "SELECT count() FROM lim_dist_local").Trim()];
        Assert.All(perShard, n => Assert.True(long.Parse(n, CultureInfo.InvariantCulture) is > 0 and < 3000, string.Join(" + ", perShard)));
        long distinctScores = long.Parse(_cluster.Sql(1, "SELECT uniqExact(prediction_score) FROM lim_dist").Trim(), CultureInfo.InvariantCulture);
        Assert.True(distinctScores > Limit, $"{distinctScores} distinct scores");

        long before = e.ResultRows;
        // Raw rows, and one row per distinct score (evaluate's and drift's kind of table), each over both shards.
        foreach (string sql in new[] { "SELECT prediction_id, prediction_score FROM lim_dist", "SELECT prediction_score, count() AS n FROM lim_dist GROUP BY prediction_score ORDER BY prediction_score" })
        {
            var ex = Assert.Throws<VigilInputException>(() => e.Stream(sql, null, _ => Assert.Fail("a chunk arrived: " + sql)));
            AssertOneLine(ex, Expected());
        }
        Assert.Equal(before, e.ResultRows);

        // Aggregates under the limit are not affected, nor is a subquery of more rows than the limit.
        Table t = e.Query("SELECT country, count() AS n FROM lim_dist GROUP BY country ORDER BY country");
        Assert.Equal(5, t.RowCount);
        long total = 0;
        for (int i = 0; i < t.RowCount; i++) total += t.GetInt64(1, i);
        Assert.Equal(3000, total);
        Assert.Equal(distinctScores.ToString(CultureInfo.InvariantCulture), e.ScalarString("SELECT count() FROM (SELECT DISTINCT prediction_score FROM lim_dist)"));
        // At exactly the number of result rows, the table comes whole.
        using ClickHouseEngine exact = Engine(distinctScores);
        Assert.Equal(distinctScores, exact.Query("SELECT prediction_score, count() AS n FROM lim_dist GROUP BY prediction_score").RowCount);
    }

    [SkippableFact]
    public void StatementsWithoutAResult_AreNotLimited()
    {
        using ClickHouseEngine e = Engine();
        e.Execute("CREATE TEMPORARY TABLE lim_tmp ENGINE = Memory AS SELECT number FROM system.numbers LIMIT 5000");
        e.Execute("INSERT INTO lim_tmp SELECT number FROM system.numbers LIMIT 2500");
        Assert.Equal("7500", e.ScalarString("SELECT count() FROM lim_tmp"));
        Assert.Single(e.Describe("lim_tmp"));
    }

    [SkippableFact]
    public void ReadOnlyUser_TheReaderStopsAtTheFirstRowPastTheLimit()
    {
        // A readonly=1 profile may send no settings, so the server does not enforce the limit: the reader does.
        using ClickHouseEngine e = Engine(user: _cluster.ReadOnlyUser);
        Assert.True(e.ReadOnly);
        Assert.Equal(1000, e.Query("SELECT number FROM system.numbers LIMIT 1000").RowCount);
        long before = e.ResultRows;
        var ex = Assert.Throws<VigilInputException>(() => e.Query("SELECT number FROM system.numbers LIMIT 200000"));
        AssertOneLine(ex, Expected());
        Assert.Null(ex.InnerException);
        Assert.Equal(Limit + 1, e.ResultRows - before);
        int chunks = 0;
        before = e.ResultRows;
        Assert.Throws<VigilInputException>(() => e.Stream("SELECT number FROM system.numbers LIMIT 200000", null, _ => chunks++));
        Assert.Equal(0, chunks);
        Assert.Equal(Limit + 1, e.ResultRows - before);
        // The abandoned answer does not keep the session locked (code 373) for the next statement.
        for (int i = 0; i < 20; i++)
        {
            Assert.Throws<VigilInputException>(() => e.Query("SELECT number FROM system.numbers LIMIT 300000"));
            Assert.Equal("1", e.ScalarString("SELECT 1"));
        }
    }

    [SkippableFact]
    public void Source_GetsTheLimitOfItsSpec_OrTheDefault()
    {
        _cluster.Require();
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url(0)], Sql = "SELECT number FROM system.numbers LIMIT 3000", MaxShippedRows = 2999 }))
        {
            Assert.Equal(new ShippedRowLimit(2999, "--max-shipped-rows 2999"), s.Engine.RowLimit);
            var ex = Assert.Throws<VigilInputException>(() => s.Engine.Query($"SELECT * FROM {s.Relation}"));
            Assert.Contains("would ship more than 2,999 rows (--max-shipped-rows 2999)", ex.Message, StringComparison.Ordinal);
            Assert.Equal("3000", s.Engine.ScalarString($"SELECT count() FROM {s.Relation}"));
            // A second connection to the same source (Reopen) has the same limit.
            using OpenedSource? again = s.Reopen();
            Assert.Equal(2999, again!.Engine.RowLimit.Rows);
        }
        Skip.If(Environment.GetEnvironmentVariable(ShippedRowLimit.EnvironmentVariable) is not null, $"{ShippedRowLimit.EnvironmentVariable} is set");
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url(0)], Sql = "SELECT 1 AS x" }))
        {
            Assert.Equal(ShippedRowLimit.DefaultRows, s.Engine.RowLimit.Rows);
            Assert.Equal(50_000_000, ShippedRowLimit.DefaultRows);
        }
    }

    [Fact]
    public void OnlyTheResultRowLimit_BecomesTheLimitsMessage()
    {
        var rows = new VigilEngineException(VigilEngineException.ClickHouse, "396", "Limit for result exceeded, max rows: 1.00 thousand, current rows: 2.50 thousand");
        var bytes = new VigilEngineException(VigilEngineException.ClickHouse, "396", "Limit for result exceeded, max bytes: 10.00 B, current bytes: 80.00 B");
        Assert.True(ClickHouseEngine.IsResultLimit(rows));
        Assert.False(ClickHouseEngine.IsResultLimit(bytes));
        // Another limit of the user's profile is still the user's to fix (exit 2), with ClickHouse's own words.
        Assert.True(bytes.IsUserError);
    }

    [SkippableFact]
    public void NoLimit_ShipsEverything()
    {
        _cluster.Require();
        using var e = new ClickHouseEngine(new ClickHouseConnectionInfo { Endpoint = new Uri(_cluster.HttpUrl(0)) }, ShippedRowLimit.None);
        Assert.Equal(5000, e.Query("SELECT number FROM system.numbers LIMIT 5000").RowCount);
        using ClickHouseEngine zero = Engine(0);
        Assert.False(zero.RowLimit.IsLimited);
        Assert.Equal(5000, zero.Query("SELECT number FROM system.numbers LIMIT 5000").RowCount);
    }
}
