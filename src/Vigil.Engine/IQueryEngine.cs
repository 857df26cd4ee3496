namespace Vigil.Engine;

/// <summary>
/// A SQL engine that analyses push their heavy work into. Parameters are bound positionally as
/// $1, $2, ... and may be null, bool, integers, floating point, string or DateTime (UTC).
/// Not thread-safe, except <see cref="Progress"/>, which may be read from another thread.
/// </summary>
internal interface IQueryEngine : IDisposable
{
    SqlDialect Dialect { get; }

    /// <summary>"duckdb", "postgresql" or "clickhouse".</summary>
    string Name { get; }

    /// <summary>Whether the engine runs in this process over data on this machine (DuckDB), so that streaming rows into
    /// .NET costs no network. Over a remote engine (PostgreSQL, ClickHouse) analyses ask for aggregates instead.</summary>
    bool InProcess => false;

    /// <summary>The most rows one query may return to Vigil (<see cref="ShippedRowLimit.None"/> by default, and always for
    /// an in-process engine: nothing crosses a wire). A server engine over a user's source gets the limit from
    /// <c>--max-shipped-rows</c> or VIGIL_MAX_SHIPPED_ROWS (default 50,000,000); a query whose result passes it throws a
    /// <see cref="VigilInputException"/> instead of shipping more.</summary>
    ShippedRowLimit RowLimit => ShippedRowLimit.None;

    /// <summary>Whether the engine reads files itself (read_csv, read_parquet), so that two files can be read as one
    /// relation in one engine.</summary>
    bool ReadsFiles => false;

    /// <summary>Runs <paramref name="body"/> (queries on this engine) under a memory budget of
    /// <paramref name="megabytesPerThread"/> × the engine's threads (at least <paramref name="minimumMegabytes"/>), so
    /// that a large sort spills to disk instead of growing the process. An engine that runs elsewhere, or has no such
    /// setting, runs <paramref name="body"/> as it is.</summary>
    void WithMemoryBudget(int minimumMegabytes, int megabytesPerThread, Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        body();
    }

    /// <summary><see cref="Stream"/> for a result whose row order does not matter, which an engine may then compute on
    /// every core. By default, <see cref="Stream"/>.</summary>
    void StreamUnordered(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk) => Stream(sql, parameters, onChunk);

    /// <summary>Runs one statement and materializes its (small) result.</summary>
    Table Query(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken ct = default);

    /// <summary>Runs one statement and hands its result to <paramref name="onChunk"/> a chunk at a time, in constant memory.
    /// A chunk is valid only during the call: its buffers may hold the next chunk afterwards (values read from it, such
    /// as strings, stay valid).</summary>
    void Stream(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk, CancellationToken ct = default);

    /// <summary>Runs statements that return no result (DDL, SET, INSERT ...).</summary>
    void Execute(string sql);

    /// <summary>The columns of <paramref name="relation"/> (text to put after FROM), with their SQL types and kinds.</summary>
    IReadOnlyList<Sources.SourceColumn> Describe(string relation);

    /// <summary>0..1 of the running query, or -1 when unknown.</summary>
    double Progress { get; }
}

/// <summary>Helpers shared by all engines.</summary>
internal static class QueryEngineExtensions
{
    private static int _tempCounter;

    /// <summary>Runs <c>CREATE TEMP TABLE name AS selectSql</c> (as the dialect spells it) and returns the (unquoted) name, so a source
    /// scanned once can be queried many times.</summary>
    public static string CreateTempTable(this IQueryEngine engine, string selectSql)
    {
        string name = "vigil_tmp_" + Interlocked.Increment(ref _tempCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        engine.Execute(engine.Dialect.CreateTempTableAs(engine.Dialect.QuoteIdentifier(name), selectSql));
        return name;
    }

    /// <summary>Bytes of a DuckDB size such as "19.0 GiB", "256.0 MiB" or "500MB"; null when not understood.</summary>
    internal static long? ParseSize(string text)
    {
        var m = System.Text.RegularExpressions.Regex.Match(text.Trim(), @"^([0-9.]+)\s*([KMGT]?i?B)$", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        if (!m.Success || !double.TryParse(m.Groups[1].Value, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var v)) return null;
        var unit = m.Groups[2].Value.ToUpperInvariant();
        double k = unit.Contains('I', StringComparison.Ordinal) ? 1024 : 1000;
        var power = unit[0] switch { 'K' => 1, 'M' => 2, 'G' => 3, 'T' => 4, _ => 0 };
        return (long)(v * Math.Pow(k, power));
    }

    /// <summary>The single value of a one-row, one-column query (null when NULL or no rows), as a string.</summary>
    public static string? ScalarString(this IQueryEngine engine, string sql, IReadOnlyList<object?>? parameters = null)
    {
        Table t = engine.Query(sql, parameters);
        return t.RowCount == 0 ? null : t.GetString(0, 0);
    }
}
