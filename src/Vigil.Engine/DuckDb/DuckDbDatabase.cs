namespace Vigil.Engine.DuckDb;

/// <summary>Options for an embedded DuckDB database.</summary>
internal sealed record DuckDbOptions
{
    /// <summary>Database file, or null for an in-memory database.</summary>
    public string? Path { get; init; }

    /// <summary>Worker threads (DuckDB <c>threads</c>); null = all cores.</summary>
    public int? Threads { get; init; }

    /// <summary>DuckDB <c>memory_limit</c>, e.g. "4GB"; null = DuckDB's default (80% of RAM).</summary>
    public string? MemoryLimit { get; init; }

    /// <summary>Where DuckDB spills (DuckDB <c>temp_directory</c>); null = DuckDB's default.</summary>
    public string? TempDirectory { get; init; }

    /// <summary>Open the database file read-only.</summary>
    public bool ReadOnly { get; init; }

    /// <summary>Further DuckDB configuration options (name → value), passed to duckdb_set_config.</summary>
    public IReadOnlyDictionary<string, string>? Settings { get; init; }
}

/// <summary>An open DuckDB database (duckdb_database).</summary>
internal sealed class DuckDbDatabase : IDisposable
{
    private nint _handle;

    private DuckDbDatabase(nint handle) => _handle = handle;

    /// <summary>DuckDB's version string, e.g. "v1.5.6".</summary>
    public static string LibraryVersion
    {
        get
        {
            DuckDbLibrary.EnsureLoaded();
            return DuckDbNative.Utf8(DuckDbNative.LibraryVersion()) ?? "";
        }
    }

    /// <summary>Opens <paramref name="path"/> (null or ":memory:" for in-memory).</summary>
    public static DuckDbDatabase Open(string? path = null, DuckDbOptions? options = null)
    {
        DuckDbLibrary.EnsureLoaded();
        options ??= new DuckDbOptions();
        path ??= options.Path;
        if (DuckDbNative.CreateConfig(out nint config) != DuckDbState.Success) throw new DuckDbException("could not create DuckDB config");
        try
        {
            if (options.Threads is int t) Set(config, "threads", t.ToString(System.Globalization.CultureInfo.InvariantCulture));
            if (options.MemoryLimit is { } m) Set(config, "memory_limit", m);
            // An in-memory database spills to "./.tmp" by default; a run of the CLI should not leave that in the user's
            // directory, so it spills to the system's temporary directory (DuckDB creates it only when it spills).
            var spill = options.TempDirectory ?? (path is null or ":memory:" ? System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vigil-duckdb-{Environment.ProcessId}") : null);
            if (spill is not null) Set(config, "temp_directory", spill);
            if (options.ReadOnly) Set(config, "access_mode", "READ_ONLY");
            if (options.Settings is { } s)
            {
                foreach (KeyValuePair<string, string> kv in s) Set(config, kv.Key, kv.Value);
            }
            if (DuckDbNative.OpenExt(path, out nint db, config, out nint err) != DuckDbState.Success)
            {
                string msg = DuckDbNative.Utf8(err) ?? "unknown error";
                if (err != 0) DuckDbNative.Free(err);
                throw new DuckDbException(msg);
            }
            return new DuckDbDatabase(db);
        }
        finally
        {
            DuckDbNative.DestroyConfig(ref config);
        }
    }

    public DuckDbConnection Connect()
    {
        ObjectDisposedException.ThrowIf(_handle == 0, this);
        if (DuckDbNative.Connect(_handle, out nint conn) != DuckDbState.Success) throw new DuckDbException("could not connect to DuckDB database");
        return new DuckDbConnection(conn);
    }

    public void Dispose()
    {
        if (_handle != 0) DuckDbNative.Close(ref _handle);
        _handle = 0;
    }

    private static void Set(nint config, string name, string value)
    {
        if (DuckDbNative.SetConfig(config, name, value) != DuckDbState.Success)
            throw new DuckDbException($"invalid DuckDB setting {name}={value}");
    }
}
