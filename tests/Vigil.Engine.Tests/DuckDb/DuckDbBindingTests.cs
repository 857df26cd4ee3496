using Vigil.Engine.DuckDb;

namespace Vigil.Engine.Tests.DuckDb;

public sealed class DuckDbBindingTests : IDisposable
{
    private readonly DuckDbDatabase _db = DuckDbDatabase.Open();
    private readonly DuckDbConnection _conn;

    public DuckDbBindingTests() => _conn = _db.Connect();

    public void Dispose()
    {
        _conn.Dispose();
        _db.Dispose();
    }

    private Table Q(string sql, params object?[] p)
    {
        using DuckDbResult r = _conn.Query(sql, p.Length == 0 ? null : p);
        return r.ReadAll();
    }

    [Fact]
    public void LibraryVersion_IsPinnedVersion() => Assert.StartsWith("v1.5", DuckDbDatabase.LibraryVersion);

    [Fact]
    public void Query_IntegerTypes_ReadAsInt64WithNulls()
    {
        Table t = Q("""
            SELECT * FROM (VALUES
              (-5::TINYINT, -300::SMALLINT, -70000::INTEGER, -5000000000::BIGINT, 200::UTINYINT, 60000::USMALLINT, 4000000000::UINTEGER, 18000000000000000000::UBIGINT, 12::HUGEINT),
              (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)) t(a, b, c, d, e, f, g, h, i)
            """);
        Assert.Equal(2, t.RowCount);
        long[] expected = [-5, -300, -70000, -5000000000, 200, 60000, 4000000000];
        for (int c = 0; c < expected.Length; c++)
        {
            Assert.Equal(ColumnKind.Int64, t.Kind(c));
            Assert.Equal(expected[c], t.GetInt64(c, 0));
            Assert.False(t.IsNull(c, 0));
            Assert.True(t.IsNull(c, 1));
        }
        // UBIGINT beyond long.MaxValue is promoted to Double.
        Assert.Equal(ColumnKind.Double, t.Kind(7));
        Assert.Equal(18000000000000000000.0, t.GetDouble(7, 0));
        Assert.True(t.IsNull(7, 1));
        Assert.Equal(ColumnKind.Int64, t.Kind(8));
        Assert.Equal(12, t.GetInt64(8, 0));
    }

    [Fact]
    public void Query_HugeInt_FitsAsInt64_ElseDouble()
    {
        Table t = Q("SELECT sum(i) AS s, -170141183460469231731687303715884105727::HUGEINT AS big, (-3)::HUGEINT AS neg FROM range(10) r(i)");
        Assert.Equal(ColumnKind.Int64, t.Kind(0));
        Assert.Equal(45, t.GetInt64(0, 0));
        Assert.Equal(ColumnKind.Double, t.Kind(1));
        Assert.Equal(-1.7014118346046923e38, t.GetDouble(1, 0), 1e25);
        Assert.Equal(-3, t.GetInt64(2, 0));
    }

    [Fact]
    public void Query_BooleanFloatDouble()
    {
        Table t = Q("SELECT * FROM (VALUES (true, 1.5::FLOAT, 2.25::DOUBLE), (false, NULL, NULL), (NULL, -0.5::FLOAT, 1e300)) t(b, f, d)");
        Assert.Equal(ColumnKind.Boolean, t.Kind(0));
        Assert.True(t.GetBoolean(0, 0));
        Assert.False(t.GetBoolean(0, 1));
        Assert.True(t.IsNull(0, 2));
        Assert.Equal("true", t.GetString(0, 0));
        Assert.Equal(1.0, t.GetDouble(0, 0));
        Assert.Equal(ColumnKind.Double, t.Kind(1));
        Assert.Equal(1.5, t.GetDouble(1, 0));
        Assert.True(t.IsNull(1, 1));
        Assert.True(double.IsNaN(t.Doubles(1)[1]));
        Assert.Equal(-0.5, t.GetDouble(1, 2));
        Assert.Equal(1e300, t.Doubles(2)[2]);
        Assert.Equal("2.25", t.GetString(2, 0));
    }

    [Fact]
    public void Query_Strings_ShortLongUnicodeAndNull()
    {
        string longText = "this string is longer than twelve bytes";
        Table t = Q("SELECT * FROM (VALUES ('', 1), ('abc', 2), ('exactly12byt', 3), ($1, 4), ('héllo wörld ✓ 日本語', 5), (NULL, 6)) t(s, i) ORDER BY i", longText);
        Assert.Equal(ColumnKind.String, t.Kind(0));
        Assert.Equal("", t.GetString(0, 0));
        Assert.Equal("abc", t.GetString(0, 1));
        Assert.Equal("exactly12byt", t.GetString(0, 2));
        Assert.Equal(longText, t.GetString(0, 3));
        Assert.Equal("héllo wörld ✓ 日本語", t.GetString(0, 4));
        Assert.Null(t.GetString(0, 5));
        Assert.True(t.IsNull(0, 5));
    }

