using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Alerts;

/// <summary>The alerting's state as a store keeps it: the alert engine, incidents and silences report every change, and
/// started again from those changes they neither page again within a cooldown nor renumber incidents.</summary>
public sealed class AlertStateTests
{
    private static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    private static MonitorConfig Monitor(string name = "amount-drift") => new()
    {
        Name = name, Metric = MetricRef.Drift("amount"), Severity = "P2", Cooldown = TimeSpan.FromMinutes(30),
    };

    /// <summary>A store in memory that keeps what the changes say, as the real stores do (one document per key).</summary>
    private sealed class MemoryState
    {
        public readonly Dictionary<(string, string), Alert> Active = new();
        public readonly Dictionary<string, Alert> Resolved = new();
        public readonly Dictionary<(string, string), Cooldown> Cooldowns = new();
        public readonly Dictionary<int, Incident> Incidents = new();
        public readonly Dictionary<int, Silence> Silences = new();
        public int Changes;

        public void Apply(AlertStateChange change)
        {
            Changes++;
            // Through JSON, as the stores keep them: what is restored is what was written.
            switch (change)
            {
                case ActiveAlertChanged { Alert: null } c: Active.Remove((c.Model, c.Monitor)); break;
                case ActiveAlertChanged c: Active[(c.Model, c.Monitor)] = RoundTrip(c.Alert); break;
                case AlertResolved c: Resolved[c.Alert.Key] = RoundTrip(c.Alert); break;
                case AlertNotified c: Cooldowns[(c.Model, c.Monitor)] = RoundTrip(new Cooldown(c.Model, c.Monitor, c.At)); break;
                case IncidentChanged c: Incidents[c.Incident.Id] = RoundTrip(c.Incident); break;
                case SilenceChanged c: Silences[c.Silence.Id] = RoundTrip(c.Silence); break;
            }
        }

        private static T RoundTrip<T>(T value) => AlertStateJson.Read<T>(AlertStateJson.Write(value), typeof(T).Name, "test");

        public AlertStateSnapshot Snapshot() => new([.. Active.Values], [.. Resolved.Values], [.. Cooldowns.Values], [.. Incidents.Values], [.. Silences.Values]);
    }

    [Fact]
    public void AFiringAlert_RestoredAfterARestart_IsNotSentAgain_AndResolvesWithItsKey()
    {
        var state = new MemoryState();
        var m = Monitor();
        var context = new AlertContext(null, 0.3, false, null, "amount", "psi", 0.1);
        var before = new AlertEngine(null, state.Apply);
        var fired = Assert.Single(before.Observe("fraud", m, 0.42, true, "by psi", T0, context));
        Assert.Equal(("amount", "psi", 0.1), (fired.Alert.Feature, fired.Alert.Statistic, fired.Alert.Threshold));
        Assert.Contains(((string, string))("fraud", "amount-drift"), state.Cooldowns.Keys);

        var after = new AlertEngine(state.Snapshot(), state.Apply);
        var restored = Assert.Single(after.Active);
        Assert.Equal((AlertState.Firing, fired.Alert.Key, "amount", 0.3), (restored.State, restored.Key, restored.Feature, restored.Importance));
        // The condition persists: nothing to send.
        Assert.Empty(after.Observe("fraud", m, 0.45, true, "by psi", T0.AddMinutes(5), context));
        var resolved = Assert.Single(after.Observe("fraud", m, 0.01, false, "by psi", T0.AddMinutes(6), context));
        Assert.Equal(("resolved", fired.Alert.Key), (resolved.Kind, resolved.Alert.Key));
        Assert.Empty(state.Active);
        Assert.Single(state.Resolved);
    }

    [Fact]
    public void TheCooldown_SurvivesARestart()
    {
        var state = new MemoryState();
        var m = Monitor();
        var before = new AlertEngine(null, state.Apply);
        Assert.Single(before.Observe("fraud", m, 0.42, true, "", T0));
        Assert.Single(before.Observe("fraud", m, 0.01, false, "", T0.AddMinutes(1)));
        // Restarted, the condition comes back within the 30 minutes: firing, but nobody is paged again.
        var after = new AlertEngine(state.Snapshot(), state.Apply);
        Assert.Single(after.History);
        Assert.Empty(after.Observe("fraud", m, 0.42, true, "", T0.AddMinutes(10)));
        Assert.False(Assert.Single(after.Active).Notified);
        // Without the stored cooldown it would have paged: the test can fail.
        Assert.Single(new AlertEngine().Observe("fraud", m, 0.42, true, "", T0.AddMinutes(10)));
        // Its resolution is not sent either (nobody was told it fired); after the cooldown it pages again.
        Assert.Empty(after.Observe("fraud", m, 0.01, false, "", T0.AddMinutes(11)));
        Assert.Single(after.Observe("fraud", m, 0.42, true, "", T0.AddMinutes(40)));
    }

