using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>
/// Standard SQL's CAST on ClickHouse. In SQL (DuckDB, PostgreSQL) <c>CAST(NULL AS BIGINT)</c> is NULL; in ClickHouse a
/// cast to a type that is not <c>Nullable(…)</c> fails on a NULL ("Cannot convert NULL value to non-Nullable type"). The
/// analyses' SQL is written to the standard, so the engine rewrites every <c>CAST(expr AS T)</c> outside literals, quoted
/// names and comments to <c>CAST(expr AS Nullable(T))</c>, mapping the standard names ClickHouse lacks (BOOLEAN to
/// UInt8). Types that cannot be Nullable (Array, Tuple, Nullable, LowCardinality) are left alone. The keywords TRUE and
/// FALSE, which 18.16 lacks, become 1 and 0.
/// </summary>
internal static class ClickHouseCasts
{
    public static string Rewrite(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        if (sql.IndexOf("CAST", StringComparison.OrdinalIgnoreCase) < 0 && sql.IndexOf("TRUE", StringComparison.OrdinalIgnoreCase) < 0
            && sql.IndexOf("FALSE", StringComparison.OrdinalIgnoreCase) < 0) return sql;
        var sb = new StringBuilder(sql.Length + 64);
        Rewrite(sql, 0, sql.Length, sb);
        return sb.ToString();
    }

    /// <summary>Appends <paramref name="sql"/>[from, to) to <paramref name="sb"/> with its casts rewritten (nested casts too).</summary>
    private static void Rewrite(string sql, int from, int to, StringBuilder sb)
    {
        int i = from;
        while (i < to)
        {
            int skip = ClickHouseSql.SkipQuotedOrComment(sql, i);
            if (skip > i)
            {
                sb.Append(sql, i, Math.Min(skip, to) - i);
                i = skip;
                continue;
            }
            if (IsCastAt(sql, i, to, out int open) && FindClose(sql, open, to) is int close and >= 0 && LastTopLevelAs(sql, open + 1, close) is int at and >= 0)
            {
                sb.Append(sql, i, open + 1 - i);
                Rewrite(sql, open + 1, at, sb);
                string type = sql[(at + 4)..close].Trim();
                // A literal other than NULL is never NULL, so its cast stays as written: 18.16 crashes (a segmentation
                // fault in ColumnNullable) on coalesce(x, CAST('…' AS Nullable(T))) over a Distributed table.
                sb.Append(" AS ").Append(IsNonNullLiteral(sql.AsSpan(open + 1, at - open - 1)) ? MapName(type) : Nullable(type)).Append(')');
                i = close + 1;
                continue;
            }
            // TRUE and FALSE, which 18.16 does not know, as 1 and 0 (the UInt8 its comparisons give).
            if ((sql[i] is 'T' or 't' or 'F' or 'f') && (i == 0 || !ClickHouseSql.IsIdentifierChar(sql[i - 1])) && BooleanAt(sql, i, to) is { } word)
            {
                sb.Append(word ? '1' : '0');
                i += word ? 4 : 5;
                continue;
            }
            sb.Append(sql[i]);
            i++;
        }
    }

    /// <summary>The keyword TRUE or FALSE (any case, a whole word) at <paramref name="i"/>, or null.</summary>
    private static bool? BooleanAt(string sql, int i, int to)
    {
        foreach (var (word, value) in new[] { ("TRUE", true), ("FALSE", false) })
        {
            int end = i + word.Length;
            if (end <= to && string.Compare(sql, i, word, 0, word.Length, StringComparison.OrdinalIgnoreCase) == 0
                && (end == sql.Length || !ClickHouseSql.IsIdentifierChar(sql[end])))
                return value;
        }
        return null;
    }

    /// <summary>Whether the keyword CAST (not part of a longer name) starts at <paramref name="i"/>, followed by optional
    /// spaces and '(' (whose index is <paramref name="open"/>).</summary>
    private static bool IsCastAt(string sql, int i, int to, out int open)
    {
        open = -1;
        if (i + 4 > to || string.Compare(sql, i, "CAST", 0, 4, StringComparison.OrdinalIgnoreCase) != 0) return false;
        if (i > 0 && ClickHouseSql.IsIdentifierChar(sql[i - 1])) return false;
        int j = i + 4;
        while (j < to && char.IsWhiteSpace(sql[j])) j++;
        if (j >= to || sql[j] != '(') return false;
        open = j;
        return true;
    }

    /// <summary>The index of the ')' closing the '(' at <paramref name="open"/>, or -1.</summary>
    private static int FindClose(string sql, int open, int to)
    {
        int depth = 0;
        for (int i = open; i < to;)
        {
            int skip = ClickHouseSql.SkipQuotedOrComment(sql, i);
            if (skip > i) { i = skip; continue; }
            if (sql[i] == '(') depth++;
            else if (sql[i] == ')' && --depth == 0) return i;
            i++;
        }
        return -1;
    }

    /// <summary>The index of the white space before the last AS (white space on both sides) at parenthesis depth 0 in
    /// [from, to), or -1.</summary>
    private static int LastTopLevelAs(string sql, int from, int to)
    {
        int depth = 0, last = -1;
        for (int i = from; i < to;)
        {
            int skip = ClickHouseSql.SkipQuotedOrComment(sql, i);
            if (skip > i) { i = skip; continue; }
            char c = sql[i];
            if (c == '(') depth++;
            else if (c == ')') depth--;
            else if (depth == 0 && char.IsWhiteSpace(c) && i + 4 <= to && string.Compare(sql, i + 1, "AS", 0, 2, StringComparison.OrdinalIgnoreCase) == 0
                     && char.IsWhiteSpace(sql[i + 3]))
                last = i;
            i++;
        }
        return last;
    }

    /// <summary>Whether <paramref name="expr"/> is one string literal or one number, not NULL.</summary>
    private static bool IsNonNullLiteral(ReadOnlySpan<char> expr)
    {
        expr = expr.Trim();
        if (expr.Length >= 2 && expr[0] == '\'' && expr[^1] == '\'')
        {
            // One literal: the scanner's end of the literal starting at 0 is the end of the text.
            var text = expr.ToString();
            return ClickHouseSql.SkipQuotedOrComment(text, 0) == text.Length;
        }
        if (expr.Length > 0 && expr[0] == '(' && expr[^1] == ')') expr = expr[1..^1].Trim();
        return expr.Length > 0 && double.TryParse(expr, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _);
    }

    private static string MapName(string type) => type.ToUpperInvariant() is "BOOLEAN" or "BOOL" ? "UInt8" : type;

    private static string Nullable(string type)
    {
        var upper = type.ToUpperInvariant();
        if (upper.StartsWith("NULLABLE(", StringComparison.Ordinal) || upper.StartsWith("ARRAY(", StringComparison.Ordinal)
            || upper.StartsWith("TUPLE(", StringComparison.Ordinal) || upper.StartsWith("LOWCARDINALITY(", StringComparison.Ordinal))
            return type;
        return $"Nullable({MapName(type)})";
    }
}
