using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>
/// Reads ClickHouse's <c>TSVWithNamesAndTypes</c> output from a stream, field by field, into <see cref="TableBuilder"/>s
/// without holding more than one chunk. Fields are tab-separated, rows end with a newline; inside a field ClickHouse
/// escapes \t \n \r \b \f \0 \' \\ (and may write \a \v \xHH), and <c>\N</c> alone is NULL.
/// </summary>
internal sealed class ClickHouseTsvReader
{
    private readonly Stream _stream;
    private readonly byte[] _buf = new byte[1 << 16];
    private int _pos, _len;
    private bool _eof;
    private byte[] _field = new byte[256];
    private int _fieldLength;
    private bool _fieldIsNull;
    private ClickHouseColumnType[] _types = [];
    private string[] _names = [];
    private long _rowsRead;

    public ClickHouseTsvReader(Stream stream) => _stream = stream;

    public IReadOnlyList<string> Names => _names;

    public IReadOnlyList<ClickHouseColumnType> Types => _types;

    /// <summary>Reads the two header lines (names, then types). <paramref name="serverTimeZone"/> is the zone of DateTime
    /// columns that name none.</summary>
    public void ReadHeader(TimeZoneInfo serverTimeZone)
    {
        List<string> names = ReadTextLine() ?? throw Malformed("no header line");
        List<string> types = ReadTextLine() ?? throw Malformed("no types line");
        if (names.Count != types.Count) throw Malformed($"{names.Count} names but {types.Count} types");
        _names = [.. names];
        _types = [.. types.Select(t => ClickHouseColumnType.Parse(t, serverTimeZone))];
    }

    /// <summary>A builder for this result's columns.</summary>
    public TableBuilder NewBuilder(int capacity) => new(_names, _types.Select(t => t.Kind).ToArray(), capacity);

    /// <summary>Reads up to <paramref name="maxRows"/> rows into <paramref name="b"/>; false when the stream ended.</summary>
    public bool ReadRows(TableBuilder b, int maxRows)
    {
        int n = _types.Length;
        while (b.RowCount < maxRows)
        {
            if (!HasMore()) return false;
            b.Reserve(1);
            int row = b.RowCount;
            for (int c = 0; c < n; c++)
            {
                int end = ReadField();
                if (end < 0 || (end == 1) != (c == n - 1)) throw RowError(c, end);
                ColumnBuilder col = b.Column(c);
                if (_fieldIsNull)
                {
                    col.SetNull(row);
                    continue;
                }
                try
                {
                    _types[c].Read(_field.AsSpan(0, _fieldLength), col, row);
                }
                catch (VigilEngineException e) when (e.Code == "FORMAT" && c == 0 && _field.AsSpan(0, _fieldLength).StartsWith("Code: "u8))
                {
                    throw RowError(c, end);
                }
            }
            b.Advance(1);
            _rowsRead++;
        }
        return true;
    }

    private Exception RowError(int column, int end)
    {
        // With wait_end_of_query=1 errors come as HTTP 500; a server that still appends one to a 200 answer shows it here.
        string text = Encoding.UTF8.GetString(_field, 0, _fieldLength);
        string rest = text + ReadRestAsText();
        if (rest.Contains("Code:", StringComparison.Ordinal))
        {
            (string code, _) = ClickHouseErrors.Parse(rest);
            if (code.Length > 0) return ClickHouseErrors.FromResponse(rest, 200, null);
        }
        return Malformed($"row {(_rowsRead + 1).ToString(CultureInfo.InvariantCulture)}, column {column + 1}: " +
                         (end < 0 ? "the result ended inside a row" : end == 1 ? "the row ended early" : "the row has more fields than the header"));
    }

    private string ReadRestAsText()
    {
        var ms = new MemoryStream();
        ms.Write(_buf, _pos, _len - _pos);
        _pos = _len;
        if (!_eof)
        {
            var tmp = new byte[8192];
            int n;
            while (ms.Length < 1 << 20 && (n = _stream.Read(tmp, 0, tmp.Length)) > 0) ms.Write(tmp, 0, n);
        }
        return Encoding.UTF8.GetString(ms.GetBuffer(), 0, (int)ms.Length);
    }

    private static VigilEngineException Malformed(string what) =>
        new(VigilEngineException.ClickHouse, "FORMAT", $"malformed TSV answer from ClickHouse: {what}", isUserError: false);

