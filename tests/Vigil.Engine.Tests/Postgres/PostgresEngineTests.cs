using Vigil.Engine.Postgres;
using Vigil.Engine.Sources;
using Vigil.Testing.Postgres;

namespace Vigil.Engine.Tests.Postgres;

[Collection(PostgresCollection.Name)]
public sealed class PostgresEngineTests
{
    private readonly PostgresServer _server;

    public PostgresEngineTests(PostgresServer server) => _server = server;

    private PostgresEngine Engine()
    {
        _server.Require();
        return new PostgresEngine(_server.ConnectionString);
    }

    [SkippableFact]
    public void Query_EachType_WithNulls()
    {
        using PostgresEngine e = Engine();
        Table t = e.Query("""
            SELECT * FROM (VALUES
              (1::smallint, 2::integer, 3000000000::bigint, 1.5::real, 2.25::double precision, 3.125::numeric, true,
               'short'::text, 'a varchar longer than twelve ✓'::varchar, TIMESTAMP '2024-01-02 03:04:05.5',
               TIMESTAMPTZ '2024-01-02 03:04:05+00', DATE '2024-02-29'),
              (NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL)) t(a, b, c, d, e, f, g, h, i, j, k, l)
            """);
        Assert.Equal(2, t.RowCount);
        ColumnKind[] kinds = [ColumnKind.Int64, ColumnKind.Int64, ColumnKind.Int64, ColumnKind.Double, ColumnKind.Double, ColumnKind.Double,
            ColumnKind.Boolean, ColumnKind.String, ColumnKind.String, ColumnKind.Timestamp, ColumnKind.Timestamp, ColumnKind.Timestamp];
        for (int c = 0; c < kinds.Length; c++)
        {
            Assert.Equal(kinds[c], t.Kind(c));
            Assert.False(t.IsNull(c, 0));
            Assert.True(t.IsNull(c, 1));
        }
        Assert.Equal(1, t.GetInt64(0, 0));
        Assert.Equal(2, t.GetInt64(1, 0));
        Assert.Equal(3000000000, t.GetInt64(2, 0));
        Assert.Equal(1.5, t.GetDouble(3, 0));
        Assert.Equal(2.25, t.GetDouble(4, 0));
        Assert.Equal(3.125, t.GetDouble(5, 0));
        Assert.True(t.GetBoolean(6, 0));
        Assert.Equal("short", t.GetString(7, 0));
        Assert.Equal("a varchar longer than twelve ✓", t.GetString(8, 0));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, 500, DateTimeKind.Utc), t.GetDateTime(9, 0));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), t.GetDateTime(10, 0));
        Assert.Equal(new DateTime(2024, 2, 29, 0, 0, 0, DateTimeKind.Utc), t.GetDateTime(11, 0));
    }

    [SkippableFact]
    public void Query_Parameters_BoundPositionally()
    {
        using PostgresEngine e = Engine();
        var when = new DateTime(2024, 5, 6, 7, 8, 9, DateTimeKind.Utc);
        Table t = e.Query("SELECT $1::bigint + 1 AS i, $2::double precision * 2 AS d, $3::text || '!' AS s, $4::boolean AS b, $5::timestamp AS ts, $6::text IS NULL AS n",
            [41L, 1.25, "hi", true, when, null]);
        Assert.Equal(42, t.GetInt64(0, 0));
        Assert.Equal(2.5, t.GetDouble(1, 0));
        Assert.Equal("hi!", t.GetString(2, 0));
        Assert.True(t.GetBoolean(3, 0));
        Assert.Equal(when, t.GetDateTime(4, 0));
        Assert.True(t.GetBoolean(5, 0));
    }

    [SkippableFact]
    public void Stream_LargeResult_InChunks()
    {
        using PostgresEngine e = Engine();
        long rows = 0, sum = 0;
        int chunks = 0;
        e.Stream("SELECT i FROM generate_series(1, 10000) i", null, chunk =>
        {
            chunks++;
            rows += chunk.RowCount;
            foreach (long v in chunk.Int64s(0)) sum += v;
        });
        Assert.Equal(10000, rows);
        Assert.Equal(10000L * 10001 / 2, sum);
        Assert.True(chunks >= 5);
    }

    [SkippableFact]
    public void Dialect_ExpressionsRunInPostgres()
    {
        using PostgresEngine e = Engine();
        SqlDialect d = e.Dialect;
        Table t = e.Query($"""
            SELECT {d.TryCastDouble("'1.5'")} AS a, {d.TryCastDouble("'x'")} AS b, {d.TryCastDouble("2")} AS b2,
                   {d.TryCastTimestamp("'2024-01-02 03:04:05'")} AS c, {d.TryCastTimestamp("'nope'")} AS dd,
                   {d.TryCastTimestamp("TIMESTAMPTZ '2024-01-02 03:04:05+00'", ColumnKind.Timestamp)} AS c2,
                   {d.EpochSeconds("TIMESTAMP '1970-01-02 00:00:00'")} AS ep,
                   {d.DateTrunc("week", "TIMESTAMP '2024-01-03 03:04:05'")} AS tr,
                   {d.CastToText("42")} AS txt, {d.HashToUnit("'abc'")} AS h
            """);
        Assert.Equal(1.5, t.GetDouble(0, 0));
        Assert.True(t.IsNull(1, 0));
        Assert.Equal(2.0, t.GetDouble(2, 0));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), t.GetDateTime(3, 0));
        Assert.True(t.IsNull(4, 0));
        Assert.Equal(new DateTime(2024, 1, 2, 3, 4, 5, DateTimeKind.Utc), t.GetDateTime(5, 0));
        Assert.Equal(86400.0, t.GetDouble(6, 0));
        Assert.Equal(new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc), t.GetDateTime(7, 0));
        Assert.Equal("42", t.GetString(8, 0));
        Assert.InRange(t.GetDouble(9, 0), 0, 1 - 1e-12);
        // The same number as every engine's (the MD5's first 60 bits modulo 1,000,003, over it).
        ulong first60 = System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(System.Security.Cryptography.MD5.HashData("abc"u8)) >> 4;
        Assert.Equal((double)(first60 % 1000003) / 1000003.0, t.GetDouble(9, 0));
        Assert.Equal(2.0, e.Query($"SELECT {d.Median("x")} FROM (VALUES (1), (2), (3)) t(x)").GetDouble(0, 0));
    }

    [SkippableFact]
    public void Source_Table_ThroughUrl_PushesDown()
    {
        using (PostgresEngine e = Engine())
        {
            e.Execute("DROP TABLE IF EXISTS preds; CREATE TABLE preds (id bigint, score double precision, label text, ts timestamptz)");
            e.Execute("INSERT INTO preds SELECT i, i / 100.0, CASE WHEN i % 2 = 0 THEN 'a' ELSE 'b' END, TIMESTAMPTZ '2024-01-01 00:00:00+00' + i * INTERVAL '1 hour' FROM generate_series(1, 100) i");
            e.Execute("DROP SCHEMA IF EXISTS ml CASCADE; CREATE SCHEMA ml; CREATE TABLE ml.scores AS SELECT 1 AS k");
        }
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Table = "preds" }))
        {
            Assert.Equal("postgresql", s.Engine.Name);
            Assert.Equal("\"preds\"", s.Relation);
            Assert.Equal(["id", "score", "label", "ts"], s.Columns.Select(c => c.Name));
            Assert.Equal([ColumnKind.Int64, ColumnKind.Double, ColumnKind.String, ColumnKind.Timestamp], s.Columns.Select(c => c.Kind));
            Table t = s.Engine.Query($"SELECT count(*) FILTER (WHERE label = $1) AS n, max(ts) AS mx FROM {s.Relation}", ["a"]);
            Assert.Equal(50, t.GetInt64(0, 0));
            Assert.Equal(new DateTime(2024, 1, 5, 4, 0, 0, DateTimeKind.Utc), t.GetDateTime(1, 0));
            string tmp = s.CreateTempTable($"SELECT id FROM {s.Relation} WHERE score > 0.5");
            Assert.Equal(50, s.Engine.Query($"SELECT count(*) FROM {tmp}").GetInt64(0, 0));
        }
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Table = "ml.scores" }))
        {
            Assert.Equal("\"ml\".\"scores\"", s.Relation);
        }
    }

    [SkippableFact]
    public void Source_Sql_ThroughUrl()
    {
        _server.Require();
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Sql = "SELECT g AS i, g * 0.5 AS half FROM generate_series(1, 10) g" });
        Assert.Equal("(SELECT g AS i, g * 0.5 AS half FROM generate_series(1, 10) g) AS src", s.Relation);
        Assert.Equal(ColumnKind.Double, s.Column("half").Kind);
        Assert.Equal(27.5, s.Engine.Query($"SELECT sum(half) FROM {s.Relation}").GetDouble(0, 0));
    }

    [SkippableFact]
    public void Source_MissingTable_OneLine()
    {
        _server.Require();
        var e = Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Table = "no_such_table" }).Dispose());
        Assert.StartsWith(_server.Url + ": no table \"no_such_table\"", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [SkippableFact]
    public void Source_BadSql_OneLine()
    {
        _server.Require();
        var e = Assert.Throws<VigilEngineException>(() => SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Sql = "SELECT nope" }).Dispose());
        Assert.Contains("nope", e.Message);
        Assert.Equal("42703", e.Code);
        Assert.True(e.IsUserError);
        Assert.DoesNotContain("\n", e.Message);
    }

    [SkippableFact]
    public void Source_UsersSql_MissingRelation_IsTheUsersError_WithSqlState()
    {
        _server.Require();
        var e = Assert.Throws<VigilEngineException>(() =>
            SourceOpener.Open(new SourceSpec { Inputs = [_server.Url], Sql = "SELECT * FROM scoring.missing" }).Dispose());
        Assert.Equal("postgres", e.Engine);
        Assert.Equal("42P01", e.Code);
        Assert.True(e.IsUserError);
        Assert.Equal("postgres: relation \"scoring.missing\" does not exist (42P01) in --sql", e.Message);
        Assert.IsType<Npgsql.PostgresException>(e.InnerException?.InnerException);
    }

    [SkippableFact]
    public void Engine_QueryError_IsVigilEngineException_WithSqlStateAndSql()
    {
        using PostgresEngine e = Engine();
        var bug = Assert.Throws<VigilEngineException>(() => e.Query("SELECT no_such_column FROM generate_series(1, 3) g"));
        Assert.Equal("42703", bug.Code);
        Assert.False(bug.IsUserError); // Vigil's own SQL
        Assert.Contains("no_such_column", bug.Sql);
        var data = Assert.Throws<VigilEngineException>(() => e.Query("SELECT ('1' || g::text || 'x')::int FROM generate_series(1, 3) g"));
        Assert.Equal("22P02", data.Code);
        Assert.True(data.IsUserError); // the data's
        Assert.Throws<VigilEngineException>(() => e.Execute("CREATE TABLE"));
    }

    [SkippableFact]
    public void Source_UnreachableServer_OneLineWithoutPassword()
    {
        _server.Require();
        int closedPort;
        using (var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0))
        {
            l.Start();
            closedPort = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
        }
        string url = $"postgres://u:secret@127.0.0.1:{closedPort}/db";
        var e = Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [url], Table = "t" }).Dispose());
        Assert.StartsWith($"postgres://u:***@127.0.0.1:{closedPort}/db: cannot connect (", e.Message);
        Assert.DoesNotContain("secret", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [SkippableFact]
    public void Source_UnknownDatabase_OneLine()
    {
        _server.Require();
        string url = $"postgres://postgres@127.0.0.1:{_server.Port}/no_such_db";
        var e = Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [url], Table = "t" }).Dispose());
        Assert.Contains("no_such_db", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }
}
