using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Vigil.Engine.ClickHouse;
using Vigil.Testing.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseEngineTests
{
    private readonly ClickHouseCluster _cluster;

    public ClickHouseEngineTests(ClickHouseCluster cluster) => _cluster = cluster;

    private ClickHouseEngine Engine(int shard = 0, string? user = null, string? password = null)
    {
        _cluster.Require();
        return new ClickHouseEngine(new ClickHouseConnectionInfo
        {
            Endpoint = new Uri(_cluster.HttpUrl(shard)),
            User = user ?? "default",
            Password = password ?? "",
        });
    }

    [SkippableFact]
    public void Query_EachType_WithNulls()
    {
        using ClickHouseEngine e = Engine();
        Table t = e.Query("""
            SELECT toInt8(-8) AS i8, toInt16(-16) AS i16, toInt32(-32) AS i32, toInt64(-9000000000) AS i64,
                   toUInt8(8) AS u8, toUInt16(16) AS u16, toUInt32(4000000000) AS u32, toUInt64(9000000000) AS u64,
                   toFloat32(1.5) AS f32, toFloat64(2.25) AS f64, toDecimal64(3.125, 3) AS dec,
                   'short ✓' AS s, toFixedString('ab', 4) AS fs, CAST('b' AS Enum8('a' = 1, 'b' = 2)) AS en,
                   toUUID('01234567-89ab-cdef-0123-456789abcdef') AS uu,
                   toDate('2024-02-29') AS d, toDateTime('2024-01-02 03:04:05', 'UTC') AS dt,
                   toDateTime('2024-01-02 03:04:05', 'Asia/Kolkata') AS dtz, toDateTime('2024-07-01 12:00:00') AS dtserver,
                   [1.5, 2] AS arr, 1 < 2 AS cmp, toNullable(toInt64(5)) AS ni, CAST(NULL AS Nullable(Float64)) AS nf,
                   CAST(NULL AS Nullable(String)) AS ns, CAST(NULL AS Nullable(DateTime)) AS nt, NULL AS nothing
            """);
        Assert.Equal(1, t.RowCount);
        Assert.Equal(-8, t.GetInt64(t.IndexOf("i8"), 0));
        Assert.Equal(-16, t.GetInt64(t.IndexOf("i16"), 0));
        Assert.Equal(-32, t.GetInt64(t.IndexOf("i32"), 0));
        Assert.Equal(-9000000000, t.GetInt64(t.IndexOf("i64"), 0));
        Assert.Equal(8, t.GetInt64(t.IndexOf("u8"), 0));
        Assert.Equal(16, t.GetInt64(t.IndexOf("u16"), 0));
        Assert.Equal(4000000000, t.GetInt64(t.IndexOf("u32"), 0));
        Assert.Equal(9000000000, t.GetInt64(t.IndexOf("u64"), 0));
        Assert.Equal(ColumnKind.Int64, t.Kind(t.IndexOf("u64")));
        Assert.Equal(1.5, t.GetDouble(t.IndexOf("f32"), 0));
        Assert.Equal(2.25, t.GetDouble(t.IndexOf("f64"), 0));
        Assert.Equal(3.125, t.GetDouble(t.IndexOf("dec"), 0));
        Assert.Equal(ColumnKind.Double, t.Kind(t.IndexOf("dec")));
        Assert.Equal("short ✓", t.GetString(t.IndexOf("s"), 0));
        Assert.Equal("ab", t.GetString(t.IndexOf("fs"), 0));
        Assert.Equal("b", t.GetString(t.IndexOf("en"), 0));
        Assert.Equal("01234567-89ab-cdef-0123-456789abcdef", t.GetString(t.IndexOf("uu"), 0));
        Assert.Equal(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), t.GetDateTime(t.IndexOf("d"), 0));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), t.GetDateTime(t.IndexOf("dt"), 0));
        // 03:04:05 in Kolkata (UTC+5:30) is 21:34:05 UTC the day before.
        Assert.Equal(new DateTime(2024, 1, 1, 21, 34, 5, DateTimeKind.Utc), t.GetDateTime(t.IndexOf("dtz"), 0));
        Assert.Equal(new DateTime(2024, 7, 1, 12, 0, 0, DateTimeKind.Utc), t.GetDateTime(t.IndexOf("dtserver"), 0)); // the test servers run in UTC
        Assert.Equal("[1.5,2]", t.GetString(t.IndexOf("arr"), 0));
        int cmp = t.IndexOf("cmp");
        Assert.Equal(ColumnKind.Int64, t.Kind(cmp));
        Assert.True(t.GetBoolean(cmp, 0));
        Assert.Equal(5, t.GetInt64(t.IndexOf("ni"), 0));
        foreach (string n in new[] { "nf", "ns", "nt", "nothing" }) Assert.True(t.IsNull(t.IndexOf(n), 0), n);
        Assert.True(double.IsNaN(t.GetDouble(t.IndexOf("nf"), 0)));
        Assert.Null(t.GetString(t.IndexOf("ns"), 0));
        Assert.False(t.IsNull(t.IndexOf("ni"), 0));
    }

    [SkippableFact]
    public void Query_FloatSpecials_AndUInt64BeyondInt64_BecomeDoubles()
    {
        using ClickHouseEngine e = Engine();
        Table t = e.Query("SELECT inf AS a, -inf AS b, nan AS c, toFloat32(-inf) AS d, arrayJoin([toUInt64(1), toUInt64(18446744073709551615)]) AS u ORDER BY u");
        Assert.True(double.IsPositiveInfinity(t.GetDouble(0, 0)));
        Assert.True(double.IsNegativeInfinity(t.GetDouble(1, 0)));
        Assert.True(double.IsNaN(t.GetDouble(2, 0)));
        Assert.True(double.IsNegativeInfinity(t.GetDouble(3, 0)));
        // A UInt64 above Int64.MaxValue turns the column into Double (as DuckDB's UBIGINT does); smaller values stay exact.
        Assert.Equal(ColumnKind.Double, t.Kind(4));
        Assert.Equal(1.0, t.GetDouble(4, 0));
        Assert.Equal(18446744073709551615.0, t.GetDouble(4, 1));
    }

    [SkippableFact]
    public void Query_Escapes_RoundTrip()
    {
        using ClickHouseEngine e = Engine();
        string[] values = ["tab\there", "new\nline", "back\\slash", "quote'd", "cr\rx", "\\N", "", "NULL", "\u00e9\u4e2d\U0001F600", "a\bb\fc", "dq\"x"];
        for (int i = 0; i < values.Length; i++)
        {
            Table t = e.Query("SELECT $1 AS v, length($1) AS n", [values[i]]);
            Assert.Equal(values[i], t.GetString(0, 0));
            Assert.False(t.IsNull(0, 0));
            Assert.Equal(System.Text.Encoding.UTF8.GetByteCount(values[i]), t.GetInt64(1, 0));
        }
    }

    [SkippableFact]
    public void Stream_MillionRows_ArriveInSeveralChunks()
    {
        using ClickHouseEngine e = Engine();
        long rows = 0, sum = 0, nulls = 0;
        int chunks = 0, largest = 0;
        e.Stream("SELECT number AS n, if(number % 7 = 0, NULL, toString(number)) AS s FROM system.numbers LIMIT 1000000", null, chunk =>
        {
            chunks++;
            largest = Math.Max(largest, chunk.RowCount);
            rows += chunk.RowCount;
            foreach (long v in chunk.Int64s(0)) sum += v;
            for (int r = 0; r < chunk.RowCount; r++)
            {
                if (chunk.IsNull(1, r)) nulls++;
                else if (r % 1000 == 0) Assert.Equal(chunk.GetInt64(0, r).ToString(CultureInfo.InvariantCulture), chunk.GetString(1, r));
            }
        });
        Assert.Equal(1_000_000, rows);
        Assert.Equal(999_999L * 1_000_000 / 2, sum);
        Assert.Equal((1_000_000 + 6) / 7, nulls);
        Assert.True(chunks >= 1_000_000 / ClickHouseEngine.ChunkRows, $"{chunks} chunks");
        Assert.True(largest <= ClickHouseEngine.ChunkRows);
    }

    [SkippableFact]
    public void Parameters_BoundAsLiterals()
    {
        using ClickHouseEngine e = Engine();
        var when = new DateTime(2024, 5, 6, 7, 8, 9, 750, DateTimeKind.Utc);
        Table t = e.Query("SELECT $1 + 1 AS i, $2 * 2 AS d, concat($3, '!') AS s, $4 AS b, $5 AS ts, isNull($6) AS n, 10-$7 AS neg, $8 AS nan, $9 AS ninf, toTypeName($10) AS ty",
            [41L, 1.25, "hi", true, when, null, -5L, double.NaN, double.NegativeInfinity, 3.0]);
        Assert.Equal(42, t.GetInt64(0, 0));
        Assert.Equal(2.5, t.GetDouble(1, 0));
        Assert.Equal("hi!", t.GetString(2, 0));
        Assert.True(t.GetBoolean(3, 0));
        // 18.16 has no DateTime64: the fraction of a second is dropped.
        Assert.Equal(new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc), t.GetDateTime(4, 0));
        Assert.True(t.GetBoolean(5, 0));
        Assert.Equal(15, t.GetInt64(6, 0));
        Assert.True(double.IsNaN(t.GetDouble(7, 0)));
        Assert.True(double.IsNegativeInfinity(t.GetDouble(8, 0)));
        Assert.Equal("Float64", t.GetString(9, 0));
    }

    [SkippableTheory]
    [InlineData("'); DROP TABLE x; --")]
    [InlineData("\\'; SELECT 1; --")]
    [InlineData("\\")]
    [InlineData("a\\'b")]
    [InlineData("$1 $2 '$1'")]
    [InlineData("/* c */ -- x\n")]
    [InlineData("Ωμέγα \u202e ✓ \U0001F600")]
    public void Parameters_InjectionAttempts_StayOneValue(string value)
    {
        using ClickHouseEngine e = Engine();
        Table t = e.Query("SELECT $1 AS v, '$1 in a literal' AS lit, 2 AS \"$1\" -- $1 in a comment", [value]);
        Assert.Equal(1, t.RowCount);
        Assert.Equal(value, t.GetString(0, 0));
        Assert.Equal("$1 in a literal", t.GetString(1, 0));
        Assert.Equal("$1", t.Names[2]);
    }

    [SkippableFact]
    public void Errors_CarryTheCodeAndOneLine()
    {
        using ClickHouseEngine e = Engine();
        (string Sql, string Code, bool User)[] cases =
        [
            ("SELEC 1", "62", false),
            ("SELECT nope FROM system.one", "47", false),
            ("SELECT * FROM no_such_table", "60", false),
            ("SELECT 1 + 'a'", "43", false),
            ("SELECT toInt32('x')", "6", true),
            ("SELECT throwIf(1)", "395", true),
        ];
        foreach (var (sql, code, user) in cases)
        {
            var ex = Assert.Throws<VigilEngineException>(() => e.Query(sql));
            Assert.Equal("clickhouse", ex.Engine);
            Assert.Equal(code, ex.Code);
            Assert.Equal(user, ex.IsUserError);
            Assert.Equal(sql, ex.Sql);
            Assert.StartsWith("clickhouse: ", ex.Message);
            Assert.EndsWith($"(code {code})", ex.Message);
            Assert.DoesNotContain("\n", ex.Message);
            Assert.DoesNotContain("e.what()", ex.Message);
            Assert.DoesNotContain("DB::Exception", ex.Message);
        }
    }

    [SkippableFact]
    public void Error_MidStream_Throws_NotAShortResult()
    {
        using ClickHouseEngine e = Engine();
        long rows = 0;
        var ex = Assert.Throws<VigilEngineException>(() =>
            e.Stream("SELECT throwIf(number = 900000) AS t FROM system.numbers LIMIT 1000000", null, chunk => rows += chunk.RowCount));
        Assert.Equal("395", ex.Code);
        Assert.True(ex.IsUserError);
        Assert.Equal(0, rows); // wait_end_of_query=1: the error comes before any row
    }

    [SkippableFact]
    public void Password_RightAndWrong()
    {
        using (ClickHouseEngine ok = Engine(0, _cluster.User, _cluster.Password))
        {
            // 18.16 has no currentUser(): the query finds itself in system.processes.
            Assert.Equal(_cluster.User, ok.ScalarString("SELECT any(user) FROM system.processes WHERE query LIKE '%who-am-i%'"));
        }
        var ex = Assert.Throws<VigilEngineException>(() => Engine(0, _cluster.User, "wrong"));
        Assert.Equal("193", ex.Code);
        Assert.True(ex.IsUserError);
        Assert.Contains("Wrong password", ex.Message);
        Assert.DoesNotContain("wrong\"", ex.Message);
    }

    [SkippableFact]
    public void ReadOnlyUser_CanQuery_WithoutChangingSettings()
    {
        using ClickHouseEngine e = Engine(0, _cluster.ReadOnlyUser);
        Assert.True(e.ReadOnly);
        Assert.Equal(4950, e.Query("SELECT sum(number) FROM (SELECT number FROM system.numbers LIMIT 100)").GetInt64(0, 0));
        Assert.Equal(3, e.Query("SELECT $1 + 1", [2L]).GetInt64(0, 0));
        var ex = Assert.Throws<VigilEngineException>(() => e.Execute("CREATE TABLE ro_no (x UInt8) ENGINE = Memory"));
        Assert.Equal("164", ex.Code);
        Assert.True(ex.IsUserError);
        using ClickHouseEngine rw = Engine(0);
        Assert.False(rw.ReadOnly);
    }

    [SkippableFact]
    public void Cancel_StopsTheQueryOnTheServer()
    {
        using ClickHouseEngine e = Engine();
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var watch = System.Diagnostics.Stopwatch.StartNew();
        Assert.ThrowsAny<OperationCanceledException>(() => e.Query("SELECT count() FROM (SELECT number FROM system.numbers LIMIT 50000000000) WHERE NOT ignore(sipHash64(number))", null, cts.Token));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), watch.Elapsed.ToString());
        string id = e.LastQueryId!;
        // KILL QUERY was sent: the query leaves system.processes.
        var until = DateTime.UtcNow.AddSeconds(20);
        while (_cluster.Sql(0, $"SELECT count() FROM system.processes WHERE query_id = '{id}'").Trim() != "0")
        {
            Assert.True(DateTime.UtcNow < until, "the cancelled query still runs on the server");
            Thread.Sleep(100);
        }
        Assert.Equal(1, e.Query("SELECT 1").GetInt64(0, 0)); // the engine (and its session) still works
    }

    [SkippableFact]
    public void Progress_IsReported_WhileAStatementRuns()
    {
        using ClickHouseEngine e = Engine();
        Assert.Equal(-1, e.Progress);
        // A MergeTree table (18.16 knows no total for numbers()), read 1000 rows a block, with a 0.1 s sleep per block.
        _cluster.Sql(0, "DROP TABLE IF EXISTS prog_t");
        _cluster.Sql(0, "CREATE TABLE prog_t (x UInt64) ENGINE = MergeTree() ORDER BY x");
        _cluster.Sql(0, "INSERT INTO prog_t SELECT number FROM system.numbers LIMIT 25000");
        var seen = new List<double>();
        var query = Task.Run(() => e.Query("SELECT count() FROM (SELECT sleep(0.1) FROM prog_t) SETTINGS max_block_size = 1000, max_threads = 1"));
        while (!query.IsCompleted)
        {
            double p = e.Progress;
            if (p >= 0) seen.Add(p);
            Thread.Sleep(50);
        }
        Assert.Equal(25000, query.Result.GetInt64(0, 0));
        Assert.NotEmpty(seen);
        Assert.All(seen, p => Assert.InRange(p, 0, 1));
        Assert.True(seen[^1] >= seen[0]);
        Assert.Equal(-1, e.Progress);
    }

    [SkippableFact]
    public void ConnectionRefused_IsOneLineUserError()
    {
        _cluster.Require();
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var ex = Assert.Throws<VigilEngineException>(() => new ClickHouseEngine(new ClickHouseConnectionInfo { Endpoint = new Uri($"http://127.0.0.1:{port}/") }));
        Assert.Equal(ClickHouseErrors.Network, ex.Code);
        Assert.True(ex.IsUserError);
        Assert.Contains($"cannot connect to ClickHouse at 127.0.0.1:{port}", ex.Message);
        Assert.DoesNotContain("\n", ex.Message);
    }

    [SkippableFact]
    public void Gzip_IsNegotiated()
    {
        using ClickHouseEngine e = Engine();
        Table t = e.Query("SELECT count() FROM (SELECT toString(number) FROM system.numbers LIMIT 10000)");
        Assert.Equal(10000, t.GetInt64(0, 0));
        Assert.Equal("gzip", e.LastContentEncoding);
    }

    [SkippableFact]
    public void TempTable_LivesInTheEnginesSession()
    {
        using ClickHouseEngine e = Engine();
        string name = e.CreateTempTable("SELECT number AS x FROM system.numbers LIMIT 5");
        Assert.Equal(10, e.Query($"SELECT sum(x) FROM {e.Dialect.QuoteIdentifier(name)}").GetInt64(0, 0));
        using ClickHouseEngine other = Engine();
        var ex = Assert.Throws<VigilEngineException>(() => other.Query($"SELECT sum(x) FROM {e.Dialect.QuoteIdentifier(name)}"));
        Assert.Equal("60", ex.Code);
    }

    [SkippableFact]
    public void Execute_SeveralStatements_AndDescribe()
    {
        using ClickHouseEngine e = Engine();
        e.Execute("""
            DROP TABLE IF EXISTS describe_me;
            CREATE TABLE describe_me (id UInt64, score Float64, label Nullable(UInt8), name String, at DateTime, day Date,
                                      tags Array(String), note Nullable(String)) ENGINE = MergeTree() ORDER BY id; -- a ; in a comment
            INSERT INTO describe_me VALUES (1, 0.5, NULL, 'a;b', '2024-01-01 00:00:00', '2024-01-01', ['x'], 'semi;colon')
            """);
        IReadOnlyList<Vigil.Engine.Sources.SourceColumn> cols = e.Describe("describe_me");
        Assert.Equal(["id", "score", "label", "name", "at", "day", "tags", "note"], cols.Select(c => c.Name));
        Assert.Equal([ColumnKind.Int64, ColumnKind.Double, ColumnKind.Int64, ColumnKind.String, ColumnKind.Timestamp, ColumnKind.Timestamp, ColumnKind.String, ColumnKind.String],
            cols.Select(c => c.Kind));
        Assert.Equal("Nullable(UInt8)", cols[2].SqlType);
        Assert.Equal("semi;colon", e.ScalarString("SELECT note FROM describe_me"));
        e.Execute("DROP TABLE describe_me");
    }

    [SkippableFact]
    public void DistributedInsert_IsOnItsShard_WhenTheInsertReturns()
    {
        using ClickHouseEngine e = Engine();
        _cluster.CreateDistributedTable("dist_ins", "id UInt64, v Float64", "id", "id");
        e.Execute("INSERT INTO dist_ins SELECT number, number / 2 FROM system.numbers LIMIT 1000");
        // Sharded by id over two shards (weight 1 each): even ids on shard 0, odd on shard 1, right after the insert.
        Assert.Equal("500", _cluster.Sql(0, "SELECT count() FROM dist_ins_local WHERE id % 2 = 0").Trim());
        Assert.Equal("500", _cluster.Sql(1, "SELECT count() FROM dist_ins_local WHERE id % 2 = 1").Trim());
        Table t = e.Query("SELECT count(), sum(v) FROM dist_ins");
        Assert.Equal(1000, t.GetInt64(0, 0));
        Assert.Equal(Enumerable.Range(0, 1000).Sum(i => i / 2.0), t.GetDouble(1, 0));
    }

    [SkippableFact]
    public void GeneratedLogs_AndCsv_LoadOverBothShards()
    {
        _cluster.Require();
        _cluster.CreatePredictionLogs("gen_logs", 3000);
        using ClickHouseEngine e = Engine();
        Table t = e.Query("SELECT count(), countIf(actual_label IS NULL), uniqExact(model_version), min(timestamp), max(prediction_score) < 1 FROM gen_logs");
        Assert.Equal(3000, t.GetInt64(0, 0));
        Assert.Equal(Enumerable.Range(0, 3000).Count(i => i % 50 == 7), t.GetInt64(1, 0));
        Assert.Equal(2, t.GetInt64(2, 0));
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), t.GetDateTime(3, 0));
        Assert.True(t.GetBoolean(4, 0));
        long local0 = long.Parse(_cluster.Sql(0, "SELECT count() FROM gen_logs_local").Trim(), CultureInfo.InvariantCulture);
        long local1 = long.Parse(_cluster.Sql(1, "SELECT count() FROM gen_logs_local").Trim(), CultureInfo.InvariantCulture);
        Assert.Equal(3000, local0 + local1);
        Assert.True(local0 > 1000 && local1 > 1000, $"{local0} + {local1}");
        // GLOBAL IN (the dialect's In) over the Distributed table: the subquery runs once, on the initiator.
        Assert.Equal(1000, e.Query($"SELECT count() FROM gen_logs WHERE prediction_id {e.Dialect.In} (SELECT prediction_id FROM gen_logs WHERE model_version = 'v2')").GetInt64(0, 0));

        _cluster.CreateDistributedTable("csv_logs", "id UInt64, score Float64, label Nullable(UInt8), note String", "id", "id");
        _cluster.InsertCsv("csv_logs", "id,score,label,note\n1,0.5,1,\"a,b\"\n2,0.25,\\N,plain\n3,1e-3,0,\"say \"\"hi\"\"\"\n");
        Table c = e.Query("SELECT id, score, label, note FROM csv_logs ORDER BY id");
        Assert.Equal(3, c.RowCount);
        Assert.Equal("a,b", c.GetString(3, 0));
        Assert.True(c.IsNull(2, 1));
        Assert.Equal(0.001, c.GetDouble(1, 2));
        Assert.Equal("say \"hi\"", c.GetString(3, 2));
    }

    [SkippableFact]
    public void ShardDown_IsAClearError_NeverAPartialResult()
    {
        _cluster.Require();
        _cluster.CreateDistributedTable("dist_down", "id UInt64", "id", "id");
        _cluster.Sql(0, "INSERT INTO dist_down SELECT number FROM system.numbers LIMIT 100");
        using ClickHouseEngine e = Engine(0);
        Assert.Equal(100, e.Query("SELECT count() FROM dist_down").GetInt64(0, 0));
        _cluster.StopShard(1);
        try
        {
            var ex = Assert.Throws<VigilEngineException>(() => e.Query("SELECT count() FROM dist_down"));
            Assert.True(ex.IsUserError);
            Assert.Equal(ClickHouseErrors.AllConnectionTriesFailed, ex.Code);
            Assert.Contains($"127.0.0.1:{_cluster.TcpPort(1)}", ex.Message);
            Assert.Contains("shard", ex.Message);
            Assert.DoesNotContain("\n", ex.Message);
        }
        finally
        {
            _cluster.StartShard(1);
        }
        Assert.Equal(100, e.Query("SELECT count() FROM dist_down").GetInt64(0, 0));
    }
}
