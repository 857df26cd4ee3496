using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;
using Vigil.Server.Store.Rollups;

namespace Vigil.Server.Tests.Store;

/// <summary>What the rollup tests on DuckDB and PostgreSQL share: a config with a binary, a regression and a multiclass
/// model, generated predictions and late labels, and the check that every stored cell equals a recomputation from the
/// model's raw rows (written here, apart from the store's code).</summary>
internal static class RollupScenario
{
    public static string Reference(string dir)
    {
        var path = Path.Combine(dir, "reference.csv");
        var rng = new Random(7);
        var lines = new List<string> { "amount,country" };
        string[] countries = ["DE", "FR", "US", "ES"];
        for (var i = 0; i < 2000; i++)
            lines.Add(string.Create(CultureInfo.InvariantCulture, $"{Math.Round(rng.NextDouble() * 100, 2)},{countries[rng.Next(countries.Length)]}"));
        File.WriteAllLines(path, lines);
        return path;
    }

    public static ServiceConfig Config(string store, string reference, string prefix) => ServiceConfigLoader.Parse($$"""
        store: {{store}}
        keys:
          - key: admin-key-0001
            scopes: [admin]
        models:
          {{prefix}}bin:
            task: binary
            reference: {{reference}}
            schema:
              features:
                amount: number
                country: category
          {{prefix}}reg:
            task: regression
            reference: {{reference}}
            schema:
              features:
                amount: number
          {{prefix}}multi:
            task: multiclass
            schema:
              features:
                country: category
        """, "vigil.yaml", ".");

    /// <summary>Predictions over the last three hours (whole milliseconds), in batches with repeated ids, then late labels
    /// (new ones, changed ones, unknown ids, an id twice in a batch).</summary>
    public static async Task Ingest(PredictionStore store, ServiceConfig config, DateTime now, int rows = 3000)
    {
        string[] countries = ["DE", "FR", "US", "ES", "XX"];
        string[] classes = ["a", "b", "c"];
        foreach (var m in config.Models)
        {
            var rng = new Random(m.Name.Length * 31 + (int)m.Task);
            var records = new List<PredictionRecord>();
            for (var i = 0; i < rows; i++)
            {
                var ts = now.AddMilliseconds(-rng.Next(3 * 3600 * 1000));
                var version = (i % 3) switch { 0 => "v1", 1 => "v2", _ => null };
                var y = rng.NextDouble() < 0.3 ? 1.0 : 0.0;
                var labelled = rng.NextDouble() < 0.3;
                double? latency = rng.NextDouble() < 0.05 ? null : Math.Exp(rng.NextDouble() * 6 - 1);
                var numbers = new double[m.Features.Count];
                var texts = new string?[m.Features.Count];
                for (var k = 0; k < m.Features.Count; k++)
                {
                    if (m.Features[k].Type == FeatureType.Number) numbers[k] = rng.NextDouble() < 0.05 ? double.NaN : Math.Round(rng.NextDouble() * 120 - 10, 3);
                    else texts[k] = rng.NextDouble() < 0.05 ? null : countries[rng.Next(countries.Length)];
                }
                var error = rng.NextDouble() < 0.03 ? true : rng.NextDouble() < 0.5 ? false : (bool?)null;
                PredictionRecord r = m.Task switch
                {
                    ModelTask.Binary => new($"p{i}", ts, version, Math.Clamp(0.3 * y + rng.NextDouble() * 0.7, 0, 1), null, labelled ? y : null, latency, error, numbers, texts),
                    ModelTask.Regression => new($"p{i}", ts, version, null, Math.Round(rng.NextDouble() * 50, 4), labelled ? Math.Round(rng.NextDouble() * 50, 4) : null, latency, error, numbers, texts),
                    _ => new($"p{i}", ts, version, null, classes[rng.Next(3)], labelled ? classes[rng.Next(3)] : null, latency, error, numbers, texts),
                };
                records.Add(r);
            }
            for (var at = 0; at < records.Count; at += 250)
                await store.InsertAsync(m.Name, records.Skip(at).Take(250).ToList());
            // Ids already stored are left alone (and so must the rollups be).
            await store.InsertAsync(m.Name, records.Take(40).Select(r => r with { Version = "dup" }).ToList());
            var labels = new List<LabelRecord>();
            for (var i = 0; i < rows; i += 2)
            {
                object label = m.Task switch
                {
                    ModelTask.Binary => rng.NextDouble() < 0.5 ? 1.0 : 0.0,
                    ModelTask.Regression => Math.Round(rng.NextDouble() * 50, 4),
                    _ => classes[rng.Next(3)],
                };
                labels.Add(new LabelRecord($"p{i}", label, now));
            }
            labels.Add(new LabelRecord("nobody", labels[0].Label, now));
            labels.Add(new LabelRecord("p2", labels[5].Label, now));
            for (var at = 0; at < labels.Count; at += 400) store.SetLabels(m.Name, labels.Skip(at).Take(400).ToList());
        }
    }

