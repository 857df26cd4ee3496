using Vigil.Monitoring.Config;

namespace Vigil.Monitoring.Alerts;

/// <summary>Where a monitor's alert stands: no breach, a breach not yet held for the monitor's <c>for</c>, or firing.</summary>
public enum AlertState { Ok, Pending, Firing }

/// <summary>
/// One monitor's alert (there is at most one per model and monitor: alerts are deduplicated by that pair). It opens
/// when the condition first breaches, fires once the breach has held for the monitor's <c>for</c>, and resolves when
/// the condition clears. <see cref="Notified"/> is false when it fired within the monitor's cooldown of the last
/// notified one, so nobody was told again.
/// </summary>
public sealed record Alert
{
    public required string Model { get; init; }
    public required string Monitor { get; init; }
    public required string Severity { get; init; }
    public required AlertState State { get; init; }
    /// <summary>When the breach began.</summary>
    public required DateTime Since { get; init; }
    public DateTime? FiredAt { get; init; }
    public DateTime? ResolvedAt { get; init; }
    public double? Value { get; init; }
    /// <summary>What the threshold is, in words (e.g. "min 0.75", "drift by psi", "mean ± 3σ of the last 7d: [0.2, 0.4]").</summary>
    public required string Condition { get; init; }
    public bool Notified { get; init; }
    /// <summary>Drift alerts: the feature's configured importance (null when none is configured).</summary>
    public double? Importance { get; init; }
    /// <summary>Drift alerts: whether a performance monitor of the same model was breached at the same evaluation.</summary>
    public bool? PerformanceMoved { get; init; }
    /// <summary>Drift alerts: the feature that drifted.</summary>
    public string? Feature { get; init; }
    /// <summary>Drift alerts: the drift method that judged it (e.g. psi, ks, wasserstein).</summary>
    public string? Statistic { get; init; }
    /// <summary>Drift alerts: the method's threshold (a p-value for tests, a distance otherwise).</summary>
    public double? Threshold { get; init; }
    /// <summary>Estimated-performance alerts: CBPE's estimate with its band, at the latest evaluation.</summary>
    public EstimateInfo? Estimate { get; init; }
    /// <summary>A key that stays the same for the life of this alert (PagerDuty's dedup_key).</summary>
    public string Key => $"vigil/{Model}/{Monitor}/{Since:yyyyMMddTHHmmssfff}";
}

/// <summary>What the runner knows besides the value: the severity to use (a drift alert held at P3), the feature's
/// importance, whether performance moved, and for drift the feature, the drift method and its threshold.</summary>
public sealed record AlertContext(string? Severity, double? Importance, bool? PerformanceMoved, EstimateInfo? Estimate = null,
    string? Feature = null, string? Statistic = null, double? Threshold = null);

/// <summary>An <c>estimated_performance</c> monitor's reading: CBPE's estimate of <see cref="Metric"/> on
/// <see cref="Rows"/> unlabelled predictions, its standard error and its band (± 3 standard errors, in [0, 1]).</summary>
public sealed record EstimateInfo(string Metric, double Estimate, double? StandardError, double? Lower, double? Upper, long Rows);

/// <summary>What changed when a monitor was observed: an alert fired (and should be sent) or resolved.</summary>
public sealed record AlertEvent(string Kind, Alert Alert);

