using System.Globalization;
using Microsoft.AspNetCore.Http;

namespace Vigil.Server;

/// <summary>
/// The time window of a dashboard query (docs/dashboard.md, <c>/series</c>): <c>window</c> one of 1h, 24h, 7d, 30d
/// (24h by default) ending now, or <c>from</c>/<c>to</c> in ISO-8601 (UTC, or with an offset; <c>to</c> defaults to now,
/// <c>from</c> to 24 h before <c>to</c>), and the bucket <c>resolution</c> (minute, hour or day; by default minute up to
/// 6 h, hour up to 14 days, else day). Rows belong to the window when <c>from &lt; ts &lt;= to</c>.
/// </summary>
internal sealed record TimeWindow(DateTime From, DateTime To, string Resolution)
{
    /// <summary>The named windows and their lengths.</summary>
    public static readonly IReadOnlyDictionary<string, TimeSpan> Named = new Dictionary<string, TimeSpan>(StringComparer.Ordinal)
    {
        ["1h"] = TimeSpan.FromHours(1),
        ["24h"] = TimeSpan.FromHours(24),
        ["7d"] = TimeSpan.FromDays(7),
        ["30d"] = TimeSpan.FromDays(30),
    };

    /// <summary>The most buckets a window may be cut into.</summary>
    public const int MaxBuckets = 2000;

    /// <summary>The window's length.</summary>
    public TimeSpan Length => To - From;

    /// <summary>The length of one bucket of <see cref="Resolution"/>.</summary>
    public TimeSpan Bucket => BucketOf(Resolution);

    /// <summary>The start of the first bucket: the one holding <see cref="From"/>.</summary>
    public DateTime FirstBucket => Floor(From, Resolution);

    /// <summary>The start of the last bucket: the one holding <see cref="To"/> (a row at <c>to</c> belongs to the window).</summary>
    public DateTime LastBucket => Floor(To, Resolution);

    /// <summary>Buckets of <see cref="Resolution"/> from the one holding <see cref="From"/> to the one holding <see cref="To"/>.</summary>
    public long Buckets => (LastBucket - FirstBucket).Ticks / Bucket.Ticks + 1;

    /// <summary>The start of the bucket of <paramref name="resolution"/> holding <paramref name="t"/> (UTC).</summary>
    public static DateTime Floor(DateTime t, string resolution)
    {
        var step = BucketOf(resolution).Ticks;
        return new DateTime(t.Ticks - t.Ticks % step, DateTimeKind.Utc);
    }

    private static TimeSpan BucketOf(string resolution) => resolution switch
    {
        "minute" => TimeSpan.FromMinutes(1),
        "hour" => TimeSpan.FromHours(1),
        _ => TimeSpan.FromDays(1),
    };

    /// <summary>The resolution a window of this length gets when the query names none.</summary>
    public static string DefaultResolution(TimeSpan length) =>
        length <= TimeSpan.FromHours(6) ? "minute" : length <= TimeSpan.FromDays(14) ? "hour" : "day";

    /// <summary>The window of the query's <c>window</c>, <c>from</c>, <c>to</c> and <c>resolution</c>, or a one-line error
    /// saying what is allowed (answered with 400).</summary>
    public static (TimeWindow? Window, string? Error) Parse(IQueryCollection query, DateTime now)
    {
        ArgumentNullException.ThrowIfNull(query);
        now = DateTime.SpecifyKind(now, DateTimeKind.Utc);
        string? One(string name) => query.TryGetValue(name, out var v) && v.Count > 0 && !string.IsNullOrWhiteSpace(v[^1]) ? v[^1]!.Trim() : null;
        var (named, fromText, toText, resolution) = (One("window"), One("from"), One("to"), One("resolution"));

        DateTime from, to;
        if (named is not null)
        {
            if (fromText is not null || toText is not null)
                return (null, "window: give either window (1h, 24h, 7d, 30d) or from/to, not both");
            if (!Named.TryGetValue(named, out var length))
                return (null, $"window: '{named}' is not a window; expected 1h, 24h, 7d or 30d (or from/to in ISO-8601 UTC)");
            (from, to) = (now - length, now);
        }
        else
        {
            to = now;
            if (toText is not null && !TryTime(toText, out to)) return (null, NotATime("to", toText));
            from = to - Named["24h"];
            if (fromText is not null && !TryTime(fromText, out from)) return (null, NotATime("from", fromText));
            if (to < from)
                return (null, $"to: {Format(to)} is before from ({Format(from)}); a window ends after it starts");
        }

        if (resolution is not null && resolution is not ("minute" or "hour" or "day"))
            return (null, $"resolution: '{resolution}' is not a resolution; expected minute, hour or day");
        var window = new TimeWindow(from, to, resolution ?? DefaultResolution(to - from));
        if (window.Buckets > MaxBuckets)
            return (null, $"resolution: {window.Buckets:N0} {window.Resolution} buckets is more than {MaxBuckets:N0}; choose a coarser resolution or a shorter window");
        return (window, null);
    }

    private static string NotATime(string name, string text) =>
        $"{name}: '{text}' is not a time; expected ISO-8601 UTC, e.g. 2026-12-02T16:00:00Z";

    private static bool TryTime(string text, out DateTime at)
    {
        // A bare number would parse as a year or a time of day; a window's ends are dates.
        if (text.Length < 10 || !char.IsAsciiDigit(text[0])) { at = default; return false; }
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out at)) return false;
        at = DateTime.SpecifyKind(at, DateTimeKind.Utc);
        return true;
    }

    internal static string Format(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
