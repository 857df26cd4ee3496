using System.Net;

namespace Vigil.Server.Web;

/// <summary>The HTML answer when a page names a model or incident that does not exist (HTTP 404): says what was not
/// found and links back to the fleet. Self-contained (no script, no stylesheet), so it renders even without the front
/// end's assets. A stand-in until the session branch's <c>NotFoundPage</c> (the login page's look) is merged;
/// <see cref="VigilServer"/> calls it through one method, <c>PageNotFound</c>.</summary>
internal static class MissingPage
{
    /// <summary>The page for <paramref name="what"/>, e.g. "No model 'fraud2'." (HTML-encoded here).</summary>
    public static string Render(string what, string? hint = null)
    {
        var text = WebUtility.HtmlEncode(what);
        var more = hint is null ? "" : $"<p>{WebUtility.HtmlEncode(hint)}</p>";
        return $"""
            <!doctype html>
            <html lang="en">
            <head><meta charset="utf-8"><title>Not found · Vigil</title>
            <meta name="viewport" content="width=device-width, initial-scale=1"></head>
            <body>
            <main>
            <h1>Not found</h1>
            <p data-testid="not-found">{text}</p>
            {more}
            <p><a href="/">Back to the fleet</a></p>
            </main>
            </body>
            </html>
            """;
    }
}
