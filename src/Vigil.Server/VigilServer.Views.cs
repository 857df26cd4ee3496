using Vigil.Monitoring.Config;
using Vigil.Server.Metrics;
using Vigil.Server.Monitors;

namespace Vigil.Server;

/// <summary>The model's views: the JSON of <c>GET /v1/models/{model}</c> and the data of its page
/// (<c>GET /v1/models/{model}/page</c>, rendered by <see cref="Reports.Html.ServiceModelHtml"/>).</summary>
public sealed partial class VigilServer
{
    private ModelJson ModelView(ModelConfig m)
    {
        var (_, scoreDetector, outcomeDetector) = _stats[m.Name].Streaming(Outcome(m), Watched(m));
        static DetectorJson Detector(DetectorState d) => new(d.Name, d.Watches, d.Values, d.Detections, d.LastDetection);
        var (predictions, labels) = _store.Counts(m.Name);
        var readings = _monitors.Readings.Where(r => r.Model == m.Name).ToDictionary(r => r.Monitor);
        var firing = _monitors.Alerts.Active.Where(a => a.Model == m.Name && a.State == Monitoring.Alerts.AlertState.Firing).ToList();
        var health = firing.Any(a => a.Severity == "P1") ? "critical" : firing.Count > 0 ? "warning" : "ok";
        return new ModelJson(m.Name, m.Task.ToString().ToLowerInvariant(), predictions, labels, health,
            new StreamingJson(Detector(scoreDetector), Detector(outcomeDetector)),
            m.Features.Select(f => new FeatureJson(f.Name, f.Type.ToString().ToLowerInvariant())).ToList(),
            m.Monitors.Select(x =>
            {
                var view = new Dictionary<string, object?>
                {
                    ["name"] = x.Name, ["metric"] = x.Metric.Name, ["severity"] = x.Severity,
                    ["value"] = readings.GetValueOrDefault(x.Name)?.Value, ["breached"] = readings.GetValueOrDefault(x.Name)?.Breached,
                    ["condition"] = readings.GetValueOrDefault(x.Name)?.Condition, ["note"] = readings.GetValueOrDefault(x.Name)?.Note,
                    ["at"] = readings.GetValueOrDefault(x.Name)?.At,
                };
                EstimateView.Add(view, _windows.Estimates, m, x, readings.GetValueOrDefault(x.Name));
                FairnessMonitor.Add(view, x, readings.GetValueOrDefault(x.Name));
                return view;
            }).ToList());
    }

    /// <summary>The model page's data: counts, health, firing alerts, monitors and the estimated_performance series.</summary>
    private Reports.Html.ServiceModelPage Page(ModelConfig m)
    {
        var view = ModelView(m);
        var readings = _monitors.Readings.Where(r => r.Model == m.Name).ToDictionary(r => r.Monitor);
        var firing = _monitors.Alerts.Active.Where(a => a.Model == m.Name && a.State == Monitoring.Alerts.AlertState.Firing)
            .Select(a => $"{a.Severity} {a.Monitor}: {a.Value?.ToString("G4", System.Globalization.CultureInfo.InvariantCulture) ?? "no value"} ({a.Condition})").ToList();
        return new Reports.Html.ServiceModelPage(m.Name, view.Task, view.Predictions, view.Labels, view.Health, firing,
            m.Monitors.Select(x => readings.GetValueOrDefault(x.Name) is { } r
                ? new Reports.Html.ServiceMonitorRow(x.Name, x.Metric.Name, r.Severity, r.Value, r.Breached, r.Condition.Length > 0 ? r.Condition : null, r.Note)
                : new Reports.Html.ServiceMonitorRow(x.Name, x.Metric.Name, x.Severity, null, null, null, "not run yet")).ToList(),
            EstimateView.Series(m, _windows.Estimates), DateTime.UtcNow);
    }
}
