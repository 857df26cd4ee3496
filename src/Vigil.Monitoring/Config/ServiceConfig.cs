using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;

namespace Vigil.Monitoring.Config;

/// <summary>What an API key may do: send predictions and labels, read models and alerts, or everything.</summary>
public enum Scope { Ingest, Read, Admin }

/// <summary>An API key (sent as <c>Authorization: Bearer KEY</c>) with its scopes; admin allows everything.</summary>
public sealed record ApiKey(string Name, string Key, IReadOnlySet<Scope> Scopes)
{
    public bool Allows(Scope scope) => Scopes.Contains(Scope.Admin) || Scopes.Contains(scope);
}

/// <summary>The type of a feature: numbers, or categories (any text; numbers and booleans sent for one are kept as
/// text).</summary>
public enum FeatureType { Number, Category }

public sealed record FeatureSpec(string Name, FeatureType Type);

/// <summary>A monitored model: its task (which decides whether records carry a score or a prediction, and what a label
/// is), its features, its reference (a source or a saved profile) and its monitors.</summary>
public sealed record ModelConfig
{
    public required string Name { get; init; }
    public required ModelTask Task { get; init; }
    public required IReadOnlyList<FeatureSpec> Features { get; init; }
    public string? Reference { get; init; }
    public IReadOnlyList<MonitorConfig> Monitors { get; init; } = [];
    /// <summary>Each feature's importance to the model (e.g. its share of mean |SHAP|), for drift alerts.</summary>
    public IReadOnlyDictionary<string, double> Importance { get; init; } = new Dictionary<string, double>();
    /// <summary>Drift on a feature less important than this, while no performance monitor is breached, is held at P3.</summary>
    public double? MinImportance { get; init; }
    /// <summary>A multiclass model's classes (<c>classes:</c>): predictions and labels must be one of them, and a
    /// prediction may carry each one's probability, stored in a column <see cref="ProbabilityColumn"/> per class.</summary>
    public IReadOnlyList<string> Classes { get; init; } = [];
    /// <summary>Who runs the model (<c>team:</c>, <c>owner:</c>) and its labels (<c>tags:</c>), for the fleet page's filters.</summary>
    public string? Team { get; init; }
    public string? Owner { get; init; }
    public IReadOnlyList<string> Tags { get; init; } = [];
    /// <summary>How long the model may go without a prediction before the fleet page calls it silent ("no data"); 1 h by default.</summary>
    public TimeSpan Freshness { get; init; } = TimeSpan.FromHours(1);

