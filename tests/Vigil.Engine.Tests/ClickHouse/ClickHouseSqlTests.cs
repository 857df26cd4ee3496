using System.Text;
using Vigil.Engine.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

/// <summary>The client-side parts that need no server: parameter binding, statement splitting, error texts, type names,
/// URLs and the TSV reader.</summary>
public sealed class ClickHouseSqlTests
{
    [Fact]
    public void Bind_ReplacesOnlyOutsideLiteralsNamesAndComments()
    {
        string sql = "SELECT $1, '$1', \"$1\", `$2`, 'it''s $2', 'a\\'$2' -- $1\n/* $2 */ , $2, x$1, $10";
        object?[] p = ["v", 2L, 3, 4, 5, 6, 7, 8, 9, 10.5];
        Assert.Equal("SELECT 'v', '$1', \"$1\", `$2`, 'it''s $2', 'a\\'$2' -- $1\n/* $2 */ , 2, x$1, 10.5", ClickHouseSql.Bind(sql, p));
    }

    [Theory]
    [InlineData(null, "NULL")]
    [InlineData(true, "1")]
    [InlineData(false, "0")]
    [InlineData(-5L, "(-5)")]
    [InlineData(5, "5")]
    [InlineData(1.0, "1.0")]
    [InlineData(-2.5, "(-2.5)")]
    [InlineData(1e20, "1E+20")]
    [InlineData(double.NaN, "nan")]
    [InlineData(double.PositiveInfinity, "inf")]
    [InlineData(double.NegativeInfinity, "(-inf)")]
    [InlineData("a'b\\c", "'a\\'b\\\\c'")]
    public void Literal_Forms(object? value, string expected) => Assert.Equal(expected, ClickHouseSql.Literal(value));

    [Fact]
    public void Literal_DateTime_IsUtcWholeSeconds()
    {
        Assert.Equal("toDateTime('2024-05-06 07:08:09', 'UTC')", ClickHouseSql.Literal(new DateTime(2024, 5, 6, 7, 8, 9, 999, DateTimeKind.Utc)));
        Assert.Equal("toDateTime('2024-05-06 05:08:09', 'UTC')", ClickHouseSql.Literal(new DateTimeOffset(2024, 5, 6, 7, 8, 9, TimeSpan.FromHours(2))));
        Assert.Equal("(-3)", ClickHouseSql.Bind("$1", [-3]));
        Assert.Throws<ArgumentException>(() => ClickHouseSql.Bind("$2", [1]));
        Assert.Throws<ArgumentException>(() => ClickHouseSql.Literal(new object()));
        Assert.Throws<VigilInputException>(() => ClickHouseSql.Literal("a\0b"));
    }

    [Fact]
    public void SplitStatements_OnSemicolonsOutsideQuotesAndComments()
    {
        List<string> s = ClickHouseSql.SplitStatements("SELECT ';'; -- a ; comment\nSELECT \"a;b\" /* ; */;\n\n;  -- only a comment\n");
        Assert.Equal(["SELECT ';'", "-- a ; comment\nSELECT \"a;b\" /* ; */"], s);
        Assert.Equal("SELECT 1 -- c\nFORMAT TSV", ClickHouseSql.WithFormat("SELECT 1 -- c\n;", "TSV"));
        Assert.Equal("SELECT 1; SELECT 2\nFORMAT TSV", ClickHouseSql.WithFormat("SELECT 1; SELECT 2", "TSV"));
    }

    [Theory]
    [InlineData("Code: 62, e.displayText() = DB::Exception: Syntax error: failed at position 1 (line 1, col 1): SELEC 1. Expected one of: SHOW, e.what() = DB::Exception\n",
        "62", "Syntax error: failed at position 1 (line 1, col 1): SELEC 1. Expected one of: SHOW")]
    [InlineData("Code: 60. DB::Exception: Table default.nope does not exist. (UNKNOWN_TABLE) (version 24.3.1.2672 (official build))\n",
        "60", "Table default.nope does not exist. (UNKNOWN_TABLE)")]
    [InlineData("Code: 193, e.displayText() = DB::Exception: Wrong password for user vigil, e.what() = DB::Exception", "193", "Wrong password for user vigil")]
    public void Errors_ParseOldAndNewForms(string body, string code, string message)
    {
        (string c, string m) = ClickHouseErrors.Parse(body);
        Assert.Equal(code, c);
        Assert.Equal(message, m);
        VigilEngineException e = ClickHouseErrors.FromResponse(body, 500, "SQL");
        Assert.Equal($"clickhouse: {message} (code {code})", e.Message);
        Assert.Equal("SQL", e.Sql);
    }

