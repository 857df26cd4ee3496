using Vigil.Engine.DuckDb;

namespace Vigil.Engine.Tests.DuckDb;

public sealed class DuckDbEngineTests
{
    [Fact]
    public void Query_WithParameters()
    {
        using var e = new DuckDbEngine();
        Assert.Equal("duckdb", e.Name);
        Assert.Same(SqlDialect.DuckDb, e.Dialect);
        Table t = e.Query("SELECT count(*) AS n FROM range(100) r(i) WHERE i >= $1 AND i < $2", [10, 20L]);
        Assert.Equal(10, t.GetInt64(t.IndexOf("n"), 0));
        Assert.Throws<KeyNotFoundException>(() => t.IndexOf("nope"));
    }

    [Fact]
    public void Stream_DeliversEveryRowInChunks()
    {
        using var e = new DuckDbEngine();
        long rows = 0;
        double sum = 0;
        int chunks = 0;
        e.Stream("SELECT i::DOUBLE AS x FROM range(100000) r(i)", null, c =>
        {
            chunks++;
            rows += c.RowCount;
            foreach (double v in c.Doubles(0)) sum += v;
        });
        Assert.Equal(100000, rows);
        Assert.Equal(99999.0 * 100000 / 2, sum);
        Assert.True(chunks >= 48);
    }

    [Fact]
    public void Stream_ReusedBuffers_CarryNoValuesOrNullsOverBetweenChunks()
    {
        // Nulls fall on different rows in every chunk: a null flag or value left from the chunk before would show.
        using var e = new DuckDbEngine();
        long seen = 0;
        var kept = new List<string?>();
        e.Stream("SELECT i, CASE WHEN i % 7 = 0 THEN NULL ELSE i * 0.5 END AS d, CASE WHEN i % 5 = 0 THEN NULL ELSE 'v' || i END AS s " +
                 "FROM range(20000) r(i) ORDER BY i", null, c =>
        {
            var ids = c.Int64s(0);
            for (int r = 0; r < c.RowCount; r++)
            {
                long i = ids[r];
                Assert.Equal(seen++, i);
                Assert.Equal(i % 7 == 0, c.IsNull(1, r));
                if (i % 7 != 0) Assert.Equal(i * 0.5, c.GetDouble(1, r));
                Assert.Equal(i % 5 == 0 ? null : "v" + i, c.GetString(2, r));
                if (i % 1000 == 1) kept.Add(c.GetString(2, r));
            }
        });
        Assert.Equal(20000, seen);
        // Strings taken out of a chunk stay valid after it.
        Assert.Equal(Enumerable.Range(0, 20).Select(k => "v" + (k * 1000 + 1)), kept);
    }

    [Fact]
    public void Execute_MultipleStatements_AndDatabaseFile()
    {
        using var dir = new TempDir();
        string path = dir.File("x.duckdb");
        using (var e = new DuckDbEngine(new DuckDbOptions { Path = path }))
        {
            e.Execute("CREATE TABLE t (a INTEGER); INSERT INTO t VALUES (1), (2)");
        }
        using (var e = new DuckDbEngine(new DuckDbOptions { Path = path, ReadOnly = true }))
        {
            Assert.Equal(3, e.Query("SELECT sum(a) FROM t").GetInt64(0, 0));
        }
    }

    [Fact]
    public void Query_Cancelled_ThrowsOperationCanceled()
    {
        using var e = new DuckDbEngine();
        using var cts = new CancellationTokenSource(300);
        Assert.ThrowsAny<OperationCanceledException>(() => e.Query("SELECT count(*) FROM range(100000000000) a(i) WHERE i % 7 = 3", null, cts.Token));
        // The connection is usable afterwards.
        Assert.Equal(1, e.Query("SELECT 1").GetInt64(0, 0));
    }

    [Fact]
    public void Progress_ReadFromAnotherThread_StaysInRange()
    {
        using var e = new DuckDbEngine();
        Assert.Equal(-1, e.Progress);
        var seen = new List<double>();
        using var cts = new CancellationTokenSource();
        var poller = Task.Run(() =>
        {
            while (!cts.IsCancellationRequested)
            {
                double p = e.Progress;
                lock (seen) seen.Add(p);
                Thread.Sleep(5);
            }
        });
        e.Query("SELECT count(*) FROM range(60000000) a(i) WHERE hash(i) % 7 = 3");
        cts.Cancel();
        poller.Wait();
        Assert.All(seen, p => Assert.True(p == -1 || (p >= 0 && p <= 1), $"progress {p}"));
    }
}
