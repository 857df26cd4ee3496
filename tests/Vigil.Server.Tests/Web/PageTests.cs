using System.Net;
using System.Text.RegularExpressions;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Web;

/// <summary>The dashboard's pages and assets as the server answers them: the shell with a strict Content-Security-Policy
/// on every page route, HTML 404s naming what is missing, and the built files with their content types and caching.</summary>
public sealed partial class PageTests
{
    [GeneratedRegex("""<script\b([^>]*)>""")]
    private static partial Regex ScriptTag();

    [GeneratedRegex("(?:src|href)=\"/assets/([^\"]+)\"")]
    private static partial Regex AssetRef();

    /// <summary>Runs against a fresh server; <paramref name="signedIn"/>: the client sends a read key (the page gate lets
    /// a Bearer key through as it lets a session), and follows no redirect.</summary>
    private static async Task<T> WithServer<T>(Func<HttpClient, Task<T>> run, bool signedIn = true)
    {
        var dir = Directory.CreateTempSubdirectory("vigil-pages-").FullName;
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
            using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(server.Addresses[0]) };
            if (signedIn) http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "read-key-0001");
            return await run(http);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public Task PageRoutes_AnswerTheShell_WithAStrictPolicy() => WithServer(async http =>
    {
        foreach (var path in new[] { "/", "/models/fraud", "/?status=critical&sort=name", "/models/fraud?window=7d" })
        {
            using var resp = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            Assert.Equal("text/html", resp.Content.Headers.ContentType?.MediaType);
            var csp = string.Join(";", resp.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp);
            Assert.Contains("script-src 'self'", csp);
            Assert.Contains("connect-src 'self'", csp);
            Assert.DoesNotContain("unsafe-inline", csp);
            Assert.DoesNotContain("unsafe-eval", csp);
            Assert.Equal("nosniff", resp.Headers.GetValues("X-Content-Type-Options").Single());
            var html = await resp.Content.ReadAsStringAsync();
            // Every script comes from a file of this server: no inline script for the policy to refuse.
            var scripts = ScriptTag().Matches(html);
            Assert.NotEmpty(scripts);
            Assert.All(scripts, m => Assert.Matches("src=\"/assets/app-[A-Z0-9]{8,}\\.js\"", m.Groups[1].Value));
            Assert.DoesNotContain("http://", html, StringComparison.Ordinal);
            Assert.DoesNotContain("https://", html, StringComparison.Ordinal);
        }
        return true;
    });

    [Fact]
    public Task UnknownModelOrIncident_Answers404Html_NamingIt() => WithServer(async http =>
    {
        foreach (var (path, says) in new[] { ("/models/nope", "No model 'nope'"), ("/incidents/42", "No incident 42"), ("/incidents/abc", "No incident abc"),
                     ("/models/%3Cb%3E", "No model '<b>'") })
        {
            using var resp = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, resp.StatusCode);
            Assert.Equal("text/html", resp.Content.Headers.ContentType?.MediaType);
            var html = await resp.Content.ReadAsStringAsync();
            Assert.Contains(says, WebUtility.HtmlDecode(html));
            Assert.Contains("href=\"/\"", html);
            Assert.DoesNotContain("<b>", html); // the name is encoded, not markup
            Assert.Matches("default-src '(none|self)'", string.Join(";", resp.Headers.GetValues("Content-Security-Policy")));
        }
        return true;
    });

    [Fact]
    public Task WithoutASession_PagesGoToTheLogin_AssetsDoNot() => WithServer(async http =>
    {
        foreach (var path in new[] { "/", "/models/fraud?window=7d", "/incidents/1", "/models/nope" })
        {
            using var resp = await http.GetAsync(path);
            Assert.Equal(HttpStatusCode.SeeOther, resp.StatusCode);
            Assert.Equal("/login?next=" + Uri.EscapeDataString(path), resp.Headers.Location?.OriginalString);
        }
        // The built files are not behind the gate (they hold no data).
        var script = Vigil.Server.Web.WebAssets.All.Keys.First(k => k.EndsWith(".js", StringComparison.Ordinal));
        using var asset = await http.GetAsync("/assets/" + script);
        Assert.Equal(HttpStatusCode.OK, asset.StatusCode);
        return true;
    }, signedIn: false);

    [Fact]
    public Task Assets_HaveTheirContentTypes_AndCacheByHashAndETag() => WithServer(async http =>
    {
        var shell = await http.GetStringAsync("/");
        var files = AssetRef().Matches(shell).Select(m => m.Groups[1].Value).ToList();
        Assert.Contains(files, f => f.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(files, f => f.EndsWith(".css", StringComparison.Ordinal));
        foreach (var file in files)
        {
            using var resp = await http.GetAsync("/assets/" + file);
            Assert.Equal(HttpStatusCode.OK, resp.StatusCode);
            var expected = Path.GetExtension(file) switch { ".js" => "text/javascript", ".css" => "text/css", ".svg" => "image/svg+xml", var other => "unexpected " + other };
            Assert.Equal(expected, resp.Content.Headers.ContentType?.MediaType);
            Assert.Contains("immutable", resp.Headers.CacheControl?.ToString());
            Assert.Equal(31536000, resp.Headers.CacheControl?.MaxAge?.TotalSeconds);
            var body = await resp.Content.ReadAsByteArrayAsync();
            Assert.True(body.Length > (file.EndsWith(".svg", StringComparison.Ordinal) ? 100 : 1000), $"{file} is {body.Length} bytes");
            // The embedded file is the one the build wrote to web/dist.
            var built = Path.Combine(RepoRoot(), "web", "dist", file);
            if (File.Exists(built)) Assert.Equal(await File.ReadAllBytesAsync(built), body);
            var etag = resp.Headers.ETag;
            Assert.NotNull(etag);
            using var again = new HttpRequestMessage(HttpMethod.Get, "/assets/" + file);
            again.Headers.IfNoneMatch.Add(etag);
            using var cached = await http.SendAsync(again);
            Assert.Equal(HttpStatusCode.NotModified, cached.StatusCode);
        }
        using var missing = await http.GetAsync("/assets/nope.js");
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        using var shellAsAsset = await http.GetAsync("/assets/index.html");
        Assert.Equal(HttpStatusCode.NotFound, shellAsAsset.StatusCode);
        using var escape = await http.GetAsync("/assets/..%2f..%2fappsettings.json");
        Assert.Equal(HttpStatusCode.NotFound, escape.StatusCode);
        return true;
    });

    [Fact]
    public void HashedNames_AreImmutable_OthersRevalidate()
    {
        Assert.True(Vigil.Server.Web.WebAssets.All.Count >= 3, "the front end's files are not embedded");
        Assert.All(Vigil.Server.Web.WebAssets.All.Values.Where(a => a.Name != "index.html"), a => Assert.True(a.Immutable, a.Name));
        Assert.False(Vigil.Server.Web.WebAssets.Shell!.Immutable);
        Assert.Equal("text/javascript; charset=utf-8", Vigil.Server.Web.WebAssets.ContentTypeOf("a.js"));
        Assert.Equal("application/octet-stream", Vigil.Server.Web.WebAssets.ContentTypeOf("a.bin"));
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Vigil.slnx"))) dir = dir.Parent;
        return dir?.FullName ?? AppContext.BaseDirectory;
    }
}
