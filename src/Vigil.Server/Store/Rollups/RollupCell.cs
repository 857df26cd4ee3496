using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store.Rollups;

/// <summary>One prediction as the rollups see it (filled from an ingested record or from a stored row).</summary>
internal sealed class RollupRow
{
    public DateTime Timestamp;
    public string Version = "";
    public double? Score;
    /// <summary>A regression prediction (a number).</summary>
    public double? Prediction;
    /// <summary>A multiclass prediction (a class).</summary>
    public string? PredictedClass;
    /// <summary>The label: "0"/"1" (binary), the class (multiclass), or null; <see cref="LabelValue"/> for regression.</summary>
    public string? LabelClass;
    public double? LabelValue;
    public double? LatencyMs;
    public bool Error;
    /// <summary>Per feature of the schema: the number (NaN: none) …</summary>
    public double[] Numbers = [];
    /// <summary>… or the category (null: none).</summary>
    public string?[] Texts = [];

    public bool Labelled => LabelClass is not null || LabelValue is not null;
}

/// <summary>
/// The sufficient statistics of one model, version and time bucket (a minute or an hour): counts, errors, the last
/// timestamp, the latency histogram, the score histogram per label class (binary), the sums of the regression metrics
/// and a prediction histogram, the correct count (multiclass), the label counts, and each feature's histogram on the
/// reference's bins (with its missing values). Cells add and subtract exactly (counts; the sums of doubles up to
/// rounding), so a late label moves a prediction by subtracting its unlabelled part and adding its labelled one.
/// </summary>
internal sealed class RollupCell
{
    public long N;
    public long Errors;
    public long Labelled;
    /// <summary>The latest prediction timestamp in the cell (ticks, UTC); 0 when none.</summary>
    public long LastTicks;
    public readonly Dictionary<int, long> Latency = [];
    public readonly long[] ScorePositive = new long[RollupBins.ScoreBins];
    public readonly long[] ScoreNegative = new long[RollupBins.ScoreBins];
    public readonly long[] ScoreUnlabelled = new long[RollupBins.ScoreBins];
    public double ScoreSum;
    public long ScoreCount;
    public readonly Dictionary<int, long> Predictions = [];
    public double PredictionSum;
    public long PredictionCount;
    /// <summary>Regression, over labelled rows with a prediction: Σ|p − y|, Σ(p − y)², Σy, Σy², and how many.</summary>
    public double AbsError, SquaredError, LabelSum, LabelSquares;
    public long Pairs;
    /// <summary>Multiclass: labelled rows whose prediction equals the label.</summary>
    public long Correct;
    public readonly Dictionary<string, long> Labels = new(StringComparer.Ordinal);
    /// <summary>Per feature of the schema: counts per bin (null when the feature has no bins), and missing values.</summary>
    public readonly long[]?[] Features;
    public readonly long[] Missing;

    public RollupCell(RollupBins bins)
    {
        Features = bins.Features.Select(f => f is null ? null : new long[f.Count]).ToArray();
        Missing = new long[bins.Features.Count];
    }

    /// <summary>Adds (sign +1) or removes (−1) a prediction.</summary>
    public void Add(RollupRow r, RollupBins bins, int sign = 1)
    {
        N += sign;
        if (r.Error) Errors += sign;
        if (sign > 0 && r.Timestamp.Ticks > LastTicks) LastTicks = r.Timestamp.Ticks;
        if (r.LatencyMs is { } ms) Bump(Latency, RollupBins.LatencyBin(ms), sign);
        if (r.Score is { } s)
        {
            ScoreSum += sign * s;
            ScoreCount += sign;
        }
        if (r.Prediction is { } p)
        {
            Bump(Predictions, RollupBins.PredictionBin(p), sign);
            PredictionSum += sign * p;
            PredictionCount += sign;
        }
        for (var k = 0; k < Features.Length; k++)
        {
            var f = bins.Features[k];
            var spec = bins.Model.Features[k];
            if (spec.Type == FeatureType.Number)
            {
                var x = k < r.Numbers.Length ? r.Numbers[k] : double.NaN;
                if (double.IsNaN(x)) Missing[k] += sign;
                else if (f is not null) Features[k]![f.Of(x)] += sign;
            }
            else
            {
                var t = k < r.Texts.Length ? r.Texts[k] : null;
                if (t is null) Missing[k] += sign;
                else if (f is not null) Features[k]![f.Of(t)] += sign;
            }
        }
        AddLabelPart(r, sign);
    }

