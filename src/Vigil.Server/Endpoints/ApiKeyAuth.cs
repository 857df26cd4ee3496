using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Vigil.Monitoring.Config;

namespace Vigil.Server;

/// <summary>API-key auth: <c>Authorization: Bearer KEY</c> against the configured keys and their scopes
/// (ingest, read, admin), or the dashboard's session cookie with its key's scopes (and a CSRF token on state-changing
/// requests; Endpoints/SessionEndpoints.cs), applied per group or endpoint as an <see cref="IEndpointFilter"/> (<see cref="RequireScope{TBuilder}"/>).</summary>
public sealed partial class VigilServer
{
    /// <summary>The configured key the request carries (null when none or unknown); <paramref name="sent"/> tells which.
    /// A Bearer key comes first; without one, the session cookie's key (Endpoints/SessionEndpoints.cs).</summary>
    private ApiKey? KeyOf(HttpContext ctx, out bool sent) => KeyOf(ctx, out sent, out _);

    /// <summary>As <see cref="KeyOf(HttpContext, out bool)"/>; <paramref name="session"/> is the session when the key came
    /// from the session cookie (null for a Bearer key, or when the cookie names no live session).</summary>
    private ApiKey? KeyOf(HttpContext ctx, out bool sent, out WebSession? session)
    {
        session = null;
        var header = ctx.Request.Headers.Authorization.ToString();
        sent = header.StartsWith("Bearer ", StringComparison.Ordinal);
        if (!sent)
        {
            if (!ctx.Request.Cookies.TryGetValue(WebSessions.SessionCookie, out var id)) return null;
            sent = true;
            session = _sessions.Find(id, DateTime.UtcNow);
            return session?.Key;
        }
        var key = header["Bearer ".Length..].Trim();
        return _config.Keys.FirstOrDefault(k => FixedTimeEquals(k.Key, key));
    }

    /// <summary>Null when the request carries a key with the scope (and, when the key came from the session cookie and the
    /// request changes state, the CSRF token); else the 401 or 403 to answer.</summary>
    private IResult? Authorized(HttpContext ctx, Scope scope)
    {
        var found = KeyOf(ctx, out var sent, out var session);
        if (!sent) return Error(401, "no API key: send 'Authorization: Bearer KEY' (or log in at /login)");
        if (found is null)
            return Error(401, ctx.Request.Headers.Authorization.Count == 0 ? "no session: it expired or was ended; log in again at /login" : "unknown API key");
        if (session is not null && CsrfRefused(ctx, session) is { } csrf) return csrf;
        return found.Allows(scope) ? null : Error(403, $"this key may not {scope.ToString().ToLowerInvariant()} (its scopes: {string.Join(", ", found.Scopes.Select(s => s.ToString().ToLowerInvariant()))})");
    }

    private static bool FixedTimeEquals(string a, string b) =>
        System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(System.Text.Encoding.UTF8.GetBytes(a), System.Text.Encoding.UTF8.GetBytes(b));

    /// <summary>Answers 401/403 before the handler runs unless the request's key has <paramref name="scope"/>.</summary>
    private TBuilder RequireScope<TBuilder>(TBuilder builder, Scope scope) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(new ApiKeyFilter(this, scope));

    private sealed class ApiKeyFilter(VigilServer server, Scope scope) : IEndpointFilter
    {
        public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
            server.Authorized(context.HttpContext, scope) ?? await next(context).ConfigureAwait(false);
    }
}
