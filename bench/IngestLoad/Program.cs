// Posts batches of predictions to a running `vigil serve` as fast as it takes them, from several concurrent
// clients, for a fixed time, and reports the sustained rate and the latency of each batch.
//   IngestLoad URL KEY MODEL SECONDS [CLIENTS=8] [BATCH=500] [FEATURES=20]
using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

var url = args[0].TrimEnd('/');
var key = args[1];
var model = args[2];
var seconds = double.Parse(args[3], CultureInfo.InvariantCulture);
var clients = args.Length > 4 ? int.Parse(args[4], CultureInfo.InvariantCulture) : 8;
var batchSize = args.Length > 5 ? int.Parse(args[5], CultureInfo.InvariantCulture) : 500;
var features = args.Length > 6 ? int.Parse(args[6], CultureInfo.InvariantCulture) : 20;

using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = clients * 2 }) { Timeout = TimeSpan.FromSeconds(60) };
http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
var endpoint = $"{url}/v1/models/{model}/predictions";
var latencies = new List<double>[clients];
var accepted = new long[clients];
var failures = new long[clients];
var clock = Stopwatch.StartNew();
var end = TimeSpan.FromSeconds(seconds);
var runId = DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);

byte[] Batch(int client, long batch, Random r)
{
    var buffer = new ArrayBufferWriter<byte>(batchSize * (40 + features * 24));
    using (var w = new Utf8JsonWriter(buffer))
    {
        w.WriteStartArray();
        for (var i = 0; i < batchSize; i++)
        {
            w.WriteStartObject();
            w.WriteString("id", $"{runId}-{client}-{batch}-{i}");
            w.WriteString("version", i % 2 == 0 ? "v1" : "v2");
            w.WriteNumber("score", Math.Round(r.NextDouble(), 4));
            w.WriteNumber("latency_ms", Math.Round(r.NextDouble() * 30, 2));
            w.WriteStartObject("features");
            for (var f = 0; f < features; f++) w.WriteNumber($"f{f}", Math.Round(r.NextDouble() * 100, 3));
            w.WriteEndObject();
            w.WriteEndObject();
        }
        w.WriteEndArray();
    }
    return buffer.WrittenSpan.ToArray();
}

var tasks = Enumerable.Range(0, clients).Select(c => Task.Run(async () =>
{
    var r = new Random(c);
    latencies[c] = [];
    long n = 0;
    var body = Batch(c, n, r);
    while (clock.Elapsed < end)
    {
        var sent = Stopwatch.GetTimestamp();
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        try
        {
            using var resp = await http.PostAsync(endpoint, content);
            var ms = Stopwatch.GetElapsedTime(sent).TotalMilliseconds;
            if ((int)resp.StatusCode == 202)
            {
                using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
                accepted[c] += doc.RootElement.GetProperty("accepted").GetInt64();
                latencies[c].Add(ms);
            }
            else failures[c]++;
        }
        catch (HttpRequestException)
        {
            failures[c]++;
        }
        body = Batch(c, ++n, r); // the next batch is built after this one is answered
    }
})).ToArray();
await Task.WhenAll(tasks);
var elapsed = clock.Elapsed.TotalSeconds;
var all = latencies.SelectMany(l => l).Order().ToArray();
double Q(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)Math.Ceiling(q * all.Length) - 1)];
Console.WriteLine(JsonSerializer.Serialize(new Dictionary<string, object>
{
    ["seconds"] = Math.Round(elapsed, 2),
    ["clients"] = clients,
    ["batch"] = batchSize,
    ["features"] = features,
    ["batches"] = all.Length,
    ["failed_batches"] = failures.Sum(),
    ["accepted"] = accepted.Sum(),
    ["predictions_per_second"] = Math.Round(accepted.Sum() / elapsed),
    ["latency_ms_p50"] = Math.Round(Q(0.5), 2),
    ["latency_ms_p99"] = Math.Round(Q(0.99), 2),
    ["latency_ms_max"] = Math.Round(all.Length == 0 ? double.NaN : all[^1], 2),
}));