    /// <summary>The part of a prediction that its label decides: its score's class histogram, the label counts and the
    /// metric sums. A late label is <c>AddLabelPart(old, −1)</c> then <c>AddLabelPart(new, +1)</c>.</summary>
    public void AddLabelPart(RollupRow r, int sign)
    {
        if (r.Score is { } s)
        {
            var bin = RollupBins.ScoreBin(s);
            var hist = r.LabelClass switch { null => ScoreUnlabelled, "1" => ScorePositive, _ => ScoreNegative };
            hist[bin] += sign;
        }
        if (!r.Labelled) return;
        Labelled += sign;
        if (r.LabelClass is { } c)
        {
            Bump(Labels, c, sign);
            if (r.PredictedClass is { } pc && pc == c) Correct += sign;
        }
        if (r.LabelValue is { } y && r.Prediction is { } p)
        {
            var d = p - y;
            AbsError += sign * Math.Abs(d);
            SquaredError += sign * d * d;
            LabelSum += sign * y;
            LabelSquares += sign * y * y;
            Pairs += sign;
        }
    }

    /// <summary>Adds another cell of the same bins.</summary>
    public void Add(RollupCell o)
    {
        N += o.N;
        Errors += o.Errors;
        Labelled += o.Labelled;
        LastTicks = Math.Max(LastTicks, o.LastTicks);
        foreach (var (k, v) in o.Latency) Bump(Latency, k, v);
        for (var i = 0; i < RollupBins.ScoreBins; i++)
        {
            ScorePositive[i] += o.ScorePositive[i];
            ScoreNegative[i] += o.ScoreNegative[i];
            ScoreUnlabelled[i] += o.ScoreUnlabelled[i];
        }
        ScoreSum += o.ScoreSum;
        ScoreCount += o.ScoreCount;
        foreach (var (k, v) in o.Predictions) Bump(Predictions, k, v);
        PredictionSum += o.PredictionSum;
        PredictionCount += o.PredictionCount;
        AbsError += o.AbsError;
        SquaredError += o.SquaredError;
        LabelSum += o.LabelSum;
        LabelSquares += o.LabelSquares;
        Pairs += o.Pairs;
        Correct += o.Correct;
        foreach (var (k, v) in o.Labels) Bump(Labels, k, v);
        for (var f = 0; f < Features.Length; f++)
        {
            Missing[f] += o.Missing[f];
            if (Features[f] is { } mine && o.Features[f] is { } theirs)
                for (var i = 0; i < mine.Length; i++) mine[i] += theirs[i];
        }
    }

    private static void Bump<TKey>(Dictionary<TKey, long> d, TKey key, long by) where TKey : notnull
    {
        var v = d.GetValueOrDefault(key) + by;
        if (v == 0) d.Remove(key);
        else d[key] = v;
    }

    /// <summary>A cell that adds nothing (a late label that did not change the class).</summary>
    public bool IsEmpty =>
        N == 0 && Errors == 0 && Labelled == 0 && Latency.Count == 0 && ScoreCount == 0 && PredictionCount == 0 && Pairs == 0 && Correct == 0
        && Labels.Count == 0 && ScorePositive.All(x => x == 0) && ScoreNegative.All(x => x == 0) && ScoreUnlabelled.All(x => x == 0)
        && AbsError == 0 && SquaredError == 0 && LabelSum == 0 && LabelSquares == 0;

    // The stored form is compact text ("n=12;lat=40:3,41:9;sp=55:2;f0=0:4,3:8;..."), the same in DuckDB (VARCHAR) and
    // PostgreSQL (TEXT): the two engines' array types differ in literal syntax, client binding and functions, while a
    // text column reads and writes the same through both; histograms are sparse (only non-zero bins), and the cell is
    // read whole whenever it is read, so nothing is lost by not querying inside it.

