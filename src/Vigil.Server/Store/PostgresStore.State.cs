using Npgsql;
using Vigil.Monitoring.Alerts;

namespace Vigil.Server.Store;

/// <summary>The alert state's tables in the PostgreSQL store (see <see cref="PredictionStore"/>'s state part), written on
/// the store's writer connection under its lock.</summary>
internal sealed partial class PostgresStore
{
    private NpgsqlCommand StateCommand(string sql, params object?[] args)
    {
        var cmd = new NpgsqlCommand(sql, _writer);
        foreach (var a in args) cmd.Parameters.Add(new NpgsqlParameter { Value = a switch { null => DBNull.Value, DateTime t => Plain(t), _ => a } });
        return cmd;
    }

    protected override void CreateStateTables()
    {
        lock (_gate) Execute(StateTablesSql);
    }

    protected override void UpsertState(string kind, string key, string body, DateTime at)
    {
        lock (_gate)
        {
            using var cmd = StateCommand(UpsertStateSql, kind, key, body, at);
            cmd.ExecuteNonQuery();
        }
    }

    protected override void DeleteState(string kind, string key)
    {
        lock (_gate)
        {
            using var cmd = StateCommand("DELETE FROM vigil_alert_state WHERE kind = $1 AND key = $2", kind, key);
            cmd.ExecuteNonQuery();
        }
    }

    protected override void PruneState(string kind, int keep)
    {
        lock (_gate)
        {
            using var cmd = StateCommand(PruneStateSql, kind, keep);
            cmd.ExecuteNonQuery();
        }
    }

    protected override List<(string Kind, string Key, string Body)> ReadState()
    {
        var rows = new List<(string, string, string)>();
        lock (_gate)
        {
            using var cmd = StateCommand("SELECT kind, key, body FROM vigil_alert_state ORDER BY updated_at, kind, key");
            using var reader = cmd.ExecuteReader();
            while (reader.Read()) rows.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }
        return rows;
    }

    protected override void InsertNotification(NotificationRecord n)
    {
        lock (_gate)
        {
            using var cmd = StateCommand(InsertNotificationSql, n.AlertKey, n.Event, n.Notifier, n.Type, n.At, n.Status, n.Attempts, n.Error);
            cmd.ExecuteNonQuery();
        }
    }

    protected override List<NotificationRecord> ReadNotifications(IReadOnlyCollection<string> alertKeys)
    {
        var rows = new List<NotificationRecord>();
        lock (_gate)
        {
            using var cmd = StateCommand("SELECT alert_key, event, notifier, type, sent_at, status, attempts, error FROM vigil_notifications WHERE alert_key = ANY($1) ORDER BY sent_at",
                [alertKeys.Distinct(StringComparer.Ordinal).ToArray()]);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
                rows.Add(new NotificationRecord(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    DateTime.SpecifyKind(reader.GetDateTime(4), DateTimeKind.Utc), reader.GetString(5), reader.GetInt32(6), reader.IsDBNull(7) ? null : reader.GetString(7)));
        }
        return rows;
    }
}