    [Fact]
    public void AnOpenAlert_IsWrittenWhenItOpensFiresOrEscalates_NotForEachNewValue()
    {
        var state = new MemoryState();
        var engine = new AlertEngine(null, state.Apply);
        var m = Monitor() with { For = TimeSpan.FromMinutes(2) };
        engine.Observe("fraud", m, 0.42, true, "", T0);
        Assert.Equal(1, state.Changes); // opened (pending)
        engine.Observe("fraud", m, 0.5, true, "", T0.AddMinutes(1));
        Assert.Equal(1, state.Changes);
        engine.Observe("fraud", m, 0.5, true, "", T0.AddMinutes(2));
        Assert.Equal(3, state.Changes); // fired, and notified
        Assert.Equal(AlertState.Firing, state.Active[("fraud", "amount-drift")].State);
        engine.Observe("fraud", m, 0.6, true, "", T0.AddMinutes(3), new AlertContext("P1", null, null));
        Assert.Equal(5, state.Changes); // escalated to P1 and sent again
        Assert.Equal("P1", state.Active[("fraud", "amount-drift")].Severity);
    }

    [Fact]
    public void Incidents_KeepTheirIdsNotesAndAssignees_AndNewOnesNumberOn()
    {
        var state = new MemoryState();
        var before = new Incidents(null, state.Apply);
        var alert = new Alert { Model = "fraud", Monitor = "auc", Severity = "P1", State = AlertState.Firing, Since = T0, Condition = "min 0.8" };
        Assert.Equal(1, before.Observe(new AlertEvent("firing", alert), T0)!.Id);
        before.Act(1, "assign", "ops", "dana", T0.AddMinutes(1));
        before.Act(1, "notes", "dana", "looking", T0.AddMinutes(2));

        var after = new Incidents(state.Snapshot(), state.Apply);
        var kept = after.Get(1)!;
        Assert.Equal(("dana", IncidentState.Open), (kept.Assignee, kept.State));
        Assert.Equal([alert.Key], kept.Alerts);
        Assert.Equal([alert.Key], kept.Firing);
        Assert.Equal(["assigned to dana", "looking"], kept.Notes.Select(n => n.Text));
        Assert.Equal(T0.AddMinutes(2), kept.Notes[^1].At);
        // The restored alert's resolution resolves it; an alert of another model opens incident 2.
        Assert.Equal(IncidentState.Resolved, after.Observe(new AlertEvent("resolved", alert), T0.AddMinutes(3))!.State);
        Assert.Equal(IncidentState.Resolved, state.Incidents[1].State);
        var other = alert with { Model = "churn" };
        Assert.Equal(2, after.Observe(new AlertEvent("firing", other), T0.AddMinutes(4))!.Id);
    }

    [Fact]
    public void Silences_MatchTheirModelAndMonitor_UntilTheyEndOrExpire_AndSurviveARestart()
    {
        var state = new MemoryState();
        var before = new Silences(null, state.Apply);
        var s = before.Add("fraud", "amount-drift", T0, T0.AddHours(2), "dana", "deploy");
        Assert.Equal(1, s.Id);
        var drift = new Alert { Model = "fraud", Monitor = "amount-drift", Severity = "P2", State = AlertState.Firing, Since = T0, Condition = "" };
        Assert.Null(before.Matching(drift, T0.AddMinutes(-1))); // not started
        Assert.NotNull(before.Matching(drift, T0.AddMinutes(1)));
        Assert.Null(before.Matching(drift with { Monitor = "auc" }, T0.AddMinutes(1)));
        Assert.Null(before.Matching(drift with { Model = "churn" }, T0.AddMinutes(1)));
        Assert.Null(before.Matching(drift, T0.AddHours(2))); // over

        var after = new Silences(state.Snapshot(), state.Apply);
        Assert.Equal(("dana", "deploy"), (after.All[0].Author, after.All[0].Comment));
        Assert.NotNull(after.Matching(drift, T0.AddMinutes(1)));
        var all = after.Add("fraud", null, T0, T0.AddHours(1), "dana", null);
        Assert.Equal(2, all.Id);
        Assert.Equal(T0.AddMinutes(5), after.Expire(1, T0.AddMinutes(5))!.ExpiredAt);
        Assert.Equal(2, after.Matching(drift, T0.AddMinutes(6))!.Id); // the model-wide one still holds
        Assert.Null(after.Expire(9, T0));
        Assert.NotNull(state.Silences[1].ExpiredAt);
    }

    [Fact]
    public void ABrokenStoredDocument_IsAnErrorNamingItsKindAndKey()
    {
        var e = Assert.Throws<InvalidDataException>(() => AlertStateJson.Read<Incident>("{\"id\": \"x\"", "incident", "3"));
        Assert.StartsWith("the store's alert state incident '3' is not valid:", e.Message);
    }
}
