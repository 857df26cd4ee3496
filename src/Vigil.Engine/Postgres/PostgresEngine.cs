using Npgsql;

namespace Vigil.Engine.Postgres;

/// <summary>
/// PostgreSQL as a query engine (queries are pushed down to the server). One connection, opened in the
/// constructor. Parameters are positional ($1, $2, ...). Types: bigint/integer/smallint → Int64;
/// double precision/real/numeric → Double; boolean; text/varchar/char → String; timestamp, timestamptz
/// and date → Timestamp (UTC). Errors of queries are <see cref="VigilEngineException"/>s carrying the SQLSTATE (the
/// npgsql exception is the inner one). Under a <see cref="RowLimit"/>, rows are counted as they are read, and at the
/// first row past the limit the command is cancelled and a <see cref="VigilInputException"/> thrown.
/// </summary>
internal sealed class PostgresEngine : IQueryEngine
{
    private const int ChunkRows = 2048;
    private readonly NpgsqlConnection _connection;

    /// <summary>Opens a connection. <paramref name="connectionString"/> is an Npgsql connection string;
    /// <paramref name="rowLimit"/> bounds the rows of each query's result (none when null).</summary>
    public PostgresEngine(string connectionString, ShippedRowLimit? rowLimit = null)
    {
        RowLimit = rowLimit ?? ShippedRowLimit.None;
        _connection = new NpgsqlConnection(connectionString);
        try
        {
            _connection.Open();
        }
        catch
        {
            _connection.Dispose();
            throw;
        }
    }

    public SqlDialect Dialect => SqlDialect.PostgreSql;

    public string Name => "postgresql";

    /// <summary>The most rows one query's result may have (counted while reading; <see cref="ShippedRowLimit.None"/> by default).</summary>
    public ShippedRowLimit RowLimit { get; }

    public IReadOnlyList<Sources.SourceColumn> Describe(string relation) => Sources.SourceOpener.DescribePostgres(this, relation);

    public NpgsqlConnection Connection => _connection;

    public double Progress => -1;

    public Table Query(string sql, IReadOnlyList<object?>? parameters = null, CancellationToken ct = default)
    {
        using NpgsqlCommand cmd = Command(sql, parameters);
        using CancellationTokenRegistration reg = ct.Register(cmd.Cancel);
        try
        {
            using NpgsqlDataReader reader = cmd.ExecuteReader();
            TableBuilder b = NewBuilder(reader, 16);
            long limit = RowLimit.IsLimited ? RowLimit.Rows : long.MaxValue;
            while (reader.Read())
            {
                if (b.RowCount >= limit) throw Exceeded(cmd, reader);
                ReadRow(reader, b);
            }
            return b.Build();
        }
        catch (PostgresException e) when (ct.IsCancellationRequested && e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            throw new OperationCanceledException(ct);
        }
        catch (NpgsqlException e)
        {
            throw VigilEngineException.FromNpgsql(e, sql);
        }
    }

    public void Stream(string sql, IReadOnlyList<object?>? parameters, Action<Table> onChunk, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(onChunk);
        using NpgsqlCommand cmd = Command(sql, parameters);
        using CancellationTokenRegistration reg = ct.Register(cmd.Cancel);
        try
        {
            using NpgsqlDataReader reader = cmd.ExecuteReader();
            TableBuilder b = NewBuilder(reader, ChunkRows);
            long limit = RowLimit.IsLimited ? RowLimit.Rows : long.MaxValue;
            long shipped = 0;
            while (reader.Read())
            {
                if (++shipped > limit) throw Exceeded(cmd, reader);
                ReadRow(reader, b);
                if (b.RowCount == ChunkRows)
                {
                    onChunk(b.Build());
                    b.Reset(ChunkRows);
                    ct.ThrowIfCancellationRequested();
                }
            }
            if (b.RowCount > 0) onChunk(b.Build());
        }
        catch (PostgresException e) when (ct.IsCancellationRequested && e.SqlState == PostgresErrorCodes.QueryCanceled)
        {
            throw new OperationCanceledException(ct);
        }
        catch (NpgsqlException e)
        {
            throw VigilEngineException.FromNpgsql(e, sql);
        }
    }

    public void Execute(string sql)
    {
        using var cmd = new NpgsqlCommand(sql, _connection);
        try
        {
            cmd.ExecuteNonQuery();
        }
        catch (NpgsqlException e)
        {
            throw VigilEngineException.FromNpgsql(e, sql);
        }
    }

    public void Dispose() => _connection.Dispose();

    /// <summary>The server and database as messages name them: <c>postgres 127.0.0.1:5432/db</c>.</summary>
    private string Where => string.Create(System.Globalization.CultureInfo.InvariantCulture,
        $"postgres {_connection.Host}:{_connection.Port}/{_connection.Database}");