    private List<string>? ReadTextLine()
    {
        if (!HasMore()) return null;
        var list = new List<string>();
        while (true)
        {
            int end = ReadField();
            if (end < 0) return list.Count == 0 ? null : list;
            list.Add(Encoding.UTF8.GetString(_field, 0, _fieldLength));
            if (end == 1) return list;
        }
    }

    private bool HasMore()
    {
        if (_pos < _len) return true;
        Fill();
        return _pos < _len;
    }

    private void Fill()
    {
        if (_eof) return;
        _pos = 0;
        _len = 0;
        while (_len == 0)
        {
            int n = _stream.Read(_buf, 0, _buf.Length);
            if (n <= 0)
            {
                _eof = true;
                return;
            }
            _len = n;
        }
    }

    /// <summary>Reads one field into <see cref="_field"/> (unescaped). Returns 0 when a tab ended it, 1 for a newline or
    /// the end of the stream after some bytes, -1 at the end of the stream before any byte.</summary>
    private int ReadField()
    {
        _fieldLength = 0;
        _fieldIsNull = false;
        bool any = false, nullEscape = false;
        while (true)
        {
            if (_pos >= _len)
            {
                Fill();
                if (_pos >= _len)
                {
                    _fieldIsNull = nullEscape && _fieldLength == 0;
                    return any ? 1 : -1;
                }
            }
            any = true;
            ReadOnlySpan<byte> span = _buf.AsSpan(_pos, _len - _pos);
            int k = span.IndexOfAny((byte)'\t', (byte)'\n', (byte)'\\');
            if (k < 0)
            {
                Append(span);
                _pos = _len;
                continue;
            }
            Append(span[..k]);
            _pos += k;
            byte b = _buf[_pos++];
            if (b == '\t' || b == '\n')
            {
                _fieldIsNull = nullEscape && _fieldLength == 0;
                return b == '\n' ? 1 : 0;
            }
            // A backslash: the escaped byte may be in the next buffer.
            if (_pos >= _len)
            {
                Fill();
                if (_pos >= _len) throw Malformed("the result ends with a backslash");
            }
            byte e = _buf[_pos++];
            switch (e)
            {
                case (byte)'N':
                    nullEscape = true;
                    break;
                case (byte)'t': AppendByte((byte)'\t'); break;
                case (byte)'n': AppendByte((byte)'\n'); break;
                case (byte)'r': AppendByte((byte)'\r'); break;
                case (byte)'b': AppendByte((byte)'\b'); break;
                case (byte)'f': AppendByte((byte)'\f'); break;
                case (byte)'a': AppendByte(7); break;
                case (byte)'v': AppendByte(11); break;
                case (byte)'0': AppendByte(0); break;
                case (byte)'x':
                    {
                        int hi = HexDigit(NextByte()), lo = HexDigit(NextByte());
                        AppendByte((byte)(hi * 16 + lo));
                        break;
                    }
                default: AppendByte(e); break; // \\ \' \" and anything else stand for themselves
            }
        }
    }

    private byte NextByte()
    {
        if (_pos >= _len)
        {
            Fill();
            if (_pos >= _len) throw Malformed("the result ends inside an escape");
        }
        return _buf[_pos++];
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => throw Malformed("bad \\x escape"),
    };

    private void Append(ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length == 0) return;
        if (_fieldLength + bytes.Length > _field.Length) Array.Resize(ref _field, Math.Max(_field.Length * 2, _fieldLength + bytes.Length));
        bytes.CopyTo(_field.AsSpan(_fieldLength));
        _fieldLength += bytes.Length;
    }

    private void AppendByte(byte b)
    {
        if (_fieldLength == _field.Length) Array.Resize(ref _field, _field.Length * 2);
        _field[_fieldLength++] = b;
    }
}

/// <summary>
/// A ClickHouse column type and how its text values cross into .NET. <c>Nullable(T)</c> and <c>LowCardinality(T)</c> read
/// as T. Integers → Int64 (a UInt64/Int128/UInt128 value beyond Int64 turns the column into Double, as DuckDB's UBIGINT
/// does); Float32/64 and Decimal → Double (inf, -inf, nan); Bool → Boolean; Date, DateTime, DateTime('tz'),
/// DateTime64(p[, 'tz']) → Timestamp in UTC; String, FixedString (trailing zero bytes dropped), Enum, UUID, IPs, and
/// composite types (Array, Tuple, Map: their ClickHouse text such as <c>[1.5,2]</c>) → String.
/// </summary>
internal sealed class ClickHouseColumnType
{
    private enum Reader { Integer, Float, Bool, Text, FixedText, Date, DateTime }