    /// <summary>The store's column of a class's probability: <c>proba_</c> and the class, each character other than an
    /// ASCII letter, digit or '_' replaced by '_' (classes that would share a column are refused when the config loads).</summary>
    public static string ProbabilityColumn(string cls)
    {
        ArgumentNullException.ThrowIfNull(cls);
        return "proba_" + string.Concat(cls.Select(c => char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_'));
    }
}

/// <summary>What a monitor computes: a metric on its window's rows, or CBPE's estimate of a metric on its window's
/// predictions that have no label yet.</summary>
public enum MonitorType { Window, EstimatedPerformance, Fairness }

/// <summary>A <c>fairness</c> monitor's settings (docs/service.md, "Fairness monitors"): the logged feature whose values
/// are the groups, the rate compared across them, the score threshold, how far a group's rate may stray from the
/// reference group's (<see cref="MinRatio"/>) and from its baseline (<see cref="MaxDrift"/>), and the fewest rows a group
/// needs to be judged.</summary>
public sealed record FairnessConfig
{
    /// <summary>The rates a fairness monitor compares.</summary>
    public static readonly string[] Rates = ["selection_rate", "tpr", "fpr", "fnr", "precision", "accuracy"];

    public string Attribute { get; init; } = "";
    /// <summary>One of <see cref="Rates"/>.</summary>
    public string Rate { get; init; } = "fpr";
    /// <summary>A score at or above it is a positive prediction.</summary>
    public double Threshold { get; init; } = 0.5;
    /// <summary>A group's rate over the reference group's must lie in [MinRatio, 1 / MinRatio].</summary>
    public double MinRatio { get; init; } = 0.8;
    /// <summary>The group the others are compared with; null: the largest group in the window.</summary>
    public string? ReferenceGroup { get; init; }
    /// <summary>Each group's expected rate (by the attribute's value); a group further than <see cref="MaxDrift"/> from it breaches.</summary>
    public IReadOnlyDictionary<string, double> Baseline { get; init; } = new Dictionary<string, double>(StringComparer.Ordinal);
    public double MaxDrift { get; init; } = 0.05;
    /// <summary>Groups with fewer rows counted for the rate (labelled ones, or all for selection_rate) are reported, not judged.</summary>
    public long MinGroupRows { get; init; } = 30;
}

/// <summary>An <c>estimated_performance</c> monitor's reference: a labelled file, or a period of the model's own
/// labelled predictions in the store; how the reference is cut into chunks for the learned thresholds; and the fewest
/// unlabelled predictions a window needs to be estimated.</summary>
public sealed record EstimationConfig
{
    /// <summary>A labelled reference file (CSV, Parquet, JSON; read by SourceOpener), or null for <see cref="ReferenceFrom"/>..<see cref="ReferenceTo"/>.</summary>
    public string? Reference { get; init; }
    /// <summary>The start (exclusive) of the period of the store's labelled predictions used as the reference.</summary>
    public DateTime? ReferenceFrom { get; init; }
    /// <summary>The end (inclusive) of that period.</summary>
    public DateTime? ReferenceTo { get; init; }
    /// <summary>How the reference is cut for the learned thresholds; null: periods of the window's length when it is an
    /// hour, a day or a week and the reference has timestamps, else 10 chunks of equal rows.</summary>
    public ChunkSpec? Chunk { get; init; }
    /// <summary>A window with fewer unlabelled predictions is not estimated (its band would mean little).</summary>
    public long MinRows { get; init; } = 100;
}

/// <summary>A monitor: a metric computed on a sliding window on a schedule, against a threshold; it fires at its
/// severity once the breach has held for <see cref="For"/>, and not again within <see cref="Cooldown"/>.</summary>
public sealed record MonitorConfig
{
    public required string Name { get; init; }
    /// <summary>What it computes, checked against the model's task and schema when the config loads.</summary>
    public required MetricRef Metric { get; init; }
    public string? Method { get; init; }
    public TimeSpan Window { get; init; } = TimeSpan.FromHours(1);
    public TimeSpan Every { get; init; } = TimeSpan.FromMinutes(1);
    public double? Min { get; init; }
    public double? Max { get; init; }
    /// <summary>Dynamic threshold: mean ± <see cref="Sigma"/> standard deviations of the metric over this period.</summary>
    public TimeSpan? Rolling { get; init; }
    public double Sigma { get; init; } = 3;
    public string Severity { get; init; } = "P2";
    /// <summary>Made from the model's <c>slo:</c> (a P1 monitor whose breach means the SLO is missed).</summary>
    public bool Slo { get; init; }
    public TimeSpan For { get; init; } = TimeSpan.Zero;
    public TimeSpan Cooldown { get; init; } = TimeSpan.FromMinutes(30);
    /// <summary>Set for <c>type: estimated_performance</c>: where CBPE is fitted.</summary>
    public EstimationConfig? Estimation { get; init; }
    /// <summary>Set for <c>type: fairness</c>: the attribute, the rate and the limits.</summary>
    public FairnessConfig? Fairness { get; init; }
    /// <summary>What the monitor computes: <see cref="MonitorType.EstimatedPerformance"/> when it has an
    /// <see cref="Estimation"/>, <see cref="MonitorType.Fairness"/> when it has a <see cref="Fairness"/>.</summary>
    public MonitorType Type => Fairness is not null ? MonitorType.Fairness : Estimation is null ? MonitorType.Window : MonitorType.EstimatedPerformance;
    /// <summary>Whether any threshold is configured (an estimated_performance monitor without one learns it from its reference).</summary>
    public bool HasThreshold => Min is not null || Max is not null || Rolling is not null;
}

/// <summary>Where alerts go: a generic webhook (Alertmanager-compatible JSON), Slack (incoming webhook) or PagerDuty
/// (Events API v2), for the severities listed.</summary>
public sealed record NotifierConfig(string Name, string Type, string Url, IReadOnlyList<string> Severities, string? RoutingKey);

/// <summary>The service's configuration (vigil.yaml; docs/service.md).</summary>
public sealed record ServiceConfig
{
    /// <summary>The store: a DuckDB file path, a folder, or a postgres:// URL; null for ./vigil-data/.</summary>
    public string? Store { get; init; }
    public IReadOnlyList<ApiKey> Keys { get; init; } = [];
    public IReadOnlyList<ModelConfig> Models { get; init; } = [];
    public IReadOnlyList<NotifierConfig> Notifiers { get; init; } = [];
    /// <summary>The file it was read from (for messages).</summary>
    public string Source { get; init; } = "(built in code)";

    public ModelConfig? Model(string name) => Models.FirstOrDefault(m => m.Name == name);
}
