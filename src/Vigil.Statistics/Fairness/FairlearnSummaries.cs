namespace Vigil.Statistics.Fairness;

/// <summary>How a disparity summary compares the groups (Fairlearn's <c>method=</c>).</summary>
public enum DisparityMethod
{
    /// <summary>difference = max − min over the groups; ratio = min / max.</summary>
    BetweenGroups,
    /// <summary>difference = max over groups of |group − overall|; ratio = min over groups of min(group / overall,
    /// overall / group), computed as Fairlearn does: r = group / overall, then 1 / r when r &gt; 1.</summary>
    ToOverall,
}

/// <summary>One scalar disparity summary, such as demographic_parity_difference with method between_groups. Value is
/// NaN when it is undefined, and <paramref name="Note"/> then says why; Note also names groups left out because their
/// rate is undefined.</summary>
/// <param name="Name">Fairlearn's name: demographic_parity_difference, equalized_odds_ratio, …; for other rates
/// "&lt;rate&gt;_difference" / "&lt;rate&gt;_ratio" (for example false_positive_rate_ratio).</param>
/// <param name="Method">How the groups are compared.</param>
/// <param name="Value">The summary, NaN when undefined.</param>
/// <param name="Note">Why the value is NaN, or which groups were left out; null when there is nothing to say.</param>
public sealed record FairnessSummary(string Name, DisparityMethod Method, double Value, string? Note = null);

