using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;

namespace Vigil.Server.Demo;

/// <summary>One generated prediction: its JSON record for the ingest API, and its label's JSON and when it arrives
/// (null: never labelled).</summary>
internal readonly record struct DemoRow(DateTime At, string Prediction, string? Label, DateTime LabelAt);

/// <summary>
/// The traffic of one demo model: a Poisson stream of predictions (a little busier by day) whose features, outcome and
/// model output follow a small latent-variable model, and the timeline of its fate (when a feature drifts, a new version
/// ships, the traffic stops, the latency or the errors grow). Seeded, so the same seed gives the same traffic.
/// </summary>
internal sealed class DemoSim
{
    private readonly Random _r;
    private readonly DemoKind _kind;
    private readonly double[] _mean;
    private readonly double[] _sd;
    private readonly double[] _beta;
    private readonly double[] _levelWeights;
    private readonly double[] _levelEffect;
    private readonly double[,] _classWeights;
    private readonly double _bias;
    private readonly double _scale;
    private readonly string _name;
    private long _next;
    private DateTime _clock;

    public DemoSim(string name, DemoKind kind, DemoFate fate, int seed, DateTime start)
    {
        _name = name;
        _kind = kind;
        Fate = fate;
        _r = new Random(seed);
        var p = new Random(seed ^ 0x5bd1e995);
        var f = kind.Numbers.Length;
        _mean = new double[f];
        _sd = new double[f];
        _beta = new double[f];
        for (var j = 0; j < f; j++)
        {
            _mean[j] = Math.Round(5 + p.NextDouble() * 200, 1);
            _sd[j] = Math.Round(_mean[j] * (0.1 + 0.25 * p.NextDouble()), 2);
            _beta[j] = (0.5 + p.NextDouble()) * (p.Next(2) == 0 ? -1 : 1);
        }
        // The latent signal has variance about 2.25 (numbers) plus the category's share.
        var norm = Math.Sqrt(_beta.Sum(b => b * b));
        for (var j = 0; j < f; j++) _beta[j] *= 1.4 / norm;
        _levelWeights = kind.Levels.Select((_, i) => 1.0 / (i + 1)).ToArray();
        var total = _levelWeights.Sum();
        for (var i = 0; i < _levelWeights.Length; i++) _levelWeights[i] /= total;
        _levelEffect = kind.Levels.Select(_ => (p.NextDouble() - 0.5) * 0.8).ToArray();
        _classWeights = new double[kind.Classes.Length, f + 1];
        for (var k = 0; k < kind.Classes.Length; k++)
            for (var j = 0; j <= f; j++) _classWeights[k, j] = Normal(p) * 1.1;
        _bias = -1.2 - p.NextDouble() * 0.8;
        _scale = Math.Round(2 + p.NextDouble() * 30, 1);
        RatePerMinute = fate == DemoFate.Flapping ? 20 : 2 + p.NextDouble() * 1.5;
        Importance = kind.Numbers.Select((n, j) => (n, 0.9 * Math.Abs(_beta[j]) / _beta.Sum(Math.Abs))).Append((kind.Category, 0.05))
            .ToDictionary(x => x.Item1, x => Math.Round(x.Item2, 3), StringComparer.Ordinal);
        Version = $"v{1 + p.Next(5)}";
        _clock = start;
    }

    public DemoFate Fate { get; }

    /// <summary>Each feature's importance: the numbers share 0.9 by the weight of each in the signal, the category 0.05.</summary>
    public IReadOnlyDictionary<string, double> Importance { get; }

    /// <summary>Predictions a minute over the day (0.75 to 1.25 times this, by the hour).</summary>
    public double RatePerMinute { get; init; }

    /// <summary>Whether the rate follows the time of day (see <see cref="DemoOptions.DailyCycle"/>).</summary>
    public bool DailyCycle { get; init; } = true;

    /// <summary>The version before a deployment.</summary>
    public string Version { get; }

    /// <summary>The version after a deployment.</summary>
    public string NextVersion => $"v{int.Parse(Version[1..], CultureInfo.InvariantCulture) + 1}";

    /// <summary>When a degrading model's new version ships, a drifting model's feature moves, a silent model stops,
    /// the latency or errors of a troubled one begin (null: never).</summary>
    public DateTime? ChangeAt { get; init; }

    /// <summary>The feature that drifts (an index into the numbers, or -1 for the category).</summary>
    public int DriftFeature { get; init; }

