using Vigil.Engine.DuckDb;

namespace Vigil.Engine.Tests.DuckDb;

/// <summary>The reader hands repeated string values over as one object (low-cardinality columns allocate nothing per
/// row) without ever confusing two different values.</summary>
public sealed class StringReuseTests
{
    [Theory]
    [InlineData("v1", "v2")]                                              // inline (12 bytes or fewer)
    [InlineData("model-version-alpha-001", "model-version-alpha-002")]   // stored behind a pointer
    [InlineData("abc", "abcd")]                                           // same prefix, other length
    public void RepeatedValues_AreOneObject_AndDistinctValuesStayDistinct(string a, string b)
    {
        using var e = new DuckDbEngine();
        var t = e.Query("SELECT CASE WHEN i % 3 = 0 THEN $1 WHEN i % 3 = 1 THEN $2 ELSE NULL END AS v FROM range(3000) r(i)", [a, b]);
        for (var i = 0; i < t.RowCount; i++)
        {
            var expected = (i % 3) switch { 0 => a, 1 => b, _ => null };
            Assert.Equal(expected, t.GetString(0, i));
        }
        Assert.Same(t.GetString(0, 0), t.GetString(0, 3));
        Assert.Same(t.GetString(0, 1), t.GetString(0, 4));
    }

    [Fact]
    public void ManyDistinctValues_AreAllRead()
    {
        using var e = new DuckDbEngine();
        var t = e.Query("SELECT 'id-' || CAST(i AS VARCHAR) || '-with-a-long-suffix' AS v FROM range(5000) r(i)");
        for (var i = 0; i < t.RowCount; i++) Assert.Equal($"id-{i}-with-a-long-suffix", t.GetString(0, i));
    }
}
