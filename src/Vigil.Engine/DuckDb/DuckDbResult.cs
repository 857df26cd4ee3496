using System.Runtime.InteropServices;
using System.Text;

namespace Vigil.Engine.DuckDb;

/// <summary>
/// A query result (duckdb_result), read chunk by chunk with duckdb_fetch_chunk. For a streaming result
/// only one chunk is in memory at a time.
/// </summary>
internal sealed unsafe class DuckDbResult : IDisposable
{
    private DuckDbResultStruct* _result;
    private string[] _names = [];
    private DuckDbType[] _types = [];
    private ColumnKind[] _kinds = [];
    private DecimalInfo[] _decimals = [];

    private readonly record struct DecimalInfo(DuckDbType Internal, double Divisor);

    private DuckDbResult(DuckDbResultStruct* result) => _result = result;

    internal DuckDbResultStruct* Pointer => _result;

    internal static DuckDbResult Allocate()
    {
        var p = (DuckDbResultStruct*)NativeMemory.AllocZeroed((nuint)sizeof(DuckDbResultStruct));
        return new DuckDbResult(p);
    }

    internal void Initialize()
    {
        int n = (int)DuckDbNative.ColumnCount(_result);
        _names = new string[n];
        _types = new DuckDbType[n];
        _kinds = new ColumnKind[n];
        _decimals = new DecimalInfo[n];
        for (int i = 0; i < n; i++)
        {
            _names[i] = DuckDbNative.Utf8(DuckDbNative.ColumnName(_result, (ulong)i)) ?? $"column{i}";
            _types[i] = DuckDbNative.ColumnType(_result, (ulong)i);
            if (_types[i] == DuckDbType.Decimal)
            {
                nint lt = DuckDbNative.ColumnLogicalType(_result, (ulong)i);
                try
                {
                    _decimals[i] = new DecimalInfo(DuckDbNative.DecimalInternalType(lt), Math.Pow(10, DuckDbNative.DecimalScale(lt)));
                }
                finally
                {
                    DuckDbNative.DestroyLogicalType(ref lt);
                }
            }
        }
        for (int i = 0; i < n; i++)
        {
            _kinds[i] = KindOf(_types[i]) ?? throw new DuckDbException(
                $"column \"{_names[i]}\" has type {TypeName(_types[i])}, which Vigil cannot read; CAST it to VARCHAR or DOUBLE", isUserError: true);
        }
    }

    public int ColumnCount => _names.Length;

    public IReadOnlyList<string> Names => _names;

    public DuckDbType ColumnType(int col) => _types[col];

    public ColumnKind Kind(int col) => _kinds[col];

    /// <summary>Appends the next chunk to <paramref name="builder"/>; false at the end.</summary>
    public bool ReadChunk(TableBuilder builder)
    {
        ObjectDisposedException.ThrowIf(_result == null, this);
        nint chunk = DuckDbNative.FetchChunk(*_result);
        if (chunk == 0)
        {
            ThrowIfFailed();
            return false;
        }
        try
        {
            int size = (int)DuckDbNative.DataChunkGetSize(chunk);
            if (size == 0) return false;
            builder.Reserve(size);
            int offset = builder.RowCount;
            for (int c = 0; c < _names.Length; c++)
            {
                nint vector = DuckDbNative.DataChunkGetVector(chunk, (ulong)c);
                if (_types[c] == DuckDbType.Decimal) ReadDecimal(vector, _decimals[c], builder.Column(c), offset, size);
                else ReadVector(vector, _types[c], builder.Column(c), offset, size);
            }
            builder.Advance(size);
            return true;
        }
        finally
        {
            DuckDbNative.DestroyDataChunk(ref chunk);
        }
    }

    /// <summary>A streamed result that fails part-way ends its chunks early: raise the error rather than a short result.</summary>
    private void ThrowIfFailed()
    {
        string? error = DuckDbNative.Utf8(DuckDbNative.ResultError(_result));
        if (!string.IsNullOrEmpty(error)) throw new DuckDbException(error, DuckDbNative.ResultErrorType(_result), null);
    }

    public TableBuilder NewBuilder(int capacity = 2048) => new(_names, _kinds, capacity);

    /// <summary>The next chunk as its own table, or null at the end.</summary>
    public Table? NextChunk()
    {
        TableBuilder b = NewBuilder();
        return ReadChunk(b) ? b.Build() : null;
    }

    /// <summary>All remaining rows as one table.</summary>
    public Table ReadAll()
    {
        TableBuilder b = NewBuilder();
        while (ReadChunk(b)) { }
        return b.Build();
    }

