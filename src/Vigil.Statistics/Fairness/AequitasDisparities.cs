namespace Vigil.Statistics.Fairness;

/// <summary>Options of <see cref="AequitasDisparities.Compute"/>.</summary>
public sealed record DisparityOptions
{
    /// <summary>τ of the fairness band: a disparity d is fair when τ ≤ d ≤ 1/τ (default 0.8, Aequitas' default and the
    /// "80 % rule"; the band is then 0.8 to 1.25). Must lie in (0, 1].</summary>
    public double Tau { get; init; } = 0.8;

    /// <summary>The reference group's key; null chooses the largest group (Aequitas' "majority" reference, the first one
    /// in input order when several are equally large).</summary>
    public string? ReferenceGroup { get; init; }
}

/// <summary>One group's disparity on one metric: Disparity = Value / ReferenceValue. Disparity and Fair are
/// NaN / null when the group's value is undefined or the reference value is 0 or undefined, and
/// <paramref name="Reason"/> says which. (Aequitas would report x/0 as 10, its fill_divbyzero, and 0/0 as NaN.)</summary>
/// <param name="Group">The group's key.</param>
/// <param name="Metric">Aequitas' metric name: ppr, pprev, precision, fpr, fnr, tpr, or accuracy.</param>
/// <param name="Value">The group's metric.</param>
/// <param name="ReferenceValue">The reference group's metric.</param>
/// <param name="Disparity">Value / ReferenceValue, NaN when undefined.</param>
/// <param name="Fair">τ ≤ Disparity ≤ 1/τ; null when the disparity is undefined.</param>
/// <param name="Reason">Why the disparity is undefined; null when it is defined.</param>
public sealed record GroupDisparity(string Group, string Metric, double Value, double ReferenceValue, double Disparity, bool? Fair, string? Reason = null);

/// <summary>A metric's verdict over all groups, as Aequitas' attribute-level fairness: unfair when any group's
/// disparity is outside the band, undefined (null) when every group's disparity is undefined, fair otherwise.</summary>
/// <param name="Metric">Aequitas' metric name.</param>
/// <param name="Fair">The verdict, null when undefined.</param>
/// <param name="UnfairGroups">Groups outside the band.</param>
/// <param name="UndefinedGroups">Groups whose disparity is undefined.</param>
public sealed record MetricParity(string Metric, bool? Fair, IReadOnlyList<string> UnfairGroups, IReadOnlyList<string> UndefinedGroups);

/// <summary>Aequitas-style disparities of every group against one reference group.</summary>
/// <param name="ReferenceGroup">The reference group's key; null when there are no groups.</param>
/// <param name="ReferenceIsLargest">True when the reference was chosen as the largest group.</param>
/// <param name="Tau">τ of the band [τ, 1/τ].</param>
/// <param name="Disparities">For each group (input order), each metric in <see cref="AequitasDisparities.Metrics"/> order.</param>
/// <param name="Parities">One verdict per metric.</param>
public sealed record DisparityReport(string? ReferenceGroup, bool ReferenceIsLargest, double Tau, IReadOnlyList<GroupDisparity> Disparities, IReadOnlyList<MetricParity> Parities);

/// <summary>Aequitas' group disparities (aequitas.bias.Bias.get_disparity_major_group / predefined reference, and
/// aequitas.fairness.Fairness with its default fair_eval): for each group and metric, disparity = group metric / reference
/// group's metric, fair when τ ≤ disparity ≤ 1/τ. Metrics, from the counts at the threshold:
/// ppr = PP_g / Σ_h PP_h (the group's share of all predicted positives), pprev = PP_g / n_g (predicted prevalence,
/// the selection rate), precision = TP / PP, fpr = FP / N, fnr = FN / P, tpr = TP / P, accuracy = (TP + TN) / n.</summary>
public static class AequitasDisparities
{
    /// <summary>The metric names, in report order.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["ppr", "pprev", "precision", "fpr", "fnr", "tpr", "accuracy"];

