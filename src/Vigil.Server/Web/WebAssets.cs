using System.Collections.Frozen;
using System.IO.Hashing;
using System.Text.RegularExpressions;

namespace Vigil.Server.Web;

/// <summary>One built file of the front end: its bytes, content type, entity tag, and whether its name carries a
/// content hash (then it never changes and may be cached for a year).</summary>
internal sealed record WebAsset(string Name, byte[] Body, string ContentType, string ETag, bool Immutable);

/// <summary>
/// The front end's built files (web/dist, built by npm during the .NET build and embedded in this assembly as
/// <c>VigilWeb/&lt;file&gt;</c>): <c>index.html</c>, the shell every page answers with, and the hashed
/// <c>app-XXXXXXXX.js</c> and <c>.css</c> it names, served under <c>/assets/</c>.
/// </summary>
internal static partial class WebAssets
{
    private const string Prefix = "VigilWeb/";

    private static readonly FrozenDictionary<string, string> ContentTypes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".html"] = "text/html; charset=utf-8",
        [".json"] = "application/json; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".png"] = "image/png",
        [".ico"] = "image/x-icon",
        [".woff2"] = "font/woff2",
        [".map"] = "application/json; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private static readonly Lazy<FrozenDictionary<string, WebAsset>> Files = new(Load);

    /// <summary>Every embedded file by its name under web/dist (e.g. <c>app-3KQ2ZC7L.js</c>).</summary>
    public static IReadOnlyDictionary<string, WebAsset> All => Files.Value;

    /// <summary>The page shell (web/dist/index.html), or null when the assembly was built without the front end.</summary>
    public static WebAsset? Shell => Files.Value.GetValueOrDefault("index.html");

    /// <summary>A file to serve under /assets/ (the shell is not one).</summary>
    public static WebAsset? Find(string path) =>
        path != "index.html" && Files.Value.TryGetValue(path, out var asset) ? asset : null;

    /// <summary>The content type for a file name: by extension, else <c>application/octet-stream</c>.</summary>
    public static string ContentTypeOf(string name) => ContentTypes.GetValueOrDefault(Path.GetExtension(name), "application/octet-stream");

    /// <summary>esbuild's <c>[name]-[hash]</c>: eight or more upper-case letters and digits before the extension.</summary>
    [GeneratedRegex(@"-[A-Z0-9]{8,}\.[a-z0-9]+$")]
    private static partial Regex Hashed();

    private static FrozenDictionary<string, WebAsset> Load()
    {
        var assembly = typeof(WebAssets).Assembly;
        var files = new Dictionary<string, WebAsset>(StringComparer.Ordinal);
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            if (!resource.StartsWith(Prefix, StringComparison.Ordinal)) continue;
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            var body = copy.ToArray();
            var name = resource[Prefix.Length..].Replace('\\', '/');
            var etag = "\"" + Convert.ToHexStringLower(XxHash64.Hash(body)) + "\"";
            files[name] = new WebAsset(name, body, ContentTypeOf(name), etag, Hashed().IsMatch(name));
        }
        return files.ToFrozenDictionary(StringComparer.Ordinal);
    }
}
