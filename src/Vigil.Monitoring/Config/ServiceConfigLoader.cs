using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Engine;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Vigil.Monitoring.Config;

/// <summary>
/// Reads vigil.yaml for the service. Every problem is one line naming the file, the line and what was expected: an
/// unknown key (with the keys allowed there), a missing one, a value of the wrong kind, an unset <c>${ENV}</c>.
/// </summary>
public static partial class ServiceConfigLoader
{
    public static ServiceConfig Load(string path)
    {
        if (!File.Exists(path)) throw new VigilInputException($"{path}: no such config file");
        return Parse(File.ReadAllText(path), path);
    }

    public static ServiceConfig Parse(string text, string source = "vigil.yaml")
    {
        var yaml = new YamlStream();
        try
        {
            yaml.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new VigilInputException($"{source}: {ConfigFile.YamlError(text, e)}");
        }
        if (yaml.Documents.Count == 0 || yaml.Documents[0].RootNode is YamlScalarNode { Value: null or "" })
            throw new VigilInputException($"{source}: the file is empty; expected a mapping with 'models:' at the top (see docs/service.md)");
        if (yaml.Documents[0].RootNode is not YamlMappingNode root)
            throw new VigilInputException($"{source}: line {yaml.Documents[0].RootNode.Start.Line}: expected a mapping with 'models:' at the top, found {ConfigFile.Found(yaml.Documents[0].RootNode)} (see docs/service.md)");
        try
        {
            return Read(root, source);
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            // A value of an unexpected shape that no check above caught: still one line naming the file, never a cast.
            throw new VigilInputException($"{source}: a value has a shape Vigil does not expect ({e.GetType().Name}); check the file against docs/service.md");
        }
    }

    private static ServiceConfig Read(YamlMappingNode root, string source)
    {
        var r = new Reader(source);
        var config = new ServiceConfig { Source = source };
        foreach (var (key, value) in r.Entries(root, "the top level", ["store", "keys", "models", "notifiers"]))
        {
            config = key switch
            {
                "store" => config with { Store = r.Scalar(value, "store") },
                "keys" => config with { Keys = r.Keys(value) },
                "models" => config with { Models = r.Models(value) },
                "notifiers" => config with { Notifiers = r.Notifiers(value) },
                _ => config,
            };
        }
        if (config.Models.Count == 0) throw new VigilInputException($"{source}: no models: add at least one under 'models:' (see docs/service.md)");
        if (config.Keys.Count == 0) throw new VigilInputException($"{source}: no API keys: add at least one under 'keys:' (see docs/service.md)");
        return config;
    }

    /// <summary>"30s", "5m", "1h", "7d" (or a number of seconds).</summary>
    public static TimeSpan ParseDuration(string text, string what)
    {
        var m = DurationPattern().Match(text.Trim());
        if (!m.Success) throw new VigilInputException($"{what}: '{text}' is not a duration; expected e.g. 30s, 5m, 1h or 7d");
        var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
        return m.Groups[2].Value switch
        {
            "ms" => TimeSpan.FromMilliseconds(n),
            "" or "s" => TimeSpan.FromSeconds(n),
            "m" => TimeSpan.FromMinutes(n),
            "h" => TimeSpan.FromHours(n),
            _ => TimeSpan.FromDays(n),
        };
    }

    [GeneratedRegex(@"^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h|d)?$")]
    private static partial Regex DurationPattern();

