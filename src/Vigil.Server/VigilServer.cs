using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Monitoring.Config;
using Vigil.Server.Alerts;
using Vigil.Server.Ingest;
using Vigil.Server.Monitors;
using Vigil.Server.Metrics;
using Vigil.Server.Store;

namespace Vigil.Server;

/// <summary>
/// <c>vigil serve</c>: the ingest API (predictions and late labels, durable before they are acknowledged), the query
/// API, health checks and Prometheus metrics over a <see cref="PredictionStore"/> (docs/service.md).
/// </summary>
public sealed partial class VigilServer : IAsyncDisposable
{
    /// <summary>The largest request body accepted.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly WebApplication _app;
    private readonly PredictionStore _store;
    private readonly ServiceConfig _config;
    private readonly Dictionary<string, ModelStats> _stats;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly MonitorRunner _monitors;
    private readonly WindowMetrics _windows;
    private readonly Notifiers _notifiers;

    private readonly Action<string> _log;

    private VigilServer(WebApplication app, PredictionStore store, ServiceConfig config, Action<string> log)
    {
        _log = log;
        _app = app;
        _store = store;
        _config = config;
        _stats = config.Models.ToDictionary(m => m.Name, _ => new ModelStats(), StringComparer.Ordinal);
        // Alerts, incidents, silences and every notification's delivery are kept in the store (a restart does not page again).
        _notifiers = new Notifiers(config, _http, log) { Store = store };
        _windows = new WindowMetrics(store);
        _monitors = new MonitorRunner(config, _windows, _notifiers, log, store);
        Map(app);
    }