    /// <summary>How long a flapping model's feature stays drifted, then stays put.</summary>
    public TimeSpan FlapHalfPeriod { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>How long after a prediction its label arrives (about; 0.9 of predictions get one).</summary>
    public TimeSpan LabelDelay { get; init; } = TimeSpan.FromMinutes(2);

    private bool Changed(DateTime t) => ChangeAt is { } c && t >= c;

    /// <summary>A degrading model whose feature drifts as its new version ships (fraud's story).</summary>
    public bool DriftsToo { get; init; }

    private bool Drifted(DateTime t) => Fate switch
    {
        DemoFate.Drifting => Changed(t),
        DemoFate.Degrading => DriftsToo && Changed(t),
        DemoFate.Flapping => (long)((t - DateTime.UnixEpoch) / FlapHalfPeriod) % 2 == 1,
        _ => false,
    };

    public bool Stopped(DateTime t) => Fate == DemoFate.Silent && Changed(t);

    /// <summary>The predictions from the last one generated up to <paramref name="to"/>, in time order.</summary>
    public List<DemoRow> Until(DateTime to)
    {
        var rows = new List<DemoRow>();
        while (true)
        {
            var hour = _clock.TimeOfDay.TotalHours;
            var rate = DailyCycle ? RatePerMinute * (1 + 0.25 * Math.Sin(2 * Math.PI * (hour - 9) / 24)) : RatePerMinute;
            var next = _clock + TimeSpan.FromMinutes(-Math.Log(1 - _r.NextDouble()) / rate);
            if (next > to) break;
            _clock = next;
            if (Stopped(next)) continue;
            rows.Add(Row(next));
        }
        return rows;
    }

    private static double Normal(Random r) => Math.Sqrt(-2 * Math.Log(1 - r.NextDouble())) * Math.Cos(2 * Math.PI * r.NextDouble());

    private static double Sigmoid(double x) => 1 / (1 + Math.Exp(-x));

    /// <summary>One healthy example: the features as JSON, the latent signal and the numbers' standardized values.</summary>
    private (string Features, double Latent, double[] Z, int Level) Example(Random r, bool drifted)
    {
        var f = _kind.Numbers.Length;
        var z = new double[f];
        var latent = 0.0;
        var sb = new StringBuilder("{");
        for (var j = 0; j < f; j++)
        {
            z[j] = Normal(r) + (drifted && DriftFeature == j ? 1.5 : 0);
            latent += _beta[j] * z[j];
            var value = Math.Max(0, Math.Round(_mean[j] + _sd[j] * z[j], 2));
            sb.Append(CultureInfo.InvariantCulture, $"\"{_kind.Numbers[j]}\": {value}, ");
        }
        // The category: most common levels first; drifted, the order turns around.
        var u = r.NextDouble();
        var level = 0;
        for (var acc = _levelWeights[0]; level < _levelWeights.Length - 1 && u > acc; acc += _levelWeights[++level]) { }
        if (drifted && DriftFeature < 0) level = _levelWeights.Length - 1 - level;
        latent += _levelEffect[level];
        sb.Append(CultureInfo.InvariantCulture, $"\"{_kind.Category}\": \"{_kind.Levels[level]}\"}}");
        return (sb.ToString(), latent, z, level);
    }

    /// <summary>The model's output for an example; <paramref name="degraded"/>: a version that has lost its edge.
    /// Returns the JSON of the output fields and the label's JSON value.</summary>
    private (string Output, string Label) Outcome(Random r, double latent, double[] z, int level, bool degraded)
    {
        switch (_kind.Task)
        {
            case ModelTask.Binary:
            {
                var y = r.NextDouble() < Sigmoid(latent + _bias) ? 1 : 0;
                var seen = degraded ? 0.2 * latent + 1.3 * Normal(r) : latent + 0.5 * Normal(r);
                var score = Math.Round(Sigmoid(seen + _bias), 4);
                return (string.Create(CultureInfo.InvariantCulture, $"\"score\": {score}"), y.ToString(CultureInfo.InvariantCulture));
            }
            case ModelTask.Regression:
            {
                var y = Math.Round(_scale * (5 + latent + 0.5 * Normal(r)), 3);
                var seen = degraded ? 0.4 * latent + 0.6 + 0.7 * Normal(r) : latent + 0.4 * Normal(r);
                var prediction = Math.Round(_scale * (5 + seen), 3);
                return (string.Create(CultureInfo.InvariantCulture, $"\"prediction\": {prediction}"), y.ToString("R", CultureInfo.InvariantCulture));
            }
            default:
            {
                var k = _kind.Classes.Length;
                var logits = new double[k];
                for (var c = 0; c < k; c++)
                {
                    for (var j = 0; j < z.Length; j++) logits[c] += _classWeights[c, j] * z[j];
                    logits[c] += _classWeights[c, z.Length] * (level - 1);
                }
                var truth = Sample(r, Softmax(logits, 1, null, r));
                var probabilities = degraded ? Softmax(logits, 0.15, 1.0, r) : Softmax(logits, 1, 0.4, r);
                var best = 0;
                for (var c = 1; c < k; c++) if (probabilities[c] > probabilities[best]) best = c;
                // Four decimals each, the last class taking the rest, so they sum to 1.
                var rounded = probabilities.Select(x => Math.Round(x, 4)).ToArray();
                rounded[k - 1] = Math.Round(Math.Max(0, 1 - rounded.Take(k - 1).Sum()), 4);
                var sb = new StringBuilder();
                sb.Append(CultureInfo.InvariantCulture, $"\"prediction\": \"{_kind.Classes[best]}\", \"probabilities\": {{");
                for (var c = 0; c < k; c++) sb.Append(CultureInfo.InvariantCulture, $"{(c > 0 ? ", " : "")}\"{_kind.Classes[c]}\": {rounded[c]}");
                sb.Append('}');
                return (sb.ToString(), $"\"{_kind.Classes[truth]}\"");
            }
        }
    }

    private static double[] Softmax(double[] logits, double temperature, double? noise, Random r)
    {
        var x = logits.Select(l => l * temperature + (noise is { } n ? n * Normal(r) : 0)).ToArray();
        var max = x.Max();
        var e = x.Select(v => Math.Exp(v - max)).ToArray();
        var s = e.Sum();
        return e.Select(v => v / s).ToArray();
    }

    private static int Sample(Random r, double[] p)
    {
        var u = r.NextDouble();
        for (var i = 0; i < p.Length - 1; i++)
        {
            if (u < p[i]) return i;
            u -= p[i];
        }
        return p.Length - 1;
    }

    private DemoRow Row(DateTime at)
    {
        var drifted = Drifted(at);
        var (features, latent, z, level) = Example(_r, drifted);
        var degraded = Fate == DemoFate.Degrading && Changed(at);
        var (output, label) = Outcome(_r, latent, z, level, degraded);
        var latency = 15 + 20 * Math.Abs(Normal(_r));
        if (Fate == DemoFate.SlowLatency && Changed(at) && _r.NextDouble() < 0.08) latency = 300 + 600 * _r.NextDouble();
        var error = (Fate == DemoFate.Errors && Changed(at) ? 0.12 : 0.003) > _r.NextDouble();
        var id = $"{_name}-{_next++}";
        var prediction = string.Create(CultureInfo.InvariantCulture,
            $"{{\"id\": \"{id}\", \"timestamp\": \"{at:yyyy-MM-ddTHH:mm:ss.fffZ}\", \"version\": \"{(degraded ? NextVersion : Version)}\", {output}, \"latency_ms\": {Math.Round(latency, 1)}{(error ? ", \"error\": true" : "")}, \"features\": {features}}}");
        var labelAt = at + LabelDelay * (0.5 + _r.NextDouble());
        var labelled = _r.NextDouble() < 0.9;
        return new DemoRow(at, prediction, labelled ? string.Create(CultureInfo.InvariantCulture, $"{{\"id\": \"{id}\", \"label\": {label}, \"timestamp\": \"{labelAt:yyyy-MM-ddTHH:mm:ss.fffZ}\"}}") : null, labelAt);
    }

    /// <summary><paramref name="n"/> healthy examples for the reference profile: the numbers by feature and the
    /// category's values, plus the model's healthy quality (ROC AUC, accuracy or MAE) on them.</summary>
    public (double[][] Numbers, string[] Levels, double Quality) Reference(int n, int seed)
    {
        var r = new Random(seed);
        var numbers = _kind.Numbers.Select(_ => new double[n]).ToArray();
        var levels = new string[n];
        var scores = new double[n];
        var labels = new double[n];
        var correct = 0;
        for (var i = 0; i < n; i++)
        {
            var (_, latent, z, level) = Example(r, false);
            for (var j = 0; j < z.Length; j++) numbers[j][i] = Math.Max(0, Math.Round(_mean[j] + _sd[j] * z[j], 2));
            levels[i] = _kind.Levels[level];
            var (output, label) = Outcome(r, latent, z, level, false);
            var value = output.Split(':')[1].Split(',')[0].Trim().Trim('"');
            switch (_kind.Task)
            {
                case ModelTask.Binary:
                    scores[i] = double.Parse(value, CultureInfo.InvariantCulture);
                    labels[i] = double.Parse(label, CultureInfo.InvariantCulture);
                    break;
                case ModelTask.Regression:
                    scores[i] = Math.Abs(double.Parse(value, CultureInfo.InvariantCulture) - double.Parse(label, CultureInfo.InvariantCulture));
                    break;
                default:
                    if (value == label.Trim('"')) correct++;
                    break;
            }
        }
        var quality = _kind.Task switch
        {
            ModelTask.Binary => Auc(scores, labels),
            ModelTask.Regression => scores.Average(),
            _ => (double)correct / n,
        };
        return (numbers, levels, quality);
    }

    /// <summary>ROC AUC by ranks (ties share their mean rank): the Mann–Whitney U over the positives and negatives.</summary>
    internal static double Auc(double[] scores, double[] labels)
    {
        var order = Enumerable.Range(0, scores.Length).OrderBy(i => scores[i]).ToArray();
        var ranks = new double[scores.Length];
        for (var i = 0; i < order.Length;)
        {
            var j = i;
            while (j + 1 < order.Length && scores[order[j + 1]] == scores[order[i]]) j++;
            for (var k = i; k <= j; k++) ranks[order[k]] = (i + j) / 2.0 + 1;
            i = j + 1;
        }
        double positives = labels.Count(l => l == 1), negatives = labels.Length - positives, sum = 0;
        for (var i = 0; i < labels.Length; i++) if (labels[i] == 1) sum += ranks[i];
        return (sum - positives * (positives + 1) / 2) / (positives * negatives);
    }
}
