using System.Buffers;
using System.Buffers.Binary;
using System.Globalization;
using System.Text;

namespace Vigil.Engine.ClickHouse;

/// <summary>
/// Rows in ClickHouse's <c>RowBinary</c> format, written column by column against the target columns' types, so that no
/// value goes through the server's text parser (18.16's is not correctly rounded: <c>-3.548805</c> sent as text is stored
/// one ulp off; docs/engine.md, "Loading the test tables"). Each row is its columns' values in order: a Nullable value
/// led by one byte (1 = NULL, then nothing; 0 = a value follows); Float64 as its 8 bytes little-endian (the bits .NET
/// holds, -0.0 and ±inf kept; NaN is written as NULL, since the stores keep no NaN, as the text path did); String as a
/// LEB128 length and the UTF-8 bytes, unescaped; DateTime as UInt32 seconds since 1970 (whole seconds, the fraction
/// dropped, as the text path did; a time outside 1970 to 2106 as 0, the zero DateTime 18.16 stores for such text);
/// UInt8, UInt64, Int64 little-endian. Supported types: String, Float64, DateTime and DateTime('zone'), UInt8, UInt64,
/// Int64, and Nullable of each. A value of the wrong kind for its column throws before anything is sent.
/// </summary>
internal sealed class ClickHouseRowBinary
{
    private enum Kind { String, Float64, DateTime, UInt8, UInt64, Int64 }

    private readonly (string Name, Kind Kind, bool Nullable)[] _columns;
    private readonly ArrayBufferWriter<byte> _buffer;
    private int _column;

    /// <summary>A writer for rows of <paramref name="columns"/> (name, ClickHouse type as in CREATE TABLE), after
    /// <paramref name="prefix"/> (the statement's text, sent before the data in the same body).</summary>
    internal ClickHouseRowBinary(IReadOnlyList<(string Name, string Type)> columns, ReadOnlySpan<byte> prefix)
    {
        ArgumentNullException.ThrowIfNull(columns);
        if (columns.Count == 0) throw new ArgumentException("RowBinary: no columns", nameof(columns));
        _columns = [.. columns.Select(c => Parse(c.Name, c.Type))];
        _buffer = new ArrayBufferWriter<byte>(Math.Max(4096, prefix.Length * 2));
        _buffer.Write(prefix);
        PrefixLength = prefix.Length;
    }

    private static (string, Kind, bool) Parse(string name, string type)
    {
        string t = type.Trim();
        bool nullable = t.StartsWith("Nullable(", StringComparison.Ordinal) && t.EndsWith(')');
        if (nullable) t = t["Nullable(".Length..^1].Trim();
        Kind kind = t switch
        {
            "String" => Kind.String,
            "Float64" => Kind.Float64,
            "UInt8" => Kind.UInt8,
            "UInt64" => Kind.UInt64,
            "Int64" => Kind.Int64,
            _ when t == "DateTime" || t.StartsWith("DateTime(", StringComparison.Ordinal) => Kind.DateTime,
            _ => throw new NotSupportedException($"RowBinary: column {name}: type {type} is not supported"),
        };
        return (name, kind, nullable);
    }

    internal int PrefixLength { get; }

    /// <summary>Rows completed so far.</summary>
    public int Rows { get; private set; }

    /// <summary>The statement's text and the rows written (complete rows only: see <see cref="CheckComplete"/>).</summary>
    internal ReadOnlyMemory<byte> Body => _buffer.WrittenMemory;

    internal void CheckComplete()
    {
        if (_column != 0)
            throw new InvalidOperationException($"RowBinary: row {Rows + 1} ends after {_column} of {_columns.Length} columns");
    }

    /// <summary>The next column's value, which must be a String column.</summary>
    public void String(string? value)
    {
        if (!Begin(Kind.String, value is null)) return;
        WriteString(value!);
        Next();
    }

    /// <summary>The next column's value, which must be a Float64 column; NaN is written as NULL.</summary>
    public void Float64(double? value)
    {
        if (!Begin(Kind.Float64, value is not { } v || double.IsNaN(v))) return;
        BinaryPrimitives.WriteDoubleLittleEndian(_buffer.GetSpan(8), value!.Value);
        _buffer.Advance(8);
        Next();
    }

    /// <summary>The next column's value, which must be a DateTime column (the time as UTC, whole seconds).</summary>
    public void DateTime(DateTime? value)
    {
        if (!Begin(Kind.DateTime, value is null)) return;
        long seconds = Math.DivRem(value!.Value.Ticks - System.DateTime.UnixEpoch.Ticks, TimeSpan.TicksPerSecond, out long rest);
        if (rest < 0) seconds--;
        uint stored = seconds is >= 0 and <= uint.MaxValue ? (uint)seconds : 0;
        BinaryPrimitives.WriteUInt32LittleEndian(_buffer.GetSpan(4), stored);
        _buffer.Advance(4);
        Next();
    }

