using System.Globalization;
using System.Text;

namespace Vigil.Monitoring.Config;

/// <summary>
/// Prometheus alerting rules equivalent to the configured monitors (<c>vigil rules</c>), for teams that route alerts
/// through Alertmanager: one group per model, one rule per monitor over the gauges <c>vigil serve</c> exports. A static
/// threshold becomes a comparison on <c>vigil_monitor_value</c>; a rolling threshold or a drift method's own decision,
/// which only the service computes, becomes <c>vigil_monitor_breached == 1</c>. <c>for</c> and the severity carry over.
/// </summary>
public static class PrometheusRules
{
    public static string Write(ServiceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sb = new StringBuilder();
        sb.Append("# Prometheus alerting rules for the monitors of ").Append(config.Source).Append(", written by `vigil rules`.\n");
        sb.Append("# They read the gauges of vigil serve's /metrics (vigil_monitor_value, vigil_monitor_breached).\n");
        sb.Append("groups:\n");
        foreach (var m in config.Models.Where(m => m.Monitors.Count > 0))
        {
            sb.Append("  - name: vigil-").Append(m.Name).Append('\n');
            sb.Append("    rules:\n");
            foreach (var mon in m.Monitors)
            {
                var selector = $"{{model=\"{m.Name}\", monitor=\"{mon.Name}\"}}";
                string expr;
                if (mon.Rolling is null && (mon.Min is not null || mon.Max is not null))
                {
                    var parts = new List<string>();
                    if (mon.Min is { } min) parts.Add($"vigil_monitor_value{selector} < {F(min)}");
                    if (mon.Max is { } max) parts.Add($"vigil_monitor_value{selector} > {F(max)}");
                    expr = string.Join(" or ", parts);
                }
                else expr = $"vigil_monitor_breached{selector} == 1";
                sb.Append("      - alert: ").Append(Quote(AlertName(m.Name, mon.Name))).Append('\n');
                sb.Append("        expr: ").Append(Quote(expr)).Append('\n');
                if (mon.For > TimeSpan.Zero) sb.Append("        for: ").Append(Duration(mon.For)).Append('\n');
                sb.Append("        labels:\n");
                sb.Append("          severity: ").Append(mon.Severity).Append('\n');
                sb.Append("          model: ").Append(Quote(m.Name)).Append('\n');
                sb.Append("          monitor: ").Append(Quote(mon.Name)).Append('\n');
                sb.Append("        annotations:\n");
                sb.Append("          summary: ").Append(Quote($"{m.Name}: {mon.Metric.Name} is {{{{ $value }}}} ({Condition(mon)})")).Append('\n');
            }
        }
        return sb.ToString();
    }

    private static string AlertName(string model, string monitor)
    {
        var name = new StringBuilder("Vigil");
        foreach (var part in $"{model}_{monitor}".Split('_', '-'))
            if (part.Length > 0) name.Append(char.ToUpperInvariant(part[0])).Append(part[1..]);
        return name.ToString();
    }

    private static string Condition(MonitorConfig m)
    {
        var parts = new List<string>();
        if (m.Min is { } min) parts.Add($"min {F(min)}");
        if (m.Max is { } max) parts.Add($"max {F(max)}");
        if (m.Rolling is { } r) parts.Add($"mean ± {F(m.Sigma)}σ of the last {Duration(r)}");
        if (parts.Count == 0) parts.Add(m.Type switch
        {
            MonitorType.EstimatedPerformance => "mean ± 3σ of the reference's chunks",
            MonitorType.Fairness => "a group's rate outside min_ratio of the reference group's, or max_drift of its baseline",
            _ => "the drift method's decision",
        });
        if (m.Type == MonitorType.EstimatedPerformance) parts[0] = "estimated (CBPE), " + parts[0];
        return string.Join(", ", parts);
    }

    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A Prometheus duration: the largest whole unit.</summary>
    private static string Duration(TimeSpan t) =>
        t.TotalDays >= 1 && t.TotalDays == Math.Floor(t.TotalDays) ? $"{(int)t.TotalDays}d"
        : t.TotalHours >= 1 && t.TotalHours == Math.Floor(t.TotalHours) ? $"{(int)t.TotalHours}h"
        : t.TotalMinutes >= 1 && t.TotalMinutes == Math.Floor(t.TotalMinutes) ? $"{(int)t.TotalMinutes}m"
        : t.TotalSeconds >= 1 && t.TotalSeconds == Math.Floor(t.TotalSeconds) ? $"{(int)t.TotalSeconds}s"
        : $"{(int)t.TotalMilliseconds}ms";

    /// <summary>A YAML double-quoted string.</summary>
    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
