using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using Vigil.Statistics.Classification;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The evaluation report: verdict, headline numbers as cards, findings, then metrics, curves, confusion,
/// thresholds (the one in use marked), multiclass and regression detail, and segments, on the shared
/// <see cref="ReportPage"/>.</summary>
internal static class EvaluationHtml
{
    public static string Render(EvaluationResult r)
    {
        var page = new ReportPage("evaluation", "Vigil evaluation", "Vigil evaluation — " + r.Source.Description).Facts(Fmt.Facts(r));
        var warning = r.Findings.Any(f => f.Check == "threshold_far_from_best") ? null : Fmt.ThresholdWarning(r);
        var points = Fmt.BySeverity(r.Findings).Select(f => $"{Fmt.Severity(f.Severity)} · {f.Check}: {f.Message}").Take(4).ToList();
        if (warning is not null) points.Insert(0, warning);
        var level = Level(r.Findings);
        if (warning is not null && level == "ok") level = "warning";
        page.Verdict(Fmt.Verdict(r), level, points);

        page.Section("key-numbers", "Key numbers", sb => KeyCards(sb, r));
        if (r.Findings.Count > 0 || warning is not null)
            page.Section("findings", "Findings", sb =>
            {
                if (warning is not null) sb.Append("<p class=\"threshold-warning\"><span class=\"badge sev-warning\">warning</span> ").Append(E(warning)).Append("</p>");
                if (r.Findings.Count > 0) Findings(sb, r.Findings, null);
            });
        page.Section("metrics", "Metrics", sb => MetricsTable(sb, r.Metrics, r.Threshold));
        if (r.Curves is { } curves) page.Section("curves", "Curves", sb => Curves(sb, r, curves));
        if (r.Confusion is { } c)
            page.Section("confusion", "Confusion" + (r.Threshold is { } th ? " at threshold " + Fmt.Short(th) : ""), sb =>
                Table(sb, "confusion", ["", "predicted positive", "predicted negative"], 1, [
                    ["actual positive", "TP " + Fmt.Count(c.Tp), "FN " + Fmt.Count(c.Fn)],
                    ["actual negative", "FP " + Fmt.Count(c.Fp), "TN " + Fmt.Count(c.Tn)],
                ]));
        if (r.BestThresholds is { Count: > 0 } best)
            page.Section("best-thresholds", "Best thresholds", sb =>
                Table(sb, "best-thresholds", ["criterion", "threshold", "value", "recall", "TP", "FP", "TN", "FN"], 1, best.Select(b => (IReadOnlyList<string>)[
                    b.Criterion, Fmt.Fixed4(b.Threshold), Fmt.Fixed4(b.Value), Recall(b.Confusion) is { } rc ? Fmt.Fixed4(rc) : Fmt.Dash,
                    Fmt.Count(b.Confusion.Tp), Fmt.Count(b.Confusion.Fp), Fmt.Count(b.Confusion.Tn), Fmt.Count(b.Confusion.Fn)])));
        if (r.ThresholdTable is { Count: > 0 } table)
            page.Section("thresholds", "Thresholds", sb =>
            {
                int inUse = -1;
                if (r.Threshold is { } t0)
                    inUse = table.Select((t, i) => (Gap: Math.Abs(t.Threshold - t0), i)).OrderBy(x => x.Gap).First().i;
                if (inUse >= 0) sb.Append("<p class=\"note\">The highlighted row is the threshold in use (").Append(E(Fmt.Short(r.Threshold!.Value))).Append(") or the nearest one in the table.</p>");
                Table(sb, "thresholds", ["threshold", "precision", "recall", "f1", "fpr", "specificity", "accuracy", "TP", "FP", "TN", "FN"], 0, table.Select(t => (IReadOnlyList<string>)[
                    Fmt.Fixed4(t.Threshold), Fmt.Fixed4(t.Precision), Fmt.Fixed4(t.Recall), Fmt.Fixed4(t.F1), Fmt.Fixed4(t.Fpr), Fmt.Fixed4(t.Specificity), Fmt.Fixed4(t.Accuracy),
                    Fmt.Count(t.Confusion.Tp), Fmt.Count(t.Confusion.Fp), Fmt.Count(t.Confusion.Tn), Fmt.Count(t.Confusion.Fn)]),
                    rowClass: i => i == inUse ? "in-use" : null);
            });
        if (r.Multiclass is { } mc) page.Section("multiclass", "Confusion matrix", sb => Multiclass(sb, mc));
        if (r.Residuals is { } res) page.Section("residuals", "Residuals", sb => Residuals(sb, res));
        if (r.Segments is { Count: > 0 } segments)
            page.Section("segments", "Segments", sb =>
            {
                var keys = Fmt.SegmentKeys(segments);
                var metrics = Fmt.KeyMetrics(r.Task, segments.Select(s => s.Result.Metrics));
                Table(sb, "segments", [.. keys, "rows", .. metrics], keys.Count, segments.Select(s => (IReadOnlyList<string>)[
                    .. keys.Select(k => s.Key.TryGetValue(k, out var v) ? v ?? "(null)" : ""),
                    Fmt.Count(s.Result.Rows),
                    .. metrics.Select(m => Fmt.Num(Fmt.MetricOf(s.Result.Metrics, m))),
                ]));
            });
        return page.Render();
    }

