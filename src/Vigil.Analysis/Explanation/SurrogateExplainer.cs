using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Statistics.Association;
using Vigil.Statistics.Learning;

namespace Vigil.Analysis.Explanation;

/// <summary>A fitted surrogate with its attributions: the model, the rows whose SHAP values were computed and those
/// values, each feature's mean |SHAP| and rank, and the model-free measures on the same sample.</summary>
internal sealed record SurrogateFit(
    GradientBoostedTrees Model,
    FeatureMatrix X,
    double[] Target,
    ExplanationSurrogate Info,
    IReadOnlyList<string> Features,
    double[] MeanAbsShap,
    int[] Rank,
    int[] ShapRows,
    double[,] Shap,
    int OverallShapRows,
    double[] MutualInformation,
    double?[] Spearman)
{
    /// <summary>The features by rank (largest mean |SHAP| first, ties by name).</summary>
    public IEnumerable<int> ByRank => Enumerable.Range(0, Features.Count).OrderBy(j => Rank[j]);
}

/// <summary>Fits the surrogate to a <see cref="SurrogateSample"/> and explains it: exact TreeSHAP on up to
/// <c>shapRows</c> rows (a seeded subset of the sample) → mean |SHAP| per feature; beside it, over the whole sample,
/// binned mutual information and Spearman's ρ between each feature and the target.</summary>
internal static class SurrogateExplainer
{
    /// <summary>Below this fidelity R² the explanations are flagged.</summary>
    public const double LowFidelity = 0.8;
    /// <summary>Quantile bins of the feature and the target for the mutual information.</summary>
    public const int MiBins = 10;

    /// <summary>The learner's settings: scikit-learn's defaults with up to 200 trees, early stopping always on (its
    /// held-out rows give the fidelity R²), seeded.</summary>
    public static GradientBoostingOptions Options(int seed) => new()
    {
        MaxIterations = 200,
        EarlyStopping = EarlyStoppingMode.On,
        Seed = unchecked((ulong)seed),
    };

    /// <param name="segmentShapRows">Per segment key (when the sample has keys), up to this many of the segment's rows
    /// get SHAP values too, so small segments are not left with a handful.</param>
    public static SurrogateFit Fit(SurrogateSample sample, IReadOnlyList<string> features, int shapRows, int seed, int segmentShapRows = 0,
        Action<string>? stage = null, CancellationToken ct = default)
    {
        var x = sample.Matrix(features);
        var y = sample.Target;
        var model = GradientBoostedTrees.Fit(x, y, Options(seed), ct);
        var n = sample.RowCount;

        // A seeded permutation of the sample: the first shapRows rows are the overall SHAP rows; a segment adds its own
        // first rows in the same order.
        var perm = Enumerable.Range(0, n).ToArray();
        var rng = new Random(seed);
        for (var i = n - 1; i > 0; i--)
        {
            var k = rng.Next(i + 1);
            (perm[i], perm[k]) = (perm[k], perm[i]);
        }
        var overall = Math.Min(shapRows, n);
        var chosen = new bool[n];
        for (var i = 0; i < overall; i++) chosen[perm[i]] = true;
        if (sample.Keys is { } keys && segmentShapRows > 0)
        {
            var taken = new Dictionary<SliceKey, int>();
            foreach (var row in perm)
            {
                var c = taken.GetValueOrDefault(keys[row]);
                if (c >= segmentShapRows) continue;
                taken[keys[row]] = c + 1;
                chosen[row] = true;
            }
        }
        var rows = Enumerable.Range(0, n).Where(i => chosen[i]).ToArray();
        stage?.Invoke($"TreeSHAP on {rows.Length:N0} rows");
        var shap = model.ShapValues(x, out var expected, rows, ct);
        var overallSet = new bool[n];
        for (var i = 0; i < overall; i++) overallSet[perm[i]] = true;
        var f = features.Count;
        var mean = new double[f];
        for (var i = 0; i < rows.Length; i++)
        {
            if (!overallSet[rows[i]]) continue;
            for (var j = 0; j < f; j++) mean[j] += Math.Abs(shap[i, j]);
        }
        for (var j = 0; j < f; j++) mean[j] /= overall;

        var report = model.Report!;
        var info = new ExplanationSurrogate(report.ValidationR2, model.TreeCount, model.LeafCount, n, sample.EligibleRows, overall,
            sample.TargetKind, sample.TargetColumn, expected, report.ValidationR2 is not { } r2 || r2 < LowFidelity);
        stage?.Invoke("Mutual information and Spearman's ρ");
        var (mi, rho) = Association(x, y);
        return new SurrogateFit(model, x, y, info, features, mean, Ranks(features, mean), rows, shap, overall, mi, rho);
    }

