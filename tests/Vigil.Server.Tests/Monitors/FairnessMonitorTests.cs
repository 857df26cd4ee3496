using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Metrics;
using Vigil.Server.Monitors;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Monitors;

/// <summary>The fairness monitor on a DuckDB store: predictions logged with a <c>race</c> feature whose false positive
/// rate differs by group breach min_ratio (the note names the group and the rates, the alert has the monitor's
/// severity, /metrics and the model view show each group's rate); close rates do not, and a group far from its
/// baseline does.</summary>
public sealed class FairnessMonitorTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-fairness-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private ServiceConfig Config(string extra = "") => Config(Path.Combine(_dir, "store.duckdb"), "loans", extra);

    internal static ServiceConfig Config(string store, string model, string extra = "") => ServiceConfigLoader.Parse($$"""
        store: {{store}}
        keys:
          - key: admin-key-0001
            scopes: [admin]
        models:
          {{model}}:
            task: binary
            schema:
              features: {race: category}
            monitors:
              - name: fair-race
                type: fairness
                attribute: race
                rate: fpr
                window: 1d
                every: 1h
                min_ratio: 0.8
                reference_group: white
                severity: P2
        {{extra}}
        """);

    /// <summary>A group's labelled rows: <paramref name="negatives"/> label 0 of which <paramref name="falsePositives"/>
    /// are scored 0.8 (the rest 0.2), and <paramref name="positives"/> label 1 scored 0.8.</summary>
    internal static List<PredictionRecord> Group(string race, int negatives, int falsePositives, int positives, DateTime at, ref int id)
    {
        var rows = new List<PredictionRecord>();
        for (var i = 0; i < negatives + positives; i++)
        {
            var label = i < negatives ? 0 : 1;
            var score = i < falsePositives || label == 1 ? 0.8 : 0.2;
            rows.Add(new PredictionRecord($"p{id++}", at.AddSeconds(-i), null, score, null, (double)label, null, null, [], [race]));
        }
        return rows;
    }

    private static string Json(IEnumerable<PredictionRecord> rows) => "[" + string.Join(",", rows.Select(r => string.Create(CultureInfo.InvariantCulture,
        $"{{\"id\": \"{r.Id}\", \"timestamp\": \"{r.Timestamp:yyyy-MM-ddTHH:mm:ss.ffffffZ}\", \"score\": {r.Score!.Value:R}, \"label\": {(double)r.Label!:R}, \"features\": {{\"race\": \"{r.Texts[0]}\"}}}}"))) + "]";

    [Fact]
    public async Task FprDisparity_Breaches_WithTheGroupsInTheNote_TheAlert_AndMetrics()
    {
        var config = Config();
        var model = config.Models[0];
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        await RunningServer.FirstRound(server, model);
        using var http = RunningServer.AdminClient(server);
        var now = DateTime.UtcNow;
        var id = 0;
        var rows = Group("white", 100, 48, 100, now.AddMinutes(-10), ref id)
            .Concat(Group("black", 50, 6, 50, now.AddMinutes(-20), ref id))
            .Concat(Group("asian", 5, 1, 5, now.AddMinutes(-30), ref id)).ToList();
        var response = await http.PostAsync("/v1/models/loans/predictions", new StringContent(Json(rows), Encoding.UTF8, "application/json"));
        Assert.Equal(202, (int)response.StatusCode);

        var reading = server.Monitors.RunOnce(model, model.Monitors[0], now);
        var ratio = (6.0 / 50) / (48.0 / 100);
        Assert.True(reading.Breached, $"{reading.Value} {reading.Note}");
        Assert.Equal(ratio, reading.Value!.Value, 1e-12);
        Assert.StartsWith("race=black: fpr 0.12 vs white 0.48, ratio 0.25", reading.Note, StringComparison.Ordinal);
        Assert.Contains("not judged (fewer than 30 labelled predictions, or no rate): race=asian (10 labelled predictions)", reading.Note);
        var alert = Assert.Single(server.Monitors.Alerts.Active, a => a.Monitor == "fair-race");
        Assert.Equal((AlertState.Firing, "P2"), (alert.State, alert.Severity));

        var metrics = await http.GetStringAsync("/metrics");
        Assert.Contains($"vigil_fairness_rate{{model=\"loans\",monitor=\"fair-race\",attribute=\"race\",group=\"black\",rate=\"fpr\"}} {PrometheusText.Format(6.0 / 50)}\n", metrics);
        Assert.Contains($"vigil_fairness_rate{{model=\"loans\",monitor=\"fair-race\",attribute=\"race\",group=\"white\",rate=\"fpr\"}} {PrometheusText.Format(48.0 / 100)}\n", metrics);
        Assert.Contains($"vigil_fairness_rate{{model=\"loans\",monitor=\"fair-race\",attribute=\"race\",group=\"asian\",rate=\"fpr\"}} {PrometheusText.Format(1.0 / 5)}\n", metrics);
        Assert.Contains($"vigil_fairness_disparity{{model=\"loans\",monitor=\"fair-race\",attribute=\"race\",group=\"black\",rate=\"fpr\"}} {PrometheusText.Format(ratio)}\n", metrics);
        Assert.Contains("vigil_fairness_disparity{model=\"loans\",monitor=\"fair-race\",attribute=\"race\",group=\"white\",rate=\"fpr\"} 1\n", metrics);
        Assert.DoesNotContain("vigil_fairness_disparity{model=\"loans\",monitor=\"fair-race\",attribute=\"race\",group=\"asian\"", metrics);
        Assert.Contains("vigil_monitor_breached{model=\"loans\",monitor=\"fair-race\",severity=\"P2\"} 1\n", metrics);

        using var view = JsonDocument.Parse(await http.GetStringAsync("/v1/models/loans"));
        var fairness = view.RootElement.GetProperty("monitors").EnumerateArray().Single(m => m.GetProperty("name").GetString() == "fair-race").GetProperty("fairness");
        Assert.Equal("white", fairness.GetProperty("reference_group").GetString());
        var black = fairness.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("group").GetString() == "black");
        Assert.Equal((0.12, 100L, true), (black.GetProperty("rate").GetDouble(), black.GetProperty("rows").GetInt64(), black.GetProperty("judged").GetBoolean()));
        Assert.True(black.GetProperty("lower").GetDouble() < 0.12 && 0.12 < black.GetProperty("upper").GetDouble());
    }

    [Fact]
    public async Task ADriftWithoutAJudgedReference_StillFiresTheAlert()
    {
        // white (the reference) has 10 labelled predictions, under min_group_rows: no ratio to show, but black left its
        // baseline, and that alone is a breach the alert engine must hear of
        var config = Config("      - name: fair-drift\n        type: fairness\n        attribute: race\n        reference_group: white\n" +
                            "        baseline: {race=black: 0.30}\n        max_drift: 0.05\n        severity: P2\n");
        var model = config.Models[0];
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        await RunningServer.FirstRound(server, model);
        using var http = RunningServer.AdminClient(server);
        var now = DateTime.UtcNow;
        var id = 0;
        var rows = Group("white", 5, 2, 5, now.AddMinutes(-10), ref id).Concat(Group("black", 50, 6, 50, now.AddMinutes(-20), ref id)).ToList();
        Assert.Equal(202, (int)(await http.PostAsync("/v1/models/loans/predictions", new StringContent(Json(rows), Encoding.UTF8, "application/json"))).StatusCode);
        var reading = server.Monitors.RunOnce(model, model.Monitors[1], now);
        Assert.Null(reading.Value);
        Assert.True(reading.Breached, reading.Note);
        var alert = Assert.Single(server.Monitors.Alerts.Active, a => a.Monitor == "fair-drift");
        Assert.Equal((AlertState.Firing, "P2"), (alert.State, alert.Severity));
    }

    [Fact]
    public async Task CloseRates_AreQuiet_AndADriftFromTheBaselineBreaches()
    {
        var config = Config(DriftMonitor);
        var model = config.Models[0];
        using var store = PredictionStore.Open(config);
        await CloseRatesAndDrift(store, model);
    }

    internal const string DriftMonitor = "      - name: fair-drift\n        type: fairness\n        attribute: race\n" +
                                         "        baseline: {race=black: 0.30, race=white: 0.48}\n        max_drift: 0.05\n        severity: P3\n";

    /// <summary>White FPR 0.48, black 0.44: within min_ratio of each other, but black is 0.14 from its baseline 0.30.</summary>
    internal static async Task CloseRatesAndDrift(PredictionStore store, ModelConfig model)
    {
        var now = DateTime.UtcNow;
        var id = 0;
        var records = Group("white", 100, 48, 100, now.AddMinutes(-10), ref id).Concat(Group("black", 50, 22, 50, now.AddMinutes(-20), ref id)).ToList();
        await store.InsertAsync(model.Name, records);
        var windows = new WindowMetrics(store);

        var quiet = windows.Compute(model, model.Monitors[0], now);
        Assert.False(quiet.Drifted, quiet.Note);
        Assert.Equal((22.0 / 50) / 0.48, quiet.Value!.Value, 1e-12);
        Assert.StartsWith("worst: race=black: fpr 0.44 vs white 0.48, ratio 0.917", quiet.Note, StringComparison.Ordinal);

        // The second monitor has no reference_group: the largest group (white, 200 rows) is the reference.
        var drift = windows.Compute(model, model.Monitors[1], now);
        Assert.True(drift.Drifted, drift.Note);
        Assert.Equal("white", drift.Fairness!.Reference);
        Assert.Equal("race=black: fpr 0.44 vs baseline 0.3, drift 0.14", drift.Note);
    }
}
