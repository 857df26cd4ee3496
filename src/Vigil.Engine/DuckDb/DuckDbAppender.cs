using System.Buffers;
using System.Text;

namespace Vigil.Engine.DuckDb;

/// <summary>Fast row-wise bulk insert (duckdb_appender). Call an Append* per column, then <see cref="EndRow"/>.</summary>
internal sealed unsafe class DuckDbAppender : IDisposable
{
    private nint _handle;

    internal DuckDbAppender(nint handle) => _handle = handle;

    private nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return _handle;
        }
    }

    public DuckDbAppender AppendNull() => Check(DuckDbNative.AppendNull(Handle));

    public DuckDbAppender Append(bool value) => Check(DuckDbNative.AppendBool(Handle, value));

    public DuckDbAppender Append(long value) => Check(DuckDbNative.AppendInt64(Handle, value));

    public DuckDbAppender Append(double value) => Check(DuckDbNative.AppendDouble(Handle, value));

    public DuckDbAppender Append(DateTime value) => Check(DuckDbNative.AppendTimestamp(Handle, Table.DateTimeToMicros(value)));

    public DuckDbAppender Append(string? value)
    {
        if (value is null) return AppendNull();
        int max = Encoding.UTF8.GetMaxByteCount(value.Length);
        byte[]? rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buf = rented ?? stackalloc byte[512];
        try
        {
            int n = Encoding.UTF8.GetBytes(value, buf);
            fixed (byte* p = buf) return Check(DuckDbNative.AppendVarcharLength(Handle, p, (ulong)n));
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Appends a boxed value: null, bool, integers, floating point, string, DateTime.</summary>
    public DuckDbAppender AppendValue(object? value) => value switch
    {
        null or DBNull => AppendNull(),
        bool b => Append(b),
        sbyte or byte or short or ushort or int or uint or long => Append(Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
        float f => Append((double)f),
        double d => Append(d),
        decimal m => Append((double)m),
        string s => Append(s),
        DateTime dt => Append(dt),
        DateTimeOffset dto => Append(dto.UtcDateTime),
        _ => throw new DuckDbException($"appender: unsupported type {value.GetType().Name}"),
    };

    public void EndRow() => Check(DuckDbNative.AppenderEndRow(Handle));

    public void Flush() => Check(DuckDbNative.AppenderFlush(Handle));

    /// <summary>Flushes and destroys. Errors from the final flush are thrown.</summary>
    public void Dispose()
    {
        if (_handle == 0) return;
        DuckDbState s = DuckDbNative.AppenderClose(_handle);
        string? err = s == DuckDbState.Success ? null : DuckDbNative.Utf8(DuckDbNative.AppenderError(_handle));
        DuckDbNative.AppenderDestroy(ref _handle);
        _handle = 0;
        if (err is not null) throw new DuckDbException(err);
    }

    private DuckDbAppender Check(DuckDbState s)
    {
        if (s != DuckDbState.Success) throw new DuckDbException(DuckDbNative.Utf8(DuckDbNative.AppenderError(_handle)) ?? "appender error");
        return this;
    }
}
