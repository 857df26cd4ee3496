using System.Text.Json.Nodes;

namespace Vigil.Server;

/// <summary>The service's OpenAPI 3.0 document (GET /openapi.json): paths, summaries and request bodies written out by hand
/// so that they say exactly what the endpoints do; the JSON response schemas made from the response records
/// (<see cref="OpenApiSchemas"/>), so that they follow the code.</summary>
internal static class OpenApi
{
    private static JsonObject Ref(string name) => new() { ["$ref"] = $"#/components/schemas/{name}" };

    private static JsonObject Json(JsonObject schema) => new() { ["application/json"] = new JsonObject { ["schema"] = schema } };

    private static JsonObject Response(string description, JsonObject? schema = null)
    {
        var r = new JsonObject { ["description"] = description };
        if (schema is not null) r["content"] = Json(schema);
        return r;
    }

    private static JsonObject Errors(params int[] codes)
    {
        var o = new JsonObject();
        foreach (var c in codes)
        {
            o[c.ToString(System.Globalization.CultureInfo.InvariantCulture)] = Response(c switch
            {
                400 => "bad request (for a batch: every bad record's index and reason; nothing stored)",
                401 => "no API key, or an unknown one",
                403 => "the key lacks the scope",
                404 => "no such model, incident or silence",
                409 => "the incident is not in a state that allows this step",
                413 => "the body or the batch is too large",
                _ => "the store could not take the batch; nothing of it was stored",
            });
        }
        return o;
    }

    private static JsonObject Op(string summary, string scope, JsonObject responses, JsonObject? body = null, JsonArray? parameters = null)
    {
        var op = new JsonObject { ["summary"] = summary, ["description"] = $"Scope: {scope}.", ["responses"] = responses };
        if (scope != "none") op["security"] = new JsonArray(new JsonObject { ["bearer"] = new JsonArray() });
        else op["security"] = new JsonArray();
        if (body is not null) op["requestBody"] = body;
        if (parameters is not null) op["parameters"] = parameters;
        return op;
    }

