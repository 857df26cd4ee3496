using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Regression;

namespace Vigil.Monitoring.Config;

/// <summary>What a monitor's metric measures.</summary>
public enum MetricKind
{
    /// <summary>A quality metric of the window's labelled predictions, as <c>vigil evaluate</c> computes it (roc_auc,
    /// mae, …), or, for an estimated_performance monitor, CBPE's estimate of one.</summary>
    Performance,
    /// <summary><c>volume</c>: predictions in the window.</summary>
    Volume,
    /// <summary><c>mean_score</c>: a binary classifier's average score.</summary>
    MeanScore,
    /// <summary><c>mean_prediction</c>: a regression model's average prediction.</summary>
    MeanPrediction,
    /// <summary><c>error_rate</c>: share of predictions sent with <c>"error": true</c>.</summary>
    ErrorRate,
    /// <summary><c>latency_p50_ms</c>.</summary>
    LatencyP50,
    /// <summary><c>latency_p99_ms</c>.</summary>
    LatencyP99,
    /// <summary><c>label_rate</c>: share of the window's predictions that have a label.</summary>
    LabelRate,
    /// <summary><c>drift(feature)</c>: the feature on the window against the model's reference.</summary>
    Drift,
    /// <summary><c>null_rate(feature)</c>: share of the window's predictions without the feature.</summary>
    NullRate,
    /// <summary><c>fairness(attribute)</c>: a fairness monitor's worst disparity across the attribute's groups.</summary>
    Fairness,
}

/// <summary>
/// A monitor's metric, read once when the config loads and checked against the model's task and schema
/// (<see cref="TryParse"/>): every consumer (the window's computation, the alert context, the Prometheus rules, the
/// views) switches on <see cref="Kind"/> and reads <see cref="Feature"/>, and never parses the text again.
/// <see cref="Name"/> is the metric as written in vigil.yaml (<c>roc_auc</c>, <c>drift(amount)</c>), used in messages,
/// labels and JSON; a <see cref="MetricRef"/> converts to it where a metric's name is expected, and serializes as it.
/// </summary>
[JsonConverter(typeof(MetricRefJsonConverter))]
public sealed partial record MetricRef
{
    private MetricRef(MetricKind kind, string name, string? feature)
    {
        Kind = kind;
        Name = name;
        Feature = feature;
    }

    public MetricKind Kind { get; }

    /// <summary>As written in vigil.yaml: <c>roc_auc</c>, <c>volume</c>, <c>drift(amount)</c>.</summary>
    public string Name { get; }

    /// <summary>The feature of <c>drift(…)</c> and <c>null_rate(…)</c>, the attribute of <c>fairness(…)</c>; else null.</summary>
    public string? Feature { get; }

    /// <summary>A quality metric from labels (or its CBPE estimate).</summary>
    public static MetricRef Performance(string name) => new(MetricKind.Performance, name, null);

    public static MetricRef Drift(string feature) => new(MetricKind.Drift, $"drift({feature})", feature);

    public static MetricRef NullRate(string feature) => new(MetricKind.NullRate, $"null_rate({feature})", feature);

    public static MetricRef Fairness(string attribute) => new(MetricKind.Fairness, $"fairness({attribute})", attribute);

    public static MetricRef Volume { get; } = new(MetricKind.Volume, "volume", null);
    public static MetricRef MeanScore { get; } = new(MetricKind.MeanScore, "mean_score", null);
    public static MetricRef MeanPrediction { get; } = new(MetricKind.MeanPrediction, "mean_prediction", null);
    public static MetricRef ErrorRate { get; } = new(MetricKind.ErrorRate, "error_rate", null);
    public static MetricRef LatencyP50 { get; } = new(MetricKind.LatencyP50, "latency_p50_ms", null);
    public static MetricRef LatencyP99 { get; } = new(MetricKind.LatencyP99, "latency_p99_ms", null);
    public static MetricRef LabelRate { get; } = new(MetricKind.LabelRate, "label_rate", null);

    /// <summary>The metrics that need neither labels nor a feature, by name.</summary>
    public static IReadOnlyList<MetricRef> Simple { get; } = [Volume, MeanScore, MeanPrediction, ErrorRate, LatencyP50, LatencyP99, LabelRate];

