using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;
using Vigil.Server.Tests.Monitors;

namespace Vigil.Server.Tests;

/// <summary>The fleet dashboard's JSON on a DuckDB store: /v1/fleet's statuses and order, /series' validation and shape,
/// and /drift/{feature}'s PSI against an independent computation.</summary>
public sealed class FleetEndpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-fleet-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static StringContent Body(string json) => new(json, Encoding.UTF8, "application/json");

    private static async Task<JsonElement> Get(HttpClient http, string path, HttpStatusCode status = HttpStatusCode.OK)
    {
        using var resp = await http.GetAsync(path);
        var text = await resp.Content.ReadAsStringAsync();
        Assert.True(resp.StatusCode == status, $"{path}: {(int)resp.StatusCode} {text}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    private static string Batch(string prefix, int n, DateTime at, Func<int, double> amount, int seed = 1)
    {
        var rng = new Random(seed);
        return "[" + string.Join(",", Enumerable.Range(0, n).Select(i =>
        {
            var label = rng.NextDouble() < 0.4 ? 1 : 0;
            return string.Create(CultureInfo.InvariantCulture,
                $"{{\"id\": \"{prefix}{i}\", \"timestamp\": \"{at.AddSeconds(-i % 600):yyyy-MM-ddTHH:mm:ssZ}\", \"version\": \"v{1 + i % 2}\", \"score\": {Math.Clamp(0.35 * label + rng.NextDouble() * 0.65, 0, 1):F4}, \"label\": {label}, \"latency_ms\": {1 + i % 50}, \"features\": {{\"amount\": {amount(i):F3}}}}}");
        })) + "]";
    }

    [Fact]
    public async Task Fleet_StatusesAndOrder_Series_AndDrift()
    {
        var reference = Path.Combine(_dir, "reference.csv");
        var refValues = Enumerable.Range(0, 1000).Select(i => (i * 37 % 1000) / 10.0).ToArray();
        File.WriteAllLines(reference, new[] { "amount" }.Concat(refValues.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        string Model(string name, string extra = "") => $"""
              {name}:
                task: binary
                team: risk
                reference: {reference}
                schema:
                  features:
                    amount: number
            {extra}
            """;
        const string volume = """
                monitors:
                  - name: vol
                    metric: volume
                    window: 1h
                    every: 1h
                    severity: SEV
                    threshold:
                      min: 1000000
            """;
        var config = ServiceConfigLoader.Parse($"""
            store: {Path.Combine(_dir, "store.duckdb")}
            keys:
              - key: admin-key-0001
                scopes: [admin]
            models:
            {Model("zcrit", volume.Replace("SEV", "P1", StringComparison.Ordinal))}
            {Model("bwarn", volume.Replace("SEV", "P3", StringComparison.Ordinal))}
            {Model("astale")}
            {Model("empty")}
            {Model("okb")}
            {Model("oka")}
            """, "vigil.yaml", ".");
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        using var http = RunningServer.AdminClient(server);
        var now = DateTime.UtcNow;
        foreach (var (name, at) in new[] { ("zcrit", now), ("bwarn", now), ("astale", now.AddHours(-2)), ("okb", now), ("oka", now) })
        {
            // oka drifts: its amounts all sit above the reference's range.
            Func<int, double> amount = name == "oka" ? i => 150 + i % 7 : i => (i * 13 % 1000) / 10.0;
            var resp = await http.PostAsync($"/v1/models/{name}/predictions", Body(Batch(name, 600, at, amount)));
            Assert.True(resp.StatusCode == HttpStatusCode.Accepted, await resp.Content.ReadAsStringAsync());
        }
        await RunningServer.FirstRound(server, config.Model("zcrit")!);
        foreach (var m in config.Models)
            foreach (var mon in m.Monitors) server.Monitors.RunOnce(m, mon, DateTime.UtcNow);

        var fleet = await Get(http, "/v1/fleet");
        var models = fleet.GetProperty("models").EnumerateArray().ToList();
        Assert.Equal(["zcrit", "bwarn", "astale", "empty", "oka", "okb"], models.Select(m => m.GetProperty("name").GetString()));
        Assert.Equal(["critical", "warning", "no_data", "no_data", "ok", "ok"], models.Select(m => m.GetProperty("status").GetString()));
        Assert.StartsWith("P1 vol firing since", models[0].GetProperty("reason").GetString(), StringComparison.Ordinal);
        var counts = fleet.GetProperty("counts");
        Assert.Equal((1, 1, 2, 2), (counts.GetProperty("critical").GetInt32(), counts.GetProperty("warning").GetInt32(), counts.GetProperty("no_data").GetInt32(), counts.GetProperty("ok").GetInt32()));
        Assert.Equal(24, fleet.GetProperty("hours").GetArrayLength());
        var okb = models[5];
        Assert.Equal(600, okb.GetProperty("volume_24h").GetInt64());
        Assert.Equal(600, okb.GetProperty("volume").EnumerateArray().Sum(v => v.GetInt64()));
        Assert.Equal("roc_auc", okb.GetProperty("key_metric").GetProperty("name").GetString());
        Assert.Equal("realized", okb.GetProperty("key_metric").GetProperty("source").GetString());
        Assert.InRange(okb.GetProperty("key_metric").GetProperty("value").GetDouble(), 0.6, 1);
        Assert.Equal(0, okb.GetProperty("drift").GetProperty("drifted").GetInt32());
        Assert.Equal(1, models[4].GetProperty("drift").GetProperty("drifted").GetInt32());
        Assert.Equal(1.0, models[4].GetProperty("drift").GetProperty("share").GetDouble());
        Assert.Equal(JsonValueKind.Null, models[3].GetProperty("last_prediction").ValueKind);
        Assert.Single(models[0].GetProperty("incidents").EnumerateArray());

        // /series: a week by hour; the validation errors are one line each.
        var series = await Get(http, "/v1/models/okb/series?window=7d");
        Assert.Equal("hour", series.GetProperty("resolution").GetString());
        Assert.Equal(["v1", "v2"], series.GetProperty("versions").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal(600, series.GetProperty("volume").EnumerateObject().Sum(v => v.Value.EnumerateArray().Sum(x => x.GetInt64())));
        Assert.Equal(series.GetProperty("buckets").GetArrayLength(), series.GetProperty("latency_p99_ms").GetArrayLength());
        Assert.Equal(21, series.GetProperty("score_histogram").GetProperty("edges").GetArrayLength());
        Assert.Equal(300, series.GetProperty("score_histogram").GetProperty("counts").GetProperty("v1").EnumerateArray().Sum(x => x.GetInt64()));
        var minute = await Get(http, "/v1/models/okb/series?window=1h");
        Assert.Equal("minute", minute.GetProperty("resolution").GetString());
        var crit = await Get(http, "/v1/models/zcrit/series?window=24h");
        Assert.NotEmpty(crit.GetProperty("readings").GetProperty("vol").EnumerateArray());
        Assert.Single(crit.GetProperty("alerts").EnumerateArray());
        Assert.Equal(1000000, crit.GetProperty("thresholds")[0].GetProperty("min").GetDouble());
        var empty = await Get(http, "/v1/models/empty/series");
        Assert.Equal(0, empty.GetProperty("buckets").GetArrayLength());
        foreach (var (query, says) in new[]
                 {
                     ("window=2h", "window: '2h' is not allowed"), ("window=7d&resolution=minute", "at most 2,000"), ("from=yesterday", "from: 'yesterday' is not a time"),
                     ("from=2026-12-02T10:00:00Z&to=2026-12-01T10:00:00Z", "is before from"), ("resolution=week", "resolution: 'week' is not allowed"),
                 })
        {
            var error = (await Get(http, "/v1/models/okb/series?" + query, HttpStatusCode.BadRequest)).GetProperty("error").GetString()!;
            Assert.Contains(says, error, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error);
        }
        await Get(http, "/v1/models/nope/series", HttpStatusCode.NotFound);

        // /drift/{feature}: PSI on the reference's deciles, computed here from the two samples.
        var drift = await Get(http, "/v1/models/oka/drift/amount");
        var current = Enumerable.Range(0, 600).Select(i => (double)(150 + i % 7)).ToArray();
        var expected = Psi(refValues, current);
        Assert.Equal(expected, drift.GetProperty("value").GetDouble(), 1e-9);
        Assert.True(drift.GetProperty("drifted").GetBoolean());
        Assert.Equal(600, drift.GetProperty("rows").GetInt64());
        var calm = await Get(http, "/v1/models/okb/drift/amount");
        Assert.Equal(Psi(refValues, Enumerable.Range(0, 600).Select(i => (i * 13 % 1000) / 10.0).ToArray()), calm.GetProperty("value").GetDouble(), 1e-9);
        await Get(http, "/v1/models/okb/drift/nothing", HttpStatusCode.NotFound);
        using var unauthenticated = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await unauthenticated.GetAsync("/v1/fleet")).StatusCode);
    }

    /// <summary>PSI with bins cut at the reference's deciles (lower nearest rank, distinct), the outer bins open, empty
    /// shares filled as Evidently fills them.</summary>
    private static double Psi(double[] reference, double[] current)
    {
        var sorted = reference.OrderBy(x => x).ToArray();
        var cuts = Enumerable.Range(1, 9).Select(d => sorted[(int)Math.Ceiling(sorted.Length * d / 10.0) - 1]).Distinct().ToArray();
        double[] Shares(double[] xs)
        {
            var s = new double[cuts.Length + 1];
            foreach (var x in xs) s[cuts.Count(c => c <= x)] += 1.0 / xs.Length;
            var min = s.Where(v => v > 0).Min();
            var fill = min <= 0.0001 ? min / 1e6 : 0.0001;
            return s.Select(v => v == 0 ? fill : v).ToArray();
        }
        var (r, c) = (Shares(reference), Shares(current));
        return r.Select((x, i) => (x - c[i]) * Math.Log(x / c[i])).Sum();
    }
}
