using System.Globalization;

namespace Vigil.Engine;

/// <summary>
/// A small materialized query result, stored column by column. Null values read as 0 / NaN / null in the
/// typed spans; check <see cref="IsNull"/> when it matters. Booleans are stored as 0/1 and timestamps
/// as microseconds since the Unix epoch (UTC) in <see cref="Int64s"/>; doubles hold NaN where null.
/// </summary>
internal sealed class Table
{
    private readonly string[] _names;
    private readonly TableColumn[] _columns;

    internal Table(string[] names, TableColumn[] columns, int rowCount)
    {
        if (names.Length != columns.Length) throw new ArgumentException("names and columns differ in length");
        _names = names;
        _columns = columns;
        RowCount = rowCount;
    }

    public int RowCount { get; }

    public int ColumnCount => _columns.Length;

    public IReadOnlyList<string> Names => _names;

    public ColumnKind Kind(int col) => _columns[col].Kind;

    /// <summary>Index of the column named <paramref name="name"/> (exact match first, then case-insensitive).</summary>
    public int IndexOf(string name)
    {
        int i = Array.IndexOf(_names, name);
        if (i >= 0) return i;
        for (int j = 0; j < _names.Length; j++)
        {
            if (string.Equals(_names[j], name, StringComparison.OrdinalIgnoreCase)) return j;
        }
        throw new KeyNotFoundException($"column \"{name}\" not in result (columns: {string.Join(", ", _names)})");
    }

    public bool IsNull(int col, int row)
    {
        CheckRow(row);
        bool[]? n = _columns[col].Nulls;
        return n is not null && n[row];
    }

    public long GetInt64(int col, int row)
    {
        CheckRow(row);
        TableColumn c = _columns[col];
        return c.Kind switch
        {
            ColumnKind.Int64 or ColumnKind.Boolean or ColumnKind.Timestamp => c.Longs![row],
            ColumnKind.Double when !c.IsNullAt(row) && double.IsInteger(c.DoubleValues![row]) => (long)c.DoubleValues[row],
            _ => throw Mismatch(col, "Int64"),
        };
    }

    public double GetDouble(int col, int row)
    {
        CheckRow(row);
        TableColumn c = _columns[col];
        return c.Kind switch
        {
            ColumnKind.Double => c.DoubleValues![row],
            ColumnKind.Int64 or ColumnKind.Boolean => c.IsNullAt(row) ? double.NaN : c.Longs![row],
            _ => throw Mismatch(col, "Double"),
        };
    }

    public bool GetBoolean(int col, int row)
    {
        CheckRow(row);
        TableColumn c = _columns[col];
        return c.Kind switch
        {
            ColumnKind.Boolean or ColumnKind.Int64 => c.Longs![row] != 0,
            _ => throw Mismatch(col, "Boolean"),
        };
    }

    public DateTime GetDateTime(int col, int row)
    {
        CheckRow(row);
        TableColumn c = _columns[col];
        if (c.Kind != ColumnKind.Timestamp) throw Mismatch(col, "Timestamp");
        return MicrosToDateTime(c.Longs![row]);
    }

    /// <summary>The value formatted invariantly (timestamps as <c>yyyy-MM-dd HH:mm:ss[.ffffff]</c>), or null.</summary>
    public string? GetString(int col, int row)
    {
        CheckRow(row);
        TableColumn c = _columns[col];
        if (c.IsNullAt(row)) return null;
        return c.Kind switch
        {
            ColumnKind.String => c.Strings![row],
            ColumnKind.Boolean => c.Longs![row] != 0 ? "true" : "false",
            ColumnKind.Int64 => c.Longs![row].ToString(CultureInfo.InvariantCulture),
            ColumnKind.Double => c.DoubleValues![row].ToString("R", CultureInfo.InvariantCulture),
            ColumnKind.Timestamp => FormatTimestamp(c.Longs![row]),
            _ => throw new InvalidOperationException(),
        };
    }

