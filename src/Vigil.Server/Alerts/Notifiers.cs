using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Alerts;

/// <summary>One attempt to deliver an alert event to a notifier (the queryable delivery log).</summary>
internal sealed record Delivery(string Notifier, string Type, string Event, string AlertKey, string Model, string Monitor, string Severity,
    int Attempts, bool Delivered, string? Error, DateTime At);

/// <summary>
/// Sends alert events to the notifiers whose severities include the alert's: a generic webhook gets an
/// Alertmanager-compatible JSON body, Slack an incoming-webhook message, PagerDuty an Events API v2 trigger or resolve
/// with the alert's stable dedup_key (so a retried trigger never pages twice). P3 goes to the log unless a notifier
/// asks for it. Each delivery runs in the background with retries and backoff; every attempt's outcome is kept.
/// </summary>
internal sealed class Notifiers(ServiceConfig config, HttpClient http, Action<string>? log = null)
{
    private readonly Lock _gate = new();
    private readonly List<Delivery> _log = [];
    private readonly List<Task> _pending = [];

    /// <summary>Attempts per delivery, and the first pause between them (doubling).</summary>
    public int MaxAttempts { get; init; } = 5;
    public TimeSpan FirstBackoff { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Where each notification's outcome is recorded per alert (the service's store), beside the log in memory.</summary>
    public IAlertStateStore? Store { get; init; }

    public IReadOnlyList<Delivery> Log
    {
        get
        {
            lock (_gate) return _log.ToList();
        }
    }

    public void Send(AlertEvent e, string? detail)
    {
        var targets = config.Notifiers.Where(n => n.Severities.Contains(e.Alert.Severity)).ToList();
        log?.Invoke($"alert {e.Kind}: {e.Alert.Severity} {e.Alert.Model}/{e.Alert.Monitor} value {e.Alert.Value?.ToString("G6", CultureInfo.InvariantCulture) ?? "none"} ({e.Alert.Condition}){(detail is null ? "" : "; " + detail)}" +
                     (targets.Count == 0 ? " (logged only)" : $" -> {string.Join(", ", targets.Select(t => t.Name))}"));
        foreach (var n in targets)
        {
            var task = Task.Run(() => Deliver(n, e, detail));
            lock (_gate)
            {
                _pending.RemoveAll(t => t.IsCompleted);
                _pending.Add(task);
            }
        }
    }

    /// <summary>An event a silence holds back: logged, and recorded as "silenced" for each notifier that would have had it.</summary>
    public void Silenced(AlertEvent e, Silence silence)
    {
        var targets = config.Notifiers.Where(n => n.Severities.Contains(e.Alert.Severity)).ToList();
        log?.Invoke($"alert {e.Kind}: {e.Alert.Severity} {e.Alert.Model}/{e.Alert.Monitor} silenced by silence {silence.Id} until {silence.EndsAt:yyyy-MM-ddTHH:mm:ssZ}" +
                    (targets.Count == 0 ? "" : $" (not sent to {string.Join(", ", targets.Select(t => t.Name))})"));
        foreach (var n in targets)
            Persist(new NotificationRecord(e.Alert.Key, e.Kind, n.Name, n.Type, DateTime.UtcNow, "silenced", 0, $"silence {silence.Id}"));
    }

    /// <summary>Waits for deliveries under way (for shutdown and tests).</summary>
    public Task Drain()
    {
        lock (_gate) return Task.WhenAll(_pending.ToList());
    }

