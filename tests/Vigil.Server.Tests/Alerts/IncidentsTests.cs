using Vigil.Monitoring.Alerts;

namespace Vigil.Server.Tests.Alerts;

/// <summary>Incidents group a model's alerts and follow open → acknowledged → resolved.</summary>
public sealed class IncidentsTests
{
    private static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    private static AlertEvent Event(string kind, string model, string monitor, string severity, DateTime since) =>
        new(kind, new Alert { Model = model, Monitor = monitor, Severity = severity, State = AlertState.Firing, Since = since, Condition = "" });

    [Fact]
    public void AModelsAlerts_GroupIntoOneIncident_ThatResolvesWhenTheyAllClear()
    {
        var incidents = new Incidents();
        var a = Incidents_Observe(incidents, Event("firing", "fraud", "auc", "P2", T0));
        var b = Incidents_Observe(incidents, Event("firing", "fraud", "drift", "P1", T0.AddMinutes(1)));
        var other = Incidents_Observe(incidents, Event("firing", "prices", "mae", "P3", T0.AddMinutes(1)));
        Assert.Equal(a.Id, b.Id);
        Assert.NotEqual(a.Id, other.Id);
        Assert.Equal(("P1", 2, IncidentState.Open), (b.Severity, b.Firing.Count, b.State));
        var partly = Incidents_Observe(incidents, Event("resolved", "fraud", "auc", "P2", T0));
        Assert.Equal((IncidentState.Open, 1), (partly.State, partly.Firing.Count));
        var done = Incidents_Observe(incidents, Event("resolved", "fraud", "drift", "P1", T0.AddMinutes(1)));
        Assert.Equal(IncidentState.Resolved, done.State);
        Assert.Contains("all its alerts cleared", done.Notes[^1].Text);
        // A new alert after that opens a new incident.
        Assert.NotEqual(a.Id, Incidents_Observe(incidents, Event("firing", "fraud", "auc", "P2", T0.AddHours(1))).Id);
    }

    private static Incident Incidents_Observe(Incidents incidents, AlertEvent e) => incidents.Observe(e, e.Alert.Since)!;

    [Fact]
    public void Workflow_AcknowledgeAssignNoteResolve()
    {
        var incidents = new Incidents();
        var id = incidents.Observe(Event("firing", "fraud", "auc", "P1", T0), T0)!.Id;
        var (i, error) = incidents.Act(id, "acknowledge", "alice", null, T0.AddMinutes(2));
        Assert.Null(error);
        Assert.Equal((IncidentState.Acknowledged, T0.AddMinutes(2)), (i!.State, i.AcknowledgedAt!.Value));
        Assert.Contains("not open", incidents.Act(id, "acknowledge", "alice", null, T0).Error);
        Assert.Equal("bob", incidents.Act(id, "assign", "alice", "bob", T0).Incident!.Assignee);
        Assert.Equal("rolled back v2", incidents.Act(id, "notes", "bob", "rolled back v2", T0).Incident!.Notes[^1].Text);
        Assert.Contains("needs", incidents.Act(id, "notes", "bob", " ", T0).Error);
        Assert.Equal(IncidentState.Resolved, incidents.Act(id, "resolve", "bob", "fixed", T0.AddMinutes(9)).Incident!.State);
        Assert.Contains("already resolved", incidents.Act(id, "resolve", "bob", null, T0).Error);
        Assert.Contains("not an action", incidents.Act(id, "escalate", "bob", null, T0).Error);
        Assert.Null(incidents.Act(999, "resolve", "bob", null, T0).Incident);
        Assert.Equal(["acknowledged", "assigned to bob", "rolled back v2", "resolved: fixed"], incidents.Get(id)!.Notes.Select(n => n.Text));
    }
}
