using Vigil.Engine.DuckDb;

namespace Vigil.Engine.Tests.DuckDb;

public sealed class MemoryBudgetTests : IDisposable
{
    private readonly DuckDbEngine _engine = new();

    public void Dispose() => _engine.Dispose();

    private string Limit() => _engine.Query("SELECT current_setting('memory_limit')").GetString(0, 0)!;

    /// <summary>The limit is restored to DuckDB's displayed (rounded) value: equal within 1 %.</summary>
    private void AssertRestored(string before) =>
        Assert.Equal(QueryEngineExtensions.ParseSize(before)!.Value, QueryEngineExtensions.ParseSize(Limit())!.Value, 0.01 * QueryEngineExtensions.ParseSize(before)!.Value);

    [Fact]
    public void WithMemoryBudget_LowersTheLimitDuringTheBody_AndRestoresIt()
    {
        var before = Limit();
        string? during = null;
        _engine.WithMemoryBudget(128, 32, () => during = Limit());
        Assert.NotNull(during);
        Assert.InRange(QueryEngineExtensions.ParseSize(during!)!.Value, 100_000_000, 140_000_000);
        AssertRestored(before);
    }

    [Fact]
    public void WithMemoryBudget_OutOfMemoryUnderTheBudget_RunsTheBodyAgainWithoutIt()
    {
        var before = Limit();
        var runs = 0;
        long rows = 0;
        // 5M distinct integers need far more than 1 MB: the first run fails, the second (at the old limit) succeeds.
        _engine.WithMemoryBudget(1, 0, () =>
        {
            runs++;
            rows = _engine.Query("SELECT count(*) FROM (SELECT DISTINCT range % 5000000 AS x FROM range(20000000))").GetInt64(0, 0);
        });
        Assert.Equal(2, runs);
        Assert.Equal(5_000_000, rows);
        AssertRestored(before);
    }

    [Fact]
    public void WithMemoryBudget_OtherErrors_AreNotRetried()
    {
        var runs = 0;
        Assert.Throws<DuckDbException>(() => _engine.WithMemoryBudget(128, 32, () =>
        {
            runs++;
            _engine.Query("SELECT * FROM no_such_table");
        }));
        Assert.Equal(1, runs);
    }

    [Theory]
    [InlineData("19.0 GiB", 20401094656L)]
    [InlineData("256.0 MiB", 268435456L)]
    [InlineData("500MB", 500000000L)]
    [InlineData("1.5 KB", 1500L)]
    [InlineData("12 bytes", null)]
    [InlineData("", null)]
    public void ParseSize_ReadsDuckDbSizes(string text, long? bytes) => Assert.Equal(bytes, QueryEngineExtensions.ParseSize(text));
}
