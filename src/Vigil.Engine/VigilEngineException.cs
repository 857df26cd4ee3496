using Npgsql;

namespace Vigil.Engine;

/// <summary>
/// An error raised by a SQL engine (DuckDB, PostgreSQL or ClickHouse), modelled on npgsql's <c>PostgresException</c>: the engine,
/// the engine's own code, the SQL that failed, and whether the user's input caused it.
/// <list type="bullet">
/// <item><see cref="Code"/> is PostgreSQL's SQLSTATE ("42P01") or DuckDB's error type as the C API's
/// <c>duckdb_error_type</c> names it ("CATALOG", "CONVERSION", "INVALID_INPUT", "INTERNAL" ...), or ClickHouse's numeric
/// code ("62").</item>
/// <item><see cref="IsUserError"/>: the code decides by default (data exceptions, I/O, permissions, connections and
/// authentication are the user's; syntax, catalog and internal errors in SQL Vigil generated are Vigil's). A call site
/// that runs the user's own query or table (<c>--sql</c>, <c>--table</c>) marks every error as the user's with
/// <see cref="AsUserError"/>.</item>
/// </list>
/// The CLI maps user errors to exit 2 with <see cref="Exception.Message"/> on one line, and the rest to 70.
/// </summary>
public class VigilEngineException : Exception
{
    public const string DuckDb = "duckdb";
    public const string Postgres = "postgres";
    public const string ClickHouse = "clickhouse";

    private readonly string _message;

    public VigilEngineException(string engine, string code, string engineMessage, string? sql = null, bool? isUserError = null,
        string? context = null, Exception? inner = null)
        : base(engineMessage, inner)
    {
        Engine = engine;
        Code = code;
        EngineMessage = engineMessage;
        Sql = sql;
        Context = context;
        IsUserError = isUserError ?? IsUserCode(engine, code);
        string text = FirstLine(engineMessage);
        // DuckDB's text already starts with its type ("Catalog Error: ..."); PostgreSQL's gets its SQLSTATE appended,
        // ClickHouse's its numeric error code.
        string suffix = engine switch
        {
            Postgres when code.Length > 0 => $" ({code})",
            ClickHouse when code.Length > 0 && char.IsAsciiDigit(code[0]) => $" (code {code})",
            _ => "",
        };
        _message = $"{engine}: {text}{suffix}" + (context is null ? "" : $" in {context}");
    }

    /// <summary>"duckdb", "postgres" or "clickhouse".</summary>
    public string Engine { get; }

    /// <summary>PostgreSQL's SQLSTATE, DuckDB's error type (upper case, as <c>duckdb_error_type</c> names it), or
    /// ClickHouse's numeric error code ("62"; "NETWORK" when the server could not be reached at all).</summary>
    public string Code { get; }

    /// <summary>The engine's own message, all lines.</summary>
    public string EngineMessage { get; }

    /// <summary>The statement that failed, when known (shown with VIGIL_DEBUG=1, never in the one-line message).</summary>
    public string? Sql { get; }

    /// <summary>True when the user's input caused the error (their query, table, file contents, server, credentials).</summary>
    public bool IsUserError { get; }

    /// <summary>What the failing SQL came from, as the user knows it ("--sql", "--table preds"), or null.</summary>
    public string? Context { get; }

    /// <summary>One line: <c>postgres: relation "x" does not exist (42P01) in --sql</c>.</summary>
    public override string Message => _message;

    /// <summary>The same error, blamed on the user's <paramref name="context"/> (their --sql query or --table).</summary>
    public VigilEngineException AsUserError(string context) =>
        new(Engine, Code, EngineMessage, Sql, true, context, this);

    /// <summary>Whether an engine code is caused by input by its nature: bad data, I/O, permissions, connections.</summary>
    public static bool IsUserCode(string engine, string code)
    {
        if (engine == Postgres)
        {
            if (code.Length < 2) return false;
            return code[..2] switch
            {
                "08" => true,   // connection exception: the user's URL / server
                "22" => true,   // data exception: the user's values
                "28" => true,   // invalid authorization: the user's credentials
                "3D" => true,   // invalid catalog name: the database in the URL does not exist
                "3F" => true,   // invalid schema name
                "53" => code == "53100" || code == "53300", // disk full, too many connections: the user's server
                "57" => true,   // operator intervention: statement_timeout, server shutting down
                _ => code == "42501", // insufficient privilege
            };
        }
        if (engine == ClickHouse) return Vigil.Engine.ClickHouse.ClickHouseErrors.IsUserCode(code);
        return code switch
        {
            "CONVERSION" or "OUT_OF_RANGE" or "INVALID_INPUT" or "DIVIDE_BY_ZERO" or "IO" or "PERMISSION" or "HTTP" or "NETWORK"
                or "MISSING_EXTENSION" or "AUTOLOAD" or "INTERRUPT" => true,
            _ => false,
        };
    }

    /// <summary>Wraps an npgsql error: a <see cref="PostgresException"/> keeps its SQLSTATE; other npgsql errors (broken
    /// connections, timeouts) count as connection failures (08006).</summary>
    public static VigilEngineException FromNpgsql(NpgsqlException e, string? sql)
    {
        ArgumentNullException.ThrowIfNull(e);
        if (e is PostgresException pg)
        {
            string text = pg.MessageText + (string.IsNullOrEmpty(pg.Detail) ? "" : "\n" + pg.Detail) + (string.IsNullOrEmpty(pg.Hint) ? "" : "\nHint: " + pg.Hint);
            return new VigilEngineException(Postgres, pg.SqlState, text, sql, inner: e);
        }
        Exception inner = e;
        while (inner.InnerException is not null) inner = inner.InnerException;
        string code = e.SqlState ?? "08006";
        return new VigilEngineException(Postgres, code, inner == e ? e.Message : $"{e.Message} ({inner.Message})", sql, inner: e);
    }

    /// <summary>The first line of the engine's text, trimmed.</summary>
    public string FirstLine() => FirstLine(EngineMessage);

    private static string FirstLine(string s)
    {
        s = s.Trim();
        int nl = s.IndexOf('\n');
        return (nl < 0 ? s : s[..nl]).Trim();
    }
}
