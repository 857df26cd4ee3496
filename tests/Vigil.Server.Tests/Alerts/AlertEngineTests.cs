using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Alerts;

/// <summary>The alert state machine: pending, firing after <c>for</c>, resolving, one alert per (model, monitor), and no
/// second notification within the cooldown; and the thresholds it is fed.</summary>
public sealed class AlertEngineTests
{
    private static readonly DateTime T0 = new(2026, 11, 23, 10, 0, 0, DateTimeKind.Utc);

    private static MonitorConfig Monitor(TimeSpan? forTime = null, TimeSpan? cooldown = null) => new()
    {
        Name = "auc", Metric = MetricRef.Performance("roc_auc"), Min = 0.8, Severity = "P1", For = forTime ?? TimeSpan.Zero, Cooldown = cooldown ?? TimeSpan.FromMinutes(30),
    };

    [Fact]
    public void FiresAfterFor_ResolvesWhenClear()
    {
        var engine = new AlertEngine();
        var m = Monitor(forTime: TimeSpan.FromMinutes(2));
        Assert.Empty(engine.Observe("fraud", m, 0.7, true, "min 0.8", T0));
        Assert.Equal(AlertState.Pending, Assert.Single(engine.Active).State);
        Assert.Empty(engine.Observe("fraud", m, 0.7, true, "min 0.8", T0.AddMinutes(1)));
        var fired = Assert.Single(engine.Observe("fraud", m, 0.65, true, "min 0.8", T0.AddMinutes(2)));
        Assert.Equal("firing", fired.Kind);
        Assert.Equal((AlertState.Firing, 0.65, T0), (fired.Alert.State, fired.Alert.Value, fired.Alert.Since));
        // Still breached: the same alert, no new event.
        Assert.Empty(engine.Observe("fraud", m, 0.6, true, "min 0.8", T0.AddMinutes(3)));
        Assert.Single(engine.Active);
        Assert.Empty(engine.Observe("fraud", m, null, null, "min 0.8", T0.AddMinutes(4))); // no data: nothing changes
        var resolved = Assert.Single(engine.Observe("fraud", m, 0.9, false, "min 0.8", T0.AddMinutes(5)));
        Assert.Equal("resolved", resolved.Kind);
        Assert.Equal(fired.Alert.Key, resolved.Alert.Key);
        Assert.Equal(T0.AddMinutes(5), resolved.Alert.ResolvedAt);
        Assert.Empty(engine.Active);
        Assert.Single(engine.History);
    }

    [Fact]
    public void ABreachShorterThanFor_NeverFires()
    {
        var engine = new AlertEngine();
        var m = Monitor(forTime: TimeSpan.FromMinutes(5));
        Assert.Empty(engine.Observe("fraud", m, 0.7, true, "", T0));
        Assert.Empty(engine.Observe("fraud", m, 0.9, false, "", T0.AddMinutes(1)));
        Assert.Empty(engine.Observe("fraud", m, 0.7, true, "", T0.AddMinutes(2)));
        Assert.Empty(engine.Observe("fraud", m, 0.7, true, "", T0.AddMinutes(6)));
        Assert.Single(engine.Observe("fraud", m, 0.7, true, "", T0.AddMinutes(7)));
        Assert.Empty(engine.History);
    }

    [Fact]
    public void Cooldown_KeepsARefireQuiet_ThenLetsItThrough()
    {
        var engine = new AlertEngine();
        var m = Monitor(cooldown: TimeSpan.FromMinutes(30));
        Assert.Single(engine.Observe("fraud", m, 0.7, true, "", T0));
        Assert.Single(engine.Observe("fraud", m, 0.9, false, "", T0.AddMinutes(1)));
        // Fires again within the cooldown: open and firing, but nobody is told, and its resolution is not sent either.
        Assert.Empty(engine.Observe("fraud", m, 0.7, true, "", T0.AddMinutes(10)));
        Assert.False(Assert.Single(engine.Active).Notified);
        Assert.Empty(engine.Observe("fraud", m, 0.9, false, "", T0.AddMinutes(11)));
        // After the cooldown it pages again.
        Assert.Single(engine.Observe("fraud", m, 0.7, true, "", T0.AddMinutes(31)));
        // Another monitor or model has its own alert.
        Assert.Single(engine.Observe("other", m, 0.7, true, "", T0.AddMinutes(31)));
        Assert.Equal(2, engine.Active.Count);
    }

