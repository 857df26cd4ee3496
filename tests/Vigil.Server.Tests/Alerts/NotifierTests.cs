using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Alerts;

namespace Vigil.Server.Tests.Alerts;

/// <summary>Notifiers against a receiver on loopback that is slow or failing: retries with backoff, one delivery in the
/// log, and for PagerDuty the same dedup_key on every attempt (so a retried trigger never pages twice).</summary>
public sealed class NotifierTests : IAsyncLifetime
{
    private WebApplication? _receiver;
    private readonly ConcurrentQueue<JsonElement> _bodies = new();
    private int _calls;
    private Func<int, Task<IResult>> _behaviour = _ => Task.FromResult(Results.Ok());
    private string _url = "";

    public async Task InitializeAsync()
    {
        var b = WebApplication.CreateSlimBuilder();
        b.WebHost.UseUrls("http://127.0.0.1:0");
        b.Logging.ClearProviders();
        _receiver = b.Build();
        _receiver.MapPost("/", async (HttpContext ctx) =>
        {
            using var doc = await JsonDocument.ParseAsync(ctx.Request.Body);
            _bodies.Enqueue(doc.RootElement.Clone());
            return await _behaviour(Interlocked.Increment(ref _calls));
        });
        await _receiver.StartAsync();
        _url = _receiver.Urls.First() + "/";
    }

    public async Task DisposeAsync()
    {
        if (_receiver is not null) await _receiver.DisposeAsync();
    }

    private ServiceConfig Config(string type) => new()
    {
        Models = [],
        Keys = [],
        Notifiers = [new NotifierConfig("n", type, _url, ["P1"], "routing-123")],
    };

