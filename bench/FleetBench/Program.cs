// The fleet pages at scale: MODELS binary models and ROWS predictions spread over the last 7 days, written straight
// into a DuckDB store with SQL, their rollups built as a restart builds them, then the server's answer times for
// GET /v1/fleet and a model's week (/series?window=7d), idle and while bench/IngestLoad feeds a further model at full
// load, and DuckDB's bare scan of the raw tables (the floor a page without rollups would pay). Prints JSON.
//   Vigil.Bench DIR ROWS MODELS INGESTLOAD_EXE [LOAD_SECONDS=30] [LOAD_CLIENTS=4]
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Vigil.Engine.DuckDb;
using Vigil.Monitoring.Config;
using Vigil.Server;
using Vigil.Server.Store;

var dir = args[0];
var rows = long.Parse(args[1], CultureInfo.InvariantCulture);
var models = int.Parse(args[2], CultureInfo.InvariantCulture);
var loadExe = args[3];
var loadSeconds = args.Length > 4 ? args[4] : "30";
var loadClients = args.Length > 5 ? args[5] : "4";
var result = new Dictionary<string, object?> { ["rows"] = rows, ["models"] = models };
void Log(string line) => Console.Error.WriteLine($"{DateTime.UtcNow:HH:mm:ss} {line}");

Directory.CreateDirectory(dir);
var reference = Path.Combine(dir, "reference.csv");
var rng = new Random(1);
File.WriteAllLines(reference, new[] { "amount,tenure,country,channel" }.Concat(Enumerable.Range(0, 5000).Select(_ => string.Create(CultureInfo.InvariantCulture,
    $"{Math.Round(rng.NextDouble() * 100, 2)},{rng.Next(0, 120)},{"DE FR US ES IT".Split(' ')[rng.Next(5)]},{"web app store".Split(' ')[rng.Next(3)]}"))));
var yaml = new System.Text.StringBuilder($"store: {Path.Combine(dir, "vigil.duckdb")}\nkeys:\n  - key: bench-key-0001\n    scopes: [admin]\nmodels:\n");
for (var m = 0; m < models; m++)
    yaml.Append(CultureInfo.InvariantCulture, $"  m{m:D3}:\n    task: binary\n    team: team{m % 7}\n    reference: {reference}\n    schema:\n      features: {{amount: number, tenure: number, country: category, channel: category}}\n");
yaml.Append("  load:\n    task: binary\n    schema:\n      features:\n");
for (var f = 0; f < 20; f++) yaml.Append(CultureInfo.InvariantCulture, $"        f{f}: number\n");
var configPath = Path.Combine(dir, "vigil.yaml");
File.WriteAllText(configPath, yaml.ToString());
var config = ServiceConfigLoader.Load(configPath);

// 1. The tables, made by the store itself (and their empty rollups).
using (PredictionStore.Open(config)) { }

