using Vigil.Engine.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

/// <summary>Standard SQL on ClickHouse, rewritten on the client (no server needed): casts to Nullable targets except
/// the casts of non-NULL literals, TRUE/FALSE as 1/0, and nothing inside literals, quoted names or comments.</summary>
public sealed class ClickHouseCastsTests
{
    [Theory]
    [InlineData("SELECT CAST(x AS DOUBLE)", "SELECT CAST(x AS Nullable(DOUBLE))")]
    [InlineData("SELECT cast( x AS BIGINT ) FROM t", "SELECT cast( x AS Nullable(BIGINT)) FROM t")]
    [InlineData("SELECT CAST(NULL AS INTEGER)", "SELECT CAST(NULL AS Nullable(INTEGER))")]
    [InlineData("SELECT CAST(x = 1 AS BOOLEAN)", "SELECT CAST(x = 1 AS Nullable(UInt8))")]
    [InlineData("SELECT CAST(x AS Nullable(Float64))", "SELECT CAST(x AS Nullable(Float64))")]
    [InlineData("SELECT CAST(x AS Array(Float64))", "SELECT CAST(x AS Array(Float64))")]
    [InlineData("SELECT CAST('NaN' AS DOUBLE), CAST(0 AS BIGINT), CAST((-2.5) AS DOUBLE)", "SELECT CAST('NaN' AS DOUBLE), CAST(0 AS BIGINT), CAST((-2.5) AS DOUBLE)")]
    [InlineData("SELECT CAST('a' || x AS VARCHAR)", "SELECT CAST('a' || x AS Nullable(VARCHAR))")]
    [InlineData("SELECT CAST(CAST(x AS DOUBLE) * 2 AS BIGINT)", "SELECT CAST(CAST(x AS Nullable(DOUBLE)) * 2 AS Nullable(BIGINT))")]
    [InlineData("SELECT CAST(f(x, 'AS y') AS TEXT)", "SELECT CAST(f(x, 'AS y') AS Nullable(TEXT))")]
    [InlineData("SELECT 'CAST(x AS DOUBLE)', \"CAST(y AS DOUBLE)\" -- CAST(z AS DOUBLE)\n", "SELECT 'CAST(x AS DOUBLE)', \"CAST(y AS DOUBLE)\" -- CAST(z AS DOUBLE)\n")]
    [InlineData("SELECT broadcast(x AS y), mycast(x)", "SELECT broadcast(x AS y), mycast(x)")]
    public void Casts(string sql, string expected) => Assert.Equal(expected, ClickHouseCasts.Rewrite(sql));

    [Theory]
    [InlineData("SELECT TRUE AS a, false AS b WHERE x OR TRUE", "SELECT 1 AS a, 0 AS b WHERE x OR 1")]
    [InlineData("SELECT truex, x_true, \"TRUE\", 'FALSE', `false` FROM t", "SELECT truex, x_true, \"TRUE\", 'FALSE', `false` FROM t")]
    [InlineData("SELECT CAST(TRUE AS BOOLEAN)", "SELECT CAST(1 AS Nullable(UInt8))")]
    public void Booleans(string sql, string expected) => Assert.Equal(expected, ClickHouseCasts.Rewrite(sql));
}
