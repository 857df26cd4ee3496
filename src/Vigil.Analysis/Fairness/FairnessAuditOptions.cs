using Vigil.Analysis.Columns;
using Vigil.Statistics.Fairness;

namespace Vigil.Analysis.Fairness;

/// <summary>Options of <c>vigil fairness</c>.</summary>
public sealed record FairnessAuditOptions
{
    public MappingOptions Mapping { get; init; } = new();
    /// <summary>The sensitive columns (at least one, at most 4).</summary>
    public IReadOnlyList<string> Sensitive { get; init; } = [];
    /// <summary>Attribute → reference value (--reference-group gender=male); an attribute not named uses its largest group.</summary>
    public IReadOnlyDictionary<string, string> ReferenceGroups { get; init; } = new Dictionary<string, string>();
    /// <summary>A row is predicted positive when score ≥ threshold; null: 0.5 (the default, said so in the report).</summary>
    public double? Threshold { get; init; }
    /// <summary>How the summaries compare the groups.</summary>
    public DisparityMethod Method { get; init; } = DisparityMethod.BetweenGroups;
    /// <summary>τ of the fairness band [τ, 1/τ].</summary>
    public double Tau { get; init; } = 0.8;
    /// <summary>Groups smaller than this are flagged.</summary>
    public long MinimumGroupSize { get; init; } = 30;
    /// <summary>Confidence of the Wilson intervals.</summary>
    public double Confidence { get; init; } = 0.95;
    /// <summary>The intersection of every sensitive attribute (when there are at least two).</summary>
    public bool Intersections { get; init; } = true;
    /// <summary>The mitigation's constraint; null: no mitigation.</summary>
    public FairnessConstraint? Constraint { get; init; } = FairnessConstraint.DemographicParity;
    /// <summary>The attribute mitigated; null: the first sensitive attribute.</summary>
    public string? MitigateOn { get; init; }
    /// <summary>Costs for the mitigation's objective; both null: accuracy.</summary>
    public double? CostFp { get; init; }
    public double? CostFn { get; init; }
    /// <summary>Proxies: how well the other features predict each attribute (the tree learner on a sample).</summary>
    public bool Proxies { get; init; } = true;
    /// <summary>Rows of the proxies' seeded sample at most.</summary>
    public int ProxyRows { get; init; } = 200_000;
    public int Seed { get; init; } = 42;
    /// <summary>All features together at or above this AUC: the attribute is encoded in the features.</summary>
    public double ProxyCutoff { get; init; } = 0.7;
    /// <summary>Distinct values of a sensitive column at most (beyond: it is not a group attribute; bucket it first).</summary>
    public int MaxGroups { get; init; } = 100;
}

/// <summary>The names <c>--constraint</c> and <c>--method</c> accept.</summary>
public static class FairnessNames
{
    public static string Of(FairnessConstraint c) => c switch
    {
        FairnessConstraint.DemographicParity => "demographic_parity",
        FairnessConstraint.EqualOpportunity => "equal_opportunity",
        _ => "equalized_odds",
    };

    public static FairnessConstraint? Constraint(string s) => s.Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        "demographic_parity" => FairnessConstraint.DemographicParity,
        "equal_opportunity" or "true_positive_rate_parity" => FairnessConstraint.EqualOpportunity,
        "equalized_odds" => FairnessConstraint.EqualizedOdds,
        _ => null,
    };

    public static string Of(DisparityMethod m) => m == DisparityMethod.BetweenGroups ? "between_groups" : "to_overall";

    public static DisparityMethod? Method(string s) => s.Trim().ToLowerInvariant().Replace('-', '_') switch
    {
        "between_groups" => DisparityMethod.BetweenGroups,
        "to_overall" => DisparityMethod.ToOverall,
        _ => null,
    };
}
