using System.Globalization;
using Vigil.Engine;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Alerts;

namespace Vigil.Server.Monitors;

/// <summary>A monitor's latest evaluation.</summary>
internal sealed record MonitorReading(string Model, string Monitor, MetricRef Metric, string Severity, double? Value, bool? Breached, string Condition,
    string? Note, string? Feature, DateTime At, TimeSpan Took)
{
    /// <summary>estimated_performance monitors: the estimate with its band.</summary>
    public EstimateInfo? Estimate { get; init; }
    /// <summary>fairness monitors: every group's rate and ratio to the reference group.</summary>
    public FairnessInfo? Fairness { get; init; }
}

/// <summary>
/// Runs every monitor on its schedule (<c>every</c>), one at a time on a background task: computes its metric on its
/// window (<see cref="WindowMetrics"/>), judges it against its threshold, and hands the alert engine's events to the
/// notifiers. A monitor that fails is logged and tried again on its next turn.
/// </summary>
internal sealed class MonitorRunner : IAsyncDisposable
{
    private readonly ServiceConfig _config;
    private readonly WindowMetrics _metrics;
    private readonly Thresholds _thresholds = new();
    private readonly Notifiers _notifiers;
    private readonly Action<string> _log;
    private readonly Dictionary<(string, string), MonitorReading> _readings = new();
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    /// <summary>Where each reading is kept for the model view's history (the store, when the state is kept in one).</summary>
    private readonly Store.PredictionStore? _history;
    private volatile bool _runAll;
    private volatile bool _held;

    /// <summary>The alerts, incidents and silences start from what <paramref name="state"/> kept (when given) and
    /// write each change through to it, so a restart neither pages again within a cooldown nor renumbers incidents.</summary>
    public MonitorRunner(ServiceConfig config, WindowMetrics metrics, Notifiers notifiers, Action<string> log, IAlertStateStore? state = null)
    {
        _config = config;
        _metrics = metrics;
        _notifiers = notifiers;
        _log = log;
        _history = state as Store.PredictionStore;
        var snapshot = state?.LoadAlertState();
        Action<AlertStateChange>? changed = state is null ? null : change =>
        {
            // A store that cannot take the change now does not stop the alerting; the change is lost for a restart.
            try
            {
                state.SaveAlertState(change);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _log($"alert state: could not store {change.GetType().Name}: {e.Message.Split('\n')[0]}");
            }
        };
        if (snapshot is not null)
        {
            // An open alert of a monitor no longer configured would stay open for ever: it is dropped (its incident and
            // history stay).
            var known = config.Models.SelectMany(m => m.Monitors.Select(x => (m.Name, x.Name))).ToHashSet();
            foreach (var gone in snapshot.Active.Where(a => !known.Contains((a.Model, a.Monitor))))
            {
                _log($"alert state: dropping the open alert of {gone.Model}/{gone.Monitor}, a monitor the config no longer has");
                changed!(new ActiveAlertChanged(gone.Model, gone.Monitor, null));
            }
            snapshot = snapshot with { Active = [.. snapshot.Active.Where(a => known.Contains((a.Model, a.Monitor)))] };
        }
        Alerts = new AlertEngine(snapshot, changed);
        Incidents = new Incidents(snapshot, changed);
        Silences = new Silences(snapshot, changed);
    }

    public AlertEngine Alerts { get; }

    public Incidents Incidents { get; }

    public Silences Silences { get; }

    public IReadOnlyList<MonitorReading> Readings
    {
        get
        {
            lock (_gate) return _readings.Values.ToList();
        }
    }

    public void Start() => _loop = Task.Run(() => Loop(_stop.Token));

    /// <summary>Makes every monitor due at the loop's next turn (the demo, once its history is in), after which each
    /// keeps its schedule.</summary>
    public void RunAllSoon()
    {
        _runAll = true;
        _held = false;
    }

    /// <summary>Holds every monitor until <see cref="RunAllSoon"/> (the demo, while it sends its history: a window
    /// half-filled would page for nothing).</summary>
    public void Hold() => _held = true;

