using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;

namespace Vigil.Server.Monitors;

/// <summary>A monitor's value on its window, and for drift monitors the method's own decision and the statistic (for
/// estimated_performance monitors without a threshold, the learned thresholds' decision, stated in
/// <see cref="Condition"/>, and the estimate with its band).</summary>
internal sealed record MetricValue(double? Value, bool? Drifted, string? Note, string? Feature = null)
{
    /// <summary>What the monitor's own decision (<see cref="Drifted"/>) judged against; null: the drift method's.</summary>
    public string? Condition { get; init; }
    /// <summary>estimated_performance monitors: CBPE's estimate with its band.</summary>
    public Vigil.Monitoring.Alerts.EstimateInfo? Estimate { get; init; }
    /// <summary>fairness monitors: every group's rate and ratio to the reference group.</summary>
    public FairnessInfo? Fairness { get; init; }
    /// <summary>drift monitors: the drift method that ran and its threshold.</summary>
    public string? Method { get; init; }
    public double? Threshold { get; init; }
}

/// <summary>
/// Computes a monitor's metric on its sliding window of the store, as the CLI computes it: the window is a query over
/// the model's table whose columns carry the CLI's default names, and the metrics come from the same analyses
/// (<c>vigil evaluate</c> for performance, <c>vigil drift</c> against the model's reference profile for drift). Simple
/// aggregates (volume, mean score, rates, latency quantile) are one SQL query.
/// </summary>
internal sealed class WindowMetrics(PredictionStore store)
{
    /// <summary>The estimated_performance monitors' fitted references and kept evaluations.</summary>
    public EstimatedPerformance Estimates { get; } = new(store);

    /// <summary>The fairness monitors.</summary>
    public FairnessMonitor Fairness { get; } = new(store);

    private readonly Dictionary<string, ReferenceProfile?> _references = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public MetricValue Compute(ModelConfig model, MonitorConfig monitor, DateTime now)
    {
        var from = now - monitor.Window;
        if (monitor.Type == MonitorType.EstimatedPerformance) return Estimates.Compute(model, monitor, from, now);
        if (monitor.Type == MonitorType.Fairness) return Fairness.Compute(model, monitor, from, now);
        var metric = monitor.Metric;
        return metric.Kind switch
        {
            MetricKind.Drift => Drift(model, monitor, metric.Feature!, from, now),
            MetricKind.NullRate => Scalar(model, $"avg(CASE WHEN {Q("f_" + metric.Feature)} IS NULL THEN 1.0 ELSE 0.0 END)", from, now, metric.Feature),
            MetricKind.Volume => Scalar(model, store.Dialect.CastDouble("count(*)"), from, now, countsRows: true),
            MetricKind.MeanScore => Scalar(model, "avg(score)", from, now),
            MetricKind.MeanPrediction => Scalar(model, "avg(prediction)", from, now),
            MetricKind.ErrorRate => Scalar(model, "avg(CASE WHEN error THEN 1.0 ELSE 0.0 END)", from, now),
            MetricKind.LatencyP50 => Scalar(model, store.Dialect.Quantile("latency_ms", 0.5), from, now),
            MetricKind.LatencyP99 => Scalar(model, store.Dialect.Quantile("latency_ms", 0.99), from, now),
            MetricKind.LabelRate => Scalar(model, "avg(CASE WHEN label IS NULL THEN 0.0 ELSE 1.0 END)", from, now),
            MetricKind.Performance => Performance(model, metric.Name, from, now),
            _ => throw new InvalidOperationException($"monitor '{monitor.Name}': {metric} is not a window metric"),
        };
    }

    private string Q(string identifier) => store.Dialect.QuoteIdentifier(identifier);


    private MetricValue Scalar(ModelConfig model, string expression, DateTime from, DateTime to, string? feature = null, bool countsRows = false)
    {
        using var engine = store.NewReader();
        var t = engine.Query($"SELECT {expression}, count(*) FROM {store.Rows(model.Name)} WHERE {store.Where(from, to)}");
        if (t.GetInt64(1, 0) == 0 && !countsRows) return new MetricValue(null, null, "no predictions in the window", feature);
        return new MetricValue(t.IsNull(0, 0) ? null : t.GetDouble(0, 0), null, null, feature);
    }

    /// <summary>One version's numbers on a window, for canary analysis: predictions, labeled ones, error rate, p99
    /// latency, mean score or prediction, and the model's main quality metrics (<c>vigil evaluate</c> on the labeled
    /// rows; null with fewer than <paramref name="minLabeled"/>).</summary>
    public Dictionary<string, double?> Version(ModelConfig model, string version, DateTime from, DateTime to, int minLabeled)
    {
        var result = new Dictionary<string, double?>(StringComparer.Ordinal);
        using (var engine = store.NewReader())
        {
            var mean = model.Task == ModelTask.Binary ? "avg(score)" : model.Task == ModelTask.Regression ? "avg(prediction)" : $"CAST(NULL AS {store.Dialect.Double})";
            var t = engine.Query($"SELECT count(*), count(label), avg(CASE WHEN error THEN 1.0 ELSE 0.0 END), {store.Dialect.Quantile("latency_ms", 0.99)}, {mean} " +
                                 $"FROM {store.Rows(model.Name)} WHERE {store.Where(from, to)} AND version = $1", [version]);
            double? At(int c) => t.IsNull(c, 0) ? null : t.GetDouble(c, 0);
            result["predictions"] = t.GetInt64(0, 0);
            result["labeled"] = t.GetInt64(1, 0);
            result["error_rate"] = At(2);
            result["latency_p99_ms"] = At(3);
            result[model.Task == ModelTask.Binary ? "mean_score" : "mean_prediction"] = At(4);
        }
        string[] quality = model.Task switch
        {
            ModelTask.Binary => ["roc_auc", "average_precision", "f1", "log_loss"],
            ModelTask.Regression => ["mae", "rmse", "r2"],
            _ => ["accuracy", "f1_macro"],
        };
        if (result["labeled"] >= minLabeled)
        {
            using var window = Window(model, from, to, labeledOnly: true, version: version);
            var metrics = Evaluate(model, window).Metrics;
            foreach (var name in quality) result[name] = metrics.FirstOrDefault(x => x.Name == name)?.Value;
        }
        else foreach (var name in quality) result[name] = null;
        return result;
    }

