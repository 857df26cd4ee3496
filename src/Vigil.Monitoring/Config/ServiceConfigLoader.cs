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
    /// <summary>Reads a config file; relative paths in it (<c>store:</c>, every <c>reference:</c>) resolve against its
    /// folder.</summary>
    public static ServiceConfig Load(string path)
    {
        if (!File.Exists(path)) throw new VigilInputException($"{path}: no such config file");
        return Parse(File.ReadAllText(path), path, System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path)));
    }

    /// <summary>Reads a config's text; relative paths in it resolve against <paramref name="folder"/> (null: they are kept
    /// as written, relative to the current directory).</summary>
    public static ServiceConfig Parse(string text, string source = "vigil.yaml", string? folder = null)
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
            return Read(root, source, folder);
        }
        catch (Exception e) when (e is InvalidCastException or ArgumentException or FormatException or OverflowException or InvalidOperationException)
        {
            // A value of an unexpected shape that no check above caught: still one line naming the file, never a cast.
            throw new VigilInputException($"{source}: a value has a shape Vigil does not expect ({e.GetType().Name}); check the file against docs/service.md");
        }
    }

    private static ServiceConfig Read(YamlMappingNode root, string source, string? folder)
    {
        var r = new Reader(source, folder);
        var config = new ServiceConfig { Source = source };
        foreach (var (key, value) in r.Entries(root, "the top level", ["store", "keys", "models", "notifiers"]))
        {
            config = key switch
            {
                "store" => config with { Store = r.Store(value) },
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

    /// <summary>A model's name, task and features: what its monitors' metrics are checked against.</summary>
    private sealed record ModelSpec(string Name, ModelTask Task, IReadOnlyList<FeatureSpec> Features);

    private sealed partial class Reader(string source, string? folder)
    {
        internal VigilInputException Error(YamlNode node, string message) => new($"{source}: line {node.Start.Line}: {message}");

        /// <summary>A path as written (a file, a glob, a postgres:// URL), made absolute against the config file's folder
        /// when it is relative.</summary>
        internal string FilePath(YamlNode node, string what)
        {
            var path = Scalar(node, what).Trim();
            if (path.Length == 0) throw Error(node, $"{what}: expected a path, found an empty value");
            return folder is null || path.Contains("://", StringComparison.Ordinal) || System.IO.Path.IsPathRooted(path)
                ? path : System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, path));
        }

        [GeneratedRegex("([?&])state=([^&]*)")]
        private static partial Regex StateParameter();

        /// <summary><c>store:</c>: a DuckDB file or folder (relative to the config's folder), a valid postgres:// URL or a
        /// valid clickhouse:// URL.</summary>
        internal string Store(YamlNode node)
        {
            var store = FilePath(node, "store");
            if (!store.Contains("://", StringComparison.Ordinal)) return store;
            var shown = Vigil.Engine.Sources.SourceOpener.RedactUrl(store);
            if (!Vigil.Engine.Sources.SourceOpener.IsPostgresUrl(store) && !Vigil.Engine.ClickHouse.ClickHouseConnectionInfo.IsUrl(store))
                throw Error(node, $"store: '{shown}' is neither a DuckDB file path, a postgres:// URL nor a clickhouse:// URL");
            try
            {
                if (Vigil.Engine.ClickHouse.ClickHouseConnectionInfo.IsUrl(store))
                    Vigil.Engine.ClickHouse.ClickHouseConnectionInfo.FromUrl(store, shown);
                else Vigil.Engine.Sources.SourceOpener.PostgresConnectionString(store);
            }
            catch (VigilInputException e)
            {
                throw Error(node, $"store: {e.Message}");
            }
            // A ClickHouse store's state file, like a DuckDB store's path, is read against the config's folder.
            return folder is null ? store : StateParameter().Replace(store, m =>
            {
                var path = Uri.UnescapeDataString(m.Groups[2].Value);
                return System.IO.Path.IsPathRooted(path) ? m.Value : m.Groups[1].Value + "state=" + System.IO.Path.GetFullPath(System.IO.Path.Combine(folder, path));
            });
        }

        /// <summary>"no such file", saying how a relative path was read.</summary>
        internal string NoSuchFile(YamlNode node, string what, string path)
        {
            var written = node is YamlScalarNode { Value: { } w } ? w.Trim() : path;
            return $"{what}: no such file '{path}'" + (written != path && !System.IO.Path.IsPathRooted(written) ? $" ('{written}' is relative to the config file's folder)" : "");
        }

        internal static string Num(double x) => x.ToString(CultureInfo.InvariantCulture);

        /// <summary>" (it has a, b)" or " (it has none; …)": a schema's features, for messages.</summary>
        internal static string Has(IReadOnlyList<FeatureSpec> features) =>
            features.Count > 0 ? $" (it has {string.Join(", ", features.Select(x => x.Name))})" : " (it has none; add it under schema: features:)";

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
                var entries = Entries(v, $"model '{name}'", ["task", "schema", "reference", "monitors", "importance", "min_importance", "slo", "classes", "team", "owner", "tags", "freshness"]).ToList();
                // The task and the schema first, whatever their place in the file: the monitors' metrics are checked against them.
                ModelTask? task = null;
                IReadOnlyList<FeatureSpec>? features = null;
                foreach (var (key, value) in entries)
                {
                    if (key == "task")
                    {
                        task = Scalar(value, "task") switch
                        {
                            "binary" => ModelTask.Binary,
                            "multiclass" => ModelTask.Multiclass,
                            "regression" => ModelTask.Regression,
                            var other => throw Error(value, $"task: '{other}' is not a task; expected binary, multiclass or regression"),
                        };
                    }
                    else if (key == "schema") features = Schema(value, name);
                }
                if (task is null) throw Error(k, $"model '{name}' needs 'task:' (binary, multiclass or regression)");
                var model = new ModelSpec(name, task.Value, features ?? []);
                (string Path, YamlNode Node)? reference = null;
                IReadOnlyList<MonitorConfig> monitors = [];
                var importance = new Dictionary<string, double>(StringComparer.Ordinal);
                double? minImportance = null;
                (YamlNode Node, IReadOnlyList<string> Names)? classes = null;
                var slos = new List<MonitorConfig>();
                string? team = null, owner = null;
                var tags = new List<string>();
                var freshness = TimeSpan.FromHours(1);
                var estimated = new List<(MonitorConfig Monitor, YamlNode Node)>();
                var window = new List<(MonitorConfig Monitor, YamlNode Node)>();
                foreach (var (key, value) in entries)
                {
                    switch (key)
                    {
                        case "reference": reference = (FilePath(value, "reference"), value); break;
                        case "monitors": monitors = Monitors(value, model, estimated, window); break;
                        case "min_importance":
                            var floor = Number(value, "min_importance");
                            minImportance = floor >= 0 ? floor : throw Error(value, $"min_importance: '{Num(floor)}' is negative");
                            break;
                        case "slo": slos = Slos(value, model, window); break;
                        case "classes": classes = (value, Classes(value, name)); break;
                        case "team": team = Scalar(value, "team"); break;
                        case "owner": owner = Scalar(value, "owner"); break;
                        case "tags":
                            foreach (var item in Items(value, "tags"))
                            {
                                var tag = Scalar(item, "tag");
                                if (!tags.Contains(tag)) tags.Add(tag);
                            }
                            break;
                        case "freshness":
                            freshness = Duration(value, "freshness");
                            if (freshness <= TimeSpan.Zero) throw Error(value, "freshness: must be a positive duration such as 30m or 2h");
                            break;
                        case "importance":
                            if (value is not YamlMappingNode imp) throw Error(value, $"importance must be a mapping of feature name to a number, found {ConfigFile.Found(value)}");
                            foreach (var (ik, iv) in imp.Children)
                            {
                                var feature = Name(ik, "feature name");
                                if (model.Features.All(x => x.Name != feature))
                                    throw Error(ik, $"importance: '{feature}' is not a feature in the schema of '{name}'{Has(model.Features)}");
                                var weight = Number(iv, $"importance: {feature}");
                                importance[feature] = weight >= 0 ? weight : throw Error(iv, $"importance: {feature}: '{Num(weight)}' is negative");
                            }
                            break;
                    }
                }
                CheckClasses(classes, name, task.Value);
                foreach (var (monitor, at) in estimated)
                {
                    if (monitor.Type == MonitorType.Fairness) CheckFairness(monitor, at, name, task.Value, features);
                    else CheckEstimated(monitor, at, name, task.Value, features ?? [], classes?.Names ?? []);
                }
                CheckReference(model, reference, window);
                if (slos.FirstOrDefault(x => monitors.Any(m => m.Name == x.Name)) is { } clash)
                    throw Error(k, $"model '{name}': a monitor is named '{clash.Name}', the name of its SLO monitor");
                models.Add(new ModelConfig
                {
                    Name = name, Task = task.Value, Features = model.Features, Reference = reference?.Path, Monitors = [.. monitors, .. slos],
                    Importance = importance, MinImportance = minImportance, Classes = classes?.Names ?? [],
                    Team = team, Owner = owner, Tags = tags, Freshness = freshness,
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
                        case "severities":
                            severities = Items(value, "severities").Select(s => Scalar(s, "severity") is var sev && sev is "P1" or "P2" or "P3"
                                ? sev : throw Error(s, $"severities: '{sev}' is not a severity; expected P1, P2 or P3")).ToList();
                            break;
                    }
                }
                if (name is null || type is null || url is null) throw Error(item, "a notifier needs 'name:', 'type:' and 'url:'");
                if (list.Any(x => x.Name == name)) throw Error(item, $"notifier '{name}' is listed twice");
                if (type == "pagerduty" && string.IsNullOrWhiteSpace(routingKey))
                    throw Error(item, $"notifier '{name}': a pagerduty notifier needs 'routing_key:' (the integration key of the PagerDuty service)");
                if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
                    throw Error(item, $"notifier '{name}': '{url}' is not an http(s) URL");
                list.Add(new NotifierConfig(name, type, url, severities, routingKey));
            }
            return list;
        }
    }
}
