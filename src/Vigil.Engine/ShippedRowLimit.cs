using System.Globalization;

namespace Vigil.Engine;

/// <summary>
/// The most rows one query may return from a server engine (PostgreSQL, ClickHouse) to Vigil, so that no analysis ships
/// raw rows past a stated bound (docs/scale.md, "The limit on shipped rows"). In-process DuckDB has none: nothing
/// crosses a wire. <see cref="Rows"/> 0 means no limit. <see cref="Setting"/> says where the limit came from, as the
/// user would change it (<c>--max-shipped-rows 1000</c>, <c>VIGIL_MAX_SHIPPED_ROWS=1000</c> or the default).
/// </summary>
internal sealed record ShippedRowLimit(long Rows, string Setting)
{
    /// <summary>50,000,000 rows: at the summary row pass's ~35 bytes per row on the wire (gzip) and ~62 bytes per row of
    /// Vigil's memory, about 1.75 GB on the wire and 3 GB of memory.</summary>
    public const long DefaultRows = 50_000_000;

    /// <summary>The command-line option that sets the limit.</summary>
    public const string Option = "--max-shipped-rows";

    /// <summary>The environment variable that sets the limit when the option is not given.</summary>
    public const string EnvironmentVariable = "VIGIL_MAX_SHIPPED_ROWS";

    /// <summary>No limit (the engines' default when constructed directly, and DuckDB's).</summary>
    public static ShippedRowLimit None { get; } = new(0, Option + " 0");

    /// <summary>Whether a limit applies (<see cref="Rows"/> &gt; 0).</summary>
    public bool IsLimited => Rows > 0;

    /// <summary>The limit from the option's value when given, else from <see cref="EnvironmentVariable"/>, else
    /// <see cref="DefaultRows"/>. A value that is not a whole number ≥ 0 is a <see cref="VigilInputException"/>.</summary>
    public static ShippedRowLimit Resolve(long? option)
    {
        if (option is { } n)
        {
            if (n < 0) throw new VigilInputException($"{Option}: {n.ToString(CultureInfo.InvariantCulture)} is negative; expected a number of rows (0 = no limit)");
            return new ShippedRowLimit(n, $"{Option} {n.ToString(CultureInfo.InvariantCulture)}");
        }
        string? env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
        {
            long v = Parse(env, EnvironmentVariable);
            return new ShippedRowLimit(v, $"{EnvironmentVariable}={v.ToString(CultureInfo.InvariantCulture)}");
        }
        return new ShippedRowLimit(DefaultRows, $"the default {Option} {DefaultRows.ToString(CultureInfo.InvariantCulture)}");
    }

    /// <summary>A row count as the option or the variable <paramref name="name"/> gives it: a whole number ≥ 0
    /// (digits, optionally grouped with '_' or ','), else a <see cref="VigilInputException"/> naming it.</summary>
    public static long Parse(string text, string name)
    {
        ArgumentNullException.ThrowIfNull(text);
        string digits = text.Trim().Replace("_", "", StringComparison.Ordinal).Replace(",", "", StringComparison.Ordinal);
        if (digits.Length > 0 && digits.All(char.IsAsciiDigit)
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long v))
        {
            return v;
        }
        throw new VigilInputException($"{name}: '{text}' is not a number of rows; expected a whole number ≥ 0 (0 = no limit)");
    }

    private const string Advice = ": raise the limit (";

    /// <summary><paramref name="message"/> of <see cref="Exceeded"/> with the analysis step that sent the query, which the
    /// engine does not know but the caller's progress display may: <c>… (--max-shipped-rows 1000) at step "Computing
    /// metrics": raise the limit …</c>. Any other message is returned as it is.</summary>
    public static string AtStep(string message, string step)
    {
        ArgumentNullException.ThrowIfNull(message);
        int at = message.IndexOf(Advice, StringComparison.Ordinal);
        if (at < 0 || !message.Contains(": a query would ship more than ", StringComparison.Ordinal)) return message;
        return $"{message[..at]} at step \"{step}\"{message[at..]}";
    }

    /// <summary>The error for a query whose result passed the limit, on the engine shown as <paramref name="where"/>
    /// (<c>clickhouse 127.0.0.1:8123/default</c>): one line that says what to do.</summary>
    public VigilInputException Exceeded(string where, Exception? inner = null) => new(
        $"{where}: a query would ship more than {Rows.ToString("N0", CultureInfo.InvariantCulture)} rows ({Setting}){Advice}{Option} N, 0 = none), " +
            "or round the score or the continuous features to fewer distinct values (evaluate ships one row per distinct " +
            "labeled score, drift one per distinct value of each numeric column, summary one per distinct score per model version and period); see docs/scale.md",
        inner);
}
