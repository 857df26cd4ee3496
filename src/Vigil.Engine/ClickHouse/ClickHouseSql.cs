using System.Globalization;
using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>
/// SQL text handling on the client side: positional parameters <c>$1, $2, …</c> bound as literals (18.16 has no query
/// parameters), statements split on <c>;</c>, and the trailing <c>FORMAT</c> clause. The scanner skips string literals
/// ('…' with backslash escapes and doubled quotes), quoted identifiers ("…" and `…`) and comments (-- … and /* … */),
/// so that a <c>$1</c> or <c>;</c> inside them is left alone.
/// </summary>
internal static class ClickHouseSql
{
    /// <summary><paramref name="sql"/> with every <c>$n</c> outside literals, quoted names and comments replaced by the
    /// literal of <c>parameters[n-1]</c>.</summary>
    public static string Bind(string sql, IReadOnlyList<object?>? parameters)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (parameters is null || parameters.Count == 0) return sql;
        var sb = new StringBuilder(sql.Length + 16 * parameters.Count);
        int i = 0;
        while (i < sql.Length)
        {
            int skip = SkipQuotedOrComment(sql, i);
            if (skip > i)
            {
                sb.Append(sql, i, skip - i);
                i = skip;
                continue;
            }
            char c = sql[i];
            if (c == '$' && i + 1 < sql.Length && char.IsAsciiDigit(sql[i + 1]) && (i == 0 || !IsIdentifierChar(sql[i - 1])))
            {
                int j = i + 1;
                while (j < sql.Length && char.IsAsciiDigit(sql[j])) j++;
                int n = int.Parse(sql.AsSpan(i + 1, j - i - 1), NumberStyles.None, CultureInfo.InvariantCulture);
                if (n < 1 || n > parameters.Count)
                    throw new ArgumentException($"parameter ${n.ToString(CultureInfo.InvariantCulture)} has no value ({parameters.Count.ToString(CultureInfo.InvariantCulture)} given)", nameof(parameters));
                sb.Append(Literal(parameters[n - 1]));
                i = j;
                continue;
            }
            sb.Append(c);
            i++;
        }
        return sb.ToString();
    }

    /// <summary>A value as a ClickHouse literal. Negative numbers are parenthesized (so that <c>x-$1</c> never becomes a
    /// comment), doubles always read as Float64 (<c>1.0</c>, not the UInt8 <c>1</c>), NaN and infinities as <c>nan</c>
    /// and <c>inf</c>.</summary>
    public static string Literal(object? value) => value switch
    {
        null or DBNull => "NULL",
        bool b => b ? "1" : "0",
        sbyte or short or int or long => Signed(Convert.ToInt64(value, CultureInfo.InvariantCulture)),
        byte or ushort or uint or ulong => Convert.ToUInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture),
        float f => Double(f),
        double d => Double(d),
        decimal m => Double((double)m),
        string s => SqlDialect.ClickHouse.StringLiteral(s),
        char ch => SqlDialect.ClickHouse.StringLiteral(ch.ToString()),
        DateTime dt => DateTimeLiteral(dt),
        DateTimeOffset dto => DateTimeLiteral(dto.UtcDateTime),
        _ => throw new ArgumentException($"cannot bind a parameter of type {value.GetType().Name} for ClickHouse"),
    };

    private static string Signed(long v) => v < 0 ? "(" + v.ToString(CultureInfo.InvariantCulture) + ")" : v.ToString(CultureInfo.InvariantCulture);

    private static string Double(double d)
    {
        if (double.IsNaN(d)) return "nan";
        if (double.IsPositiveInfinity(d)) return "inf";
        if (double.IsNegativeInfinity(d)) return "(-inf)";
        string s = d.ToString("R", CultureInfo.InvariantCulture);
        if (s.AsSpan().IndexOfAny('.', 'E', 'e') < 0) s += ".0";
        return d < 0 || s.StartsWith('-') ? "(" + s + ")" : s;
    }

    /// <summary>A UTC DateTime (Local is converted, Unspecified taken as UTC) as a DateTime('UTC') literal. 18.16 has no
    /// DateTime64, so the fraction of a second is dropped (truncated toward the earlier second): a parameter compared with
    /// a DateTime column then means the whole second it falls in.</summary>
    private static string DateTimeLiteral(DateTime dt)
    {
        DateTime utc = dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt;
        return "toDateTime('" + utc.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) + "', 'UTC')";
    }

    /// <summary>The statements of <paramref name="sql"/>, split on semicolons outside literals, quoted names and comments,
    /// without empty ones.</summary>
    public static List<string> SplitStatements(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var result = new List<string>();
        int start = 0, i = 0;
        while (i < sql.Length)
        {
            int skip = SkipQuotedOrComment(sql, i);
            if (skip > i)
            {
                i = skip;
                continue;
            }
            if (sql[i] == ';')
            {
                Add(sql[start..i]);
                start = i + 1;
            }
            i++;
        }
        Add(sql[start..]);
        return result;

        void Add(string s)
        {
            if (!IsBlank(s)) result.Add(s.Trim());
        }
    }

    /// <summary>Whether <paramref name="sql"/> holds nothing but whitespace and comments.</summary>
    public static bool IsBlank(string sql)
    {
        int i = 0;
        while (i < sql.Length)
        {
            if (char.IsWhiteSpace(sql[i]))
            {
                i++;
                continue;
            }
            int skip = SkipQuotedOrComment(sql, i);
            if (skip > i && (sql[i] == '-' || sql[i] == '/'))
            {
                i = skip;
                continue;
            }
            return false;
        }
        return true;
    }

    /// <summary>The statement <paramref name="sql"/> (without a trailing semicolon) followed by <c>FORMAT name</c>, on a line
    /// of its own (so that a trailing -- comment does not swallow it). Text that is not one statement is sent as it is, for
    /// the server to say what is wrong with it.</summary>
    public static string WithFormat(string sql, string format)
    {
        List<string> statements = SplitStatements(sql);
        return (statements.Count == 1 ? statements[0] : sql.Trim()) + "\nFORMAT " + format;
    }

    /// <summary>The index after the literal, quoted name or comment starting at <paramref name="i"/>, or
    /// <paramref name="i"/> when none starts there. An unterminated one runs to the end (the server reports it).</summary>
    internal static int SkipQuotedOrComment(string sql, int i)
    {
        char c = sql[i];
        if (c is '\'' or '"' or '`')
        {
            int j = i + 1;
            while (j < sql.Length)
            {
                char d = sql[j];
                if (d == '\\')
                {
                    j += 2;
                    continue;
                }
                if (d == c)
                {
                    if (j + 1 < sql.Length && sql[j + 1] == c)
                    {
                        j += 2;
                        continue;
                    }
                    return j + 1;
                }
                j++;
            }
            return sql.Length;
        }
        if (c == '-' && i + 1 < sql.Length && sql[i + 1] == '-')
        {
            int nl = sql.IndexOf('\n', i);
            return nl < 0 ? sql.Length : nl;
        }
        if (c == '/' && i + 1 < sql.Length && sql[i + 1] == '*')
        {
            int end = sql.IndexOf("*/", i + 2, StringComparison.Ordinal);
            return end < 0 ? sql.Length : end + 2;
        }
        return i;
    }

    internal static bool IsIdentifierChar(char c) => char.IsAsciiLetterOrDigit(c) || c == '_' || c == '$';
}
