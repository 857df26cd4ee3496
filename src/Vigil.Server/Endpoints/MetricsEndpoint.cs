using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Metrics;
using Vigil.Server.Monitors;

namespace Vigil.Server;

/// <summary><c>GET /metrics</c> (no key): the Prometheus text exposition of the ingest counters, the monitors' latest
/// readings, the firing alerts and the store's counts.</summary>
public sealed partial class VigilServer
{
    private void MapMetrics(IEndpointRouteBuilder app) =>
        app.MapGet("/metrics", () => Results.Text(MetricsText(), PrometheusText.ContentType));

    private static string Outcome(ModelConfig m) => m.Task == ModelTask.Regression ? "absolute error" : "correctness";

    /// <summary>What the Page–Hinkley detector watches at ingest: the score (binary), the prediction (regression);
    /// a multiclass prediction is a class, so nothing.</summary>
    private static string Watched(ModelConfig m) => m.Task switch
    {
        ModelTask.Binary => "score mean",
        ModelTask.Regression => "prediction mean",
        _ => "nothing (a multiclass prediction is a class)",
    };

    private string MetricsText()
    {
        var text = new PrometheusText();
        var snapshots = _config.Models.Select(m => (m.Name, Stats: _stats[m.Name].Snapshot())).ToList();
        var streaming = _config.Models.ToDictionary(m => m.Name, m => _stats[m.Name].Streaming(Outcome(m), Watched(m)));
        text.Family("vigil_predictions_total", "counter", "Predictions accepted since the service started, by model and version.");
        foreach (var (name, s) in snapshots)
            foreach (var (version, n) in s.ByVersion.OrderBy(kv => kv.Key, StringComparer.Ordinal))
                text.Sample("vigil_predictions_total", n, ("model", name), ("version", version));
        text.Family("vigil_prediction_errors_total", "counter", "Accepted predictions that reported an error, by model.");
        foreach (var (name, s) in snapshots) text.Sample("vigil_prediction_errors_total", s.Errors, ("model", name));
        text.Family("vigil_labels_total", "counter", "Late labels joined to their predictions since the service started, by model.");
        foreach (var (name, s) in snapshots) text.Sample("vigil_labels_total", s.Labels, ("model", name));
        text.Family("vigil_prediction_latency_seconds", "histogram", "Serving latency reported with each prediction (latency_ms), by model.");
        foreach (var (name, s) in snapshots)
        {
            long cumulative = 0;
            for (var b = 0; b < ModelStats.LatencyBuckets.Length; b++)
            {
                cumulative += s.Buckets[b];
                text.Sample("vigil_prediction_latency_seconds_bucket", cumulative, ("model", name), ("le", PrometheusText.Format(ModelStats.LatencyBuckets[b])));
            }
            cumulative += s.Buckets[^1];
            text.Sample("vigil_prediction_latency_seconds_bucket", cumulative, ("model", name), ("le", "+Inf"));
            text.Sample("vigil_prediction_latency_seconds_sum", s.LatencySum, ("model", name));
            text.Sample("vigil_prediction_latency_seconds_count", s.LatencyCount, ("model", name));
        }
        var readings = _monitors.Readings;
        text.Family("vigil_monitor_value", "gauge", "Each monitor's latest value on its window, by model and monitor.");
        foreach (var r in readings.Where(r => r.Value is not null))
            text.Sample("vigil_monitor_value", r.Value!.Value, ("model", r.Model), ("monitor", r.Monitor), ("severity", r.Severity));
        text.Family("vigil_monitor_breached", "gauge", "1 while a monitor's latest value breaches its threshold (or its drift method says drift), else 0.");
        foreach (var r in readings.Where(r => r.Breached is not null))
            text.Sample("vigil_monitor_breached", r.Breached!.Value ? 1 : 0, ("model", r.Model), ("monitor", r.Monitor), ("severity", r.Severity));
        text.Family("vigil_feature_drift", "gauge", "The latest drift score of each monitored feature (p-value for tests, distance otherwise), by model and feature.");
        foreach (var r in readings.Where(r => r.Value is not null && r.Feature is not null && r.Metric.Kind == MetricKind.Drift))
            text.Sample("vigil_feature_drift", r.Value!.Value, ("model", r.Model), ("feature", r.Feature!), ("monitor", r.Monitor));
        EstimateView.Metrics(text, _config, readings, _windows.Estimates);
        FairnessMonitor.Metrics(text, readings);
        text.Family("vigil_alerts_firing", "gauge", "Alerts firing, by model and severity.");
        foreach (var m in _config.Models)
            foreach (var sev in new[] { "P1", "P2", "P3" })
                text.Sample("vigil_alerts_firing", _monitors.Alerts.Active.Count(a => a.Model == m.Name && a.Severity == sev && a.State == Monitoring.Alerts.AlertState.Firing), ("model", m.Name), ("severity", sev));
        text.Family("vigil_score", "histogram", "Scores (binary) or predictions (regression) accepted since the service started, by model.");
        foreach (var m in _config.Models.Where(m => m.Task != ModelTask.Multiclass))
        {
            var (buckets, _, _) = streaming[m.Name];
            long cumulative = 0;
            for (var b = 0; b < ModelStats.ScoreBuckets.Length; b++)
            {
                cumulative += buckets[b];
                text.Sample("vigil_score_bucket", cumulative, ("model", m.Name), ("le", PrometheusText.Format(ModelStats.ScoreBuckets[b])));
            }
            text.Sample("vigil_score_bucket", cumulative + buckets[^1], ("model", m.Name), ("le", "+Inf"));
        }
        text.Family("vigil_stream_drift_detections_total", "counter", "Changes the online detectors signalled since the service started: PageHinkley on the score mean, ADWIN on the outcomes of labeled predictions.");
        foreach (var m in _config.Models)
        {
            var (_, scores, outcomes) = streaming[m.Name];
            foreach (var d in new[] { scores, outcomes })
                text.Sample("vigil_stream_drift_detections_total", d.Detections, ("model", m.Name), ("detector", d.Name), ("watches", d.Watches));
        }
        text.Family("vigil_stored_predictions", "gauge", "Predictions held in the store, by model.");
        foreach (var m in _config.Models) text.Sample("vigil_stored_predictions", _store.Counts(m.Name).Predictions, ("model", m.Name));
        return text.ToString();
    }
}
