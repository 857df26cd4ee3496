using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The explanation report: the verdict, a beeswarm-style summary plot of the top features' SHAP values, the
/// feature table, what moved between two sides, the top features per segment, on the shared <see cref="ReportPage"/>.</summary>
internal static class ExplanationHtml
{
    public static string Render(ExplanationResult r)
    {
        var page = new ReportPage("explanation", "Vigil explanation", "Vigil explanation — " + r.Source.Description).Facts(ExplanationReport.Facts(r));
        var points = new List<string>();
        if (r.Comparison is { } c)
            points.AddRange(c.Changes.Take(3).Select(f => $"{f.Feature}: {ExplanationReport.Signed(f.Change)} ({Fmt.Num(f.BaselineImpact)} → {Fmt.Num(f.Impact)}, rank {f.BaselineRank} → {f.Rank})"));
        else
            points.AddRange(r.Features.Take(3).Select(f => $"{f.Rank}. {f.Feature}: mean |SHAP| {Fmt.Num(f.MeanAbsShap)}"));
        points.AddRange(Fmt.BySeverity(r.Findings).Where(f => f.Severity >= Severity.Warning).Take(2).Select(f => $"{Fmt.Severity(f.Severity)} · {f.Check}: {f.Message}"));
        page.Verdict(ExplanationReport.Verdict(r), ExplanationReport.Level(r), points);
        if (r.SummaryPlot.Count > 0)
            page.Section("summary-plot", "Summary plot: each row's SHAP value per feature", sb =>
            {
                sb.Append("<p class=\"note\">One row per feature, most important on top. Each dot is a sampled prediction: its position is the feature's ")
                  .Append("contribution to that prediction (").Append(E(ExplanationReport.Units(r.Surrogate))).Append("; right of zero pushes the score up), its colour ")
                  .Append("the feature's value, from low (blue) to high (red); grey is missing. Categories are ordered by their mean score.</p>");
                sb.Append(Beeswarm(r));
            });
        page.Section("features", "Features by impact", sb =>
        {
            sb.Append("<p class=\"note\">").Append(E(ExplanationReport.Surrogate(r.Surrogate))).Append(". Mean |SHAP| is in ")
              .Append(E(ExplanationReport.Units(r.Surrogate))).Append("; mutual information (nats, 10 × 10 quantile bins) and Spearman's ρ are model-free, over the same sample.</p>");
            Table(sb, "features", ExplanationReport.FeatureHeaders, 3, ExplanationReport.FeatureRows(r));
            if (r.Excluded.Count > 0) sb.Append("<p class=\"note\">Not explained: ").Append(E(ExplanationReport.Excluded(r))).Append("</p>");
        });
        if (r.Comparison is { } cmp)
            page.Section("changes", $"What moved: {cmp.Candidate} against {cmp.Baseline}", sb =>
            {
                sb.Append("<p class=\"note\">").Append(E(ExplanationReport.ComparisonNote(cmp, r.Surrogate))).Append("</p>");
                Table(sb, "changes", ExplanationReport.ChangeHeaders, 1, ExplanationReport.ChangeRows(cmp));
            });
        if (r.Segments.Count > 0)
            page.Section("segments", "Top features per segment", sb =>
            {
                sb.Append("<p class=\"note\">The same surrogate's SHAP values averaged over each segment's rows (one model, not one per segment).</p>");
                Table(sb, "segments", ExplanationReport.SegmentHeaders, 1, ExplanationReport.SegmentRows(r).Select(row => new[] { row[0], row[1], row[2], row[3] }));
            });
        if (r.Findings.Count > 0) page.Section("findings", "Findings", sb => Findings(sb, r.Findings, null));
        return page.Render();
    }

    /// <summary>Low → high feature value: blue → purple → red; missing grey.</summary>
    internal static string Colour(double? v)
    {
        if (v is not { } t || !double.IsFinite(t)) return "#b0b0b0";
        t = Math.Clamp(t, 0, 1);
        (double R, double G, double B) lo = (0x1e, 0x88, 0xe5), hi = (0xff, 0x0d, 0x57);
        int Mix(double a, double b) => (int)Math.Round(a + (b - a) * t);
        return $"#{Mix(lo.R, hi.R):x2}{Mix(lo.G, hi.G):x2}{Mix(lo.B, hi.B):x2}";
    }

