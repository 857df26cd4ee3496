using System.Globalization;
using Vigil.Monitoring.Alerts;

namespace Vigil.Server.Store;

/// <summary>
/// The alerting's state in the store, beside the prediction tables (docs/architecture.md, "Alert state survives a
/// restart"): <c>vigil_alert_state</c> holds one JSON document per open alert, resolved alert, cooldown, incident and
/// silence, keyed by (kind, key) and written through as each changes; <c>vigil_notifications</c> holds one row per
/// notification of an alert event to a notifier, with its delivery status.
/// </summary>
internal abstract partial class PredictionStore : IAlertStateStore
{
    /// <summary>Resolved alerts loaded at start (the newest; the alert engine keeps as many).</summary>
    internal const int ResolvedLoaded = 1000;

    private readonly Lock _stateStart = new();
    private bool _stateReady;

    /// <summary>Creates the two state tables when missing.</summary>
    protected abstract void CreateStateTables();

    /// <summary>Inserts or replaces the document of (kind, key).</summary>
    protected abstract void UpsertState(string kind, string key, string body, DateTime at);

    protected abstract void DeleteState(string kind, string key);

    /// <summary>Deletes all but the newest <paramref name="keep"/> documents of a kind (in one statement).</summary>
    protected abstract void PruneState(string kind, int keep);

    /// <summary>Every document, oldest change first.</summary>
    protected abstract List<(string Kind, string Key, string Body)> ReadState();

    protected abstract void InsertNotification(NotificationRecord n);

    protected abstract List<NotificationRecord> ReadNotifications(IReadOnlyCollection<string> alertKeys);

    private void EnsureState()
    {
        if (_stateReady) return;
        lock (_stateStart)
        {
            if (_stateReady) return;
            CreateStateTables();
            _stateReady = true;
        }
    }

    private static string PairKey(string model, string monitor) => model + "/" + monitor;

    public AlertStateSnapshot LoadAlertState() => LoadAlertState(ResolvedLoaded);

    /// <summary>Loads the state, keeping the newest <paramref name="keepResolved"/> resolved alerts (the rest leave the store).</summary>
    internal AlertStateSnapshot LoadAlertState(int keepResolved)
    {
        EnsureState();
        List<Alert> active = [], resolved = [];
        List<Cooldown> cooldowns = [];
        List<Incident> incidents = [];
        List<Silence> silences = [];
        foreach (var (kind, key, body) in ReadState())
        {
            switch (kind)
            {
                case "alert": active.Add(AlertStateJson.Read<Alert>(body, kind, key)); break;
                case "resolved": resolved.Add(AlertStateJson.Read<Alert>(body, kind, key)); break;
                case "cooldown": cooldowns.Add(AlertStateJson.Read<Cooldown>(body, kind, key)); break;
                case "incident": incidents.Add(AlertStateJson.Read<Incident>(body, kind, key)); break;
                case "silence": silences.Add(AlertStateJson.Read<Silence>(body, kind, key)); break;
                default: break; // a kind a later version wrote: not this version's to read
            }
        }
        if (resolved.Count > keepResolved)
        {
            // The history keeps the newest; older resolved alerts leave the store (their notifications stay).
            PruneState("resolved", keepResolved);
            resolved = resolved[^keepResolved..];
        }
        return new AlertStateSnapshot(active, resolved, cooldowns, incidents, silences);
    }

    public void SaveAlertState(AlertStateChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        EnsureState();
        var now = DateTime.UtcNow;
        switch (change)
        {
            case ActiveAlertChanged { Alert: null } c: DeleteState("alert", PairKey(c.Model, c.Monitor)); break;
            case ActiveAlertChanged c: UpsertState("alert", PairKey(c.Model, c.Monitor), AlertStateJson.Write(c.Alert), now); break;
            case AlertResolved c: UpsertState("resolved", c.Alert.Key, AlertStateJson.Write(c.Alert), now); break;
            case AlertNotified c: UpsertState("cooldown", PairKey(c.Model, c.Monitor), AlertStateJson.Write(new Cooldown(c.Model, c.Monitor, c.At)), now); break;
            case IncidentChanged c: UpsertState("incident", c.Incident.Id.ToString(CultureInfo.InvariantCulture), AlertStateJson.Write(c.Incident), now); break;
            case SilenceChanged c: UpsertState("silence", c.Silence.Id.ToString(CultureInfo.InvariantCulture), AlertStateJson.Write(c.Silence), now); break;
            default: throw new ArgumentException($"unknown alert state change {change.GetType().Name}", nameof(change));
        }
    }

    public void RecordNotification(NotificationRecord notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        EnsureState();
        InsertNotification(notification);
    }

    public IReadOnlyList<NotificationRecord> Notifications(IReadOnlyCollection<string> alertKeys)
    {
        ArgumentNullException.ThrowIfNull(alertKeys);
        if (alertKeys.Count == 0) return [];
        EnsureState();
        return ReadNotifications(alertKeys);
    }

    /// <summary>The state tables' DDL, the same on both engines (TEXT is VARCHAR in DuckDB).</summary>
    protected const string StateTablesSql = """
        CREATE TABLE IF NOT EXISTS vigil_alert_state (kind TEXT NOT NULL, key TEXT NOT NULL, body TEXT NOT NULL, updated_at TIMESTAMP NOT NULL, PRIMARY KEY (kind, key));
        CREATE TABLE IF NOT EXISTS vigil_notifications (alert_key TEXT NOT NULL, event TEXT NOT NULL, notifier TEXT NOT NULL, type TEXT NOT NULL, sent_at TIMESTAMP NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL, error TEXT);
        """;

    internal const string UpsertStateSql =
        "INSERT INTO vigil_alert_state (kind, key, body, updated_at) VALUES ($1, $2, $3, $4) ON CONFLICT (kind, key) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at";

    /// <summary>Newest first is the reverse of <see cref="ReadState"/>'s order (updated_at, then key).</summary>
    internal const string PruneStateSql =
        "DELETE FROM vigil_alert_state WHERE kind = $1 AND key NOT IN (SELECT key FROM vigil_alert_state WHERE kind = $1 ORDER BY updated_at DESC, key DESC LIMIT $2)";

    internal const string InsertNotificationSql =
        "INSERT INTO vigil_notifications (alert_key, event, notifier, type, sent_at, status, attempts, error) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
}
