using System.Text.Json.Serialization;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Results;

/// <summary><c>vigil compare</c>: a candidate model version against a baseline, overall and per segment, with the
/// difference of every metric, its interval and p-value, and a verdict per segment.
/// JSON: {"kind":"comparison", "baseline", "candidate", "paired", "segments", ...}.</summary>
public sealed record ComparisonResult
{
    public required SourceInfo Source { get; init; }
    /// <summary>The baseline's name: its version value, or its file with --baseline-log.</summary>
    public required string Baseline { get; init; }
    /// <summary>The candidate's name.</summary>
    public required string Candidate { get; init; }
    public required ModelTask Task { get; init; }
    public required ColumnRoles Columns { get; init; }
    /// <summary>True when both versions scored the same ids (a shadow deployment) and the paired tests ran.</summary>
    public required bool Paired { get; init; }
    /// <summary>Why the paired or the independent-samples form ran, in a sentence.</summary>
    public required string PairedReason { get; init; }
    /// <summary>Binary: a row is predicted positive when score &gt;= threshold.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public double? Threshold { get; init; }
    /// <summary>The metric whose difference decides each segment's verdict.</summary>
    public required string PrimaryMetric { get; init; }
    /// <summary>Confidence level of the intervals (0.95).</summary>
    public required double Confidence { get; init; }
    /// <summary>The multiple-comparison correction across segments: "holm" or "bh".</summary>
    public required string Correction { get; init; }
    public IReadOnlyList<string> SegmentBy { get; init; } = [];
    /// <summary>Overall first (segment {}), then the segments: significantly worse first, then better, then no evidence.</summary>
    public required IReadOnlyList<SegmentComparison> Segments { get; init; }
    /// <summary>Which features drive each version's scores (a surrogate's mean |SHAP|), when features were given or found.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<FeatureImpactChange>? FeatureImpact { get; init; }
    /// <summary>The surrogates' fidelity behind <see cref="FeatureImpact"/>.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ComparisonSurrogates? Surrogate { get; init; }
    public IReadOnlyList<QualityIssue> Findings { get; init; } = [];
}

/// <summary>One segment's comparison ({} for overall).</summary>
public sealed record SegmentComparison
{
    public required IReadOnlyDictionary<string, string?> Segment { get; init; }
    public required VersionMetrics Baseline { get; init; }
    public required VersionMetrics Candidate { get; init; }
    /// <summary>Candidate − baseline for each metric, with its interval, p-value and the test that gave them.</summary>
    public required IReadOnlyDictionary<string, MetricDifference> Difference { get; init; }
    /// <summary>worse, better or no_evidence: the primary metric's adjusted p-value against 0.05, and its direction.</summary>
    public required string Verdict { get; init; }
    /// <summary>Drift of the score distribution between the versions in this segment.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public ScoreShift? ScoreDrift { get; init; }
}

/// <summary>One version's rows, traffic share and metrics in a segment.</summary>
public sealed record VersionMetrics
{
    public required long Rows { get; init; }
    /// <summary>This segment's share of the version's rows (1 overall).</summary>
    public required double Share { get; init; }
    public required long Positives { get; init; }
    public required IReadOnlyList<MetricValue> Metrics { get; init; }
    /// <summary>Equal-width calibration bins.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<CalibrationBin>? Calibration { get; init; }
}

/// <summary>Candidate − baseline of one metric. Value null when either side's metric is undefined; the interval and
/// p-value null when the test cannot run (Note says why).</summary>
public sealed record MetricDifference
{
    public double? Value { get; init; }
    public double? Lower { get; init; }
    public double? Upper { get; init; }
    public double? PValue { get; init; }
    /// <summary>The p-value corrected across segments (Holm or Benjamini–Hochberg).</summary>
    public double? PAdjusted { get; init; }
    /// <summary>The test: delong, delong_paired, newcombe, newcombe_paired+mcnemar, welch, paired_mean, bootstrap, paired_bootstrap.</summary>
    public required string Test { get; init; }
    /// <summary>True when a higher value of the metric is better (AUC, precision); false for losses (log loss, Brier, ECE).</summary>
    public required bool HigherIsBetter { get; init; }
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Note { get; init; }
}

/// <summary>How far the candidate's score distribution moved from the baseline's: the two-sample Kolmogorov–Smirnov
/// statistic and p-value and Evidently's normed Wasserstein distance, with Evidently's choice between them.</summary>
public sealed record ScoreShift(string Method, double KsStatistic, double KsPValue, double WassersteinNormed, double Threshold, bool Drifted);

/// <summary>A feature's impact on the candidate's scores (mean |SHAP| of its surrogate), its rank, the baseline's impact and the change.</summary>
public sealed record FeatureImpactChange(string Feature, double Impact, int Rank, double BaselineImpact, int BaselineRank, double Change);

/// <summary>Fidelity of the two surrogates (R² on held-out rows); below 0.8 the impacts are flagged.</summary>
public sealed record ComparisonSurrogates(double BaselineR2, double CandidateR2, int BaselineTrees, int CandidateTrees, long SampleRows, bool LowFidelity);
