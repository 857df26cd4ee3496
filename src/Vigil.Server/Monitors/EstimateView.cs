using Vigil.Monitoring.Config;
using Vigil.Reports.Html;
using Vigil.Server.Metrics;

namespace Vigil.Server.Monitors;

/// <summary>The estimated_performance monitors in the model view (the latest estimate with its band, and each kept
/// window with its realized value once labels have come) and in <c>/metrics</c>.</summary>
internal static class EstimateView
{
    /// <summary>The view's extra fields of an estimated_performance monitor (nothing for other monitors).</summary>
    public static void Add(Dictionary<string, object?> view, EstimatedPerformance estimates, ModelConfig model, MonitorConfig monitor, MonitorReading? reading)
    {
        if (monitor.Type != MonitorType.EstimatedPerformance) return;
        view["type"] = "estimated_performance";
        view["estimate"] = reading?.Estimate is { } e
            ? new Dictionary<string, object?>
            {
                ["value"] = e.Estimate, ["standard_error"] = e.StandardError, ["lower"] = e.Lower, ["upper"] = e.Upper, ["rows"] = e.Rows,
            }
            : null;
        view["history"] = estimates.History(model.Name, monitor.Name).Select(p => new Dictionary<string, object?>
        {
            ["from"] = p.From, ["to"] = p.To, ["rows"] = p.Rows,
            ["estimated"] = p.Estimated, ["standard_error"] = p.StandardError, ["lower"] = p.Lower, ["upper"] = p.Upper,
            ["realized"] = p.Realized, ["labelled"] = p.Labelled, ["predictions"] = p.Predictions,
            // The realized value replaces the estimate once every prediction of the window has its label.
            ["value"] = p.Realized is { } r && p.Predictions > 0 && p.Labelled == p.Predictions ? r : p.Estimated,
            ["value_is"] = p.Realized is not null && p.Predictions > 0 && p.Labelled == p.Predictions ? "realized" : "estimated",
        }).ToList();
    }

    /// <summary>The model page's estimated_performance series: each kept window, and the thresholds the monitor judges
    /// against (its own, or those learned from its reference once it is fitted).</summary>
    public static List<EstimateSeries> Series(ModelConfig model, EstimatedPerformance estimates)
    {
        var list = new List<EstimateSeries>();
        foreach (var mon in model.Monitors.Where(x => x.Type == MonitorType.EstimatedPerformance))
        {
            var (lo, hi) = mon.HasThreshold ? (mon.Min, mon.Max)
                : estimates.FittedThresholds(model.Name, mon.Name)?.GetValueOrDefault(mon.Metric) ?? (null, null);
            var points = estimates.History(model.Name, mon.Name).Select(p => new EstimateSeriesPoint(p.To, p.Rows, p.Estimated, p.Lower, p.Upper,
                p.Realized, p.Labelled, p.Predictions, p.Estimated is { } e && ((lo is { } l && e < l) || (hi is { } h && e > h)))).ToList();
            list.Add(new EstimateSeries(mon.Name, mon.Metric, lo, hi, points));
        }
        return list;
    }

    /// <summary>The estimate, its band and the latest realized value of each estimated_performance monitor.</summary>
    public static void Metrics(PrometheusText text, ServiceConfig config, IReadOnlyList<MonitorReading> readings, EstimatedPerformance estimates)
    {
        var latest = readings.Where(r => r.Estimate is not null).ToList();
        (string, string)[] Labels(MonitorReading r) => [("model", r.Model), ("monitor", r.Monitor), ("metric", r.Metric)];
        text.Family("vigil_estimated_performance", "gauge", "estimated_performance monitors: the estimate (CBPE for classifiers, DLE for regression models) of the metric on the window's unlabelled predictions.");
        foreach (var r in latest) text.Sample("vigil_estimated_performance", r.Estimate!.Estimate, Labels(r));
        text.Family("vigil_estimated_performance_lower", "gauge", "The lower end of the estimate's band (estimate - 3 standard errors, at least 0).");
        foreach (var r in latest.Where(r => r.Estimate!.Lower is not null)) text.Sample("vigil_estimated_performance_lower", r.Estimate!.Lower!.Value, Labels(r));
        text.Family("vigil_estimated_performance_upper", "gauge", "The upper end of the estimate's band (estimate + 3 standard errors, at most 1 for CBPE's rates).");
        foreach (var r in latest.Where(r => r.Estimate!.Upper is not null)) text.Sample("vigil_estimated_performance_upper", r.Estimate!.Upper!.Value, Labels(r));
        text.Family("vigil_realized_performance", "gauge", "The metric realized on the labelled predictions of the newest estimated window that has labels.");
        foreach (var m in config.Models)
            foreach (var mon in m.Monitors.Where(x => x.Type == MonitorType.EstimatedPerformance))
                if (estimates.History(m.Name, mon.Name).LastOrDefault(p => p.Realized is not null)?.Realized is { } v)
                    text.Sample("vigil_realized_performance", v, ("model", m.Name), ("monitor", mon.Name), ("metric", mon.Metric));
    }
}
