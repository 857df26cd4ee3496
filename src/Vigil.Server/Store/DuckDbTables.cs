using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store;

/// <summary>The store's own small tables in a DuckDB database (the rollups, the monitors' readings, the alert state and
/// the notifications; see <see cref="PredictionStore"/>), written on one connection under a lock: the DuckDB store's
/// file, or the file a ClickHouse store keeps beside the service (<see cref="ClickHouseStore"/>).</summary>
internal sealed class DuckDbTables(DuckDbEngine engine, Lock gate)
{
    public void Execute(string sql)
    {
        lock (gate) engine.Execute(sql);
    }

    /// <summary>A query's rows, boxed.</summary>
    public List<object?[]> Rows(string sql)
    {
        Table t;
        lock (gate) t = engine.Query(sql);
        var rows = new List<object?[]>(t.RowCount);
        for (var i = 0; i < t.RowCount; i++)
        {
            var row = new object?[t.ColumnCount];
            for (var c = 0; c < row.Length; c++)
                row[c] = t.IsNull(c, i) ? null : t.Kind(c) switch
                {
                    ColumnKind.Double => t.GetDouble(c, i),
                    ColumnKind.Int64 => t.GetInt64(c, i),
                    ColumnKind.Boolean => t.GetBoolean(c, i),
                    ColumnKind.Timestamp => t.GetDateTime(c, i),
                    _ => t.GetString(c, i),
                };
            rows.Add(row);
        }
        return rows;
    }

    /// <summary>Appends rollup rows (model, version, bucket, n, body) with DuckDB's appender.</summary>
    public void Append(string table, IEnumerable<(string Model, string Version, DateTime Bucket, long N, string Body)> rows)
    {
        lock (gate)
        {
            using var app = engine.Connection.CreateAppender(table);
            foreach (var (model, version, bucket, n, body) in rows) app.Append(model).Append(version).Append(bucket).Append(n).Append(body).EndRow();
            app.Flush();
        }
    }

    /// <summary>Runs <paramref name="body"/> in one transaction (rolled back when it throws).</summary>
    public void InTransaction(Action body)
    {
        lock (gate)
        {
            engine.Execute("BEGIN TRANSACTION");
            try
            {
                body();
                engine.Execute("COMMIT");
            }
            catch
            {
                try
                {
                    engine.Execute("ROLLBACK");
                }
                catch (DuckDbException)
                {
                }
                throw;
            }
        }
    }

    public void UpsertState(string kind, string key, string body, DateTime at)
    {
        lock (gate) engine.Query(PredictionStore.UpsertStateSql, [kind, key, body, at]);
    }

    public void DeleteState(string kind, string key)
    {
        lock (gate) engine.Query("DELETE FROM vigil_alert_state WHERE kind = $1 AND key = $2", [kind, key]);
    }

    public void PruneState(string kind, int keep)
    {
        lock (gate) engine.Query(PredictionStore.PruneStateSql, [kind, keep]);
    }

    public List<(string Kind, string Key, string Body)> ReadState()
    {
        Table t;
        lock (gate) t = engine.Query("SELECT kind, key, body FROM vigil_alert_state ORDER BY updated_at, kind, key");
        var rows = new List<(string, string, string)>(t.RowCount);
        for (var i = 0; i < t.RowCount; i++) rows.Add((t.GetString(0, i)!, t.GetString(1, i)!, t.GetString(2, i)!));
        return rows;
    }

    public void InsertNotification(NotificationRecord n)
    {
        lock (gate) engine.Query(PredictionStore.InsertNotificationSql, [n.AlertKey, n.Event, n.Notifier, n.Type, n.At, n.Status, n.Attempts, n.Error]);
    }

    public List<NotificationRecord> ReadNotifications(IReadOnlyCollection<string> alertKeys)
    {
        var list = string.Join(", ", alertKeys.Distinct(StringComparer.Ordinal).Select(SqlDialect.DuckDb.StringLiteral));
        Table t;
        lock (gate)
            t = engine.Query($"SELECT alert_key, event, notifier, type, sent_at, status, attempts, error FROM vigil_notifications WHERE alert_key IN ({list}) ORDER BY sent_at");
        var rows = new List<NotificationRecord>(t.RowCount);
        for (var i = 0; i < t.RowCount; i++)
            rows.Add(new NotificationRecord(t.GetString(0, i)!, t.GetString(1, i)!, t.GetString(2, i)!, t.GetString(3, i)!,
                DateTime.SpecifyKind(t.GetDateTime(4, i), DateTimeKind.Utc), t.GetString(5, i)!, (int)t.GetInt64(6, i), t.IsNull(7, i) ? null : t.GetString(7, i)));
        return rows;
    }
}

/// <summary>A store whose own tables (rollups, readings, alert state, notifications) are in DuckDB
/// (<see cref="DuckDbTables"/>): the DuckDB store, and the ClickHouse store, which keeps its predictions elsewhere.</summary>
internal abstract class DuckDbStateStore(ServiceConfig config) : PredictionStore(config)
{
    private DuckDbTables? _tables;

    /// <summary>Set by the store's constructor before its rollups open.</summary>
    protected DuckDbTables Tables
    {
        get => _tables ?? throw new InvalidOperationException("the store's DuckDB tables are not open yet");
        set => _tables = value;
    }

    protected override SqlDialect StateDialect => SqlDialect.DuckDb;

    /// <summary>None: a key's index lives in DuckDB's memory (see <see cref="DuckDbStore"/>); the writer deletes a bucket's
    /// rows before it writes them again.</summary>
    protected override string RollupKey => "";

    protected override void WriterExecute(string sql) => Tables.Execute(sql);

    protected override List<object?[]> WriterRows(string sql) => Tables.Rows(sql);

    protected override void WriterAppend(string table, IEnumerable<(string Model, string Version, DateTime Bucket, long N, string Body)> rows) => Tables.Append(table, rows);

    protected override void InWriterTransaction(Action body) => Tables.InTransaction(body);

    protected override void CreateStateTables() => Tables.Execute(StateTablesSql);

    protected override void UpsertState(string kind, string key, string body, DateTime at) => Tables.UpsertState(kind, key, body, at);

    protected override void DeleteState(string kind, string key) => Tables.DeleteState(kind, key);

    protected override void PruneState(string kind, int keep) => Tables.PruneState(kind, keep);

    protected override List<(string Kind, string Key, string Body)> ReadState() => Tables.ReadState();

    protected override void InsertNotification(NotificationRecord n) => Tables.InsertNotification(n);

    protected override List<NotificationRecord> ReadNotifications(IReadOnlyCollection<string> alertKeys) => Tables.ReadNotifications(alertKeys);
}
