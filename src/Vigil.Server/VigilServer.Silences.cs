using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Engine;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server;

/// <summary>Silences (<c>/v1/silences</c>) and the notifications sent per alert, as the alert and incident views show
/// them; both live in the store, so they survive a restart.</summary>
public sealed partial class VigilServer
{
    /// <summary>The notifications of these alerts, from the store, by alert key (none, and a line in the log, when the
    /// store cannot answer now: the alerts themselves are still worth showing).</summary>
    private ILookup<string, NotificationRecord> NotificationsOf(IEnumerable<string> alertKeys)
    {
        IReadOnlyList<NotificationRecord> sent;
        try
        {
            sent = _store.Notifications(alertKeys.Distinct(StringComparer.Ordinal).ToList());
        }
        catch (Exception e) when (_store.IsStoreError(e))
        {
            _log($"the store could not list the notifications: {e.Message.Split('\n')[0]}");
            sent = [];
        }
        return sent.ToLookup(n => n.AlertKey, StringComparer.Ordinal);
    }

    private static List<NotificationJson> NotificationViews(IEnumerable<NotificationRecord> sent) =>
        sent.Select(n => new NotificationJson(n.AlertKey, n.Event, n.Notifier, n.Type, n.At, n.Status, n.Attempts, n.Error)).ToList();

    private static SilenceJson SilenceView(Silence s, DateTime now) =>
        new(s.Id, s.Model, s.Monitor, s.StartsAt, s.EndsAt, s.Author, s.Comment, s.ExpiredAt, s.IsActive(now));

    /// <summary>A silence request: <c>model</c> (required), <c>monitor</c> (all the model's monitors when left out),
    /// <c>duration</c> ("2h") or <c>ends_at</c> (ISO 8601), <c>starts_at</c> (now when left out), <c>comment</c>.</summary>
    private ((string Model, string? Monitor, DateTime StartsAt, DateTime EndsAt, string? Comment)? Silence, string? Error) ParseSilence(JsonElement body, DateTime now)
    {
        const string Example = "expected e.g. {\"model\": \"fraud\", \"monitor\": \"amount-drift\", \"duration\": \"2h\", \"comment\": \"...\"}";
        if (body.ValueKind != JsonValueKind.Object) return (null, "the body is not a JSON object; " + Example);
        string? Text(string name) => body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        foreach (var p in body.EnumerateObject())
            if (p.Name is not ("model" or "monitor" or "duration" or "starts_at" or "ends_at" or "comment"))
                return (null, $"'{p.Name}' is not a key of a silence; expected model, monitor, duration or ends_at, starts_at, comment");
        if (Text("model") is not { } model) return (null, "a silence needs 'model' (a string); " + Example);
        if (_config.Model(model) is not { } m) return (null, $"model: no model '{model}'; the configured models are {string.Join(", ", _config.Models.Select(x => x.Name))}");
        var monitor = Text("monitor");
        if (monitor is not null && m.Monitors.All(x => x.Name != monitor))
            return (null, $"monitor: '{model}' has no monitor '{monitor}'; its monitors are {string.Join(", ", m.Monitors.Select(x => x.Name))}");
        DateTime? Time(string name, out string? error)
        {
            error = null;
            if (Text(name) is not { } t) return null;
            if (DateTime.TryParse(t, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var at)) return at;
            error = $"{name}: '{t}' is not a time; expected ISO 8601, e.g. 2026-12-02T18:00:00Z";
            return null;
        }
        var starts = Time("starts_at", out var startError) ?? now;
        if (startError is not null) return (null, startError);
        var ends = Time("ends_at", out var endError);
        if (endError is not null) return (null, endError);
        var duration = Text("duration");
        if ((duration is null) == (ends is null)) return (null, "a silence needs either 'duration' (e.g. \"2h\") or 'ends_at' (ISO 8601), not both; " + Example);
        if (duration is not null)
        {
            try
            {
                ends = starts + ServiceConfigLoader.ParseDuration(duration, "duration");
            }
            catch (VigilInputException e)
            {
                return (null, e.Message);
            }
        }
        if (ends <= starts || ends <= now) return (null, $"ends_at: {ends:yyyy-MM-ddTHH:mm:ssZ} is not after the start and now; a silence must end in the future");
        return ((model, monitor, starts, ends!.Value, Text("comment")), null);
    }
}