    [GeneratedRegex(@"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")]
    private static partial Regex EnvPattern();

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_-]{0,62}$")]
    private static partial Regex NamePattern();

    private sealed partial class Reader(string source)
    {
        internal VigilInputException Error(YamlNode node, string message) => new($"{source}: line {node.Start.Line}: {message}");

        public IEnumerable<(string Key, YamlNode Value)> Entries(YamlNode node, string where, string[] allowed)
        {
            if (node is not YamlMappingNode map) throw Error(node, $"{where} must be a mapping of {string.Join(", ", allowed)}, found {ConfigFile.Found(node)}");
            foreach (var (k, v) in map.Children)
            {
                if (k is not YamlScalarNode { Value: { } key }) throw Error(k, $"expected a key in {where}, found {ConfigFile.Found(k)}");
                if (!allowed.Contains(key)) throw Error(k, $"unknown key '{key}' in {where}; expected one of {string.Join(", ", allowed)}");
                yield return (key, v);
            }
        }

        public string Scalar(YamlNode node, string what)
        {
            if (node is not YamlScalarNode s || s.Value is null) throw Error(node, $"{what} must be a single value, found {ConfigFile.Found(node)}");
            return EnvPattern().Replace(s.Value, m => Environment.GetEnvironmentVariable(m.Groups[1].Value)
                ?? throw Error(node, $"{what}: environment variable {m.Groups[1].Value} is not set"));
        }

        internal double Number(YamlNode node, string what)
        {
            var s = Scalar(node, what);
            return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
                ? v : throw Error(node, $"{what}: '{s}' is not a number");
        }

        private TimeSpan Duration(YamlNode node, string what)
        {
            try
            {
                return ParseDuration(Scalar(node, what), what);
            }
            catch (VigilInputException e)
            {
                throw Error(node, e.Message);
            }
        }

        private string Name(YamlNode node, string what)
        {
            var name = Scalar(node, what);
            return NamePattern().IsMatch(name) ? name : throw Error(node, $"{what}: '{name}' is not a name (letters, digits, '_' and '-', starting with a letter)");
        }

        private IEnumerable<YamlNode> Items(YamlNode node, string what) =>
            node as YamlSequenceNode ?? throw Error(node, $"{what} must be a list, found {ConfigFile.Found(node)}");

        public IReadOnlyList<ApiKey> Keys(YamlNode node)
        {
            var keys = new List<ApiKey>();
            foreach (var item in Items(node, "keys"))
            {
                string? name = null, key = null;
                var scopes = new HashSet<Scope>();
                foreach (var (k, v) in Entries(item, "a key", ["name", "key", "scopes"]))
                {
                    switch (k)
                    {
                        case "name": name = Scalar(v, "name"); break;
                        case "key": key = Scalar(v, "key"); break;
                        case "scopes":
                            foreach (var s in Items(v, "scopes"))
                            {
                                scopes.Add(Scalar(s, "scope") switch
                                {
                                    "ingest" => Scope.Ingest,
                                    "read" => Scope.Read,
                                    "admin" => Scope.Admin,
                                    var other => throw Error(s, $"unknown scope '{other}'; expected ingest, read or admin"),
                                });
                            }
                            break;
                    }
                }
                if (key is null || key.Length < 8) throw Error(item, "a key needs 'key:' of at least 8 characters");
                if (scopes.Count == 0) throw Error(item, "a key needs 'scopes:' (ingest, read and/or admin)");
                if (keys.Any(x => x.Key == key)) throw Error(item, "the same key is listed twice");
                keys.Add(new ApiKey(name ?? $"key {keys.Count + 1}", key, scopes));
            }
            return keys;
        }

        public IReadOnlyList<ModelConfig> Models(YamlNode node)
        {
            if (node is not YamlMappingNode map) throw Error(node, $"models must be a mapping of model name to its settings, found {ConfigFile.Found(node)}");
            var models = new List<ModelConfig>();
            foreach (var (k, v) in map.Children)
            {
                var name = Name(k, "model name");
                ModelTask? task = null;
                IReadOnlyList<FeatureSpec>? features = null;
                string? reference = null;
                IReadOnlyList<MonitorConfig> monitors = [];
                var importance = new Dictionary<string, double>(StringComparer.Ordinal);
                double? minImportance = null;
                (YamlNode Node, IReadOnlyList<string> Names)? classes = null;
                var slos = new List<MonitorConfig>();
                var estimated = new List<(MonitorConfig Monitor, YamlNode Node)>();
                foreach (var (key, value) in Entries(v, $"model '{name}'", ["task", "schema", "reference", "monitors", "importance", "min_importance", "slo", "classes"]))
                {
                    switch (key)
                    {
                        case "task":
                            task = Scalar(value, "task") switch
                            {
                                "binary" => ModelTask.Binary,
                                "multiclass" => ModelTask.Multiclass,
                                "regression" => ModelTask.Regression,
                                var other => throw Error(value, $"task: '{other}' is not a task; expected binary, multiclass or regression"),
                            };
                            break;
                        case "schema": features = Schema(value, name); break;
                        case "reference": reference = Scalar(value, "reference"); break;
                        case "monitors": monitors = Monitors(value, name, estimated); break;
                        case "min_importance": minImportance = Number(value, "min_importance"); break;
                        case "slo": slos = Slos(value, name); break;
                        case "classes": classes = (value, Classes(value, name)); break;
                        case "importance":
                            if (value is not YamlMappingNode imp) throw Error(value, $"importance must be a mapping of feature name to a number, found {ConfigFile.Found(value)}");
                            foreach (var (ik, iv) in imp.Children) importance[Name(ik, "feature name")] = Number(iv, "importance");
                            break;
                    }
                }
                if (features is not null && importance.Keys.FirstOrDefault(f => features.All(x => x.Name != f)) is { } unknown)
                    throw Error(k, $"model '{name}': importance names '{unknown}', which is not in its schema");
                if (task is null) throw Error(k, $"model '{name}' needs 'task:' (binary, multiclass or regression)");
                CheckClasses(classes, name, task.Value);
                foreach (var (monitor, at) in estimated)
                {
                    if (monitor.Type == MonitorType.Fairness) CheckFairness(monitor, at, name, task.Value, features);
                    else CheckEstimated(monitor, at, name, task.Value, features ?? [], classes?.Names ?? []);
                }
                if (slos.FirstOrDefault(x => monitors.Any(m => m.Name == x.Name)) is { } clash)
                    throw Error(k, $"model '{name}': a monitor is named '{clash.Name}', the name of its SLO monitor");
                models.Add(new ModelConfig
                {
                    Name = name, Task = task.Value, Features = features ?? [], Reference = reference, Monitors = [.. monitors, .. slos],
                    Importance = importance, MinImportance = minImportance, Classes = classes?.Names ?? [],
                });
            }
            return models;
        }

        private IReadOnlyList<FeatureSpec> Schema(YamlNode node, string model)
        {
            var features = new List<FeatureSpec>();
            foreach (var (key, value) in Entries(node, $"the schema of '{model}'", ["features"]))
            {
                if (value is not YamlMappingNode map) throw Error(value, $"features must be a mapping of feature name to number or category, found {ConfigFile.Found(value)}");
                foreach (var (fk, fv) in map.Children)
                {
                    var name = Name(fk, "feature name");
                    var type = Scalar(fv, $"feature '{name}'") switch
                    {
                        "number" => FeatureType.Number,
                        "category" => FeatureType.Category,
                        var other => throw Error(fv, $"feature '{name}': '{other}' is not a type; expected number or category"),
                    };
                    if (features.Any(f => f.Name == name)) throw Error(fk, $"feature '{name}' is listed twice");
                    features.Add(new FeatureSpec(name, type));
                }
            }
            return features;
        }

        /// <summary>The model's SLOs (<c>slo: {roc_auc: {min: 0.8, window: 1d}, latency_p99_ms: {max: 250}}</c>): each is
        /// a P1 monitor named <c>slo-{metric}</c> (window 1h and every 1m unless given), and "performance within SLO"
        /// for drift alerts means none of them is breached.</summary>
        private List<MonitorConfig> Slos(YamlNode node, string model)
        {
            var list = new List<MonitorConfig>();
            if (node is not YamlMappingNode map) throw Error(node, $"slo must be a mapping of metric to {{min, max, window, every, for}}, found {ConfigFile.Found(node)}");
            foreach (var (k, v) in map.Children)
            {
                var metric = Scalar(k, "slo metric");
                var m = new MonitorConfig { Name = "slo-" + metric.Replace('(', '-').Replace(")", "", StringComparison.Ordinal), Metric = metric, Severity = "P1", Slo = true };
                foreach (var (key, value) in Entries(v, $"the SLO on {metric} of '{model}'", ["min", "max", "window", "every", "for", "cooldown"]))
                {
                    m = key switch
                    {
                        "min" => m with { Min = Number(value, "min") },
                        "max" => m with { Max = Number(value, "max") },
                        "window" => m with { Window = Duration(value, "window") },
                        "every" => m with { Every = Duration(value, "every") },
                        "for" => m with { For = Duration(value, "for") },
                        _ => m with { Cooldown = Duration(value, "cooldown") },
                    };
                }
                if (m.Min is null && m.Max is null) throw Error(k, $"the SLO on {metric} needs min or max");
                list.Add(m);
            }
            return list;
        }

        private IReadOnlyList<MonitorConfig> Monitors(YamlNode node, string model, List<(MonitorConfig, YamlNode)> estimated)
        {
            var monitors = new List<MonitorConfig>();
            foreach (var item in Items(node, "monitors"))
            {
                string? name = null, metric = null;
                (YamlNode Node, string Value)? type = null;
                FairnessConfig? fairness = null;
                (YamlNode Node, double Value)? scoreThreshold = null;
                var m = new MonitorConfig { Name = "", Metric = "" };
                foreach (var (key, value) in Entries(item, $"a monitor of '{model}'",
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
                        case "metric": metric = Scalar(value, "metric"); break;
                        case "method": m = m with { Method = Scalar(value, "method") }; break;
                        case "window": m = m with { Window = Duration(value, "window") }; break;
                        case "every": m = m with { Every = Duration(value, "every") }; break;
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
                                    "rolling" => m with { Rolling = Duration(tv, "rolling") },
                                    _ => m with { Sigma = Number(tv, "sigma") },
                                };
                            }
                            break;
                    }
                }
                var isFairness = type?.Value == FairnessType;
                if (isFairness && name is not null)
                {
                    m = TypedFairness(m, fairness, scoreThreshold, true, item, name);
                    metric ??= $"fairness({m.Fairness!.Attribute})";
                }
                if (name is null || metric is null) throw Error(item, "a monitor needs 'name:' and 'metric:'");
                if (!isFairness)
                {
                    m = TypedFairness(m, fairness, scoreThreshold, false, item, name);
                    m = Typed(m, type, item, name);
                }
                // A drift monitor without a threshold fires on its method's own decision; an estimated_performance
                // monitor without one learns it from its reference.
                if (!m.HasThreshold && m.Type == MonitorType.Window && !metric.StartsWith("drift(", StringComparison.Ordinal))
                    throw Error(item, $"monitor '{name}' needs a threshold: min, max or rolling");
                if (monitors.Any(x => x.Name == name)) throw Error(item, $"monitor '{name}' is listed twice");
                monitors.Add(m with { Name = name, Metric = metric });
                if (m.Type is MonitorType.EstimatedPerformance or MonitorType.Fairness) estimated.Add((monitors[^1], item));
            }
            return monitors;
        }

        public IReadOnlyList<NotifierConfig> Notifiers(YamlNode node)
        {
            var list = new List<NotifierConfig>();
            foreach (var item in Items(node, "notifiers"))
            {
                string? name = null, type = null, url = null, routingKey = null;
                IReadOnlyList<string> severities = ["P1", "P2"];
                foreach (var (key, value) in Entries(item, "a notifier", ["name", "type", "url", "severities", "routing_key"]))
                {
                    switch (key)
                    {
                        case "name": name = Name(value, "notifier name"); break;
                        case "type":
                            type = Scalar(value, "type");
                            if (type is not ("webhook" or "slack" or "pagerduty")) throw Error(value, $"type: '{type}' is not a notifier; expected webhook, slack or pagerduty");
                            break;
                        case "url": url = Scalar(value, "url"); break;
                        case "routing_key": routingKey = Scalar(value, "routing_key"); break;
                        case "severities": severities = Items(value, "severities").Select(s => Scalar(s, "severity")).ToList(); break;
                    }
                }
                if (name is null || type is null || url is null) throw Error(item, "a notifier needs 'name:', 'type:' and 'url:'");
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw Error(item, $"notifier '{name}': '{url}' is not an http(s) URL");
                list.Add(new NotifierConfig(name, type, url, severities, routingKey));
            }
            return list;
        }
    }
}