    /// <summary>Computes the disparities. Throws <see cref="ArgumentException"/> when τ is outside (0, 1] or the named
    /// reference group does not exist; never for data-dependent reasons.</summary>
    public static DisparityReport Compute(GroupMetricFrame frame, DisparityOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(frame);
        options ??= new DisparityOptions();
        var tau = options.Tau;
        if (!(tau > 0.0 && tau <= 1.0))
        {
            throw new ArgumentException($"τ must lie in (0, 1], got {tau}.", nameof(options));
        }
        var groups = frame.ByGroup;
        if (groups.Count == 0)
        {
            return new DisparityReport(null, options.ReferenceGroup is null, tau, [],
                Metrics.Select(m => new MetricParity(m, null, [], [])).ToArray());
        }

        var refIndex = -1;
        if (options.ReferenceGroup is { } named)
        {
            for (var i = 0; i < groups.Count && refIndex < 0; i++)
            {
                if (groups[i].Key == named)
                {
                    refIndex = i;
                }
            }
            if (refIndex < 0)
            {
                throw new ArgumentException($"The reference group '{named}' is not one of the groups ({string.Join(", ", groups.Select(g => g.Key))}).", nameof(options));
            }
        }
        else
        {
            refIndex = 0;
            for (var i = 1; i < groups.Count; i++)
            {
                if (groups[i].Size > groups[refIndex].Size)
                {
                    refIndex = i;
                }
            }
        }

        long predictedPositives = 0;
        foreach (var g in groups)
        {
            predictedPositives += g.Confusion.Tp + g.Confusion.Fp;
        }
        var reference = groups[refIndex];
        var rows = new List<GroupDisparity>(groups.Count * Metrics.Count);
        var unfair = Metrics.ToDictionary(m => m, _ => new List<string>());
        var undefined = Metrics.ToDictionary(m => m, _ => new List<string>());
        foreach (var g in groups)
        {
            foreach (var m in Metrics)
            {
                double v = Value(g, m, predictedPositives), r = Value(reference, m, predictedPositives);
                string? reason = null;
                if (double.IsNaN(v))
                {
                    reason = $"{m} is undefined in group '{g.Key}'";
                }
                else if (double.IsNaN(r))
                {
                    reason = $"{m} is undefined in the reference group '{reference.Key}'";
                }
                else if (r == 0.0)
                {
                    reason = $"{m} is 0 in the reference group '{reference.Key}': the disparity {(v == 0.0 ? "0/0" : "x/0")} is undefined";
                }
                if (reason is not null)
                {
                    rows.Add(new GroupDisparity(g.Key, m, v, r, double.NaN, null, reason));
                    undefined[m].Add(g.Key);
                    continue;
                }
                var d = v / r;
                var fair = tau <= d && d <= 1.0 / tau;
                if (!fair)
                {
                    unfair[m].Add(g.Key);
                }
                rows.Add(new GroupDisparity(g.Key, m, v, r, d, fair));
            }
        }
        var parities = Metrics.Select(m => new MetricParity(
            m,
            undefined[m].Count == groups.Count ? null : unfair[m].Count == 0,
            unfair[m],
            undefined[m])).ToArray();
        return new DisparityReport(reference.Key, options.ReferenceGroup is null, tau, rows, parities);
    }

    private static double Value(GroupMetrics g, string metric, long predictedPositives) => metric switch
    {
        "ppr" => predictedPositives == 0 ? double.NaN : (double)(g.Confusion.Tp + g.Confusion.Fp) / predictedPositives,
        "pprev" => g.SelectionRate.Value,
        "precision" => g.Precision.Value,
        "fpr" => g.FalsePositiveRate.Value,
        "fnr" => g.FalseNegativeRate.Value,
        "tpr" => g.TruePositiveRate.Value,
        "accuracy" => g.Accuracy.Value,
        _ => throw new ArgumentOutOfRangeException(nameof(metric), metric, null),
    };
}
