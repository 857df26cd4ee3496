namespace Vigil.Engine.Sources;

/// <summary>Where the rows come from: files, a DuckDB database table, or a PostgreSQL table or query.</summary>
internal sealed record SourceSpec
{
    /// <summary>Files or globs of one format (CSV/TSV, Parquet, JSON lines); a DuckDB database file; or one
    /// PostgreSQL URL (postgres://user:pass@host:port/db); or one ClickHouse URL (clickhouse://user:pass@host:8123/db).</summary>
    public IReadOnlyList<string> Inputs { get; init; } = [];

    /// <summary>Table (optionally schema.table, or database.table in ClickHouse) in a DuckDB database file, PostgreSQL or
    /// ClickHouse.</summary>
    public string? Table { get; init; }

    /// <summary>A SELECT whose result is the source. With files it may refer to them as the view <c>input</c>.</summary>
    public string? Sql { get; init; }

    /// <summary>csv, tsv, parquet, json, jsonl or duckdb; null = from each file's extension.</summary>
    public string? Format { get; init; }

    /// <summary>The most rows one query may return from a server source (PostgreSQL, ClickHouse); 0 = no limit; null =
    /// from VIGIL_MAX_SHIPPED_ROWS, else <see cref="ShippedRowLimit.DefaultRows"/>. Files and DuckDB databases are read in
    /// process and have no limit.</summary>
    public long? MaxShippedRows { get; init; }
}

/// <summary>A column of a source as the engine describes it.</summary>
/// <param name="Name">Column name as the source spells it.</param>
/// <param name="SqlType">Engine type name (e.g. "BIGINT", "VARCHAR", "timestamp with time zone").</param>
/// <param name="Kind">How values cross into .NET; types Vigil cannot read directly report String (CAST them to text).</param>
internal sealed record SourceColumn(string Name, string SqlType, ColumnKind Kind);

/// <summary>An opened source: the engine to query and the relation text to put after FROM.</summary>
internal sealed class OpenedSource : IDisposable
{
    private readonly bool _ownsEngine;

    internal OpenedSource(IQueryEngine engine, string relation, string description, IReadOnlyList<SourceColumn> columns, bool ownsEngine = true)
    {
        Engine = engine;
        Relation = relation;
        Description = description;
        Columns = columns;
        _ownsEngine = ownsEngine;
    }

    public IQueryEngine Engine { get; }

    /// <summary>Text to put after FROM: <c>read_csv([...], ...)</c>, <c>"public"."preds"</c>, <c>(SELECT ...) AS src</c>.</summary>
    public string Relation { get; }

    /// <summary>What the source is, for messages and reports (file list, redacted URL + table, "stdin").</summary>
    public string Description { get; internal set; }

    /// <summary>What reading the source changed or noticed that a reader of the report should know (one sentence each),
    /// for example text columns read as numbers because they hold inf or nan.</summary>
    public IReadOnlyList<string> Notes { get; init; } = [];

    /// <summary>Run after the engine is disposed (deletes the copy of piped input).</summary>
    internal Action? OnDispose { get; set; }

    public IReadOnlyList<SourceColumn> Columns { get; }

    public SqlDialect Dialect => Engine.Dialect;

    internal Func<OpenedSource>? Reopener { get; set; }

    /// <summary>The same source on a connection of its own (same relation text), so that a second query can run at
    /// the same time as one on <see cref="Engine"/>; null when the source cannot be opened twice.</summary>
    public OpenedSource? Reopen() => Reopener?.Invoke();

    /// <summary>The column named <paramref name="name"/> (exact, then case-insensitive), or null.</summary>
    public SourceColumn? FindColumn(string name)
    {
        foreach (SourceColumn c in Columns)
        {
            if (c.Name == name) return c;
        }
        foreach (SourceColumn c in Columns)
        {
            if (string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)) return c;
        }
        return null;
    }

    /// <summary>The column named <paramref name="name"/>; a <see cref="VigilInputException"/> listing the columns when absent.</summary>
    public SourceColumn Column(string name) => FindColumn(name)
        ?? throw new VigilInputException($"{Description}: no column \"{name}\" (columns: {string.Join(", ", Columns.Select(c => c.Name))})");

    /// <summary>Runs <c>CREATE TEMP TABLE t AS selectSql</c> in the source's engine and returns the quoted
    /// name, so the source is scanned once and queried many times.</summary>
    public string CreateTempTable(string selectSql) => Dialect.QuoteIdentifier(Engine.CreateTempTable(selectSql));

    /// <summary>Copies the whole source into a temp table and returns its quoted name.</summary>
    public string Materialize() => CreateTempTable($"SELECT * FROM {Relation}");

    public void Dispose()
    {
        if (_ownsEngine) Engine.Dispose();
        OnDispose?.Invoke();
        OnDispose = null;
    }
}
