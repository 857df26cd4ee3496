using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Vigil.Engine.ClickHouse;
using Vigil.Testing.ClickHouse;

namespace Vigil.Engine.Tests.ClickHouse;

/// <summary>The engine's counters (queries, result rows, bytes on the wire and after gunzip), checked against the same
/// answer fetched and measured independently.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseEngineStatsTests
{
    private const int Rows = 1000;
    private readonly ClickHouseCluster _cluster;

    public ClickHouseEngineStatsTests(ClickHouseCluster cluster) => _cluster = cluster;

    private ClickHouseEngine Engine()
    {
        _cluster.Require();
        return new ClickHouseEngine(new ClickHouseConnectionInfo { Endpoint = new Uri(_cluster.HttpUrl(0)), User = "default", Password = "" });
    }

    private void CreateTable()
    {
        _cluster.Require();
        _cluster.CreateDistributedTable("stats_t", "x UInt64", "x", "x");
        _cluster.Sql(0, $"INSERT INTO stats_t SELECT number FROM system.numbers LIMIT {Rows.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>The TSVWithNamesAndTypes text of <c>SELECT x FROM stats_t ORDER BY x</c>, written out here.</summary>
    private static int ExpectedTsvBytes()
    {
        var sb = new StringBuilder("x\nUInt64\n");
        for (int i = 0; i < Rows; i++) sb.Append(i.ToString(CultureInfo.InvariantCulture)).Append('\n');
        return Encoding.UTF8.GetByteCount(sb.ToString());
    }

    /// <summary>The same statement posted by hand with the engine's settings: the gzip body's length as it arrives.</summary>
    private long RawGzipBytes(string sql)
    {
        using var http = new HttpClient(new SocketsHttpHandler { AutomaticDecompression = DecompressionMethods.None });
        var url = new StringBuilder(_cluster.HttpUrl(0)).Append("?database=default");
        foreach (KeyValuePair<string, string> s in ClickHouseEngine.Settings) url.Append('&').Append(s.Key).Append('=').Append(s.Value);
        using var request = new HttpRequestMessage(HttpMethod.Post, url.ToString()) { Content = new StringContent(sql, new UTF8Encoding(false), "text/plain") };
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using HttpResponseMessage r = http.Send(request);
        Assert.Equal(HttpStatusCode.OK, r.StatusCode);
        Assert.Contains("gzip", r.Content.Headers.ContentEncoding);
        return r.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult().LongLength;
    }

    [SkippableFact]
    public void Counters_OneThousandRowsOfOneColumn_MatchTheAnswer()
    {
        CreateTable();
        using ClickHouseEngine e = Engine();
        long queries0 = e.QueriesRun, wire0 = e.WireBytes, decoded0 = e.DecodedBytes;
        Assert.True(queries0 >= 1, "the constructor asks for the time zone");
        Assert.Equal(1, e.ResultRows); // the time zone: one row

        Table t = e.Query("SELECT x FROM stats_t ORDER BY x");
        Assert.Equal(Rows, t.RowCount);
        Assert.Equal(queries0 + 1, e.QueriesRun);
        Assert.Equal(1 + Rows, e.ResultRows);
        Assert.Equal(ExpectedTsvBytes(), e.DecodedBytes - decoded0);
        long wire = e.WireBytes - wire0;
        Assert.Equal(RawGzipBytes("SELECT x FROM stats_t ORDER BY x FORMAT TSVWithNamesAndTypes"), wire);
        Assert.True(wire < ExpectedTsvBytes(), $"gzip: {wire} bytes on the wire for {ExpectedTsvBytes()} of text");
    }

    [SkippableFact]
    public void Counters_StreamAndExecute_CountEveryChunkAndStatement()
    {
        CreateTable();
        using ClickHouseEngine e = Engine();
        long queries0 = e.QueriesRun, rows0 = e.ResultRows, decoded0 = e.DecodedBytes;
        long seen = 0;
        e.Stream("SELECT x FROM stats_t ORDER BY x", null, chunk => seen += chunk.RowCount);
        Assert.Equal(Rows, seen);
        Assert.Equal(rows0 + Rows, e.ResultRows);
        Assert.Equal(ExpectedTsvBytes(), e.DecodedBytes - decoded0);
        e.Execute("SELECT 1; SELECT 2");
        Assert.Equal(queries0 + 3, e.QueriesRun);
        Assert.Equal(rows0 + Rows, e.ResultRows); // Execute's answers are drained, not read as rows
        Assert.Equal(ExpectedTsvBytes() + 4, e.DecodedBytes - decoded0); // "1\n" and "2\n"
    }

    [SkippableFact]
    public void StatsLine_NamesTheServerAndTheCounts()
    {
        CreateTable();
        using ClickHouseEngine e = Engine();
        e.Query("SELECT x FROM stats_t ORDER BY x");
        string line = e.StatsLine();
        Assert.StartsWith($"vigil: clickhouse 127.0.0.1:{_cluster.HttpPort(0).ToString(CultureInfo.InvariantCulture)}/default: ", line);
        Assert.Contains($"{e.QueriesRun.ToString(CultureInfo.InvariantCulture)} queries, 1,001 rows, ", line);
        Assert.Contains($"{e.DecodedBytes.ToString("N0", CultureInfo.InvariantCulture)} bytes uncompressed", line);
        Assert.DoesNotContain("\n", line);
    }
}
