using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The summary report: verdict, data-quality findings, overall numbers, charts over time, the per-period table
/// and the column profiles, on the shared <see cref="ReportPage"/>.</summary>
internal static class SummaryHtml
{
    public static string Render(SummaryResult r)
    {
        var page = new ReportPage("summary", "Vigil summary", "Vigil summary — " + r.Source.Description).Facts(Fmt.Facts(r));
        var metrics = Fmt.PeriodMetrics(r.Task, r.Periods.Concat(r.Overall).Select(p => p.Metrics));
        var points = Fmt.BySeverity(r.Quality.Issues).Where(i => i.Severity != Severity.Info).Take(4)
            .Select(i => $"{Fmt.Severity(i.Severity)} · {i.Check}: {i.Message}").ToList();
        int hidden = r.Quality.Issues.Count(i => i.Severity != Severity.Info) - points.Count;
        if (hidden > 0) points.Add($"and {Fmt.Plural(hidden, "more finding", "more findings")} below.");
        // The findings say it per model version when the analysis measured it; the guess from the positive rate otherwise.
        if (!HasThresholdFinding(r) && ThresholdNote(r, metrics) is { } note) points.Add(note);
        page.Verdict(Fmt.Verdict(r), Level(r.Quality.Issues), points);

        page.Section("findings", "Data quality findings", sb => Findings(sb, r.Quality.Issues, t => Fmt.PeriodStart(t, r.Period)));
        if (r.Overall.Count > 0)
            page.Section("overall", "Overall", sb =>
            {
                PeriodTable(sb, "overall", r, r.Overall, metrics, withStart: false);
                if (ThresholdNote(r, metrics) is { } n) sb.Append("<p class=\"note threshold-note\">").Append(E(n)).Append("</p>");
            });
        if (r.Periods.Any(p => p.Start is not null))
            page.Section("timelines", "Over time", sb => Timelines(sb, r, metrics));
        if (r.Periods.Count > 0)
            page.Section("periods", "Per " + Fmt.Period(r.Period), sb => PeriodTable(sb, "periods", r, r.Periods, metrics, withStart: true));
        if (r.Quality.Columns.Count > 0)
            page.Section("columns", "Columns", sb =>
            {
                // Distinct counts are not always computed: the column only when some are.
                bool distinct = r.Quality.Columns.Any(c => c.Distinct is not null);
                string[] headers = distinct ? ["column", "type", "role", "nulls", "null_rate", "distinct", "constant"] : ["column", "type", "role", "nulls", "null_rate", "constant"];
                Table(sb, "columns", headers, 3, r.Quality.Columns.Select(c => (IReadOnlyList<string>)(distinct
                    ? [c.Name, c.Type, c.Role, Fmt.Count(c.Nulls), Fmt.Percent(c.NullRate), Fmt.Count(c.Distinct), c.Constant ? "yes" : "no"]
                    : [c.Name, c.Type, c.Role, Fmt.Count(c.Nulls), Fmt.Percent(c.NullRate), c.Constant ? "yes" : "no"])));
            });
        return page.Render();
    }

    /// <summary>A word on thresholded metrics (accuracy, f1) when the positive rate is so far from one half that the
    /// default threshold tells little; null otherwise.</summary>
    private static bool HasThresholdFinding(SummaryResult r) => r.Quality.Issues.Any(i => i.Check == "threshold_far_from_best");

    internal static string? ThresholdNote(SummaryResult r, IReadOnlyList<string> metrics)
    {
        if (r.Task != ModelTask.Binary || r.Threshold is not { } th) return null;
        var thresholded = metrics.Where(Fmt.IsThresholded).ToList();
        if (thresholded.Count == 0) return null;
        if (HasThresholdFinding(r))
            return $"{string.Join(" and ", thresholded)} are at the decision threshold {Fmt.Short(th)}; the threshold_far_from_best findings give the F1-best threshold per model version.";
        long labeled = r.Overall.Sum(p => p.Labeled);
        double positives = r.Overall.Sum(p => (p.PositiveRate ?? 0) * p.Labeled);
        if (labeled == 0) return null;
        double rate = positives / labeled;
        if (rate >= 0.1 && rate <= 0.9) return null;
        return $"{string.Join(" and ", thresholded)} are at the decision threshold {Fmt.Short(th)}, with a positive rate of {Fmt.Percent(rate)}: " +
               "such a threshold is likely far from the best one for this model; `vigil evaluate` finds the F1-best threshold.";
    }

