using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Access;

/// <summary>The dashboard's access (docs/dashboard.md, "Access") as a browser meets it: login, the session cookie on the
/// API with its key's scopes, CSRF on state-changing requests, logout and the page gate. A real Kestrel; the client
/// follows no redirects and keeps no cookies, so every cookie sent is the one the test means.</summary>
public sealed class AccessTests : IAsyncLifetime
{
    private const string IngestKey = "ingest-key-0001";
    private const string ReadKey = "read-key-0001";
    private const string AdminKey = "admin-key-0001";
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-access-").FullName;
    private VigilServer? _server;
    private HttpClient _http = new();

    public async Task InitializeAsync()
    {
        var config = ServiceConfigLoader.Parse($$"""
            store: {{Path.Combine(_dir, "store.duckdb")}}
            keys:
              - name: model-service
                key: {{IngestKey}}
                scopes: [ingest]
              - name: viewer
                key: {{ReadKey}}
                scopes: [read]
              - name: oncall
                key: {{AdminKey}}
                scopes: [admin]
            models:
              fraud:
                task: binary
            """);
        _server = VigilServer.Create(config, "http://127.0.0.1:0");
        await _server.StartAsync();
        _http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = new Uri(_server.Addresses[0]) };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    /// <summary>POST /login with the form; the answer and its Set-Cookie headers by cookie name.</summary>
    private async Task<(HttpStatusCode Status, string? Location, Dictionary<string, string> Cookies, string Body)> Login(string key, string? next = null, string? origin = null)
    {
        var fields = new List<KeyValuePair<string, string>> { new("key", key) };
        if (next is not null) fields.Add(new("next", next));
        using var req = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent(fields) };
        if (origin is not null) req.Headers.Add("Origin", origin);
        using var resp = await _http.SendAsync(req);
        var cookies = resp.Headers.TryGetValues("Set-Cookie", out var set)
            ? set.ToDictionary(c => c[..c.IndexOf('=', StringComparison.Ordinal)], c => c)
            : [];
        return (resp.StatusCode, resp.Headers.Location?.OriginalString, cookies, WebUtility.HtmlDecode(await resp.Content.ReadAsStringAsync()));
    }

    /// <summary>Logs in with the key: the Cookie header to send and the CSRF token.</summary>
    private async Task<(string Cookie, string Csrf)> Session(string key)
    {
        var (status, _, cookies, _) = await Login(key);
        Assert.Equal(HttpStatusCode.SeeOther, status);
        string Value(string name) => cookies[name].Split(';')[0][(name.Length + 1)..];
        var csrf = Value("vigil_csrf");
        return ($"vigil_session={Value("vigil_session")}; vigil_csrf={csrf}", csrf);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> Send(HttpMethod method, string path,
        string? cookie = null, string? csrf = null, string? bearer = null, string? body = null)
    {
        using var req = new HttpRequestMessage(method, path);
        if (cookie is not null) req.Headers.Add("Cookie", cookie);
        if (csrf is not null) req.Headers.Add("X-Vigil-CSRF", csrf);
        if (bearer is not null) req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (body is not null) req.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        var resp = await _http.SendAsync(req);
        var text = await resp.Content.ReadAsStringAsync();
        var json = text.Length > 0 && resp.Content.Headers.ContentType?.MediaType == "application/json" ? JsonDocument.Parse(text).RootElement.Clone() : default;
        return (resp.StatusCode, json, resp);
    }

    private int OpenIncident()
    {
        var alert = new Alert { Model = "fraud", Monitor = "auc", Severity = "P1", State = AlertState.Firing, Since = DateTime.UtcNow, Condition = "auc < 0.75" };
        return _server!.Monitors.Incidents.Observe(new AlertEvent("firing", alert), DateTime.UtcNow)!.Id;
    }

    [Fact]
    public async Task Login_GoodKey_SetsStrictCookies_AndRedirectsToNext()
    {
        var (status, location, cookies, _) = await Login(AdminKey, "/models/fraud?window=7d");
        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal("/models/fraud?window=7d", location);
        var session = cookies["vigil_session"].ToLowerInvariant();
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", session, StringComparison.Ordinal);
        Assert.Contains("path=/", session, StringComparison.Ordinal);
        Assert.DoesNotContain("secure", session, StringComparison.Ordinal); // plain http here
        var csrf = cookies["vigil_csrf"].ToLowerInvariant();
        Assert.DoesNotContain("httponly", csrf, StringComparison.Ordinal); // the page's script reads it
        Assert.Contains("samesite=strict", csrf, StringComparison.Ordinal);
        Assert.True(cookies["vigil_session"].Split(';')[0].Length >= "vigil_session=".Length + 43, "the session id has at least 256 random bits");
        Assert.Equal(1, _server!.Sessions.Count);
        // No next: the fleet.
        Assert.Equal("/", (await Login(ReadKey)).Location);
    }

    [Fact]
    public async Task Login_BehindHttps_MarksTheCookiesSecure()
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new FormUrlEncodedContent([new("key", ReadKey)]) };
        req.Headers.Add("X-Forwarded-Proto", "https");
        using var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.SeeOther, resp.StatusCode);
        Assert.All(resp.Headers.GetValues("Set-Cookie"), c => Assert.Contains("secure", c.ToLowerInvariant(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Login_BadKey_IngestOnlyKey_AndNoKey_AreRefused_WithTheFormAgain()
    {
        var (status, _, cookies, body) = await Login("not-a-key", "/incidents/3");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Empty(cookies);
        Assert.Contains("not one of this server's API keys", body, StringComparison.Ordinal);
        Assert.Contains("role=\"alert\"", body, StringComparison.Ordinal);
        Assert.Contains("name=\"next\" value=\"/incidents/3\"", body, StringComparison.Ordinal);

        (status, _, cookies, body) = await Login(IngestKey);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Empty(cookies);
        Assert.Contains("'model-service' has only the ingest scope", body, StringComparison.Ordinal);

        (status, _, _, body) = await Login("  ");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("Enter an API key", body, StringComparison.Ordinal);
        Assert.Equal(0, _server!.Sessions.Count);
    }

    [Fact]
    public async Task Login_WithoutAReadableForm_IsA400()
    {
        foreach (var type in new[] { "application/json", "multipart/form-data" })
        {
            using var req = new HttpRequestMessage(HttpMethod.Post, "/login") { Content = new StringContent("{\"key\": \"admin-key-0001\"}") };
            req.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            using var resp = await _http.SendAsync(req);
            Assert.Equal(HttpStatusCode.BadRequest, resp.StatusCode);
            Assert.False(resp.Headers.Contains("Set-Cookie"));
        }
    }

    [Fact]
    public async Task ManyBadKeys_FromOneAddress_AreSlowedDown()
    {
        for (var i = 0; i < LoginThrottle.MaxFailures; i++) Assert.Equal(HttpStatusCode.Unauthorized, (await Login($"guess-{i}")).Status);
        var (status, _, cookies, body) = await Login(AdminKey);
        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Empty(cookies);
        Assert.Contains("Too many failed logins", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://evil.example/")]
    [InlineData("//evil.example/x")]
    [InlineData("/\\evil.example")]
    [InlineData("javascript:alert(1)")]
    [InlineData("/models/fraud\r\nSet-Cookie: x=1")]
    public async Task Next_MustBeALocalPath(string next)
    {
        var (status, location, _, _) = await Login(ReadKey, next);
        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal("/", location);
    }

    [Fact]
    public async Task Login_FromAnotherOrigin_IsRefused()
    {
        var (status, _, cookies, body) = await Login(AdminKey, origin: "https://evil.example");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Empty(cookies);
        Assert.Contains("another site", body, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await Login(AdminKey, origin: "null")).Status);
        // The server's own origin is fine.
        Assert.Equal(HttpStatusCode.SeeOther, (await Login(AdminKey, origin: _server!.Addresses[0])).Status);
    }

    [Fact]
    public async Task LoginPage_IsSelfContained_Accessible_AndKeepsNext()
    {
        using var resp = await _http.GetAsync("/login?next=%2Fmodels%2Ffraud%3Fwindow%3D7d");
        Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
        Assert.Equal("text/html", resp.Content.Headers.ContentType!.MediaType);
        var html = await resp.Content.ReadAsStringAsync();
        Assert.Contains("<label for=\"key\">", html, StringComparison.Ordinal);
        Assert.Contains("id=\"key\" name=\"key\" type=\"password\"", html, StringComparison.Ordinal);
        Assert.Contains("name=\"next\" value=\"/models/fraud?window=7d\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("src=", html, StringComparison.Ordinal);
        Assert.DoesNotContain("http", html.Replace("http-equiv", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("default-src 'none'", resp.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        // A hostile next is shown as the fleet, not echoed.
        html = await _http.GetStringAsync("/login?next=%22%3E%3Cscript%3E");
        Assert.DoesNotContain("<script>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSessionCookie_WorksWhereBearerDoes_WithTheKeysScopes()
    {
        var (cookie, csrf) = await Session(ReadKey);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/v1/alerts", cookie)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/v1/models/fraud", cookie)).Status);
        var (status, body, _) = await Send(HttpMethod.Get, "/v1/alerts");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("/login", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        (status, body, _) = await Send(HttpMethod.Get, "/v1/alerts", "vigil_session=made-up");
        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("no session", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        // A read session may not ingest.
        (status, body, _) = await Send(HttpMethod.Post, "/v1/models/fraud/predictions", cookie, csrf, body: """[{"id": "a", "score": 0.5}]""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("may not ingest", body.GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CookiePosts_NeedTheCsrfHeader_BearerPostsDoNot()
    {
        var id = OpenIncident();
        var (cookie, csrf) = await Session(AdminKey);
        var (status, body, _) = await Send(HttpMethod.Post, $"/v1/incidents/{id}/acknowledge", cookie);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.StartsWith("missing or wrong CSRF token", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        (status, body, _) = await Send(HttpMethod.Post, $"/v1/incidents/{id}/acknowledge", cookie, csrf: csrf[..^1] + (csrf[^1] == 'A' ? 'B' : 'A'));
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.StartsWith("missing or wrong CSRF token", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal("open", _server!.Monitors.Incidents.Get(id)!.State.ToString().ToLowerInvariant());
        (status, body, _) = await Send(HttpMethod.Post, $"/v1/incidents/{id}/acknowledge", cookie, csrf: csrf);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("acknowledged", body.GetProperty("state").GetString());
        Assert.Equal("oncall", body.GetProperty("notes")[0].GetProperty("author").GetString()); // the session's key's name

        // Another session's token is not this one's.
        var (_, otherCsrf) = await Session(AdminKey);
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Post, $"/v1/incidents/{id}/notes", cookie, csrf: otherCsrf, body: """{"text": "x"}""")).Status);

        // Bearer: no token needed (a browser never adds the header by itself).
        (status, body, _) = await Send(HttpMethod.Post, $"/v1/incidents/{id}/notes", bearer: AdminKey, body: """{"text": "rolled back"}""");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("rolled back", body.GetProperty("notes").EnumerateArray().Last().GetProperty("text").GetString());

        // Silences too: DELETE and POST with the cookie need the token.
        (status, _, _) = await Send(HttpMethod.Post, "/v1/silences", cookie, body: """{"model": "fraud", "duration": "1h"}""");
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, body, _) = await Send(HttpMethod.Post, "/v1/silences", cookie, csrf, body: """{"model": "fraud", "duration": "1h"}""");
        Assert.Equal(HttpStatusCode.Created, status);
        Assert.Equal("oncall", body.GetProperty("author").GetString());
        var silence = body.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Delete, $"/v1/silences/{silence}", cookie)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Delete, $"/v1/silences/{silence}", cookie, csrf)).Status);
    }

    [Fact]
    public async Task AReadOnlySession_CannotAct()
    {
        var id = OpenIncident();
        var (cookie, csrf) = await Session(ReadKey);
        var (status, body, _) = await Send(HttpMethod.Post, $"/v1/incidents/{id}/acknowledge", cookie, csrf);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Contains("may not admin", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, $"/v1/incidents/{id}", cookie)).Status);
    }

    [Fact]
    public async Task SessionEndpoint_SaysWhoAndWhetherTheyMayAct()
    {
        var (cookie, _) = await Session(AdminKey);
        var (status, body, _) = await Send(HttpMethod.Get, "/v1/session", cookie);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("oncall", body.GetProperty("name").GetString());
        Assert.Equal(["admin"], body.GetProperty("scopes").EnumerateArray().Select(s => s.GetString()));
        Assert.True(body.GetProperty("can_act").GetBoolean());
        (cookie, _) = await Session(ReadKey);
        (_, body, _) = await Send(HttpMethod.Get, "/v1/session", cookie);
        Assert.Equal(("viewer", false), (body.GetProperty("name").GetString(), body.GetProperty("can_act").GetBoolean()));
        (_, body, _) = await Send(HttpMethod.Get, "/v1/session", bearer: AdminKey);
        Assert.True(body.GetProperty("can_act").GetBoolean());
        Assert.Equal(HttpStatusCode.Forbidden, (await Send(HttpMethod.Get, "/v1/session", bearer: IngestKey)).Status);
    }

    [Fact]
    public async Task Logout_EndsTheSession()
    {
        var (cookie, _) = await Session(AdminKey);
        var (status, _, resp) = await Send(HttpMethod.Post, "/logout", cookie);
        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal("/login", resp.Headers.Location!.OriginalString);
        Assert.Contains(resp.Headers.GetValues("Set-Cookie"), c => c.StartsWith("vigil_session=;", StringComparison.Ordinal) && c.Contains("expires=", StringComparison.OrdinalIgnoreCase));
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/v1/alerts", cookie)).Status);
        Assert.Equal(0, _server!.Sessions.Count);
    }

    [Fact]
    public async Task Pages_WithoutASession_RedirectToLogin_TheRestDoNot()
    {
        var (status, _, resp) = await Send(HttpMethod.Get, "/models/fraud?window=7d&version=v2");
        Assert.Equal(HttpStatusCode.SeeOther, status);
        Assert.Equal("/login?next=%2Fmodels%2Ffraud%3Fwindow%3D7d%26version%3Dv2", resp.Headers.Location!.OriginalString);
        Assert.Equal("/login?next=%2F", (await Send(HttpMethod.Get, "/")).Response.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.SeeOther, (await Send(HttpMethod.Get, "/incidents/4")).Status);
        Assert.Equal(HttpStatusCode.SeeOther, (await Send(HttpMethod.Get, "/", "vigil_session=expired-or-made-up")).Status);
        // Not pages: their own answers.
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/healthz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/readyz")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/metrics")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/openapi.json")).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/login")).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Send(HttpMethod.Get, "/v1/models")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/assets/app.js")).Status);
        // With a session (or a Bearer key) the page's own route answers: the page, or a 404 page for a model that is not there.
        var (cookie, _) = await Session(ReadKey);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/models/fraud", cookie)).Status);
        Assert.Equal(HttpStatusCode.OK, (await Send(HttpMethod.Get, "/models/fraud", bearer: ReadKey)).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await Send(HttpMethod.Get, "/models/nope", cookie)).Status);
        Assert.Equal(HttpStatusCode.SeeOther, (await Send(HttpMethod.Get, "/models/fraud", bearer: IngestKey)).Status);
    }

    [Fact]
    public async Task NotFoundPage_NamesWhatWasNotFound_InTheLoginsLook()
    {
        var ctx = new Microsoft.AspNetCore.Http.DefaultHttpContext();
        using var body = new MemoryStream();
        ctx.Response.Body = body;
        await VigilServer.NotFoundPage("There is no model 'fraudd'.").ExecuteAsync(ctx);
        Assert.Equal(404, ctx.Response.StatusCode);
        Assert.StartsWith("text/html", ctx.Response.ContentType, StringComparison.Ordinal);
        var html = System.Text.Encoding.UTF8.GetString(body.ToArray());
        Assert.Contains("There is no model &#39;fraudd&#39;.", html, StringComparison.Ordinal);
        Assert.Contains("<style>", html, StringComparison.Ordinal);
        Assert.Contains("href=\"/\"", html, StringComparison.Ordinal);
    }
}
