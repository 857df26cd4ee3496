using Vigil.Engine;
using Vigil.Monitoring.Alerts;

namespace Vigil.Server.Store;

/// <summary>The alert state's tables in the DuckDB file (see <see cref="PredictionStore"/>'s state part), written on the
/// store's one connection under its lock.</summary>
internal sealed partial class DuckDbStore
{
    protected override void CreateStateTables()
    {
        lock (_gate) _engine.Execute(StateTablesSql);
    }

    protected override void UpsertState(string kind, string key, string body, DateTime at)
    {
        lock (_gate) _engine.Query(UpsertStateSql, [kind, key, body, at]);
    }

    protected override void DeleteState(string kind, string key)
    {
        lock (_gate) _engine.Query("DELETE FROM vigil_alert_state WHERE kind = $1 AND key = $2", [kind, key]);
    }

    protected override void PruneState(string kind, int keep)
    {
        lock (_gate) _engine.Query(PruneStateSql, [kind, keep]);
    }

    protected override List<(string Kind, string Key, string Body)> ReadState()
    {
        Table t;
        lock (_gate) t = _engine.Query("SELECT kind, key, body FROM vigil_alert_state ORDER BY updated_at, kind, key");
        var rows = new List<(string, string, string)>(t.RowCount);
        for (var i = 0; i < t.RowCount; i++) rows.Add((t.GetString(0, i)!, t.GetString(1, i)!, t.GetString(2, i)!));
        return rows;
    }

    protected override void InsertNotification(NotificationRecord n)
    {
        lock (_gate) _engine.Query(InsertNotificationSql, [n.AlertKey, n.Event, n.Notifier, n.Type, n.At, n.Status, n.Attempts, n.Error]);
    }

    protected override List<NotificationRecord> ReadNotifications(IReadOnlyCollection<string> alertKeys)
    {
        var list = string.Join(", ", alertKeys.Distinct(StringComparer.Ordinal).Select(Dialect.StringLiteral));
        Table t;
        lock (_gate)
            t = _engine.Query($"SELECT alert_key, event, notifier, type, sent_at, status, attempts, error FROM vigil_notifications WHERE alert_key IN ({list}) ORDER BY sent_at");
        var rows = new List<NotificationRecord>(t.RowCount);
        for (var i = 0; i < t.RowCount; i++)
            rows.Add(new NotificationRecord(t.GetString(0, i)!, t.GetString(1, i)!, t.GetString(2, i)!, t.GetString(3, i)!,
                DateTime.SpecifyKind(t.GetDateTime(4, i), DateTimeKind.Utc), t.GetString(5, i)!, (int)t.GetInt64(6, i), t.IsNull(7, i) ? null : t.GetString(7, i)));
        return rows;
    }
}
