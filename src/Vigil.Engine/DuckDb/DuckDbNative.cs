using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vigil.Engine.DuckDb;

/// <summary>duckdb_state.</summary>
internal enum DuckDbState
{
    Success = 0,
    Error = 1,
}

/// <summary>duckdb_error_type (its names are in <see cref="DuckDbException.TypeNames"/>, in order).</summary>
internal enum DuckDbErrorType
{
    Invalid = 0,
    Conversion = 2,
    Catalog = 13,
    Parser = 14,
    Binder = 24,
    Interrupt = 29,
    Internal = 31,
    InvalidInput = 32,
}

/// <summary>duckdb_pending_state.</summary>
internal enum DuckDbPendingState
{
    ResultReady = 0,
    ResultNotReady = 1,
    Error = 2,
    NoTasksAvailable = 3,
}

/// <summary>duckdb_type (values from duckdb.h).</summary>
internal enum DuckDbType
{
    Invalid = 0,
    Boolean = 1,
    TinyInt = 2,
    SmallInt = 3,
    Integer = 4,
    BigInt = 5,
    UTinyInt = 6,
    USmallInt = 7,
    UInteger = 8,
    UBigInt = 9,
    Float = 10,
    Double = 11,
    Timestamp = 12,
    Date = 13,
    Time = 14,
    Interval = 15,
    HugeInt = 16,
    Varchar = 17,
    Blob = 18,
    Decimal = 19,
    TimestampS = 20,
    TimestampMs = 21,
    TimestampNs = 22,
    Enum = 23,
    List = 24,
    Struct = 25,
    Map = 26,
    Uuid = 27,
    Union = 28,
    Bit = 29,
    TimeTz = 30,
    TimestampTz = 31,
    UHugeInt = 32,
    Array = 33,
    Any = 34,
    BigNum = 35,
    SqlNull = 36,
    StringLiteral = 37,
    IntegerLiteral = 38,
    TimeNs = 39,
}

/// <summary>duckdb_result: 48 bytes on x64 (deprecated fields + internal pointer). Always passed by pointer
/// except to the functions that take it by value (duckdb_fetch_chunk).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbResultStruct
{
    public ulong DeprecatedColumnCount;
    public ulong DeprecatedRowCount;
    public ulong DeprecatedRowsChanged;
    public nint DeprecatedColumns;
    public nint DeprecatedErrorMessage;
    public nint InternalData;
}

/// <summary>duckdb_query_progress_type.</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbQueryProgress
{
    public double Percentage;
    public ulong RowsProcessed;
    public ulong TotalRowsToProcess;
}

/// <summary>duckdb_string_t: 16 bytes; length, then 12 inline bytes or a 4-byte prefix and a pointer.</summary>
[StructLayout(LayoutKind.Explicit, Size = 16)]
internal struct DuckDbStringT
{
    [FieldOffset(0)] public uint Length;
    [FieldOffset(4)] public byte Inline0;
    [FieldOffset(8)] public nint Pointer;
}

/// <summary>duckdb_hugeint: lower (uint64) then upper (int64).</summary>
[StructLayout(LayoutKind.Sequential)]
internal struct DuckDbHugeInt
{
    public ulong Lower;
    public long Upper;
}

/// <summary>Thin P/Invoke over DuckDB's stable C API (duckdb.h). Handles are opaque pointers.</summary>
internal static unsafe partial class DuckDbNative
{
    public const string Library = "duckdb";

    static DuckDbNative() => DuckDbLibrary.Register();

    // --- library / database / connection --------------------------------------------------------
    [LibraryImport(Library, EntryPoint = "duckdb_library_version")]
    public static partial nint LibraryVersion();

    [LibraryImport(Library, EntryPoint = "duckdb_create_config")]
    public static partial DuckDbState CreateConfig(out nint config);

    [LibraryImport(Library, EntryPoint = "duckdb_set_config", StringMarshalling = StringMarshalling.Utf8)]
    public static partial DuckDbState SetConfig(nint config, string name, string option);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_config")]
    public static partial void DestroyConfig(ref nint config);

