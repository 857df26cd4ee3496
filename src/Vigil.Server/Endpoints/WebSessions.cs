using System.Security.Cryptography;
using Vigil.Monitoring.Config;

namespace Vigil.Server;

/// <summary>A browser session: the API key it was made with (its name and scopes), its CSRF token, and when it was made
/// and last used.</summary>
internal sealed class WebSession(ApiKey key, string csrf, DateTime created)
{
    public ApiKey Key { get; } = key;
    /// <summary>The value of the <c>vigil_csrf</c> cookie, which a state-changing request must echo in <c>X-Vigil-CSRF</c>.</summary>
    public string Csrf { get; } = csrf;
    public DateTime Created { get; } = created;
    public DateTime LastSeen { get; internal set; } = created;
}

/// <summary>
/// The dashboard's sessions, held in memory (a restart logs everyone out): a random 256-bit id per session, kept only as
/// its SHA-256 (a lookup reveals nothing through its timing), expiring after <see cref="IdleTimeout"/> without use and
/// <see cref="MaxAge"/> after login. At most <see cref="Capacity"/> live at once; a new one beyond that drops the one
/// idle longest.
/// </summary>
internal sealed class WebSessions
{
    public const string SessionCookie = "vigil_session";
    public const string CsrfCookie = "vigil_csrf";
    public const string CsrfHeader = "X-Vigil-CSRF";
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(12);
    public static readonly TimeSpan MaxAge = TimeSpan.FromDays(7);

    private readonly Dictionary<string, WebSession> _byHash = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public WebSessions(int capacity = 10_000) => Capacity = capacity;

    /// <summary>The most sessions held at once.</summary>
    public int Capacity { get; }

    /// <summary>Sessions held now (expired ones included until they are next looked up or pruned).</summary>
    public int Count
    {
        get
        {
            lock (_gate) return _byHash.Count;
        }
    }

    /// <summary>A new session for the key: its id (the <c>vigil_session</c> cookie) and the session.</summary>
    public (string Id, WebSession Session) Create(ApiKey key, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(key);
        var id = Token();
        var session = new WebSession(key, Token(), now);
        lock (_gate)
        {
            if (_byHash.Count >= Capacity)
            {
                foreach (var (hash, s) in _byHash.ToList())
                    if (Expired(s, now)) _byHash.Remove(hash);
                if (_byHash.Count >= Capacity) _byHash.Remove(_byHash.MinBy(kv => kv.Value.LastSeen).Key);
            }
            _byHash[Hash(id)] = session;
        }
        return (id, session);
    }

    /// <summary>The live session of this id (its idle time restarts), or null when there is none or it expired.</summary>
    public WebSession? Find(string? id, DateTime now)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 100) return null;
        var hash = Hash(id);
        lock (_gate)
        {
            if (!_byHash.TryGetValue(hash, out var s)) return null;
            if (Expired(s, now))
            {
                _byHash.Remove(hash);
                return null;
            }
            s.LastSeen = now;
            return s;
        }
    }

    /// <summary>Ends the session of this id (nothing when there is none).</summary>
    public void Drop(string? id)
    {
        if (string.IsNullOrEmpty(id) || id.Length > 100) return;
        lock (_gate) _byHash.Remove(Hash(id));
    }

    private static bool Expired(WebSession s, DateTime now) => now - s.LastSeen > IdleTimeout || now - s.Created > MaxAge;

    /// <summary>32 random bytes, base64url (43 characters).</summary>
    private static string Token() => Base64Url(RandomNumberGenerator.GetBytes(32));

    private static string Hash(string id) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(id)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>Slows key guessing at <c>POST /login</c>: an address with <see cref="MaxFailures"/> failed logins within a
/// minute is refused (429) until that minute has passed. At most <see cref="Capacity"/> addresses are tracked (beyond
/// that the table starts over).</summary>
internal sealed class LoginThrottle
{
    public const int MaxFailures = 20;
    public const int Capacity = 10_000;
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, (int Failures, DateTime Since)> _byAddress = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    /// <summary>Whether the address has used up its failures for now.</summary>
    public bool Blocked(string address, DateTime now)
    {
        lock (_gate)
            return _byAddress.TryGetValue(address, out var f) && now - f.Since < Period && f.Failures >= MaxFailures;
    }

    /// <summary>Counts a failed login from the address.</summary>
    public void Fail(string address, DateTime now)
    {
        lock (_gate)
        {
            if (_byAddress.Count >= Capacity && !_byAddress.ContainsKey(address)) _byAddress.Clear();
            _byAddress[address] = _byAddress.TryGetValue(address, out var f) && now - f.Since < Period ? (f.Failures + 1, f.Since) : (1, now);
        }
    }
}
