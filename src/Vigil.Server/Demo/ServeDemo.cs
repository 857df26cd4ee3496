using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;
using Vigil.Statistics.Drift;

namespace Vigil.Server.Demo;

/// <summary>
/// <c>vigil serve --demo</c>: a fraud model with a reference profile, monitors (drift, AUC, volume, latency) and a key
/// made up on the spot, fed by generated traffic through the service's own API: predictions every second, their labels
/// about ten seconds later. After <see cref="ShiftAfter"/> the amounts grow by half and the model loses its edge, so
/// the drift and AUC monitors fire.
/// </summary>
public sealed class ServeDemo : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task? _traffic;

    private ServeDemo(ServiceConfig config, string key, string folder)
    {
        Config = config;
        Key = key;
        Folder = folder;
    }

    public ServiceConfig Config { get; }
    public string Key { get; }
    public string Folder { get; }

    /// <summary>When the drift and the performance drop start.</summary>
    public TimeSpan ShiftAfter { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>Writes the demo's reference profile into <paramref name="folder"/> (a fresh store each time) and
    /// returns the demo, ready to feed a server built from its config.</summary>
    public static ServeDemo Prepare(string folder)
    {
        Directory.CreateDirectory(folder);
        var store = Path.Combine(folder, "vigil.duckdb");
        File.Delete(store);
        File.Delete(store + ".wal");
        var reference = Path.Combine(folder, "reference.vigil-profile");
        Reference(new Random(7)).Save(reference);
        var key = "demo-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var config = new ServiceConfig
        {
            Source = "vigil serve --demo",
            Store = store,
            Keys = [new ApiKey("demo", key, new HashSet<Scope> { Scope.Admin })],
            Models =
            [
                new ModelConfig
                {
                    Name = "fraud",
                    Task = ModelTask.Binary,
                    Reference = reference,
                    Features = [new("amount", FeatureType.Number), new("age", FeatureType.Number), new("country", FeatureType.Category)],
                    Importance = new Dictionary<string, double> { ["amount"] = 0.55, ["age"] = 0.05, ["country"] = 0.30 },
                    MinImportance = 0.1,
                    Monitors =
                    [
                        new MonitorConfig { Name = "amount-drift", Metric = MetricRef.Drift("amount"), Window = TimeSpan.FromMinutes(1), Every = TimeSpan.FromSeconds(5), Severity = "P2", For = TimeSpan.FromSeconds(15) },
                        new MonitorConfig { Name = "country-drift", Metric = MetricRef.Drift("country"), Window = TimeSpan.FromMinutes(1), Every = TimeSpan.FromSeconds(5), Severity = "P2", For = TimeSpan.FromSeconds(15) },
                        new MonitorConfig { Name = "auc", Metric = MetricRef.Performance("roc_auc"), Window = TimeSpan.FromMinutes(1), Every = TimeSpan.FromSeconds(5), Min = 0.75, Severity = "P1", For = TimeSpan.FromSeconds(10) },
                        new MonitorConfig { Name = "volume", Metric = MetricRef.Volume, Window = TimeSpan.FromSeconds(30), Every = TimeSpan.FromSeconds(5), Min = 100, Severity = "P3" },
                        new MonitorConfig { Name = "latency", Metric = MetricRef.LatencyP99, Window = TimeSpan.FromSeconds(30), Every = TimeSpan.FromSeconds(5), Max = 250, Severity = "P3" },
                    ],
                },
            ],
        };
        return new ServeDemo(config, key, folder);
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static readonly string[] Countries = ["DE", "FR", "NL", "IT", "ES"];

    /// <summary>One transaction: amount (lognormal), age, country; whether it is fraud; the model's score.</summary>
    private static (double Amount, double Age, string Country, int Fraud, double Score) Transaction(Random r, bool shifted)
    {
        var amount = Math.Round(Math.Exp(3.5 + 0.8 * Normal(r)) * (shifted ? 1.5 : 1), 2);
        var age = Math.Round(Math.Clamp(40 + 12 * Normal(r), 18, 90));
        var country = Countries[Math.Min(Countries.Length - 1, (int)Math.Floor(Math.Pow(r.NextDouble(), 1.6) * Countries.Length))];
        var risk = -3 + 0.02 * (amount - 40) + (country == "NL" ? 0.8 : 0);
        var fraud = r.NextDouble() < 1 / (1 + Math.Exp(-risk)) ? 1 : 0;
        // The model sees the signal; after the shift it has lost most of its edge.
        var signal = fraud == 1 ? 1.6 : -0.4;
        var logit = (shifted ? 0.15 : 1.0) * signal + 0.9 * Normal(r) - 1.2;
        return (amount, age, country, fraud, Math.Round(1 / (1 + Math.Exp(-logit)), 4));
    }

    private static ReferenceProfile Reference(Random r)
    {
        var rows = Enumerable.Range(0, 20_000).Select(_ => Transaction(r, false)).ToList();
        ProfileColumn Numbers(string name, IEnumerable<double> xs) => new(name, "double", 0, NumericSummary.FromSamples(xs), null);
        var countries = rows.GroupBy(x => x.Country).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        return new ReferenceProfile(["generated training data (vigil serve --demo)"], rows.Count, NumericSummary.DefaultResolution,
            [Numbers("amount", rows.Select(x => x.Amount)), Numbers("age", rows.Select(x => x.Age)), new ProfileColumn("country", "string", 0, null, countries)],
            DateTime.UtcNow);
    }

    /// <summary>Starts feeding the server at <paramref name="baseAddress"/>.</summary>
    public void Start(Uri baseAddress, Action<string> log) => _traffic = Task.Run(() => Feed(baseAddress, log, _stop.Token));

    private async Task Feed(Uri baseAddress, Action<string> log, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var r = new Random(11);
        var start = DateTime.UtcNow;
        var pending = new Queue<(DateTime Due, string Body)>();
        var next = 0;
        var announced = false;
        while (!ct.IsCancellationRequested)
        {
            var shifted = DateTime.UtcNow - start >= ShiftAfter;
            if (shifted && !announced)
            {
                log("demo: from now on the amounts are 50% larger and the model has lost its edge; watch the drift and AUC monitors fire");
                announced = true;
            }
            var predictions = new StringBuilder("[");
            var labels = new StringBuilder("[");
            for (var i = 0; i < 200; i++, next++)
            {
                var t = Transaction(r, shifted);
                if (i > 0)
                {
                    predictions.Append(',');
                    labels.Append(',');
                }
                predictions.Append(CultureInfo.InvariantCulture,
                    $"{{\"id\": \"tx-{next}\", \"version\": \"v1\", \"score\": {t.Score}, \"latency_ms\": {Math.Round(20 + 15 * Math.Abs(Normal(r)), 1)}, \"features\": {{\"amount\": {t.Amount}, \"age\": {t.Age}, \"country\": \"{t.Country}\"}}}}");
                labels.Append(CultureInfo.InvariantCulture, $"{{\"id\": \"tx-{next}\", \"label\": {t.Fraud}}}");
            }
            try
            {
                using var resp = await http.PostAsync("/v1/models/fraud/predictions", new StringContent(predictions.Append(']').ToString(), Encoding.UTF8, "application/json"), ct).ConfigureAwait(false);
                pending.Enqueue((DateTime.UtcNow.AddSeconds(10), labels.Append(']').ToString()));
                while (pending.Count > 0 && pending.Peek().Due <= DateTime.UtcNow)
                {
                    using var l = await http.PostAsync("/v1/models/fraud/labels", new StringContent(pending.Dequeue().Body, Encoding.UTF8, "application/json"), ct).ConfigureAwait(false);
                }
                await Task.Delay(TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                log($"demo: could not post: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_traffic is not null) await _traffic.ConfigureAwait(false);
        _stop.Dispose();
    }
}
