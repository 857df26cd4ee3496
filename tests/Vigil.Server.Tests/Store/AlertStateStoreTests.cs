using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Store;

/// <summary>The store's alert state (DuckDB file): what is written is what a new store on the same file loads, a closed
/// alert is gone, notifications come back per alert, and only the newest resolved alerts are kept.</summary>
public sealed class AlertStateStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-statestore-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    private ServiceConfig Config() => new()
    {
        Store = Path.Combine(_dir, "store.duckdb"),
        Models = [],
        Keys = [],
    };

    private static Alert Alert(string monitor, DateTime since) => new()
    {
        Model = "fraud", Monitor = monitor, Severity = "P2", State = AlertState.Firing, Since = since, FiredAt = since, Condition = "by psi",
        Value = 0.3, Notified = true, Feature = "amount", Statistic = "psi", Threshold = 0.1, Importance = 0.25, PerformanceMoved = false,
        Estimate = new EstimateInfo("roc_auc", 0.71, 0.01, 0.68, 0.74, 1200),
    };

    [Fact]
    public void WhatIsWritten_IsWhatANewStoreLoads()
    {
        var open = Alert("amount-drift", T0);
        var closed = Alert("auc", T0);
        using (var store = PredictionStore.Open(Config()))
        {
            var empty = store.LoadAlertState();
            Assert.True(empty.Active.Count + empty.Resolved.Count + empty.Cooldowns.Count + empty.Incidents.Count + empty.Silences.Count == 0);
            store.SaveAlertState(new ActiveAlertChanged("fraud", "amount-drift", open));
            store.SaveAlertState(new ActiveAlertChanged("fraud", "auc", closed));
            store.SaveAlertState(new ActiveAlertChanged("fraud", "auc", null));
            store.SaveAlertState(new AlertResolved(closed with { ResolvedAt = T0.AddMinutes(3) }));
            store.SaveAlertState(new AlertNotified("fraud", "amount-drift", T0));
            store.SaveAlertState(new AlertNotified("fraud", "amount-drift", T0.AddMinutes(40)));
            var incident = new Incident
            {
                Id = 7, Model = "fraud", State = IncidentState.Acknowledged, OpenedAt = T0, AcknowledgedAt = T0.AddMinutes(1), Severity = "P2",
                Assignee = "dana", Alerts = [open.Key, closed.Key], Firing = [open.Key], Notes = [new IncidentNote(T0.AddMinutes(1), "dana", "it's the 'amount'")],
            };
            store.SaveAlertState(new IncidentChanged(incident));
            store.SaveAlertState(new SilenceChanged(new Silence { Id = 2, Model = "fraud", StartsAt = T0, EndsAt = T0.AddHours(2), Author = "dana" }));
            store.RecordNotification(new NotificationRecord(open.Key, "firing", "hook", "webhook", T0.AddSeconds(1), "ok", 1, null));
            store.RecordNotification(new NotificationRecord(closed.Key, "firing", "pd", "pagerduty", T0.AddSeconds(2), "failed", 5, "HTTP 503"));
        }
        using (var store = PredictionStore.Open(Config()))
        {
            var state = store.LoadAlertState();
            Assert.Equal(open, Assert.Single(state.Active));
            Assert.Equal(T0.AddMinutes(3), Assert.Single(state.Resolved).ResolvedAt);
            Assert.Equal(new Cooldown("fraud", "amount-drift", T0.AddMinutes(40)), Assert.Single(state.Cooldowns));
            var incident = Assert.Single(state.Incidents);
            Assert.Equal((7, IncidentState.Acknowledged, "dana"), (incident.Id, incident.State, incident.Assignee));
            Assert.Equal([open.Key, closed.Key], incident.Alerts);
            Assert.Equal("it's the 'amount'", Assert.Single(incident.Notes).Text);
            Assert.Null(Assert.Single(state.Silences).Monitor);
            var sent = store.Notifications([open.Key, closed.Key, "vigil/none"]);
            Assert.Equal([(open.Key, "ok", (string?)null, T0.AddSeconds(1)), (closed.Key, "failed", "HTTP 503", T0.AddSeconds(2))],
                sent.Select(n => (n.AlertKey, n.Status, n.Error, n.At)));
            Assert.Equal(DateTimeKind.Utc, sent[0].At.Kind);
            Assert.Empty(store.Notifications([]));
        }
    }

    [Fact]
    public void OnlyTheNewestResolvedAlerts_AreKept()
    {
        using (var store = PredictionStore.Open(Config()))
            for (var i = 0; i < 7; i++)
                store.SaveAlertState(new AlertResolved(Alert("auc", T0.AddMinutes(i)) with { ResolvedAt = T0.AddMinutes(i + 1) }));
        using (var store = PredictionStore.Open(Config()))
            Assert.Equal([2, 3, 4, 5, 6], store.LoadAlertState(keepResolved: 5).Resolved.Select(a => (a.Since - T0).Minutes));
        using (var store = PredictionStore.Open(Config()))
            Assert.Equal(5, store.LoadAlertState().Resolved.Count); // the two oldest left the store
    }
}