    /// <summary>The expected cell of each (version, bucket), recomputed from the model's raw rows.</summary>
    public static Dictionary<(string Version, DateTime Bucket), Expected> Recompute(PredictionStore store, ModelConfig m, Grain grain)
    {
        var bins = store.Bins[m.Name];
        var features = string.Concat(m.Features.Select(f => ", f_" + f.Name));
        using var engine = store.NewReader();
        var t = engine.Query($"SELECT ts, version, score, prediction, label, latency_ms, error{features} FROM {store.Rows(m.Name)}");
        var cells = new Dictionary<(string, DateTime), Expected>();
        for (var i = 0; i < t.RowCount; i++)
        {
            var ts = DateTime.SpecifyKind(t.GetDateTime(0, i), DateTimeKind.Utc);
            var bucket = grain == Grain.Minute ? new DateTime(ts.Year, ts.Month, ts.Day, ts.Hour, ts.Minute, 0, DateTimeKind.Utc) : new DateTime(ts.Year, ts.Month, ts.Day, ts.Hour, 0, 0, DateTimeKind.Utc);
            var key = (t.IsNull(1, i) ? "" : t.GetString(1, i)!, bucket);
            if (!cells.TryGetValue(key, out var e)) cells[key] = e = new Expected(m.Features.Count);
            e.N++;
            e.Last = Math.Max(e.Last, ts.Ticks);
            if (!t.IsNull(6, i) && (t.Kind(6) == Vigil.Engine.ColumnKind.Boolean ? t.GetBoolean(6, i) : t.GetInt64(6, i) != 0)) e.Errors++;
            var labelled = !t.IsNull(4, i);
            if (labelled) e.Labelled++;
            if (!t.IsNull(5, i))
            {
                var ms = t.GetDouble(5, i);
                var bin = ms < 0.01 ? -1 : (int)Math.Floor(Math.Log(ms / 0.01) / Math.Log(1.05));
                e.Latency[bin] = e.Latency.GetValueOrDefault(bin) + 1;
            }
            if (m.Task == ModelTask.Binary && !t.IsNull(2, i))
            {
                var s = t.GetDouble(2, i);
                var bin = Math.Min(99, (int)Math.Floor(s * 100));
                var cls = !labelled ? "u" : t.GetDouble(4, i) == 1 ? "p" : "n";
                e.Scores[(cls, bin)] = e.Scores.GetValueOrDefault((cls, bin)) + 1;
                e.ScoreSum += s;
                if (labelled) e.Labels[t.GetDouble(4, i) == 1 ? "1" : "0"] = e.Labels.GetValueOrDefault(t.GetDouble(4, i) == 1 ? "1" : "0") + 1;
            }
            if (m.Task == ModelTask.Regression && labelled && !t.IsNull(3, i))
            {
                var d = t.GetDouble(3, i) - t.GetDouble(4, i);
                e.AbsError += Math.Abs(d);
                e.SquaredError += d * d;
            }
            if (m.Task == ModelTask.Multiclass && labelled)
            {
                var label = t.GetString(4, i)!;
                e.Labels[label] = e.Labels.GetValueOrDefault(label) + 1;
                if (!t.IsNull(3, i) && t.GetString(3, i) == label) e.Correct++;
            }
            for (var k = 0; k < m.Features.Count; k++)
            {
                var c = 7 + k;
                if (t.IsNull(c, i))
                {
                    e.Missing[k]++;
                    continue;
                }
                if (bins.Features[k] is not { } f) continue;
                var b = m.Features[k].Type == FeatureType.Number
                    ? f.Cuts.Count(cut => cut <= t.GetDouble(c, i))
                    : Array.IndexOf(f.Categories, t.GetString(c, i)) is var at && at >= 0 ? at : f.Categories.Length;
                e.Features[(k, b)] = e.Features.GetValueOrDefault((k, b)) + 1;
            }
        }
        return cells;
    }

