using System.Text.Json;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests;

/// <summary>/openapi.json follows the response records (Endpoints/WireJson.cs): every JSON route has a record, and every
/// property of that record (and of the records it holds) is in the document under that route's response.</summary>
public sealed class OpenApiRecordTests
{
    /// <summary>Routes that answer with something other than a response record: text, HTML, or an open-ended body;
    /// the dashboard's pages and assets (Web/) are not API.</summary>
    private static readonly string[] NotRecords = ["/metrics", "/openapi.json", "/v1/models/{model}/page", "/v1/models/{model}/canary",
        "/login", "/logout", "/v1/models/{model}/evaluation", "/", "/models/{model}", "/incidents/{id}", "/assets/{*path}"];

    [Fact]
    public void TheRecordsSerializeThroughTheGeneratedContext()
    {
        var json = JsonSerializer.Serialize(new ErrorJson("boom"), Wire.Of<ErrorJson>());
        Assert.Equal("""{"error":"boom"}""", json);
        json = JsonSerializer.Serialize(new ErrorJson("bad", [new RecordErrorJson(3, "no 'id'")]), Wire.Of<ErrorJson>());
        Assert.Equal("""{"error":"bad","records":[{"index":3,"reason":"no 'id'"}]}""", json);
        json = JsonSerializer.Serialize(new DetectorJson("ADWIN", "correctness", 2, 0, null), Wire.Options);
        Assert.Equal("""{"detector":"ADWIN","watches":"correctness","values":2,"detections":0,"last_detection":null}""", json);
    }

    [Fact]
    public async Task EveryRoutesResponseRecord_IsInTheDocument()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-openapi-").FullName;
        try
        {
            var config = ServiceConfigLoader.Parse($"""
                store: {Path.Combine(dir, "store.duckdb")}
                keys:
                  - key: read-key-0001
                    scopes: [read]
                models:
                  fraud:
                    task: binary
                """);
            await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
            await server.StartAsync();
            using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
            using var doc = JsonDocument.Parse(await http.GetStringAsync("/openapi.json"));
            var root = doc.RootElement;

            var described = OpenApiSchemas.Responses.Select(r => r.Path).ToHashSet();
            foreach (var route in server.Routes.Where(r => !NotRecords.Contains(r)))
                Assert.True(described.Contains(route), $"route {route} has no response record in OpenApiSchemas.Responses");

            foreach (var (path, method, status, record) in OpenApiSchemas.Responses)
            {
                var schema = root.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status)
                    .GetProperty("content").GetProperty("application/json").GetProperty("schema");
                AssertHolds(root, schema, record, $"{method} {path} {status}");
            }
            // The wire and the document agree: every key of a live answer is a property of its schema.
            using var req = new HttpRequestMessage(HttpMethod.Get, "/v1/models/fraud");
            req.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "read-key-0001");
            using var resp = await http.SendAsync(req);
            using var model = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
            var modelSchema = Resolve(root, root.GetProperty("components").GetProperty("schemas").GetProperty("Model")).GetProperty("properties");
            foreach (var key in model.RootElement.EnumerateObject())
                Assert.True(modelSchema.TryGetProperty(key.Name, out _), $"GET /v1/models/fraud answers '{key.Name}', which the Model schema lacks");
            Assert.Equal("ok", modelSchema.GetProperty("health").GetProperty("enum")[0].GetString());
            Assert.Equal("date-time", Resolve(root, root.GetProperty("components").GetProperty("schemas").GetProperty("Detector"))
                .GetProperty("properties").GetProperty("last_detection").GetProperty("format").GetString());

            var error = root.GetProperty("paths").GetProperty("/v1/silences").GetProperty("post").GetProperty("responses").GetProperty("400")
                .GetProperty("content").GetProperty("application/json").GetProperty("schema");
            AssertHolds(root, error, typeof(ErrorJson), "post /v1/silences 400");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    /// <summary>Every property of the record, by its JSON name, is in the schema; records it holds are checked too.</summary>
    private static void AssertHolds(JsonElement root, JsonElement schema, Type record, string where)
    {
        schema = Resolve(root, schema);
        Assert.True(schema.TryGetProperty("properties", out var properties), $"{where}: the schema of {record.Name} has no properties");
        foreach (var p in record.GetProperties())
        {
            var name = System.Reflection.CustomAttributeExtensions.GetCustomAttribute<System.Text.Json.Serialization.JsonPropertyNameAttribute>(p)?.Name
                       ?? JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name);
            Assert.True(properties.TryGetProperty(name, out var property), $"{where}: {record.Name}.{p.Name} ('{name}') is not in /openapi.json");
            var type = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            var element = type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : type;
            if (element.Name.EndsWith("Json", StringComparison.Ordinal))
                AssertHolds(root, element == type ? property : Resolve(root, property).GetProperty("items"), element, $"{where} {name}");
        }
    }

    private static JsonElement Resolve(JsonElement root, JsonElement schema) =>
        schema.TryGetProperty("$ref", out var r)
            ? root.GetProperty("components").GetProperty("schemas").GetProperty(r.GetString()!["#/components/schemas/".Length..])
            : schema;
}