    /// <summary>A beeswarm-style summary plot: one row per top feature, each point at its SHAP value, stacked
    /// vertically within its row where points crowd (alternating above and below the row's centre line), coloured by
    /// the feature's value; a zero line, ticks and labels on both axes, a colour legend.</summary>
    internal static string Beeswarm(ExplanationResult r)
    {
        var rows = r.SummaryPlot;
        var values = rows.SelectMany(s => s.Points.Select(p => p.Shap)).Where(double.IsFinite).Append(0).ToList();
        double lo = values.Min(), hi = values.Max();
        if (hi - lo < 1e-12) { lo -= 1; hi += 1; }
        var (tlo, thi, step) = NiceTicks.Range(lo, hi, 7);
        (lo, hi) = (tlo, thi);
        const int labelW = 190, plotW = 600, legendW = 110, rowH = 34, top = 16, axisH = 50;
        var width = labelW + plotW + legendW;
        var height = top + rows.Count * rowH + axisH;
        double X(double v) => labelW + (v - lo) / (hi - lo) * plotW;
        static string F(double v) => v.ToString("0.#", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("<svg class=\"chart beeswarm\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
          .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" role=\"img\" aria-label=\"SHAP summary plot\">");
        sb.Append("<style>text{font:12px system-ui,sans-serif;fill:#1d1d1f}.tick{fill:#555}.axis-label{font-weight:600}</style>");
        var plotBottom = top + rows.Count * rowH;
        foreach (var t in NiceTicks.Ticks(lo, hi, step))
        {
            var x = X(t);
            sb.Append("<line x1=\"").Append(F(x)).Append("\" x2=\"").Append(F(x)).Append("\" y1=\"").Append(top).Append("\" y2=\"").Append(plotBottom).Append("\" stroke=\"#eee\"/>");
            sb.Append("<text class=\"tick x-tick\" x=\"").Append(F(x)).Append("\" y=\"").Append(plotBottom + 16).Append("\" text-anchor=\"middle\">")
              .Append(E(SvgPlot.DefaultFormat(t))).Append("</text>");
        }
        var zero = X(0);
        sb.Append("<line x1=\"").Append(F(zero)).Append("\" x2=\"").Append(F(zero)).Append("\" y1=\"").Append(top).Append("\" y2=\"").Append(plotBottom).Append("\" stroke=\"#555\"/>");
        for (var i = 0; i < rows.Count; i++)
        {
            var s = rows[i];
            var cy = top + i * rowH + rowH / 2.0;
            sb.Append("<g class=\"feature\" data-feature=\"").Append(E(s.Feature)).Append("\">");
            if (i % 2 == 0) sb.Append("<rect x=\"").Append(labelW).Append("\" y=\"").Append(F(cy - rowH / 2.0)).Append("\" width=\"").Append(plotW).Append("\" height=\"").Append(rowH).Append("\" fill=\"#f7f7f9\"/>");
            sb.Append("<text class=\"tick y-tick\" x=\"").Append(labelW - 8).Append("\" y=\"").Append(F(cy + 4)).Append("\" text-anchor=\"end\">").Append(E(Fmt.Cut(s.Feature, 26))).Append("</text>");
            // Stack crowded points: per 3-pixel column, the k-th point goes k/2 steps above or below the centre.
            var used = new Dictionary<int, int>();
            var maxOff = rowH / 2.0 - 3;
            foreach (var p in s.Points.Where(p => double.IsFinite(p.Shap)).OrderBy(p => p.Shap))
            {
                var x = X(p.Shap);
                var col = (int)Math.Round(x / 3);
                var k = used.GetValueOrDefault(col);
                used[col] = k + 1;
                var off = (k + 1) / 2 * 1.8 * (k % 2 == 0 ? 1 : -1);
                if (Math.Abs(off) > maxOff) off = (Math.Abs(off) % maxOff) * Math.Sign(off);
                sb.Append("<circle cx=\"").Append(F(x)).Append("\" cy=\"").Append(F(cy + off)).Append("\" r=\"2.2\" fill=\"").Append(Colour(p.Value)).Append("\" fill-opacity=\"0.8\"/>");
            }
            sb.Append("</g>");
        }
        sb.Append("<text class=\"axis-label x-label\" x=\"").Append(F(labelW + plotW / 2.0)).Append("\" y=\"").Append(height - 10).Append("\" text-anchor=\"middle\">")
          .Append(E($"SHAP value (impact on the {ExplanationReport.TargetText(r.Surrogate)})")).Append("</text>");
        sb.Append("<text class=\"axis-label y-label\" transform=\"translate(14 ").Append(F(top + rows.Count * rowH / 2.0)).Append(") rotate(-90)\" text-anchor=\"middle\">feature (by mean |SHAP|)</text>");
        // Legend: a vertical colour bar, high on top.
        var lx = labelW + plotW + 30;
        var lh = Math.Min(140, rows.Count * rowH - 20);
        const int stops = 20;
        for (var k = 0; k < stops; k++)
        {
            var t = 1 - (k + 0.5) / stops;
            sb.Append("<rect x=\"").Append(lx).Append("\" y=\"").Append(F(top + 10 + k * lh / (double)stops)).Append("\" width=\"12\" height=\"").Append(F(lh / (double)stops + 0.5))
              .Append("\" fill=\"").Append(Colour(t)).Append("\"/>");
        }
        sb.Append("<text class=\"tick\" x=\"").Append(lx + 18).Append("\" y=\"").Append(top + 20).Append("\">high</text>");
        sb.Append("<text class=\"tick\" x=\"").Append(lx + 18).Append("\" y=\"").Append(F(top + 10 + lh)).Append("\">low</text>");
        sb.Append("<text class=\"axis-label legend-label\" transform=\"translate(").Append(lx - 8).Append(' ').Append(F(top + 10 + lh / 2.0)).Append(") rotate(-90)\" text-anchor=\"middle\">feature value</text>");
        sb.Append("</svg>");
        return sb.ToString();
    }
}
