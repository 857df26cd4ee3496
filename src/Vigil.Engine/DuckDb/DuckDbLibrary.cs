using System.Reflection;
using System.Runtime.InteropServices;

namespace Vigil.Engine.DuckDb;

/// <summary>
/// Finds DuckDB's native library. Order: env <c>VIGIL_DUCKDB_LIB</c>; <c>libduckdb.so</c> next to the
/// application (AppContext.BaseDirectory); the cache filled by tools/fetch-duckdb
/// (<c>$VIGIL_CACHE</c>, else <c>$XDG_CACHE_HOME/vigil</c>, else <c>~/.cache/vigil</c>, then
/// <c>duckdb/1.5.6-r.1/libduckdb.so</c>).
/// </summary>
internal static class DuckDbLibrary
{
    public const string PinnedVersion = "1.5.6-r.1";
    public const string NotFoundMessage = "DuckDB native library not found; run tools/fetch-duckdb or set VIGIL_DUCKDB_LIB";

    private static readonly Lock Gate = new();
    private static bool _registered;
    private static nint _handle;

    /// <summary>Registers the resolver on the Vigil.Engine assembly (idempotent).</summary>
    public static void Register()
    {
        lock (Gate)
        {
            if (_registered) return;
            NativeLibrary.SetDllImportResolver(typeof(DuckDbLibrary).Assembly, Resolve);
            _registered = true;
        }
    }

    /// <summary>Loads the library now, throwing a one-line <see cref="DllNotFoundException"/> when absent.</summary>
    public static void EnsureLoaded()
    {
        Register();
        lock (Gate)
        {
            if (_handle != 0) return;
            string? path = FindLibrary();
            if (path is null) throw new DllNotFoundException(NotFoundMessage);
            try
            {
                _handle = NativeLibrary.Load(path);
            }
            catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
            {
                throw new DllNotFoundException($"DuckDB native library at {path} could not be loaded: {FirstLine(e.Message)}", e);
            }
        }
    }

    /// <summary>The candidate paths in search order (existing or not).</summary>
    public static IEnumerable<string> Candidates() =>
        Candidates(Environment.GetEnvironmentVariable("VIGIL_DUCKDB_LIB"), AppContext.BaseDirectory, CacheRoot());

    internal static IEnumerable<string> Candidates(string? envPath, string baseDirectory, string cacheRoot)
    {
        if (!string.IsNullOrEmpty(envPath)) yield return envPath;
        yield return Path.Combine(baseDirectory, "libduckdb.so");
        yield return Path.Combine(cacheRoot, "duckdb", PinnedVersion, "libduckdb.so");
    }

    /// <summary>The first existing candidate, or null.</summary>
    public static string? FindLibrary() => FindLibrary(Candidates());

    internal static string? FindLibrary(IEnumerable<string> candidates)
    {
        foreach (string c in candidates)
        {
            if (File.Exists(c)) return c;
        }
        return null;
    }

    internal static string CacheRoot()
    {
        string? vigil = Environment.GetEnvironmentVariable("VIGIL_CACHE");
        if (!string.IsNullOrEmpty(vigil)) return vigil;
        string? xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(xdg)) return Path.Combine(xdg, "vigil");
        string home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "vigil");
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != DuckDbNative.Library) return 0;
        EnsureLoaded();
        return _handle;
    }

    private static string FirstLine(string s)
    {
        int nl = s.IndexOf('\n');
        return (nl < 0 ? s : s[..nl]).Trim();
    }
}
