using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server;

/// <summary>Alerts and incidents: <c>GET /v1/alerts</c>, <c>GET /v1/incidents</c> and <c>/v1/incidents/{id}</c> (scope
/// read), <c>POST /v1/incidents/{id}/{action}</c> (scope admin).</summary>
public sealed partial class VigilServer
{
    private void MapAlerts(IEndpointRouteBuilder app)
    {
        var alerts = RequireScope(app.MapGroup("/v1/alerts"), Scope.Read);
        alerts.MapGet("", () =>
        {
            var (active, resolved) = (_monitors.Alerts.Active, _monitors.Alerts.History);
            var sent = NotificationsOf(active.Concat(resolved).Select(a => a.Key));
            return Results.Json(new AlertListJson(
                active.Select(a => AlertView(a, sent)).ToList(),
                resolved.Select(a => AlertView(a, sent)).ToList(),
                _notifiers.Log.Select(d => new DeliveryJson(d.Notifier, d.Type, d.Event, d.AlertKey, d.Model, d.Monitor, d.Severity, d.Attempts, d.Delivered, d.Error, d.At)).ToList()),
                Wire.Of<AlertListJson>());
        });

        var incidents = app.MapGroup("/v1/incidents");
        RequireScope(incidents.MapGet("", () =>
        {
            var all = _monitors.Incidents.All;
            var sent = NotificationsOf(all.SelectMany(i => i.Alerts));
            return Results.Json(new IncidentListJson(all.OrderByDescending(i => i.Id).Select(i => IncidentView(i, sent)).ToList()), Wire.Of<IncidentListJson>());
        }), Scope.Read);
        RequireScope(incidents.MapGet("/{id:int}", (int id) =>
            _monitors.Incidents.Get(id) is { } i ? Results.Json(IncidentView(i, NotificationsOf(i.Alerts)), Wire.Of<IncidentJson>()) : Error(404, $"no incident {id}")), Scope.Read);
        RequireScope(incidents.MapPost("/{id:int}/{action}", async (HttpContext ctx, int id, string action) =>
        {
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
            return error is not null ? Error(action is "acknowledge" or "resolve" ? 409 : 400, error) : Results.Json(IncidentView(incident, NotificationsOf(incident.Alerts)), Wire.Of<IncidentJson>());
        }), Scope.Admin);
    }

    private static IncidentJson IncidentView(Incident i, ILookup<string, NotificationRecord> sent) =>
        new(i.Id, i.Model, i.State.ToString().ToLowerInvariant(), i.Severity, i.OpenedAt, i.AcknowledgedAt, i.ResolvedAt, i.Assignee,
            i.Alerts, i.Firing, i.Notes.Select(n => new NoteJson(n.At, n.Author, n.Text)).ToList(),
            NotificationViews(i.Alerts.SelectMany(k => sent[k]).OrderBy(n => n.At)));

    private static AlertJson AlertView(Alert a, ILookup<string, NotificationRecord> sent) =>
        new(a.Importance, a.PerformanceMoved, a.Feature, a.Statistic, a.Threshold,
            a.Key, a.Model, a.Monitor, a.Severity, a.State.ToString().ToLowerInvariant(),
            a.Since, a.FiredAt, a.ResolvedAt, a.Value, a.Condition, a.Notified,
            a.Estimate is { } e ? new AlertEstimateJson(e.Metric, e.Estimate, e.StandardError, e.Lower, e.Upper, e.Rows) : null,
            NotificationViews(sent[a.Key]));
}
