using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;

namespace Vigil.Analysis.Review;

/// <summary>A parsed review policy (<c>vigil review --policy policy.yaml</c>): the model card's metadata, the column
/// mapping, the decision threshold and the requirements, each checked by its <see cref="IRequirementKind"/>.</summary>
internal sealed record ReviewPolicy
{
    /// <summary>The policy file as given.</summary>
    public required string Path { get; init; }
    /// <summary>SHA-256 (lower-case hex) of the policy file's bytes, for the approval record.</summary>
    public required string Sha256 { get; init; }
    /// <summary>The <c>model:</c> metadata by key (<see cref="ModelKeys"/>); absent keys are absent.</summary>
    public IReadOnlyDictionary<string, string> Model { get; init; } = new Dictionary<string, string>();
    /// <summary>The <c>columns:</c> mapping (empty when absent; CLI flags win over it).</summary>
    public MappingOptions Columns { get; init; } = new();
    /// <summary>The decision threshold (default 0.5), when given in the policy.</summary>
    public double? Threshold { get; init; }
    public required IReadOnlyList<IRequirement> Requirements { get; init; }

    /// <summary>The keys of <c>model:</c>, in model-card order.</summary>
    public static readonly IReadOnlyList<string> ModelKeys =
    [
        "name", "version", "owner", "description", "intended_use", "out_of_scope", "factors", "training_data",
        "evaluation_data", "ethical_considerations", "caveats",
    ];
}

/// <summary>One parsed requirement: its name and limit, and how to check it against the data.</summary>
internal interface IRequirement
{
    /// <summary>The policy's <c>name:</c> or a default ("roc_auc ≥ 0.75").</summary>
    string Name { get; }
    /// <summary>The requirement kind's key ("metric", "drift", ...).</summary>
    string Kind { get; }
    /// <summary>The limit as a person reads it ("≥ 0.75").</summary>
    string Limit { get; }
    /// <summary>Runs what the requirement needs (through <paramref name="data"/>, which shares analyses between
    /// requirements) and says whether it holds, with its evidence.</summary>
    RequirementOutcome Check(ReviewData data);
}

/// <summary>A kind of requirement in a policy's <c>requirements:</c> list (<c>- metric: roc_auc</c>,
/// <c>- drift: {...}</c>). A new kind implements this and adds itself to <see cref="RequirementKinds.All"/>.</summary>
internal interface IRequirementKind
{
    /// <summary>The key that names the kind in a requirement ("metric", "calibration_error", "drift", ...).</summary>
    string Key { get; }
    /// <summary>Parses one requirement: <paramref name="item"/> is the whole list item (its <c>name:</c> is read by the
    /// caller), <paramref name="value"/> the value of <see cref="Key"/>. Errors go through <paramref name="p"/>, which
    /// makes them one line with the line number.</summary>
    IRequirement Parse(PolicyReader p, PolicyItem item, string? name);
}

/// <summary>The requirement kinds a policy may use, by key.</summary>
internal static class RequirementKinds
{
    public static readonly IReadOnlyList<IRequirementKind> All =
        [new MetricRequirementKind(), new CalibrationRequirementKind(), new DriftRequirementKind(), new DataQualityRequirementKind(), new FairnessRequirementKind()];

    /// <summary>Kinds that are designed but not in this build: a policy that uses one is refused at parse time with a
    /// line that says so, rather than checked half-way.</summary>
    public static readonly IReadOnlyDictionary<string, string> NotYetAvailable = new Dictionary<string, string>();

    public static IRequirementKind? Find(string key) => All.FirstOrDefault(k => k.Key == key);
}
