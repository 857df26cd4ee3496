using Vigil.Statistics.Internal;
using MathNet.Numerics;

namespace Vigil.Statistics.Drift;

/// <summary>One method's verdict on one column: its statistic, its p-value (null for distances), the threshold and
/// whether the column drifted (p-value below the threshold, or distance at or above it).</summary>
public sealed record DriftTestResult(string Method, double? Statistic, double? PValue, double Threshold, bool Drifted)
{
    /// <summary>A result whose NaN statistic or p-value (undefined, e.g. a constant column) is reported as null.</summary>
    internal static DriftTestResult Create(string method, double? statistic, double? pValue, double threshold, bool drifted) =>
        new(method, statistic is { } s && double.IsNaN(s) ? null : statistic, pValue is { } p && double.IsNaN(p) ? null : pValue, threshold, drifted);
}

/// <summary>
/// The drift methods with Evidently's definitions and default thresholds, computed exactly from
/// <see cref="ValueCounts"/> (see docs/drift-methods.md). P-values follow SciPy.
/// </summary>
public static class DriftMethods
{
    /// <summary>Every method this class implements, in the order reports list them.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        "ks", "chisquare", "z", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger",
        "TVD", "anderson", "cramer_von_mises", "ed", "mannw", "t_test", "fisher_exact", "g_test", "empirical_mmd", "l_infinity",
    ];

    /// <summary>Other names accepted for a method: <c>energy</c> for <c>ed</c>.</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } = new Dictionary<string, string> { ["energy"] = "ed" };

    /// <summary>The registered name of a method or alias (the name itself when it is not an alias).</summary>
    public static string Canonical(string method) => Aliases.TryGetValue(method, out var name) ? name : method;

    /// <summary>Whether a name (or alias) is a method this class implements.</summary>
    public static bool IsKnown(string method) => Names.Contains(Canonical(method));

    /// <summary>Whether a p-value drifts against a threshold with the method's own comparison: ks and
    /// cramer_von_mises drift at p ≤ threshold, every other test below it.</summary>
    public static bool PValueDrifts(string method, double p, double threshold) =>
        !double.IsNaN(p) && (Canonical(method) is "ks" or "cramer_von_mises" ? p <= threshold : p < threshold);

    /// <summary>Whether a method reports a p-value (drift when it is below the threshold) rather than a distance.</summary>
    public static bool IsTest(string method) => Canonical(method) is "ks" or "chisquare" or "z" or "TVD" or "anderson"
        or "cramer_von_mises" or "mannw" or "t_test" or "fisher_exact" or "g_test" or "empirical_mmd";

    /// <summary>The column types a method accepts when it is named (the automatic choice may still run chisquare or z
    /// on a numerical column with few values, as Evidently does).</summary>
    public static bool Accepts(string method, ColumnType type) => Canonical(method) switch
    {
        "ks" or "wasserstein" or "anderson" or "cramer_von_mises" or "ed" or "mannw" or "t_test" or "empirical_mmd" => type == ColumnType.Numerical,
        "chisquare" or "z" or "TVD" or "fisher_exact" or "g_test" or "l_infinity" => type == ColumnType.Categorical,
        _ => true,
    };

    /// <summary>Evidently's default threshold of a method (NannyML's for l_infinity).</summary>
    public static double DefaultThreshold(string method) => Canonical(method) switch
    {
        "ks" or "chisquare" or "z" or "mannw" or "t_test" => 0.05,
        "wasserstein" or "jensenshannon" or "psi" or "kl_div" or "hellinger" => 0.1,
        "TVD" or "anderson" or "cramer_von_mises" or "ed" or "fisher_exact" or "g_test" or "l_infinity" or "empirical_mmd" => 0.1,
        _ => throw new ArgumentException($"unknown drift method '{method}'", nameof(method)),
    };

    /// <summary>Why a method cannot run on a column, or null when it can. <paramref name="named"/>: the user chose
    /// the method, so it must accept the column's type.</summary>
    public static string? Refusal(string method, ValueCounts v, bool named = true)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (BasicRefusal(method, v.Type, v.ReferenceTotal, v.CurrentTotal, named) is { } basic) return basic;
        return Canonical(method) switch
        {
            "anderson" => NumericalDrift.AndersonRefusal(v),
            "cramer_von_mises" => NumericalDrift.CramerVonMisesRefusal(v),
            "fisher_exact" => CategoricalDrift.FisherRefusal(v),
            "empirical_mmd" => MmdTest.Refusal(v),
            "TVD" when v.ReferenceTotal + v.CurrentTotal > CategoricalDrift.MaxTvdValues =>
                $"TVD's permutation test is limited to {CategoricalDrift.MaxTvdValues:N0} values (1000 shuffles of every value)",
            _ => null,
        };
    }

    /// <summary>What refuses a method whatever the values: an unknown name, an empty side, the wrong column type.</summary>
    private static string? BasicRefusal(string method, ColumnType type, long referenceTotal, long currentTotal, bool named)
    {
        if (!IsKnown(method)) return $"unknown drift method '{method}'";
        if (referenceTotal == 0) return "the reference has no values";
        if (currentTotal == 0) return "the current data has no values";
        var name = Canonical(method);
        // Only chisquare and z run on the other column type, when the automatic choice picks them.
        if ((named || name is not ("chisquare" or "z")) && !Accepts(name, type))
            return $"{method} compares {(type == ColumnType.Numerical ? "categorical" : "numerical")} columns only";
        return null;
    }

    /// <summary>Whether a method runs on two <see cref="SortedSample"/>s in ordered passes, without the merged counts.</summary>
    public static bool RunsOnSamples(string method) => Canonical(method) is "ks" or "wasserstein";

    /// <summary>Why a method cannot run on two numerical samples, or null (for the methods of <see cref="RunsOnSamples"/>).</summary>
    public static string? RefusalOnSamples(string method, SampleCensus census, bool named = true) =>
        BasicRefusal(method, ColumnType.Numerical, census.ReferenceTotal, census.CurrentTotal, named);

    /// <summary>Runs ks or wasserstein on two numerical samples: the same result as <see cref="Run"/> on their merged
    /// counts, from the one-pass summary (and, for wasserstein, two passes over the reference).</summary>
    public static DriftTestResult RunOnSamples(string method, SortedSample reference, SampleSummary summary, double? threshold = null, bool named = true) =>
        RunOnSummary(method, summary, Canonical(method) == "wasserstein" ? SortedSamples.ReferenceStandardDeviation(reference) : double.NaN, threshold, named);

    /// <summary><see cref="RunOnSamples"/> from the one-pass summary alone, with the reference's standard deviation
    /// already known (<see cref="OrderedRuns"/>, which never holds the samples).</summary>
    public static DriftTestResult RunOnSummary(string method, SampleSummary summary, double referenceStandardDeviation, double? threshold = null, bool named = true)
    {
        ArgumentNullException.ThrowIfNull(summary);
        var census = summary.Census;
        if (RefusalOnSamples(method, census, named) is { } why) throw new ArgumentException(why, nameof(method));
        var t = threshold ?? DefaultThreshold(method);
        return Canonical(method) switch
        {
            "ks" => Ks(summary.KsStatistic, census.ReferenceTotal, census.CurrentTotal, t),
            "wasserstein" => Distance(method, SortedSamples.Normed(summary.Wasserstein, summary.WassersteinHalf, referenceStandardDeviation), t),
            _ => throw new ArgumentException($"{method} needs the merged counts; see RunsOnSamples", nameof(method)),
        };
    }

    /// <summary>Runs a method (its default threshold unless one is given).</summary>
    public static DriftTestResult Run(string method, ValueCounts v, double? threshold = null, bool named = true)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (Refusal(method, v, named) is { } why) throw new ArgumentException(why, nameof(method));
        var t = threshold ?? DefaultThreshold(method);
        return Canonical(method) switch
        {
            "ks" => Ks(v, t),
            "chisquare" => ChiSquare(v, t),
            "z" => ZTest(v, t),
            "wasserstein" => Distance(method, WassersteinNormed(v), t),
            "jensenshannon" => Distance(method, JensenShannon(v), t),
            "psi" => Distance(method, Psi(v), t),
            "kl_div" => Distance(method, KlDivergence(v), t),
            "hellinger" => Distance(method, Hellinger(v), t),
            "TVD" => CategoricalDrift.TotalVariation(v, t),
            "anderson" => NumericalDrift.Anderson(v, t),
            "cramer_von_mises" => NumericalDrift.CramerVonMises(v, t),
            "ed" => StrictDistance("ed", NumericalDrift.EnergyDistance(v), t),
            "mannw" => NumericalDrift.MannWhitney(v, t),
            "t_test" => NumericalDrift.TTest(v, t),
            "fisher_exact" => CategoricalDrift.FisherExact(v, t),
            "g_test" => CategoricalDrift.GTest(v, t),
            "empirical_mmd" => MmdTest.Run(v, t),
            "l_infinity" => StrictDistance("l_infinity", CategoricalDrift.LInfinity(v), t),
            _ => throw new ArgumentException($"unknown drift method '{method}'", nameof(method)),
        };
    }

    /// <summary>SciPy's <c>ks_2samp</c>: in its exact branch (both samples up to 10,000 values) the statistic is
    /// rounded to a multiple of 1 / lcm(n_R, n_C) and that is what it reports; drift when p ≤ threshold.</summary>
    private static DriftTestResult Ks(ValueCounts v, double threshold) => Ks(KsStatistic(v), v.ReferenceTotal, v.CurrentTotal, threshold);

    private static DriftTestResult Ks(double statistic, long referenceTotal, long currentTotal, double threshold)
    {
        var (d, p) = KolmogorovSmirnov.TwoSample(statistic, referenceTotal, currentTotal);
        return new DriftTestResult("ks", d, p, threshold, p <= threshold);
    }

    private static DriftTestResult Distance(string method, double value, double threshold) =>
        DriftTestResult.Create(method, value, null, threshold, value >= threshold);

    /// <summary>A distance that drifts only when strictly above the threshold (Evidently's ed, NannyML's l_infinity).</summary>
    private static DriftTestResult StrictDistance(string method, double value, double threshold) =>
        new(method, value, null, threshold, value > threshold);

    /// <summary>The two-sample Kolmogorov–Smirnov statistic: the largest gap between the two empirical distribution
    /// functions, each evaluated after every distinct value.</summary>
    public static double KsStatistic(ValueCounts v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var gap = new KsGap(v.ReferenceTotal, v.CurrentTotal);
        for (var i = 0; i < v.Count; i++) gap.Add(v.Reference[i], v.Current[i]);
        return gap.Max;
    }

    /// <summary>SciPy's <c>wasserstein_distance(reference, current)</c>: the area between the two distribution functions.</summary>
    public static double Wasserstein(ValueCounts v)
    {
        ArgumentNullException.ThrowIfNull(v);
        if (v.Type != ColumnType.Numerical) throw new ArgumentException("wasserstein needs a numerical column", nameof(v));
        var x = v.Numbers!;
        var sum = new WassersteinSum(v.ReferenceTotal, v.CurrentTotal);
        for (var i = 0; i < v.Count; i++) sum.Add(x[i], v.Reference[i], v.Current[i]);
        return sum.Value;
    }

    /// <summary>Evidently's normed Wasserstein distance: the distance over the reference's standard deviation (numpy's
    /// population form), or over 0.001 when that is smaller.</summary>
    public static double WassersteinNormed(ValueCounts v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var std = v.ReferenceStandardDeviation
                  ?? SortedSamples.ReferenceStandardDeviation(new SortedSample(v.Numbers!, v.Reference, v.Count));
        if (v.Type != ColumnType.Numerical) throw new ArgumentException("wasserstein needs a numerical column", nameof(v));
        var x = v.Numbers!;
        var sum = new WassersteinSum(v.ReferenceTotal, v.CurrentTotal);
        for (var i = 0; i < v.Count; i++) sum.Add(x[i], v.Reference[i], v.Current[i]);
        return SortedSamples.Normed(sum.Value, sum.Half, std);
    }

    /// <summary>Evidently's chi-square test: current counts against reference counts scaled to the current size, over
    /// every value either sample holds; SciPy's <c>chisquare</c> (k - 1 degrees of freedom).</summary>
    private static DriftTestResult ChiSquare(ValueCounts v, double threshold)
    {
        var scale = (double)v.CurrentTotal / v.ReferenceTotal;
        var terms = new double[v.Count];
        var infinite = false;
        for (var i = 0; i < v.Count; i++)
        {
            var expected = v.Reference[i] * scale;
            double observed = v.Current[i];
            if (expected == 0)
            {
                if (observed != 0) infinite = true;
                continue;
            }
            terms[i] = (observed - expected) * (observed - expected) / expected;
        }
        var x = infinite ? double.PositiveInfinity : NumpySum.Sum(terms);
        var df = v.Count - 1;
        double? p = df < 1 ? null : ChiSquareSf(x, df);
        return new DriftTestResult("chisquare", x, p, threshold, p is { } pv && pv < threshold);
    }

    /// <summary>chi2.sf(x, df): the regularized upper incomplete gamma function Q(df/2, x/2).</summary>
    internal static double ChiSquareSf(double x, int df)
    {
        if (double.IsPositiveInfinity(x)) return 0;
        if (x <= 0) return 1;
        return SpecialFunctions.GammaUpperRegularized(df / 2.0, x / 2.0);
    }

    /// <summary>Evidently's z-test for two proportions: the share of values other than the smallest one (numbers by
    /// value, categories in ordinal order) in each sample, pooled standard error, two-sided p-value 2·(1 − Φ(|z|)).
    /// Both samples holding the same single value give p = 1 and no statistic.</summary>
    private static DriftTestResult ZTest(ValueCounts v, double threshold)
    {
        var present = Enumerable.Range(0, v.Count).Where(i => v.Reference[i] + v.Current[i] > 0).ToArray();
        var refOnly = present.Where(i => v.Reference[i] > 0).ToArray();
        var curOnly = present.Where(i => v.Current[i] > 0).ToArray();
        if (refOnly.Length == 1 && curOnly.Length == 1 && refOnly[0] == curOnly[0]) return new DriftTestResult("z", null, 1, threshold, false);
        var key = v.Type == ColumnType.Categorical
            ? present.OrderBy(i => v.Categories![i], StringComparer.Ordinal).First()
            : present.First();
        double n1 = v.ReferenceTotal, n2 = v.CurrentTotal;
        var p1 = (n1 - v.Reference[key]) / n1;
        var p2 = (n2 - v.Current[key]) / n2;
        var pooled = (p1 * n1 + p2 * n2) / (n1 + n2);
        var z = (p1 - p2) / Math.Sqrt(pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2));
        var p = 2 * (1 - NormalCdf(Math.Abs(z)));
        return new DriftTestResult("z", z, p, threshold, p < threshold);
    }

    /// <summary>scipy.special.ndtr as cephes computes it (erf near 0, erfc elsewhere).</summary>
    internal static double NormalCdf(double a)
    {
        if (double.IsNaN(a)) return double.NaN;
        const double sqrtHalf = 0.70710678118654752440;
        var x = a * sqrtHalf;
        var z = Math.Abs(x);
        if (z < sqrtHalf) return 0.5 + 0.5 * SpecialFunctions.Erf(x);
        var y = 0.5 * SpecialFunctions.Erfc(z);
        return x > 0 ? 1.0 - y : y;
    }

    /// <summary>SciPy's <c>jensenshannon</c> of the binned shares (no filling of empty bins, natural log):
    /// √((KL(p‖m) + KL(q‖m)) / 2), m the mean of the two normalised vectors.</summary>
    public static double JensenShannon(ValueCounts v)
    {
        var (r, c) = Binning.Shares(v, fillZeroes: false);
        Normalize(r);
        Normalize(c);
        var left = new double[r.Length];
        var right = new double[r.Length];
        for (var i = 0; i < r.Length; i++)
        {
            var m = (r[i] + c[i]) / 2.0;
            left[i] = RelEntr(r[i], m);
            right[i] = RelEntr(c[i], m);
        }
        return Math.Sqrt((NumpySum.Sum(left) + NumpySum.Sum(right)) / 2.0);
    }

    /// <summary>Population stability index of the binned shares (empty bins filled, no renormalisation):
    /// Σ (r − c)·ln(r / c).</summary>
    public static double Psi(ValueCounts v)
    {
        var (r, c) = Binning.Shares(v, fillZeroes: true);
        var terms = new double[r.Length];
        for (var i = 0; i < r.Length; i++) terms[i] = (r[i] - c[i]) * Math.Log(r[i] / c[i]);
        return NumpySum.Sum(terms);
    }

    /// <summary>KL(reference ‖ current) of the binned shares (empty bins filled, then both renormalised, as SciPy's
    /// <c>entropy</c> does).</summary>
    public static double KlDivergence(ValueCounts v)
    {
        var (r, c) = Binning.Shares(v, fillZeroes: true);
        Normalize(r);
        Normalize(c);
        var terms = new double[r.Length];
        for (var i = 0; i < r.Length; i++) terms[i] = RelEntr(r[i], c[i]);
        return NumpySum.Sum(terms);
    }

    /// <summary>Evidently's Hellinger distance, √(1 − BC) with the Bhattacharyya coefficient BC clipped to [0, 1]:
    /// over category shares for a categorical column; for a numerical one over NumPy densities on Sturges bins cut
    /// from the distinct values, BC = Σ √(h_R·h_C)·width. Summed in bin order, as Evidently's loop does.</summary>
    public static double Hellinger(ValueCounts v)
    {
        ArgumentNullException.ThrowIfNull(v);
        double bc = 0.0;
        if (v.Type == ColumnType.Categorical)
        {
            for (var i = 0; i < v.Count; i++)
                bc += Math.Sqrt((double)v.Reference[i] / v.ReferenceTotal * ((double)v.Current[i] / v.CurrentTotal));
        }
        else
        {
            var edges = Binning.SturgesEdges(v.Numbers![0], v.Numbers[^1], v.Count);
            var bins = edges.Length - 1;
            var (r, c) = Binning.Counts(v, edges);
            var width = (edges[^1] - edges[0]) / bins;
            for (var b = 0; b < bins; b++)
            {
                var db = edges[b + 1] - edges[b];
                var h1 = r[b] / db / v.ReferenceTotal;
                var h2 = c[b] / db / v.CurrentTotal;
                bc += Math.Sqrt(h1 * h2) * width;
            }
        }
        return Math.Sqrt(1 - Math.Clamp(bc, 0, 1));
    }

    private static void Normalize(double[] p)
    {
        var total = NumpySum.Sum(p);
        for (var i = 0; i < p.Length; i++) p[i] /= total;
    }

    /// <summary>scipy.special.rel_entr: x·ln(x / y), 0 when x = 0, infinite when y = 0 &lt; x.</summary>
    private static double RelEntr(double x, double y)
    {
        if (x == 0 && y >= 0) return 0;
        if (x > 0 && y > 0) return x * Math.Log(x / y);
        return double.PositiveInfinity;
    }
}
