using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Vigil.Server;

/// <summary>OpenAPI schemas made from the response records (Endpoints/WireJson.cs) by reflection over their properties
/// and JSON names, so that /openapi.json follows the records without a hand edit.</summary>
internal static class OpenApiSchemas
{
    /// <summary>Each route's JSON response body: path, method, status and the record answered with.</summary>
    public static readonly IReadOnlyList<(string Path, string Method, string Status, Type Record)> Responses =
    [
        ("/healthz", "get", "200", typeof(StatusJson)),
        ("/readyz", "get", "200", typeof(StatusJson)),
        ("/readyz", "get", "503", typeof(StatusJson)),
        ("/v1/models/{model}/predictions", "post", "202", typeof(PredictionsStoredJson)),
        ("/v1/models/{model}/labels", "post", "202", typeof(LabelsJoinedJson)),
        ("/v1/models", "get", "200", typeof(ModelListJson)),
        ("/v1/models/{model}", "get", "200", typeof(ModelJson)),
        ("/v1/alerts", "get", "200", typeof(AlertListJson)),
        ("/v1/incidents", "get", "200", typeof(IncidentListJson)),
        ("/v1/incidents/{id}", "get", "200", typeof(IncidentJson)),
        ("/v1/incidents/{id}/{action}", "post", "200", typeof(IncidentJson)),
        ("/v1/silences", "get", "200", typeof(SilenceListJson)),
        ("/v1/silences", "post", "201", typeof(SilenceJson)),
        ("/v1/silences/{id}", "delete", "200", typeof(SilenceJson)),
        ("/v1/fleet", "get", "200", typeof(FleetJson)),
        ("/v1/models/{model}/series", "get", "200", typeof(SeriesJson)),
        ("/v1/models/{model}/drift/{feature}", "get", "200", typeof(DriftCellJson)),
        ("/v1/session", "get", "200", typeof(SessionJson)),
        ("/v1/models/{model}/quality", "get", "200", typeof(QualityJson)),
    ];

    /// <summary>The component name of a record: its type name less the "Json" suffix.</summary>
    public static string NameOf(Type record) => record.Name.EndsWith("Json", StringComparison.Ordinal) ? record.Name[..^4] : record.Name;

    /// <summary>A record's serialized properties with their JSON names, in wire order.</summary>
    public static IEnumerable<(PropertyInfo Property, string Name)> Properties(Type record) =>
        record.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.GetCustomAttribute<JsonIgnoreAttribute>() is not { Condition: JsonIgnoreCondition.Always })
            .Select(p => (p, p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name)));

    /// <summary>A reference to the record's schema, adding it (and the records it holds) to <paramref name="components"/>.</summary>
    public static JsonObject Ref(Type record, JsonObject components)
    {
        var name = NameOf(record);
        if (!components.ContainsKey(name))
        {
            components[name] = null; // taken, for records that refer to themselves
            var properties = new JsonObject();
            var nullability = new NullabilityInfoContext();
            foreach (var (p, json) in Properties(record))
            {
                var schema = Schema(p.PropertyType, components);
                if (p.GetCustomAttribute<OpenApiEnumAttribute>() is { } values) schema["enum"] = new JsonArray(values.Values.Select(v => (JsonNode)v).ToArray());
                if (nullability.Create(p).ReadState == NullabilityState.Nullable && !schema.ContainsKey("$ref")) schema["nullable"] = true;
                properties[json] = schema;
            }
            components[name] = new JsonObject { ["type"] = "object", ["properties"] = properties };
        }
        return new JsonObject { ["$ref"] = $"#/components/schemas/{name}" };
    }

    private static JsonObject Schema(Type type, JsonObject components)
    {
        type = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(string) || type.IsEnum) return new JsonObject { ["type"] = "string" };
        if (type == typeof(DateTime) || type == typeof(DateTimeOffset)) return new JsonObject { ["type"] = "string", ["format"] = "date-time" };
        if (type == typeof(bool)) return new JsonObject { ["type"] = "boolean" };
        if (type == typeof(int) || type == typeof(long)) return new JsonObject { ["type"] = "integer" };
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal)) return new JsonObject { ["type"] = "number" };
        if (type == typeof(object)) return new JsonObject();
        if (Element(type, typeof(IDictionary<,>)) is { } values)
            return new JsonObject { ["type"] = "object", ["additionalProperties"] = values == typeof(object) ? true : Schema(values, components) };
        if (Element(type, typeof(IEnumerable<>)) is { } items) return new JsonObject { ["type"] = "array", ["items"] = Schema(items, components) };
        if (typeof(IEnumerable).IsAssignableFrom(type)) return new JsonObject { ["type"] = "array" };
        return Ref(type, components);
    }

    /// <summary>The last type argument of the generic interface <paramref name="generic"/> the type implements, if any.</summary>
    private static Type? Element(Type type, Type generic) =>
        (type.IsGenericType && type.GetGenericTypeDefinition() == generic ? type : type.GetInterfaces().FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == generic))
            ?.GetGenericArguments()[^1];
}