    /// <summary>Every mapped route's pattern (for the OpenAPI test), constraints left out.</summary>
    internal IReadOnlyList<string> Routes =>
        _app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText ?? "", @":[a-z]+\}", "}"))
            .Distinct().ToList();

    /// <summary>The monitors (their latest readings and the alert engine).</summary>
    internal MonitorRunner Monitors => _monitors;

    /// <summary>The notifiers and their delivery log.</summary>
    internal Notifiers Deliveries => _notifiers;

    /// <summary>The addresses the server listens on (with the port chosen when it was 0).</summary>
    public IReadOnlyList<string> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>Builds the server: opens (or creates) the store; bad config or store is a <see cref="VigilInputException"/>.</summary>
    public static VigilServer Create(ServiceConfig config, string urls, bool quiet = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        var store = PredictionStore.Open(config);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(urls);
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
            builder.Logging.ClearProviders();
            if (!quiet) builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            Action<string> log = quiet ? _ => { } : line => Console.Error.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}");
            return new VigilServer(app, store, config, log);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        await _app.StartAsync(ct).ConfigureAwait(false);
        _monitors.Start();
    }

    public Task WaitForShutdownAsync(CancellationToken ct = default) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, ct);

    public async ValueTask DisposeAsync()
    {
        await _monitors.DisposeAsync().ConfigureAwait(false);
        await _notifiers.Drain().ConfigureAwait(false);
        _http.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/healthz", () => Results.Json(new { Status = "ok" }, Json));
        app.MapGet("/readyz", () => _store.Ready()
            ? Results.Json(new { Status = "ready" }, Json)
            : Results.Json(new { Status = "store unavailable" }, Json, statusCode: 503));
        app.MapGet("/metrics", () => Results.Text(MetricsText(), PrometheusText.ContentType));
        var openApi = OpenApi.Document();
        app.MapGet("/openapi.json", () => Results.Text(openApi, "application/json"));
        app.MapPost("/v1/models/{model}/predictions", (HttpContext ctx, string model) => Ingest(ctx, model, labels: false));
        app.MapPost("/v1/models/{model}/labels", (HttpContext ctx, string model) => Ingest(ctx, model, labels: true));
        app.MapGet("/v1/alerts", (HttpContext ctx) =>
        {
            if (Authorized(ctx, Scope.Read) is { } denied) return denied;
            var (active, resolved) = (_monitors.Alerts.Active, _monitors.Alerts.History);
            var sent = NotificationsOf(active.Concat(resolved).Select(a => a.Key));
            return Results.Json(new Dictionary<string, object>
            {
                ["active"] = active.Select(a => AlertView(a, sent)).ToList(),
                ["resolved"] = resolved.Select(a => AlertView(a, sent)).ToList(),
                ["deliveries"] = _notifiers.Log.Select(d => new Dictionary<string, object?>
                {
                    ["notifier"] = d.Notifier, ["type"] = d.Type, ["event"] = d.Event, ["alert"] = d.AlertKey, ["model"] = d.Model, ["monitor"] = d.Monitor,
                    ["severity"] = d.Severity, ["attempts"] = d.Attempts, ["delivered"] = d.Delivered, ["error"] = d.Error, ["at"] = d.At,
                }).ToList(),
            }, Json);
        });
        app.MapGet("/v1/incidents", (HttpContext ctx) =>
        {
            if (Authorized(ctx, Scope.Read) is { } denied) return denied;
            var all = _monitors.Incidents.All;
            var sent = NotificationsOf(all.SelectMany(i => i.Alerts));
            return Results.Json(new Dictionary<string, object> { ["incidents"] = all.OrderByDescending(i => i.Id).Select(i => IncidentView(i, sent)).ToList() }, Json);
        });
        app.MapGet("/v1/incidents/{id:int}", (HttpContext ctx, int id) =>
        {
            if (Authorized(ctx, Scope.Read) is { } denied) return denied;
            return _monitors.Incidents.Get(id) is { } i ? Results.Json(IncidentView(i, NotificationsOf(i.Alerts)), Json) : Error(404, $"no incident {id}");
        });
        app.MapPost("/v1/incidents/{id:int}/{action}", async (HttpContext ctx, int id, string action) =>
        {
            if (Authorized(ctx, Scope.Admin) is { } denied) return denied;
            string? text = null;
            if (ctx.Request.ContentLength is > 0 || ctx.Request.Headers.TransferEncoding.Count > 0)
            {
                try
                {
                    using var doc = await JsonDocument.ParseAsync(ctx.Request.Body, cancellationToken: ctx.RequestAborted).ConfigureAwait(false);
                    foreach (var name in new[] { "text", "assignee", "note" })
                        if (doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String) text = v.GetString();
                }
                catch (JsonException)
                {
                    return Error(400, "the body is not JSON; expected e.g. {\"text\": \"...\"} or {\"assignee\": \"name\"}");
                }
            }
            var author = KeyOf(ctx, out _)?.Name ?? "unknown";
            var (incident, error) = _monitors.Incidents.Act(id, action, author, text, DateTime.UtcNow);
            if (incident is null) return Error(404, $"no incident {id}");
            return error is not null ? Error(action is "acknowledge" or "resolve" ? 409 : 400, error) : Results.Json(IncidentView(incident, NotificationsOf(incident.Alerts)), Json);
        });
        MapSilences(app);
        app.MapGet("/v1/models/{model}/canary", (HttpContext ctx, string model) =>
        {
            if (Authorized(ctx, Scope.Read) is { } denied) return denied;
            if (_config.Model(model) is not { } m) return NotFound(model);
            return Canary.Compare(_windows, m, ctx.Request.Query, DateTime.UtcNow) is var (status, body) ? Results.Json(body, Json, statusCode: status) : Results.Empty;
        });
        app.MapGet("/v1/models", (HttpContext ctx) => Authorized(ctx, Scope.Read) ?? Results.Json(new { Models = _config.Models.Select(m => ModelView(m)).ToList() }, Json));
        app.MapGet("/v1/models/{model}/page", (HttpContext ctx, string model) =>
        {
            if (Authorized(ctx, Scope.Read) is { } denied) return denied;
            return _config.Model(model) is { } m ? Results.Content(Reports.Html.ServiceModelHtml.Render(Page(m)), "text/html; charset=utf-8") : NotFound(model);
        });
        app.MapGet("/v1/models/{model}", (HttpContext ctx, string model) =>
        {
            if (Authorized(ctx, Scope.Read) is { } denied) return denied;
            return _config.Model(model) is { } m ? Results.Json(ModelView(m), Json) : NotFound(model);
        });
    }

    private static IResult Error(int status, string message, object? details = null) =>
        Results.Json(details is null ? new Dictionary<string, object> { ["error"] = message } : new Dictionary<string, object> { ["error"] = message, ["records"] = details }, Json, statusCode: status);

    private IResult NotFound(string model) =>
        Error(404, $"no model '{model}'; the configured models are {string.Join(", ", _config.Models.Select(m => m.Name))}");

    /// <summary>Null when the request carries a key with the scope; else the 401 or 403 to answer.</summary>
    /// <summary>The configured key the request carries (null when none or unknown); <paramref name="sent"/> tells which.</summary>
    private ApiKey? KeyOf(HttpContext ctx, out bool sent)
    {
        var header = ctx.Request.Headers.Authorization.ToString();
        sent = header.StartsWith("Bearer ", StringComparison.Ordinal);
        if (!sent) return null;
        var key = header["Bearer ".Length..].Trim();
        return _config.Keys.FirstOrDefault(k => FixedTimeEquals(k.Key, key));
    }

    private IResult? Authorized(HttpContext ctx, Scope scope)
    {
        var found = KeyOf(ctx, out var sent);
        if (!sent) return Error(401, "no API key: send 'Authorization: Bearer KEY'");
        if (found is null) return Error(401, "unknown API key");
        return found.Allows(scope) ? null : Error(403, $"this key may not {scope.ToString().ToLowerInvariant()} (its scopes: {string.Join(", ", found.Scopes.Select(s => s.ToString().ToLowerInvariant()))})");
    }

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    private async Task<IResult> Ingest(HttpContext ctx, string model, bool labels)
    {
        if (Authorized(ctx, Scope.Ingest) is { } denied) return denied;
        if (_config.Model(model) is not { } m) return NotFound(model);
        byte[] body;
        try
        {
            using var ms = new MemoryStream();
            await ctx.Request.Body.CopyToAsync(ms, ctx.RequestAborted).ConfigureAwait(false);
            body = ms.ToArray();
        }
        catch (BadHttpRequestException e) when (e.StatusCode == 413)
        {
            return Error(413, $"the body is larger than {MaxBodyBytes / (1024 * 1024)} MB; send smaller batches");
        }
        using var parsed = BatchReader.Elements(body, out var parseError);
        var items = parsed.Items;
        if (parseError is not null) return Error(400, parseError);
        if (items.Count == 0) return Error(400, "the batch holds no records");
        if (items.Count > BatchReader.MaxRecords) return Error(413, $"the batch holds {items.Count:N0} records; at most {BatchReader.MaxRecords:N0} per batch");
        var now = DateTime.UtcNow;
        try
        {
            if (labels)
            {
                var (records, bad) = BatchReader.Labels(m, items, now);
                if (bad.Count > 0) return Refused(bad);
                var outcomes = _store.SetLabels(m.Name, records);
                _stats[m.Name].LabelsJoined(outcomes);
                return Results.Json(new { Accepted = outcomes.Count, Unknown = records.Count - outcomes.Count }, Json, statusCode: 202);
            }
            else
            {
                var (records, bad) = BatchReader.Predictions(m, items, now);
                if (bad.Count > 0) return Refused(bad);
                // An id repeated within the batch counts once; the store leaves ids it already holds alone.
                var seen = new HashSet<string>(StringComparer.Ordinal);
                var unique = records.Where(r => seen.Add(r.Id)).ToList();
                var stored = await _store.InsertAsync(m.Name, unique).ConfigureAwait(false);
                _stats[m.Name].Accepted(unique.Where(r => stored.Contains(r.Id)).Select(r => (r.Version, r.LatencyMs, r.Error, r.Score ?? r.Prediction as double?)));
                return Results.Json(new { Accepted = stored.Count, Duplicates = records.Count - stored.Count }, Json, statusCode: 202);
            }
        }
        catch (Exception e) when (_store.IsStoreError(e))
        {
            return Error(503, $"the store could not take the batch, nothing of it was stored: {e.Message.Split('\n')[0]}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _log($"internal error on {ctx.Request.Path}: {e}");
            return Error(500, $"internal error, nothing of the batch was stored: {e.Message.Split('\n')[0]}");
        }
    }

    private static IResult Refused(List<BadRecord> bad) =>
        Error(400, $"batch refused, nothing stored: {bad.Count} bad record{(bad.Count == 1 ? "" : "s")}",
            bad.Take(1000).Select(b => new Dictionary<string, object> { ["index"] = b.Index, ["reason"] = b.Reason }).ToList());

    private static Dictionary<string, object?> IncidentView(Monitoring.Alerts.Incident i, ILookup<string, Monitoring.Alerts.NotificationRecord> sent) => new()
    {
        ["id"] = i.Id, ["model"] = i.Model, ["state"] = i.State.ToString().ToLowerInvariant(), ["severity"] = i.Severity,
        ["opened_at"] = i.OpenedAt, ["acknowledged_at"] = i.AcknowledgedAt, ["resolved_at"] = i.ResolvedAt, ["assignee"] = i.Assignee,
        ["alerts"] = i.Alerts, ["firing"] = i.Firing,
        ["notes"] = i.Notes.Select(n => new Dictionary<string, object> { ["at"] = n.At, ["author"] = n.Author, ["text"] = n.Text }).ToList(),
        ["notifications"] = NotificationViews(i.Alerts.SelectMany(k => sent[k]).OrderBy(n => n.At)),
    };

    private static Dictionary<string, object?> AlertView(Monitoring.Alerts.Alert a, ILookup<string, Monitoring.Alerts.NotificationRecord> sent) => new()
    {
        ["importance"] = a.Importance, ["performance_moved"] = a.PerformanceMoved,
        ["feature"] = a.Feature, ["statistic"] = a.Statistic, ["threshold"] = a.Threshold,
        ["key"] = a.Key, ["model"] = a.Model, ["monitor"] = a.Monitor, ["severity"] = a.Severity, ["state"] = a.State.ToString().ToLowerInvariant(),
        ["since"] = a.Since, ["fired_at"] = a.FiredAt, ["resolved_at"] = a.ResolvedAt, ["value"] = a.Value, ["condition"] = a.Condition, ["notified"] = a.Notified,
        ["estimate"] = a.Estimate is { } e
            ? new Dictionary<string, object?> { ["metric"] = e.Metric, ["value"] = e.Estimate, ["standard_error"] = e.StandardError, ["lower"] = e.Lower, ["upper"] = e.Upper, ["rows"] = e.Rows }
            : null,
        ["notifications"] = NotificationViews(sent[a.Key]),
    };

    private static string Outcome(ModelConfig m) => m.Task == ModelTask.Regression ? "absolute error" : "correctness";

    private string MetricsText()
    {
        var text = new PrometheusText();
        var snapshots = _config.Models.Select(m => (m.Name, Stats: _stats[m.Name].Snapshot())).ToList();
        var streaming = _config.Models.ToDictionary(m => m.Name, m => _stats[m.Name].Streaming(Outcome(m)));
        text.Family("vigil_predictions_total", "counter", "Predictions accepted since the service started, by model and version.");
        foreach (var (name, s) in snapshots)
            foreach (var (version, n) in s.ByVersion.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                text.Sample("vigil_predictions_total", n, ("model", name), ("version", version));
        text.Family("vigil_prediction_errors_total", "counter", "Accepted predictions that reported an error, by model.");
        foreach (var (name, s) in snapshots) text.Sample("vigil_prediction_errors_total", s.Errors, ("model", name));
        text.Family("vigil_labels_total", "counter", "Late labels joined to their predictions since the service started, by model.");
        foreach (var (name, s) in snapshots) text.Sample("vigil_labels_total", s.Labels, ("model", name));
        text.Family("vigil_prediction_latency_seconds", "histogram", "Serving latency reported with each prediction (latency_ms), by model.");
        foreach (var (name, s) in snapshots)
        {
            long cumulative = 0;
            for (var b = 0; b < ModelStats.LatencyBuckets.Length; b++)
            {
                cumulative += s.Buckets[b];
                text.Sample("vigil_prediction_latency_seconds_bucket", cumulative, ("model", name), ("le", PrometheusText.Format(ModelStats.LatencyBuckets[b])));
            }
            cumulative += s.Buckets[^1];
            text.Sample("vigil_prediction_latency_seconds_bucket", cumulative, ("model", name), ("le", "+Inf"));
            text.Sample("vigil_prediction_latency_seconds_sum", s.LatencySum, ("model", name));
            text.Sample("vigil_prediction_latency_seconds_count", s.LatencyCount, ("model", name));
        }
        var readings = _monitors.Readings;
        text.Family("vigil_monitor_value", "gauge", "Each monitor's latest value on its window, by model and monitor.");
        foreach (var r in readings.Where(r => r.Value is not null))
            text.Sample("vigil_monitor_value", r.Value!.Value, ("model", r.Model), ("monitor", r.Monitor), ("severity", r.Severity));
        text.Family("vigil_monitor_breached", "gauge", "1 while a monitor's latest value breaches its threshold (or its drift method says drift), else 0.");
        foreach (var r in readings.Where(r => r.Breached is not null))
            text.Sample("vigil_monitor_breached", r.Breached!.Value ? 1 : 0, ("model", r.Model), ("monitor", r.Monitor), ("severity", r.Severity));
        text.Family("vigil_feature_drift", "gauge", "The latest drift score of each monitored feature (p-value for tests, distance otherwise), by model and feature.");
        foreach (var r in readings.Where(r => r.Value is not null && r.Feature is not null && r.Metric.Kind == MetricKind.Drift))
            text.Sample("vigil_feature_drift", r.Value!.Value, ("model", r.Model), ("feature", r.Feature!), ("monitor", r.Monitor));
        EstimateView.Metrics(text, _config, readings, _windows.Estimates);
        FairnessMonitor.Metrics(text, readings);
        text.Family("vigil_alerts_firing", "gauge", "Alerts firing, by model and severity.");
        foreach (var m in _config.Models)
            foreach (var sev in new[] { "P1", "P2", "P3" })
                text.Sample("vigil_alerts_firing", _monitors.Alerts.Active.Count(a => a.Model == m.Name && a.Severity == sev && a.State == Monitoring.Alerts.AlertState.Firing), ("model", m.Name), ("severity", sev));
        text.Family("vigil_score", "histogram", "Scores (binary) or predictions (regression) accepted since the service started, by model.");
        foreach (var m in _config.Models.Where(m => m.Task != ModelTask.Multiclass))
        {
            var (buckets, _, _) = streaming[m.Name];
            long cumulative = 0;
            for (var b = 0; b < ModelStats.ScoreBuckets.Length; b++)
            {
                cumulative += buckets[b];
                text.Sample("vigil_score_bucket", cumulative, ("model", m.Name), ("le", PrometheusText.Format(ModelStats.ScoreBuckets[b])));
            }
            text.Sample("vigil_score_bucket", cumulative + buckets[^1], ("model", m.Name), ("le", "+Inf"));
        }
        text.Family("vigil_stream_drift_detections_total", "counter", "Changes the online detectors signalled since the service started: PageHinkley on the score mean, ADWIN on the outcomes of labeled predictions.");
        foreach (var m in _config.Models)
        {
            var (_, scores, outcomes) = streaming[m.Name];
            foreach (var d in new[] { scores, outcomes })
                text.Sample("vigil_stream_drift_detections_total", d.Detections, ("model", m.Name), ("detector", d.Name), ("watches", d.Watches));
        }
        text.Family("vigil_stored_predictions", "gauge", "Predictions held in the store, by model.");
        foreach (var m in _config.Models) text.Sample("vigil_stored_predictions", _store.Counts(m.Name).Predictions, ("model", m.Name));
        return text.ToString();
    }
}
