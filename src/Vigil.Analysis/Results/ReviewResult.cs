using System.Text.Json.Serialization;
using Vigil.Analysis.Review;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Results;

/// <summary><c>vigil review</c>: whether the model meets its policy, requirement by requirement, with the approval
/// record and the model card's path. JSON: {"kind":"review", "passed", "requirements", "model_card", "approval", ...}.</summary>
public sealed record ReviewResult
{
    public required bool Passed { get; init; }
    /// <summary>The policy file as given.</summary>
    public required string Policy { get; init; }
    public required SourceInfo Source { get; init; }
    /// <summary>Rows evaluated (score and label present and valid).</summary>
    public required long Rows { get; init; }
    public required double Threshold { get; init; }
    public required IReadOnlyList<RequirementOutcome> Requirements { get; init; }
    /// <summary>The model card's Markdown path (its HTML twin has the same name with .html); null when none was written.</summary>
    public string? ModelCard { get; init; }
    /// <summary>Model-card sections the policy's <c>model:</c> leaves for a person to write.</summary>
    public required IReadOnlyList<string> SectionsToWrite { get; init; }
    /// <summary>Who ran the review, on what, when: set by the command.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ReviewApproval? Approval { get; init; }
    /// <summary>What the model card shows beyond the requirements (not part of the JSON).</summary>
    [JsonIgnore]
    public ModelCardFacts Card { get; init; } = new();
}

/// <summary>The approval record: the policy's and the data's fingerprints, who, where, when, which Vigil.</summary>
public sealed record ReviewApproval(string PolicySha256, string DataFingerprint, string User, string Host, DateTime Time, string VigilVersion);

/// <summary>The model card's inputs: the policy's <c>model:</c> metadata, the overall metrics and the drift references.</summary>
public sealed record ModelCardFacts
{
    public IReadOnlyDictionary<string, string> Model { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<MetricValue> Metrics { get; init; } = [];
    public IReadOnlyList<ReferenceFacts> References { get; init; } = [];
    /// <summary>Columns the per-segment requirements cut by.</summary>
    public IReadOnlyList<string> SegmentColumns { get; init; } = [];
    /// <summary>The fairness requirements' groups (each attribute's, then their intersection's), with the rates the
    /// definitions compare.</summary>
    public IReadOnlyList<FairnessGroupFacts> FairnessGroups { get; init; } = [];
}

/// <summary>One audited group in the model card: attribute (columns joined by &amp; for an intersection), value, rows,
/// selection rate, TPR and FPR (null where undefined), and whether it is below the minimum group size.</summary>
public sealed record FairnessGroupFacts(string Attribute, string Value, long Size, double? SelectionRate, double? Tpr, double? Fpr, bool Small);

/// <summary>A drift reference (the training data): where, how many rows, how many of its columns drifted.</summary>
public sealed record ReferenceFacts(string Reference, string Description, long Rows, int DriftedColumns, int Columns);

/// <summary>What checking one requirement found. <see cref="Value"/> is the measured number (for per-segment
/// requirements the worst judged segment's), null when it could not be computed (then the requirement fails).</summary>
public sealed record RequirementOutcome
{
    public required string Name { get; init; }
    public required bool Passed { get; init; }
    public double? Value { get; init; }
    public required string Limit { get; init; }
    public required string Evidence { get; init; }
    public required string Kind { get; init; }
    /// <summary>Per-segment requirements: every segment's value, judged or not (under min_rows).</summary>
    [System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<SegmentOutcome>? Segments { get; init; }
}

/// <summary>One segment of a per-segment requirement: its column, value, rows and metric; <see cref="Passed"/> is null
/// when the segment has fewer rows than min_rows (reported, not judged).</summary>
public sealed record SegmentOutcome(string Column, string? Segment, long Rows, double? Value, bool? Passed);
