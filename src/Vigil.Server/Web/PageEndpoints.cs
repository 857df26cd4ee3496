using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Net.Http.Headers;
using Vigil.Server.Web;

namespace Vigil.Server;

/// <summary>The dashboard's pages (docs/dashboard.md): <c>/</c>, <c>/models/{model}</c> and <c>/incidents/{id}</c>
/// answer the front end's shell (web/, embedded), which draws the page from the JSON API; an unknown model or
/// incident answers 404 with an HTML page saying so. <c>/assets/...</c> serves the built script and styles.</summary>
public sealed partial class VigilServer
{
    /// <summary>The pages' Content-Security-Policy: everything from this server only, no inline script or style, no
    /// frames; no request may leave the server.</summary>
    internal const string PageSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; " +
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Maps the pages; the returned group holds the page routes (not /assets), for a session gate.</summary>
    private RouteGroupBuilder MapPages(IEndpointRouteBuilder app)
    {
        app.MapGet("/assets/{*path}", (HttpContext ctx, string? path) => Asset(ctx, path ?? ""));
        var pages = app.MapGroup("");
        pages.MapGet("/", (HttpContext ctx) => Page(ctx, null));
        pages.MapGet("/models/{model}", (HttpContext ctx, string model) =>
            Page(ctx, _config.Model(model) is null
                ? $"No model '{model}'. The configured models are {string.Join(", ", _config.Models.Select(m => m.Name))}."
                : null));
        pages.MapGet("/incidents/{id}", (HttpContext ctx, string id) =>
            Page(ctx, int.TryParse(id, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && _monitors.Incidents.Get(n) is not null
                ? null
                : $"No incident {id}."));
        return pages;
    }

    /// <summary>The shell with the pages' headers, or the session pages' HTML 404 (<c>NotFoundPage</c>, with its own
    /// headers) when <paramref name="notFound"/> says what is missing. The page gate (SessionEndpoints) has already sent
    /// a request without a session to the login page.</summary>
    private static IResult Page(HttpContext ctx, string? notFound)
    {
        var headers = ctx.Response.Headers;
        headers[HeaderNames.ContentSecurityPolicy] = PageSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers[HeaderNames.XFrameOptions] = "DENY";
        headers["Referrer-Policy"] = "same-origin";
        headers[HeaderNames.CacheControl] = "no-cache";
        if (notFound is not null) return NotFoundPage(notFound);
        if (WebAssets.Shell is not { } shell)
            return Results.Text("The dashboard's front end is not in this build: build Vigil.Server with npm installed (web/ is built by the .NET build).", "text/plain; charset=utf-8", statusCode: 503);
        return Results.Bytes(shell.Body, shell.ContentType);
    }

    /// <summary>A built file: a year's cache for a hashed name, revalidation by ETag otherwise; 304 when the browser has it.</summary>
    private static IResult Asset(HttpContext ctx, string path)
    {
        if (WebAssets.Find(path) is not { } asset) return Error(404, $"no asset '{path}'");
        var headers = ctx.Response.Headers;
        headers[HeaderNames.ETag] = asset.ETag;
        headers[HeaderNames.CacheControl] = asset.Immutable ? "public, max-age=31536000, immutable" : "no-cache";
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        if (ctx.Request.Headers.IfNoneMatch.Any(v => v is not null && v.Split(',').Any(t => t.Trim() == asset.ETag || t.Trim() == "*")))
            return Results.StatusCode(304);
        return Results.Bytes(asset.Body, asset.ContentType);
    }
}
