using System.Buffers;
using System.Text;

namespace Vigil.Engine.DuckDb;

/// <summary>A prepared statement (duckdb_prepared_statement); parameters are 1-based ($1, $2, ...).</summary>
internal sealed unsafe class DuckDbPreparedStatement : IDisposable
{
    private nint _handle;

    internal DuckDbPreparedStatement(nint handle) => _handle = handle;

    private nint Handle
    {
        get
        {
            ObjectDisposedException.ThrowIf(_handle == 0, this);
            return _handle;
        }
    }

    public int ParameterCount => (int)DuckDbNative.NParams(Handle);

    public void BindAll(IReadOnlyList<object?> parameters)
    {
        int n = ParameterCount;
        if (parameters.Count != n) throw new DuckDbException($"statement has {n} parameter(s) but {parameters.Count} value(s) were given");
        for (int i = 0; i < parameters.Count; i++) Bind(i + 1, parameters[i]);
    }

    /// <summary>Binds a value: null, bool, any integer, float/double/decimal, string, DateTime / DateTimeOffset (as UTC TIMESTAMP).</summary>
    public void Bind(int index, object? value)
    {
        ulong i = (ulong)index;
        DuckDbState s = value switch
        {
            null or DBNull => DuckDbNative.BindNull(Handle, i),
            bool b => DuckDbNative.BindBoolean(Handle, i, b),
            sbyte or byte or short or ushort or int or uint or long => DuckDbNative.BindInt64(Handle, i, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)),
            ulong u when u <= long.MaxValue => DuckDbNative.BindInt64(Handle, i, (long)u),
            ulong u => DuckDbNative.BindDouble(Handle, i, u),
            float f => DuckDbNative.BindDouble(Handle, i, f),
            double d => DuckDbNative.BindDouble(Handle, i, d),
            decimal m => DuckDbNative.BindDouble(Handle, i, (double)m),
            string str => BindString(i, str),
            DateTime dt => DuckDbNative.BindTimestamp(Handle, i, Table.DateTimeToMicros(dt)),
            DateTimeOffset dto => DuckDbNative.BindTimestamp(Handle, i, Table.DateTimeToMicros(dto.UtcDateTime)),
            _ => throw new DuckDbException($"parameter ${index}: unsupported type {value.GetType().Name}"),
        };
        if (s != DuckDbState.Success) throw new DuckDbException($"could not bind parameter ${index} (statement has {ParameterCount})");
    }

    private DuckDbState BindString(ulong i, string s)
    {
        int max = Encoding.UTF8.GetMaxByteCount(s.Length);
        byte[]? rented = max > 512 ? ArrayPool<byte>.Shared.Rent(max) : null;
        Span<byte> buf = rented ?? stackalloc byte[512];
        try
        {
            int n = Encoding.UTF8.GetBytes(s, buf);
            fixed (byte* p = buf) return DuckDbNative.BindVarcharLength(Handle, i, p, (ulong)n);
        }
        finally
        {
            if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Executes; with <paramref name="streaming"/> the result is produced as chunks are fetched.</summary>
    public DuckDbResult Execute(bool streaming = false)
    {
        DuckDbState s = streaming
            ? DuckDbNative.PendingPreparedStreaming(Handle, out nint pending)
            : DuckDbNative.PendingPrepared(Handle, out pending);
        try
        {
            if (s != DuckDbState.Success) throw new DuckDbException(DuckDbNative.Utf8(DuckDbNative.PendingError(pending)) ?? "execution failed");
            var result = DuckDbResult.Allocate();
            try
            {
                if (DuckDbNative.ExecutePending(pending, result.Pointer) != DuckDbState.Success)
                    throw new DuckDbException(DuckDbNative.Utf8(DuckDbNative.ResultError(result.Pointer)) ?? "execution failed",
                        DuckDbNative.ResultErrorType(result.Pointer), null);
                result.Initialize();
                return result;
            }
            catch
            {
                result.Dispose();
                throw;
            }
        }
        finally
        {
            if (pending != 0) DuckDbNative.DestroyPending(ref pending);
        }
    }

    public void Dispose()
    {
        if (_handle != 0) DuckDbNative.DestroyPrepare(ref _handle);
        _handle = 0;
    }
}
