using Vigil.Engine.DuckDb;

namespace Vigil.Engine.Tests;

public sealed class SqlDialectTests
{
    [Theory]
    [InlineData("a", "\"a\"")]
    [InlineData("a\"b", "\"a\"\"b\"")]
    [InlineData("with space", "\"with space\"")]
    [InlineData("\"", "\"\"\"\"")]
    public void QuoteIdentifier_DoublesQuotes(string name, string expected)
    {
        Assert.Equal(expected, SqlDialect.DuckDb.QuoteIdentifier(name));
        Assert.Equal(expected, SqlDialect.PostgreSql.QuoteIdentifier(name));
    }

    [Fact]
    public void QuoteIdentifier_RejectsEmptyAndNul()
    {
        Assert.Throws<VigilInputException>(() => SqlDialect.DuckDb.QuoteIdentifier(""));
        Assert.Throws<VigilInputException>(() => SqlDialect.DuckDb.QuoteIdentifier("a\0b"));
    }

    [Fact]
    public void QuoteQualifiedName_SplitsOnDotsOutsideQuotes()
    {
        Assert.Equal("\"s\".\"t\"", SqlDialect.DuckDb.QuoteQualifiedName("s.t"));
        Assert.Equal("\"a.b\".\"t\"", SqlDialect.DuckDb.QuoteQualifiedName("\"a.b\".t"));
        Assert.Throws<VigilInputException>(() => SqlDialect.DuckDb.QuoteQualifiedName("s."));
    }

    [Fact]
    public void StringLiteral_DoublesSingleQuotes() => Assert.Equal("'it''s'", SqlDialect.DuckDb.StringLiteral("it's"));

    [Fact]
    public void DuckDb_DialectExpressionsRun()
    {
        using var e = new DuckDbEngine();
        SqlDialect d = e.Dialect;
        Table t = e.Query($"""
            SELECT {d.TryCastDouble("'1.5'")} AS a, {d.TryCastDouble("'x'")} AS b,
                   {d.TryCastTimestamp("'2024-01-02 03:04:05'")} AS c, {d.TryCastTimestamp("'nope'")} AS dd,
                   {d.EpochSeconds("TIMESTAMP '1970-01-02 00:00:00'")} AS ep,
                   {d.DateTrunc("day", "TIMESTAMP '2024-01-02 03:04:05'")} AS tr,
                   {d.CastToText("42")} AS txt,
                   {d.HashToUnit("'abc'")} AS h1, {d.HashToUnit("'abc'")} AS h2
            """);
        Assert.Equal(1.5, t.GetDouble(0, 0));
        Assert.True(t.IsNull(1, 0));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), t.GetDateTime(2, 0));
        Assert.True(t.IsNull(3, 0));
        Assert.Equal(86400.0, t.GetDouble(4, 0));
        Assert.Equal(new DateTime(2024, 1, 2, 0, 0, 0, DateTimeKind.Utc), t.GetDateTime(5, 0));
        Assert.Equal("42", t.GetString(6, 0));
        double h = t.GetDouble(7, 0);
        Assert.InRange(h, 0, 1 - 1e-12);
        Assert.Equal(h, t.GetDouble(8, 0));
        Assert.Equal(2.0, e.Query($"SELECT {d.Median("x")} FROM (VALUES (1), (2), (3)) t(x)").GetDouble(0, 0));
        Assert.Throws<VigilInputException>(() => d.DateTrunc("fortnight", "x"));
    }

    [Fact]
    public void HashToUnit_IsRoughlyUniform()
    {
        using var e = new DuckDbEngine();
        Table t = e.Query($"SELECT avg({e.Dialect.HashToUnit("i")}) AS m, min({e.Dialect.HashToUnit("i")}) AS lo, max({e.Dialect.HashToUnit("i")}) AS hi FROM range(100000) r(i)");
        Assert.InRange(t.GetDouble(0, 0), 0.49, 0.51);
        Assert.True(t.GetDouble(1, 0) >= 0);
        Assert.True(t.GetDouble(2, 0) < 1);
    }
}
