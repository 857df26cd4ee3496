using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;
using Vigil.Statistics.Drift;

namespace Vigil.Server.Demo;

/// <summary>How <c>vigil serve --demo</c> builds and plays its fleet.</summary>
public sealed record DemoOptions
{
    /// <summary>Models in the fleet (at least 10); the first is the fraud model.</summary>
    public int Models { get; init; } = 60;
    /// <summary>Seeds every generator: the same seed gives the same fleet, fates and traffic.</summary>
    public int Seed { get; init; } = 42;
    /// <summary>How far back the history reaches, sent through the ingest API at start.</summary>
    public TimeSpan History { get; init; } = TimeSpan.FromHours(24);
    /// <summary>When the live events start: fraud's new version and drift, and one more model falling silent.</summary>
    public TimeSpan ShiftAfter { get; init; } = TimeSpan.FromMinutes(1);
    /// <summary>Each model's <c>freshness:</c>, after which the fleet page calls it silent.</summary>
    public TimeSpan Freshness { get; init; } = TimeSpan.FromMinutes(2);
    /// <summary>How often live traffic is sent.</summary>
    public TimeSpan Tick { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>Whether traffic follows the time of day (busier in the afternoon). Off, each model's traffic relative to
    /// the start is the same whenever the demo runs (tests: the history's realization does not depend on the hour).</summary>
    public bool DailyCycle { get; init; } = true;
}

/// <summary>
/// <c>vigil serve --demo</c>: a fleet of generated models (60 by default; the first is the fraud model) over three tasks
/// and six teams, each with a reference profile, monitors fitting its task, and a fate (<see cref="DemoModel"/>): most stay
/// healthy, some drift, some degrade after a deployment, some fall silent, one flaps, a few have latency or error
/// problems. At start it sends <see cref="DemoOptions.History"/> of predictions and labels, with their past timestamps,
/// through the service's own ingest API, then runs every monitor at once and keeps sending live traffic. After
/// <see cref="DemoOptions.ShiftAfter"/> fraud ships a version that has lost its edge while its amounts drift, and one
/// more model stops sending. Deterministic given the seed; two API keys (admin and read-only) are made up on the spot.
/// </summary>
public sealed class ServeDemo : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly DemoSim[] _sims;
    private readonly DemoOptions _options;
    private readonly TaskCompletionSource<DemoWarmUp> _warm = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Task? _traffic;

    private ServeDemo(ServiceConfig config, string adminKey, string readKey, string folder, IReadOnlyList<DemoModel> fleet, DemoSim[] sims,
        DemoOptions options, DateTime start)
    {
        Config = config;
        Key = adminKey;
        ReadKey = readKey;
        Folder = folder;
        Fleet = fleet;
        _sims = sims;
        _options = options;
        StartedAt = start;
    }

    public ServiceConfig Config { get; }

    /// <summary>The admin key (scope admin: everything).</summary>
    public string Key { get; }

    /// <summary>The read-only key (scope read).</summary>
    public string ReadKey { get; }

    public string Folder { get; }

    /// <summary>The models with their fates and the statuses they are meant to show.</summary>
    public IReadOnlyList<DemoModel> Fleet { get; }

    /// <summary>When the demo was prepared: the history ends and the live traffic begins here.</summary>
    public DateTime StartedAt { get; }

    /// <summary>When the live events start (fraud's drift and new version, one model falling silent).</summary>
    public TimeSpan ShiftAfter => _options.ShiftAfter;

    /// <summary>Completes once the history is in and every monitor has been asked to run.</summary>
    public Task<DemoWarmUp> WarmedUp => _warm.Task;