    /// <summary>The cell as compact text.</summary>
    public string Encode()
    {
        var b = new StringBuilder(256);
        void Num(string key, long v)
        {
            if (v != 0) b.Append(key).Append('=').Append(v.ToString(CultureInfo.InvariantCulture)).Append(';');
        }
        void Real(string key, double v)
        {
            if (v != 0) b.Append(key).Append('=').Append(v.ToString("R", CultureInfo.InvariantCulture)).Append(';');
        }
        void Sparse(string key, IEnumerable<(string Bin, long Count)> bins)
        {
            var start = b.Length;
            b.Append(key).Append('=');
            var any = false;
            foreach (var (bin, n) in bins)
            {
                if (n == 0) continue;
                if (any) b.Append(',');
                b.Append(bin).Append(':').Append(n.ToString(CultureInfo.InvariantCulture));
                any = true;
            }
            if (any) b.Append(';');
            else b.Length = start;
        }
        static IEnumerable<(string, long)> Dense(long[] a)
        {
            for (var i = 0; i < a.Length; i++)
                if (a[i] != 0) yield return (i.ToString(CultureInfo.InvariantCulture), a[i]);
        }
        static IEnumerable<(string, long)> Ints(Dictionary<int, long> d) =>
            d.OrderBy(kv => kv.Key).Select(kv => (kv.Key.ToString(CultureInfo.InvariantCulture), kv.Value));
        Num("n", N);
        Num("e", Errors);
        Num("l", Labelled);
        Num("t", LastTicks);
        Sparse("lat", Ints(Latency));
        Sparse("sp", Dense(ScorePositive));
        Sparse("sn", Dense(ScoreNegative));
        Sparse("su", Dense(ScoreUnlabelled));
        Real("ss", ScoreSum);
        Num("sc", ScoreCount);
        Sparse("pr", Ints(Predictions));
        Real("ps", PredictionSum);
        Num("pc", PredictionCount);
        Real("ae", AbsError);
        Real("se", SquaredError);
        Real("ys", LabelSum);
        Real("yq", LabelSquares);
        Num("yn", Pairs);
        Num("c", Correct);
        Sparse("lc", Labels.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (Uri.EscapeDataString(kv.Key), kv.Value)));
        for (var f = 0; f < Features.Length; f++)
        {
            var k = f.ToString(CultureInfo.InvariantCulture);
            if (Features[f] is { } h) Sparse("f" + k, Dense(h));
            Num("m" + k, Missing[f]);
        }
        return b.ToString();
    }

    /// <summary>Reads a cell written by <see cref="Encode"/> with the same bins (spans, no split strings: the fleet page
    /// reads thousands of cells per request).</summary>
    public static RollupCell Decode(string text, RollupBins bins)
    {
        var c = new RollupCell(bins);
        var rest = text.AsSpan();
        while (rest.Length > 0)
        {
            var semi = rest.IndexOf(';');
            var part = semi < 0 ? rest : rest[..semi];
            rest = semi < 0 ? [] : rest[(semi + 1)..];
            if (part.IsEmpty) continue;
            var eq = part.IndexOf('=');
            var key = part[..eq];
            var value = part[(eq + 1)..];
            switch (key)
            {
                case "n": c.N = L(value); break;
                case "e": c.Errors = L(value); break;
                case "l": c.Labelled = L(value); break;
                case "t": c.LastTicks = L(value); break;
                case "lat": Ints(value, c.Latency); break;
                case "sp": Dense(value, c.ScorePositive); break;
                case "sn": Dense(value, c.ScoreNegative); break;
                case "su": Dense(value, c.ScoreUnlabelled); break;
                case "ss": c.ScoreSum = D(value); break;
                case "sc": c.ScoreCount = L(value); break;
                case "pr": Ints(value, c.Predictions); break;
                case "ps": c.PredictionSum = D(value); break;
                case "pc": c.PredictionCount = L(value); break;
                case "ae": c.AbsError = D(value); break;
                case "se": c.SquaredError = D(value); break;
                case "ys": c.LabelSum = D(value); break;
                case "yq": c.LabelSquares = D(value); break;
                case "yn": c.Pairs = L(value); break;
                case "c": c.Correct = L(value); break;
                case "lc":
                    foreach (var item in value.ToString().Split(','))
                    {
                        var colon = item.LastIndexOf(':');
                        c.Labels[Uri.UnescapeDataString(item[..colon])] = long.Parse(item.AsSpan(colon + 1), CultureInfo.InvariantCulture);
                    }
                    break;
                default:
                    var index = int.Parse(key[1..], CultureInfo.InvariantCulture);
                    if (index >= c.Features.Length) break;
                    if (key[0] == 'm') c.Missing[index] = L(value);
                    else if (key[0] == 'f' && c.Features[index] is { } h) Dense(value, h);
                    break;
            }
        }
        return c;
    }

    private static long L(ReadOnlySpan<char> value) => long.Parse(value, CultureInfo.InvariantCulture);

    private static double D(ReadOnlySpan<char> value) => double.Parse(value, CultureInfo.InvariantCulture);

    /// <summary>Calls <paramref name="each"/> with every "bin:count" of a comma-separated list of integer bins.</summary>
    private static void Items(ReadOnlySpan<char> value, Action<int, long> each)
    {
        while (value.Length > 0)
        {
            var comma = value.IndexOf(',');
            var item = comma < 0 ? value : value[..comma];
            value = comma < 0 ? [] : value[(comma + 1)..];
            var colon = item.IndexOf(':');
            each(int.Parse(item[..colon], CultureInfo.InvariantCulture), long.Parse(item[(colon + 1)..], CultureInfo.InvariantCulture));
        }
    }

    private static void Ints(ReadOnlySpan<char> value, Dictionary<int, long> into) => Items(value, (bin, n) => into[bin] = n);

    private static void Dense(ReadOnlySpan<char> value, long[] into) => Items(value, (bin, n) =>
    {
        if (bin >= 0 && bin < into.Length) into[bin] = n;
    });

    /// <summary>The rollup row of a stored prediction's columns, as the task stores them.</summary>
    public static string? LabelText(ModelTask task, object? label) => label switch
    {
        null => null,
        string s => s,
        double d when task == ModelTask.Binary => d == 1 ? "1" : "0",
        _ => null,
    };
}