    private static double? Recall(ConfusionCounts c) => c.Tp + c.Fn > 0 ? (double)c.Tp / (c.Tp + c.Fn) : null;

    /// <summary>The headline metrics as cards: threshold-free ones first, then those at the threshold in use (named).</summary>
    private static void KeyCards(StringBuilder sb, EvaluationResult r)
    {
        string[] names = r.Task switch
        {
            ModelTask.Binary => ["roc_auc", "average_precision", "precision", "recall", "f1", "accuracy"],
            ModelTask.Multiclass => ["accuracy", "macro_f1", "weighted_f1", "roc_auc_ovr"],
            _ => ["mae", "rmse", "r2"],
        };
        var shown = names.Where(n => r.Metrics.Any(m => m.Name == n)).ToList();
        if (shown.Count == 0) shown = [.. r.Metrics.Take(4).Select(m => m.Name)];
        var cards = new List<(string, string, string, string?)> { ("rows", "rows", Fmt.Count(r.Rows), null) };
        foreach (var n in shown)
            cards.Add((n, n, Fmt.Num(Fmt.MetricOf(r.Metrics, n)),
                Fmt.IsThresholded(n) && r.Threshold is { } th ? $"at threshold {Fmt.Short(th)}" : r.Task == ModelTask.Binary ? "any threshold" : null));
        Cards(sb, cards);
    }

    /// <summary>The metric table; the note column only when some metric has a note.</summary>
    private static void MetricsTable(StringBuilder sb, IReadOnlyList<MetricValue> metrics, double? threshold)
    {
        bool notes = metrics.Any(m => m.Value is null || !string.IsNullOrEmpty(m.Note));
        sb.Append("<table data-table=\"metrics\"><thead><tr><th>metric</th><th>value</th>").Append(notes ? "<th>note</th>" : "").Append("</tr></thead><tbody>");
        foreach (var m in metrics)
        {
            sb.Append("<tr data-metric=\"").Append(E(m.Name)).Append("\"><td>").Append(E(m.Name)).Append("</td>");
            if (m.Value is null)
                sb.Append("<td class=\"num undefined\" title=\"").Append(E(m.Note ?? "undefined")).Append("\">").Append(Fmt.Dash).Append("</td>");
            else
                sb.Append("<td class=\"num\">").Append(E(Fmt.Num(m.Value))).Append("</td>");
            if (notes)
                sb.Append("<td class=\"note\">").Append(E(m.Value is null ? "undefined: " + (m.Note ?? "no reason given") : m.Note)).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
        if (threshold is { } th && metrics.Any(m => Fmt.IsThresholded(m.Name)))
            sb.Append("<p class=\"note\">").Append(E($"{string.Join(", ", metrics.Where(m => Fmt.IsThresholded(m.Name)).Select(m => m.Name))} are at the decision threshold {Fmt.Short(th)}; the others do not depend on it.")).Append("</p>");
    }

    private static void Curves(StringBuilder sb, EvaluationResult r, BinaryCurves curves)
    {
        sb.Append("<div class=\"charts\">");
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
        sb.Append("</div><p class=\"note\">Grey bars in the calibration chart: rows per bin (relative).</p>");
    }

    private static void Multiclass(StringBuilder sb, MulticlassEvaluation mc)
    {
        sb.Append("<p class=\"note\">Rows: actual class; columns: predicted class; shade: share of the actual class.</p>");
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
        sb.Append("</tbody></table><h3>Per class</h3>");
        Table(sb, "per-class", ["class", "support", "precision", "recall", "f1", "roc_auc"], 1, mc.PerClass.Select(m => (IReadOnlyList<string>)[
            m.Label, Fmt.Count(m.Support), Fmt.Num(m.Precision), Fmt.Num(m.Recall), Fmt.Num(m.F1), Fmt.Num(m.RocAuc)]));
    }

    private static void Residuals(StringBuilder sb, ResidualData res)
    {
        sb.Append("<div class=\"charts\">");
        var scatter = new SvgPlot("residual-scatter", "Residual vs prediction") { XLabel = "prediction (model units)", YLabel = "residual (prediction − actual)", Width = 520, Height = 360 };
        var finite = res.Sample.Where(p => double.IsFinite(p.X)).ToList();
        if (finite.Count > 0)
            scatter.Line("", [new Point(finite.Min(p => p.X), 0), new Point(finite.Max(p => p.X), 0)]);
        scatter.Scatter("", res.Sample);
        sb.Append(scatter.Render());
        sb.Append(new SvgPlot("residual-histogram", "Residual histogram") { XLabel = "residual (prediction − actual)", YLabel = "rows", YMin = 0, Width = 520, Height = 360 }
            .Bars("", [.. res.Histogram.Select(b => new Bar(b.Lower, b.Upper, b.Count, $"[{Fmt.Num(b.Lower)}, {Fmt.Num(b.Upper)}): {Fmt.Count(b.Count)} rows"))])
            .Render());
        sb.Append("</div><p class=\"note\">").Append(E(Fmt.Count(res.Sample.Count))).Append(" sampled points.</p>");
    }
}
