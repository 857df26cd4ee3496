using System.Text.Json;
using System.Text.Json.Serialization;

namespace Vigil.Monitoring.Alerts;

/// <summary>When a monitor's alert last notified anyone (the start of its cooldown).</summary>
public sealed record Cooldown(string Model, string Monitor, DateTime LastNotified);

/// <summary>Everything the alerting keeps between restarts: the open alerts, the resolved ones, the cooldowns, the
/// incidents and the silences. <see cref="Empty"/> for a new store.</summary>
public sealed record AlertStateSnapshot(IReadOnlyList<Alert> Active, IReadOnlyList<Alert> Resolved, IReadOnlyList<Cooldown> Cooldowns,
    IReadOnlyList<Incident> Incidents, IReadOnlyList<Silence> Silences)
{
    public static AlertStateSnapshot Empty { get; } = new([], [], [], [], []);
}

/// <summary>One change to the alerting's state, reported by <see cref="AlertEngine"/>, <see cref="Incidents"/> and
/// <see cref="Silences"/> as it happens, for the server to write through to its store.</summary>
public abstract record AlertStateChange;

/// <summary>A (model, monitor)'s open alert changed; <see cref="Alert"/> null: it has none any more.</summary>
public sealed record ActiveAlertChanged(string Model, string Monitor, Alert? Alert) : AlertStateChange;

/// <summary>An alert resolved (it joins the history).</summary>
public sealed record AlertResolved(Alert Alert) : AlertStateChange;

/// <summary>A (model, monitor)'s alert notified at <see cref="At"/>: its cooldown starts.</summary>
public sealed record AlertNotified(string Model, string Monitor, DateTime At) : AlertStateChange;

public sealed record IncidentChanged(Incident Incident) : AlertStateChange;

public sealed record SilenceChanged(Silence Silence) : AlertStateChange;

/// <summary>One notification of an alert event to one notifier: <see cref="Status"/> is "ok" (delivered), "failed" (every
/// attempt failed; <see cref="Error"/> says the last error) or "silenced" (not sent: a silence matched).</summary>
public sealed record NotificationRecord(string AlertKey, string Event, string Notifier, string Type, DateTime At, string Status, int Attempts, string? Error);

/// <summary>
/// Where the alerting's state lives between restarts (the service's store implements it): loaded once at start,
/// then written through change by change, so a restart neither pages again within a cooldown nor renumbers incidents.
/// Each notification's delivery is recorded per alert.
/// </summary>
public interface IAlertStateStore
{
    AlertStateSnapshot LoadAlertState();

    void SaveAlertState(AlertStateChange change);

    void RecordNotification(NotificationRecord notification);

    /// <summary>The notifications of these alerts, oldest first.</summary>
    IReadOnlyList<NotificationRecord> Notifications(IReadOnlyCollection<string> alertKeys);
}

/// <summary>The JSON the stores keep the state's records in (one document per alert, incident, silence or cooldown).</summary>
public static class AlertStateJson
{
    private static readonly JsonSerializerOptions Options = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower) },
        IgnoreReadOnlyProperties = true,
    };

    public static string Write<T>(T value) => JsonSerializer.Serialize(value, Options);

    /// <summary>Reads a stored document; a document that does not parse is an error naming its kind and key.</summary>
    public static T Read<T>(string json, string kind, string key)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(json, Options) ?? throw new JsonException("null document");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"the store's alert state {kind} '{key}' is not valid: {e.Message}", e);
        }
    }
}