// 2. The predictions, generated in the engine: ROWS / MODELS per model over the last 7 days, three in ten labelled.
var now = DateTime.UtcNow;
var perModel = rows / models;
var clock = Stopwatch.StartNew();
using (var engine = new DuckDbEngine(new DuckDbOptions { Path = Path.Combine(dir, "vigil.duckdb") }))
{
    for (var m = 0; m < models; m++)
    {
        var drift = m % 10 == 0 ? 40 : 0; // every tenth model drifts on amount
        engine.Execute(string.Create(CultureInfo.InvariantCulture, $"""
            INSERT INTO predictions_m{m:D3} (id, ts, version, score, prediction, label, label_ts, latency_ms, error, received, f_amount, f_tenure, f_country, f_channel)
            SELECT 'p' || i, TIMESTAMP '{now:yyyy-MM-dd HH:mm:ss}' - to_microseconds(CAST(i * (604800000000.0 / {perModel}) AS BIGINT)),
                   CASE WHEN i % 3 = 0 THEN 'v2' ELSE 'v1' END, s, NULL,
                   CASE WHEN i % 10 < 3 THEN CASE WHEN random() < s THEN 1.0 ELSE 0.0 END END, NULL,
                   round(exp(random() * 5), 2), random() < 0.002, TIMESTAMP '{now:yyyy-MM-dd HH:mm:ss}',
                   round(random() * 100 + {drift}, 2), floor(random() * 120), ['DE','FR','US','ES','IT'][1 + CAST(floor(random() * 5) AS INT)], ['web','app','store'][1 + CAST(floor(random() * 3) AS INT)]
            FROM (SELECT range AS i, random() AS s FROM range({perModel}))
            """));
        if (m % 10 == 9) Log($"generated {(m + 1) * perModel:N0} rows");
    }
    result["generate_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
    // The floor: DuckDB's bare scan of every raw table (count, mean score, p99 latency over the last 24 h per model).
    var scans = new List<double>();
    for (var k = 0; k < 3; k++)
    {
        clock.Restart();
        for (var m = 0; m < models; m++)
            engine.Query($"SELECT count(*), avg(score), quantile_cont(latency_ms, 0.99) FROM predictions_m{m:D3} WHERE ts > TIMESTAMP '{now.AddDays(-1):yyyy-MM-dd HH:mm:ss}'");
        scans.Add(clock.Elapsed.TotalMilliseconds);
    }
    result["bare_scan_24h_ms"] = Math.Round(scans.Order().ElementAt(1), 1);
    scans.Clear();
    for (var k = 0; k < 3; k++)
    {
        clock.Restart();
        for (var m = 0; m < models; m++) engine.Query($"SELECT count(*), avg(score), avg(latency_ms) FROM predictions_m{m:D3}");
        scans.Add(clock.Elapsed.TotalMilliseconds);
    }
    result["bare_scan_all_ms"] = Math.Round(scans.Order().ElementAt(1), 1);
    // The rollups are rebuilt by the next open, as after a restart onto tables without them.
    engine.Execute("DELETE FROM vigil_rollup_state; DELETE FROM vigil_rollup_minute; DELETE FROM vigil_rollup_hour; CHECKPOINT");
}

// 3. Rebuild (the store's open does it), then serve.
clock.Restart();
await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
result["rollup_build_seconds"] = Math.Round(clock.Elapsed.TotalSeconds, 1);
Log($"rollups built in {clock.Elapsed.TotalSeconds:F1} s");
await server.StartAsync();
var url = server.Addresses[0];
using var http = new HttpClient { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "bench-key-0001");

async Task<(double Median, double P95, double Max, int N)> Time(string path, int n, TimeSpan? forAtLeast = null)
{
    var ms = new List<double>();
    var until = DateTime.UtcNow + (forAtLeast ?? TimeSpan.Zero);
    while (ms.Count < n || DateTime.UtcNow < until)
    {
        var sw = Stopwatch.StartNew();
        using var resp = await http.GetAsync(path);
        var body = await resp.Content.ReadAsByteArrayAsync();
        sw.Stop();
        if (!resp.IsSuccessStatusCode) throw new InvalidOperationException($"{path}: {(int)resp.StatusCode} {System.Text.Encoding.UTF8.GetString(body)}");
        ms.Add(sw.Elapsed.TotalMilliseconds);
    }
    var sorted = ms.Order().ToList();
    return (Math.Round(sorted[sorted.Count / 2], 1), Math.Round(sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(0.95 * sorted.Count) - 1)], 1), Math.Round(sorted[^1], 1), sorted.Count);
}
object View((double Median, double P95, double Max, int N) t) => new Dictionary<string, object> { ["median_ms"] = t.Median, ["p95_ms"] = t.P95, ["max_ms"] = t.Max, ["requests"] = t.N };

await Time("/v1/fleet", 2); // warm-up
result["fleet"] = View(await Time("/v1/fleet", 20));
result["series_7d"] = View(await Time("/v1/models/m001/series?window=7d", 20));
result["series_24h_minute"] = View(await Time("/v1/models/m001/series?window=24h&resolution=minute", 20));
result["drift_cell_24h"] = View(await Time("/v1/models/m000/drift/amount", 20));
using (var fleetDoc = JsonDocument.Parse(await http.GetStringAsync("/v1/fleet")))
{
    var first = fleetDoc.RootElement.GetProperty("models")[0];
    result["fleet_bytes"] = (await http.GetByteArrayAsync("/v1/fleet")).Length;
    result["sample"] = new Dictionary<string, object?>
    {
        ["counts"] = fleetDoc.RootElement.GetProperty("counts").ToString(),
        ["drifting_models"] = fleetDoc.RootElement.GetProperty("models").EnumerateArray().Count(x => x.GetProperty("drift").ValueKind == JsonValueKind.Object && x.GetProperty("drift").GetProperty("drifted").GetInt32() > 0),
        ["volume_24h_m001"] = fleetDoc.RootElement.GetProperty("models").EnumerateArray().First(x => x.GetProperty("name").GetString() == "m001").GetProperty("volume_24h").GetInt64(),
    };
}

// 4. The fleet page while the ingest load generator runs at full load on the model "load".
var load = Process.Start(new ProcessStartInfo(loadExe) { ArgumentList = { url, "bench-key-0001", "load", loadSeconds, loadClients }, RedirectStandardOutput = true })!;
await Task.Delay(3000);
var underLoad = await Time("/v1/fleet", 20, TimeSpan.FromSeconds(double.Parse(loadSeconds, CultureInfo.InvariantCulture) - 8));
result["fleet_under_ingest"] = View(underLoad);
var loadResult = await load.StandardOutput.ReadToEndAsync();
await load.WaitForExitAsync();
using (var doc = JsonDocument.Parse(loadResult))
    result["ingest"] = new Dictionary<string, object> { ["predictions_per_second"] = doc.RootElement.GetProperty("predictions_per_second").GetDouble(), ["batch_p99_ms"] = doc.RootElement.GetProperty("latency_ms_p99").GetDouble(), ["failed"] = doc.RootElement.GetProperty("failed_batches").GetInt64() };
result["loadavg"] = File.ReadAllText("/proc/loadavg").Trim();
result["store_mb"] = new FileInfo(Path.Combine(dir, "vigil.duckdb")).Length / (1024 * 1024);
Console.WriteLine(JsonSerializer.Serialize(result, new JsonSerializerOptions { WriteIndented = true }));
