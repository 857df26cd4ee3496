using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Monitoring.Config;

namespace Vigil.Server;

/// <summary>
/// The dashboard's access (docs/dashboard.md, "Access"): <c>GET /login</c> (the form), <c>POST /login</c> (a key with
/// the read or admin scope makes a session: the HttpOnly <c>vigil_session</c> cookie and the <c>vigil_csrf</c> cookie the
/// page's script echoes in <c>X-Vigil-CSRF</c>), <c>POST /logout</c>, <c>GET /v1/session</c> (who is logged in and
/// whether they may act), and the page gate: a GET for a page without a session is sent to <c>/login?next=...</c>.
/// </summary>
public sealed partial class VigilServer
{
    private readonly WebSessions _sessions = new();
    private readonly LoginThrottle _logins = new();

    /// <summary>Paths that are not pages (the API has its own auth; the rest needs none): the gate lets them through.</summary>
    private static readonly string[] OpenPaths = ["/login", "/logout", "/metrics", "/healthz", "/readyz", "/openapi.json", "/favicon.ico", "/robots.txt", "/v1", "/assets"];

    /// <summary>The dashboard's sessions (for tests).</summary>
    internal WebSessions Sessions => _sessions;

    private void MapAccess(WebApplication app)
    {
        app.Use(async (ctx, next) =>
        {
            if (IsPage(ctx.Request) && Viewer(ctx) is null)
            {
                var target = $"{ctx.Request.PathBase}{ctx.Request.Path}{ctx.Request.QueryString}";
                ctx.Response.StatusCode = StatusCodes.Status303SeeOther;
                ctx.Response.Headers.Location = "/login?next=" + Uri.EscapeDataString(target);
                ctx.Response.Headers.CacheControl = "no-store";
                return;
            }
            await next(ctx).ConfigureAwait(false);
        });

        app.MapGet("/login", (HttpContext ctx) => AccessHtml.Page(200, AccessHtml.Login(LocalPath(ctx.Request.Query["next"]), null)));
        app.MapPost("/login", (Func<HttpContext, Task<IResult>>)Login);
        app.MapPost("/logout", (HttpContext ctx) =>
        {
            if (CrossSite(ctx.Request) is { } why) return AccessHtml.Page(403, AccessHtml.Refused(why));
            if (ctx.Request.Cookies.TryGetValue(WebSessions.SessionCookie, out var id)) _sessions.Drop(id);
            ctx.Response.Cookies.Delete(WebSessions.SessionCookie, Cookie(ctx, httpOnly: true));
            ctx.Response.Cookies.Delete(WebSessions.CsrfCookie, Cookie(ctx, httpOnly: false));
            return SeeOther(ctx, "/login");
        });
        RequireScope(app.MapGet("/v1/session", (HttpContext ctx) =>
            Viewer(ctx) is { } viewer ? Results.Json(viewer, Wire.Of<SessionJson>()) : Error(401, "no session")), Scope.Read);
    }