    private readonly Reader _reader;
    private readonly TimeZoneInfo? _zone;

    private ClickHouseColumnType(string name, ColumnKind kind, Reader reader, TimeZoneInfo? zone)
    {
        Name = name;
        Kind = kind;
        _reader = reader;
        _zone = zone;
    }

    /// <summary>The type as ClickHouse names it.</summary>
    public string Name { get; }

    public ColumnKind Kind { get; }

    /// <summary>Parses a type name such as <c>Nullable(DateTime('Europe/Moscow'))</c>.</summary>
    public static ClickHouseColumnType Parse(string name, TimeZoneInfo serverTimeZone)
    {
        string t = name.Trim();
        while (true)
        {
            if (Unwrap(ref t, "Nullable(") || Unwrap(ref t, "LowCardinality(")) continue;
            break;
        }
        string bare = t.Contains('(', StringComparison.Ordinal) ? t[..t.IndexOf('(', StringComparison.Ordinal)] : t;
        switch (bare)
        {
            case "Int8" or "Int16" or "Int32" or "Int64" or "UInt8" or "UInt16" or "UInt32" or "UInt64"
                or "Int128" or "UInt128" or "Int256" or "UInt256":
                return new(name, ColumnKind.Int64, Reader.Integer, null);
            case "Float32" or "Float64" or "Decimal" or "Decimal32" or "Decimal64" or "Decimal128" or "Decimal256" or "BFloat16":
                return new(name, ColumnKind.Double, Reader.Float, null);
            case "Bool" or "Boolean":
                return new(name, ColumnKind.Boolean, Reader.Bool, null);
            case "Date" or "Date32":
                return new(name, ColumnKind.Timestamp, Reader.Date, null);
            case "DateTime" or "DateTime64":
                return new(name, ColumnKind.Timestamp, Reader.DateTime, ZoneOf(t, serverTimeZone));
            case "FixedString":
                return new(name, ColumnKind.String, Reader.FixedText, null);
            default:
                return new(name, ColumnKind.String, Reader.Text, null);
        }
    }

    private static bool Unwrap(ref string t, string prefix)
    {
        if (!t.StartsWith(prefix, StringComparison.Ordinal) || !t.EndsWith(')')) return false;
        t = t[prefix.Length..^1].Trim();
        return true;
    }

    /// <summary>The zone named in <c>DateTime('tz')</c> or <c>DateTime64(3, 'tz')</c>, else the server's.</summary>
    private static TimeZoneInfo ZoneOf(string t, TimeZoneInfo serverTimeZone)
    {
        int q = t.IndexOf('\'', StringComparison.Ordinal);
        if (q < 0) return serverTimeZone;
        int q2 = t.IndexOf('\'', q + 1);
        if (q2 < 0) return serverTimeZone;
        return FindZone(t[(q + 1)..q2]);
    }

