using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Access;

/// <summary>The session table: ids, sliding and absolute expiry, the cap.</summary>
public sealed class WebSessionsTests
{
    private static readonly DateTime T0 = new(2026, 12, 2, 8, 0, 0, DateTimeKind.Utc);
    private static readonly ApiKey Key = new("viewer", "read-key-0001", new HashSet<Scope> { Scope.Read });

    [Fact]
    public void Sessions_SlideOnUse_AndExpireWhenIdleOrOld()
    {
        var sessions = new WebSessions();
        var (id, s) = sessions.Create(Key, T0);
        Assert.NotEqual(id, s.Csrf);
        Assert.Same(s, sessions.Find(id, T0.AddHours(11)));
        Assert.Same(s, sessions.Find(id, T0.AddHours(22))); // 11 h after the last use
        Assert.Null(sessions.Find(id, T0.AddHours(34.1)));  // 12.1 h idle
        Assert.Equal(0, sessions.Count);

        (id, _) = sessions.Create(Key, T0);
        for (var h = 10; h < 7 * 24; h += 10) Assert.NotNull(sessions.Find(id, T0.AddHours(h)));
        Assert.Null(sessions.Find(id, T0.AddDays(7).AddHours(1))); // used all along, but older than 7 days
        Assert.Null(sessions.Find(null, T0));
        Assert.Null(sessions.Find("", T0));
        Assert.Null(sessions.Find(new string('a', 500), T0));
    }

    [Fact]
    public void IdsAndTokens_AreRandomAndDistinct()
    {
        var sessions = new WebSessions();
        var made = Enumerable.Range(0, 50).Select(_ => sessions.Create(Key, T0)).ToList();
        Assert.Equal(100, made.SelectMany(m => new[] { m.Id, m.Session.Csrf }).Distinct().Count());
        Assert.All(made, m => Assert.Equal(43, m.Id.Length));
    }

    [Fact]
    public void Drop_EndsOnlyThatSession()
    {
        var sessions = new WebSessions();
        var (a, _) = sessions.Create(Key, T0);
        var (b, _) = sessions.Create(Key, T0);
        sessions.Drop(a);
        Assert.Null(sessions.Find(a, T0));
        Assert.NotNull(sessions.Find(b, T0));
    }

    [Fact]
    public void TheCap_DropsExpiredFirst_ThenTheLongestIdle()
    {
        var sessions = new WebSessions(capacity: 3);
        var (old, _) = sessions.Create(Key, T0);
        var (a, _) = sessions.Create(Key, T0.AddHours(1));
        var (b, _) = sessions.Create(Key, T0.AddHours(2));
        var (c, _) = sessions.Create(Key, T0.AddHours(13)); // old is expired by now: it goes
        Assert.Equal(3, sessions.Count);
        Assert.Null(sessions.Find(old, T0.AddHours(13)));
        Assert.NotNull(sessions.Find(a, T0.AddHours(13))); // a used now: b is the longest idle
        var (d, _) = sessions.Create(Key, T0.AddHours(13));
        Assert.Equal(3, sessions.Count);
        Assert.Null(sessions.Find(b, T0.AddHours(13)));
        Assert.NotNull(sessions.Find(c, T0.AddHours(13)));
        Assert.NotNull(sessions.Find(d, T0.AddHours(13)));
    }

    [Fact]
    public void LoginThrottle_BlocksAnAddress_AfterTwentyFailuresInAMinute()
    {
        var throttle = new LoginThrottle();
        for (var i = 0; i < LoginThrottle.MaxFailures - 1; i++) throttle.Fail("10.0.0.1", T0.AddSeconds(i));
        Assert.False(throttle.Blocked("10.0.0.1", T0.AddSeconds(30)));
        throttle.Fail("10.0.0.1", T0.AddSeconds(30));
        Assert.True(throttle.Blocked("10.0.0.1", T0.AddSeconds(31)));
        Assert.False(throttle.Blocked("10.0.0.2", T0.AddSeconds(31)));
        Assert.False(throttle.Blocked("10.0.0.1", T0.AddSeconds(61))); // the minute is over
        throttle.Fail("10.0.0.1", T0.AddSeconds(61));
        Assert.False(throttle.Blocked("10.0.0.1", T0.AddSeconds(62)));
    }

    [Theory]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("/", "/")]
    [InlineData("/models/fraud?window=7d", "/models/fraud?window=7d")]
    [InlineData("/incidents/3#timeline", "/incidents/3#timeline")]
    [InlineData("models/fraud", "/")]
    [InlineData("https://evil.example", "/")]
    [InlineData("//evil.example", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("/a b", "/")]
    [InlineData("/a\tb", "/")]
    public void LocalPath_KeepsOnlyPathsOnThisServer(string? next, string expected) => Assert.Equal(expected, VigilServer.LocalPath(next));
}
