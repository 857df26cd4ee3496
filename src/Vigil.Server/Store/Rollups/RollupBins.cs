using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store.Rollups;

/// <summary>One feature's bins on the reference: cut points for a number feature (bins (−∞, c₁), [c₁, c₂), …, [cₖ, +∞)),
/// or the reference's categories (the most frequent <see cref="RollupBins.MaxCategories"/>) and a last bin "other";
/// <see cref="Reference"/> holds the reference's count per bin.</summary>
internal sealed record FeatureBins(string Name, FeatureType Type, double[] Cuts, string[] Categories, long[] Reference)
{
    /// <summary>Bins: cuts + 1 for numbers, categories + 1 ("other") for categories.</summary>
    public int Count => Type == FeatureType.Number ? Cuts.Length + 1 : Categories.Length + 1;

    private readonly Dictionary<string, int> _index = Categories.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => x.i, StringComparer.Ordinal);

    /// <summary>A number's bin: the number of cuts at or below it.</summary>
    public int Of(double x)
    {
        int lo = 0, hi = Cuts.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >> 1;
            if (Cuts[mid] <= x) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>A category's bin (the last, "other", for one the reference's list does not hold).</summary>
    public int Of(string category) => _index.TryGetValue(category, out var i) ? i : Categories.Length;

    /// <summary>The bins' labels, for the drift page.</summary>
    public IReadOnlyList<string> Labels()
    {
        if (Type == FeatureType.Category) return [.. Categories, "other"];
        static string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        if (Cuts.Length == 0) return ["all"];
        var labels = new List<string> { $"< {F(Cuts[0])}" };
        for (var i = 1; i < Cuts.Length; i++) labels.Add($"[{F(Cuts[i - 1])}, {F(Cuts[i])})");
        labels.Add($"≥ {F(Cuts[^1])}");
        return labels;
    }
}

/// <summary>
/// The fixed bins of a model's rollups (docs/dashboard.md, "Rollups"):
/// <list type="bullet">
/// <item>latency: log-spaced, bin k = ⌊ln(ms / 0.01) / ln 1.05⌋ holds [0.01·1.05ᵏ, 0.01·1.05ᵏ⁺¹) ms (bin −1 below 0.01 ms);
/// a quantile is read back as its bin's geometric middle, within a factor √1.05 (2.47 %) of the nearest-rank quantile;</item>
/// <item>score (binary): 100 bins of width 0.01 on [0, 1], bin ⌊100·s⌋ (1.0 in the last), per label class;</item>
/// <item>prediction (regression): signed log bins, ±(1 + ⌊ln(|x| / 1e-6) / ln 1.05⌋), 0 for |x| &lt; 1e-6;</item>
/// <item>features: the reference's deciles as cut points (numbers) or its categories plus "other".</item>
/// </list>
/// A <see cref="Signature"/> of all of them is kept with the rollups, so that a changed reference or schema rebuilds them.
/// </summary>
internal sealed class RollupBins
{
    /// <summary>Categories of a feature kept by name (the reference's most frequent); the rest fall in "other".</summary>
    public const int MaxCategories = 30;

    /// <summary>Score bins on [0, 1].</summary>
    public const int ScoreBins = 100;

    /// <summary>Ratio of consecutive latency and prediction bin edges.</summary>
    public const double Growth = 1.05;

    private const double LatencyFloorMs = 0.01;
    private const double PredictionFloor = 1e-6;
    private static readonly double LogGrowth = Math.Log(Growth);