    /// <summary>Writes each model's reference profile into <paramref name="folder"/> (a fresh store each time) and
    /// returns the demo, ready to feed a server built from its config.</summary>
    public static ServeDemo Prepare(string folder, DemoOptions? options = null)
    {
        options ??= new DemoOptions();
        if (options.Models < 10) throw new VigilInputException($"--demo-models: {options.Models} is too few; the demo fleet needs at least 10 models");
        if (options.Models > 1000) throw new VigilInputException($"--demo-models: {options.Models} is too many; at most 1000");
        Directory.CreateDirectory(folder);
        var store = Path.Combine(folder, "vigil.duckdb");
        File.Delete(store);
        File.Delete(store + ".wal");
        foreach (var old in Directory.EnumerateFiles(folder, "*" + ReferenceProfile.Extension)) File.Delete(old);
        // Each model's id filter would take 150 MB at the default capacity; the demo's models hold far fewer ids.
        if (Environment.GetEnvironmentVariable("VIGIL_DEDUP_CAPACITY") is null) IdFilter.StoreCapacity = Math.Min(IdFilter.StoreCapacity, 500_000);
        var start = DateTime.UtcNow;
        var fates = DemoFleet.Fates(options.Models, options.Seed);
        var timing = new Random(options.Seed + 1);
        var liveSilent = Array.IndexOf(fates, DemoFate.Silent);
        var sims = new DemoSim[options.Models];
        var fleet = new List<DemoModel>();
        var models = new List<ModelConfig>();
        for (var i = 0; i < options.Models; i++)
        {
            var kind = DemoFleet.Kinds[i % DemoFleet.Kinds.Length];
            var name = i < DemoFleet.Kinds.Length ? kind.Stem : $"{kind.Stem}-{DemoFleet.Regions[(i / DemoFleet.Kinds.Length - 1) % DemoFleet.Regions.Length]}{(i / DemoFleet.Kinds.Length > DemoFleet.Regions.Length ? (i / DemoFleet.Kinds.Length).ToString(CultureInfo.InvariantCulture) : "")}";
            var fate = fates[i];
            var fraud = i == 0;
            var live = fraud || i == liveSilent;
            DateTime? change = fate switch
            {
                _ when live => start + options.ShiftAfter,
                DemoFate.Drifting => start - TimeSpan.FromMinutes(90 + 480 * timing.NextDouble()),
                DemoFate.Degrading => start - TimeSpan.FromMinutes(130 + 180 * timing.NextDouble()),
                DemoFate.Silent => start - TimeSpan.FromMinutes(5 + 40 * timing.NextDouble()),
                DemoFate.SlowLatency => start - TimeSpan.FromMinutes(30 + 180 * timing.NextDouble()),
                DemoFate.Errors => start - TimeSpan.FromMinutes(60 + 180 * timing.NextDouble()),
                _ => null,
            };
            var seed = options.Seed * 1000 + i;
            var origin = start - options.History;
            var sim = fraud
                ? new DemoSim(name, kind, fate, seed, origin) { ChangeAt = change, DriftFeature = 0, DriftsToo = true, LabelDelay = TimeSpan.FromSeconds(10), RatePerMinute = 60, DailyCycle = options.DailyCycle }
                : new DemoSim(name, kind, fate, seed, origin)
                {
                    ChangeAt = change,
                    DailyCycle = options.DailyCycle,
                    // Half the drifting models drift in their first number (P2), half in their category (P3).
                    DriftFeature = (fate == DemoFate.Drifting && i % 2 == 0) || fate == DemoFate.Flapping ? 0 : -1,
                };
            sims[i] = sim;
            var (numbers, levels, quality) = sim.Reference(5000, seed + 7);
            var reference = Path.Combine(folder, name + ReferenceProfile.Extension);
            new ReferenceProfile([$"generated training data of {name} (vigil serve --demo)"], levels.Length, NumericSummary.DefaultResolution,
                [.. kind.Numbers.Select((n, j) => new ProfileColumn(n, "double", 0, NumericSummary.FromSamples(numbers[j]), null)),
                 new ProfileColumn(kind.Category, "string", 0, null, levels.GroupBy(x => x).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal))],
                start).Save(reference);
            var owner = kind.Owners[(i / DemoFleet.Kinds.Length) % kind.Owners.Length];
            var tags = kind.Tags.Append(i < DemoFleet.Kinds.Length ? "eu" : DemoFleet.Regions[(i / DemoFleet.Kinds.Length - 1) % DemoFleet.Regions.Length]).ToList();
            models.Add(new ModelConfig
            {
                Name = name,
                Task = kind.Task,
                Reference = reference,
                Features = [.. kind.Numbers.Select(n => new FeatureSpec(n, FeatureType.Number)), new FeatureSpec(kind.Category, FeatureType.Category)],
                Classes = kind.Classes,
                Importance = sim.Importance,
                MinImportance = 0.1,
                Team = kind.Team,
                Owner = owner,
                Tags = tags,
                Freshness = options.Freshness,
                Monitors = Monitors(kind, quality, fraud, fate == DemoFate.Flapping),
            });
            var expected = live ? "ok" : DemoFleet.Status(fate);
            var later = fraud ? "critical" : live ? "no_data" : expected;
            fleet.Add(new DemoModel(name, kind.Task, fate, kind.Team, owner, tags, expected, later, Story(sim, kind, fate, live, fraud))
            {
                RatePerMinute = sim.RatePerMinute,
            });
        }
        var adminKey = "demo-admin-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var readKey = "demo-read-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();
        var config = new ServiceConfig
        {
            Source = "vigil serve --demo",
            Store = store,
            Keys = [new ApiKey("demo-admin", adminKey, new HashSet<Scope> { Scope.Admin }), new ApiKey("demo-read", readKey, new HashSet<Scope> { Scope.Read })],
            Models = models,
        };
        return new ServeDemo(config, adminKey, readKey, folder, fleet, sims, options, start);
    }

    private static string Story(DemoSim sim, DemoKind kind, DemoFate fate, bool live, bool fraud)
    {
        var at = sim.ChangeAt is { } c ? c.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC" : "";
        if (fraud) return $"ships {sim.NextVersion} at {at}, which has lost its edge, while '{kind.Numbers[0]}' drifts: drift, then AUC monitors fire";
        return fate switch
        {
            DemoFate.Drifting => $"'{(sim.DriftFeature < 0 ? kind.Category : kind.Numbers[sim.DriftFeature])}' drifts since {at}",
            DemoFate.Degrading => $"version {sim.NextVersion} shipped at {at} and performs worse",
            DemoFate.Silent when live => $"stops sending at {at}",
            DemoFate.Silent => $"silent since {at}",
            DemoFate.Flapping => $"'{kind.Numbers[0]}' drifts on and off every {sim.FlapHalfPeriod.TotalMinutes:0} minutes",
            DemoFate.SlowLatency => $"p99 latency above 250 ms since {at}",
            DemoFate.Errors => $"12% of predictions fail since {at}",
            _ => "healthy",
        };
    }

    /// <summary>A model's monitors: drift of its first number (P2) and of its category (P3) by PSI, its task's quality
    /// metric against the reference's value (P1), p99 latency (P2) and the error rate as an SLO (P1).</summary>
    private static List<MonitorConfig> Monitors(DemoKind kind, double quality, bool fraud, bool flapping)
    {
        var window = fraud ? TimeSpan.FromMinutes(5) : TimeSpan.FromHours(2);
        var every = fraud ? TimeSpan.FromSeconds(30) : TimeSpan.FromMinutes(1);
        var number = kind.Numbers[0];
        var list = new List<MonitorConfig>
        {
            new() { Name = $"{number.Replace('_', '-')}-drift", Metric = MetricRef.Drift(number), Method = "psi", Max = 0.2, Window = flapping ? TimeSpan.FromMinutes(15) : window, Every = every, Severity = "P2" },
            new() { Name = $"{kind.Category.Replace('_', '-')}-drift", Metric = MetricRef.Drift(kind.Category), Method = "psi", Max = 0.2, Window = window, Every = every, Severity = "P3" },
        };
        list.Add(kind.Task switch
        {
            ModelTask.Binary => new MonitorConfig { Name = "auc", Metric = MetricRef.Performance("roc_auc"), Min = Math.Round(quality - 0.1, 2), Window = window, Every = every, Severity = "P1" },
            ModelTask.Regression => new MonitorConfig { Name = "mae", Metric = MetricRef.Performance("mae"), Max = Math.Round(quality * 1.35, 3), Window = window, Every = every, Severity = "P1" },
            _ => new MonitorConfig { Name = "accuracy", Metric = MetricRef.Performance("accuracy"), Min = Math.Round(quality - 0.1, 2), Window = window, Every = every, Severity = "P1" },
        });
        list.Add(new MonitorConfig { Name = "latency", Metric = MetricRef.LatencyP99, Max = 250, Window = TimeSpan.FromMinutes(30), Every = every, Severity = "P2" });
        list.Add(new MonitorConfig { Name = "slo-error_rate", Metric = MetricRef.ErrorRate, Max = 0.03, Window = TimeSpan.FromHours(1), Every = every, Severity = "P1", Slo = true });
        if (fraud) list.Add(new MonitorConfig { Name = "volume", Metric = MetricRef.Volume, Min = 150, Window = TimeSpan.FromMinutes(5), Every = every, Severity = "P3" });
        return list;
    }

    /// <summary>Starts feeding <paramref name="server"/>: the history, then every monitor at once, then live traffic.</summary>
    public void Start(VigilServer server, Action<string> log)
    {
        ArgumentNullException.ThrowIfNull(server);
        server.Monitors.Hold();
        _traffic = Task.Run(() => Feed(new Uri(server.Addresses[0]), log, server.Monitors.RunAllSoon, _stop.Token));
    }

    /// <summary>Starts feeding the server at <paramref name="baseAddress"/> (its monitors then see the history on their
    /// next scheduled run).</summary>
    public void Start(Uri baseAddress, Action<string> log) => _traffic = Task.Run(() => Feed(baseAddress, log, null, _stop.Token));

    private sealed record PendingLabel(DateTime Due, int Model, string Json);

    private async Task Feed(Uri baseAddress, Action<string> log, Action? history, CancellationToken ct)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromMinutes(2) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Key);
        var pending = new ConcurrentBag<PendingLabel>();
        try
        {
            var clock = Stopwatch.StartNew();
            var rows = 0L;
            await Parallel.ForEachAsync(Enumerable.Range(0, _sims.Length), new ParallelOptions { MaxDegreeOfParallelism = 2, CancellationToken = ct }, async (i, token) =>
            {
                var sent = await Backfill(http, i, pending, token).ConfigureAwait(false);
                Interlocked.Add(ref rows, sent);
            }).ConfigureAwait(false);
            history?.Invoke();
            history = null;
            var warm = new DemoWarmUp(rows, clock.Elapsed);
            log(string.Create(CultureInfo.InvariantCulture, $"demo: history in: {rows:N0} predictions of {_sims.Length} models over {_options.History.TotalHours:0.#} h in {clock.Elapsed.TotalSeconds:0.0} s; the monitors run now, then every minute"));
            _warm.TrySetResult(warm);
        }
        catch (OperationCanceledException)
        {
            _warm.TrySetCanceled(ct);
            return;
        }
        catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
        {
            log($"demo: could not send the history: {e.Message}");
            _warm.TrySetException(e);
        }
        finally
        {
            history?.Invoke();
        }
        var labels = new PriorityQueue<PendingLabel, DateTime>();
        foreach (var p in pending) labels.Enqueue(p, p.Due);
        var announced = false;
        while (!ct.IsCancellationRequested)
        {
            try
            {
                var now = DateTime.UtcNow;
                if (!announced && now >= StartedAt + _options.ShiftAfter)
                {
                    announced = true;
                    log($"demo: {Fleet[0].Name} now {Fleet[0].Story}; {string.Join(", ", Fleet.Where(m => m.Expected != m.Later && m.Name != Fleet[0].Name).Select(m => $"{m.Name} {m.Story}"))}");
                }
                for (var i = 0; i < _sims.Length; i++)
                {
                    var batch = _sims[i].Until(now);
                    if (batch.Count == 0) continue;
                    await Post(http, i, "predictions", batch.Select(b => b.Prediction), ct).ConfigureAwait(false);
                    foreach (var b in batch.Where(b => b.Label is not null)) labels.Enqueue(new PendingLabel(b.LabelAt, i, b.Label!), b.LabelAt);
                }
                var due = new List<PendingLabel>();
                while (labels.Count > 0 && labels.Peek().Due <= now) due.Add(labels.Dequeue());
                foreach (var g in due.GroupBy(d => d.Model))
                    await Post(http, g.Key, "labels", g.Select(d => d.Json), ct).ConfigureAwait(false);
                await Task.Delay(_options.Tick, ct).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
            {
                log($"demo: could not post: {e.Message}");
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Sends model <paramref name="i"/>'s history up to <see cref="StartedAt"/>: first the newest rows its monitors'
    /// windows cover, in one batch with their labels after (so a monitor that runs meanwhile sees all of its window or
    /// none of it), then the older rows oldest first. Labels not yet due are kept for the live loop.</summary>
    private async Task<long> Backfill(HttpClient http, int i, ConcurrentBag<PendingLabel> pending, CancellationToken ct)
    {
        var rows = _sims[i].Until(StartedAt);
        var widest = Config.Models[i].Monitors.Max(m => m.Window);
        var cut = rows.FindIndex(r => r.At > StartedAt - widest);
        if (cut < 0) cut = rows.Count;
        var recent = rows.GetRange(cut, rows.Count - cut);
        var older = rows.GetRange(0, cut);
        const int Batch = 10_000;
        foreach (var part in new[] { recent, older })
        {
            for (var k = 0; k < part.Count; k += Batch)
            {
                var chunk = part.GetRange(k, Math.Min(Batch, part.Count - k));
                await Post(http, i, "predictions", chunk.Select(r => r.Prediction), ct).ConfigureAwait(false);
                var labelled = chunk.Where(r => r.Label is not null).ToList();
                var due = labelled.Where(r => r.LabelAt <= StartedAt).Select(r => r.Label!).ToList();
                if (due.Count > 0) await Post(http, i, "labels", due, ct).ConfigureAwait(false);
                foreach (var r in labelled.Where(r => r.LabelAt > StartedAt)) pending.Add(new PendingLabel(r.LabelAt, i, r.Label!));
            }
        }
        return rows.Count;
    }

    private async Task Post(HttpClient http, int model, string what, IEnumerable<string> records, CancellationToken ct)
    {
        var body = new StringBuilder("[");
        foreach (var r in records) body.Append(body.Length > 1 ? "," : "").Append(r);
        body.Append(']');
        using var resp = await http.PostAsync($"/v1/models/{Uri.EscapeDataString(Config.Models[model].Name)}/{what}",
            new StringContent(body.ToString(), Encoding.UTF8, "application/json"), ct).ConfigureAwait(false);
        if (!resp.IsSuccessStatusCode)
            throw new InvalidOperationException($"{Config.Models[model].Name}/{what}: HTTP {(int)resp.StatusCode}: {(await resp.Content.ReadAsStringAsync(ct).ConfigureAwait(false)).Split('\n')[0]}");
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        if (_traffic is not null) await _traffic.ConfigureAwait(false);
        _stop.Dispose();
    }
}

/// <summary>What the demo's start sent: predictions and how long it took.</summary>
public sealed record DemoWarmUp(long Predictions, TimeSpan Took);
