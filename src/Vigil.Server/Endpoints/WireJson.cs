using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Vigil.Server;

// The JSON the service answers with, one record per response body (docs/service.md). Property order is the order on
// the wire; names are snake_case (the context's naming policy); nulls are written unless a property says otherwise.
// /openapi.json takes its response schemas from these records (OpenApiSchemas), so a field added here is documented there.

internal sealed record StatusJson(string Status);

internal sealed record ErrorJson(string Error, [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<RecordErrorJson>? Records = null);

internal sealed record RecordErrorJson(int Index, string Reason);

internal sealed record PredictionsStoredJson(int Accepted, int Duplicates);

internal sealed record LabelsJoinedJson(int Accepted, int Unknown);

internal sealed record ModelListJson(IReadOnlyList<ModelJson> Models);

/// <summary>A model; each monitor's view is open-ended (estimated_performance and fairness monitors add their own keys).</summary>
internal sealed record ModelJson(string Name, string Task, long Predictions, long Labels,
    [property: OpenApiEnum("ok", "warning", "critical")] string Health, StreamingJson Streaming, IReadOnlyList<FeatureJson> Features,
    IReadOnlyList<Dictionary<string, object?>> Monitors);

internal sealed record StreamingJson(DetectorJson Scores, DetectorJson Outcomes);

internal sealed record DetectorJson(string Detector, string Watches, long Values, long Detections, DateTime? LastDetection);

internal sealed record FeatureJson(string Name, string Type);

internal sealed record AlertListJson(IReadOnlyList<AlertJson> Active, IReadOnlyList<AlertJson> Resolved, IReadOnlyList<DeliveryJson> Deliveries);

internal sealed record DeliveryJson(string Notifier, string Type, string Event, string Alert, string Model, string Monitor, string Severity,
    int Attempts, bool Delivered, string? Error, DateTime At);

internal sealed record AlertJson(double? Importance, bool? PerformanceMoved, string? Feature, string? Statistic, double? Threshold,
    string Key, string Model, string Monitor, string Severity, string State, DateTime Since, DateTime? FiredAt, DateTime? ResolvedAt,
    double? Value, string Condition, bool Notified, AlertEstimateJson? Estimate, IReadOnlyList<NotificationJson> Notifications);

internal sealed record AlertEstimateJson(string Metric, double Value, double? StandardError, double? Lower, double? Upper, long Rows);

internal sealed record NotificationJson(string Alert, string Event, string Notifier, string Type, DateTime At, string Status, int Attempts, string? Error);

internal sealed record IncidentListJson(IReadOnlyList<IncidentJson> Incidents);

internal sealed record IncidentJson(int Id, string Model, string State, string Severity, DateTime OpenedAt, DateTime? AcknowledgedAt,
    DateTime? ResolvedAt, string? Assignee, IReadOnlyList<string> Alerts, IReadOnlyList<string> Firing, IReadOnlyList<NoteJson> Notes,
    IReadOnlyList<NotificationJson> Notifications);

internal sealed record NoteJson(DateTime At, string Author, string Text);

internal sealed record SilenceListJson(IReadOnlyList<SilenceJson> Silences);

internal sealed record SilenceJson(int Id, string Model, string? Monitor, DateTime StartsAt, DateTime EndsAt, string Author, string Comment,
    DateTime? ExpiredAt, bool Active);

/// <summary>The allowed values of a string property, for its OpenAPI schema.</summary>
[AttributeUsage(AttributeTargets.Property)]
internal sealed class OpenApiEnumAttribute(params string[] values) : Attribute
{
    public IReadOnlyList<string> Values { get; } = values;
}

/// <summary>The source-generated serializers of the response records.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(StatusJson))]
[JsonSerializable(typeof(ErrorJson))]
[JsonSerializable(typeof(PredictionsStoredJson))]
[JsonSerializable(typeof(LabelsJoinedJson))]
[JsonSerializable(typeof(ModelListJson))]
[JsonSerializable(typeof(ModelJson))]
[JsonSerializable(typeof(AlertListJson))]
[JsonSerializable(typeof(IncidentListJson))]
[JsonSerializable(typeof(IncidentJson))]
[JsonSerializable(typeof(SilenceListJson))]
[JsonSerializable(typeof(SilenceJson))]
[JsonSerializable(typeof(FleetJson))]
[JsonSerializable(typeof(SeriesJson))]
[JsonSerializable(typeof(DriftCellJson))]
[JsonSerializable(typeof(SessionJson))]
[JsonSerializable(typeof(EvaluationEmptyJson))]
[JsonSerializable(typeof(QualityJson))]
internal sealed partial class WireJson : JsonSerializerContext;

/// <summary>What the endpoints answer with: the options (snake_case, relaxed escaping) over the records' generated
/// serializers (<see cref="WireJson"/>), with reflection behind them only for the open-ended parts (a model's monitor
/// views, the canary comparison), which hold values of any type.</summary>
internal static class Wire
{
    public static JsonSerializerOptions Options { get; } = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        TypeInfoResolver = JsonTypeInfoResolver.Combine(WireJson.Default, new DefaultJsonTypeInfoResolver()),
    };

    /// <summary>The serializer of <typeparamref name="T"/> under <see cref="Options"/>.</summary>
    public static JsonTypeInfo<T> Of<T>() => (JsonTypeInfo<T>)Options.GetTypeInfo(typeof(T));
}