    [Fact]
    public void Query_DatesAndTimestamps_AsUtcDateTime()
    {
        Table t = Q("""
            SELECT DATE '2024-02-29' AS d, TIMESTAMP '2024-03-01 12:34:56.789' AS ts,
                   TIMESTAMPTZ '2024-03-01 12:00:00+00' AS tz,
                   '2024-03-01 12:00:01'::TIMESTAMP_S AS s, '2024-03-01 12:00:00.123'::TIMESTAMP_MS AS ms,
                   '2024-03-01 12:00:00.123456789'::TIMESTAMP_NS AS ns, NULL::TIMESTAMP AS n
            """);
        for (int c = 0; c < 7; c++) Assert.Equal(ColumnKind.Timestamp, t.Kind(c));
        Assert.Equal(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), t.GetDateTime(0, 0));
        Assert.Equal(new DateTime(2024, 3, 1, 12, 34, 56, 789, DateTimeKind.Utc), t.GetDateTime(1, 0));
        Assert.Equal(DateTimeKind.Utc, t.GetDateTime(1, 0).Kind);
        Assert.Equal(new DateTime(2024, 3, 1, 12, 0, 0, DateTimeKind.Utc), t.GetDateTime(2, 0));
        Assert.Equal(new DateTime(2024, 3, 1, 12, 0, 1, DateTimeKind.Utc), t.GetDateTime(3, 0));
        Assert.Equal(new DateTime(2024, 3, 1, 12, 0, 0, 123, DateTimeKind.Utc), t.GetDateTime(4, 0));
        Assert.Equal(new DateTime(2024, 3, 1, 12, 0, 0, 123, 456, DateTimeKind.Utc), t.GetDateTime(5, 0));
        Assert.True(t.IsNull(6, 0));
        Assert.Equal("2024-03-01 12:34:56.789", t.GetString(1, 0));
        Assert.Equal("2024-02-29 00:00:00", t.GetString(0, 0));
    }

    [Fact]
    public void Query_Decimal_ReadAsDouble()
    {
        Table t = Q("SELECT 1.25::DECIMAL(4,2) AS a, -123456.789::DECIMAL(12,3) AS b, 12345678901234567.5::DECIMAL(30,1) AS c, NULL::DECIMAL(9,2) AS d, 3::DECIMAL(18,6) AS e");
        Assert.Equal(ColumnKind.Double, t.Kind(0));
        Assert.Equal(1.25, t.GetDouble(0, 0));
        Assert.Equal(-123456.789, t.GetDouble(1, 0), 9);
        Assert.Equal(12345678901234567.5, t.GetDouble(2, 0), 1);
        Assert.True(t.IsNull(3, 0));
        Assert.Equal(3.0, t.GetDouble(4, 0));
    }

    [Fact]
    public void Query_UnsupportedType_NamesColumnAndType()
    {
        var e = Assert.Throws<DuckDbException>(() => Q("SELECT [1, 2] AS xs"));
        Assert.Contains("\"xs\"", e.Message);
        Assert.Contains("LIST", e.Message);
    }

    [Fact]
    public void Query_ConstantAndComputedColumnsAcrossChunks_AreFlat()
    {
        Table t = Q("SELECT 7 AS seven, 'const string over twelve' AS s, i, i % 3 = 0 AS b FROM range(5000) r(i)");
        Assert.Equal(5000, t.RowCount);
        for (int r = 0; r < 5000; r += 997)
        {
            Assert.Equal(7, t.GetInt64(0, r));
            Assert.Equal("const string over twelve", t.GetString(1, r));
            Assert.Equal(r, t.GetInt64(2, r));
            Assert.Equal(r % 3 == 0, t.GetBoolean(3, r));
        }
    }

    [Fact]
    public void StreamingResult_LargerThanOneChunk_ReadsAllChunksInConstantMemory()
    {
        using DuckDbResult r = _conn.Query("SELECT i, i * 0.5 AS half, 'row ' || i AS label FROM range(1000000) t(i)", streaming: true);
        long rows = 0, sum = 0;
        int chunks = 0, maxChunk = 0;
        long before = GC.GetTotalMemory(true);
        long peak = 0;
        while (r.NextChunk() is { } chunk)
        {
            chunks++;
            maxChunk = Math.Max(maxChunk, chunk.RowCount);
            foreach (long v in chunk.Int64s(0)) sum += v;
            Assert.Equal(chunk.GetInt64(0, 0) * 0.5, chunk.GetDouble(1, 0));
            Assert.Equal("row " + chunk.GetInt64(0, chunk.RowCount - 1), chunk.GetString(2, chunk.RowCount - 1));
            rows += chunk.RowCount;
            if (chunks % 100 == 0) peak = Math.Max(peak, GC.GetTotalMemory(true) - before);
        }
        Assert.Equal(1_000_000, rows);
        Assert.Equal(999_999L * 1_000_000 / 2, sum);
        Assert.True(chunks > 1);
        Assert.True(maxChunk <= 2048 * 2, $"chunk of {maxChunk} rows");
        Assert.True(peak < 20_000_000, $"managed memory grew by {peak} bytes while streaming");
    }

    [Fact]
    public void Prepared_BindsEachParameterType()
    {
        var when = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        Table t = Q("SELECT $1 AS n, $2 AS b, $3 AS i, $4 AS d, $5 AS s, $6 AS ts, $7::INTEGER + 1 AS small, $8 AS dec",
            null, true, 123456789012L, 3.25, "it's ✓ a string longer than 12", when, 41, 1.5m);
        Assert.True(t.IsNull(0, 0));
        Assert.True(t.GetBoolean(1, 0));
        Assert.Equal(123456789012L, t.GetInt64(2, 0));
        Assert.Equal(3.25, t.GetDouble(3, 0));
        Assert.Equal("it's ✓ a string longer than 12", t.GetString(4, 0));
        Assert.Equal(when, t.GetDateTime(5, 0));
        Assert.Equal(42, t.GetInt64(6, 0));
        Assert.Equal(1.5, t.GetDouble(7, 0));
    }

    [Fact]
    public void Prepared_ReusedWithNewBindings()
    {
        using DuckDbPreparedStatement stmt = _conn.Prepare("SELECT $1::BIGINT * 2 AS x");
        Assert.Equal(1, stmt.ParameterCount);
        for (long i = 0; i < 3; i++)
        {
            stmt.Bind(1, i);
            using DuckDbResult r = stmt.Execute();
            Assert.Equal(i * 2, r.ReadAll().GetInt64(0, 0));
        }
    }

    [Fact]
    public void Prepared_WrongParameterCount_Throws()
    {
        var e = Assert.Throws<DuckDbException>(() => Q("SELECT $1 + $2", 1));
        Assert.Contains("2 parameter", e.Message);
    }

    [Fact]
    public void Appender_RoundTrip()
    {
        _conn.Execute("CREATE TABLE app (b BOOLEAN, i BIGINT, d DOUBLE, s VARCHAR, ts TIMESTAMP)");
        var when = new DateTime(2023, 1, 2, 3, 4, 5, DateTimeKind.Utc);
        using (DuckDbAppender a = _conn.CreateAppender("app"))
        {
            for (int r = 0; r < 3000; r++)
            {
                a.Append(r % 2 == 0).Append((long)r).Append(r / 4.0).Append("value number " + r).Append(when.AddSeconds(r));
                a.EndRow();
            }
            a.AppendNull().AppendNull().AppendNull().AppendNull().AppendNull();
            a.EndRow();
        }
        Table t = Q("SELECT count(*) AS n, sum(i) AS s, max(s) FILTER (WHERE i = 2999) AS last, max(ts) AS mx, count(b) AS nb FROM app");
        Assert.Equal(3001, t.GetInt64(0, 0));
        Assert.Equal(2999L * 3000 / 2, t.GetInt64(1, 0));
        Assert.Equal("value number 2999", t.GetString(2, 0));
        Assert.Equal(when.AddSeconds(2999), t.GetDateTime(3, 0));
        Assert.Equal(3000, t.GetInt64(4, 0));
    }

    [Fact]
    public void Appender_UnknownTable_Throws()
    {
        Assert.Throws<DuckDbException>(() => _conn.CreateAppender("no_such_table"));
    }

    [Fact]
    public void BadSql_ThrowsDuckDbExceptionWithMessage()
    {
        var e = Assert.Throws<DuckDbException>(() => Q("SELEC 1"));
        Assert.Contains("syntax error", e.Message, StringComparison.OrdinalIgnoreCase);
        var e2 = Assert.Throws<DuckDbException>(() => _conn.Execute("SELECT * FROM missing_table"));
        Assert.Contains("missing_table", e2.Message);
        var e3 = Assert.Throws<DuckDbException>(() => Q("SELECT 'x'::INTEGER"));
        Assert.Contains("Conversion", e3.FirstLine);
    }

    [Fact]
    public void Progress_IsMinusOneWhenIdle() => Assert.Equal(-1, _conn.Progress);

    [Fact]
    public void Interrupt_StopsLongQuery()
    {
        using var timer = new Timer(_ => _conn.Interrupt(), null, 200, Timeout.Infinite);
        var e = Assert.Throws<DuckDbException>(() => Q("SELECT count(*) FROM range(100000000000) a(i) WHERE i % 7 = 3"));
        Assert.Contains("nterrupt", e.Message);
    }

    [Fact]
    public void OpenWithOptions_AppliesSettings()
    {
        using DuckDbDatabase db = DuckDbDatabase.Open(null, new DuckDbOptions { Threads = 1, MemoryLimit = "256MB" });
        using DuckDbConnection c = db.Connect();
        using DuckDbResult r = c.Query("SELECT current_setting('threads')::BIGINT AS t");
        Assert.Equal(1, r.ReadAll().GetInt64(0, 0));
    }

    [Fact]
    public void OpenWithBadSetting_Throws()
    {
        Assert.Throws<DuckDbException>(() => DuckDbDatabase.Open(null, new DuckDbOptions { MemoryLimit = "lots" }));
    }
}