/// <summary>
/// The alerts' state machine, one per (model, monitor): observe each evaluation of a monitor and get back what to
/// send. Pure and thread-safe; time is passed in. It starts from <paramref name="state"/> (what a store kept: open
/// alerts, history, cooldowns) and reports each change to <paramref name="changed"/> (under its lock, in order), so a
/// restart neither forgets an open alert nor pages again within a cooldown.
/// </summary>
public sealed class AlertEngine(AlertStateSnapshot? state = null, Action<AlertStateChange>? changed = null)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string, string), Alert> _active = (state?.Active ?? []).ToDictionary(a => (a.Model, a.Monitor));
    private readonly Dictionary<(string, string), DateTime> _lastNotified = (state?.Cooldowns ?? []).ToDictionary(c => (c.Model, c.Monitor), c => c.LastNotified);
    private readonly List<Alert> _history = [.. state?.Resolved ?? []];

    /// <summary>Resolved alerts kept for <see cref="History"/>.</summary>
    public int HistoryLimit { get; init; } = 1000;

    /// <summary>Records one evaluation: <paramref name="breached"/> null means no data (nothing changes).</summary>
    public IReadOnlyList<AlertEvent> Observe(string model, MonitorConfig monitor, double? value, bool? breached, string condition, DateTime now,
        AlertContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (breached is null) return [];
        var key = (model, monitor.Name);
        lock (_gate)
        {
            _active.TryGetValue(key, out var alert);
            if (breached.Value)
            {
                alert ??= new Alert
                {
                    Model = model, Monitor = monitor.Name, Severity = context?.Severity ?? monitor.Severity, State = AlertState.Pending, Since = now,
                    Condition = condition,
                };
                alert = alert with
                {
                    Value = value, Condition = condition, Importance = context?.Importance, PerformanceMoved = context?.PerformanceMoved, Estimate = context?.Estimate,
                    Feature = context?.Feature, Statistic = context?.Statistic, Threshold = context?.Threshold,
                };
                // Until it fires, the severity follows the latest context (a drift alert is held at P3 or not). Once it has
                // fired it only escalates: a drift alert that fired held at P3 is released when performance moves (its
                // context no longer holds it), and the escalation is sent (same key) even within the cooldown, since
                // nobody was paged at the lower severity. It never drops back while it stays open.
                var severity = context?.Severity ?? monitor.Severity;
                if (alert.State == AlertState.Pending) alert = alert with { Severity = severity };
                else if (alert.State == AlertState.Firing && string.CompareOrdinal(severity, alert.Severity) < 0)
                {
                    alert = alert with { Severity = severity, Notified = true };
                    Set(key, alert);
                    Notify(key, now);
                    return [new AlertEvent("firing", alert)];
                }
                if (alert.State == AlertState.Pending && now - alert.Since >= monitor.For)
                {
                    var quiet = _lastNotified.TryGetValue(key, out var last) && now - last < monitor.Cooldown;
                    alert = alert with { State = AlertState.Firing, FiredAt = now, Notified = !quiet };
                    Set(key, alert);
                    if (quiet) return [];
                    Notify(key, now);
                    return [new AlertEvent("firing", alert)];
                }
                Set(key, alert);
                return [];
            }
            if (alert is null) return [];
            _active.Remove(key);
            changed?.Invoke(new ActiveAlertChanged(model, monitor.Name, null));
            if (alert.State != AlertState.Firing) return [];
            var resolved = alert with { ResolvedAt = now, Value = value };
            _history.Add(resolved);
            while (_history.Count > HistoryLimit) _history.RemoveAt(0);
            changed?.Invoke(new AlertResolved(resolved));
            return resolved.Notified ? [new AlertEvent("resolved", resolved)] : [];
        }
    }

    /// <summary>Keeps the open alert, and reports it when what a restart needs changed (it opened, fired, changed
    /// severity or was notified); a new value alone, as every evaluation brings, is not written, and the next
    /// evaluation after a restart brings the value again.</summary>
    private void Set((string Model, string Monitor) key, Alert alert)
    {
        var old = _active.GetValueOrDefault(key);
        _active[key] = alert;
        if (old is not null && (old.State, old.Severity, old.Since, old.FiredAt, old.Notified) == (alert.State, alert.Severity, alert.Since, alert.FiredAt, alert.Notified)) return;
        changed?.Invoke(new ActiveAlertChanged(key.Model, key.Monitor, alert));
    }

    private void Notify((string Model, string Monitor) key, DateTime now)
    {
        _lastNotified[key] = now;
        changed?.Invoke(new AlertNotified(key.Model, key.Monitor, now));
    }

    /// <summary>Open alerts (pending and firing).</summary>
    public IReadOnlyList<Alert> Active
    {
        get
        {
            lock (_gate) return _active.Values.OrderBy(a => a.Since).ToList();
        }
    }

    /// <summary>Resolved alerts, oldest first.</summary>
    public IReadOnlyList<Alert> History
    {
        get
        {
            lock (_gate) return _history.ToList();
        }
    }
}
