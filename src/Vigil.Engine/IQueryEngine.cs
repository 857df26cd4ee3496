namespace Vigil.Engine;

/// <summary>
/// A SQL engine that analyses push their heavy work into. Parameters are bound positionally as
/// $1, $2, ... and may be null, bool, integers, floating point, string or DateTime (UTC).
/// Not thread-safe, except <see cref="Progress"/>, which may be read from another thread.
/// </summary>
internal interface IQueryEngine : IDisposable
{
    SqlDialect Dialect { get; }

    /// <summary>"duckdb" or "postgresql".</summary>
    string Name { get; }

    /// <summary>Runs one statement and materializes its (small) result.</summary>
    Table Query(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken ct = default);

    /// <summary>Runs one statement and hands its result to <paramref name="onChunk"/> a chunk at a time, in constant memory.
    /// A chunk is valid only during the call: its buffers may hold the next chunk afterwards (values read from it, such
    /// as strings, stay valid).</summary>
    void Stream(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk, CancellationToken ct = default);

    /// <summary>Runs statements that return no result (DDL, SET, INSERT ...).</summary>
    void Execute(string sql);

    /// <summary>0..1 of the running query, or -1 when unknown.</summary>
    double Progress { get; }
}

/// <summary>Helpers shared by all engines.</summary>
internal static class QueryEngineExtensions
{
    private static int _tempCounter;

    /// <summary>Runs <c>CREATE TEMP TABLE name AS selectSql</c> and returns the (unquoted) name, so a source
    /// scanned once can be queried many times.</summary>
    public static string CreateTempTable(this IQueryEngine engine, string selectSql)
    {
        string name = "vigil_tmp_" + Interlocked.Increment(ref _tempCounter).ToString(System.Globalization.CultureInfo.InvariantCulture);
        engine.Execute($"CREATE TEMP TABLE {engine.Dialect.QuoteIdentifier(name)} AS {selectSql}");
        return name;
    }

    /// <summary>Runs <paramref name="body"/> (queries on <paramref name="engine"/>) with DuckDB's memory limit lowered to
    /// <paramref name="megabytesPerThread"/> × its threads (at least <paramref name="minimumMegabytes"/>), so that a
    /// large sort spills to disk instead of growing the process, then restores the limit. Should DuckDB still run out
    /// of memory under the lowered limit, <paramref name="body"/> runs again without it: it must start over cleanly.
    /// Other engines, and a limit already lower, run <paramref name="body"/> as it is.</summary>
    public static void WithMemoryBudget(this IQueryEngine engine, int minimumMegabytes, int megabytesPerThread, Action body)
    {
        ArgumentNullException.ThrowIfNull(body);
        if (engine is not DuckDb.DuckDbEngine duck)
        {
            body();
            return;
        }
        var t = duck.Query("SELECT current_setting('memory_limit') AS m_, current_setting('threads') AS t_");
        var previous = t.GetString(0, 0) ?? "";
        var threads = long.TryParse(t.GetString(1, 0), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var n) ? n : 1;
        var budget = Math.Max(minimumMegabytes, megabytesPerThread * threads);
        if (ParseSize(previous) is { } current && current <= budget * 1_000_000)
        {
            body();
            return;
        }
        duck.Execute($"SET memory_limit = '{budget.ToString(System.Globalization.CultureInfo.InvariantCulture)}MB'");
        try
        {
            body();
        }
        catch (VigilEngineException e) when (IsOutOfMemory(e))
        {
            Restore(duck, previous);
            body();
        }
        finally
        {
            Restore(duck, previous);
        }
    }

    private static bool IsOutOfMemory(VigilEngineException e) => e.Code == "OUT_OF_MEMORY";

    /// <summary>Puts DuckDB's memory limit back to the value it showed (rounded to DuckDB's display, e.g. 0.1 GiB).
    /// Not RESET: in DuckDB 1.5 RESET memory_limit changes the setting's text but not the buffer manager's limit.</summary>
    private static void Restore(DuckDb.DuckDbEngine duck, string previous) =>
        duck.Execute($"SET memory_limit = {duck.Dialect.StringLiteral(previous)}");

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

    /// <summary><see cref="IQueryEngine.Stream"/> for a result whose row order does not matter: DuckDB then computes it
    /// on every core (without the promise of the source's order a streamed result is fed by all threads, with a buffer
    /// of a few MB to run ahead of the reader). Other engines stream as usual.</summary>
    public static void StreamUnordered(this IQueryEngine engine, string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk)
    {
        if (engine is not DuckDb.DuckDbEngine duck)
        {
            engine.Stream(sql, parameters, onChunk);
            return;
        }
        duck.Execute("SET preserve_insertion_order = false");
        duck.Execute("SET streaming_buffer_size = '4MB'");
        try
        {
            duck.Stream(sql, parameters, onChunk);
        }
        finally
        {
            duck.Execute("SET preserve_insertion_order = true");
            duck.Execute("RESET streaming_buffer_size");
        }
    }

    /// <summary>The single value of a one-row, one-column query (null when NULL or no rows), as a string.</summary>
    public static string? ScalarString(this IQueryEngine engine, string sql, IReadOnlyList<object?>? parameters = null)
    {
        Table t = engine.Query(sql, parameters);
        return t.RowCount == 0 ? null : t.GetString(0, 0);
    }
}