    [LibraryImport(Library, EntryPoint = "duckdb_open_ext", StringMarshalling = StringMarshalling.Utf8)]
    public static partial DuckDbState OpenExt(string? path, out nint database, nint config, out nint error);

    [LibraryImport(Library, EntryPoint = "duckdb_open", StringMarshalling = StringMarshalling.Utf8)]
    public static partial DuckDbState Open(string? path, out nint database);

    [LibraryImport(Library, EntryPoint = "duckdb_close")]
    public static partial void Close(ref nint database);

    [LibraryImport(Library, EntryPoint = "duckdb_connect")]
    public static partial DuckDbState Connect(nint database, out nint connection);

    [LibraryImport(Library, EntryPoint = "duckdb_disconnect")]
    public static partial void Disconnect(ref nint connection);

    [LibraryImport(Library, EntryPoint = "duckdb_interrupt")]
    public static partial void Interrupt(nint connection);

    [LibraryImport(Library, EntryPoint = "duckdb_query_progress")]
    public static partial DuckDbQueryProgress QueryProgress(nint connection);

    [LibraryImport(Library, EntryPoint = "duckdb_free")]
    public static partial void Free(nint ptr);

    // --- results --------------------------------------------------------------------------------
    [LibraryImport(Library, EntryPoint = "duckdb_query", StringMarshalling = StringMarshalling.Utf8)]
    public static partial DuckDbState Query(nint connection, string query, DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_result")]
    public static partial void DestroyResult(DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_result_error")]
    public static partial nint ResultError(DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_result_error_type")]
    public static partial DuckDbErrorType ResultErrorType(DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_column_count")]
    public static partial ulong ColumnCount(DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_column_name")]
    public static partial nint ColumnName(DuckDbResultStruct* result, ulong col);

    [LibraryImport(Library, EntryPoint = "duckdb_column_type")]
    public static partial DuckDbType ColumnType(DuckDbResultStruct* result, ulong col);

    [LibraryImport(Library, EntryPoint = "duckdb_rows_changed")]
    public static partial ulong RowsChanged(DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_column_logical_type")]
    public static partial nint ColumnLogicalType(DuckDbResultStruct* result, ulong col);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_logical_type")]
    public static partial void DestroyLogicalType(ref nint type);

    [LibraryImport(Library, EntryPoint = "duckdb_decimal_scale")]
    public static partial byte DecimalScale(nint type);

    [LibraryImport(Library, EntryPoint = "duckdb_decimal_internal_type")]
    public static partial DuckDbType DecimalInternalType(nint type);

    /// <summary>Takes the result BY VALUE (duckdb.h: <c>duckdb_data_chunk duckdb_fetch_chunk(duckdb_result result)</c>).</summary>
    [LibraryImport(Library, EntryPoint = "duckdb_fetch_chunk")]
    public static partial nint FetchChunk(DuckDbResultStruct result);

    // --- data chunks and vectors ----------------------------------------------------------------
    [LibraryImport(Library, EntryPoint = "duckdb_data_chunk_get_size")]
    public static partial ulong DataChunkGetSize(nint chunk);

    [LibraryImport(Library, EntryPoint = "duckdb_data_chunk_get_vector")]
    public static partial nint DataChunkGetVector(nint chunk, ulong col);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_data_chunk")]
    public static partial void DestroyDataChunk(ref nint chunk);

    [LibraryImport(Library, EntryPoint = "duckdb_vector_get_data")]
    public static partial void* VectorGetData(nint vector);

    [LibraryImport(Library, EntryPoint = "duckdb_vector_get_validity")]
    public static partial ulong* VectorGetValidity(nint vector);

    [LibraryImport(Library, EntryPoint = "duckdb_validity_row_is_valid")]
    [return: MarshalAs(UnmanagedType.U1)]
    public static partial bool ValidityRowIsValid(ulong* validity, ulong row);

    /// <summary>Inline form of duckdb_validity_row_is_valid (null mask means all valid).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static bool IsValid(ulong* validity, int row) =>
        validity == null || (validity[row >> 6] & (1UL << (row & 63))) != 0;

    // --- prepared statements --------------------------------------------------------------------
    [LibraryImport(Library, EntryPoint = "duckdb_prepare", StringMarshalling = StringMarshalling.Utf8)]
    public static partial DuckDbState Prepare(nint connection, string query, out nint statement);

    [LibraryImport(Library, EntryPoint = "duckdb_prepare_error")]
    public static partial nint PrepareError(nint statement);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_prepare")]
    public static partial void DestroyPrepare(ref nint statement);

    [LibraryImport(Library, EntryPoint = "duckdb_nparams")]
    public static partial ulong NParams(nint statement);

    [LibraryImport(Library, EntryPoint = "duckdb_clear_bindings")]
    public static partial DuckDbState ClearBindings(nint statement);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_null")]
    public static partial DuckDbState BindNull(nint statement, ulong index);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_boolean")]
    public static partial DuckDbState BindBoolean(nint statement, ulong index, [MarshalAs(UnmanagedType.U1)] bool value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_int64")]
    public static partial DuckDbState BindInt64(nint statement, ulong index, long value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_double")]
    public static partial DuckDbState BindDouble(nint statement, ulong index, double value);

    [LibraryImport(Library, EntryPoint = "duckdb_bind_varchar_length")]
    public static partial DuckDbState BindVarcharLength(nint statement, ulong index, byte* value, ulong length);

    /// <summary>duckdb_timestamp is a struct holding int64 micros; by value it is passed like an int64.</summary>
    [LibraryImport(Library, EntryPoint = "duckdb_bind_timestamp")]
    public static partial DuckDbState BindTimestamp(nint statement, ulong index, long micros);

    [LibraryImport(Library, EntryPoint = "duckdb_execute_prepared")]
    public static partial DuckDbState ExecutePrepared(nint statement, DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_pending_prepared")]
    public static partial DuckDbState PendingPrepared(nint statement, out nint pending);

    [LibraryImport(Library, EntryPoint = "duckdb_pending_prepared_streaming")]
    public static partial DuckDbState PendingPreparedStreaming(nint statement, out nint pending);

    [LibraryImport(Library, EntryPoint = "duckdb_pending_error")]
    public static partial nint PendingError(nint pending);

    [LibraryImport(Library, EntryPoint = "duckdb_execute_pending")]
    public static partial DuckDbState ExecutePending(nint pending, DuckDbResultStruct* result);

    [LibraryImport(Library, EntryPoint = "duckdb_destroy_pending")]
    public static partial void DestroyPending(ref nint pending);

    // --- appender -------------------------------------------------------------------------------
    [LibraryImport(Library, EntryPoint = "duckdb_appender_create", StringMarshalling = StringMarshalling.Utf8)]
    public static partial DuckDbState AppenderCreate(nint connection, string? schema, string table, out nint appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_error")]
    public static partial nint AppenderError(nint appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_flush")]
    public static partial DuckDbState AppenderFlush(nint appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_close")]
    public static partial DuckDbState AppenderClose(nint appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_destroy")]
    public static partial DuckDbState AppenderDestroy(ref nint appender);

    [LibraryImport(Library, EntryPoint = "duckdb_appender_end_row")]
    public static partial DuckDbState AppenderEndRow(nint appender);

    [LibraryImport(Library, EntryPoint = "duckdb_append_null")]
    public static partial DuckDbState AppendNull(nint appender);

    [LibraryImport(Library, EntryPoint = "duckdb_append_bool")]
    public static partial DuckDbState AppendBool(nint appender, [MarshalAs(UnmanagedType.U1)] bool value);

    [LibraryImport(Library, EntryPoint = "duckdb_append_int64")]
    public static partial DuckDbState AppendInt64(nint appender, long value);

    [LibraryImport(Library, EntryPoint = "duckdb_append_double")]
    public static partial DuckDbState AppendDouble(nint appender, double value);

    [LibraryImport(Library, EntryPoint = "duckdb_append_varchar_length")]
    public static partial DuckDbState AppendVarcharLength(nint appender, byte* value, ulong length);

    [LibraryImport(Library, EntryPoint = "duckdb_append_timestamp")]
    public static partial DuckDbState AppendTimestamp(nint appender, long micros);

    // --- helpers --------------------------------------------------------------------------------
    public static string? Utf8(nint p) => p == 0 ? null : Marshal.PtrToStringUTF8(p);
}