    /// <summary>The quality metrics <c>vigil evaluate</c> computes for a task, in its report order.</summary>
    public static IReadOnlyList<string> PerformanceNames(ModelTask task) => task switch
    {
        ModelTask.Binary => BinaryScoreAccumulator.Names,
        ModelTask.Multiclass => MulticlassMetrics.Names,
        _ => RegressionMetrics.Names,
    };

    /// <summary>Whether the metric is computed from the window's labelled predictions (or estimated before them).</summary>
    public bool IsPerformance => Kind == MetricKind.Performance;

    /// <summary>The metric's name, where one is expected (a label, a message, a dictionary of metrics by name).</summary>
    public static implicit operator string(MetricRef metric) => metric?.Name!;

    public override string ToString() => Name;

    [GeneratedRegex(@"^\s*(drift|null_rate|fairness)\s*\(\s*(.*?)\s*\)\s*$")]
    private static partial Regex FeatureForm();

    private static string Task(ModelTask task) => task.ToString().ToLowerInvariant();

    /// <summary>
    /// Reads a window monitor's (or an SLO's) metric as written and checks it against the model: a quality metric of
    /// its task, a simple one that applies to it (<c>mean_score</c> to binary classifiers, <c>mean_prediction</c> to
    /// regression), or <c>drift(feature)</c> / <c>null_rate(feature)</c> of a feature in its schema. On failure,
    /// <paramref name="error"/> says what was expected, without the file and line (the loader adds them).
    /// </summary>
    public static bool TryParse(string text, ModelTask task, IReadOnlyList<Vigil.Monitoring.Config.FeatureSpec> features, out MetricRef metric, out string error)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(features);
        metric = Volume;
        error = "";
        var t = text.Trim();
        if (FeatureForm().Match(t) is { Success: true } m)
        {
            var (form, feature) = (m.Groups[1].Value, m.Groups[2].Value);
            if (form == "fairness")
            {
                error = $"'{t}' is the metric of 'type: fairness' monitors; add 'type: fairness' and 'attribute: {feature}'";
                return false;
            }
            if (features.All(f => f.Name != feature))
            {
                error = $"'{t}': '{feature}' is not a feature in the model's schema" +
                        (features.Count > 0 ? $" (it has {string.Join(", ", features.Select(f => f.Name))})" : " (it has none; add it under schema: features:)");
                return false;
            }
            metric = form == "drift" ? Drift(feature) : NullRate(feature);
            return true;
        }
        if (Simple.FirstOrDefault(s => s.Name == t) is { } simple)
        {
            if (simple.Kind == MetricKind.MeanScore && task != ModelTask.Binary)
            {
                error = $"'mean_score' is the average score of a binary classifier; the model is {Task(task)}" + (task == ModelTask.Regression ? " (use mean_prediction)" : "");
                return false;
            }
            if (simple.Kind == MetricKind.MeanPrediction && task != ModelTask.Regression)
            {
                error = $"'mean_prediction' is the average prediction of a regression model; the model is {Task(task)}" + (task == ModelTask.Binary ? " (use mean_score)" : "");
                return false;
            }
            metric = simple;
            return true;
        }
        var names = PerformanceNames(task);
        if (names.Contains(t))
        {
            metric = Performance(t);
            return true;
        }
        var other = Enum.GetValues<ModelTask>().Where(x => x != task && PerformanceNames(x).Contains(t)).Select(Task).ToList();
        error = other.Count > 0
            ? $"'{t}' is a metric of {string.Join(" and ", other)} models; the model is {Task(task)}, whose metrics are {string.Join(", ", names)}"
            : $"'{t}' is not a metric; expected one of {string.Join(", ", names)} (a {Task(task)} model's), " +
              $"{string.Join(", ", Simple.Where(s => s.Kind switch { MetricKind.MeanScore => task == ModelTask.Binary, MetricKind.MeanPrediction => task == ModelTask.Regression, _ => true }).Select(s => s.Name))}, drift(feature) or null_rate(feature)";
        return false;
    }
}

/// <summary>A <see cref="MetricRef"/> in JSON is its name.</summary>
public sealed class MetricRefJsonConverter : JsonConverter<MetricRef>
{
    public override MetricRef Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("a monitor's metric is read from vigil.yaml, not from JSON");

    public override void Write(Utf8JsonWriter writer, MetricRef value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteStringValue(value.Name);
    }
}