    /// <summary>The next column's value, which must be a UInt8 column: 1 for true, 0 for false.</summary>
    public void UInt8(bool? value)
    {
        if (!Begin(Kind.UInt8, value is null)) return;
        _buffer.GetSpan(1)[0] = value!.Value ? (byte)1 : (byte)0;
        _buffer.Advance(1);
        Next();
    }

    /// <summary>The next column's value, which must be a UInt64 column.</summary>
    public void UInt64(ulong value)
    {
        Begin(Kind.UInt64, false);
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), value);
        _buffer.Advance(8);
        Next();
    }

    /// <summary>The next column's value, whatever its type, from a value of a compatible kind: a number, bool, string or
    /// DateTime as the column's type holds it (a String column takes a number as its round-trip text, a bool as 1 or 0;
    /// a Float64 column a bool as 1 or 0 and a string as parsed correctly rounded; a UInt8 column a bool or an integer
    /// from 0 to 255). Anything else throws.</summary>
    public void Value(object? value)
    {
        var (name, kind, _) = _columns[_column];
        switch (kind)
        {
            case Kind.String:
                String(value switch
                {
                    null or string => (string?)value,
                    bool b => b ? "1" : "0",
                    System.DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
                    double d when double.IsNaN(d) => null,
                    double d => d.ToString("R", CultureInfo.InvariantCulture),
                    IConvertible c when IsNumber(c) => Convert.ToString(c, CultureInfo.InvariantCulture),
                    _ => throw Mismatch(name, kind, value),
                });
                break;
            case Kind.Float64:
                Float64(value switch
                {
                    null => null,
                    double d => d,
                    bool b => b ? 1.0 : 0.0,
                    string s when double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out double parsed) => parsed,
                    IConvertible c when IsNumber(c) => Convert.ToDouble(c, CultureInfo.InvariantCulture),
                    _ => throw Mismatch(name, kind, value),
                });
                break;
            case Kind.DateTime:
                DateTime(value switch
                {
                    null => null,
                    System.DateTime t => t,
                    _ => throw Mismatch(name, kind, value),
                });
                break;
            case Kind.UInt8:
                UInt8(value switch
                {
                    null => null,
                    bool b => b,
                    IConvertible c when IsInteger(c) && Convert.ToInt64(c, CultureInfo.InvariantCulture) is 0 or 1 => Convert.ToInt64(c, CultureInfo.InvariantCulture) == 1,
                    _ => throw Mismatch(name, kind, value),
                });
                break;
            case Kind.UInt64 or Kind.Int64:
                if (value is null)
                {
                    if (!Begin(kind, true)) return;
                }
                if (value is not IConvertible n || !IsInteger(n)) throw Mismatch(name, kind, value);
                Begin(kind, false);
                if (kind == Kind.UInt64) BinaryPrimitives.WriteUInt64LittleEndian(_buffer.GetSpan(8), Convert.ToUInt64(n, CultureInfo.InvariantCulture));
                else BinaryPrimitives.WriteInt64LittleEndian(_buffer.GetSpan(8), Convert.ToInt64(n, CultureInfo.InvariantCulture));
                _buffer.Advance(8);
                Next();
                break;
        }
    }

    private static bool IsInteger(IConvertible c) => c.GetTypeCode() is TypeCode.SByte or TypeCode.Byte or TypeCode.Int16 or TypeCode.UInt16
        or TypeCode.Int32 or TypeCode.UInt32 or TypeCode.Int64 or TypeCode.UInt64;

    private static bool IsNumber(IConvertible c) => IsInteger(c) || c.GetTypeCode() is TypeCode.Single or TypeCode.Double or TypeCode.Decimal;

    private static InvalidOperationException Mismatch(string name, Kind kind, object? value) =>
        new($"RowBinary: column {name} ({kind}) cannot hold {value?.GetType().Name ?? "null"} {Convert.ToString(value, CultureInfo.InvariantCulture)}");

    /// <summary>Checks the next column's kind and writes its null byte; false when the value is NULL (written whole).</summary>
    private bool Begin(Kind kind, bool isNull)
    {
        var (name, want, nullable) = _columns[_column];
        if (want != kind) throw new InvalidOperationException($"RowBinary: column {name} is {want}, not {kind}");
        if (isNull && !nullable) throw new InvalidOperationException($"RowBinary: column {name} is not Nullable but the value is NULL");
        if (nullable)
        {
            _buffer.GetSpan(1)[0] = isNull ? (byte)1 : (byte)0;
            _buffer.Advance(1);
        }
        if (isNull) Next();
        return !isNull;
    }

    private void Next()
    {
        if (++_column == _columns.Length)
        {
            _column = 0;
            Rows++;
        }
    }

    private void WriteString(string value)
    {
        int n = Encoding.UTF8.GetByteCount(value);
        Span<byte> span = _buffer.GetSpan(n + 5);
        int at = 0;
        uint rest = (uint)n;
        while (rest >= 0x80)
        {
            span[at++] = (byte)(rest | 0x80);
            rest >>= 7;
        }
        span[at++] = (byte)rest;
        at += Encoding.UTF8.GetBytes(value, span[at..]);
        _buffer.Advance(at);
    }
}
