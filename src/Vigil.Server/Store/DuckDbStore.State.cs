using Vigil.Monitoring.Alerts;

namespace Vigil.Server.Store;

/// <summary>The alert state's tables in the DuckDB file (see <see cref="PredictionStore"/>'s state part), written on the
/// store's one connection under its lock (<see cref="DuckDbTables"/>).</summary>
internal sealed partial class DuckDbStore
{
    protected override void CreateStateTables() => _tables.Execute(StateTablesSql);

    protected override void UpsertState(string kind, string key, string body, DateTime at) => _tables.UpsertState(kind, key, body, at);

    protected override void DeleteState(string kind, string key) => _tables.DeleteState(kind, key);

    protected override void PruneState(string kind, int keep) => _tables.PruneState(kind, keep);

    protected override List<(string Kind, string Key, string Body)> ReadState() => _tables.ReadState();

    protected override void InsertNotification(NotificationRecord n) => _tables.InsertNotification(n);

    protected override List<NotificationRecord> ReadNotifications(IReadOnlyCollection<string> alertKeys) => _tables.ReadNotifications(alertKeys);
}