    /// <summary>A time zone by its IANA name; UTC for the names of UTC.</summary>
    public static TimeZoneInfo FindZone(string id)
    {
        if (id is "UTC" or "Etc/UTC" or "Etc/UCT" or "UCT" or "Universal" or "Etc/Universal" or "Zulu" or "Etc/Zulu" or "GMT" or "Etc/GMT" or "")
            return TimeZoneInfo.Utc;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(id);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw new VigilEngineException(VigilEngineException.ClickHouse, "TIMEZONE",
                $"ClickHouse returned times in the time zone \"{id}\", which this machine does not know; convert them with toTimeZone(x, 'UTC')", isUserError: true);
        }
    }

    /// <summary>Reads one (non-NULL) value into <paramref name="col"/> at <paramref name="row"/>.</summary>
    public void Read(ReadOnlySpan<byte> v, ColumnBuilder col, int row)
    {
        switch (_reader)
        {
            case Reader.Integer:
                if (col.Kind == ColumnKind.Int64 && Utf8Parser.TryParse(v, out long l, out int used) && used == v.Length)
                {
                    col.SetInt64(row, l);
                    return;
                }
                double big = ParseDouble(v);
                if (col.Kind == ColumnKind.Int64) col.PromoteToDouble(row);
                col.SetDouble(row, big);
                return;
            case Reader.Float:
                col.SetDouble(row, ParseDouble(v));
                return;
            case Reader.Bool:
                col.SetInt64(row, v.SequenceEqual("true"u8) || v.SequenceEqual("1"u8) ? 1 : 0);
                return;
            case Reader.Text:
                col.Strings![row] = Encoding.UTF8.GetString(v);
                return;
            case Reader.FixedText:
                col.Strings![row] = Encoding.UTF8.GetString(v.TrimEnd((byte)0));
                return;
            case Reader.Date:
                col.SetInt64(row, Table.DateTimeToMicros(ParseDateTime(v)));
                return;
            default:
                {
                    DateTime local = ParseDateTime(v);
                    DateTime utc = _zone == TimeZoneInfo.Utc || local.Ticks == DateTime.UnixEpoch.Ticks && IsZeroDate(v)
                        ? local
                        : TimeZoneInfo.ConvertTimeToUtc(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), _zone!);
                    col.SetInt64(row, Table.DateTimeToMicros(DateTime.SpecifyKind(utc, DateTimeKind.Utc)));
                    return;
                }
        }
    }

    private static double ParseDouble(ReadOnlySpan<byte> v)
    {
        if (v.SequenceEqual("inf"u8) || v.SequenceEqual("+inf"u8)) return double.PositiveInfinity;
        if (v.SequenceEqual("-inf"u8)) return double.NegativeInfinity;
        if (v.SequenceEqual("nan"u8) || v.SequenceEqual("-nan"u8) || v.SequenceEqual("+nan"u8)) return double.NaN;
        if (double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out double d)) return d;
        throw new VigilEngineException(VigilEngineException.ClickHouse, "FORMAT", $"malformed number in ClickHouse's answer: {Encoding.UTF8.GetString(v)}", isUserError: false);
    }

    private static bool IsZeroDate(ReadOnlySpan<byte> v) => v.StartsWith("0000-00-00"u8);

    /// <summary>yyyy-MM-dd[ HH:mm:ss[.fffffffff]]; the zero date 0000-00-00 (ClickHouse's default) is the Unix epoch.</summary>
    private static DateTime ParseDateTime(ReadOnlySpan<byte> v)
    {
        if (IsZeroDate(v)) return DateTime.UnixEpoch;
        if (v.Length < 10 || v[4] != '-' || v[7] != '-') throw BadTime(v);
        int year = Digits(v, 0, 4), month = Digits(v, 5, 2), day = Digits(v, 8, 2);
        int hour = 0, minute = 0, second = 0;
        long fractionTicks = 0;
        if (v.Length > 10)
        {
            if (v.Length < 19 || (v[10] != ' ' && v[10] != 'T') || v[13] != ':' || v[16] != ':') throw BadTime(v);
            hour = Digits(v, 11, 2);
            minute = Digits(v, 14, 2);
            second = Digits(v, 17, 2);
            if (v.Length > 19)
            {
                if (v[19] != '.') throw BadTime(v);
                long scale = TimeSpan.TicksPerSecond;
                for (int i = 20; i < v.Length; i++)
                {
                    int d = v[i] - '0';
                    if ((uint)d > 9) throw BadTime(v);
                    scale /= 10;
                    fractionTicks += d * scale; // digits beyond 100 ns (DateTime64(9)) add 0
                }
            }
        }
        try
        {
            return new DateTime(year, month, day, hour, minute, second, DateTimeKind.Utc).AddTicks(fractionTicks);
        }
        catch (ArgumentOutOfRangeException)
        {
            throw BadTime(v);
        }
    }

    private static int Digits(ReadOnlySpan<byte> v, int start, int count)
    {
        int n = 0;
        for (int i = start; i < start + count; i++)
        {
            int d = v[i] - '0';
            if ((uint)d > 9) throw BadTime(v);
            n = n * 10 + d;
        }
        return n;
    }

    private static VigilEngineException BadTime(ReadOnlySpan<byte> v) =>
        new(VigilEngineException.ClickHouse, "FORMAT", $"malformed date or time in ClickHouse's answer: {Encoding.UTF8.GetString(v)}", isUserError: false);
}
