using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;
using Vigil.Server.Demo;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Demo;

/// <summary><c>vigil serve --demo</c>'s fleet: its config, its determinism, and a short run that ends with models in
/// every status of the fleet page.</summary>
public sealed class ServeDemoTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-demo-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void Config_IsAFleetOfSixty_OfAllThreeTasks_WithAnAdminAndAReadOnlyKey()
    {
        var demo = ServeDemo.Prepare(_dir);
        var config = demo.Config;
        Assert.Equal(60, config.Models.Count);
        Assert.Equal(config.Models.Select(m => m.Name), demo.Fleet.Select(m => m.Name));
        Assert.Equal(config.Models.Count, config.Models.Select(m => m.Name).Distinct().Count());
        Assert.Equal(config.Models.Count, config.Models.Select(m => PredictionStore.TableOf(m.Name)).Distinct().Count());
        Assert.Equal("fraud", config.Models[0].Name);
        foreach (var task in new[] { ModelTask.Binary, ModelTask.Regression, ModelTask.Multiclass })
            Assert.True(config.Models.Count(m => m.Task == task) >= 5, $"too few {task} models");
        foreach (var m in config.Models)
        {
            Assert.False(string.IsNullOrEmpty(m.Team), m.Name);
            Assert.False(string.IsNullOrEmpty(m.Owner), m.Name);
            Assert.NotEmpty(m.Tags);
            Assert.Equal(TimeSpan.FromMinutes(2), m.Freshness);
            Assert.Equal(m.Task == ModelTask.Multiclass, m.Classes.Count >= 3);
            // The reference profile is there and has every feature.
            var profile = ReferenceProfile.Load(m.Reference!);
            Assert.Equal(m.Features.Select(f => f.Name).Order(), profile.Columns.Select(c => c.Name).Order());
            Assert.True(profile.Rows > 1000);
            // Monitors fitting the task: two drift monitors, the task's quality metric (P1), latency, error rate.
            Assert.Equal(2, m.Monitors.Count(x => x.Metric.Kind == MetricKind.Drift));
            var quality = Assert.Single(m.Monitors, x => x.Metric.IsPerformance);
            Assert.Equal(m.Task switch { ModelTask.Binary => "roc_auc", ModelTask.Regression => "mae", _ => "accuracy" }, quality.Metric.Name);
            Assert.Equal("P1", quality.Severity);
            Assert.Contains(MetricRef.PerformanceNames(m.Task), n => n == quality.Metric.Name);
            Assert.All(m.Monitors.Where(x => x.Metric.Kind == MetricKind.Drift), x => Assert.Contains(m.Features, f => f.Name == x.Metric.Feature));
            // Light enough for two cores: no monitor runs more often than every 30 s.
            Assert.All(m.Monitors, x => Assert.True(x.Every >= TimeSpan.FromSeconds(30), $"{m.Name}/{x.Name} every {x.Every}"));
        }
        Assert.True(config.Models.Select(m => m.Team).Distinct().Count() >= 4);
        var admin = Assert.Single(config.Keys, k => k.Key == demo.Key);
        var read = Assert.Single(config.Keys, k => k.Key == demo.ReadKey);
        Assert.True(admin.Allows(Scope.Admin) && admin.Allows(Scope.Ingest) && admin.Allows(Scope.Read));
        Assert.True(read.Allows(Scope.Read));
        Assert.False(read.Allows(Scope.Ingest));
        Assert.False(read.Allows(Scope.Admin));
        Assert.NotEqual(demo.Key, demo.ReadKey);
        // Every fate is dealt, and the statuses add up to a story.
        foreach (var fate in Enum.GetValues<DemoFate>()) Assert.Contains(demo.Fleet, m => m.Fate == fate);
        Assert.Single(demo.Fleet, m => m.Fate == DemoFate.Flapping);
        Assert.True(demo.Fleet.Count(m => m.Expected == "ok") > demo.Fleet.Count / 2, "most models stay healthy");
        foreach (var status in new[] { "critical", "warning", "no_data" }) Assert.Contains(demo.Fleet, m => m.Expected == status);
        Assert.Equal("critical", demo.Fleet[0].Later);
    }

    [Fact]
    public void Fleet_IsDeterministicGivenTheSeed()
    {
        static string Describe(ServeDemo d) => string.Join("\n", d.Fleet.Select(m => $"{m.Name} {m.Task} {m.Fate} {m.Team} {m.Owner} {string.Join(",", m.Tags)} {m.Expected} {m.Later}"));
        var a = ServeDemo.Prepare(Path.Combine(_dir, "a"), new DemoOptions { Models = 20, Seed = 5 });
        var b = ServeDemo.Prepare(Path.Combine(_dir, "b"), new DemoOptions { Models = 20, Seed = 5 });
        var c = ServeDemo.Prepare(Path.Combine(_dir, "c"), new DemoOptions { Models = 20, Seed = 6 });
        Assert.Equal(Describe(a), Describe(b));
        Assert.NotEqual(Describe(a), Describe(c));
        Assert.Equal(20, a.Config.Models.Count);
        Assert.Throws<Vigil.Engine.VigilInputException>(() => ServeDemo.Prepare(Path.Combine(_dir, "d"), new DemoOptions { Models = 3 }));
    }

    /// <summary>A short run (three hours of history instead of a day): once the history is in and the monitors have run,
    /// every model shows the status its fate promises (the flapping one excepted), and the fleet has models in each of
    /// critical, warning, no_data and ok. The statuses are /v1/fleet's.</summary>
    [Fact]
    public async Task ShortRun_EveryModelEndsInTheStatusOfItsFate()
    {
        // Without the daily cycle the history is the same whatever the hour: with it, at some hours a drifting model's
        // window drew labels whose AUC fell under its SLO (it failed at 03:05 UTC and passed at 02:50).
        var demo = ServeDemo.Prepare(_dir, new DemoOptions { History = TimeSpan.FromHours(3), ShiftAfter = TimeSpan.FromMinutes(10), DailyCycle = false });
        await using var server = VigilServer.Create(demo.Config, "http://127.0.0.1:0");
        await server.StartAsync();
        await using (demo)
        {
            var log = new List<string>();
            demo.Start(server, line => { lock (log) log.Add(line); });
            var warm = await demo.WarmedUp.WaitAsync(TimeSpan.FromSeconds(60));
            Assert.True(warm.Predictions > 20_000, $"{warm.Predictions} predictions of history");
            using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", demo.ReadKey);
            // Every monitor has run since the history went in (the demo holds them until then).
            JsonElement models = default;
            for (var deadline = DateTime.UtcNow.AddSeconds(90); DateTime.UtcNow < deadline; await Task.Delay(500))
            {
                using var doc = JsonDocument.Parse(await http.GetStringAsync("/v1/models"));
                models = doc.RootElement.Clone();
                if (Models(models).All(m => m.GetProperty("monitors").EnumerateArray().All(x => x.GetProperty("at").ValueKind == JsonValueKind.String)))
                    break;
            }
            // The fleet page's statuses (/v1/fleet: firing alerts by severity, and freshness for no_data).
            using var fleetDoc = JsonDocument.Parse(await http.GetStringAsync("/v1/fleet"));
            var statuses = fleetDoc.RootElement.GetProperty("models").EnumerateArray()
                .ToDictionary(m => m.GetProperty("name").GetString()!, m => m.GetProperty("status").GetString()!, StringComparer.Ordinal);
            foreach (var (status, count) in new[] { "critical", "warning", "no_data", "ok" }.Select(s => (s, fleetDoc.RootElement.GetProperty("counts").GetProperty(s).GetInt32())))
                Assert.Equal(statuses.Values.Count(v => v == status), count);
            var wrong = demo.Fleet.Where(m => m.Expected is not null && statuses[m.Name] != m.Expected)
                .Select(m => $"{m.Name} ({m.Fate}, {m.Story}) is {statuses[m.Name]}, expected {m.Expected}: " +
                             string.Join("; ", Models(models).Single(x => x.GetProperty("name").GetString() == m.Name).GetProperty("monitors").EnumerateArray()
                                 .Select(x => $"{x.GetProperty("name")} {x.GetProperty("value")} {x.GetProperty("breached")}")))
                .ToList();
            Assert.True(wrong.Count == 0, string.Join("\n", wrong));
            foreach (var status in new[] { "critical", "warning", "no_data", "ok" }) Assert.Contains(status, statuses.Values);
            // The read-only key reads but cannot ingest.
            using var post = await http.PostAsync("/v1/models/fraud/predictions", new StringContent("[]"));
            Assert.Equal(HttpStatusCode.Forbidden, post.StatusCode);
        }
    }

    private static IEnumerable<JsonElement> Models(JsonElement root) =>
        (root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("models")).EnumerateArray();
}
