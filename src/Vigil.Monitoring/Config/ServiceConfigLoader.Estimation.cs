using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;
using YamlDotNet.RepresentationModel;

namespace Vigil.Monitoring.Config;

/// <summary>The <c>type: estimated_performance</c> monitor's keys (docs/service.md): its reference, checked when the
/// config loads (the file exists, is labelled and is the model's: a binary classifier's score, a multiclass
/// classifier's prediction and class probabilities, a regression model's prediction and features), its metric (one
/// CBPE or DLE estimates for the model's task); and a multiclass model's <c>classes:</c>.</summary>
public static partial class ServiceConfigLoader
{
    private sealed partial class Reader
    {
        /// <summary>Keys only an estimated_performance monitor takes.</summary>
        public static readonly string[] EstimationKeys = ["reference", "reference_window", "chunk", "min_rows"];

        private const string Type = "estimated_performance";

        public EstimationConfig Estimation(EstimationConfig e, string key, YamlNode value)
        {
            switch (key)
            {
                case "reference":
                    return e with { Reference = FilePath(value, "reference") };
                case "chunk":
                    var chunk = Scalar(value, "chunk").Trim();
                    return e with
                    {
                        Chunk = chunk switch
                        {
                            "hour" => new TimeChunk(ChunkUnit.Hour),
                            "day" => new TimeChunk(ChunkUnit.Day),
                            "week" => new TimeChunk(ChunkUnit.Week),
                            _ when long.TryParse(chunk, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 => new RowChunk(n),
                            _ => throw Error(value, $"chunk: '{chunk}' is not a chunk; expected hour, day, week or a number of rows"),
                        },
                    };
                case "min_rows":
                    var rows = Number(value, "min_rows");
                    return rows >= 1 && rows == Math.Floor(rows) ? e with { MinRows = (long)rows } : throw Error(value, $"min_rows: '{rows}' is not a whole number of at least 1");
                default:
                    DateTime? from = null, to = null;
                    foreach (var (k, v) in Entries(value, "reference_window", ["from", "to"]))
                    {
                        var text = Scalar(v, k);
                        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
                            throw Error(v, $"reference_window: {k}: '{text}' is not a time; expected e.g. 2026-11-01T00:00:00Z");
                        if (k == "from") from = t;
                        else to = t;
                    }
                    if (from is null || to is null) throw Error(value, "reference_window needs 'from:' and 'to:'");
                    if (from >= to) throw Error(value, "reference_window: 'from' must be before 'to'");
                    return e with { ReferenceFrom = from, ReferenceTo = to };
            }
        }

        /// <summary>Applies <c>type:</c>; the estimation keys without <c>type: estimated_performance</c> are an error.</summary>
        public MonitorConfig Typed(MonitorConfig m, (YamlNode Node, string Value)? type, YamlNode item, string name)
        {
            if (type is { } t && t.Value is not ("window" or Type or FairnessType))
                throw Error(t.Node, $"type: '{t.Value}' is not a monitor type; expected window (the default), {Type} or {FairnessType}");
            var estimated = type?.Value == Type;
            if (!estimated && m.Estimation is not null)
            {
                var key = EstimationKeys.First(k => Child(item, k) is not null);
                throw Error(Child(item, key)!, $"monitor '{name}': '{key}' is a key of 'type: {Type}' monitors");
            }
            if (!estimated) return m;
            if (m.Method is not null) throw Error(Child(item, "method")!, $"monitor '{name}': 'method' is a key of drift monitors, not of 'type: {Type}'");
            var e = m.Estimation ?? new EstimationConfig();
            if (e.Reference is null && e.ReferenceFrom is null)
                throw Error(item, $"monitor '{name}' needs 'reference:' (a labelled file) or 'reference_window: {{from, to}}' (the model's own labelled predictions) for CBPE to learn from");
            if (e.Reference is not null && e.ReferenceFrom is not null)
                throw Error(Child(item, "reference_window")!, $"monitor '{name}': give 'reference:' or 'reference_window:', not both");
            return m with { Estimation = e };
        }

        /// <summary>Once the model's task is known: the metric is one the task's estimator gives (CBPE for binary and
        /// multiclass classifiers, DLE for regression models), a multiclass model declares its classes, and a reference
        /// file is there, labelled and the model's (a multiclass one holds the declared classes and their probability
        /// columns; a regression one the model's features).</summary>
        public void CheckEstimated(MonitorConfig m, YamlNode item, string model, ModelTask task, IReadOnlyList<FeatureSpec> features, IReadOnlyList<string> classes)
        {
            var metricNode = Child(item, "metric") ?? item;
            var (metrics, by) = task switch
            {
                ModelTask.Binary => (CbpeMetrics.Binary, "CBPE"),
                ModelTask.Multiclass => (MulticlassCbpeModel.Metrics, "multiclass CBPE"),
                _ => (DleMetrics.All, "DLE"),
            };
            if (!metrics.Contains(m.Metric.Name))
                throw Error(metricNode, $"monitor '{m.Name}': '{m.Metric}' is not a metric {by} estimates{(task == ModelTask.Binary ? "" : $" (model '{model}' is {task.ToString().ToLowerInvariant()})")}; expected one of {string.Join(", ", metrics)}");
            if (task == ModelTask.Multiclass && classes.Count == 0)
                throw Error(item, $"monitor '{m.Name}': model '{model}' needs 'classes:' (the list of its classes) for multiclass CBPE, which estimates from each class's probability");
            if (m.Estimation?.Reference is not { } path) return;
            var node = Child(item, "reference") ?? item;
            if (!File.Exists(path) && !Directory.Exists(path))
                throw Error(node, $"monitor '{m.Name}': {NoSuchFile(node, "reference", path)}");
            string? undeclared = null;
            try
            {
                using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
                switch (task)
                {
                    case ModelTask.Binary:
                        var (cols, x, _) = EstimationAnalysis.ResolveReference(source, ReferenceOptions());
                        EstimationAnalysis.CheckBinaryLabels(source, cols.Label!, x);
                        break;
                    case ModelTask.Multiclass:
                        undeclared = MulticlassCbpeModel.ReferenceClasses(source).FirstOrDefault(c => !classes.Contains(c));
                        break;
                    default:
                        DleModel.CheckReference(source, ReferenceOptions(m.Estimation, task, m.Metric, features));
                        break;
                }
            }
            catch (VigilInputException e)
            {
                throw Error(node, $"monitor '{m.Name}': {e.Message}");
            }
            catch (VigilEngineException e) when (e.IsUserError)
            {
                throw Error(node, $"monitor '{m.Name}': {path}: {e.Message.Split('\n')[0]}");
            }
            if (undeclared is not null)
                throw Error(node, $"monitor '{m.Name}': {path}: the reference holds the class '{undeclared}', which is not one of model '{model}''s classes ({string.Join(", ", classes)})");
        }

        /// <summary>A model's <c>classes:</c>: at least two distinct names, each with a column of its own in the store.</summary>
        private IReadOnlyList<string> Classes(YamlNode node, string model)
        {
            var list = new List<string>();
            foreach (var item in Items(node, "classes"))
            {
                var c = Scalar(item, "a class");
                if (c.Length == 0) throw Error(item, $"model '{model}': classes: a class must not be empty");
                if (list.Contains(c)) throw Error(item, $"model '{model}': classes: '{c}' is listed twice");
                var column = ModelConfig.ProbabilityColumn(c);
                if (list.FirstOrDefault(o => ModelConfig.ProbabilityColumn(o) == column) is { } other)
                    throw Error(item, $"model '{model}': classes: '{c}' and '{other}' would share the store's column {column} (characters other than letters, digits and '_' become '_'); rename one");
                list.Add(c);
            }
            if (list.Count < 2) throw Error(node, $"model '{model}': classes: needs at least two classes");
            if (list.Count > MulticlassEstimation.MaxClasses)
                throw Error(node, $"model '{model}': classes: {list.Count} classes; at most {MulticlassEstimation.MaxClasses} (multiclass CBPE walks the data once per class)");
            return list;
        }

        /// <summary><c>classes:</c> is for multiclass models.</summary>
        private void CheckClasses((YamlNode Node, IReadOnlyList<string> Names)? classes, string model, ModelTask task)
        {
            if (classes is { } c && task != ModelTask.Multiclass)
                throw Error(c.Node, $"model '{model}': 'classes:' is for multiclass models; '{model}' is {task.ToString().ToLowerInvariant()}");
        }

        private static YamlNode? Child(YamlNode item, string key) =>
            item is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
    }

