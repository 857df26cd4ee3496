using System.Globalization;
using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>Bulk inserts: rows sent as <c>TabSeparated</c> in the body of one <c>INSERT</c>. Into a Distributed table
/// the statement returns once every row is on its shard (the engine sends <c>insert_distributed_sync=1</c>), so what it
/// acknowledges can be read back at once.</summary>
internal sealed partial class ClickHouseEngine
{
    /// <summary>Inserts rows into <paramref name="table"/>'s <paramref name="columns"/> (quoted identifiers):
    /// <paramref name="writeRows"/> appends one line per row, values escaped with <see cref="AppendTsv(StringBuilder, string?)"/>
    /// and the other Append methods, separated by tabs.</summary>
    public void InsertTsv(string table, IEnumerable<string> columns, Action<StringBuilder> writeRows)
    {
        ArgumentNullException.ThrowIfNull(writeRows);
        var body = new StringBuilder($"INSERT INTO {table} ({string.Join(", ", columns)}) FORMAT TabSeparated\n");
        int start = body.Length;
        writeRows(body);
        if (body.Length == start) return;
        using HttpResponseMessage response = Send(body.ToString(), default, $"INSERT INTO {table} ({string.Join(", ", columns)}) FORMAT TabSeparated (rows)");
        Drain(response);
    }

    /// <summary>A text value (or NULL as <c>\N</c>) in TabSeparated's escaping.</summary>
    public static void AppendTsv(StringBuilder sb, string? value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (value is null)
        {
            sb.Append("\\N");
            return;
        }
        foreach (char c in value)
        {
            switch (c)
            {
                case '\\': sb.Append("\\\\"); break;
                case '\t': sb.Append("\\t"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\0': sb.Append("\\0"); break;
                default: sb.Append(c); break;
            }
        }
    }

    /// <summary>A number (NULL for null or NaN: the stores keep no NaN), round-trip exact.</summary>
    public static void AppendTsv(StringBuilder sb, double? value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (value is not { } v || double.IsNaN(v)) sb.Append("\\N");
        else if (double.IsPositiveInfinity(v)) sb.Append("inf");
        else if (double.IsNegativeInfinity(v)) sb.Append("-inf");
        else sb.Append(v.ToString("R", CultureInfo.InvariantCulture));
    }

    /// <summary>A DateTime column's value (whole seconds, as 18.16's DateTime keeps; the time is UTC).</summary>
    public static void AppendTsv(StringBuilder sb, DateTime? value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (value is { } t) sb.Append(t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture));
        else sb.Append("\\N");
    }
}
