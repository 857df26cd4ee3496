using System.Net;
using System.Net.Sockets;
using Vigil.Engine.Sources;
using Vigil.Testing.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

/// <summary>clickhouse:// URLs with --table or --sql through <see cref="SourceOpener"/>, and their one-line errors.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseSourceTests
{
    private readonly ClickHouseCluster _cluster;

    public ClickHouseSourceTests(ClickHouseCluster cluster) => _cluster = cluster;

    private void Logs()
    {
        _cluster.Require();
        _cluster.CreateDistributedTable("src_preds", "id UInt64, ts DateTime, score Float64, label UInt8, segment String", "id", "id");
        _cluster.Sql(0, "INSERT INTO src_preds SELECT number, toDateTime('2024-01-01 00:00:00') + number * 60, (number % 100) / 100, number % 3 = 0, " +
                        "arrayElement(['a', 'b'], number % 2 + 1) FROM system.numbers LIMIT 1000");
    }

    [SkippableFact]
    public void Table_OverADistributedTable()
    {
        Logs();
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url()], Table = "src_preds" });
        Assert.Equal("clickhouse", s.Engine.Name);
        Assert.Equal(["id", "ts", "score", "label", "segment"], s.Columns.Select(c => c.Name));
        Assert.Equal(ColumnKind.Timestamp, s.Column("ts").Kind);
        Assert.Equal(ColumnKind.Double, s.Column("score").Kind);
        Assert.Equal("\"src_preds\"", s.Relation);
        Table t = s.Engine.Query($"SELECT count(), sum(label), {s.Dialect.CountIf("segment = 'a'")} FROM {s.Relation}");
        Assert.Equal(1000, t.GetInt64(0, 0));
        Assert.Equal(Enumerable.Range(0, 1000).Count(i => i % 3 == 0), t.GetInt64(1, 0));
        Assert.Equal(500, t.GetInt64(2, 0));
        // The source can be materialized into the session's temporary table and queried again.
        string tmp = s.Materialize();
        Assert.Equal(1000, s.Engine.Query($"SELECT count() FROM {tmp}").GetInt64(0, 0));
        // A second connection (another HTTP session) for a query at the same time: same relation, not the temp table.
        using OpenedSource again = s.Reopen()!;
        Assert.NotSame(s.Engine, again.Engine);
        Assert.Equal(1000, again.Engine.Query($"SELECT count() FROM {again.Relation}").GetInt64(0, 0));
        Assert.Equal("60", Assert.Throws<VigilEngineException>(() => again.Engine.Query($"SELECT count() FROM {tmp}")).Code);
    }

    [SkippableFact]
    public void DatabaseQualifiedTable_AndSql()
    {
        Logs();
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url()], Table = "default.src_preds" }))
        {
            Assert.Equal("\"default\".\"src_preds\"", s.Relation);
            Assert.Equal(5, s.Columns.Count);
        }
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url()], Sql = "SELECT id, score FROM src_preds WHERE segment = 'b'" }))
        {
            Assert.EndsWith("--sql", s.Description);
            Assert.Equal(500, s.Engine.Query($"SELECT count() FROM {s.Relation}").GetInt64(0, 0));
        }
    }

    [SkippableFact]
    public void PasswordInUrl_IsUsed_AndRedacted()
    {
        Logs();
        string url = $"clickhouse://{_cluster.User}:{_cluster.Password}@127.0.0.1:{_cluster.HttpPort(0)}/default";
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [url], Table = "src_preds" }))
        {
            Assert.DoesNotContain(_cluster.Password, s.Description);
            Assert.Contains(":***@", s.Description);
        }
        string wrong = $"clickhouse://{_cluster.User}:nottheone@127.0.0.1:{_cluster.HttpPort(0)}/default";
        var e = Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [wrong], Table = "src_preds" }));
        Assert.Contains("wrong user or password", e.Message);
        Assert.DoesNotContain("nottheone", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [SkippableFact]
    public void Errors_AreOneLine_AndTheUsers()
    {
        Logs();
        var noTable = Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url()], Table = "nope" }));
        Assert.Contains("no table \"nope\"", noTable.Message);
        var noDb = Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [$"clickhouse://default@127.0.0.1:{_cluster.HttpPort(0)}/nodb"], Table = "t" }));
        Assert.Contains("nodb", noDb.Message);
        var badSql = Assert.Throws<VigilEngineException>(() => SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url()], Sql = "SELECT nope FROM src_preds" }));
        Assert.True(badSql.IsUserError);
        Assert.Equal("47", badSql.Code);
        Assert.EndsWith("in --sql", badSql.Message);
        Assert.DoesNotContain("\n", badSql.Message);
        var twoStatements = Assert.Throws<VigilEngineException>(() => SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url()], Sql = "SELECT 1; SELECT 2" }));
        Assert.Equal("62", twoStatements.Code);
        Assert.True(twoStatements.IsUserError);
        int port;
        using (var l = new TcpListener(IPAddress.Loopback, 0))
        {
            l.Start();
            port = ((IPEndPoint)l.LocalEndpoint).Port;
        }
        var refused = Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [$"clickhouse://u:pw@127.0.0.1:{port}/db"], Table = "t" }));
        Assert.Contains("cannot connect", refused.Message);
        Assert.DoesNotContain(":pw@", refused.Message);
        Assert.Contains("needs a table (--table) or a query (--sql)", Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url()] })).Message);
        Assert.Contains("must be the only input", Assert.Throws<VigilInputException>(() => SourceOpener.Open(new SourceSpec { Inputs = [_cluster.Url(), "x.csv"], Table = "t" })).Message);
    }
}
