using Vigil.Analysis.Columns;
using Vigil.Statistics.Drift;
using YamlDotNet.RepresentationModel;

namespace Vigil.Monitoring.Config;

/// <summary>A model's monitors and SLOs: each metric read once into a <see cref="MetricRef"/> checked against the model's
/// task and schema, a drift monitor's method checked against the feature, durations above zero, thresholds that do not
/// contradict themselves.</summary>
public static partial class ServiceConfigLoader
{
    private sealed partial class Reader
    {
        /// <summary>The model's SLOs (<c>slo: {roc_auc: {min: 0.8, window: 1d}, latency_p99_ms: {max: 250}}</c>): each is
        /// a P1 monitor named <c>slo-{metric}</c> (window 1h and every 1m unless given), and "performance within SLO"
        /// for drift alerts means none of them is breached.</summary>
        private List<MonitorConfig> Slos(YamlNode node, ModelSpec model, List<(MonitorConfig, YamlNode)> window)
        {
            var list = new List<MonitorConfig>();
            if (node is not YamlMappingNode map) throw Error(node, $"slo must be a mapping of metric to {{min, max, window, every, for}}, found {ConfigFile.Found(node)}");
            foreach (var (k, v) in map.Children)
            {
                var metric = Metric(k, "slo", model);
                var m = new MonitorConfig { Name = "slo-" + metric.Name.Replace('(', '-').Replace(")", "", StringComparison.Ordinal), Metric = metric, Severity = "P1", Slo = true };
                foreach (var (key, value) in Entries(v, $"the SLO on {metric} of '{model.Name}'", ["min", "max", "window", "every", "for", "cooldown"]))
                {
                    m = key switch
                    {
                        "min" => m with { Min = Number(value, "min") },
                        "max" => m with { Max = Number(value, "max") },
                        "window" => m with { Window = Positive(value, "window") },
                        "every" => m with { Every = Positive(value, "every") },
                        "for" => m with { For = Duration(value, "for") },
                        _ => m with { Cooldown = Duration(value, "cooldown") },
                    };
                }
                if (m.Min is null && m.Max is null) throw Error(k, $"the SLO on {metric} needs min or max");
                if (m.Min > m.Max) throw Error(v, $"the SLO on {metric}: min {Num(m.Min!.Value)} is above max {Num(m.Max!.Value)}");
                list.Add(m);
                window.Add((m, k));
            }
            return list;
        }

        /// <summary>A window monitor's or an SLO's metric, checked against the model's task and schema.</summary>
        private MetricRef Metric(YamlNode node, string what, ModelSpec model)
        {
            var text = Scalar(node, what);
            return MetricRef.TryParse(text, model.Task, model.Features, out var metric, out var error) ? metric : throw Error(node, $"{what}: {error}");
        }

        /// <summary>A duration above zero (a window, a schedule, a rolling period).</summary>
        private TimeSpan Positive(YamlNode node, string what)
        {
            var d = Duration(node, what);
            return d > TimeSpan.Zero ? d : throw Error(node, $"{what}: '{Scalar(node, what)}' is not a duration above zero");
        }