    /// <summary>Doubles of a Double, Int64 or Boolean column (converted once and cached); NaN where null.</summary>
    public ReadOnlySpan<double> Doubles(int col)
    {
        TableColumn c = _columns[col];
        if (c.Kind == ColumnKind.Double) return c.DoubleValues.AsSpan(0, RowCount);
        if (c.Kind is ColumnKind.Int64 or ColumnKind.Boolean)
        {
            if (c.ConvertedDoubles is null)
            {
                var d = new double[RowCount];
                long[] l = c.Longs!;
                for (int i = 0; i < d.Length; i++) d[i] = c.IsNullAt(i) ? double.NaN : l[i];
                c.ConvertedDoubles = d;
            }
            return c.ConvertedDoubles;
        }
        throw Mismatch(col, "Double");
    }

    /// <summary>Raw 64-bit values of an Int64, Boolean (0/1) or Timestamp (microseconds) column; 0 where null.</summary>
    public ReadOnlySpan<long> Int64s(int col)
    {
        TableColumn c = _columns[col];
        if (c.Kind is ColumnKind.Int64 or ColumnKind.Boolean or ColumnKind.Timestamp) return c.Longs.AsSpan(0, RowCount);
        throw Mismatch(col, "Int64");
    }

    /// <summary>Strings of a String column; null where null.</summary>
    public ReadOnlySpan<string?> Strings(int col)
    {
        TableColumn c = _columns[col];
        if (c.Kind == ColumnKind.String) return c.Strings.AsSpan(0, RowCount);
        throw Mismatch(col, "String");
    }

    /// <summary>A short invariant text rendering (for debugging and tests).</summary>
    public override string ToString()
    {
        var sb = new System.Text.StringBuilder();
        sb.AppendJoin('|', _names).Append('\n');
        for (int r = 0; r < RowCount; r++)
        {
            for (int c = 0; c < _columns.Length; c++)
            {
                if (c > 0) sb.Append('|');
                sb.Append(GetString(c, r) ?? "NULL");
            }
            sb.Append('\n');
        }
        return sb.ToString();
    }

    internal static DateTime MicrosToDateTime(long micros)
    {
        const long MinMicros = (0L - 621355968000000000L) / 10; // DateTime.MinValue
        const long MaxMicros = (3155378975999999999L - 621355968000000000L) / 10;
        if (micros <= MinMicros) return DateTime.SpecifyKind(DateTime.MinValue, DateTimeKind.Utc);
        if (micros >= MaxMicros) return DateTime.SpecifyKind(DateTime.MaxValue, DateTimeKind.Utc);
        return new DateTime(DateTime.UnixEpoch.Ticks + micros * 10, DateTimeKind.Utc);
    }

    internal static long DateTimeToMicros(DateTime value)
    {
        DateTime utc = value.Kind == DateTimeKind.Local ? value.ToUniversalTime() : value;
        return (utc.Ticks - DateTime.UnixEpoch.Ticks) / 10;
    }

    internal static string FormatTimestamp(long micros)
    {
        DateTime dt = MicrosToDateTime(micros);
        return dt.Ticks % TimeSpan.TicksPerSecond == 0
            ? dt.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)
            : dt.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture);
    }

    private void CheckRow(int row)
    {
        if ((uint)row >= (uint)RowCount) throw new ArgumentOutOfRangeException(nameof(row), row, $"row out of range (0..{RowCount - 1})");
    }

    private InvalidCastException Mismatch(int col, string wanted) =>
        new($"column \"{_names[col]}\" is {_columns[col].Kind}, not readable as {wanted}");
}

/// <summary>Storage of one column. Exactly one of Longs / DoubleValues / Strings is set, by kind.</summary>
internal sealed class TableColumn
{
    public ColumnKind Kind;
    public long[]? Longs;
    public double[]? DoubleValues;
    public string?[]? Strings;
    public bool[]? Nulls;
    public double[]? ConvertedDoubles;

    public bool IsNullAt(int row) => Nulls is not null && Nulls[row];
}