    private async Task Deliver(NotifierConfig n, AlertEvent e, string? detail)
    {
        var body = Payload(n, e, detail);
        string? error = null;
        var delay = FirstBackoff;
        var attempts = 0;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            attempts = attempt;
            try
            {
                using var resp = await http.PostAsync(n.Url, JsonContent.Create(body)).ConfigureAwait(false);
                if (resp.IsSuccessStatusCode)
                {
                    Record(n, e, attempt, true, null);
                    return;
                }
                error = $"HTTP {(int)resp.StatusCode}";
                // A 4xx other than 429 will not get better by asking again.
                if ((int)resp.StatusCode is >= 400 and < 500 and not 429) break;
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                error = ex.Message;
            }
            if (attempt < MaxAttempts) await Task.Delay(delay).ConfigureAwait(false);
            delay *= 2;
        }
        // The attempts made: fewer than MaxAttempts when a 4xx ended them.
        Record(n, e, attempts, false, error);
        log?.Invoke($"notifier {n.Name}: could not deliver {e.Kind} of {e.Alert.Model}/{e.Alert.Monitor}: {error}");
    }

    private void Record(NotifierConfig n, AlertEvent e, int attempts, bool delivered, string? error)
    {
        lock (_gate)
        {
            _log.Add(new Delivery(n.Name, n.Type, e.Kind, e.Alert.Key, e.Alert.Model, e.Alert.Monitor, e.Alert.Severity, attempts, delivered, error, DateTime.UtcNow));
            if (_log.Count > 10_000) _log.RemoveAt(0);
        }
        Persist(new NotificationRecord(e.Alert.Key, e.Kind, n.Name, n.Type, DateTime.UtcNow, delivered ? "ok" : "failed", attempts, error));
    }

    private void Persist(NotificationRecord record)
    {
        if (Store is null) return;
        try
        {
            Store.RecordNotification(record);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            log?.Invoke($"notifier {record.Notifier}: could not record the {record.Status} delivery of {record.AlertKey} in the store: {ex.Message.Split('\n')[0]}");
        }
    }

    /// <summary>Alertmanager labels: the alert's identity, and for drift the feature and the drift method (so routes and
    /// silences downstream can match on them).</summary>
    private static JsonObject Labels(Alert a)
    {
        var labels = new JsonObject { ["alertname"] = a.Monitor, ["model"] = a.Model, ["monitor"] = a.Monitor, ["severity"] = a.Severity };
        if (a.Feature is { } f) labels["feature"] = f;
        if (a.Statistic is { } st) labels["statistic"] = st;
        return labels;
    }

    private static string Summary(AlertEvent e, string? detail)
    {
        var a = e.Alert;
        var value = a.Value?.ToString("G6", CultureInfo.InvariantCulture) ?? "no value";
        return $"[{a.Severity}] {a.Model}: {a.Monitor} is {value} ({a.Condition}){(detail is null ? "" : "; " + detail)}";
    }

    /// <summary>An estimated-performance alert's estimate, standard error and band beside the other details (as text in
    /// Alertmanager's annotations, which are strings).</summary>
    private static JsonObject Estimate(JsonObject o, EstimateInfo? est, bool text = false)
    {
        if (est is null) return o;
        JsonNode? V(double? x) => x is not { } v ? null : text ? JsonValue.Create(v.ToString("R", CultureInfo.InvariantCulture)) : JsonValue.Create(v);
        o["estimate"] = V(est.Estimate);
        o["estimate_standard_error"] = V(est.StandardError);
        o["estimate_lower"] = V(est.Lower);
        o["estimate_upper"] = V(est.Upper);
        o["estimate_rows"] = text ? JsonValue.Create(est.Rows.ToString(CultureInfo.InvariantCulture)) : JsonValue.Create(est.Rows);
        return o;
    }

    /// <summary>A drift alert's feature, importance, drift method, threshold and whether performance moved, beside the
    /// other details (as text in Alertmanager's annotations, which are strings, where the feature and the method are
    /// labels instead). Absent fields are left out.</summary>
    private static JsonObject Drift(JsonObject o, Alert a, bool text = false)
    {
        static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        if (a.Feature is { } f && !text) o["feature"] = f;
        if (a.Importance is { } imp) o["importance"] = text ? F(imp) : imp;
        if (a.Statistic is { } st && !text) o["statistic"] = st;
        if (a.Threshold is { } th) o["threshold"] = text ? F(th) : th;
        if (a.PerformanceMoved is { } pm) o["performance_moved"] = text ? (pm ? "true" : "false") : pm;
        return o;
    }

    /// <summary>The drift details in words for Slack: "feature amount (importance 0.3) drifted by psi (threshold 0.1);
    /// performance moved: no".</summary>
    private static string? DriftLine(Alert a)
    {
        if (a.Feature is null) return null;
        var parts = new List<string> { $"feature {a.Feature}" + (a.Importance is { } imp ? $" (importance {imp.ToString("G4", CultureInfo.InvariantCulture)})" : "") };
        if (a.Statistic is { } st) parts[0] += $" drifted by {st}" + (a.Threshold is { } th ? $" (threshold {th.ToString("G4", CultureInfo.InvariantCulture)})" : "");
        if (a.PerformanceMoved is { } pm) parts.Add("performance moved: " + (pm ? "yes" : "no"));
        return string.Join("; ", parts);
    }

    internal static JsonObject Payload(NotifierConfig n, AlertEvent e, string? detail)
    {
        var a = e.Alert;
        var iso = (DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        switch (n.Type)
        {
            case "slack":
                return new JsonObject { ["text"] = (e.Kind == "resolved" ? "Resolved: " : "") + Summary(e, detail) + (DriftLine(a) is { } line ? "\n" + line : "") };
            case "pagerduty":
                var pd = new JsonObject
                {
                    ["routing_key"] = n.RoutingKey ?? "",
                    ["event_action"] = e.Kind == "resolved" ? "resolve" : "trigger",
                    ["dedup_key"] = a.Key,
                };
                if (e.Kind != "resolved")
                {
                    pd["payload"] = new JsonObject
                    {
                        ["summary"] = Summary(e, detail),
                        ["source"] = $"vigil/{a.Model}",
                        ["severity"] = a.Severity switch { "P1" => "critical", "P2" => "error", _ => "warning" },
                        ["component"] = a.Model,
                        ["class"] = a.Monitor,
                        ["timestamp"] = iso(a.FiredAt ?? a.Since),
                        ["custom_details"] = Drift(Estimate(new JsonObject { ["value"] = a.Value, ["condition"] = a.Condition, ["detail"] = detail }, a.Estimate), a),
                    };
                }
                return pd;
            default:
                // Alertmanager's webhook format (version 4), one alert per message.
                var alert = new JsonObject
                {
                    ["status"] = e.Kind,
                    ["labels"] = Labels(a),
                    ["annotations"] = Drift(Estimate(new JsonObject { ["summary"] = Summary(e, detail), ["value"] = a.Value?.ToString("R", CultureInfo.InvariantCulture), ["condition"] = a.Condition }, a.Estimate, text: true), a, text: true),
                    ["startsAt"] = iso(a.FiredAt ?? a.Since),
                    ["endsAt"] = a.ResolvedAt is { } r ? iso(r) : "0001-01-01T00:00:00Z",
                    ["fingerprint"] = a.Key,
                };
                return new JsonObject
                {
                    ["version"] = "4",
                    ["status"] = e.Kind,
                    ["receiver"] = n.Name,
                    ["groupKey"] = $"{{}}:{{model=\"{a.Model}\", monitor=\"{a.Monitor}\"}}",
                    ["groupLabels"] = new JsonObject { ["model"] = a.Model, ["monitor"] = a.Monitor },
                    ["commonLabels"] = alert["labels"]!.DeepClone(),
                    ["commonAnnotations"] = alert["annotations"]!.DeepClone(),
                    ["externalURL"] = "",
                    ["alerts"] = new JsonArray(alert),
                };
        }
    }
}
