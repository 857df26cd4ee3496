using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>
/// ClickHouse as a query engine, over its HTTP interface (no native client is reachable here), written to work with
/// 18.16 as well as current servers. One <see cref="HttpClient"/> and one HTTP session per engine (so temporary tables
/// live as long as the engine). Results come as <c>TSVWithNamesAndTypes</c>, gzip-compressed, and are parsed as they
/// arrive into chunks of <see cref="ChunkRows"/> rows. Parameters <c>$1, $2, …</c> are bound on the client as literals
/// (see <see cref="ClickHouseSql"/>). Every request sends the settings of <see cref="Settings"/>; every query that returns
/// a result also sends <c>max_result_rows</c> and <c>result_overflow_mode=throw</c> under a <see cref="RowLimit"/>.
/// </summary>
internal sealed partial class ClickHouseEngine : IQueryEngine
{
    /// <summary>Rows per chunk of a streamed result: memory stays flat however long the result is.</summary>
    internal const int ChunkRows = 65536;

    private readonly ClickHouseConnectionInfo _info;
    private readonly HttpClient _http;
    private readonly string _sessionId = "vigil-" + Guid.NewGuid().ToString("N");
    private TimeZoneInfo _serverZone = TimeZoneInfo.Utc;

    /// <summary>Connects: checks that the server answers and accepts the credentials, and reads its time zone (the zone of
    /// DateTime columns that name none). Throws a <see cref="VigilEngineException"/> (user error) when it cannot.
    /// <paramref name="rowLimit"/> bounds the rows of each query's result (none when null).</summary>
    public ClickHouseEngine(ClickHouseConnectionInfo info, ShippedRowLimit? rowLimit = null)
    {
        ArgumentNullException.ThrowIfNull(info);
        _info = info;
        RowLimit = rowLimit ?? ShippedRowLimit.None;
        var handler = new SocketsHttpHandler
        {
            // Decompressed by hand (see Body) so that the encoding the server chose stays visible.
            AutomaticDecompression = DecompressionMethods.None,
            ConnectTimeout = info.ConnectTimeout,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5), // below the server's keep_alive_timeout (10 s on 18.16)
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        if (info.User.Length > 0)
        {
            _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes(info.User + ":" + info.Password)));
        }
        try
        {
            string? zone;
            try
            {
                zone = this.ScalarString("SELECT timezone()");
            }
            catch (VigilEngineException e) when (e.Code == ReadOnlyCode)
            {
                // A readonly=1 profile may not change settings: send none, and make sure the one that matters is safe.
                ReadOnly = true;
                zone = this.ScalarString("SELECT timezone()");
                if (this.ScalarString("SELECT value FROM system.settings WHERE name = 'skip_unavailable_shards'") == "1")
                {
                    throw new VigilEngineException(VigilEngineException.ClickHouse, ReadOnlyCode,
                        $"user {info.User} is read-only (readonly=1) and its profile sets skip_unavailable_shards=1, so a query over a Distributed table " +
                        "could silently miss a shard; give the user readonly=2 or skip_unavailable_shards=0", isUserError: true);
                }
            }
            _serverZone = ClickHouseColumnType.FindZone(zone ?? "UTC");
        }
        catch
        {
            _http.Dispose();
            throw;
        }
    }

    /// <summary>READONLY: "Cannot modify setting in readonly mode" or "Cannot execute query in readonly mode".</summary>
    private const string ReadOnlyCode = "164";

    /// <summary>Whether the user's profile has readonly=1, so that no settings can be sent (the server's own then apply;
    /// the constructor checked that skip_unavailable_shards is 0). Such a user cannot create temporary tables either.</summary>
    public bool ReadOnly { get; private set; }

    /// <summary>The settings sent with every request, and why:
    /// wait_end_of_query=1 (an error part-way through a result becomes an HTTP error instead of text appended to a
    /// 200 answer); skip_unavailable_shards=0 (a shard that is down fails the query, never a silently partial result);
    /// insert_distributed_sync=1 (an INSERT into a Distributed table returns once the rows are on their shards);
    /// enable_http_compression=1 (with Accept-Encoding: gzip); output_format_json_quote_64bit_integers=0 (64-bit
    /// integers as numbers should JSON ever be asked for).</summary>
    internal static readonly IReadOnlyList<KeyValuePair<string, string>> Settings =
    [
        new("wait_end_of_query", "1"),
        new("skip_unavailable_shards", "0"),
        new("insert_distributed_sync", "1"),
        new("enable_http_compression", "1"),
        new("output_format_json_quote_64bit_integers", "0"),
        // A GROUP BY or ORDER BY of many groups (one per distinct score, say) spills to disk on the initiator past 1 GB
        // instead of failing at the query's memory limit (the 100M-row benchmark's evaluate did: code 241 at 7.45 GiB).
        new("max_bytes_before_external_group_by", "1000000000"),
        new("max_bytes_before_external_sort", "1000000000"),
        new("distributed_aggregation_memory_efficient", "1"),
    ];

    public SqlDialect Dialect => SqlDialect.ClickHouse;

    /// <summary>The most rows one query's result may have. The server enforces it (<c>max_result_rows=N</c>,
    /// <c>result_overflow_mode=throw</c>, sent with every statement that returns a result, never with
    /// <see cref="Execute"/>, progress polls or kills; ClickHouse counts only the final result, not subqueries or an
    /// INSERT's SELECT), so that the answer fails with code 396 before a row leaves; the reader counts as well, which is
    /// all there is for a readonly=1 user, who may send no settings.</summary>
    public ShippedRowLimit RowLimit { get; }

    /// <summary>TOO_MANY_ROWS_OR_BYTES: "Limit for result exceeded, max rows: …".</summary>
    internal const string TooManyRowsCode = "396";

    public string Name => "clickhouse";

    /// <summary>read_rows / total_rows_approx of the running statement as system.processes shows it (polled every
    /// <see cref="ProgressInterval"/> outside the session while a statement runs longer than that), or -1 when unknown.</summary>
    public double Progress => Volatile.Read(ref _progress);

    internal static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    private double _progress = -1;
    private int _progressGeneration;
    private int _polling;

    /// <summary>The server and database, password redacted.</summary>
    public string Shown => _info.Shown;

    /// <summary>The server's time zone (of DateTime columns without one).</summary>
    internal TimeZoneInfo ServerTimeZone => _serverZone;

    /// <summary>The query_id of the last request (for tests and logs).</summary>
    internal string? LastQueryId { get; private set; }

    /// <summary>The Content-Encoding of the last answer as received, before decompression (for tests).</summary>
    internal string? LastContentEncoding { get; private set; }

    /// <summary>VIGIL_ENGINE_STATS=1: one line of <see cref="StatsLine"/> on stderr when the engine is disposed.</summary>
    private static readonly bool PrintStats = Environment.GetEnvironmentVariable("VIGIL_ENGINE_STATS") == "1";

    private long _queries, _resultRows, _wireBytes, _decodedBytes;
    private int _statsPrinted;

    /// <summary>Statements sent in this engine's session (queries, <see cref="Describe"/> and each statement of
    /// <see cref="Execute"/>, including the constructor's checks); progress polls and kills are not counted.</summary>
    internal long QueriesRun => Interlocked.Read(ref _queries);

    /// <summary>Result rows read by <see cref="Query"/> and <see cref="Stream"/> (header lines not counted).</summary>
    internal long ResultRows => Interlocked.Read(ref _resultRows);

    /// <summary>Bytes of answer bodies as read from the response stream, before gunzip (HTTP headers not counted).</summary>
    internal long WireBytes => Interlocked.Read(ref _wireBytes);

    /// <summary>Bytes of answer bodies after decompression (equal to <see cref="WireBytes"/> for an uncompressed answer).</summary>
    internal long DecodedBytes => Interlocked.Read(ref _decodedBytes);

    /// <summary>The counters in one line, e.g. <c>vigil: clickhouse 127.0.0.1:8123/default: 12 queries, 3,456 rows,
    /// 1,234,567 bytes on the wire (1.2 MB), 8,901,234 bytes uncompressed (8.9 MB)</c>.</summary>
    internal string StatsLine()
    {
        CultureInfo c = CultureInfo.InvariantCulture;
        long wire = WireBytes, decoded = DecodedBytes;
        return string.Create(c, $"vigil: clickhouse {_info.Endpoint.Authority}/{_info.Database}: {QueriesRun:N0} queries, {ResultRows:N0} rows, " +
            $"{wire:N0} bytes on the wire ({Megabytes(wire)}), {decoded:N0} bytes uncompressed ({Megabytes(decoded)})");
    }

    private static string Megabytes(long bytes) => (bytes / 1e6).ToString("0.0", CultureInfo.InvariantCulture) + " MB";

    public Table Query(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken ct = default)
    {
        TableBuilder? result = null;
        Run(sql, parameters, ct, reader =>
        {
            result = reader.NewBuilder(16);
            reader.ReadRows(result, RowLimit.IsLimited ? (int)Math.Min(RowLimit.Rows + 1, int.MaxValue) : int.MaxValue);
            Interlocked.Add(ref _resultRows, result.RowCount);
            if (RowLimit.IsLimited && result.RowCount > RowLimit.Rows) throw RowLimit.Exceeded(Where);
        });
        return result!.Build();
    }

    public void Stream(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onChunk);
        Run(sql, parameters, ct, reader =>
        {
            TableBuilder b = reader.NewBuilder(1024);
            long shipped = 0;
            while (true)
            {
                // Under a limit, read no further than its first row past it.
                int want = RowLimit.IsLimited ? (int)Math.Min(ChunkRows, RowLimit.Rows + 1 - shipped) : ChunkRows;
                bool more = reader.ReadRows(b, want);
                shipped += b.RowCount;
                if (RowLimit.IsLimited && shipped > RowLimit.Rows)
                {
                    Interlocked.Add(ref _resultRows, b.RowCount);
                    throw RowLimit.Exceeded(Where);
                }
                if (b.RowCount > 0)
                {
                    Interlocked.Add(ref _resultRows, b.RowCount);
                    onChunk(b.Build());
                    b.Clear();
                    ct.ThrowIfCancellationRequested();
                }
                if (!more) break;
            }
        });
    }

    public void Execute(string sql)
    {
        foreach (string statement in ClickHouseSql.SplitStatements(sql))
        {
            using HttpResponseMessage response = Send(ClickHouseCasts.Rewrite(statement), default);
            Drain(response);
        }
    }

    public IReadOnlyList<Sources.SourceColumn> Describe(string relation)
    {
        var cols = new List<Sources.SourceColumn>();
        Run($"SELECT * FROM {relation} LIMIT 0", null, default, reader =>
        {
            for (int i = 0; i < reader.Names.Count; i++) cols.Add(new Sources.SourceColumn(reader.Names[i], reader.Types[i].Name, reader.Types[i].Kind));
        });
        return cols;
    }

    public void Dispose()
    {
        if (PrintStats && Interlocked.Exchange(ref _statsPrinted, 1) == 0) Console.Error.WriteLine(StatsLine());
        _http.Dispose();
    }

    /// <summary>The server and database as messages name them: <c>clickhouse 127.0.0.1:8123/default</c>.</summary>
    private string Where => $"clickhouse {_info.Endpoint.Authority}/{_info.Database}";

    private void Run(string sql, IReadOnlyList<object?>? parameters, CancellationToken ct, Action<ClickHouseTsvReader> read)
    {
        string bound = ClickHouseCasts.Rewrite(ClickHouseSql.Bind(sql, parameters));
        string text = ClickHouseSql.WithFormat(bound, "TSVWithNamesAndTypes");
        using HttpResponseMessage response = Send(text, ct, sql, limitResult: true);
        string queryId = LastQueryId!;
        try
        {
            using Stream body = Body(response, ct);
            var reader = new ClickHouseTsvReader(body);
            reader.ReadHeader(_serverZone);
            read(reader);
        }
        catch (VigilInputException) when (RowLimit.IsLimited)
        {
            // The reader stopped at the first row past the limit (a readonly=1 user, whom the server does not limit): close
            // the answer and wait until the server has let go of the query, so that the session is free for the next one.
            response.Dispose();
            Kill(queryId);
            throw;
        }
        catch (VigilEngineException e) when (e.Sql is null)
        {
            throw new VigilEngineException(e.Engine, e.Code, e.EngineMessage, sql, e.IsUserError, e.Context, e);
        }
        catch (Exception e) when (e is IOException or HttpRequestException && !ct.IsCancellationRequested)
        {
            throw new VigilEngineException(VigilEngineException.ClickHouse, ClickHouseErrors.Network,
                $"the connection to {_info.Endpoint.Authority} broke while reading the result ({Innermost(e).Message})", sql, inner: e);
        }
    }

    /// <summary>Posts one statement; a non-200 answer becomes a <see cref="VigilEngineException"/>. With
    /// <paramref name="limitResult"/> (a statement whose result Vigil reads) the <see cref="RowLimit"/> goes with it, and
    /// the server's refusal becomes <see cref="ShippedRowLimit.Exceeded"/>. With <paramref name="binary"/> the body is
    /// those bytes (the statement's text and its data) instead of <paramref name="statement"/>.</summary>
    private HttpResponseMessage Send(string statement, CancellationToken ct, string? originalSql = null, bool limitResult = false, ReadOnlyMemory<byte>? binary = null)
    {
        // The engine runs one statement at a time, so a locked session is held by an answer this engine abandoned (the row
        // limit's reader stopped, or a cancellation), which the server lets go of moments after the connection closed.
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            try
            {
                return SendOnce(statement, ct, originalSql, limitResult, binary);
            }
            catch (VigilEngineException e) when (e.Code == SessionLockedCode && waited.Elapsed < SessionLockWait && !ct.IsCancellationRequested)
            {
                Thread.Sleep(20);
            }
        }
    }

    /// <summary>SESSION_IS_LOCKED: "Session is locked by a concurrent client".</summary>
    private const string SessionLockedCode = "373";

    /// <summary>How long <see cref="Send"/> waits for a session that an abandoned answer still holds.</summary>
    private static readonly TimeSpan SessionLockWait = TimeSpan.FromSeconds(10);

    private HttpResponseMessage SendOnce(string statement, CancellationToken ct, string? originalSql, bool limitResult, ReadOnlyMemory<byte>? binary)
    {
        string queryId = Guid.NewGuid().ToString();
        LastQueryId = queryId;
        var url = new StringBuilder(_info.Endpoint.ToString()).Append('?');
        url.Append("database=").Append(Uri.EscapeDataString(_info.Database));
        url.Append("&session_id=").Append(_sessionId).Append("&session_timeout=600");
        url.Append("&query_id=").Append(queryId);
        url.Append("&wait_end_of_query=1"); // a parameter of the HTTP interface, not a setting: allowed when read-only
        if (!ReadOnly)
        {
            foreach (KeyValuePair<string, string> s in Settings)
            {
                if (s.Key != "wait_end_of_query") url.Append('&').Append(s.Key).Append('=').Append(s.Value);
            }
            if (limitResult && RowLimit.IsLimited)
            {
                url.Append("&max_result_rows=").Append(RowLimit.Rows.ToString(CultureInfo.InvariantCulture)).Append("&result_overflow_mode=throw");
            }
        }
        using var request = new HttpRequestMessage(HttpMethod.Post, url.ToString())
        {
            // A binary body (an INSERT's text and its RowBinary rows) is sent as it is, else the statement as UTF-8 text.
            Content = binary is { } bytes ? new ReadOnlyMemoryContent(bytes) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } }
                : new StringContent(statement, new UTF8Encoding(false), "text/plain"),
        };
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        Interlocked.Increment(ref _queries);
        HttpResponseMessage response;
        try
        {
            // With wait_end_of_query=1 the answer's headers arrive when the statement is done: poll its progress meanwhile.
            int generation = Interlocked.Increment(ref _progressGeneration);
            using (new Timer(_ => PollProgress(queryId, generation), null, ProgressInterval, ProgressInterval))
            {
                try
                {
                    response = _http.Send(request, HttpCompletionOption.ResponseHeadersRead, ct);
                }
                finally
                {
                    Interlocked.Increment(ref _progressGeneration);
                    Volatile.Write(ref _progress, -1);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Do not rely on the closed connection to stop the query: kill it, and wait, so that the session is free again.
            Kill(queryId);
            throw;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            string why = e is OperationCanceledException ? $"no answer within {_info.ConnectTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : Innermost(e).Message;
            throw new VigilEngineException(VigilEngineException.ClickHouse, ClickHouseErrors.Network,
                $"cannot connect to ClickHouse at {_info.Endpoint.Authority} ({why})", originalSql ?? statement, inner: e);
        }
        LastContentEncoding = response.Content.Headers.ContentEncoding.Count > 0 ? string.Join(",", response.Content.Headers.ContentEncoding) : null;
        if (response.StatusCode == HttpStatusCode.OK) return response;
        try
        {
            string body;
            using (var sr = new StreamReader(Body(response, ct), Encoding.UTF8)) body = sr.ReadToEnd();
            VigilEngineException error = ClickHouseErrors.FromResponse(body, (int)response.StatusCode, originalSql ?? statement);
            if (limitResult && RowLimit.IsLimited && IsResultLimit(error)) throw RowLimit.Exceeded(Where, error);
            throw error;
        }
        finally
        {
            response.Dispose();
        }
    }

    /// <summary>Whether <paramref name="e"/> is the server refusing a result past max_result_rows ("Limit for result
    /// exceeded, max rows: …", code 396), rather than another of its limits.</summary>
    internal static bool IsResultLimit(VigilEngineException e) =>
        e.Code == TooManyRowsCode && e.EngineMessage.Contains("max rows", StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the running statement's progress from system.processes (best effort; one poll at a time).</summary>
    private void PollProgress(string queryId, int generation)
    {
        if (Interlocked.Exchange(ref _polling, 1) == 1) return;
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            string url = _info.Endpoint + "?database=" + Uri.EscapeDataString(_info.Database);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent($"SELECT read_rows, total_rows_approx FROM system.processes WHERE query_id = {Dialect.StringLiteral(queryId)} FORMAT TSV",
                    new UTF8Encoding(false), "text/plain"),
            };
            using HttpResponseMessage response = _http.Send(request, HttpCompletionOption.ResponseContentRead, cts.Token);
            if (response.StatusCode != HttpStatusCode.OK) return;
            using var reader = new StreamReader(response.Content.ReadAsStream(cts.Token), Encoding.UTF8);
            string[] parts = (reader.ReadLine() ?? "").Split('\t');
            if (parts.Length == 2
                && double.TryParse(parts[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double read)
                && double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double total)
                && total > 0 && Volatile.Read(ref _progressGeneration) == generation)
            {
                Volatile.Write(ref _progress, Math.Clamp(read / total, 0, 1));
            }
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Progress is a nicety: a failed poll leaves the last value.
        }
        finally
        {
            Volatile.Write(ref _polling, 0);
        }
    }

    /// <summary>Best effort: <c>KILL QUERY … SYNC</c> outside the session (which the running query still holds).</summary>
    private void Kill(string queryId)
    {
        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            string url = _info.Endpoint + "?database=" + Uri.EscapeDataString(_info.Database);
            using var request = new HttpRequestMessage(HttpMethod.Post, url)
            {
                Content = new StringContent($"KILL QUERY WHERE query_id = {Dialect.StringLiteral(queryId)} SYNC", new UTF8Encoding(false), "text/plain"),
            };
            using HttpResponseMessage response = _http.Send(request, HttpCompletionOption.ResponseContentRead, cts.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or IOException)
        {
            // The query ends on its own, or the server is gone; either way there is nothing more to do.
        }
    }

    /// <summary>The answer's body, gunzipped when the server compressed it; its bytes are counted as they are read, before
    /// and after decompression (<see cref="WireBytes"/>, <see cref="DecodedBytes"/>).</summary>
    private Stream Body(HttpResponseMessage response, CancellationToken ct)
    {
        Stream raw = new CountingReadStream(response.Content.ReadAsStream(ct), n => Interlocked.Add(ref _wireBytes, n));
        ICollection<string> enc = response.Content.Headers.ContentEncoding;
        Stream decoded =
            enc.Contains("gzip") ? new System.IO.Compression.GZipStream(raw, System.IO.Compression.CompressionMode.Decompress)
            : enc.Contains("deflate") ? new System.IO.Compression.ZLibStream(raw, System.IO.Compression.CompressionMode.Decompress)
            : raw;
        return new CountingReadStream(decoded, n => Interlocked.Add(ref _decodedBytes, n));
    }

    private void Drain(HttpResponseMessage response)
    {
        using Stream s = Body(response, default);
        s.CopyTo(System.IO.Stream.Null);
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null) e = e.InnerException;
        return e;
    }
}