/// <summary>Fairlearn's scalar fairness summaries (fairlearn.metrics) from a <see cref="GroupMetricFrame"/>:
/// <list type="bullet">
/// <item>demographic_parity_difference / _ratio: the selection rate's difference / ratio;</item>
/// <item>equal_opportunity_difference / _ratio: the true positive rate's;</item>
/// <item>equalized_odds_difference = max(TPR difference, FPR difference); equalized_odds_ratio = min(TPR ratio, FPR
/// ratio) (Fairlearn's agg="worst_case").</item>
/// </list>
/// Difference and ratio follow MetricFrame.difference / MetricFrame.ratio with errors="coerce" (see
/// <see cref="DisparityMethod"/>). Undefined values:
/// <list type="bullet">
/// <item>A group whose rate is undefined (NaN, for example TPR in a group without positives) is skipped, as pandas'
/// min, max and abs().max() skip NaN. When no group has the rate defined, the summary is NaN.</item>
/// <item>A ratio 0/0 is NaN, as in Fairlearn (NumPy's 0.0/0.0): between_groups when every group's rate is 0; to_overall
/// a group with rate 0 against an overall rate of 0 is NaN and skipped (the overall rate is 0 only when every group's is).</item>
/// <item>Equalized odds: a component that is NaN is ignored and the other one used (NaN only when both are). Fairlearn
/// applies Python's built-in max/min to the pair (TPR, FPR), which returns NaN when the TPR component is NaN but ignores a
/// NaN FPR component; Vigil treats the two symmetrically.</item>
/// </list></summary>
public static class FairlearnSummaries
{
    /// <summary>The six Fairlearn summaries by both methods, in the order demographic parity (difference, ratio),
    /// equalized odds (difference, ratio), equal opportunity (difference, ratio), each between_groups then to_overall.</summary>
    public static IReadOnlyList<FairnessSummary> Compute(GroupMetricFrame frame)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var list = new List<FairnessSummary>(12);
        foreach (var (name, rates) in Definitions)
        {
            foreach (var kind in new[] { "difference", "ratio" })
            {
                foreach (var method in new[] { DisparityMethod.BetweenGroups, DisparityMethod.ToOverall })
                {
                    list.Add(Combine($"{name}_{kind}", method, kind == "ratio", rates.Select(r => Single(frame, r, method, kind == "ratio")).ToArray()));
                }
            }
        }
        return list;
    }

    /// <summary>MetricFrame.difference of one rate.</summary>
    public static FairnessSummary Difference(GroupMetricFrame frame, FairnessRate rate, DisparityMethod method = DisparityMethod.BetweenGroups)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var s = Single(frame, rate, method, ratio: false);
        return s with { Name = $"{Snake(rate)}_difference" };
    }

    /// <summary>MetricFrame.ratio of one rate.</summary>
    public static FairnessSummary Ratio(GroupMetricFrame frame, FairnessRate rate, DisparityMethod method = DisparityMethod.BetweenGroups)
    {
        ArgumentNullException.ThrowIfNull(frame);
        var s = Single(frame, rate, method, ratio: true);
        return s with { Name = $"{Snake(rate)}_ratio" };
    }

    private static readonly (string Name, FairnessRate[] Rates)[] Definitions =
    [
        ("demographic_parity", [FairnessRate.SelectionRate]),
        ("equalized_odds", [FairnessRate.TruePositiveRate, FairnessRate.FalsePositiveRate]),
        ("equal_opportunity", [FairnessRate.TruePositiveRate]),
    ];

    internal static string Snake(FairnessRate rate) => rate switch
    {
        FairnessRate.SelectionRate => "selection_rate",
        FairnessRate.TruePositiveRate => "true_positive_rate",
        FairnessRate.FalsePositiveRate => "false_positive_rate",
        FairnessRate.FalseNegativeRate => "false_negative_rate",
        FairnessRate.Precision => "precision",
        FairnessRate.Accuracy => "accuracy",
        _ => throw new ArgumentOutOfRangeException(nameof(rate), rate, null),
    };

    private static FairnessSummary Combine(string name, DisparityMethod method, bool ratio, FairnessSummary[] parts)
    {
        if (parts.Length == 1)
        {
            return parts[0] with { Name = name };
        }
        // Equalized odds: worst case of the TPR and FPR components, a NaN component ignored.
        var value = double.NaN;
        var notes = new List<string>();
        foreach (var p in parts)
        {
            if (!double.IsNaN(p.Value))
            {
                value = double.IsNaN(value) ? p.Value : ratio ? Math.Min(value, p.Value) : Math.Max(value, p.Value);
            }
            if (p.Note is not null)
            {
                notes.Add(p.Note);
            }
        }
        if (double.IsNaN(value))
        {
            notes.Add("both components are undefined");
        }
        else if (parts.Any(p => double.IsNaN(p.Value)))
        {
            notes.Add("the undefined component is ignored");
        }
        return new FairnessSummary(name, method, value, notes.Count == 0 ? null : string.Join("; ", notes));
    }

    private static FairnessSummary Single(GroupMetricFrame frame, FairnessRate rate, DisparityMethod method, bool ratio)
    {
        var label = Snake(rate);
        var name = $"{label}_{(ratio ? "ratio" : "difference")}";
        var skipped = new List<string>();
        var values = new List<double>(frame.ByGroup.Count);
        foreach (var g in frame.ByGroup)
        {
            var v = g.Rate(rate).Value;
            if (double.IsNaN(v))
            {
                skipped.Add(g.Key);
            }
            else
            {
                values.Add(v);
            }
        }
        string? skippedNote = skipped.Count == 0
            ? null
            : $"{label} is undefined in {skipped.Count} of {frame.ByGroup.Count} groups ({string.Join(", ", skipped)}), left out";
        FairnessSummary Undefined(string why) =>
            new(name, method, double.NaN, skippedNote is null ? why : $"{why}; {skippedNote}");

        if (values.Count == 0)
        {
            return Undefined(frame.ByGroup.Count == 0 ? "there are no groups" : $"{label} is undefined in every group");
        }
        if (method == DisparityMethod.BetweenGroups)
        {
            double min = values.Min(), max = values.Max();
            if (!ratio)
            {
                return new FairnessSummary(name, method, max - min, skippedNote);
            }
            return max == 0.0
                ? Undefined($"{label} is 0 in every group: the ratio 0/0 is undefined")
                : new FairnessSummary(name, method, min / max, skippedNote);
        }

        var overall = frame.Overall.Rate(rate).Value;
        if (double.IsNaN(overall))
        {
            return Undefined($"the overall {label} is undefined");
        }
        var result = double.NaN;
        foreach (var v in values)
        {
            double d;
            if (ratio)
            {
                var r = v / overall;           // 0/0 → NaN (skipped), x/0 → ∞ → 1/∞ = 0
                d = r > 1.0 ? 1.0 / r : r;
                if (double.IsNaN(d))
                {
                    continue;
                }
                result = double.IsNaN(result) ? d : Math.Min(result, d);
            }
            else
            {
                d = Math.Abs(v - overall);
                result = double.IsNaN(result) ? d : Math.Max(result, d);
            }
        }
        return double.IsNaN(result)
            ? Undefined($"{label} is 0 in every group and overall: every ratio 0/0 is undefined")
            : new FairnessSummary(name, method, result, skippedNote);
    }
}