    private static AlertEvent Firing(string severity = "P1") => new("firing", new Alert
    {
        Model = "fraud", Monitor = "auc", Severity = severity, State = AlertState.Firing, Since = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc),
        FiredAt = new DateTime(2026, 11, 23, 10, 5, 0, DateTimeKind.Utc), Value = 0.62, Condition = "min 0.75", Notified = true,
    });

    [Fact]
    public async Task SlowPagerDuty_IsRetried_WithTheSameDedupKey()
    {
        // The first attempt hangs past the client's timeout; the second is answered.
        _behaviour = async n =>
        {
            if (n == 1) await Task.Delay(TimeSpan.FromSeconds(3));
            return Results.Accepted();
        };
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var notifiers = new Notifiers(Config("pagerduty"), http) { FirstBackoff = TimeSpan.FromMilliseconds(50) };
        notifiers.Send(Firing(), "roc_auc fell");
        await notifiers.Drain();
        var delivery = Assert.Single(notifiers.Log);
        Assert.Equal((true, 2), (delivery.Delivered, delivery.Attempts));
        var bodies = _bodies.ToList();
        Assert.Equal(2, bodies.Count);
        Assert.All(bodies, b => Assert.Equal("trigger", b.GetProperty("event_action").GetString()));
        Assert.Single(bodies.Select(b => b.GetProperty("dedup_key").GetString()).Distinct());
        Assert.Equal("routing-123", bodies[0].GetProperty("routing_key").GetString());
        Assert.Equal("critical", bodies[0].GetProperty("payload").GetProperty("severity").GetString());
    }

    [Fact]
    public async Task ADownReceiver_IsTriedFiveTimes_ThenTheFailureIsLogged_AndAResolveCarriesTheKey()
    {
        _behaviour = _ => Task.FromResult(Results.StatusCode(503));
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var logged = new ConcurrentQueue<string>();
        var notifiers = new Notifiers(Config("pagerduty"), http, logged.Enqueue) { FirstBackoff = TimeSpan.FromMilliseconds(10) };
        notifiers.Send(Firing(), null);
        await notifiers.Drain();
        var delivery = Assert.Single(notifiers.Log);
        Assert.Equal((false, 5, "HTTP 503"), (delivery.Delivered, delivery.Attempts, delivery.Error));
        Assert.Equal(5, _bodies.Count);
        Assert.Contains(logged, l => l.Contains("could not deliver", StringComparison.Ordinal));
        // A 4xx other than 429 is not retried.
        _behaviour = _ => Task.FromResult(Results.StatusCode(400));
        _calls = 0;
        notifiers.Send(new AlertEvent("resolved", Firing().Alert), null);
        await notifiers.Drain();
        Assert.Equal(1, _calls);
        var resolve = _bodies.Last();
        Assert.Equal("resolve", resolve.GetProperty("event_action").GetString());
        Assert.Equal(Firing().Alert.Key, resolve.GetProperty("dedup_key").GetString());
    }

    [Fact]
    public async Task SeverityRouting_AndPayloads()
    {
        using var http = new HttpClient();
        var notifiers = new Notifiers(Config("slack"), http);
        notifiers.Send(Firing("P3"), null); // not routed: the notifier takes P1 only
        notifiers.Send(Firing("P1"), "detail");
        await notifiers.Drain();
        var body = Assert.Single(_bodies);
        Assert.Equal("[P1] fraud: auc is 0.62 (min 0.75); detail", body.GetProperty("text").GetString());
        var hook = Notifiers.Payload(new NotifierConfig("am", "webhook", _url, ["P1"], null), Firing(), null);
        Assert.Equal("4", hook["version"]!.GetValue<string>());
        Assert.Equal("P1", hook["alerts"]![0]!["labels"]!["severity"]!.GetValue<string>());
        Assert.Equal("2026-11-23T10:05:00.000Z", hook["alerts"]![0]!["startsAt"]!.GetValue<string>());
    }

    private static AlertEvent DriftFiring() => new("firing", new Alert
    {
        Model = "fraud", Monitor = "amount-drift", Severity = "P1", State = AlertState.Firing, Since = new DateTime(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc),
        FiredAt = new DateTime(2026, 11, 23, 10, 5, 0, DateTimeKind.Utc), Value = 0.31, Condition = "by psi", Notified = true,
        Feature = "amount", Importance = 0.25, Statistic = "psi", Threshold = 0.1, PerformanceMoved = true,
    });

    [Fact]
    public void DriftPayloads_SayWhatDrifted()
    {
        var e = DriftFiring();
        // Alertmanager webhook: feature and method as labels (routes can match them), the rest as string annotations.
        var hook = Notifiers.Payload(new NotifierConfig("am", "webhook", _url, ["P1"], null), e, null);
        var alert = hook["alerts"]![0]!;
        Assert.Equal(("amount", "psi"), (alert["labels"]!["feature"]!.GetValue<string>(), alert["labels"]!["statistic"]!.GetValue<string>()));
        Assert.Equal(("0.25", "0.1", "true"), (alert["annotations"]!["importance"]!.GetValue<string>(), alert["annotations"]!["threshold"]!.GetValue<string>(),
            alert["annotations"]!["performance_moved"]!.GetValue<string>()));
        Assert.Equal("amount", hook["commonLabels"]!["feature"]!.GetValue<string>());
        // PagerDuty: custom details, typed.
        var pd = Notifiers.Payload(new NotifierConfig("pd", "pagerduty", _url, ["P1"], "rk"), e, null);
        var details = pd["payload"]!["custom_details"]!;
        Assert.Equal(("amount", "psi", 0.25, 0.1, true), (details["feature"]!.GetValue<string>(), details["statistic"]!.GetValue<string>(),
            details["importance"]!.GetValue<double>(), details["threshold"]!.GetValue<double>(), details["performance_moved"]!.GetValue<bool>()));
        // Slack: a line in words.
        var slack = Notifiers.Payload(new NotifierConfig("s", "slack", _url, ["P1"], null), e, null);
        Assert.Equal("[P1] fraud: amount-drift is 0.31 (by psi)\nfeature amount (importance 0.25) drifted by psi (threshold 0.1); performance moved: yes",
            slack["text"]!.GetValue<string>());
        // An alert that is not about drift carries none of them.
        var plain = Notifiers.Payload(new NotifierConfig("am", "webhook", _url, ["P1"], null), Firing(), null);
        Assert.Null(plain["alerts"]![0]!["labels"]!["feature"]);
        Assert.Null(plain["alerts"]![0]!["annotations"]!["importance"]);
        Assert.DoesNotContain("\n", Notifiers.Payload(new NotifierConfig("s", "slack", _url, ["P1"], null), Firing(), null)["text"]!.GetValue<string>());
    }

    private sealed class RecordingStore : IAlertStateStore
    {
        public readonly ConcurrentQueue<NotificationRecord> Sent = new();
        public AlertStateSnapshot LoadAlertState() => AlertStateSnapshot.Empty;
        public void SaveAlertState(AlertStateChange change) { }
        public void RecordNotification(NotificationRecord notification) => Sent.Enqueue(notification);
        public IReadOnlyList<NotificationRecord> Notifications(IReadOnlyCollection<string> alertKeys) => [.. Sent.Where(n => alertKeys.Contains(n.AlertKey))];
    }

    [Fact]
    public async Task EachDelivery_IsRecordedInTheStore_OkFailedOrSilenced()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var store = new RecordingStore();
        var notifiers = new Notifiers(Config("webhook"), http) { FirstBackoff = TimeSpan.FromMilliseconds(10), Store = store };
        notifiers.Send(Firing(), null);
        await notifiers.Drain();
        _behaviour = _ => Task.FromResult(Results.StatusCode(404));
        notifiers.Send(new AlertEvent("resolved", Firing().Alert), null);
        await notifiers.Drain();
        notifiers.Silenced(Firing(), new Silence { Id = 4, Model = "fraud", StartsAt = DateTime.UtcNow, EndsAt = DateTime.UtcNow.AddHours(1), Author = "dana" });
        var sent = store.Sent.ToList();
        Assert.Equal([("firing", "ok", 1, (string?)null), ("resolved", "failed", 1, "HTTP 404"), ("firing", "silenced", 0, "silence 4")],
            sent.Select(n => (n.Event, n.Status, n.Attempts, n.Error)));
        Assert.All(sent, n => Assert.Equal((Firing().Alert.Key, "n", "webhook"), (n.AlertKey, n.Notifier, n.Type)));
        Assert.Equal(2, _bodies.Count); // the silenced one was not sent
    }
}
