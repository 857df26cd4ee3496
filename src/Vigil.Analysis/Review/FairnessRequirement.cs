using Vigil.Analysis.Fairness;
using Vigil.Analysis.Results;
using Vigil.Statistics.Fairness;

namespace Vigil.Analysis.Review;

/// <summary><c>- fairness: {attribute: gender, definition: equalized_odds, max_difference: 0.1, min_ratio: 0.8}</c>:
/// vigil fairness's Fairlearn summary of one sensitive attribute (between groups by default, <c>method: to_overall</c>
/// on request) for the stakeholders' definition, at the policy's threshold.</summary>
internal sealed class FairnessRequirementKind : IRequirementKind
{
    private static readonly string[] Keys = ["attribute", "definition", "max_difference", "min_ratio", "method"];
    public string Key => "fairness";

    public IRequirement Parse(PolicyReader p, PolicyItem item, string? name)
    {
        foreach (var (k, kn, _) in item.Entries)
            if (k is not ("name" or "fairness")) throw p.Error(kn, $"unknown key '{k}' beside 'fairness'; its settings go inside: fairness: {{attribute: gender, definition: equalized_odds, max_difference: 0.1}}");
        var node = item.Get(Key)!;
        var entries = p.Mapping(node, "'fairness'", Keys);
        YamlDotNet.RepresentationModel.YamlNode? Get(string k) => entries.FirstOrDefault(e => e.Key == k).Value;
        var attrNode = Get("attribute") ?? throw p.Error(node, "'fairness' needs 'attribute:', the sensitive column (e.g. gender)");
        var attribute = p.Scalar(attrNode, "'attribute' expects a column name");
        var defNode = Get("definition") ?? throw p.Error(node, "'fairness' needs 'definition:': demographic_parity, equal_opportunity or equalized_odds");
        var definition = FairnessNames.Constraint(p.Scalar(defNode, "'definition' expects a fairness definition"))
            ?? throw p.Error(defNode, $"'{p.Scalar(defNode, "")}' is not a fairness definition; expected demographic_parity, equal_opportunity or equalized_odds");
        var method = DisparityMethod.BetweenGroups;
        if (Get("method") is { } mn)
            method = FairnessNames.Method(p.Scalar(mn, "'method' expects between_groups or to_overall"))
                ?? throw p.Error(mn, $"'{p.Scalar(mn, "")}' is not a method; expected between_groups or to_overall");
        double? maxDifference = Get("max_difference") is { } d ? p.Number(d, "'max_difference'") : null;
        double? minRatio = Get("min_ratio") is { } r ? p.Number(r, "'min_ratio'") : null;
        if (maxDifference is null && minRatio is null) throw p.Error(node, "'fairness' needs a limit: 'max_difference:' and/or 'min_ratio:'");
        if (maxDifference is < 0 or > 1) throw p.Error(Get("max_difference")!, $"'max_difference' is {maxDifference}, outside [0, 1]; it is a difference of rates");
        if (minRatio is < 0 or > 1) throw p.Error(Get("min_ratio")!, $"'min_ratio' is {minRatio}, outside [0, 1]; it is the smaller rate over the larger");
        var def = FairnessNames.Of(definition);
        var limit = string.Join(" and ", new[] { maxDifference is { } x ? $"difference ≤ {ReviewFmt.N(x)}" : null, minRatio is { } y ? $"ratio ≥ {ReviewFmt.N(y)}" : null }.Where(s => s is not null));
        return new FairnessRequirement(name ?? $"{def} on {attribute}", attribute, definition, method, maxDifference, minRatio, limit);
    }
}

internal sealed record FairnessRequirement(string Name, string Attribute, FairnessConstraint Definition, DisparityMethod Method,
    double? MaxDifference, double? MinRatio, string Limit) : IRequirement
{
    public string Kind => "fairness";

    public RequirementOutcome Check(ReviewData data)
    {
        var f = data.Fairness(Attribute, Method);
        var row = f.Summary.First(s => s.Attribute == Attribute);
        var def = FairnessNames.Of(Definition);
        var (difference, ratio) = Definition switch
        {
            FairnessConstraint.DemographicParity => (row.DemographicParityDifference, row.DemographicParityRatio),
            FairnessConstraint.EqualOpportunity => (row.EqualOpportunityDifference, row.EqualOpportunityRatio),
            _ => (row.EqualizedOddsDifference, row.EqualizedOddsRatio),
        };
        var undefined = (MaxDifference is not null && difference is null) || (MinRatio is not null && ratio is null);
        var ok = !undefined && (MaxDifference is null || difference <= MaxDifference) && (MinRatio is null || ratio >= MinRatio);
        string[] rates = Definition switch
        {
            FairnessConstraint.DemographicParity => ["selection_rate"],
            FairnessConstraint.EqualOpportunity => ["tpr"],
            _ => ["tpr", "fpr"],
        };
        var groups = f.Groups.Where(g => g.Attribute == Attribute).ToList();
        string Rates(FairnessGroup g) => string.Join(", ", rates.Select(r => $"{r} {ReviewFmt.N(g.Metrics.FirstOrDefault(m => m.Name == r)?.Value)}"));
        var evidence = $"{def} {FairnessNames.Of(Method).Replace('_', ' ')} of {Attribute}: difference {ReviewFmt.N(difference)}, ratio {ReviewFmt.N(ratio)}; " +
            string.Join("; ", groups.Take(6).Select(g => $"{g.Value} ({ReviewFmt.C(g.Size)} rows) {Rates(g)}")) + (groups.Count > 6 ? "; …" : "");
        if (undefined)
            evidence += "; undefined: " + string.Join("; ", row.Notes.Where(n => n.Key.StartsWith(def, StringComparison.Ordinal)).Select(n => $"{n.Key}: {n.Value}").DefaultIfEmpty("a group lacks the outcomes the definition needs"));
        return new() { Name = Name, Kind = Kind, Passed = ok, Value = MaxDifference is not null ? difference : ratio, Limit = Limit, Evidence = evidence };
    }
}
