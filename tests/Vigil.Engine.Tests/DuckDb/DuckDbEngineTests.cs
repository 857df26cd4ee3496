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
