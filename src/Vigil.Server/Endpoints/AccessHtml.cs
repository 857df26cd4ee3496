using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Vigil.Server;

/// <summary>The server-rendered pages of the access flow: the login form and the 404 page (one look, inline CSS, no
/// scripts and no requests to anywhere).</summary>
internal static class AccessHtml
{
    private const string Style = """
        :root{color-scheme:light dark;--bg:#f4f5f7;--card:#fff;--text:#1b1f24;--muted:#5b636e;--line:#d0d4da;--accent:#1f5fbf;--bad:#b3261e;--badbg:#fdecea}
        @media (prefers-color-scheme:dark){:root{--bg:#14171b;--card:#1d2127;--text:#e6e8eb;--muted:#a0a7b1;--line:#39404a;--accent:#7fb0ff;--bad:#ffb4ab;--badbg:#3a1d1b}}
        *{box-sizing:border-box}
        body{margin:0;min-height:100vh;display:grid;place-items:center;background:var(--bg);color:var(--text);font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif}
        main{width:min(26rem,calc(100vw - 2rem));background:var(--card);border:1px solid var(--line);border-radius:10px;padding:2rem}
        h1{margin:0 0 .25rem;font-size:1.5rem}
        .sub{margin:0 0 1.5rem;color:var(--muted)}
        label{display:block;font-weight:600;margin-bottom:.35rem}
        input[type=password]{width:100%;padding:.6rem .7rem;font:inherit;color:inherit;background:transparent;border:1px solid var(--line);border-radius:6px}
        input:focus-visible,button:focus-visible,a:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
        button{margin-top:1rem;width:100%;padding:.65rem;font:inherit;font-weight:600;color:#fff;background:var(--accent);border:0;border-radius:6px;cursor:pointer}
        @media (prefers-color-scheme:dark){button{color:#0b1220}}
        .error{margin:0 0 1rem;padding:.6rem .8rem;border-radius:6px;color:var(--bad);background:var(--badbg)}
        .hint{margin:1.25rem 0 0;font-size:.875rem;color:var(--muted)}
        a{color:var(--accent)}
        code{font-size:.9em}
        """;

    /// <summary>The login form: the error of the last attempt (if any) and the page to go to after it.</summary>
    public static string Login(string next, string? error)
    {
        var sb = Start("Log in · Vigil");
        sb.Append("<main><h1>Vigil</h1><p class=\"sub\">Log in with an API key</p>");
        if (error is not null) sb.Append("<p class=\"error\" role=\"alert\" id=\"login-error\">").Append(E(error)).Append("</p>");
        sb.Append("<form method=\"post\" action=\"/login\">");
        sb.Append("<label for=\"key\">API key</label>");
        sb.Append("<input id=\"key\" name=\"key\" type=\"password\" autocomplete=\"current-password\" spellcheck=\"false\" required autofocus");
        if (error is not null) sb.Append(" aria-invalid=\"true\" aria-describedby=\"login-error\"");
        sb.Append('>');
        sb.Append("<input type=\"hidden\" name=\"next\" value=\"").Append(E(next)).Append("\">");
        sb.Append("<button type=\"submit\">Log in</button></form>");
        sb.Append("<p class=\"hint\">The keys are the ones under <code>keys:</code> in the service's config. A key with the read scope sees every page; ");
        sb.Append("acting on incidents and silences needs the admin scope.</p></main>");
        return End(sb);
    }

    /// <summary>A 404 page naming what was not found.</summary>
    public static string NotFound(string what)
    {
        var sb = Start("Not found · Vigil");
        sb.Append("<main><h1>Not found</h1><p class=\"sub\">").Append(E(what)).Append("</p>");
        sb.Append("<p><a href=\"/\">Back to the fleet</a></p></main>");
        return End(sb);
    }

    /// <summary>A page refusing the request, with one line saying why and a link to the login form.</summary>
    public static string Refused(string why)
    {
        var sb = Start("Refused · Vigil");
        sb.Append("<main><h1>Refused</h1><p class=\"error\" role=\"alert\">").Append(E(why)).Append("</p>");
        sb.Append("<p><a href=\"/login\">Go to the login page</a></p></main>");
        return End(sb);
    }

    private static StringBuilder Start(string title) =>
        new StringBuilder("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\">")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><meta name=\"referrer\" content=\"same-origin\">")
            .Append("<title>").Append(E(title)).Append("</title><style>").Append(Style).Append("</style></head><body>");

    private static string End(StringBuilder sb) => sb.Append("</body></html>\n").ToString();

    private static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>An HTML answer with headers that keep it out of caches and frames and allow nothing but its own inline
    /// style and forms posted to this server.</summary>
    public static IResult Page(int status, string html) => new HtmlResult(status, html);

    private sealed class HtmlResult(int status, string html) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            var r = httpContext.Response;
            r.StatusCode = status;
            r.ContentType = "text/html; charset=utf-8";
            r.Headers.CacheControl = "no-store";
            r.Headers.XFrameOptions = "DENY";
            r.Headers.XContentTypeOptions = "nosniff";
            r.Headers.ContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
            r.Headers["Referrer-Policy"] = "same-origin";
            return r.WriteAsync(html, Encoding.UTF8, httpContext.RequestAborted);
        }
    }
}
