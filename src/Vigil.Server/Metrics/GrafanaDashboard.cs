using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Metrics;

/// <summary>
/// A Grafana dashboard (JSON, schema version 39) over the metrics <c>vigil serve</c> exports at <c>/metrics</c>
/// (<c>vigil grafana</c>): a Prometheus data source variable <c>DS_PROMETHEUS</c>, a <c>model</c> variable from the
/// label values of <c>vigil_stored_predictions</c>, and rows for traffic, latency and errors, alerts and monitors, drift,
/// estimated performance, and one collapsed row per configured model whose monitor panels draw the thresholds of its
/// config. Every query names only metrics of <see cref="Metrics"/>.
/// </summary>
public static class GrafanaDashboard
{
    /// <summary>The metric names the dashboard queries (histograms by their series: <c>_bucket</c>).</summary>
    public static IReadOnlyList<string> Metrics { get; } =
    [
        "vigil_predictions_total", "vigil_prediction_errors_total", "vigil_labels_total", "vigil_prediction_latency_seconds_bucket",
        "vigil_monitor_value", "vigil_monitor_breached", "vigil_feature_drift", "vigil_alerts_firing", "vigil_score_bucket",
        "vigil_stream_drift_detections_total", "vigil_stored_predictions", "vigil_estimated_performance",
        "vigil_estimated_performance_lower", "vigil_estimated_performance_upper", "vigil_realized_performance",
    ];

    private const string Model = "model=~\"$model\"";

