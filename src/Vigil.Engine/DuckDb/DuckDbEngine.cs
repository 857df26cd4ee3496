namespace Vigil.Engine.DuckDb;

/// <summary>The embedded DuckDB engine: an in-memory database by default, or a database file.</summary>
internal sealed class DuckDbEngine : IQueryEngine
{
    private readonly DuckDbDatabase _database;
    private readonly DuckDbConnection _connection;
    private readonly bool _ownsDatabase = true;

    /// <summary>Another connection to this engine's database (same data, its own transactions), for work that runs
    /// beside this one; disposing it leaves the database open.</summary>
    public DuckDbEngine NewConnection() => new(_database);

    private DuckDbEngine(DuckDbDatabase shared)
    {
        _database = shared;
        _ownsDatabase = false;
        _connection = shared.Connect();
        try
        {
            _connection.Execute("SET TimeZone = 'UTC'");
        }
        catch (DuckDbException)
        {
        }
    }

    public DuckDbEngine(DuckDbOptions? options = null)
    {
        _database = DuckDbDatabase.Open(options?.Path, options);
        try
        {
            _connection = _database.Connect();
            try
            {
                // Deterministic date_trunc etc. on TIMESTAMPTZ, like PostgresEngine (needs ICU; ignore if absent).
                _connection.Execute("SET TimeZone = 'UTC'");
            }
            catch (DuckDbException)
            {
            }
        }
        catch
        {
            _database.Dispose();
            throw;
        }
    }

    public SqlDialect Dialect => SqlDialect.DuckDb;

    public string Name => "duckdb";

    public bool InProcess => true;

    public IReadOnlyList<Sources.SourceColumn> Describe(string relation) => Sources.SourceOpener.Describe(this, relation);

    public bool ReadsFiles => true;

    /// <summary>Runs <paramref name="body"/> with DuckDB's memory limit lowered to <paramref name="megabytesPerThread"/> ×
    /// its threads (at least <paramref name="minimumMegabytes"/>), so that a large sort spills to disk instead of growing
    /// the process, then restores the limit. Should DuckDB still run out of memory under the lowered limit,
    /// <paramref name="body"/> runs again without it: it must start over cleanly. A limit already lower is kept.</summary>
    public void WithMemoryBudget(int minimumMegabytes, int megabytesPerThread, Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var t = Query("SELECT current_setting('memory_limit') AS m_, current_setting('threads') AS t_");
        var previous = t.GetString(0, 0) ?? "";
        var threads = long.TryParse(t.GetString(1, 0), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
        var budget = Math.Max(minimumMegabytes, megabytesPerThread * threads);
        if (QueryEngineExtensions.ParseSize(previous) is { } current && current <= budget * 1_000_000)
        {
            body();
            return;
        }
        Execute($"SET memory_limit = '{budget.ToString(System.Globalization.CultureInfo.InvariantCulture)}MB'");
        try
        {
            body();
        }
        catch (VigilEngineException e) when (e.Code == "OUT_OF_MEMORY")
        {
            RestoreMemoryLimit(previous);
            body();
        }
        finally
        {
            RestoreMemoryLimit(previous);
        }
    }

    /// <summary>Puts DuckDB's memory limit back to the value it showed (rounded to DuckDB's display, e.g. 0.1 GiB).
    /// Not RESET: in DuckDB 1.5 RESET memory_limit changes the setting's text but not the buffer manager's limit.</summary>
    private void RestoreMemoryLimit(string previous) => Execute($"SET memory_limit = {Dialect.StringLiteral(previous)}");

    /// <summary>A streamed result whose row order does not matter, computed on every core: without the promise of the
    /// source's order a streamed result is fed by all threads, with a buffer of a few MB to run ahead of the reader.</summary>
    public void StreamUnordered(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk)
    {
        Execute("SET preserve_insertion_order = false");
        Execute("SET streaming_buffer_size = '4MB'");
        try
        {
            Stream(sql, parameters, onChunk);
        }
        finally
        {
            Execute("SET preserve_insertion_order = true");
            Execute("RESET streaming_buffer_size");
        }
    }

    /// <summary>The underlying connection (for the appender and DuckDB-specific work).</summary>
    public DuckDbConnection Connection => _connection;

    public double Progress => _connection.Progress;

    /// <summary>VIGIL_QUERY_LOG=1: every query's wall and process CPU time, and its start, on stderr (for profiling).</summary>
    private static readonly bool QueryLog = Environment.GetEnvironmentVariable("VIGIL_QUERY_LOG") == "1";

    private static IDisposable? Logged(string sql) => QueryLog ? new QueryTimer(sql) : null;

    private sealed class QueryTimer(string sql) : IDisposable
    {
        private readonly System.Diagnostics.Stopwatch _wall = System.Diagnostics.Stopwatch.StartNew();
        private readonly TimeSpan _cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;

        public void Dispose()
        {
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - _cpu;
            var text = sql.ReplaceLineEndings(" ");
            Console.Error.WriteLine(FormattableString.Invariant($"[query] {_wall.Elapsed.TotalSeconds:0.000} s wall, {cpu.TotalSeconds:0.000} s cpu: {text[..Math.Min(text.Length, 400)]}"));
        }
    }

    public Table Query(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken ct = default)
    {
        using var logged = Logged(sql);
        ct.ThrowIfCancellationRequested();
        using CancellationTokenRegistration reg = ct.Register(_connection.Interrupt);
        try
        {
            using DuckDbResult result = _connection.Query(sql, parameters, streaming: false);
            return result.ReadAll();
        }
        catch (DuckDbException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
    }

    public void Stream(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onChunk);
        using var logged = Logged(sql);
        ct.ThrowIfCancellationRequested();
        using CancellationTokenRegistration reg = ct.Register(_connection.Interrupt);
        try
        {
            using DuckDbResult result = _connection.Query(sql, parameters, streaming: true);
            // One set of buffers for every chunk: the reader is done with a chunk when onChunk returns.
            TableBuilder builder = result.NewBuilder();
            while (true)
            {
                builder.Clear();
                if (!result.ReadChunk(builder)) break;
                ct.ThrowIfCancellationRequested();
                onChunk(builder.Build());
            }
        }
        catch (DuckDbException) when (ct.IsCancellationRequested)
        {
            throw new OperationCanceledException(ct);
        }
        catch (DuckDbException e) when (e.Sql is null)
        {
            throw e.WithSql(sql);
        }
    }

    /// <summary>Like <see cref="Stream"/>, but DuckDB computes the whole (bounded) result in parallel first and then
    /// hands it over chunk by chunk: faster than a streamed result, which DuckDB produces from one thread, at the cost
    /// of holding the result in memory. For results of a known, modest size (a range of rows).</summary>
    public void StreamMaterialized(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk)
    {
        ArgumentNullException.ThrowIfNull(onChunk);
        using DuckDbResult result = _connection.Query(sql, parameters, streaming: false);
        while (result.NextChunk() is { } chunk) onChunk(chunk);
    }

    public void Execute(string sql)
    {
        using var logged = Logged(sql);
        _connection.Execute(sql);
    }

    public void Dispose()
    {
        _connection.Dispose();
        if (_ownsDatabase) _database.Dispose();
    }
}