    /// <summary>The window as a source with the CLI's default column names (and the features under their own).</summary>
    private OpenedSource Window(ModelConfig model, DateTime from, DateTime to, bool labeledOnly, string? version = null)
    {
        var value = model.Task == ModelTask.Binary ? $"score AS {Q(MappingOptions.DefaultScore)}" : $"prediction AS {Q(MappingOptions.DefaultPrediction)}";
        var features = model.Features.Select(f => $"{Q("f_" + f.Name)} AS {Q(f.Name)}");
        var select = string.Join(", ", new[]
        {
            $"id AS {Q(MappingOptions.DefaultId)}", $"ts AS {Q(MappingOptions.DefaultTimestamp)}", $"version AS {Q(MappingOptions.DefaultVersion)}",
            value, $"label AS {Q(MappingOptions.DefaultLabel)}",
        }.Concat(features));
        var byVersion = version is null ? "" : $" AND version = '{version.Replace("'", "''", StringComparison.Ordinal)}'";
        var relation = $"(SELECT {select} FROM {store.Rows(model.Name)} WHERE {store.Where(from, to)}{(labeledOnly ? " AND label IS NOT NULL" : "")}{byVersion}) AS vigil_window";
        return store.OpenWindow(relation, $"{model.Name}, the window ({from:yyyy-MM-dd HH:mm:ss} to {to:yyyy-MM-dd HH:mm:ss} UTC)");
    }

    private MetricValue Performance(ModelConfig model, string metric, DateTime from, DateTime to)
    {
        using var window = Window(model, from, to, labeledOnly: true);
        if (window.Engine.Query($"SELECT 1 FROM {window.Relation} LIMIT 1").RowCount == 0)
            return new MetricValue(null, null, "no labeled predictions in the window");
        var result = Evaluate(model, window);
        var found = result.Metrics.FirstOrDefault(x => x.Name == metric);
        if (found is null) return new MetricValue(null, null, $"'{metric}' is not a metric of a {model.Task.ToString().ToLowerInvariant()} model; it has {string.Join(", ", result.Metrics.Select(x => x.Name))}");
        return new MetricValue(found.Value, null, found.Note);
    }

    /// <summary>The exact evaluation (<c>vigil evaluate</c>) of the window's labelled rows, of one version or all; null when
    /// the window has none (the dashboard's <c>/evaluation</c>).</summary>
    internal EvaluationResult? EvaluateWindow(ModelConfig model, DateTime from, DateTime to, string? version)
    {
        using var window = Window(model, from, to, labeledOnly: true, version: version);
        if (window.Engine.Query($"SELECT 1 FROM {window.Relation} LIMIT 1").RowCount == 0) return null;
        return Evaluate(model, window);
    }

    /// <summary><c>vigil evaluate</c> on a window (its columns carry the CLI's default names).</summary>
    private static EvaluationResult Evaluate(ModelConfig model, OpenedSource window) =>
        EvaluationAnalysis.Run(window, new EvaluateOptions
        {
            Mapping = new MappingOptions { Task = model.Task, Features = model.Features.Select(f => f.Name).ToArray() },
        });

    /// <summary>The model's reference as a profile (read once; a data source is profiled on first use).</summary>
    internal ReferenceProfile? Reference(ModelConfig model)
    {
        lock (_gate)
        {
            if (_references.TryGetValue(model.Name, out var cached)) return cached;
            ReferenceProfile? profile = null;
            if (model.Reference is { } path)
            {
                if (path.EndsWith(ReferenceProfile.Extension, StringComparison.OrdinalIgnoreCase)) profile = ReferenceProfile.Load(path);
                else
                {
                    using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
                    profile = ReferenceProfile.Build(source, model.Features.Select(f => f.Name).Where(n => source.Columns.Any(c => c.Name == n)).ToList());
                }
            }
            _references[model.Name] = profile;
            return profile;
        }
    }

    private MetricValue Drift(ModelConfig model, MonitorConfig monitor, string feature, DateTime from, DateTime to)
    {
        var reference = Reference(model);
        if (reference is null) return new MetricValue(null, null, $"'{model.Name}' has no reference to compare with (set 'reference:' to a profile or a data file)", feature);
        if (reference.Columns.All(c => c.Name != feature)) return new MetricValue(null, null, $"the reference has no column '{feature}'", feature);
        using var window = Window(model, from, to, labeledOnly: false);
        if (window.Engine.Query($"SELECT 1 FROM {window.Relation} WHERE {Q(feature)} IS NOT NULL LIMIT 1").RowCount == 0)
            return new MetricValue(null, null, "no values in the window", feature);
        var result = DriftAnalysis.Run(reference, window, new DriftOptions { Columns = [feature], Method = monitor.Method, Distributions = false });
        var column = result.Columns[0];
        return column.Result is { } r
            ? new MetricValue(r.PValue ?? r.Statistic, column.Drifted, $"{r.Method}: statistic {r.Statistic?.ToString("G6", CultureInfo.InvariantCulture)}", feature)
            {
                Method = r.Method, Threshold = r.Threshold,
            }
            : new MetricValue(null, null, column.Note, feature);
    }
}
