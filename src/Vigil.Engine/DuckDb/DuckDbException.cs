using System.Text.RegularExpressions;

namespace Vigil.Engine.DuckDb;

/// <summary>An error reported by DuckDB: a <see cref="VigilEngineException"/> whose <see cref="VigilEngineException.Code"/>
/// is DuckDB's error type (from <c>duckdb_result_error_type</c> where the C API gives it, else from the "Xxx Error:"
/// prefix of DuckDB's text, which names the same type).</summary>
internal sealed partial class DuckDbException : VigilEngineException
{
    /// <summary>An error Vigil's binding raises itself (not from DuckDB's text): internal unless the caller says otherwise.</summary>
    public DuckDbException(string message) : this(message, null, null) { }

    /// <summary>An error of Vigil's binding about the user's data (a column of a type Vigil cannot read, say).</summary>
    public DuckDbException(string message, bool isUserError) : base(DuckDb, "VIGIL", message, null, isUserError) { }

    public DuckDbException(string message, DuckDbErrorType? type, string? sql)
        : base(DuckDb, type is { } t ? CodeOf(t) : CodeOf(message), Friendly(message), sql)
    {
    }

    private DuckDbException(string engineMessage, string code, string? sql, bool isUserError, bool _)
        : base(DuckDb, code, engineMessage, sql, isUserError)
    {
    }

    /// <summary>This error with the statement that failed.</summary>
    public DuckDbException WithSql(string sql) => new(EngineMessage, Code, sql, IsUserError, true);

    /// <summary>The first line of the message, trimmed (DuckDB often adds context lines). For CSV errors it is
    /// rewritten to name the file and the line: <c>data.csv: line 2: not UTF-8 text ...</c>.</summary>
    public new string FirstLine => FirstLine();

    /// <summary>The C API's <c>duckdb_error_type</c>, in its order.</summary>
    internal static readonly string[] TypeNames =
    [
        "INVALID", "OUT_OF_RANGE", "CONVERSION", "UNKNOWN_TYPE", "DECIMAL", "MISMATCH_TYPE", "DIVIDE_BY_ZERO", "OBJECT_SIZE",
        "INVALID_TYPE", "SERIALIZATION", "TRANSACTION", "NOT_IMPLEMENTED", "EXPRESSION", "CATALOG", "PARSER", "PLANNER",
        "SCHEDULER", "EXECUTOR", "CONSTRAINT", "INDEX", "STAT", "CONNECTION", "SYNTAX", "SETTINGS", "BINDER", "NETWORK",
        "OPTIMIZER", "NULL_POINTER", "IO", "INTERRUPT", "FATAL", "INTERNAL", "INVALID_INPUT", "OUT_OF_MEMORY", "PERMISSION",
        "PARAMETER_NOT_RESOLVED", "PARAMETER_NOT_ALLOWED", "DEPENDENCY", "HTTP", "MISSING_EXTENSION", "AUTOLOAD", "SEQUENCE",
        "INVALID_CONFIGURATION",
    ];

    internal static string CodeOf(DuckDbErrorType type) =>
        (int)type >= 0 && (int)type < TypeNames.Length ? TypeNames[(int)type] : "INVALID";

    /// <summary>The error type from DuckDB's text ("Conversion Error: ..." → CONVERSION); "VIGIL" for Vigil's own
    /// binding errors, which have no prefix.</summary>
    internal static string CodeOf(string message)
    {
        Match m = Prefix().Match(message);
        if (!m.Success) return "VIGIL";
        string name = m.Groups[1].Value.Trim().ToUpperInvariant().Replace(' ', '_');
        return name switch
        {
            "TRANSACTIONCONTEXT" => "TRANSACTION",
            "NULLPOINTER" => "NULL_POINTER",
            "EXTENSION_AUTOLOADING" => "AUTOLOAD",
            "NOT_IMPLEMENTED" or "INVALID_TYPE" => name,
            _ => Array.IndexOf(TypeNames, name) >= 0 ? name : "INVALID",
        };
    }

    /// <summary>DuckDB's message with a clearer first line for CSV reading errors (which name the file in a
    /// "file = ..." line further down): the file, the line and what is wrong, with what to do.</summary>
    internal static string Friendly(string message)
    {
        Match file = CsvFile().Match(message);
        Match line = CsvLine().Match(message);
        if (!file.Success || !line.Success) return message;
        string f = file.Groups[1].Value.Trim(), n = line.Groups[1].Value;
        string first;
        if (message.Contains("not utf-8 encoded", StringComparison.OrdinalIgnoreCase))
        {
            string fixedName = Path.GetFileNameWithoutExtension(f) + ".utf8" + Path.GetExtension(f);
            first = $"{f}: line {n}: not UTF-8 text; re-encode the file, e.g. iconv -f latin1 -t utf-8 {f} > {fixedName}";
        }
        else
        {
            // The reason is the first line after "CSV Error on Line: N" and "Original Line: ...".
            string[] lines = message.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            string? reason = lines.Skip(1).FirstOrDefault(l => !l.StartsWith("Original Line:", StringComparison.Ordinal));
            first = $"{f}: line {n}: {reason ?? "not readable as CSV"}";
        }
        return first + "\n" + message;
    }

    [GeneratedRegex(@"^\s*([A-Za-z][A-Za-z _]*?) Error: ")]
    private static partial Regex Prefix();

    [GeneratedRegex(@"^\s*file = (.+)$", RegexOptions.Multiline)]
    private static partial Regex CsvFile();

    [GeneratedRegex(@"CSV Error on Line: (\d+)")]
    private static partial Regex CsvLine();
}