    /// <summary>Rank 1 = largest value; ties by name (ordinal).</summary>
    public static int[] Ranks(IReadOnlyList<string> names, IReadOnlyList<double> values)
    {
        var order = Enumerable.Range(0, names.Count).OrderByDescending(j => values[j]).ThenBy(j => names[j], StringComparer.Ordinal).ToArray();
        var rank = new int[names.Count];
        for (var r = 0; r < order.Length; r++) rank[order[r]] = r + 1;
        return rank;
    }

    /// <summary>Mutual information (nats) of each feature with the target, and Spearman's ρ for numeric features.
    /// Numeric features are cut into <see cref="MiBins"/> quantile bins of their present values, with missing values a
    /// bin of their own; categories are taken as they are (missing one more); the target is cut into
    /// <see cref="MiBins"/> quantile bins. ρ uses the rows where the feature is present (null when undefined).</summary>
    public static (double[] Mi, double?[] Spearman) Association(FeatureMatrix x, double[] y)
    {
        var yBins = MutualInformation.QuantileBins(y, MiBins);
        var mi = new double[x.FeatureCount];
        var rho = new double?[x.FeatureCount];
        // Features are independent: one per thread, each writing its own slots.
        Parallel.For(0, x.FeatureCount, j =>
        {
            var c = x[j];
            int[] codes;
            if (c.Kind == FeatureKind.Numeric)
            {
                var v = c.Values!;
                var present = new List<int>(v.Length);
                for (var i = 0; i < v.Length; i++) if (!double.IsNaN(v[i])) present.Add(i);
                codes = new int[v.Length];
                Array.Fill(codes, -1);
                if (present.Count > 0)
                {
                    var pv = present.Select(i => v[i]).ToArray();
                    var py = present.Select(i => y[i]).ToArray();
                    var bins = MutualInformation.QuantileBins(pv, MiBins);
                    for (var k = 0; k < present.Count; k++) codes[present[k]] = bins[k];
                    var s = Spearman.FromArrays(pv, py).Value;
                    rho[j] = double.IsFinite(s) ? s : null;
                }
            }
            else codes = c.Codes!;
            var m = MutualInformation.FromCodes(codes, yBins).Value;
            mi[j] = double.IsFinite(m) ? m : 0;
        });
        return (mi, rho);
    }

    /// <summary>Each feature's impact on both sides and the change, largest |change| first (ties by name). A feature
    /// missing on a side has impact 0 there and the rank after that side's last.</summary>
    public static IReadOnlyList<FeatureImpactChange> Changes(SurrogateFit baseline, SurrogateFit candidate)
    {
        var names = candidate.Features.Union(baseline.Features, StringComparer.Ordinal).ToList();
        (double Impact, int Rank) Of(SurrogateFit fit, string name)
        {
            var j = IndexOf(fit.Features, name);
            return j < 0 ? (0, fit.Features.Count + 1) : (fit.MeanAbsShap[j], fit.Rank[j]);
        }
        return names.Select(nm =>
            {
                var (ci, cr) = Of(candidate, nm);
                var (bi, br) = Of(baseline, nm);
                return new FeatureImpactChange(nm, ci, cr, bi, br, ci - bi);
            })
            .OrderByDescending(c => Math.Abs(c.Change)).ThenBy(c => c.Feature, StringComparer.Ordinal).ToList();
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++) if (names[i] == name) return i;
        return -1;
    }
}