    internal sealed class Expected(int features)
    {
        public long N, Errors, Labelled, Correct, Last;
        public double ScoreSum, AbsError, SquaredError;
        public readonly Dictionary<int, long> Latency = [];
        public readonly Dictionary<(string, int), long> Scores = [];
        public readonly Dictionary<string, long> Labels = [];
        public readonly Dictionary<(int, int), long> Features = [];
        public readonly long[] Missing = new long[features];
    }

    /// <summary>Every stored cell of every model and grain equals the recomputation (counts exactly, sums to 1e-9).</summary>
    public static void AssertExact(PredictionStore store, ServiceConfig config, DateTime now)
    {
        foreach (var m in config.Models)
        {
            foreach (var grain in new[] { Grain.Minute, Grain.Hour })
            {
                var expected = Recompute(store, m, grain);
                var stored = store.ReadCells(grain, now.AddDays(-1), now.AddDays(1), m.Name);
                Assert.Equal(expected.Count, stored.Count);
                Assert.Equal(stored.Count, stored.Select(c => (c.Version, c.Bucket)).Distinct().Count());
                foreach (var s in stored)
                {
                    var where = $"{m.Name} {grain} {s.Version} {s.Bucket:HH:mm}";
                    Assert.True(expected.TryGetValue((s.Version, s.Bucket), out var e), $"{where}: a cell the raw rows do not have");
                    var c = s.Cell;
                    Assert.True(e!.N == c.N, $"{where}: n {c.N}, expected {e.N}");
                    Assert.Equal(e.Errors, c.Errors);
                    Assert.Equal(e.Labelled, c.Labelled);
                    Assert.Equal(e.Last, c.LastTicks);
                    Assert.Equal(e.Latency.OrderBy(kv => kv.Key), c.Latency.OrderBy(kv => kv.Key));
                    for (var b = 0; b < 100; b++)
                    {
                        Assert.True(e.Scores.GetValueOrDefault(("p", b)) == c.ScorePositive[b], $"{where}: positives in score bin {b}");
                        Assert.True(e.Scores.GetValueOrDefault(("n", b)) == c.ScoreNegative[b], $"{where}: negatives in score bin {b}");
                        Assert.True(e.Scores.GetValueOrDefault(("u", b)) == c.ScoreUnlabelled[b], $"{where}: unlabelled in score bin {b}");
                    }
                    Assert.Equal(e.ScoreSum, c.ScoreSum, 1e-9);
                    Assert.Equal(e.AbsError, c.AbsError, 1e-7);
                    Assert.Equal(e.SquaredError, c.SquaredError, 1e-6);
                    Assert.Equal(e.Correct, c.Correct);
                    Assert.Equal(e.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal), c.Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal));
                    Assert.Equal(e.Missing, c.Missing);
                    for (var k = 0; k < m.Features.Count; k++)
                    {
                        if (c.Features[k] is not { } h) continue;
                        for (var b = 0; b < h.Length; b++) Assert.True(e.Features.GetValueOrDefault((k, b)) == h[b], $"{where}: feature {k} bin {b}");
                    }
                }
            }
        }
    }
}
