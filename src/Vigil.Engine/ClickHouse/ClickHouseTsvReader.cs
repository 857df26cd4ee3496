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