        private IReadOnlyList<MonitorConfig> Monitors(YamlNode node, ModelSpec model, List<(MonitorConfig, YamlNode)> estimated, List<(MonitorConfig, YamlNode)> window)
        {
            var monitors = new List<MonitorConfig>();
            foreach (var item in Items(node, "monitors"))
            {
                string? name = null;
                YamlNode? metricNode = null;
                (YamlNode Node, string Value)? type = null;
                FairnessConfig? fairness = null;
                (YamlNode Node, double Value)? scoreThreshold = null;
                var m = new MonitorConfig { Name = "", Metric = MetricRef.Volume }; // the name and the metric are set once every key is read
                foreach (var (key, value) in Entries(item, $"a monitor of '{model.Name}'",
                             ["name", "type", "metric", "method", "window", "every", "threshold", "severity", "for", "cooldown", .. EstimationKeys, .. FairnessKeys]))
                {
                    if (FairnessKeys.Contains(key))
                    {
                        fairness = Fairness(fairness ?? new FairnessConfig(), key, value);
                        continue;
                    }
                    if (key == "threshold" && value is YamlScalarNode)
                    {
                        scoreThreshold = (value, Number(value, "threshold"));
                        continue;
                    }
                    if (EstimationKeys.Contains(key))
                    {
                        m = m with { Estimation = Estimation(m.Estimation ?? new EstimationConfig(), key, value) };
                        continue;
                    }
                    switch (key)
                    {
                        case "type": type = (value, Scalar(value, "type")); break;
                        case "name": name = Name(value, "monitor name"); break;
                        case "metric": metricNode = value; Scalar(value, "metric"); break;
                        case "method": m = m with { Method = Scalar(value, "method").Trim() }; break;
                        case "window": m = m with { Window = Positive(value, "window") }; break;
                        case "every": m = m with { Every = Positive(value, "every") }; break;
                        case "for": m = m with { For = Duration(value, "for") }; break;
                        case "cooldown": m = m with { Cooldown = Duration(value, "cooldown") }; break;
                        case "severity":
                            var sev = Scalar(value, "severity");
                            m = sev is "P1" or "P2" or "P3" ? m with { Severity = sev } : throw Error(value, $"severity: '{sev}' is not a severity; expected P1, P2 or P3");
                            break;
                        case "threshold":
                            foreach (var (tk, tv) in Entries(value, "a threshold", ["min", "max", "rolling", "sigma"]))
                            {
                                m = tk switch
                                {
                                    "min" => m with { Min = Number(tv, "min") },
                                    "max" => m with { Max = Number(tv, "max") },
                                    "rolling" => m with { Rolling = Positive(tv, "rolling") },
                                    _ => m with { Sigma = Number(tv, "sigma") },
                                };
                                if (tk == "sigma" && m.Sigma <= 0) throw Error(tv, $"sigma: '{Num(m.Sigma)}' is not above zero");
                            }
                            if (m.Min > m.Max) throw Error(value, $"threshold: min {Num(m.Min!.Value)} is above max {Num(m.Max!.Value)}");
                            if (m.Rolling is null && Child(value, "sigma") is { } sigma)
                                throw Error(sigma, "threshold: sigma is the width of a rolling threshold; add 'rolling:' (e.g. rolling: 7d)");
                            break;
                    }
                }
                var isFairness = type?.Value == FairnessType;
                if (isFairness && name is not null)
                {
                    m = TypedFairness(m, fairness, scoreThreshold, true, item, name);
                    var attribute = m.Fairness!.Attribute;
                    if (metricNode is not null && Scalar(metricNode, "metric").Trim() != $"fairness({attribute})")
                        throw Error(metricNode, $"metric: a fairness monitor's metric is fairness({attribute}) (its rate is set by 'rate:'); leave 'metric:' out");
                    m = m with { Metric = MetricRef.Fairness(attribute) };
                }
                if (name is null || (metricNode is null && !isFairness)) throw Error(item, "a monitor needs 'name:' and 'metric:'");
                if (!isFairness)
                {
                    m = TypedFairness(m, fairness, scoreThreshold, false, item, name);
                    m = Typed(m, type, item, name);
                    // An estimated_performance monitor's metric is one CBPE estimates (checked with the model's task, below);
                    // any other's is checked here against the model's task and schema.
                    m = m with { Metric = m.Type == MonitorType.EstimatedPerformance ? MetricRef.Performance(Scalar(metricNode!, "metric").Trim()) : Metric(metricNode!, "metric", model) };
                    if (m.Type == MonitorType.Window) CheckMethod(m with { Name = name }, item, model);
                }
                // A drift monitor without a threshold fires on its method's own decision; an estimated_performance
                // monitor without one learns it from its reference.
                if (!m.HasThreshold && m.Type == MonitorType.Window && m.Metric.Kind != MetricKind.Drift)
                    throw Error(item, $"monitor '{name}' needs a threshold: min, max or rolling");
                if (monitors.Any(x => x.Name == name)) throw Error(item, $"monitor '{name}' is listed twice");
                monitors.Add(m with { Name = name });
                if (m.Type is MonitorType.EstimatedPerformance or MonitorType.Fairness) estimated.Add((monitors[^1], item));
                else window.Add((monitors[^1], item));
            }
            return monitors;
        }

        /// <summary>A window monitor's <c>method:</c>: only on a drift metric, one of <c>vigil drift</c>'s methods, and one
        /// that compares the feature's type (numbers or categories).</summary>
        private void CheckMethod(MonitorConfig m, YamlNode item, ModelSpec model)
        {
            if (m.Method is not { } method) return;
            var node = Child(item, "method")!;
            if (m.Metric.Kind != MetricKind.Drift)
                throw Error(node, $"monitor '{m.Name}': 'method' is a key of drift monitors (metric: drift(feature)); {m.Metric} has none");
            if (!DriftMethods.IsKnown(method))
                throw Error(node, $"method: '{method}' is not a drift method; expected one of {string.Join(", ", DriftMethods.Names)}");
            var feature = model.Features.First(f => f.Name == m.Metric.Feature);
            var type = feature.Type == FeatureType.Number ? ColumnType.Numerical : ColumnType.Categorical;
            if (!DriftMethods.Accepts(method, type))
                throw Error(node, $"method: {method} compares {(type == ColumnType.Numerical ? "categorical" : "numerical")} columns only; " +
                                  $"'{feature.Name}' is a {(type == ColumnType.Numerical ? "number" : "category")} feature" +
                                  $" (e.g. {string.Join(", ", DriftMethods.Names.Where(x => DriftMethods.Accepts(x, type) && !DriftMethods.Accepts(x, type == ColumnType.Numerical ? ColumnType.Categorical : ColumnType.Numerical)).Take(3))}, or psi, jensenshannon, hellinger for either)");
        }
    }
}
