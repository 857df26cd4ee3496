using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace Vigil.Server.Tests.Access;

/// <summary>The dashboard's window parameters (docs/dashboard.md, /series): named windows, from/to, resolution and the
/// 2,000-bucket limit.</summary>
public sealed class TimeWindowTests
{
    private static readonly DateTime Now = new(2026, 12, 2, 16, 0, 0, DateTimeKind.Utc);

    private static (TimeWindow? Window, string? Error) Parse(string query) => TimeWindow.Parse(new QueryCollection(QueryHelpers.ParseQuery(query)), Now);

    [Theory]
    [InlineData("", 24, "hour")]
    [InlineData("?window=1h", 1, "minute")]
    [InlineData("?window=24h", 24, "hour")]
    [InlineData("?window=7d", 168, "hour")]
    [InlineData("?window=30d", 720, "day")]
    [InlineData("?window=7d&resolution=day", 168, "day")]
    public void NamedWindows_EndNow_WithTheDefaultResolution(string query, int hours, string resolution)
    {
        var (w, error) = Parse(query);
        Assert.Null(error);
        Assert.Equal((Now.AddHours(-hours), Now, resolution), (w!.From, w.To, w.Resolution));
    }

    [Fact]
    public void FromTo_AreUtc_AndDefaultToTheLast24Hours()
    {
        var (w, _) = Parse("?from=2026-12-01T10:00:00Z&to=2026-12-01T16:00:00Z");
        Assert.Equal((new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 1, 16, 0, 0, DateTimeKind.Utc), "minute"), (w!.From, w.To, w.Resolution));
        Assert.Equal(361, w.Buckets); // 10:00 .. 16:00, both ends' buckets
        (w, _) = Parse("?from=2026-12-01T12:00:00%2B02:00");
        Assert.Equal((new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), Now), (w!.From, w.To));
        Assert.Equal(DateTimeKind.Utc, w.From.Kind);
        (w, _) = Parse("?to=2026-12-02T10:00:00Z");
        Assert.Equal(new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc), w!.From);
        (w, _) = Parse("?from=2026-11-01T00:00:00Z&to=2026-11-20T00:00:00Z");
        Assert.Equal("day", w!.Resolution);
        (w, _) = Parse("?from=2026-11-01T00:00:00Z&to=2026-11-10T00:00:00Z");
        Assert.Equal(("hour", 217L), (w!.Resolution, w.Buckets));
    }

    [Theory]
    [InlineData("?window=2h", "window: '2h' is not a window; expected 1h, 24h, 7d or 30d")]
    [InlineData("?window=1h&from=2026-12-01T00:00:00Z", "not both")]
    [InlineData("?from=yesterday", "from: 'yesterday' is not a time; expected ISO-8601 UTC")]
    [InlineData("?from=12", "from: '12' is not a time")]
    [InlineData("?to=2026-13-01T00:00:00Z", "to: '2026-13-01T00:00:00Z' is not a time")]
    [InlineData("?from=2026-12-02T10:00:00Z&to=2026-12-02T09:00:00Z", "to: 2026-12-02T09:00:00Z is before from (2026-12-02T10:00:00Z)")]
    [InlineData("?window=1h&resolution=second", "resolution: 'second' is not a resolution; expected minute, hour or day")]
    [InlineData("?window=7d&resolution=minute", "resolution: 10,081 minute buckets is more than 2,000")]
    [InlineData("?from=2020-01-01T00:00:00Z", "day buckets is more than 2,000")]
    public void BadWindows_SayWhatIsAllowed(string query, string expected)
    {
        var (w, error) = Parse(query);
        Assert.Null(w);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error!);
    }

    [Fact]
    public void TheBucketLimit_CountsTheBucketsHoldingFromAndTo()
    {
        // 00:00:30 .. 09:19:59 the next day: buckets 00:00 .. 09:19, 2,000 of them.
        var (w, error) = Parse("?from=2026-12-01T00:00:30Z&to=2026-12-02T09:19:59Z&resolution=minute");
        Assert.Null(error);
        Assert.Equal((new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 12, 2, 9, 19, 0, DateTimeKind.Utc), 2000L), (w!.FirstBucket, w.LastBucket, w.Buckets));
        Assert.Contains("2,001 minute buckets", Parse("?from=2026-12-01T00:00:30Z&to=2026-12-02T09:20:00Z&resolution=minute").Error, StringComparison.Ordinal);
        // from = to is allowed (the docs refuse only to before from); such a window holds no rows, as from is exclusive.
        Assert.Null(Parse("?from=2026-12-02T10:00:00Z&to=2026-12-02T10:00:00Z").Error);
        Assert.Equal(new DateTime(2026, 12, 1, 0, 0, 0, DateTimeKind.Utc), TimeWindow.Floor(new DateTime(2026, 12, 1, 23, 59, 59, DateTimeKind.Utc), "day"));
    }
}