    /// <summary>How an estimated_performance monitor reads its reference: the CLI's default column names (a
    /// <c>prediction_score</c>, an <c>actual_label</c>, a <c>timestamp</c>); a score column makes it a binary
    /// classifier's. A regression model's reference gives DLE the model's features (by their names) and the prediction,
    /// and its nannies learn the monitor's metric.</summary>
    internal static EstimationOptions ReferenceOptions(EstimationConfig? e = null) => new()
    {
        Mapping = new MappingOptions(),
        Chunk = e?.Chunk,
    };

    /// <summary><see cref="ReferenceOptions(EstimationConfig?)"/> for a model of <paramref name="task"/>: multiclass
    /// CBPE estimates all its metrics; DLE learns <paramref name="metric"/>'s loss from the model's features.</summary>
    internal static EstimationOptions ReferenceOptions(EstimationConfig? e, ModelTask task, string metric, IReadOnlyList<FeatureSpec> features) => task switch
    {
        ModelTask.Regression => ReferenceOptions(e) with
        {
            Mapping = new MappingOptions { Task = ModelTask.Regression, Features = features.Select(f => f.Name).ToList() },
            Metrics = [metric],
        },
        ModelTask.Multiclass => ReferenceOptions(e) with { Mapping = new MappingOptions { Task = ModelTask.Multiclass } },
        _ => ReferenceOptions(e),
    };
}