    [Fact]
    public void Errors_ShardDown_NamesTheShard()
    {
        const string body = "Code: 279, e.displayText() = DB::NetException: All connection tries failed. Log: \n\n" +
                            "Code: 210, e.displayText() = DB::NetException: Connection refused (127.0.0.1:19002), e.what() = DB::NetException\n\n, e.what() = DB::NetException\n";
        VigilEngineException e = ClickHouseErrors.FromResponse(body, 500, null);
        Assert.Equal("279", e.Code);
        Assert.True(e.IsUserError);
        Assert.Contains("a shard did not answer (127.0.0.1:19002)", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void Errors_NotClickHouseText_KeepTheHttpStatus()
    {
        VigilEngineException e = ClickHouseErrors.FromResponse("<html>bad gateway</html>", 502, null);
        Assert.Equal("HTTP502", e.Code);
        Assert.False(e.IsUserError);
        Assert.True(ClickHouseErrors.FromResponse("", 401, null).IsUserError);
    }

    [Theory]
    [InlineData("UInt8", "Int64")]
    [InlineData("Nullable(Int64)", "Int64")]
    [InlineData("LowCardinality(Nullable(String))", "String")]
    [InlineData("Decimal(18, 3)", "Double")]
    [InlineData("Float32", "Double")]
    [InlineData("Bool", "Boolean")]
    [InlineData("Date", "Timestamp")]
    [InlineData("DateTime('Europe/Moscow')", "Timestamp")]
    [InlineData("DateTime64(3, 'UTC')", "Timestamp")]
    [InlineData("Array(Float64)", "String")]
    [InlineData("Enum8('a' = 1)", "String")]
    [InlineData("Nullable(Nothing)", "String")]
    public void ColumnTypes_Kinds(string name, string kind) => Assert.Equal(kind, ClickHouseColumnType.Parse(name, TimeZoneInfo.Utc).Kind.ToString());

    [Fact]
    public void TsvReader_ParsesEscapesNullsTimesAndSmallChunks()
    {
        string tsv = "a\tb\tc\td\n" +
                     "Nullable(String)\tDateTime64(3, 'UTC')\tLowCardinality(String)\tBool\n" +
                     "x\\ty\\\\z\\n\\x41\\0\t2024-01-02 03:04:05.250\t\\N\ttrue\n" +
                     "\\N\t0000-00-00 00:00:00\t\tfalse\n";
        // A one-byte-at-a-time stream: escapes and rows split across reads.
        var reader = new ClickHouseTsvReader(new OneByteStream(Encoding.UTF8.GetBytes(tsv)));
        reader.ReadHeader(TimeZoneInfo.Utc);
        TableBuilder b = reader.NewBuilder(1);
        Assert.False(reader.ReadRows(b, 10));
        Table t = b.Build();
        Assert.Equal(2, t.RowCount);
        Assert.Equal("x\ty\\z\nA\0", t.GetString(0, 0));
        Assert.True(t.IsNull(0, 1));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, 250, DateTimeKind.Utc), t.GetDateTime(1, 0));
        Assert.Equal(DateTime.UnixEpoch, t.GetDateTime(1, 1));
        Assert.True(t.IsNull(2, 0));
        Assert.Equal("", t.GetString(2, 1));
        Assert.False(t.IsNull(2, 1));
        Assert.True(t.GetBoolean(3, 0));
        Assert.False(t.GetBoolean(3, 1));
    }

    [Fact]
    public void TsvReader_ErrorTextAfterRows_IsTheError()
    {
        string tsv = "n\nUInt64\n1\n2\nCode: 395, e.displayText() = DB::Exception: Value passed to 'throwIf' function is non zero, e.what() = DB::Exception\n";
        var reader = new ClickHouseTsvReader(new MemoryStream(Encoding.UTF8.GetBytes(tsv)));
        reader.ReadHeader(TimeZoneInfo.Utc);
        TableBuilder b = reader.NewBuilder(4);
        var e = Assert.Throws<VigilEngineException>(() => reader.ReadRows(b, 100));
        Assert.Equal("395", e.Code);
    }

    [Theory]
    [InlineData("clickhouse://u:p%40ss@db.example:9000/prod", "http://db.example:9000/", "u", "p@ss", "prod", "clickhouse://u:***@db.example:9000/prod")]
    [InlineData("clickhouse://localhost", "http://localhost:8123/", "default", "", "default", "clickhouse://default@localhost:8123/default")]
    [InlineData("clickhouses://me@ch.example/logs", "https://ch.example:8443/", "me", "", "logs", "clickhouses://me@ch.example:8443/logs")]
    public void Url_Parsed(string url, string endpoint, string user, string password, string db, string shown)
    {
        ClickHouseConnectionInfo i = ClickHouseConnectionInfo.FromUrl(url, "x");
        Assert.Equal(endpoint, i.Endpoint.ToString());
        Assert.Equal(user, i.User);
        Assert.Equal(password, i.Password);
        Assert.Equal(db, i.Database);
        Assert.Equal(shown, i.Shown);
    }

    [Fact]
    public void Url_Bad_IsOneLineWithoutPassword()
    {
        var e = Assert.Throws<VigilInputException>(() => ClickHouseConnectionInfo.FromUrl("clickhouse://u:secret@h/db?nosuch=1", Vigil.Engine.Sources.SourceOpener.RedactUrl("clickhouse://u:secret@h/db?nosuch=1")));
        Assert.DoesNotContain("secret", e.Message);
        Assert.Contains("unknown URL parameter nosuch", e.Message);
        Assert.True(ClickHouseConnectionInfo.IsUrl("ClickHouse://h"));
        Assert.False(ClickHouseConnectionInfo.IsUrl("postgres://h"));
    }

    private sealed class OneByteStream(byte[] data) : Stream
    {
        private int _pos;

        public override bool CanRead => true;
        public override bool CanSeek => false;
        public override bool CanWrite => false;
        public override long Length => data.Length;
        public override long Position { get => _pos; set => throw new NotSupportedException(); }
        public override void Flush() { }
        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_pos >= data.Length || count == 0) return 0;
            buffer[offset] = data[_pos++];
            return 1;
        }
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
