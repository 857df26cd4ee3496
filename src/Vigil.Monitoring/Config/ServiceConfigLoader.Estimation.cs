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
/// config loads (the file exists, has a label and a score, and is a binary classifier's), its metric (one CBPE
/// estimates) and its model (a binary classifier).</summary>
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

        /// <summary>Once the model's task is known: the metric is one CBPE estimates, the model a binary classifier, and a
        /// reference file is there, labelled and a binary classifier's.</summary>
        public void CheckEstimated(MonitorConfig m, YamlNode item, string model, ModelTask task)
        {
            var metricNode = Child(item, "metric") ?? item;
            if (!CbpeMetrics.Binary.Contains(m.Metric.Name))
                throw Error(metricNode, $"monitor '{m.Name}': '{m.Metric}' is not a metric CBPE estimates; expected one of {string.Join(", ", CbpeMetrics.Binary)}");
            if (task != ModelTask.Binary)
                throw Error(metricNode, $"monitor '{m.Name}': {m.Metric} is estimated (CBPE) for binary classifiers only; model '{model}' is {task.ToString().ToLowerInvariant()} (the service does not run DLE or multiclass CBPE yet; use vigil estimate)");
            if (m.Estimation?.Reference is not { } path) return;
            var node = Child(item, "reference") ?? item;
            if (!File.Exists(path) && !Directory.Exists(path))
                throw Error(node, $"monitor '{m.Name}': {NoSuchFile(node, "reference", path)}");
            try
            {
                using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
                var (cols, x, _) = EstimationAnalysis.ResolveReference(source, ReferenceOptions());
                EstimationAnalysis.CheckBinaryLabels(source, cols.Label!, x);
            }
            catch (VigilInputException e)
            {
                throw Error(node, $"monitor '{m.Name}': {e.Message}");
            }
            catch (VigilEngineException e) when (e.IsUserError)
            {
                throw Error(node, $"monitor '{m.Name}': {path}: {e.Message.Split('\n')[0]}");
            }
        }

        private static YamlNode? Child(YamlNode item, string key) =>
            item is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;
    }

    /// <summary>How an estimated_performance monitor reads its reference: the CLI's default column names (a
    /// <c>prediction_score</c>, an <c>actual_label</c>, a <c>timestamp</c>); a score column makes it a binary
    /// classifier's.</summary>
    internal static EstimationOptions ReferenceOptions(EstimationConfig? e = null) => new()
    {
        Mapping = new MappingOptions(),
        Chunk = e?.Chunk,
    };
}
