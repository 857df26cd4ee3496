namespace Vigil.Engine.DuckDb;

/// <summary>
/// A DuckDB connection (duckdb_connection). Not thread-safe, except <see cref="Progress"/> and
/// <see cref="Interrupt"/>, which are meant to be called from another thread while a query runs.
/// </summary>
internal sealed unsafe class DuckDbConnection : IDisposable
{
    private nint _handle;

    internal DuckDbConnection(nint handle) => _handle = handle;

    internal nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return _handle;
        }
    }

    /// <summary>Runs one or more statements, discarding results; returns rows changed by the last one.</summary>
    public long Execute(string sql)
    {
        var result = new DuckDbResultStruct();
        DuckDbState state = DuckDbNative.Query(Handle, sql, &result);
        try
        {
            if (state != DuckDbState.Success)
                throw new DuckDbException(DuckDbNative.Utf8(DuckDbNative.ResultError(&result)) ?? "query failed", DuckDbNative.ResultErrorType(&result), sql);
            return (long)DuckDbNative.RowsChanged(&result);
        }
        finally
        {
            DuckDbNative.DestroyResult(&result);
        }
    }

    /// <summary>Runs one statement and returns its materialized result, read chunk by chunk.</summary>
    public DuckDbResult Query(string sql, IReadOnlyList<object?>? parameters = null, bool streaming = false)
    {
        using DuckDbPreparedStatement stmt = Prepare(sql);
        if (parameters is not null) stmt.BindAll(parameters);
        try
        {
            return stmt.Execute(streaming);
        }
        catch (DuckDbException e) when (e.Sql is null)
        {
            throw e.WithSql(sql);
        }
    }

    public DuckDbPreparedStatement Prepare(string sql)
    {
        DuckDbState state = DuckDbNative.Prepare(Handle, sql, out nint stmt);
        if (state != DuckDbState.Success)
        {
            string msg = DuckDbNative.Utf8(DuckDbNative.PrepareError(stmt)) ?? "prepare failed";
            DuckDbNative.DestroyPrepare(ref stmt);
            throw new DuckDbException(msg, null, sql);
        }
        return new DuckDbPreparedStatement(stmt);
    }

    /// <summary>An appender for <paramref name="table"/> (in <paramref name="schema"/>, or the default schema).</summary>
    public DuckDbAppender CreateAppender(string table, string? schema = null)
    {
        DuckDbState state = DuckDbNative.AppenderCreate(Handle, schema, table, out nint app);
        if (state != DuckDbState.Success)
        {
            string msg = DuckDbNative.Utf8(DuckDbNative.AppenderError(app)) ?? $"could not create appender for {table}";
            DuckDbNative.AppenderDestroy(ref app);
            throw new DuckDbException(msg);
        }
        return new DuckDbAppender(app);
    }

    /// <summary>Progress of the running query in 0..1, or -1 when unknown / nothing runs.</summary>
    public double Progress
    {
        get
        {
            nint h = _handle;
            if (h == 0) return -1;
            double p = DuckDbNative.QueryProgress(h).Percentage;
            return p < 0 ? -1 : Math.Clamp(p / 100.0, 0, 1);
        }
    }

    /// <summary>Asks the running query to stop; it then fails with an "Interrupted" error.</summary>
    public void Interrupt()
    {
        nint h = _handle;
        if (h != 0) DuckDbNative.Interrupt(h);
    }

    public void Dispose()
    {
        if (_handle != 0) DuckDbNative.Disconnect(ref _handle);
        _handle = 0;
    }
}
