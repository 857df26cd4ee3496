using System.Text.Json.Nodes;

namespace Vigil.Server;

/// <summary>The OpenAPI paths of the dashboard's access (login, logout, the session) and of the window endpoints
/// (evaluation, quality); the JSON response schemas come from the records as for every other route.</summary>
internal static class OpenApiAccess
{
    private static JsonObject Html(string description) =>
        new() { ["description"] = description, ["content"] = new JsonObject { ["text/html"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "string" } } } };

    private static JsonObject Query(string name, string description) =>
        new() { ["name"] = name, ["in"] = "query", ["required"] = false, ["description"] = description, ["schema"] = new JsonObject { ["type"] = "string" } };

    private static JsonObject Op(string summary, string scope, JsonObject responses, JsonArray? parameters = null, JsonObject? body = null)
    {
        var op = new JsonObject { ["summary"] = summary, ["description"] = $"Scope: {scope}.", ["responses"] = responses };
        op["security"] = scope == "none" ? new JsonArray() : new JsonArray(new JsonObject { ["bearer"] = new JsonArray() }, new JsonObject { ["session"] = new JsonArray() });
        if (parameters is not null) op["parameters"] = parameters;
        if (body is not null) op["requestBody"] = body;
        return op;
    }

    private static JsonObject Error(string description) => new() { ["description"] = description };

    private static JsonArray WindowParameters(bool version) =>
        new([
            new JsonObject { ["name"] = "model", ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } },
            Query("window", "1h, 24h (default), 7d or 30d, ending now; or from/to"),
            Query("from", "the window's start (exclusive), ISO-8601 UTC; default 24 h before to"),
            Query("to", "the window's end (inclusive), ISO-8601 UTC; default now"),
            .. version ? [Query("version", "only this model version's rows")] : Array.Empty<JsonObject>(),
        ]);

    /// <summary>Adds the paths to the document's <c>paths</c>.</summary>
    public static void Add(JsonObject paths)
    {
        var form = new JsonObject
        {
            ["required"] = true,
            ["content"] = new JsonObject
            {
                ["application/x-www-form-urlencoded"] = new JsonObject
                {
                    ["schema"] = new JsonObject
                    {
                        ["type"] = "object",
                        ["required"] = new JsonArray("key"),
                        ["properties"] = new JsonObject
                        {
                            ["key"] = new JsonObject { ["type"] = "string", ["description"] = "an API key with the read or admin scope" },
                            ["next"] = new JsonObject { ["type"] = "string", ["description"] = "a path on this server to go to (default /)" },
                        },
                    },
                },
            },
        };
        // The dashboard's pages (HTML; the front end's shell, which reads the JSON below). docs/dashboard.md.
        static JsonObject Page(string summary, string? param) => new()
        {
            ["parameters"] = param is null ? new JsonArray() : new JsonArray(new JsonObject { ["name"] = param, ["in"] = "path", ["required"] = true, ["schema"] = new JsonObject { ["type"] = "string" } }),
            ["get"] = Op(summary, "read (session cookie)", new JsonObject
            {
                ["200"] = Html("the page"),
                ["303"] = new JsonObject { ["description"] = "no session: to /login?next=..." },
                ["404"] = Html("no such model or incident (an HTML page saying so)"),
            }),
        };
        paths["/"] = Page("The fleet page: every model's status, volume, key metric, drift, latency, errors and incidents", null);
        paths["/models/{model}"] = Page("A model's view over a window: metrics per version, volume, latency, drift heatmap, quality, evaluation", "model");
        paths["/incidents/{id}"] = Page("An incident: its timeline, evidence and actions", "id");
        paths["/login"] = new JsonObject
        {
            ["get"] = Op("The login form (HTML)", "none", new JsonObject { ["200"] = Html("the form") }, new JsonArray(Query("next", "a path on this server to go to after login"))),
            ["post"] = Op("Log in: sets the vigil_session (HttpOnly) and vigil_csrf cookies and redirects to next", "none", new JsonObject
            {
                ["303"] = new JsonObject { ["description"] = "logged in; Location is next" },
                ["400"] = Html("no key sent (the form again, saying so)"),
                ["401"] = Html("not a configured key (the form again, saying so)"),
                ["403"] = Html("a key with only the ingest scope, or a form sent from another site"),
            }, body: form),
        };
        paths["/logout"] = new JsonObject
        {
            ["post"] = Op("Log out: ends the session and redirects to /login", "none", new JsonObject
            {
                ["303"] = new JsonObject { ["description"] = "logged out" },
                ["403"] = Html("sent from another site"),
            }),
        };
        paths["/v1/session"] = new JsonObject
        {
            ["get"] = Op("Who is logged in: the key's name, its scopes and whether it may act on incidents and silences", "read",
                new JsonObject { ["200"] = Error("the session"), ["401"] = Error("no session or key"), ["403"] = Error("the key lacks the scope") }),
        };
        paths["/v1/models/{model}/evaluation"] = new JsonObject
        {
            ["get"] = Op("The exact evaluation of the window's labelled predictions: vigil evaluate's JSON document (docs/json-schema.md), or {\"rows\": 0, \"note\"} when there are none", "read",
                new JsonObject
                {
                    ["200"] = new JsonObject { ["description"] = "the evaluation", ["content"] = new JsonObject { ["application/json"] = new JsonObject { ["schema"] = new JsonObject { ["type"] = "object" } } } },
                    ["400"] = Error("a bad window"), ["401"] = Error("no API key or session"), ["403"] = Error("the key lacks the scope"), ["404"] = Error("no such model"),
                    ["503"] = Error("the store cannot answer now"),
                }, WindowParameters(version: true)),
        };
        paths["/v1/models/{model}/quality"] = new JsonObject
        {
            ["get"] = Op("Data-quality findings on the window: nulls per feature, values outside the reference's range, categories it never saw, errors, missing latency", "read",
                new JsonObject
                {
                    ["200"] = Error("the findings, most severe first"),
                    ["400"] = Error("a bad window"), ["401"] = Error("no API key or session"), ["403"] = Error("the key lacks the scope"), ["404"] = Error("no such model"),
                    ["503"] = Error("the store cannot answer now"),
                }, WindowParameters(version: false)),
        };
    }
}