    private static void ReadVector(nint vector, DuckDbType type, ColumnBuilder col, int offset, int size)
    {
        void* data = DuckDbNative.VectorGetData(vector);
        ulong* validity = DuckDbNative.VectorGetValidity(vector);
        switch (type)
        {
            case DuckDbType.Boolean:
                {
                    byte* d = (byte*)data;
                    long[] l = col.Longs!;
                    for (int i = 0; i < size; i++) l[offset + i] = d[i] != 0 ? 1 : 0;
                    break;
                }
            case DuckDbType.TinyInt: ReadInts((sbyte*)data, col, offset, size); break;
            case DuckDbType.SmallInt: ReadInts((short*)data, col, offset, size); break;
            case DuckDbType.Integer: ReadInts((int*)data, col, offset, size); break;
            case DuckDbType.BigInt: ReadInts((long*)data, col, offset, size); break;
            case DuckDbType.UTinyInt: ReadInts((byte*)data, col, offset, size); break;
            case DuckDbType.USmallInt: ReadInts((ushort*)data, col, offset, size); break;
            case DuckDbType.UInteger: ReadInts((uint*)data, col, offset, size); break;
            case DuckDbType.UBigInt:
                {
                    ulong* d = (ulong*)data;
                    for (int i = 0; i < size; i++)
                    {
                        if (d[i] > long.MaxValue && col.Kind == ColumnKind.Int64 && DuckDbNative.IsValid(validity, i)) col.PromoteToDouble(offset + i);
                        if (col.Kind == ColumnKind.Double) col.SetDouble(offset + i, d[i]);
                        else col.SetInt64(offset + i, (long)d[i]);
                    }
                    break;
                }
            case DuckDbType.HugeInt:
            case DuckDbType.UHugeInt:
                {
                    var d = (DuckDbHugeInt*)data;
                    bool unsigned = type == DuckDbType.UHugeInt;
                    for (int i = 0; i < size; i++)
                    {
                        DuckDbHugeInt h = d[i];
                        bool fits = unsigned
                            ? h.Upper == 0 && h.Lower <= long.MaxValue
                            : (h.Upper == 0 && h.Lower <= long.MaxValue) || (h.Upper == -1 && h.Lower > long.MaxValue);
                        if (!fits && col.Kind == ColumnKind.Int64 && DuckDbNative.IsValid(validity, i)) col.PromoteToDouble(offset + i);
                        if (col.Kind == ColumnKind.Double)
                        {
                            double upper = unsigned ? (ulong)h.Upper : h.Upper;
                            col.SetDouble(offset + i, upper * 18446744073709551616.0 + h.Lower);
                        }
                        else
                        {
                            col.SetInt64(offset + i, (long)h.Lower);
                        }
                    }
                    break;
                }
            case DuckDbType.Float:
                {
                    float* d = (float*)data;
                    double[] a = col.Doubles!;
                    for (int i = 0; i < size; i++) a[offset + i] = d[i];
                    break;
                }
            case DuckDbType.Double:
                new ReadOnlySpan<double>(data, size).CopyTo(col.Doubles.AsSpan(offset, size));
                break;
            case DuckDbType.Varchar:
                {
                    var d = (DuckDbStringT*)data;
                    string?[] s = col.Strings!;
                    // Low-cardinality columns (versions, categories) repeat values: reuse the string object of
                    // either of the last two distinct values instead of decoding and allocating again.
                    DuckDbStringT* last = null, before = null;
                    string? lastValue = null, beforeValue = null;
                    for (int i = 0; i < size; i++)
                    {
                        if (!DuckDbNative.IsValid(validity, i)) continue;
                        DuckDbStringT* cur = &d[i];
                        if (last != null && SameString(cur, last)) { s[offset + i] = lastValue; continue; }
                        if (before != null && SameString(cur, before))
                        {
                            s[offset + i] = beforeValue;
                            DuckDbStringT* tp = last;
                            last = before;
                            before = tp;
                            (lastValue, beforeValue) = (beforeValue, lastValue);
                            continue;
                        }
                        string value = ReadString(cur);
                        s[offset + i] = value;
                        before = last;
                        beforeValue = lastValue;
                        last = cur;
                        lastValue = value;
                    }
                    break;
                }
            case DuckDbType.Date:
                {
                    int* d = (int*)data;
                    long[] l = col.Longs!;
                    for (int i = 0; i < size; i++) l[offset + i] = SaturatingMultiply(d[i], 86_400_000_000L);
                    break;
                }
            case DuckDbType.Timestamp:
            case DuckDbType.TimestampTz:
                new ReadOnlySpan<long>(data, size).CopyTo(col.Longs.AsSpan(offset, size));
                break;
            case DuckDbType.TimestampS:
                {
                    long* d = (long*)data;
                    long[] l = col.Longs!;
                    for (int i = 0; i < size; i++) l[offset + i] = SaturatingMultiply(d[i], 1_000_000L);
                    break;
                }
            case DuckDbType.TimestampMs:
                {
                    long* d = (long*)data;
                    long[] l = col.Longs!;
                    for (int i = 0; i < size; i++) l[offset + i] = SaturatingMultiply(d[i], 1_000L);
                    break;
                }
            case DuckDbType.TimestampNs:
                {
                    long* d = (long*)data;
                    long[] l = col.Longs!;
                    for (int i = 0; i < size; i++) l[offset + i] = d[i] / 1000;
                    break;
                }
            case DuckDbType.SqlNull:
                break;
            default:
                throw new DuckDbException($"unsupported DuckDB type {TypeName(type)}");
        }
        if (type == DuckDbType.SqlNull)
        {
            for (int i = 0; i < size; i++) col.SetNull(offset + i);
        }
        else if (validity != null)
        {
            for (int i = 0; i < size; i++)
            {
                if (!DuckDbNative.IsValid(validity, i)) col.SetNull(offset + i);
            }
        }
    }

