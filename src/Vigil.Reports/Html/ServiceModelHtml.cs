using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>What <c>vigil serve</c>'s model page shows: the model's counts and health, its monitors' latest readings,
/// and each estimated_performance monitor's kept windows (built by the service from its readings; rendered here).</summary>
internal sealed record ServiceModelPage(string Model, string Task, long Predictions, long Labels, string Health, IReadOnlyList<string> Firing,
    IReadOnlyList<ServiceMonitorRow> Monitors, IReadOnlyList<EstimateSeries> Estimates, DateTime At);

/// <summary>A monitor's latest reading.</summary>
internal sealed record ServiceMonitorRow(string Name, string Metric, string Severity, double? Value, bool? Breached, string? Condition, string? Note);

/// <summary>An estimated_performance monitor's kept windows, with the thresholds it judges against.</summary>
internal sealed record EstimateSeries(string Monitor, string Metric, double? ThresholdLower, double? ThresholdUpper, IReadOnlyList<EstimateSeriesPoint> Points);

/// <summary>One window: its end, CBPE's estimate and band on its unlabelled predictions, the realized value on its
/// labelled ones (once labels came), and whether the estimate breached the thresholds.</summary>
internal sealed record EstimateSeriesPoint(DateTime To, long Rows, double? Estimated, double? Lower, double? Upper, double? Realized,
    long Labelled, long Predictions, bool Alert);

/// <summary>The service's model page on the shared <see cref="ReportPage"/>: the verdict (health and firing alerts),
/// one chart per estimated_performance monitor (the estimate as a line in its ± 3 SE band, the realized values as
/// dots, the thresholds dashed, alerts in red), the windows as a table, and every monitor's latest reading.</summary>
internal static class ServiceModelHtml
{
    public static string Render(ServiceModelPage p)
    {
        ArgumentNullException.ThrowIfNull(p);
        var page = new ReportPage("model", "Vigil serve — " + p.Model, $"{p.Model} — Vigil serve").Facts(
        [
            ("task", p.Task), ("predictions", p.Predictions.ToString("N0", Fmt.Inv)), ("labels", p.Labels.ToString("N0", Fmt.Inv)),
            ("as of", p.At.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Fmt.Inv)),
        ]);
        var headline = p.Health switch
        {
            "critical" => $"{p.Model} is critical: a P1 alert fires",
            "warning" => $"{p.Model} needs attention: an alert fires",
            _ => $"{p.Model} is healthy: no alert fires",
        };
        page.Verdict(headline, p.Health switch { "critical" => "error", "warning" => "warning", _ => "ok" }, p.Firing);
        if (p.Estimates.Count > 0)
        {
            page.Section("estimates", "Estimated performance and realized", sb =>
            {
                sb.Append("<p class=\"note\">Line: CBPE's estimate on each window's unlabelled predictions; shaded: its band (± 3 standard errors); ")
                  .Append("dots: the value realized on the window's labelled predictions, once labels came; dashes: the thresholds; red: the estimate breached them.</p>");
                sb.Append("<div class=\"charts\">");
                foreach (var s in p.Estimates) sb.Append(Chart(s));
                sb.Append("</div>");
                foreach (var s in p.Estimates.Where(s => s.Points.Count > 0))
                {
                    sb.Append("<h3>").Append(E(s.Monitor)).Append(": the last windows</h3>");
                    Table(sb, "windows-" + s.Monitor, ["window end", "unlabelled", "estimated", "band", "realized", "labelled"], 1,
                        s.Points.TakeLast(12).Reverse().Select(x => (IReadOnlyList<string>)
                        [
                            x.To.ToString("MM-dd HH:mm:ss", Fmt.Inv), x.Rows.ToString("N0", Fmt.Inv), Fmt.Num(x.Estimated) + (x.Alert ? " !" : ""),
                            x.Lower is { } lo && x.Upper is { } hi ? $"[{Fmt.Num(lo)}, {Fmt.Num(hi)}]" : Fmt.Dash, Fmt.Num(x.Realized),
                            $"{x.Labelled.ToString("N0", Fmt.Inv)} of {x.Predictions.ToString("N0", Fmt.Inv)}",
                        ]));
                }
            });
        }
        page.Section("monitors", "Monitors", sb => Table(sb, "monitors", ["monitor", "metric", "severity", "value", "breached", "condition"], 3,
            p.Monitors.Select(m => (IReadOnlyList<string>)
            [
                m.Name, m.Metric, m.Severity, Fmt.Num(m.Value), m.Breached is { } b ? (b ? "yes" : "no") : Fmt.Dash, m.Condition ?? m.Note ?? "",
            ])));
        return page.Render();
    }

    /// <summary>One estimated_performance monitor over its kept windows (x: the window's end).</summary>
    internal static string Chart(EstimateSeries s)
    {
        static double X(DateTime t) => (t - DateTime.UnixEpoch).TotalSeconds;
        var pts = s.Points;
        double x0 = pts.Count > 0 ? X(pts[0].To) : 0, x1 = pts.Count > 0 ? X(pts[^1].To) : 1;
        var pad = Math.Max(60, (x1 - x0) * 0.04);
        var span = x1 - x0 + 2 * pad;
        var plot = new SvgPlot("estimate", $"{s.Monitor}: estimated {s.Metric} and realized")
        {
            Width = 640, Height = 300, XLabel = "window end (UTC)", YLabel = s.Metric,
            XMin = x0 - pad, XMax = x1 + pad,
            // The windows' ends as the ticks (at most about 8 of them), in the clock time a reader expects.
            XTicks = [.. pts.Select((x, i) => (x, i)).Where(t => t.i % Math.Max(1, (int)Math.Ceiling(pts.Count / 8.0)) == 0)
                .Select(t => new Tick(X(t.x.To), t.x.To.ToString(span > 86400 ? "MM-dd HH:mm" : "HH:mm", CultureInfo.InvariantCulture)))],
            Data = [new("monitor", s.Monitor), new("metric", s.Metric), new("alerts", pts.Count(x => x.Alert).ToString(Fmt.Inv))],
        };
        plot.Area("band (± 3 SE)", [.. pts.Select(x => (X(x.To), x.Lower ?? double.NaN, x.Upper ?? double.NaN))]);
        if (s.ThresholdLower is { } lo) plot.HLine(lo, $"lower threshold {Fmt.Num(lo)}");
        if (s.ThresholdUpper is { } hi) plot.HLine(hi, $"upper threshold {Fmt.Num(hi)}");
        var est = pts.Select(x => new Point(X(x.To), x.Estimated ?? double.NaN)).ToList();
        plot.Line("estimated", est, dots: true, tip: q => $"{DateTime.UnixEpoch.AddSeconds(q.X):HH:mm:ss}: estimated {Fmt.Num(q.Y)}");
        var realized = pts.Where(x => x.Realized is not null).Select(x => new Point(X(x.To), x.Realized!.Value)).ToList();
        if (realized.Count > 0) plot.Scatter("realized", realized, radius: 4);
        plot.Alerts("alert", [.. pts.Where(x => x.Alert && x.Estimated is not null).Select(x => new Point(X(x.To), x.Estimated!.Value))],
            q => $"{DateTime.UnixEpoch.AddSeconds(q.X):HH:mm:ss}: the estimate breached the thresholds");
        return plot.Render();
    }
}