    private async Task<IResult> Login(HttpContext ctx)
    {
        if (CrossSite(ctx.Request) is { } why) return AccessHtml.Page(403, AccessHtml.Refused(why));
        if (!ctx.Request.HasFormContentType)
            return AccessHtml.Page(400, AccessHtml.Login("/", "The login expects the form's fields (key, next); open /login and send the form."));
        IFormCollection form;
        try
        {
            form = await ctx.Request.ReadFormAsync(ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (InvalidDataException)
        {
            return AccessHtml.Page(400, AccessHtml.Login("/", "The form could not be read; open /login and send it again."));
        }
        var next = LocalPath(form["next"]);
        var sent = form["key"].ToString().Trim();
        var address = ctx.Connection.RemoteIpAddress?.ToString() ?? "";
        var now = DateTime.UtcNow;
        if (_logins.Blocked(address, now))
            return AccessHtml.Page(429, AccessHtml.Login(next, "Too many failed logins from this address; wait a minute and try again."));
        if (sent.Length == 0) return AccessHtml.Page(400, AccessHtml.Login(next, "Enter an API key."));
        var key = _config.Keys.FirstOrDefault(k => FixedTimeEquals(k.Key, sent));
        if (key is null)
        {
            _logins.Fail(address, now);
            return AccessHtml.Page(401, AccessHtml.Login(next, "That key is not one of this server's API keys."));
        }
        if (!key.Allows(Scope.Read))
            return AccessHtml.Page(403, AccessHtml.Login(next,
                $"The key '{key.Name}' has only the ingest scope (it sends predictions and labels); the pages need a key with the read or admin scope."));
        // A new id on every login: a session id planted before it (fixation) is never the one logged in.
        if (ctx.Request.Cookies.TryGetValue(WebSessions.SessionCookie, out var old)) _sessions.Drop(old);
        var (id, session) = _sessions.Create(key, now);
        ctx.Response.Cookies.Append(WebSessions.SessionCookie, id, Cookie(ctx, httpOnly: true));
        ctx.Response.Cookies.Append(WebSessions.CsrfCookie, session.Csrf, Cookie(ctx, httpOnly: false));
        _log($"login: key '{key.Name}' started a dashboard session");
        return SeeOther(ctx, next);
    }

    /// <summary>Who is looking at a page (the session's key, or a Bearer key) with its scopes and whether it may act on
    /// incidents and silences; null when nobody with the read scope is. For the page routes and <c>/v1/session</c>.</summary>
    internal SessionJson? Viewer(HttpContext ctx)
    {
        ArgumentNullException.ThrowIfNull(ctx);
        var key = KeyOf(ctx, out _, out _);
        if (key is null || !key.Allows(Scope.Read)) return null;
        return new SessionJson(key.Name, key.Scopes.Order().Select(s => s.ToString().ToLowerInvariant()).ToList(), key.Allows(Scope.Admin));
    }

    /// <summary>The HTML 404 page for a page path naming something that does not exist (an unknown model or incident).</summary>
    internal static IResult NotFoundPage(string what) => AccessHtml.Page(404, AccessHtml.NotFound(what));

    /// <summary>A cookie-authenticated request that changes state must echo the session's CSRF token (the
    /// <c>vigil_csrf</c> cookie) in <c>X-Vigil-CSRF</c>: a page of another site can make the browser send the cookie,
    /// but cannot read it to set the header. Null when the request is safe or carries the token.</summary>
    private static IResult? CsrfRefused(HttpContext ctx, WebSession session)
    {
        var method = ctx.Request.Method;
        if (!(HttpMethods.IsPost(method) || HttpMethods.IsPut(method) || HttpMethods.IsPatch(method) || HttpMethods.IsDelete(method))) return null;
        var header = ctx.Request.Headers[WebSessions.CsrfHeader];
        if (header.Count == 1 && FixedTimeEquals(header[0] ?? "", session.Csrf)) return null;
        return Error(403, header.Count == 0
            ? $"missing or wrong CSRF token: a request with the session cookie that changes state needs the header {WebSessions.CsrfHeader} set to the {WebSessions.CsrfCookie} cookie's value"
            : $"missing or wrong CSRF token: {WebSessions.CsrfHeader} is not this session's token (the {WebSessions.CsrfCookie} cookie's value); reload the page or log in again");
    }

    /// <summary>Why a form post comes from another site (login CSRF), or null: its <c>Origin</c>, when sent, must be this
    /// server (as the request addresses it, or as a proxy's X-Forwarded-Host names it), and <c>Sec-Fetch-Site</c>, when
    /// sent, same-origin or none.</summary>
    private static string? CrossSite(HttpRequest r)
    {
        var fetchSite = r.Headers["Sec-Fetch-Site"].ToString();
        if (fetchSite.Length > 0 && fetchSite is not ("same-origin" or "none"))
            return $"This form was sent from another site (Sec-Fetch-Site: {fetchSite}); open this server's /login and try again.";
        var origin = r.Headers.Origin.ToString();
        if (origin.Length == 0) return null;
        if (!Uri.TryCreate(origin, UriKind.Absolute, out var o) || o.Scheme is not ("http" or "https"))
            return $"This form was sent from another site (Origin: {origin}); open this server's /login and try again.";
        var authority = o.IsDefaultPort ? o.Host : $"{o.Host}:{o.Port}";
        var forwarded = r.Headers["X-Forwarded-Host"].ToString().Split(',')[0].Trim();
        if (string.Equals(authority, r.Host.Value, StringComparison.OrdinalIgnoreCase) || (forwarded.Length > 0 && string.Equals(authority, forwarded, StringComparison.OrdinalIgnoreCase)))
            return null;
        return $"This form was sent from another site (Origin: {origin}); open this server's /login and try again.";
    }

    /// <summary>A path on this server to go to after login: <paramref name="next"/> when it is one ("/..." but not
    /// "//host" or "/\host", no control characters), else "/".</summary>
    internal static string LocalPath(string? next)
    {
        if (string.IsNullOrEmpty(next) || next.Length > 2000 || next[0] != '/') return "/";
        if (next.Length > 1 && next[1] is '/' or '\\') return "/";
        foreach (var c in next)
            if (char.IsControl(c) || c == '\\' || char.IsWhiteSpace(c)) return "/";
        return next;
    }

    /// <summary>A GET or HEAD of a path that is not the API, an asset, the login, health, metrics or the OpenAPI document.</summary>
    private static bool IsPage(HttpRequest r)
    {
        if (!HttpMethods.IsGet(r.Method) && !HttpMethods.IsHead(r.Method)) return false;
        var path = r.Path.Value ?? "/";
        foreach (var open in OpenPaths)
            if (path.Equals(open, StringComparison.OrdinalIgnoreCase) || path.StartsWith(open + "/", StringComparison.OrdinalIgnoreCase))
                return false;
        return true;
    }

    /// <summary>The cookies' options: Path=/, SameSite=Strict, Secure behind HTTPS (the request's, or a proxy's
    /// X-Forwarded-Proto), HttpOnly for the session.</summary>
    private static CookieOptions Cookie(HttpContext ctx, bool httpOnly) => new()
    {
        Path = "/",
        HttpOnly = httpOnly,
        SameSite = SameSiteMode.Strict,
        Secure = ctx.Request.IsHttps || string.Equals(ctx.Request.Headers["X-Forwarded-Proto"].ToString().Split(',')[0].Trim(), "https", StringComparison.OrdinalIgnoreCase),
        IsEssential = true,
    };

    private static IResult SeeOther(HttpContext ctx, string location)
    {
        ctx.Response.Headers.Location = location;
        ctx.Response.Headers.CacheControl = "no-store";
        return Results.StatusCode(StatusCodes.Status303SeeOther);
    }
}