    /// <summary>Stops a result at its first row past <see cref="RowLimit"/>: cancels the command on the server, so that
    /// the rest is neither sent nor read (closing the reader swallows the cancellation's error; the connection stays
    /// usable), and returns the error to throw.</summary>
    private VigilInputException Exceeded(NpgsqlCommand cmd, NpgsqlDataReader reader)
    {
        cmd.Cancel();
        try
        {
            reader.Dispose();
        }
        catch (Exception e) when (e is NpgsqlException or OperationCanceledException)
        {
            // 57014 query_canceled: the cancellation asked for.
        }
        return RowLimit.Exceeded(Where);
    }

    /// <summary>The column kind of a PostgreSQL result column, or null when Vigil cannot read it.</summary>
    internal static ColumnKind? KindOf(Type fieldType) =>
        fieldType == typeof(long) || fieldType == typeof(int) || fieldType == typeof(short) ? ColumnKind.Int64
        : fieldType == typeof(double) || fieldType == typeof(float) || fieldType == typeof(decimal) ? ColumnKind.Double
        : fieldType == typeof(bool) ? ColumnKind.Boolean
        : fieldType == typeof(string) || fieldType == typeof(char) ? ColumnKind.String
        : fieldType == typeof(DateTime) || fieldType == typeof(DateTimeOffset) || fieldType == typeof(DateOnly) ? ColumnKind.Timestamp
        : null;

    private NpgsqlCommand Command(string sql, IReadOnlyList<object?>? parameters)
    {
        var cmd = new NpgsqlCommand(sql, _connection);
        if (parameters is not null)
        {
            foreach (object? p in parameters) cmd.Parameters.Add(Parameter(p));
        }
        return cmd;
    }

    private static NpgsqlParameter Parameter(object? value) => value switch
    {
        null or DBNull => new NpgsqlParameter { Value = DBNull.Value },
        sbyte or byte or short or ushort or int or uint or long =>
            new NpgsqlParameter { Value = Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) },
        ulong u => new NpgsqlParameter { Value = u <= long.MaxValue ? (long)u : (double)u },
        float f => new NpgsqlParameter { Value = (double)f },
        decimal m => new NpgsqlParameter { Value = (double)m },
        DateTime dt => new NpgsqlParameter
        {
            // A timestamp without time zone holding the UTC wall-clock time, like DuckDB's TIMESTAMP.
            Value = DateTime.SpecifyKind(dt.Kind == DateTimeKind.Local ? dt.ToUniversalTime() : dt, DateTimeKind.Unspecified),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp,
        },
        DateTimeOffset dto => new NpgsqlParameter
        {
            Value = DateTime.SpecifyKind(dto.UtcDateTime, DateTimeKind.Unspecified),
            NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Timestamp,
        },
        _ => new NpgsqlParameter { Value = value },
    };

    private static TableBuilder NewBuilder(NpgsqlDataReader reader, int capacity)
    {
        int n = reader.FieldCount;
        var names = new string[n];
        var kinds = new ColumnKind[n];
        for (int i = 0; i < n; i++)
        {
            names[i] = reader.GetName(i);
            // 42804 datatype_mismatch: a column of the user's of a type Vigil cannot read.
            kinds[i] = KindOf(reader.GetFieldType(i)) ?? throw new VigilEngineException(VigilEngineException.Postgres, "42804",
                $"column \"{names[i]}\" has type {reader.GetDataTypeName(i)}, which Vigil cannot read; CAST it to TEXT or DOUBLE PRECISION", isUserError: true);
        }
        return new TableBuilder(names, kinds, capacity);
    }

    private static void ReadRow(NpgsqlDataReader reader, TableBuilder b)
    {
        b.Reserve(1);
        int row = b.RowCount;
        for (int i = 0; i < reader.FieldCount; i++)
        {
            ColumnBuilder c = b.Column(i);
            if (reader.IsDBNull(i))
            {
                c.SetNull(row);
                continue;
            }
            switch (c.Kind)
            {
                case ColumnKind.Boolean: c.SetInt64(row, reader.GetBoolean(i) ? 1 : 0); break;
                case ColumnKind.Int64: c.SetInt64(row, reader.GetInt64(i)); break;
                case ColumnKind.Double: c.SetDouble(row, reader.GetDouble(i)); break;
                case ColumnKind.String: c.Strings![row] = reader.GetString(i); break;
                case ColumnKind.Timestamp: c.SetInt64(row, Table.DateTimeToMicros(reader.GetDateTime(i))); break;
            }
        }
        b.Advance(1);
    }
}