    private async Task Loop(CancellationToken ct)
    {
        var due = new Dictionary<(string, string), DateTime>();
        var start = DateTime.UtcNow;
        foreach (var m in _config.Models)
            foreach (var mon in m.Monitors) due[(m.Name, mon.Name)] = start + TimeSpan.FromMilliseconds(Math.Min(mon.Every.TotalMilliseconds, 1000));
        if (due.Count == 0) return;
        while (!ct.IsCancellationRequested)
        {
            if (_held)
            {
                try
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
                }
                catch (TaskCanceledException)
                {
                    return;
                }
                continue;
            }
            if (_runAll)
            {
                _runAll = false;
                foreach (var key in due.Keys.ToList()) due[key] = DateTime.MinValue;
            }
            foreach (var model in _config.Models)
            {
                foreach (var monitor in model.Monitors)
                {
                    if (ct.IsCancellationRequested) return;
                    var now = DateTime.UtcNow;
                    if (due[(model.Name, monitor.Name)] > now) continue;
                    due[(model.Name, monitor.Name)] = now + monitor.Every;
                    RunOnce(model, monitor, now);
                }
            }
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(200), ct).ConfigureAwait(false);
            }
            catch (TaskCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Evaluates one monitor now (the loop's step; also for tests).</summary>
    public MonitorReading RunOnce(ModelConfig model, MonitorConfig monitor, DateTime now)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        MetricValue value;
        try
        {
            value = _metrics.Compute(model, monitor, now);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A monitor that fails (a store hiccup, a metric the data cannot give) is logged and tried on its next turn.
            _log($"monitor {model.Name}/{monitor.Name}: {e.Message.Split('\n')[0]}");
            value = new MetricValue(null, null, e.Message.Split('\n')[0]);
        }
        bool? breached = null;
        var condition = monitor.Method is null ? "" : $"by {monitor.Method}";
        if (value.Value is { } v)
        {
            var hasThreshold = monitor.Min is not null || monitor.Max is not null || monitor.Rolling is not null;
            if (hasThreshold) (breached, condition) = _thresholds.Judge(model.Name, monitor, v, now);
            else if (value.Drifted is { } drifted)
            {
                breached = drifted;
                condition = value.Condition ?? "the drift method's own decision";
            }
        }
        else if (value.Drifted == true)
        {
            // The monitor decided without a value to show (a fairness monitor whose reference group is too small to judge
            // the ratios, while a group left its baseline): still a breach.
            breached = true;
            condition = value.Condition ?? "the monitor's own decision";
        }
        // A drift alert says how important the feature is and whether performance moved; drift on a feature below the
        // model's min_importance, while no performance monitor is breached, is held at P3.
        AlertContext? context = null;
        if (monitor.Metric.Kind == MetricKind.Drift && value.Feature is { } feature)
        {
            double? importance = model.Importance.TryGetValue(feature, out var imp) ? imp : null;
            bool moved;
            // Performance moved: an SLO of the model is missed, or (without SLOs) a performance monitor is breached.
            var slos = model.Monitors.Where(x => x.Slo).Select(x => x.Name).ToHashSet(StringComparer.Ordinal);
            lock (_gate)
                moved = _readings.Values.Any(r => r.Model == model.Name && r.Breached == true && (slos.Count > 0 ? slos.Contains(r.Monitor) : r.Metric.IsPerformance));
            var held = model.MinImportance is { } floor && importance is { } im && im < floor && !moved;
            if (held)
                condition += $"; held at P3: importance {importance!.Value.ToString("G4", CultureInfo.InvariantCulture)} < {model.MinImportance!.Value.ToString("G4", CultureInfo.InvariantCulture)} and performance within SLO";
            context = new AlertContext(held ? "P3" : null, importance, moved, null, feature, value.Method, value.Threshold);
        }
        if (value.Estimate is { } estimate) context = new AlertContext(null, null, null, estimate);
        var reading = new MonitorReading(model.Name, monitor.Name, monitor.Metric, context?.Severity ?? monitor.Severity, value.Value, breached, condition, value.Note, value.Feature, now, clock.Elapsed)
        {
            Estimate = value.Estimate,
            Fairness = value.Fairness,
        };
        lock (_gate) _readings[(model.Name, monitor.Name)] = reading;
        try
        {
            _history?.RecordReading(model.Name, monitor.Name, now, value.Value, breached);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A store that cannot keep the reading now does not stop the monitor; the history has a gap.
            _log($"monitor {model.Name}/{monitor.Name}: could not keep the reading: {e.Message.Split('\n')[0]}");
        }
        foreach (var e in Alerts.Observe(model.Name, monitor, value.Value, breached, condition, now, context))
        {
            Incidents.Observe(e, now);
            if (Silences.Matching(e.Alert, now) is { } silence) _notifiers.Silenced(e, silence);
            else _notifiers.Send(e, value.Note);
        }
        return reading;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_loop is not null) await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }
}