    /// <summary>One line chart per key figure (rows, positive_rate, mean_score, key metrics), one line per model
    /// version, x in periods since the first period start; lines break at missing periods and undefined values;
    /// period-level findings are marked on the time axis. Counts and rates start at 0.</summary>
    private static void Timelines(StringBuilder sb, SummaryResult r, IReadOnlyList<string> metrics)
    {
        // The bulk of the data only: periods an outlier_timestamp finding sets apart would squeeze it into a sliver.
        bool Inside(DateTime t) => (r.CoveredFrom is not { } f || Fmt.Utc(t) >= Fmt.Utc(f)) && (r.CoveredTo is not { } u || Fmt.Utc(t) <= Fmt.Utc(u));
        var all = r.Periods.Where(p => p.Start is not null).ToList();
        var dated = all.Where(p => Inside(p.Start!.Value)).ToList();
        var leftOut = all.Where(p => !Inside(p.Start!.Value)).Select(p => p.Start).Distinct().Count();
        var issueTimes = r.Quality.Issues.Where(i => i.Period is { } t && Inside(t)).Select(i => Fmt.Utc(i.Period!.Value));
        var times = dated.Select(p => Fmt.Utc(p.Start!.Value)).Concat(issueTimes).ToList();
        if (times.Count == 0) return;
        DateTime origin = times.Min();
        double unit = Fmt.PeriodDays(r.Period);
        double X(DateTime t) => (Fmt.Utc(t) - origin).TotalDays / unit;
        bool years = (times.Max() - origin).TotalDays > 300 || times.Max().Year != origin.Year;
        string fmt = r.Period == PeriodUnit.Hour ? (years ? "yyyy'-'MM'-'dd' 'HH':'mm" : "MM'-'dd' 'HH':'mm") : years ? "yyyy'-'MM'-'dd" : "MM'-'dd";
        string XFormat(double x) => origin.AddDays(x * unit).ToString(fmt, Fmt.Inv);
        string xLabel = r.Period switch { PeriodUnit.Hour => "hour (UTC)", PeriodUnit.Week => "week starting (UTC)", _ => "date (UTC)" };
        var versions = dated.Select(p => p.ModelVersion).Distinct().ToList();
        string per = Fmt.Period(r.Period);

        var figures = new List<(string Key, string Title, string YLabel, bool Zero, Func<PeriodSummary, double?> Get, Func<double, string> Label)>
        {
            ("rows", "rows", $"rows per {per}", true, p => p.Rows, v => Fmt.Count((long)Math.Round(v))),
        };
        if (r.Task == ModelTask.Binary) figures.Add(("positive_rate", "positive_rate", "share of labeled rows", true, p => p.PositiveRate, v => Fmt.Percent(v)));
        var mean = Fmt.MeanLabel(r.Task);
        figures.Add(("mean_score", mean, r.Task == ModelTask.Regression ? "mean prediction (model units)" : "mean score (0–1)", false, p => p.MeanScore, Fmt.Num));
        foreach (var m in metrics)
            figures.Add((m, m, Fmt.IsThresholded(m) && r.Threshold is { } th ? $"{m} at threshold {Fmt.Short(th)}" : m, false, p => Fmt.MetricOf(p.Metrics, m), Fmt.Num));

        sb.Append("<div class=\"charts\">");
        foreach (var (key, title, yLabel, zero, get, label) in figures)
        {
            var plot = new SvgPlot("timeline", title)
            {
                XFormat = XFormat, XMinStep = 1, Width = 560, Height = 280, XLabel = xLabel, YLabel = yLabel, YMin = zero ? 0 : null,
                Data = [new("metric", key)],
            };
            foreach (var v in versions)
            {
                var points = new List<Point>();
                double? last = null;
                foreach (var p in dated.Where(p => p.ModelVersion == v))
                {
                    double x = X(p.Start!.Value);
                    if (last is { } l && x - l > 1.5) points.Add(new Point(double.NaN, double.NaN)); // a gap of missing periods
                    points.Add(new Point(x, get(p) is { } y ? y : double.NaN));
                    last = x;
                }
                string name = v ?? "all";
                plot.Line(versions.Count > 1 || v is not null ? name : "", points, dots: true,
                    tip: pt => $"{name} · {XFormat(pt.X)}: {label(pt.Y)}");
            }
            foreach (var i in r.Quality.Issues)
                if (i.Period is { } t && Inside(t))
                {
                    string sev = Fmt.Severity(i.Severity);
                    plot.Mark(new Marker(X(t), $"{i.Check} ({sev}, {Fmt.PeriodStart(t, r.Period)}): {i.Message}", "sev-" + sev, i.Check));
                }
            sb.Append(plot.Render());
        }
        sb.Append("</div><p class=\"note\">One line per model version. Dashed vertical markers: data-quality findings at a period (hover for details). Lines break at missing periods." +
            (leftOut > 0 ? $" {leftOut:N0} {(leftOut == 1 ? "period" : "periods")} with outlier timestamps (see outlier_timestamp) not drawn." : "") + "</p>");
    }

    private static void PeriodTable(StringBuilder sb, string name, SummaryResult r, IReadOnlyList<PeriodSummary> periods, IReadOnlyList<string> metrics, bool withStart)
    {
        bool binary = r.Task == ModelTask.Binary;
        var headers = Fmt.PeriodHeaders(r, metrics, withStart);
        sb.Append("<table data-table=\"").Append(name).Append("\"><thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var p in periods)
        {
            sb.Append("<tr>");
            if (withStart) sb.Append("<td class=\"nowrap period\">").Append(p.Start is { } s ? E(Fmt.PeriodStart(s, r.Period)) : "all").Append("</td>");
            sb.Append("<td>").Append(E(p.ModelVersion ?? Fmt.Dash)).Append("</td>");
            Num(sb, Fmt.Count(p.Rows));
            Num(sb, Fmt.Count(p.Labeled));
            if (binary) Num(sb, Fmt.Percent(p.PositiveRate));
            Num(sb, Fmt.Num(p.MeanScore));
            foreach (var m in metrics)
            {
                var mv = p.Metrics.FirstOrDefault(x => x.Name == m);
                if (mv is { Value: null })
                    sb.Append("<td class=\"num undefined\" title=\"").Append(E(mv.Note ?? "undefined")).Append("\">").Append(Fmt.Dash).Append("</td>");
                else Num(sb, Fmt.Num(mv?.Value));
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }
}