    /// <summary>The dashboard as indented JSON.</summary>
    public static string Write(ServiceConfig config, string title = "Vigil: model monitoring")
    {
        ArgumentNullException.ThrowIfNull(config);
        var panels = new JsonArray();
        var y = 0;
        var id = 1;
        void Row(string rowTitle)
        {
            panels.Add(new JsonObject
            {
                ["type"] = "row", ["id"] = id++, ["title"] = rowTitle, ["collapsed"] = false, ["panels"] = new JsonArray(),
                ["gridPos"] = Grid(0, y, 24, 1),
            });
            y += 1;
        }
        void Add(JsonObject panel, int x, int w, int h)
        {
            panel["id"] = id++;
            panel["gridPos"] = Grid(x, y, w, h);
            panels.Add(panel);
            if (x + w >= 24) y += h;
        }

        Row("Traffic");
        Add(Series("Predictions per second", "reqps", Target($"sum by (model) (rate(vigil_predictions_total{{{Model}}}[$__rate_interval]))", "{{model}}")), 0, 12, 8);
        Add(Series("Predictions per second by version", "reqps", Target($"sum by (model, version) (rate(vigil_predictions_total{{{Model}}}[$__rate_interval]))", "{{model}} {{version}}")), 12, 12, 8);
        Add(Series("Labels joined per second", "reqps", Target($"sum by (model) (rate(vigil_labels_total{{{Model}}}[$__rate_interval]))", "{{model}}")), 0, 12, 8);
        Add(Stat("Predictions stored", "short", Target($"sum by (model) (vigil_stored_predictions{{{Model}}})", "{{model}}")), 12, 12, 8);

        Row("Latency and errors");
        Add(Series("Latency quantiles", "s",
            Target($"histogram_quantile(0.5, sum by (model, le) (rate(vigil_prediction_latency_seconds_bucket{{{Model}}}[$__rate_interval])))", "p50 {{model}}"),
            Target($"histogram_quantile(0.9, sum by (model, le) (rate(vigil_prediction_latency_seconds_bucket{{{Model}}}[$__rate_interval])))", "p90 {{model}}"),
            Target($"histogram_quantile(0.99, sum by (model, le) (rate(vigil_prediction_latency_seconds_bucket{{{Model}}}[$__rate_interval])))", "p99 {{model}}")), 0, 12, 8);
        Add(Series("Error rate", "percentunit",
            Target($"sum by (model) (rate(vigil_prediction_errors_total{{{Model}}}[$__rate_interval])) / sum by (model) (rate(vigil_predictions_total{{{Model}}}[$__rate_interval]))", "{{model}}")), 12, 12, 8);

        Row("Alerts and monitors");
        Add(Stat("Alerts firing", "short", Target($"sum by (severity) (vigil_alerts_firing{{{Model}}})", "{{severity}}")), 0, 8, 8);
        Add(Series("Alerts firing by model", "short", Target($"sum by (model, severity) (vigil_alerts_firing{{{Model}}}) > 0", "{{model}} {{severity}}")), 8, 16, 8);
        Add(Table("Breached monitors", Target($"vigil_monitor_breached{{{Model}}} == 1", "", instant: true)), 0, 12, 8);
        Add(Series("Monitor values", "short", Target($"vigil_monitor_value{{{Model}}}", "{{model}}/{{monitor}} ({{severity}})")), 12, 12, 8);

        Row("Drift");
        Add(Series("Feature drift (the drift method's score)", "short", Target($"vigil_feature_drift{{{Model}}}", "{{model}}/{{feature}}")), 0, 12, 8);
        Add(Series("Online detections per hour", "short",
            Target($"sum by (model, detector) (increase(vigil_stream_drift_detections_total{{{Model}}}[1h]))", "{{model}} {{detector}}")), 12, 12, 8);
        var heat = Series("Score distribution", "short", Target($"sum by (le) (increase(vigil_score_bucket{{{Model}}}[$__rate_interval]))", "{{le}}"));
        heat["type"] = "heatmap";
        ((JsonObject)((JsonArray)heat["targets"]!)[0]!)["format"] = "heatmap";
        heat["options"] = new JsonObject { ["calculate"] = false, ["yAxis"] = new JsonObject { ["axisLabel"] = "score" } };
        Add(heat, 0, 12, 8);

        Row("Estimated performance (before labels)");
        Add(Series("Estimated and realized performance", "short",
            Target($"vigil_estimated_performance{{{Model}}}", "estimated {{model}}/{{monitor}} {{metric}}"),
            Target($"vigil_estimated_performance_lower{{{Model}}}", "lower {{model}}/{{monitor}}"),
            Target($"vigil_estimated_performance_upper{{{Model}}}", "upper {{model}}/{{monitor}}"),
            Target($"vigil_realized_performance{{{Model}}}", "realized {{model}}/{{monitor}} {{metric}}")), 0, 24, 8);

        // One collapsed row per model: a panel per monitor with its configured thresholds drawn.
        foreach (var m in config.Models.Where(m => m.Monitors.Count > 0))
        {
            var inner = new JsonArray();
            var iy = y + 1;
            var ix = 0;
            foreach (var mon in m.Monitors)
            {
                var selector = $"model=\"{Escape(m.Name)}\", monitor=\"{Escape(mon.Name)}\"";
                var panel = Series($"{mon.Name}: {mon.Metric.Name} ({mon.Severity}{Condition(mon)})", "short",
                    Target($"vigil_monitor_value{{{selector}}}", mon.Name),
                    Target($"vigil_monitor_breached{{{selector}}}", "breached"));
                Thresholds(panel, mon);
                panel["id"] = id++;
                panel["gridPos"] = Grid(ix, iy, 8, 7);
                inner.Add(panel);
                ix += 8;
                if (ix >= 24)
                {
                    ix = 0;
                    iy += 7;
                }
            }
            panels.Add(new JsonObject
            {
                ["type"] = "row", ["id"] = id++, ["collapsed"] = true, ["panels"] = inner, ["gridPos"] = Grid(0, y, 24, 1),
                ["title"] = $"{m.Name} ({m.Task.ToString().ToLowerInvariant()}{(m.Team is null ? "" : ", team " + m.Team)}): {m.Monitors.Count} monitor{(m.Monitors.Count == 1 ? "" : "s")}",
            });
            y += 1;
        }

        var dashboard = new JsonObject
        {
            ["title"] = title,
            ["uid"] = "vigil-models",
            ["description"] = $"Written by `vigil grafana` from {config.Source}: the metrics vigil serve exports at /metrics.",
            ["tags"] = new JsonArray("vigil", "ml-monitoring"),
            ["schemaVersion"] = 39,
            ["version"] = 1,
            ["editable"] = true,
            ["graphTooltip"] = 1,
            ["refresh"] = "30s",
            ["time"] = new JsonObject { ["from"] = "now-6h", ["to"] = "now" },
            ["timezone"] = "utc",
            ["annotations"] = new JsonObject
            {
                ["list"] = new JsonArray(new JsonObject
                {
                    ["builtIn"] = 1, ["datasource"] = new JsonObject { ["type"] = "grafana", ["uid"] = "-- Grafana --" },
                    ["enable"] = true, ["hide"] = true, ["iconColor"] = "rgba(0, 211, 255, 1)", ["name"] = "Annotations & Alerts", ["type"] = "dashboard",
                }),
            },
            ["templating"] = new JsonObject
            {
                ["list"] = new JsonArray(
                    new JsonObject
                    {
                        ["name"] = "DS_PROMETHEUS", ["label"] = "Prometheus", ["type"] = "datasource", ["query"] = "prometheus",
                        ["current"] = new JsonObject(), ["hide"] = 0, ["refresh"] = 1, ["regex"] = "", ["options"] = new JsonArray(),
                    },
                    new JsonObject
                    {
                        ["name"] = "model", ["label"] = "Model", ["type"] = "query", ["datasource"] = Source(),
                        ["definition"] = "label_values(vigil_stored_predictions, model)",
                        ["query"] = new JsonObject { ["query"] = "label_values(vigil_stored_predictions, model)", ["refId"] = "PrometheusVariableQueryEditor-VariableQuery" },
                        ["multi"] = true, ["includeAll"] = true, ["allValue"] = ".*", ["current"] = new JsonObject { ["text"] = "All", ["value"] = "$__all" },
                        ["refresh"] = 2, ["sort"] = 1, ["hide"] = 0, ["regex"] = "", ["options"] = new JsonArray(),
                    }),
            },
            ["panels"] = panels,
        };
        return dashboard.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";
    }