    private static void ReadDecimal(nint vector, DecimalInfo info, ColumnBuilder col, int offset, int size)
    {
        void* data = DuckDbNative.VectorGetData(vector);
        ulong* validity = DuckDbNative.VectorGetValidity(vector);
        double[] a = col.Doubles!;
        double div = info.Divisor;
        switch (info.Internal)
        {
            case DuckDbType.SmallInt: for (int i = 0; i < size; i++) a[offset + i] = ((short*)data)[i] / div; break;
            case DuckDbType.Integer: for (int i = 0; i < size; i++) a[offset + i] = ((int*)data)[i] / div; break;
            case DuckDbType.BigInt: for (int i = 0; i < size; i++) a[offset + i] = ((long*)data)[i] / div; break;
            case DuckDbType.HugeInt:
                for (int i = 0; i < size; i++)
                {
                    DuckDbHugeInt h = ((DuckDbHugeInt*)data)[i];
                    a[offset + i] = ((double)h.Upper * 18446744073709551616.0 + h.Lower) / div;
                }
                break;
            default: throw new DuckDbException($"unsupported DECIMAL storage {info.Internal}");
        }
        if (validity != null)
        {
            for (int i = 0; i < size; i++)
            {
                if (!DuckDbNative.IsValid(validity, i)) col.SetNull(offset + i);
            }
        }
    }

    private static void ReadInts<T>(T* d, ColumnBuilder col, int offset, int size) where T : unmanaged, System.Numerics.IBinaryInteger<T>
    {
        long[] l = col.Longs!;
        for (int i = 0; i < size; i++) l[offset + i] = long.CreateTruncating(d[i]);
    }

    private static long SaturatingMultiply(long v, long factor)
    {
        long r;
        try
        {
            r = checked(v * factor);
        }
        catch (OverflowException)
        {
            r = v < 0 ? long.MinValue : long.MaxValue;
        }
        return r;
    }

    /// <summary>Whether two string_t hold the same value: same length and, inline, the same bytes; else the same
    /// pointer (the same string in DuckDB's memory) or the same bytes.</summary>
    private static bool SameString(DuckDbStringT* a, DuckDbStringT* b)
    {
        uint len = a->Length;
        if (len != b->Length) return false;
        if (len <= 12) return new ReadOnlySpan<byte>((byte*)a + 4, (int)len).SequenceEqual(new ReadOnlySpan<byte>((byte*)b + 4, (int)len));
        return a->Pointer == b->Pointer || new ReadOnlySpan<byte>((byte*)a->Pointer, (int)len).SequenceEqual(new ReadOnlySpan<byte>((byte*)b->Pointer, (int)len));
    }

    private static string ReadString(DuckDbStringT* s)
    {
        uint len = s->Length;
        if (len == 0) return "";
        byte* bytes = len <= 12 ? (byte*)s + 4 : (byte*)s->Pointer;
        return Encoding.UTF8.GetString(bytes, (int)len);
    }

    internal static ColumnKind? KindOf(DuckDbType t) => t switch
    {
        DuckDbType.Boolean => ColumnKind.Boolean,
        DuckDbType.TinyInt or DuckDbType.SmallInt or DuckDbType.Integer or DuckDbType.BigInt
            or DuckDbType.UTinyInt or DuckDbType.USmallInt or DuckDbType.UInteger or DuckDbType.UBigInt
            or DuckDbType.HugeInt or DuckDbType.UHugeInt => ColumnKind.Int64,
        DuckDbType.Float or DuckDbType.Double or DuckDbType.Decimal => ColumnKind.Double,
        DuckDbType.Varchar => ColumnKind.String,
        DuckDbType.SqlNull => ColumnKind.String,
        DuckDbType.Date or DuckDbType.Timestamp or DuckDbType.TimestampTz or DuckDbType.TimestampS
            or DuckDbType.TimestampMs or DuckDbType.TimestampNs => ColumnKind.Timestamp,
        _ => null,
    };

    internal static string TypeName(DuckDbType t) => t switch
    {
        DuckDbType.Decimal => "DECIMAL",
        DuckDbType.Blob => "BLOB",
        DuckDbType.Interval => "INTERVAL",
        DuckDbType.Time => "TIME",
        DuckDbType.TimeTz => "TIME WITH TIME ZONE",
        DuckDbType.Enum => "ENUM",
        DuckDbType.List => "LIST",
        DuckDbType.Struct => "STRUCT",
        DuckDbType.Map => "MAP",
        DuckDbType.Array => "ARRAY",
        DuckDbType.Uuid => "UUID",
        DuckDbType.Union => "UNION",
        _ => t.ToString().ToUpperInvariant(),
    };

    public void Dispose()
    {
        if (_result == null) return;
        DuckDbNative.DestroyResult(_result);
        NativeMemory.Free(_result);
        _result = null;
    }
}
