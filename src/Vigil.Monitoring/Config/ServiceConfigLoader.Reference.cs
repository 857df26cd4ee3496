using Vigil.Analysis.Drift;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;
using YamlDotNet.RepresentationModel;

namespace Vigil.Monitoring.Config;

/// <summary>A model's <c>reference:</c> (the profile or data file its drift monitors compare with), checked when the
/// config loads: it is there and readable, and it has a column of the right kind for every drifting feature; a drift
/// monitor on a model without a reference is an error.</summary>
public static partial class ServiceConfigLoader
{
    private sealed partial class Reader
    {
        public void CheckReference(ModelSpec model, (string Path, YamlNode Node)? reference, List<(MonitorConfig Monitor, YamlNode Node)> monitors)
        {
            var drifting = monitors.Where(x => x.Monitor.Metric.Kind == MetricKind.Drift).ToList();
            if (reference is not { } r)
            {
                if (drifting.FirstOrDefault() is ({ } m, { } at))
                    throw Error(Child(at, "metric") ?? at, $"monitor '{m.Name}': {m.Metric} compares the window with the model's reference, " +
                                                           $"and model '{model.Name}' has none; set its 'reference:' (a profile written by vigil profile, or a data file)");
                return;
            }
            var columns = Columns(r.Path, r.Node);
            foreach (var (m, at) in drifting)
            {
                var feature = m.Metric.Feature!;
                if (!columns.TryGetValue(feature, out var type))
                    throw Error(Child(at, "metric") ?? at, $"monitor '{m.Name}': the reference {r.Path} has no column '{feature}'" +
                                                           $" (it has {string.Join(", ", columns.Keys.Take(20))}{(columns.Count > 20 ? ", …" : "")})");
                if (model.Features.First(f => f.Name == feature).Type == FeatureType.Number && type == ColumnType.Categorical)
                    throw Error(Child(at, "metric") ?? at, $"monitor '{m.Name}': '{feature}' is a number feature, but the reference's column '{feature}' holds text; " +
                                                           "drift would compare them as categories (make the schema say category, or fix the reference)");
            }
        }

        /// <summary>The reference's columns and whether each holds numbers: from a profile's summary, or a data file's types.</summary>
        private Dictionary<string, ColumnType> Columns(string path, YamlNode node)
        {
            var columns = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
            var remote = path.Contains("://", StringComparison.Ordinal);
            if (!remote && path.IndexOfAny(['*', '?', '[']) < 0 && !File.Exists(path))
                throw Error(node, NoSuchFile(node, "reference", path));
            try
            {
                if (path.EndsWith(ReferenceProfile.Extension, StringComparison.OrdinalIgnoreCase))
                {
                    foreach (var c in ReferenceProfile.Load(path).Columns) columns[c.Name] = c.Type;
                }
                else
                {
                    using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
                    foreach (var c in source.Columns)
                        columns[c.Name] = c.Kind is ColumnKind.Double or ColumnKind.Int64 ? ColumnType.Numerical : ColumnType.Categorical;
                }
            }
            catch (VigilInputException e)
            {
                throw Error(node, $"reference: {e.Message}");
            }
            catch (VigilEngineException e) when (e.IsUserError)
            {
                throw Error(node, $"reference: {path}: {e.Message.Split('\n')[0]}");
            }
            return columns;
        }
    }
}