    private static JsonObject Grid(int x, int y, int w, int h) => new() { ["h"] = h, ["w"] = w, ["x"] = x, ["y"] = y };

    private static JsonObject Source() => new() { ["type"] = "prometheus", ["uid"] = "${DS_PROMETHEUS}" };

    private static JsonObject Target(string expr, string legend, bool instant = false)
    {
        var t = new JsonObject { ["datasource"] = Source(), ["expr"] = expr, ["legendFormat"] = legend, ["refId"] = "A" };
        if (instant)
        {
            t["instant"] = true;
            t["format"] = "table";
        }
        return t;
    }

    private static JsonObject Panel(string type, string title, string unit, JsonObject[] targets)
    {
        for (var i = 0; i < targets.Length; i++) targets[i]["refId"] = ((char)('A' + i)).ToString();
        return new JsonObject
        {
            ["type"] = type, ["title"] = title, ["datasource"] = Source(),
            ["fieldConfig"] = new JsonObject { ["defaults"] = new JsonObject { ["unit"] = unit }, ["overrides"] = new JsonArray() },
            ["targets"] = new JsonArray(targets.Select(JsonNode (t) => t).ToArray()),
        };
    }

    private static JsonObject Series(string title, string unit, params JsonObject[] targets) => Panel("timeseries", title, unit, targets);

    private static JsonObject Stat(string title, string unit, params JsonObject[] targets) => Panel("stat", title, unit, targets);

    private static JsonObject Table(string title, params JsonObject[] targets) => Panel("table", title, "short", targets);

    /// <summary>A monitor's static threshold as the panel's threshold steps, drawn as dashed lines and red regions;
    /// the <c>breached</c> series (1 or 0) covers rolling thresholds and drift decisions.</summary>
    private static void Thresholds(JsonObject panel, MonitorConfig mon)
    {
        var steps = new JsonArray();
        if (mon.Min is { } min)
        {
            steps.Add(new JsonObject { ["color"] = "red", ["value"] = null });
            steps.Add(new JsonObject { ["color"] = "green", ["value"] = min });
            if (mon.Max is { } upper) steps.Add(new JsonObject { ["color"] = "red", ["value"] = upper });
        }
        else
        {
            steps.Add(new JsonObject { ["color"] = "green", ["value"] = null });
            if (mon.Max is { } max) steps.Add(new JsonObject { ["color"] = "red", ["value"] = max });
        }
        var defaults = (JsonObject)panel["fieldConfig"]!["defaults"]!;
        defaults["thresholds"] = new JsonObject { ["mode"] = "absolute", ["steps"] = steps };
        defaults["custom"] = new JsonObject { ["thresholdsStyle"] = new JsonObject { ["mode"] = mon.Min is null && mon.Max is null ? "off" : "line+area" } };
    }

    private static string Condition(MonitorConfig m)
    {
        var parts = new List<string>();
        if (m.Min is { } min) parts.Add("min " + min.ToString("R", CultureInfo.InvariantCulture));
        if (m.Max is { } max) parts.Add("max " + max.ToString("R", CultureInfo.InvariantCulture));
        if (m.Rolling is not null) parts.Add("rolling");
        return parts.Count == 0 ? "" : ", " + string.Join(", ", parts);
    }

    /// <summary>A PromQL string literal's content.</summary>
    private static string Escape(string s) => s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal);
}
