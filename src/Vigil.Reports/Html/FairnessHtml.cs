using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The fairness report on the shared <see cref="ReportPage"/>: the verdict, the findings, per attribute a chart
/// of each group's selection rate, TPR and FPR with Wilson intervals and the fairness band around the reference group,
/// the metrics and disparity tables; then Fairlearn's summaries, the proxies, the group thresholds and the notes.</summary>
internal static class FairnessHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(FairnessResult r)
    {
        var page = new ReportPage("fairness", "Vigil fairness", "Vigil fairness — " + r.Source.Description).Facts(FairnessReport.Facts(r));
        page.Verdict(FairnessReport.Verdict(r), FairnessReport.Level(r), r.Findings.Take(3));
        page.Section("findings", "Findings", sb =>
        {
            sb.Append("<ol class=\"findings\" data-list=\"findings\">");
            foreach (var f in r.Findings) sb.Append("<li>").Append(E(f)).Append("</li>");
            sb.Append("</ol>");
        });
        var i = 0;
        foreach (var a in FairnessReport.Attributes(r))
        {
            var id = "attr-" + (i++).ToString(Inv);
            page.Section(id, a, sb =>
            {
                sb.Append("<p class=\"note\">").Append(E($"Dots: each group's rate at threshold {Fmt.Short(r.Threshold)}; whiskers: its {(r.Confidence * 100).ToString("0", Inv)}% Wilson interval; " +
                    $"shaded: the band {FairnessReport.Band(r)} × the reference group's rate ({r.ReferenceGroup.GetValueOrDefault(a, "?")}, dashed). Red: outside the band.")).Append("</p>");
                sb.Append("<div class=\"charts\">").Append(Chart(r, a)).Append("</div>");
                Table(sb, "groups", FairnessReport.GroupHeaders, 1, FairnessReport.GroupRows(r, a).Select(row => (IReadOnlyList<string>)row));
                Table(sb, "disparities", FairnessReport.DisparityHeaders(r, a), 1, FairnessReport.DisparityRows(r, a).Select(row => (IReadOnlyList<string>)row));
                sb.Append("<p class=\"note\">").Append(E($"Disparity = group / reference group; ! marks a value outside {FairnessReport.Band(r)}.")).Append("</p>");
            });
        }
        page.Section("summary", $"Fairlearn summaries ({r.Method})", sb =>
        {
            Table(sb, "summary", FairnessReport.SummaryHeaders, 1, FairnessReport.SummaryRows(r).Select(row => (IReadOnlyList<string>)row));
            sb.Append("<p class=\"note\">DP: demographic parity (selection rate); EOdds: equalized odds (worst of TPR and FPR); EOpp: equal opportunity (TPR).</p>");
        });
        if (r.Proxies.Count > 0)
            page.Section("proxies", "Proxies: do the other features encode the attribute?", sb =>
            {
                sb.Append("<ul class=\"notes\">");
                foreach (var p in r.Proxies) sb.Append("<li>").Append(E(p.Finding)).Append("</li>");
                sb.Append("</ul>");
                Table(sb, "proxies", FairnessReport.ProxyHeaders, 3, FairnessReport.ProxyRows(r).Select(row => (IReadOnlyList<string>)row));
            });
        if (r.Mitigation is { } m)
            page.Section("mitigation", FairnessReport.MitigationTitle(m), sb =>
            {
                Table(sb, "mitigation", FairnessReport.MitigationHeaders, 2, FairnessReport.MitigationRows(m).Select(row => (IReadOnlyList<string>)row));
                sb.Append("<ul class=\"notes\">");
                foreach (var n in m.Notes) sb.Append("<li>").Append(E(n)).Append("</li>");
                sb.Append("</ul>");
            });
        page.Section("notes", "How it was computed", sb =>
        {
            sb.Append("<ul class=\"notes\">");
            foreach (var n in r.Notes) sb.Append("<li>").Append(E(n)).Append("</li>");
            sb.Append("</ul>");
        });
        return page.Render();
    }

    private static string P(double v) => v.ToString("0.##", Inv);

    private static readonly (string Metric, string Aequitas, string Title)[] Panels =
        [("selection_rate", "pprev", "selection rate"), ("tpr", "tpr", "true positive rate"), ("fpr", "fpr", "false positive rate")];

    /// <summary>Three panels (selection rate, TPR, FPR), one row per group: the rate as a dot, its Wilson interval as a
    /// whisker, the reference group's rate dashed and the band [τ·ref, ref/τ] shaded. Each dot carries data-group,
    /// data-metric, data-value and data-fair.</summary>
    internal static string Chart(FairnessResult r, string attribute)
    {
        var groups = r.Groups.Where(g => g.Attribute == attribute).ToList();
        var reference = r.ReferenceGroup.GetValueOrDefault(attribute);
        const double width = 1100, labelWidth = 200, gap = 24, top = 40, rowHeight = 22, axis = 46, right = 12;
        var panelWidth = (width - labelWidth - right - gap * (Panels.Length - 1)) / Panels.Length;
        var height = top + rowHeight * groups.Count + axis;
        var bottom = top + rowHeight * groups.Count;
        var sb = new StringBuilder();
        sb.Append("<svg class=\"chart\" data-chart=\"fairness-rates\" data-attribute=\"").Append(E(attribute)).Append("\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(P(width))
          .Append("\" height=\"").Append(P(height)).Append("\" viewBox=\"0 0 ").Append(P(width)).Append(' ').Append(P(height))
          .Append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append("<title>").Append(E($"{attribute}: rates per group with Wilson intervals and the fairness band")).Append("</title>");
        sb.Append("<text class=\"axis-label\" transform=\"translate(14 ").Append(P(top + rowHeight * groups.Count / 2.0)).Append(") rotate(-90)\" text-anchor=\"middle\">")
          .Append(E(attribute)).Append("</text>");
        for (var gi = 0; gi < groups.Count; gi++)
        {
            var g = groups[gi];
            var name = g.Value.Length > 26 ? g.Value[..25] + "…" : g.Value;
            sb.Append("<text class=\"y-label\" x=\"").Append(P(labelWidth - 8)).Append("\" y=\"").Append(P(top + rowHeight * gi + rowHeight / 2 + 4))
              .Append("\" text-anchor=\"end\"").Append(g.Value == reference ? " font-weight=\"bold\"" : "").Append('>')
              .Append(E(name + (g.BelowMinimumSize ? " (small)" : ""))).Append("</text>");
        }
        for (var p = 0; p < Panels.Length; p++)
        {
            var (metric, aequitas, title) = Panels[p];
            var x0 = labelWidth + p * (panelWidth + gap);
            var hi = 0.0;
            foreach (var g in groups)
            {
                if (g.Intervals.TryGetValue(metric, out var iv) && iv.Upper is { } u) hi = Math.Max(hi, u);
                if (Rate(g, metric) is { } v) hi = Math.Max(hi, v);
            }
            var refRate = groups.FirstOrDefault(g => g.Value == reference) is { } rg ? Rate(rg, metric) : null;
            if (refRate is { } rr) hi = Math.Max(hi, Math.Min(1, rr / r.Tau));
            var (min, max, step) = NiceTicks.Range(0, Math.Max(hi, 0.05), 4);
            double Sx(double v) => x0 + (Math.Clamp(v, min, max) - min) / (max - min) * panelWidth;
            sb.Append("<g class=\"panel\" data-metric=\"").Append(metric).Append("\">");
            sb.Append("<text class=\"chart-title\" x=\"").Append(P(x0 + panelWidth / 2)).Append("\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
              .Append(E(title)).Append("</text>");
            if (refRate is { } rv)
            {
                double a = Sx(rv * r.Tau), b = Sx(Math.Min(max, rv / r.Tau));
                sb.Append("<rect class=\"band\" x=\"").Append(P(a)).Append("\" y=\"").Append(P(top)).Append("\" width=\"").Append(P(Math.Max(1, b - a))).Append("\" height=\"").Append(P(bottom - top))
                  .Append("\" fill=\"#009e73\" fill-opacity=\"0.12\"><title>").Append(E($"fair band: {FairnessReport.Band(r)} × {reference}'s {title} {rv.ToString("0.000", Inv)}")).Append("</title></rect>");
            }
            foreach (var t in NiceTicks.Ticks(min, max, step))
            {
                var x = Sx(t);
                sb.Append("<line x1=\"").Append(P(x)).Append("\" x2=\"").Append(P(x)).Append("\" y1=\"").Append(P(top)).Append("\" y2=\"").Append(P(bottom)).Append("\" stroke=\"#e5e5e5\"/>");
                var label = t.ToString("0.##", Inv);
                sb.Append("<text class=\"tick x-tick\" data-label=\"").Append(E(label)).Append("\" x=\"").Append(P(x)).Append("\" y=\"").Append(P(bottom + 16))
                  .Append("\" text-anchor=\"middle\">").Append(E(label)).Append("</text>");
            }
            sb.Append("<line x1=\"").Append(P(x0)).Append("\" x2=\"").Append(P(x0 + panelWidth)).Append("\" y1=\"").Append(P(bottom)).Append("\" y2=\"").Append(P(bottom)).Append("\" stroke=\"#333\"/>");
            sb.Append("<text class=\"axis-label\" x=\"").Append(P(x0 + panelWidth / 2)).Append("\" y=\"").Append(P(bottom + 36)).Append("\" text-anchor=\"middle\">")
              .Append(E(metric == "selection_rate" ? "share predicted positive" : metric == "tpr" ? "share of positives caught" : "share of negatives flagged")).Append("</text>");
            if (refRate is { } rl)
                sb.Append("<line class=\"reference\" x1=\"").Append(P(Sx(rl))).Append("\" x2=\"").Append(P(Sx(rl))).Append("\" y1=\"").Append(P(top)).Append("\" y2=\"").Append(P(bottom))
                  .Append("\" stroke=\"#009e73\" stroke-dasharray=\"4 3\"/>");
            for (var gi = 0; gi < groups.Count; gi++)
            {
                var g = groups[gi];
                var mid = top + rowHeight * gi + rowHeight / 2;
                var fair = r.Disparities.FirstOrDefault(d => d.Attribute == attribute && d.Value == g.Value && d.Metric == aequitas)?.Fair;
                var color = fair == false ? SvgPlot.Palette[1] : SvgPlot.Palette[0];
                if (g.Intervals.TryGetValue(metric, out var iv) && iv.Lower is { } lo && iv.Upper is { } up)
                {
                    double a = Sx(lo), b = Sx(up);
                    sb.Append("<g class=\"whisker\" stroke=\"").Append(color).Append("\" stroke-width=\"1.4\"><line x1=\"").Append(P(a)).Append("\" x2=\"").Append(P(b)).Append("\" y1=\"").Append(P(mid)).Append("\" y2=\"").Append(P(mid)).Append("\"/>")
                      .Append("<line x1=\"").Append(P(a)).Append("\" x2=\"").Append(P(a)).Append("\" y1=\"").Append(P(mid - 4)).Append("\" y2=\"").Append(P(mid + 4)).Append("\"/>")
                      .Append("<line x1=\"").Append(P(b)).Append("\" x2=\"").Append(P(b)).Append("\" y1=\"").Append(P(mid - 4)).Append("\" y2=\"").Append(P(mid + 4)).Append("\"/></g>");
                }
                if (Rate(g, metric) is { } v)
                {
                    sb.Append("<circle class=\"rate\" data-group=\"").Append(E(g.Value)).Append("\" data-metric=\"").Append(metric).Append("\" data-value=\"").Append(v.ToString("R", Inv))
                      .Append("\" data-fair=\"").Append(fair switch { true => "true", false => "false", _ => "" }).Append("\" cx=\"").Append(P(Sx(v))).Append("\" cy=\"").Append(P(mid))
                      .Append("\" r=\"4.5\" fill=\"").Append(color).Append("\"><title>").Append(E($"{g.Value}: {title} {v.ToString("0.000", Inv)} ({Fmt.Count(g.Size)} rows)")).Append("</title></circle>");
                }
                else
                {
                    sb.Append("<text class=\"undefined\" x=\"").Append(P(x0 + 4)).Append("\" y=\"").Append(P(mid + 4)).Append("\" fill=\"#777\" font-style=\"italic\">undefined</text>");
                }
            }
            sb.Append("</g>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }

    private static double? Rate(FairnessGroup g, string metric) =>
        g.Metrics.FirstOrDefault(m => m.Name == metric)?.Value is { } v && double.IsFinite(v) ? v : null;
}
