using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Analysis.Columns;
using Vigil.Engine;
using YamlDotNet.RepresentationModel;

namespace Vigil.Monitoring.Config;

/// <summary>The <c>type: fairness</c> monitor's keys (docs/service.md, "Fairness monitors"): the attribute (a logged
/// feature of the model's schema), the rate, the score threshold (a number here, not {min, max}), min_ratio, the
/// reference group, a baseline per group with max_drift, and min_group_rows; the model must be a binary classifier.</summary>
public static partial class ServiceConfigLoader
{
    private sealed partial class Reader
    {
        /// <summary>Keys only a fairness monitor takes (besides a number as <c>threshold</c>).</summary>
        public static readonly string[] FairnessKeys = ["attribute", "rate", "min_ratio", "reference_group", "baseline", "max_drift", "min_group_rows"];

        private const string FairnessType = "fairness";

        public FairnessConfig Fairness(FairnessConfig f, string key, YamlNode value)
        {
            switch (key)
            {
                case "attribute":
                    return f with { Attribute = Name(value, "attribute") };
                case "rate":
                    var rate = Scalar(value, "rate").Trim();
                    return FairnessConfig.Rates.Contains(rate) ? f with { Rate = rate }
                        : throw Error(value, $"rate: '{rate}' is not a rate; expected one of {string.Join(", ", FairnessConfig.Rates)}");
                case "min_ratio":
                    var ratio = Number(value, "min_ratio");
                    return ratio > 0 && ratio <= 1 ? f with { MinRatio = ratio } : throw Error(value, $"min_ratio: '{ratio.ToString(CultureInfo.InvariantCulture)}' is outside (0, 1]");
                case "reference_group":
                    return f with { ReferenceGroup = Scalar(value, "reference_group") };
                case "max_drift":
                    var drift = Number(value, "max_drift");
                    return drift >= 0 ? f with { MaxDrift = drift } : throw Error(value, $"max_drift: '{drift.ToString(CultureInfo.InvariantCulture)}' is negative");
                case "min_group_rows":
                    var rows = Number(value, "min_group_rows");
                    return rows >= 0 && rows == Math.Floor(rows) ? f with { MinGroupRows = (long)rows } : throw Error(value, $"min_group_rows: '{rows.ToString(CultureInfo.InvariantCulture)}' is not a whole number of at least 0");
                default:
                    if (value is not YamlMappingNode map)
                        throw Error(value, $"baseline must be a mapping of attribute=value to a rate, e.g. {{race=black: 0.19}}, found {ConfigFile.Found(value)}");
                    var baseline = new Dictionary<string, double>(f.Baseline, StringComparer.Ordinal);
                    foreach (var (k, v) in map.Children)
                    {
                        var text = Scalar(k, "baseline key");
                        var eq = text.IndexOf('=', StringComparison.Ordinal);
                        if (eq <= 0 || eq == text.Length - 1)
                            throw Error(k, $"baseline: '{text}' is not of the form attribute=value (e.g. race=black)");
                        var rate2 = Number(v, $"baseline: {text}");
                        if (rate2 is < 0 or > 1) throw Error(v, $"baseline: {text}: '{rate2.ToString(CultureInfo.InvariantCulture)}' is not a rate in [0, 1]");
                        // The attribute is checked against 'attribute:' once the monitor is read (the keys come in any order).
                        baseline[text] = rate2;
                    }
                    return f with { Baseline = baseline };
            }
        }

        /// <summary>Applies <c>type: fairness</c> (or refuses its keys on other monitors): the attribute is given, the
        /// baseline's keys name it, a number threshold is the score threshold.</summary>
        public MonitorConfig TypedFairness(MonitorConfig m, FairnessConfig? f, (YamlNode Node, double Value)? scoreThreshold, bool fairness, YamlNode item, string name)
        {
            if (!fairness)
            {
                if (f is not null)
                {
                    var key = FairnessKeys.First(k => Child(item, k) is not null);
                    throw Error(Child(item, key)!, $"monitor '{name}': '{key}' is a key of 'type: {FairnessType}' monitors");
                }
                if (scoreThreshold is { } t)
                    throw Error(t.Node, $"monitor '{name}': threshold must be a mapping of min, max, rolling, sigma (a number is the score threshold of 'type: {FairnessType}' monitors)");
                return m;
            }
            f ??= new FairnessConfig();
            if (f.Attribute.Length == 0) throw Error(item, $"monitor '{name}' needs 'attribute:' (the logged feature whose values are the groups)");
            if (m.HasThreshold)
                throw Error(Child(item, "threshold")!, $"monitor '{name}': a fairness monitor's threshold is the score threshold (a number); it is judged by min_ratio and max_drift");
            if (m.Method is not null) throw Error(Child(item, "method")!, $"monitor '{name}': 'method' is a key of drift monitors, not of 'type: {FairnessType}'");
            if (m.Estimation is not null)
            {
                var key = EstimationKeys.First(k => Child(item, k) is not null);
                throw Error(Child(item, key)!, $"monitor '{name}': '{key}' is a key of 'type: estimated_performance' monitors");
            }
            var baseline = new Dictionary<string, double>(StringComparer.Ordinal);
            foreach (var (k, v) in f.Baseline)
            {
                var eq = k.IndexOf('=', StringComparison.Ordinal);
                if (k[..eq] != f.Attribute)
                    throw Error(BaselineKey(item, k), $"baseline: '{k}' names attribute '{k[..eq]}'; the monitor's attribute is '{f.Attribute}'");
                baseline[k[(eq + 1)..]] = v;
            }
            if (scoreThreshold is { } st) f = f with { Threshold = st.Value };
            return m with { Fairness = f with { Baseline = baseline } };
        }

        private static YamlNode BaselineKey(YamlNode item, string key) =>
            Child(item, "baseline") is YamlMappingNode map ? map.Children.Keys.FirstOrDefault(k => k is YamlScalarNode s && s.Value == key) ?? map : item;

        /// <summary>Once the model's task and schema are known: a binary classifier, and the attribute is one of its features.</summary>
        public void CheckFairness(MonitorConfig m, YamlNode item, string model, ModelTask task, IReadOnlyList<FeatureSpec>? features)
        {
            var at = Child(item, "type") ?? item;
            if (task != ModelTask.Binary)
                throw Error(at, $"monitor '{m.Name}': fairness monitors are for binary classifiers; model '{model}' is {task.ToString().ToLowerInvariant()}");
            var attribute = m.Fairness!.Attribute;
            if (features is null || features.All(x => x.Name != attribute))
                throw Error(Child(item, "attribute") ?? item, $"monitor '{m.Name}': attribute '{attribute}' is not a feature in the schema of '{model}'" +
                    (features is { Count: > 0 } ? $" (it has {string.Join(", ", features.Select(x => x.Name))})" : " (it has none; add it under schema: features:)"));
        }
    }
}