    private RollupBins(ModelConfig model, IReadOnlyList<FeatureBins?> features, bool hasReference)
    {
        Model = model;
        Features = features;
        HasReference = hasReference;
        var text = new StringBuilder("v1|").Append(model.Task).Append('|');
        foreach (var f in model.Features) text.Append(f.Name).Append(':').Append(f.Type).Append(',');
        foreach (var f in features)
        {
            if (f is null)
            {
                text.Append("|-");
                continue;
            }
            text.Append('|').Append(f.Name).Append('=');
            foreach (var c in f.Cuts) text.Append(c.ToString("R", CultureInfo.InvariantCulture)).Append(',');
            foreach (var c in f.Categories) text.Append(Uri.EscapeDataString(c)).Append(',');
        }
        Signature = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())))[..32];
    }

    public ModelConfig Model { get; }

    /// <summary>Per feature of the schema (in its order): its bins, or null when the reference has no such column.</summary>
    public IReadOnlyList<FeatureBins?> Features { get; }

    public bool HasReference { get; }

    /// <summary>A hash of the task, schema and every bin: rollups made with other bins are rebuilt.</summary>
    public string Signature { get; }

    /// <summary>The bins of a model (reading its reference profile or profiling its reference data file).</summary>
    public static RollupBins For(ModelConfig model)
    {
        ArgumentNullException.ThrowIfNull(model);
        ReferenceProfile? profile = null;
        if (model.Reference is { } path)
        {
            if (path.EndsWith(ReferenceProfile.Extension, StringComparison.OrdinalIgnoreCase)) profile = ReferenceProfile.Load(path);
            else
            {
                using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
                var names = model.Features.Select(f => f.Name).Where(n => source.Columns.Any(c => c.Name == n)).ToList();
                if (names.Count > 0) profile = ReferenceProfile.Build(source, names);
            }
        }
        return Of(model, profile);
    }

    /// <summary>The bins of a model against a profile (null: no reference, no feature bins).</summary>
    public static RollupBins Of(ModelConfig model, ReferenceProfile? profile)
    {
        ArgumentNullException.ThrowIfNull(model);
        var features = new List<FeatureBins?>();
        foreach (var f in model.Features)
        {
            var column = profile?.Columns.FirstOrDefault(c => c.Name == f.Name);
            if (column is null)
            {
                features.Add(null);
                continue;
            }
            if (f.Type == FeatureType.Number && column.Numbers is { } numbers)
            {
                var (values, counts) = numbers.Points();
                var cuts = Deciles(values, counts);
                var bins = new FeatureBins(f.Name, f.Type, cuts, [], []);
                var reference = new long[bins.Count];
                for (var i = 0; i < values.Length; i++) reference[bins.Of(values[i])] += counts[i];
                features.Add(bins with { Reference = reference });
            }
            else if (f.Type == FeatureType.Category && column.Categories is { } categories)
            {
                var kept = categories.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxCategories).Select(kv => kv.Key).ToArray();
                var bins = new FeatureBins(f.Name, f.Type, [], kept, []);
                var reference = new long[bins.Count];
                foreach (var (k, n) in categories) reference[bins.Of(k)] += n;
                features.Add(bins with { Reference = reference });
            }
            else features.Add(null);
        }
        return new RollupBins(model, features, profile is not null);
    }

    /// <summary>The distinct deciles (10 % … 90 %, the lower nearest-rank value) of weighted ascending values.</summary>
    internal static double[] Deciles(double[] values, long[] counts)
    {
        var total = counts.Sum();
        var cuts = new List<double>();
        if (total == 0) return [];
        long seen = 0;
        var i = 0;
        for (var d = 1; d <= 9; d++)
        {
            var rank = (long)Math.Ceiling(total * d / 10.0);
            while (i < values.Length && seen + counts[i] < rank) seen += counts[i++];
            if (i >= values.Length) break;
            var x = values[i];
            if (cuts.Count == 0 || cuts[^1] < x) cuts.Add(x);
        }
        return [.. cuts];
    }

    /// <summary>A latency's bin.</summary>
    public static int LatencyBin(double ms) => !(ms >= LatencyFloorMs) ? -1 : (int)Math.Floor(Math.Log(ms / LatencyFloorMs) / LogGrowth);

    /// <summary>A latency bin read back: its geometric middle (0 for the bin below 0.01 ms).</summary>
    public static double LatencyValue(int bin) => bin < 0 ? 0 : LatencyFloorMs * Math.Pow(Growth, bin + 0.5);

    /// <summary>A score's bin on [0, 1] (values outside clamped).</summary>
    public static int ScoreBin(double s) => Math.Clamp((int)Math.Floor(s * ScoreBins), 0, ScoreBins - 1);

    /// <summary>A regression prediction's signed log bin.</summary>
    public static int PredictionBin(double x)
    {
        var a = Math.Abs(x);
        if (!(a >= PredictionFloor)) return 0;
        var k = 1 + (int)Math.Min(100_000, Math.Floor(Math.Log(a / PredictionFloor) / LogGrowth));
        return x < 0 ? -k : k;
    }

    /// <summary>A prediction bin read back (its geometric middle).</summary>
    public static double PredictionValue(int bin) => bin == 0 ? 0 : Math.Sign(bin) * PredictionFloor * Math.Pow(Growth, Math.Abs(bin) - 1 + 0.5);
}