    private static JsonObject PathParam(string name) =>
        new() { ["name"] = name, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject QueryParam(string name, string description, bool required = false) =>
        new() { ["name"] = name, ["in"] = "query", ["required"] = required, ["description"] = description, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject Merge(JsonObject a, JsonObject b)
    {
        foreach (var (k, v) in b) a[k] = v?.DeepClone();
        return a;
    }

    public static string Document()
    {
        var batch = new JsonObject
        {
            ["required"] = true,
            ["content"] = new JsonObject
            {
                ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "array", ["items"] = Ref("Prediction") } },
                ["application/x-ndjson"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string", ["description"] = "one Prediction per line" } },
            },
        };
        var labels = new JsonObject { ["required"] = true, ["content"] = Json(new JsonObject { ["type"] = "array", ["items"] = Ref("Label") }) };
        var doc = new JsonObject
        {
            ["openapi"] = "3.0.3",
            ["info"] = new JsonObject { ["title"] = "Vigil monitoring service", ["version"] = "1", ["description"] = "vigil serve: ingest predictions and labels, read models, alerts and incidents (docs/service.md)." },
            ["paths"] = new JsonObject
            {
                ["/v1/models/{model}/predictions"] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParam("model")),
                    ["post"] = Op("Store a batch of predictions (whole or not at all; durable before 202)", "ingest",
                        Merge(new JsonObject { ["202"] = Response("stored") }, Errors(400, 401, 403, 404, 413, 503)), batch),
                },
                ["/v1/models/{model}/labels"] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParam("model")),
                    ["post"] = Op("Join late labels to stored predictions", "ingest",
                        Merge(new JsonObject { ["202"] = Response("joined") }, Errors(400, 401, 403, 404, 413, 503)), labels),
                },
                ["/v1/models"] = new JsonObject { ["get"] = Op("Every model with its counts, health and monitors", "read", Merge(new JsonObject { ["200"] = Response("the models") }, Errors(401, 403))) },
                ["/v1/models/{model}"] = new JsonObject { ["parameters"] = new JsonArray(PathParam("model")), ["get"] = Op("One model", "read", Merge(new JsonObject { ["200"] = Response("the model") }, Errors(401, 403, 404))) },
                ["/v1/models/{model}/page"] = new JsonObject { ["parameters"] = new JsonArray(PathParam("model")), ["get"] = Op("The model's page (HTML): health, monitors, and each estimated_performance monitor's estimate, band and realized values", "read", Merge(new JsonObject { ["200"] = new JsonObject { ["description"] = "the page", ["content"] = new JsonObject { ["text/html"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } } } }, Errors(401, 403, 404))) },
                ["/v1/models/{model}/canary"] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParam("model")),
                    ["get"] = Op("Compare a candidate version with a baseline on a window", "read", Merge(new JsonObject { ["200"] = Response("the comparison; ok tells whether the candidate passes") }, Errors(400, 401, 403, 404)), parameters: new JsonArray(
                        QueryParam("baseline", "the baseline version", true), QueryParam("candidate", "the candidate version", true), QueryParam("window", "e.g. 30m (default)"),
                        QueryParam("max_error_rate_increase", "default 0.01"), QueryParam("max_latency_ratio", "default 1.2"), QueryParam("max_quality_drop", "default 0.02"),
                        QueryParam("min_predictions", "default 100"), QueryParam("min_labeled", "default 100"))),
                },
                ["/v1/fleet"] = new JsonObject { ["get"] = Op("The fleet: every model's status, last 24 h volume, key metric, drift share, latency and incidents, worst first (docs/dashboard.md)", "read", Merge(new JsonObject { ["200"] = Response("the fleet") }, Errors(401, 403))) },
                ["/v1/models/{model}/series"] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParam("model")),
                    ["get"] = Op("A model's time series from the rollups: volume, latency, errors, metrics per version, score histogram, drift heatmap, thresholds, alerts, readings", "read", Merge(new JsonObject { ["200"] = Response("the series") }, Errors(400, 401, 403, 404)), parameters: new JsonArray(
                        QueryParam("window", "1h, 24h (default), 7d or 30d"), QueryParam("from", "ISO-8601 UTC (instead of window)"), QueryParam("to", "ISO-8601 UTC (default now)"),
                        QueryParam("resolution", "minute, hour or day (default: minute up to 6 h, hour up to 14 days, else day)"), QueryParam("version", "one version only"))),
                },
                ["/v1/models/{model}/drift/{feature}"] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParam("model"), PathParam("feature")),
                    ["get"] = Op("One feature's PSI on a window against the reference's bins, with both distributions", "read", Merge(new JsonObject { ["200"] = Response("the drift cell") }, Errors(400, 401, 403, 404)), parameters: new JsonArray(
                        QueryParam("from", "ISO-8601 UTC (default 24 h before to)"), QueryParam("to", "ISO-8601 UTC (default now)"))),
                },
                ["/v1/alerts"] = new JsonObject { ["get"] = Op("Active and resolved alerts, and the delivery log", "read", Merge(new JsonObject { ["200"] = Response("alerts") }, Errors(401, 403))) },
                ["/v1/incidents"] = new JsonObject { ["get"] = Op("Incidents, newest first", "read", Merge(new JsonObject { ["200"] = Response("incidents") }, Errors(401, 403))) },
                ["/v1/incidents/{id}"] = new JsonObject { ["parameters"] = new JsonArray(PathParam("id")), ["get"] = Op("One incident", "read", Merge(new JsonObject { ["200"] = Response("the incident") }, Errors(401, 403, 404))) },
                ["/v1/incidents/{id}/{action}"] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParam("id"), new JsonObject { ["name"] = "action", ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("acknowledge", "resolve", "assign", "notes") } }),
                    ["post"] = Op("Acknowledge, resolve, assign ({\"assignee\"}) or note ({\"text\"}) an incident", "admin", Merge(new JsonObject { ["200"] = Response("the incident") }, Errors(400, 401, 403, 404, 409))),
                },
                ["/v1/silences"] = new JsonObject
                {
                    ["get"] = Op("Silences, newest first (active or not)", "read", Merge(new JsonObject { ["200"] = Response("silences") }, Errors(401, 403))),
                    ["post"] = Op("Silence a model's alerts (of one monitor, or all): {\"model\", \"monitor\"?, \"duration\" or \"ends_at\", \"starts_at\"?, \"comment\"?}", "admin",
                        Merge(new JsonObject { ["201"] = Response("the silence") }, Errors(400, 401, 403)),
                        new JsonObject { ["required"] = true, ["content"] = Json(Ref("SilenceRequest")) }),
                },
                ["/v1/silences/{id}"] = new JsonObject
                {
                    ["parameters"] = new JsonArray(PathParam("id")),
                    ["delete"] = Op("Expire a silence now", "admin", Merge(new JsonObject { ["200"] = Response("the silence") }, Errors(401, 403, 404))),
                },
                ["/healthz"] = new JsonObject { ["get"] = Op("The process is up", "none", new JsonObject { ["200"] = Response("up") }) },
                ["/readyz"] = new JsonObject { ["get"] = Op("The store answers", "none", new JsonObject { ["200"] = Response("ready"), ["503"] = Response("the store does not answer") }) },
                ["/metrics"] = new JsonObject { ["get"] = Op("Prometheus text exposition format 0.0.4", "none", new JsonObject { ["200"] = new JsonObject { ["description"] = "metrics", ["content"] = new JsonObject { ["text/plain"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } } } }) },
            },
            ["components"] = new JsonObject
            {
                ["securitySchemes"] = new JsonObject
                {
                    ["bearer"] = new JsonObject { ["type"] = "http", ["scheme"] = "bearer" },
                    ["session"] = new JsonObject { ["type"] = "apiKey", ["in"] = "cookie", ["name"] = "vigil_session", ["description"] = "POST /login; state-changing requests also need X-Vigil-CSRF (the vigil_csrf cookie)" },
                },
                ["schemas"] = new JsonObject
                {
                    ["Prediction"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("id"),
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject
                        {
                            ["id"] = new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string", ["maxLength"] = 256 }, new JsonObject { ["type"] = "number" }) },
                            ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
                            ["version"] = new JsonObject { ["type"] = "string" },
                            ["score"] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1, ["description"] = "binary models (required there)" },
                            ["prediction"] = new JsonObject { ["description"] = "regression (a number) and multiclass (a class) models (required there)" },
                            ["probabilities"] = new JsonObject
                            {
                                ["type"] = "object",
                                ["additionalProperties"] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1 },
                                ["description"] = "multiclass models with classes: each class's probability, every class given, summing to 1 (± 0.001)",
                            },
                            ["features"] = new JsonObject { ["type"] = "object", ["description"] = "feature: value, as the model's schema declares them" },
                            ["label"] = new JsonObject { ["description"] = "0/1/true/false (binary), a number (regression), a class (multiclass)" },
                            ["latency_ms"] = new JsonObject { ["type"] = "number", ["minimum"] = 0 },
                            ["error"] = new JsonObject { ["type"] = "boolean" },
                        },
                    },
                    ["Label"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("id", "label"),
                        ["properties"] = new JsonObject { ["id"] = new JsonObject(), ["label"] = new JsonObject(), ["timestamp"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" } },
                    },
                    ["SilenceRequest"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("model"),
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject
                        {
                            ["model"] = new JsonObject { ["type"] = "string" },
                            ["monitor"] = new JsonObject { ["type"] = "string", ["description"] = "all the model's monitors when left out" },
                            ["duration"] = new JsonObject { ["type"] = "string", ["description"] = "e.g. 30m, 2h, 1d (or ends_at)" },
                            ["starts_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time", ["description"] = "now when left out" },
                            ["ends_at"] = new JsonObject { ["type"] = "string", ["format"] = "date-time" },
                            ["comment"] = new JsonObject { ["type"] = "string" },
                        },
                    },
                },
            },
        };
        OpenApiAccess.Add(doc["paths"]!.AsObject());
        var schemas = doc["components"]!["schemas"]!.AsObject();
        foreach (var (path, method, status, record) in OpenApiSchemas.Responses)
            doc["paths"]![path]![method]!["responses"]![status]!["content"] = Json(OpenApiSchemas.Ref(record, schemas));
        foreach (var errors in doc["paths"]!.AsObject().SelectMany(p => p.Value!.AsObject()).Where(o => o.Key != "parameters").SelectMany(o => o.Value!["responses"]!.AsObject()))
            if (errors.Key[0] is '4' or '5' && errors.Value!["content"] is null) errors.Value["content"] = Json(OpenApiSchemas.Ref(typeof(ErrorJson), schemas));
        return doc.ToJsonString(new System.Text.Json.JsonSerializerOptions { WriteIndented = true });
    }
}
