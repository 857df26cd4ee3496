using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using Vigil.Statistics.Classification;

namespace Vigil.Reports;

/// <summary>Renders results as one self-contained HTML file: inline CSS, inline SVG charts, no scripts, no external
/// resources. Charts carry <c>class="chart" data-chart="…"</c>, tables <c>data-table="…"</c>.</summary>
internal static class HtmlReport
{
    private const string Css = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:#1d1d1f;background:#fff;max-width:1180px;margin:0 auto;padding:20px 24px}
        h1{font-size:22px;margin:0 0 8px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #ddd;padding-bottom:4px}
        dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:2px 14px;margin:0}dl.facts dt{font-weight:600;color:#555}dl.facts dd{margin:0;word-break:break-word}
        table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}th,td{border:1px solid #ddd;padding:3px 8px;vertical-align:top}
        th{background:#f4f5f7;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
        td.undefined{color:#888}.note{color:#666;font-size:12px}
        .charts{display:flex;flex-wrap:wrap;gap:12px}svg.chart{border:1px solid #e5e5e5;border-radius:4px;background:#fff;max-width:100%;height:auto}
        .badge{display:inline-block;padding:0 7px;border-radius:9px;font-size:12px;font-weight:600;color:#fff}
        .sev-error .badge,.badge.sev-error{background:#c62828}.badge.sev-warning{background:#b26a00}.badge.sev-info{background:#0072b2}
        .verdict{font-weight:600;padding:6px 10px;border-left:4px solid #0072b2;background:#f4f8fb}
        table.heatmap td{min-width:44px}footer{margin-top:30px;color:#888;font-size:12px}
        """;

    private static string E(string? s) => Xml.Escape(s);

    // ---------------- evaluation ----------------

    public static string ToHtml(EvaluationResult r)
    {
        var sb = new StringBuilder(64 * 1024);
        Open(sb, "Vigil evaluation — " + r.Source.Description);
        sb.Append("<header><h1>Vigil evaluation</h1>");
        Facts(sb, Fmt.Facts(r));
        sb.Append("</header>");
        Body(sb, r);
        if (r.Segments is { Count: > 0 } segments)
        {
            var keys = Fmt.SegmentKeys(segments);
            var metrics = Fmt.KeyMetrics(r.Task, segments.Select(s => s.Result.Metrics));
            sb.Append("<section id=\"segments\"><h2>Segments</h2>");
            Table(sb, "segments", [.. keys, "rows", .. metrics], keys.Count, segments.Select(s => (IReadOnlyList<string>)[
                .. keys.Select(k => s.Key.TryGetValue(k, out var v) ? v ?? "(null)" : ""),
                Fmt.Count(s.Result.Rows),
                .. metrics.Select(m => Fmt.Num(Fmt.MetricOf(s.Result.Metrics, m))),
            ]));
            sb.Append("</section>");
        }
        Close(sb);
        return sb.ToString();
    }

    private static void Body(StringBuilder sb, EvaluationResult r)
    {
        sb.Append("<section id=\"metrics\"><h2>Metrics</h2>");
        MetricsTable(sb, r.Metrics);
        sb.Append("</section>");

        if (r.Curves is { } curves)
        {
            sb.Append("<section id=\"curves\"><h2>Curves</h2><div class=\"charts\">");
            double? auc = Fmt.MetricOf(r.Metrics, "roc_auc");
            sb.Append(new SvgPlot("roc", "ROC curve" + (auc is { } a ? " (AUC " + Fmt.Num(a) + ")" : ""))
            {
                XLabel = "false positive rate", YLabel = "true positive rate", XMin = 0, XMax = 1, YMin = 0, YMax = 1, Diagonal = true, Width = 380, Height = 360,
            }.Line("", [.. curves.Roc.Select(p => new Point(p.Fpr, p.Tpr))]).Render());
            double? ap = Fmt.MetricOf(r.Metrics, "average_precision");
            sb.Append(new SvgPlot("pr", "Precision–recall curve" + (ap is { } x ? " (AP " + Fmt.Num(x) + ")" : ""))
            {
                XLabel = "recall", YLabel = "precision", XMin = 0, XMax = 1, YMin = 0, YMax = 1, Width = 380, Height = 360,
            }.Line("", [.. curves.PrecisionRecall.Select(p => new Point(p.Recall, p.Precision))]).Render());
            sb.Append(new SvgPlot("calibration", "Calibration (reliability)")
            {
                XLabel = "mean predicted score", YLabel = "fraction positive", XMin = 0, XMax = 1, YMin = 0, YMax = 1, Diagonal = true, Width = 380, Height = 360,
            }
            .CountStrip([.. curves.Calibration.Select(b => new Bar(b.Lower, b.Upper, b.Count, $"[{Fmt.Short(b.Lower)}, {Fmt.Short(b.Upper)}): {Fmt.Count(b.Count)} rows"))])
            .Line("", [.. curves.Calibration.Where(b => b.Count > 0).Select(b => new Point(b.MeanPredicted, b.FractionPositive))], dots: true,
                tip: p => $"mean predicted {Fmt.Num(p.X)}, fraction positive {Fmt.Num(p.Y)}")
            .Render());
            sb.Append("</div><p class=\"note\">Grey bars in the calibration chart: rows per bin (relative).</p></section>");
        }

        if (r.Confusion is { } c)
        {
            sb.Append("<section id=\"confusion\"><h2>Confusion").Append(r.Threshold is { } th ? " at threshold " + E(Fmt.Short(th)) : "").Append("</h2>");
            Table(sb, "confusion", ["", "predicted positive", "predicted negative"], 1, [
                ["actual positive", "TP " + Fmt.Count(c.Tp), "FN " + Fmt.Count(c.Fn)],
                ["actual negative", "FP " + Fmt.Count(c.Fp), "TN " + Fmt.Count(c.Tn)],
            ]);
            sb.Append("</section>");
        }
        if (r.BestThresholds is { Count: > 0 } best)
        {
            sb.Append("<section id=\"best-thresholds\"><h2>Best thresholds</h2>");
            Table(sb, "best-thresholds", ["criterion", "threshold", "value", "TP", "FP", "TN", "FN"], 1, best.Select(b => (IReadOnlyList<string>)[
                b.Criterion, Fmt.Short(b.Threshold), Fmt.Num(b.Value), Fmt.Count(b.Confusion.Tp), Fmt.Count(b.Confusion.Fp), Fmt.Count(b.Confusion.Tn), Fmt.Count(b.Confusion.Fn)]));
            sb.Append("</section>");
        }
        if (r.ThresholdTable is { Count: > 0 } table)
        {
            sb.Append("<section id=\"thresholds\"><h2>Thresholds</h2>");
            Table(sb, "thresholds", ["threshold", "precision", "recall", "f1", "fpr", "specificity", "accuracy", "TP", "FP", "TN", "FN"], 0, table.Select(t => (IReadOnlyList<string>)[
                Fmt.Short(t.Threshold), Fmt.Num(t.Precision), Fmt.Num(t.Recall), Fmt.Num(t.F1), Fmt.Num(t.Fpr), Fmt.Num(t.Specificity), Fmt.Num(t.Accuracy),
                Fmt.Count(t.Confusion.Tp), Fmt.Count(t.Confusion.Fp), Fmt.Count(t.Confusion.Tn), Fmt.Count(t.Confusion.Fn)]));
            sb.Append("</section>");
        }
        if (r.Multiclass is { } mc)
        {
            sb.Append("<section id=\"multiclass\"><h2>Confusion matrix</h2><p class=\"note\">Rows: actual class; columns: predicted class; shade: share of the actual class.</p>");
            sb.Append("<table class=\"heatmap\" data-table=\"confusion-matrix\"><thead><tr><th>actual \\ predicted</th>");
            foreach (var cls in mc.Classes) sb.Append("<th>").Append(E(cls)).Append("</th>");
            sb.Append("</tr></thead><tbody>");
            for (int i = 0; i < mc.Matrix.Count; i++)
            {
                var row = mc.Matrix[i];
                long total = row.Sum();
                sb.Append("<tr><th>").Append(E(i < mc.Classes.Count ? mc.Classes[i] : "?")).Append("</th>");
                for (int k = 0; k < row.Count; k++)
                {
                    double share = total > 0 ? (double)row[k] / total : 0;
                    string alpha = Math.Round(0.08 + 0.8 * share, 2).ToString("0.##", Fmt.Inv);
                    sb.Append("<td class=\"num").Append(i == k ? " diag" : "").Append("\" style=\"background:rgba(0,114,178,").Append(alpha).Append(')')
                      .Append(share > 0.55 ? ";color:#fff" : "").Append("\" title=\"").Append(E($"{Fmt.Percent(share)} of actual {(i < mc.Classes.Count ? mc.Classes[i] : "?")}"))
                      .Append("\">").Append(E(Fmt.Count(row[k]))).Append("</td>");
                }
                sb.Append("</tr>");
            }
            sb.Append("</tbody></table><h2>Per class</h2>");
            Table(sb, "per-class", ["class", "support", "precision", "recall", "f1", "roc_auc"], 1, mc.PerClass.Select(m => (IReadOnlyList<string>)[
                m.Label, Fmt.Count(m.Support), Fmt.Num(m.Precision), Fmt.Num(m.Recall), Fmt.Num(m.F1), Fmt.Num(m.RocAuc)]));
            sb.Append("</section>");
        }
        if (r.Residuals is { } res)
        {
            sb.Append("<section id=\"residuals\"><h2>Residuals</h2><div class=\"charts\">");
            var scatter = new SvgPlot("residual-scatter", "Residual vs prediction") { XLabel = "prediction", YLabel = "residual (prediction − actual)", Width = 520, Height = 360 };
            var finite = res.Sample.Where(p => double.IsFinite(p.X)).ToList();
            if (finite.Count > 0)
                scatter.Line("", [new Point(finite.Min(p => p.X), 0), new Point(finite.Max(p => p.X), 0)]);
            scatter.Scatter("", res.Sample);
            sb.Append(scatter.Render());
            sb.Append(new SvgPlot("residual-histogram", "Residual histogram") { XLabel = "residual", YLabel = "rows", Width = 520, Height = 360 }
                .Bars("", [.. res.Histogram.Select(b => new Bar(b.Lower, b.Upper, b.Count, $"[{Fmt.Num(b.Lower)}, {Fmt.Num(b.Upper)}): {Fmt.Count(b.Count)} rows"))])
                .Render());
            sb.Append("</div><p class=\"note\">").Append(E(Fmt.Count(res.Sample.Count))).Append(" sampled points.</p></section>");
        }
    }

    private static void MetricsTable(StringBuilder sb, IReadOnlyList<MetricValue> metrics)
    {
        sb.Append("<table data-table=\"metrics\"><thead><tr><th>metric</th><th>value</th><th>note</th></tr></thead><tbody>");
        foreach (var m in metrics)
        {
            sb.Append("<tr data-metric=\"").Append(E(m.Name)).Append("\"><td>").Append(E(m.Name)).Append("</td>");
            if (m.Value is null)
                sb.Append("<td class=\"num undefined\" title=\"").Append(E(m.Note ?? "undefined")).Append("\">").Append(Fmt.Dash).Append("</td><td class=\"note\">undefined: ")
                  .Append(E(m.Note ?? "no reason given")).Append("</td>");
            else
                sb.Append("<td class=\"num\">").Append(E(Fmt.Num(m.Value))).Append("</td><td class=\"note\">").Append(E(m.Note)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    // ---------------- summary ----------------

    public static string ToHtml(SummaryResult r)
    {
        var sb = new StringBuilder(64 * 1024);
        Open(sb, "Vigil summary — " + r.Source.Description);
        sb.Append("<header><h1>Vigil summary</h1>");
        Facts(sb, Fmt.Facts(r));
        sb.Append("<p class=\"verdict\">").Append(E(Fmt.Verdict(r))).Append("</p></header>");

        var metrics = Fmt.PeriodMetrics(r.Task, r.Periods.Concat(r.Overall).Select(p => p.Metrics));
        Timelines(sb, r, metrics);

        if (r.Overall.Count > 0)
        {
            sb.Append("<section id=\"overall\"><h2>Overall</h2>");
            PeriodTable(sb, "overall", r, r.Overall, metrics, withStart: false);
            sb.Append("</section>");
        }
        if (r.Periods.Count > 0)
        {
            sb.Append("<section id=\"periods\"><h2>Per ").Append(E(Fmt.Period(r.Period))).Append("</h2>");
            PeriodTable(sb, "periods", r, r.Periods, metrics, withStart: true);
            sb.Append("</section>");
        }

        sb.Append("<section id=\"quality\"><h2>Data quality</h2>");
        if (r.Quality.Issues.Count == 0) sb.Append("<p>No findings.</p>");
        else
        {
            sb.Append("<table data-table=\"quality\"><thead><tr><th>severity</th><th>check</th><th>rows</th><th>column</th><th>period</th><th>message</th><th>examples</th></tr></thead><tbody>");
            foreach (var i in Fmt.BySeverity(r.Quality.Issues))
            {
                string sev = Fmt.Severity(i.Severity);
                sb.Append("<tr class=\"sev-").Append(sev).Append("\" data-check=\"").Append(E(i.Check)).Append("\" data-severity=\"").Append(sev).Append("\">")
                  .Append("<td><span class=\"badge sev-").Append(sev).Append("\">").Append(sev).Append("</span></td>")
                  .Append("<td>").Append(E(i.Check)).Append("</td><td class=\"num\">").Append(E(Fmt.Count(i.Rows))).Append("</td>")
                  .Append("<td>").Append(E(i.Column)).Append("</td><td>").Append(i.Period is { } p ? E(Fmt.PeriodStart(p, r.Period)) : "").Append("</td>")
                  .Append("<td>").Append(E(i.Message)).Append("</td><td>").Append(E(string.Join(", ", i.Examples))).Append("</td></tr>");
            }
            sb.Append("</tbody></table>");
        }
        sb.Append("</section>");
        if (r.Quality.Columns.Count > 0)
        {
            sb.Append("<section id=\"columns\"><h2>Columns</h2>");
            Table(sb, "columns", ["column", "type", "role", "nulls", "null rate", "distinct", "constant"], 3, r.Quality.Columns.Select(c => (IReadOnlyList<string>)[
                c.Name, c.Type, c.Role, Fmt.Count(c.Nulls), Fmt.Percent(c.NullRate), Fmt.Count(c.Distinct), c.Constant ? "yes" : "no"]));
            sb.Append("</section>");
        }
        Close(sb);
        return sb.ToString();
    }

    /// <summary>One line chart per key figure (rows, positive rate, mean score, key metrics), one line per model version,
    /// x in periods since the first period start; lines break at missing periods and undefined values; period-level
    /// quality findings are marked on the time axis.</summary>
    private static void Timelines(StringBuilder sb, SummaryResult r, IReadOnlyList<string> metrics)
    {
        var dated = r.Periods.Where(p => p.Start is not null).ToList();
        var issueTimes = r.Quality.Issues.Where(i => i.Period is not null).Select(i => Fmt.Utc(i.Period!.Value));
        var times = dated.Select(p => Fmt.Utc(p.Start!.Value)).Concat(issueTimes).ToList();
        if (dated.Count == 0) return;
        DateTime origin = times.Min();
        double unit = Fmt.PeriodDays(r.Period);
        double X(DateTime t) => (Fmt.Utc(t) - origin).TotalDays / unit;
        string fmt = r.Period == PeriodUnit.Hour ? "MM'-'dd' 'HH':'mm" : "MM'-'dd";
        string XFormat(double x) => origin.AddDays(x * unit).ToString(fmt, Fmt.Inv);
        var versions = dated.Select(p => p.ModelVersion).Distinct().ToList();

        var figures = new List<(string Key, string Title, Func<PeriodSummary, double?> Get, Func<double, string> Label)>
        {
            ("rows", "Rows", p => p.Rows, v => Fmt.Count((long)Math.Round(v))),
        };
        if (r.Task == ModelTask.Binary) figures.Add(("positive_rate", "Positive rate", p => p.PositiveRate, v => Fmt.Percent(v)));
        figures.Add(("mean_score", r.Task == ModelTask.Regression ? "Mean prediction" : "Mean score", p => p.MeanScore, Fmt.Num));
        foreach (var m in metrics) figures.Add((m, m, p => Fmt.MetricOf(p.Metrics, m), Fmt.Num));

        sb.Append("<section id=\"timelines\"><h2>Over time</h2><div class=\"charts\">");
        foreach (var (key, title, get, label) in figures)
        {
            var plot = new SvgPlot("timeline", title)
            {
                XFormat = XFormat, XMinStep = 1, Width = 540, Height = 270,
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
                if (i.Period is { } t)
                {
                    string sev = Fmt.Severity(i.Severity);
                    plot.Mark(new Marker(X(t), $"{i.Check} ({sev}, {Fmt.PeriodStart(t, r.Period)}): {i.Message}", "sev-" + sev, i.Check));
                }
            sb.Append(plot.Render());
        }
        sb.Append("</div><p class=\"note\">Dashed vertical markers: data-quality findings at a period (hover for details). Lines break at missing periods.</p></section>");
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
            if (withStart) sb.Append("<td>").Append(p.Start is { } s ? E(Fmt.PeriodStart(s, r.Period)) : "all").Append("</td>");
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

    // ---------------- shared ----------------

    private static void Num(StringBuilder sb, string s) => sb.Append("<td class=\"num\">").Append(E(s)).Append("</td>");

    private static void Open(StringBuilder sb, string title)
    {
        sb.Append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
          .Append("<title>").Append(E(title)).Append("</title><style>").Append(Css).Append("</style></head><body>\n");
    }

    private static void Close(StringBuilder sb) =>
        sb.Append("<footer>Generated by Vigil. Self-contained report: no scripts, no external resources.</footer></body></html>\n");

    private static void Facts(StringBuilder sb, IEnumerable<(string Key, string Value)> facts)
    {
        sb.Append("<dl class=\"facts\">");
        foreach (var (k, v) in facts) sb.Append("<dt>").Append(E(k)).Append("</dt><dd>").Append(E(v)).Append("</dd>");
        sb.Append("</dl>");
    }

    /// <summary>A table whose first <paramref name="leftColumns"/> columns are text and the rest numbers (right-aligned).</summary>
    private static void Table(StringBuilder sb, string name, IReadOnlyList<string> headers, int leftColumns, IEnumerable<IReadOnlyList<string>> rows)
    {
        sb.Append("<table data-table=\"").Append(E(name)).Append("\"><thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            for (int i = 0; i < headers.Count; i++)
            {
                string cell = i < row.Count ? row[i] : "";
                sb.Append(i >= leftColumns ? "<td class=\"num\">" : "<td>").Append(E(cell)).Append("</td>");
            }
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }
}