    [Fact]
    public void AFiredAlertHeldAtP3_EscalatesWhenPerformanceMoves_AndNeverDropsBack()
    {
        var engine = new AlertEngine();
        var m = new MonitorConfig { Name = "amount-drift", Metric = MetricRef.Drift("amount"), Severity = "P1" };
        var held = new AlertContext("P3", 0.02, false);
        var moved = new AlertContext(null, 0.02, true);
        var fired = Assert.Single(engine.Observe("fraud", m, 1.5, true, "held at P3", T0, held));
        Assert.Equal(("firing", "P3", false), (fired.Kind, fired.Alert.Severity, fired.Alert.PerformanceMoved));
        Assert.Empty(engine.Observe("fraud", m, 1.5, true, "held at P3", T0.AddMinutes(1), held));
        // Performance moved: the same alert (same key) escalates to the monitor's severity, and that is sent.
        var escalated = Assert.Single(engine.Observe("fraud", m, 1.6, true, "", T0.AddMinutes(2), moved));
        Assert.Equal(("firing", "P1", true, fired.Alert.Key, T0), (escalated.Kind, escalated.Alert.Severity, escalated.Alert.PerformanceMoved, escalated.Alert.Key, escalated.Alert.FiredAt));
        Assert.Empty(engine.Observe("fraud", m, 1.6, true, "", T0.AddMinutes(3), moved));
        // Performance recovers while the drift stays: the alert stays at P1, and nothing new is sent.
        Assert.Empty(engine.Observe("fraud", m, 1.6, true, "held at P3", T0.AddMinutes(4), held));
        Assert.Equal(("P1", false), (Assert.Single(engine.Active).Severity, engine.Active[0].PerformanceMoved));
        var resolved = Assert.Single(engine.Observe("fraud", m, 0.1, false, "", T0.AddMinutes(5), held));
        Assert.Equal(("resolved", "P1"), (resolved.Kind, resolved.Alert.Severity));
    }

    [Fact]
    public void Thresholds_StaticAndRolling()
    {
        var t = new Thresholds();
        var both = new MonitorConfig { Name = "x", Metric = MetricRef.Volume, Min = 10, Max = 20 };
        Assert.Equal((false, "min 10; max 20"), t.Judge("m", both, 15, T0));
        Assert.True(t.Judge("m", both, 9, T0).Breached);
        Assert.True(t.Judge("m", both, 21, T0).Breached);
        var rolling = new MonitorConfig { Name = "r", Metric = MetricRef.Volume, Rolling = TimeSpan.FromHours(1), Sigma = 3 };
        double[] history = [100, 102, 98, 101, 99];
        for (var i = 0; i < history.Length; i++) Assert.Null(t.Judge("m", rolling, history[i], T0.AddMinutes(i)).Breached);
        var mean = history.Average();
        var sd = Math.Sqrt(history.Sum(x => (x - mean) * (x - mean)) / history.Length);
        var (ok, condition) = t.Judge("m", rolling, mean + 2.9 * sd, T0.AddMinutes(5));
        Assert.False(ok);
        Assert.Contains("mean ± 3σ", condition);
        // The value just judged joined the history; one far outside breaches.
        Assert.True(t.Judge("m", rolling, 130, T0.AddMinutes(6)).Breached);
        // Values older than the period drop out: after an hour the history is too short to judge.
        Assert.Null(t.Judge("m", rolling, 100, T0.AddHours(2)).Breached);
    }
}
