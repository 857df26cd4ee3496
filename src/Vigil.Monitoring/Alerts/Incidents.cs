namespace Vigil.Monitoring.Alerts;

public enum IncidentState { Open, Acknowledged, Resolved }

public sealed record IncidentNote(DateTime At, string Author, string Text);

/// <summary>Related alerts of one model, handled together: opened by the first alert that fires while the model has no
/// incident under way, joined by the ones that fire after it, resolved by hand or when all its alerts have cleared.</summary>
public sealed record Incident
{
    public required int Id { get; init; }
    public required string Model { get; init; }
    public required IncidentState State { get; init; }
    public required DateTime OpenedAt { get; init; }
    public DateTime? AcknowledgedAt { get; init; }
    public DateTime? ResolvedAt { get; init; }
    public string? Assignee { get; init; }
    /// <summary>The most severe of its alerts (P1 before P2 before P3).</summary>
    public required string Severity { get; init; }
    /// <summary>Its alerts' keys, and which of them are still firing.</summary>
    public required IReadOnlyList<string> Alerts { get; init; }
    public required IReadOnlyList<string> Firing { get; init; }
    public IReadOnlyList<IncidentNote> Notes { get; init; } = [];
}

/// <summary>The incident workflow: open → acknowledged → resolved, with an assignee and notes. Thread-safe. It starts
/// from the incidents a store kept (<paramref name="state"/>; new ones are numbered on from the highest id) and reports
/// each change to <paramref name="changed"/>.</summary>
public sealed class Incidents(AlertStateSnapshot? state = null, Action<AlertStateChange>? changed = null)
{
    private readonly Lock _gate = new();
    private readonly List<Incident> _all = [.. (state?.Incidents ?? []).OrderBy(i => i.Id)];
    private int _next = (state?.Incidents.Select(i => i.Id).DefaultIfEmpty(0).Max() ?? 0) + 1;

    public IReadOnlyList<Incident> All
    {
        get
        {
            lock (_gate) return _all.ToList();
        }
    }

    public Incident? Get(int id)
    {
        lock (_gate) return _all.FirstOrDefault(i => i.Id == id);
    }

    /// <summary>Files an alert event: a firing alert joins its model's incident under way or opens one; a resolved one
    /// clears, and an incident whose alerts have all cleared resolves.</summary>
    public Incident? Observe(AlertEvent e, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(e);
        lock (_gate)
        {
            var at = _all.FindIndex(i => i.Model == e.Alert.Model && i.State != IncidentState.Resolved);
            if (e.Kind == "firing")
            {
                if (at < 0)
                {
                    var created = new Incident
                    {
                        Id = _next++, Model = e.Alert.Model, State = IncidentState.Open, OpenedAt = now, Severity = e.Alert.Severity,
                        Alerts = [e.Alert.Key], Firing = [e.Alert.Key],
                    };
                    _all.Add(created);
                    changed?.Invoke(new IncidentChanged(created));
                    return created;
                }
                var i = _all[at];
                _all[at] = i with
                {
                    Severity = string.CompareOrdinal(e.Alert.Severity, i.Severity) < 0 ? e.Alert.Severity : i.Severity,
                    Alerts = i.Alerts.Contains(e.Alert.Key) ? i.Alerts : [.. i.Alerts, e.Alert.Key],
                    Firing = i.Firing.Contains(e.Alert.Key) ? i.Firing : [.. i.Firing, e.Alert.Key],
                };
                changed?.Invoke(new IncidentChanged(_all[at]));
                return _all[at];
            }
            if (at < 0) return null;
            var current = _all[at];
            if (!current.Alerts.Contains(e.Alert.Key)) return current;
            var firing = current.Firing.Where(k => k != e.Alert.Key).ToList();
            _all[at] = firing.Count == 0
                ? current with
                {
                    Firing = firing, State = IncidentState.Resolved, ResolvedAt = now,
                    Notes = [.. current.Notes, new IncidentNote(now, "vigil", "resolved: all its alerts cleared")],
                }
                : current with { Firing = firing };
            changed?.Invoke(new IncidentChanged(_all[at]));
            return _all[at];
        }
    }

    /// <summary>Acknowledges, resolves, assigns or notes an incident; null when there is no such incident, and an
    /// error message when the step does not apply (e.g. acknowledging a resolved incident).</summary>
    public (Incident? Incident, string? Error) Act(int id, string action, string author, string? text, DateTime now)
    {
        lock (_gate)
        {
            var at = _all.FindIndex(i => i.Id == id);
            if (at < 0) return (null, null);
            var i = _all[at];
            Incident updated;
            switch (action)
            {
                case "acknowledge":
                    if (i.State != IncidentState.Open) return (i, $"incident {id} is {i.State.ToString().ToLowerInvariant()}, not open");
                    updated = i with { State = IncidentState.Acknowledged, AcknowledgedAt = now, Notes = [.. i.Notes, new IncidentNote(now, author, "acknowledged")] };
                    break;
                case "resolve":
                    if (i.State == IncidentState.Resolved) return (i, $"incident {id} is already resolved");
                    updated = i with { State = IncidentState.Resolved, ResolvedAt = now, Notes = [.. i.Notes, new IncidentNote(now, author, string.IsNullOrWhiteSpace(text) ? "resolved" : "resolved: " + text)] };
                    break;
                case "assign":
                    if (string.IsNullOrWhiteSpace(text)) return (i, "assign needs {\"assignee\": \"name\"}");
                    updated = i with { Assignee = text, Notes = [.. i.Notes, new IncidentNote(now, author, "assigned to " + text)] };
                    break;
                case "notes":
                    if (string.IsNullOrWhiteSpace(text)) return (i, "a note needs {\"text\": \"...\"}");
                    updated = i with { Notes = [.. i.Notes, new IncidentNote(now, author, text)] };
                    break;
                default:
                    return (i, $"'{action}' is not an action; expected acknowledge, resolve, assign or notes");
            }
            _all[at] = updated;
            changed?.Invoke(new IncidentChanged(updated));
            return (updated, null);
        }
    }
}
