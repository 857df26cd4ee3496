using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The comparison report: the verdict, a forest plot of the verdict metric's difference per segment with its
/// interval (worse red, better green, no evidence grey), the segment table, every metric overall and per segment, the
/// features behind the scores, on the shared <see cref="ReportPage"/>.</summary>
internal static class ComparisonHtml
{
    public static string Render(ComparisonResult r)
    {
        var page = new ReportPage("comparison", "Vigil comparison", $"Vigil comparison — {r.Candidate} vs {r.Baseline}").Facts(ComparisonReport.Facts(r));
        var points = r.Segments.Where(s => s.Verdict == "worse").Take(4)
            .Select(s => $"worse: {ComparisonReport.SegmentName(s)}: {r.PrimaryMetric} {ComparisonReport.Signed(s.Difference.GetValueOrDefault(r.PrimaryMetric)?.Value)}").ToList();
        points.AddRange(Fmt.BySeverity(r.Findings).Where(f => f.Severity >= Severity.Warning).Take(2).Select(f => $"{Fmt.Severity(f.Severity)} · {f.Check}: {f.Message}"));
        page.Verdict(ComparisonReport.Verdict(r), ComparisonReport.Level(r), points);
        page.Section("forest", $"{r.PrimaryMetric}: candidate − baseline by segment", sb =>
        {
            sb.Append("<p class=\"note\">Each line is the ").Append(E(Fmt.Short(r.Confidence * 100))).Append("% interval of the difference; the dot is the difference. ")
              .Append(E(r.Correction == "bh" ? "Verdicts use Benjamini–Hochberg-adjusted p-values." : "Verdicts use Holm-adjusted p-values.")).Append(" ")
              .Append(E(Direction(r))).Append("</p>");
            sb.Append(Forest(r));
        });
        page.Section("segments", "Segments", sb => Table(sb, "segments", ComparisonReport.SegmentHeaders, 2, ComparisonReport.SegmentRows(r)));
        if (r.Findings.Count > 0) page.Section("findings", "Findings", sb => Findings(sb, r.Findings, null));
        page.Section("metrics", "Every metric, per segment", sb =>
        {
            foreach (var s in r.Segments)
            {
                sb.Append("<h3>").Append(E(ComparisonReport.SegmentName(s))).Append(" <span class=\"badge ").Append(Badge(s.Verdict)).Append("\">")
                  .Append(E(s.Verdict.Replace('_', ' '))).Append("</span></h3>");
                sb.Append("<p class=\"note\">Rows: baseline ").Append(E(Fmt.Count(s.Baseline.Rows))).Append(" (").Append(E(Fmt.Percent(s.Baseline.Share)))
                  .Append(" of its traffic), candidate ").Append(E(Fmt.Count(s.Candidate.Rows))).Append(" (").Append(E(Fmt.Percent(s.Candidate.Share))).Append(").</p>");
                Table(sb, "metrics", ComparisonReport.MetricHeaders, 1, ComparisonReport.MetricRows(s));
            }
            if (r.Segments.FirstOrDefault() is { } first)
            {
                sb.Append("<p class=\"note\">Tests: ");
                sb.Append(string.Join("; ", ComparisonReport.TestNotes(first).Select(E)));
                sb.Append(".</p>");
            }
        });
        if (r.FeatureImpact is { Count: > 0 })
            page.Section("features", "Features behind the scores", sb =>
            {
                sb.Append("<p class=\"note\">").Append(E(ComparisonReport.FeatureNote(r))).Append("</p>");
                Table(sb, "features", ComparisonReport.FeatureHeaders, 1, ComparisonReport.FeatureRows(r));
            });
        return page.Render();
    }

    private static string Direction(ComparisonResult r) =>
        r.Segments.FirstOrDefault()?.Difference.GetValueOrDefault(r.PrimaryMetric) is { } d
            ? d.HigherIsBetter ? $"Right of zero: the candidate's {r.PrimaryMetric} is higher (better)." : $"Left of zero: the candidate's {r.PrimaryMetric} is lower (better)."
            : "";

    private static string Badge(string verdict) => verdict switch { "worse" => "sev-error", "better" => "ok", _ => "sev-info" };

    private static string Color(string verdict) => verdict switch { "worse" => "#c62828", "better" => "#2e7d32", _ => "#6b6b6b" };

    /// <summary>A forest plot: one row per segment (overall first), its interval as a line and the difference as a dot,
    /// a dashed line at zero, ticks on a shared axis.</summary>
    internal static string Forest(ComparisonResult r)
    {
        var rows = r.Segments.Select(s => (Name: ComparisonReport.SegmentName(s), s.Verdict, D: s.Difference.GetValueOrDefault(r.PrimaryMetric))).ToList();
        var values = rows.SelectMany(x => new[] { x.D?.Lower, x.D?.Upper, x.D?.Value }).Where(v => v is { } f && double.IsFinite(f)).Select(v => v!.Value).Append(0).ToList();
        double lo = values.Min(), hi = values.Max();
        if (hi - lo < 1e-9) { lo -= 0.01; hi += 0.01; }
        var (tlo, thi, step) = NiceTicks.Range(lo, hi, 6);
        (lo, hi) = (tlo, thi);
        const int labelW = 260, plotW = 480, valueW = 330, rowH = 24, top = 30, axisH = 40;
        var width = labelW + plotW + valueW;
        var height = top + rows.Count * rowH + axisH;
        double X(double v) => labelW + (v - lo) / (hi - lo) * plotW;
        string F(double v) => v.ToString("0.##", CultureInfo.InvariantCulture);
        var sb = new StringBuilder();
        sb.Append("<svg class=\"chart forest\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(width).Append("\" height=\"").Append(height)
          .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" role=\"img\" aria-label=\"").Append(E($"{r.PrimaryMetric} difference by segment")).Append("\">");
        sb.Append("<style>text{font:12px system-ui,sans-serif;fill:#1d1d1f}.tick{fill:#555}</style>");
        foreach (var t in NiceTicks.Ticks(lo, hi, step))
        {
            var x = X(t);
            sb.Append("<line x1=\"").Append(F(x)).Append("\" x2=\"").Append(F(x)).Append("\" y1=\"").Append(top).Append("\" y2=\"").Append(top + rows.Count * rowH)
              .Append("\" stroke=\"#eee\"/>");
            sb.Append("<text class=\"tick x-tick\" x=\"").Append(F(x)).Append("\" y=\"").Append(top + rows.Count * rowH + 16).Append("\" text-anchor=\"middle\">")
              .Append(E(t == 0 ? "0" : (t > 0 ? "+" : "−") + Math.Abs(t).ToString("0.####", CultureInfo.InvariantCulture))).Append("</text>");
        }
        var zero = X(0);
        sb.Append("<line x1=\"").Append(F(zero)).Append("\" x2=\"").Append(F(zero)).Append("\" y1=\"").Append(top - 4).Append("\" y2=\"").Append(top + rows.Count * rowH)
          .Append("\" stroke=\"#333\" stroke-dasharray=\"4 3\"/>");
        sb.Append("<text class=\"axis-label\" x=\"").Append(F(labelW + plotW / 2.0)).Append("\" y=\"").Append(height - 6).Append("\" text-anchor=\"middle\">")
          .Append(E($"{r.PrimaryMetric}: {r.Candidate} − {r.Baseline}")).Append("</text>");
        sb.Append("<text class=\"axis-label\" x=\"").Append(labelW - 10).Append("\" y=\"18\" text-anchor=\"end\" font-weight=\"650\">segment</text>");
        sb.Append("<text x=\"").Append(labelW + plotW + 10).Append("\" y=\"18\" font-weight=\"650\">difference [interval] · verdict</text>");
        for (var i = 0; i < rows.Count; i++)
        {
            var (name, verdict, d) = rows[i];
            var y = top + i * rowH + rowH / 2.0;
            var color = Color(verdict);
            sb.Append("<g class=\"segment\" data-verdict=\"").Append(E(verdict)).Append("\" data-segment=\"").Append(E(name)).Append("\">");
            if (i % 2 == 0) sb.Append("<rect x=\"0\" y=\"").Append(F(y - rowH / 2.0)).Append("\" width=\"").Append(width).Append("\" height=\"").Append(rowH).Append("\" fill=\"#f7f7f9\"/>");
            sb.Append("<text x=\"").Append(labelW - 10).Append("\" y=\"").Append(F(y + 4)).Append("\" text-anchor=\"end\"").Append(i == 0 ? " font-weight=\"650\"" : "").Append('>')
              .Append(E(Fmt.Cut(name, 38))).Append("</text>");
            if (d?.Lower is { } l && d.Upper is { } u)
                sb.Append("<line x1=\"").Append(F(X(l))).Append("\" x2=\"").Append(F(X(u))).Append("\" y1=\"").Append(F(y)).Append("\" y2=\"").Append(F(y))
                  .Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"2.5\"/>");
            if (d?.Value is { } v && double.IsFinite(v))
                sb.Append("<circle cx=\"").Append(F(X(v))).Append("\" cy=\"").Append(F(y)).Append("\" r=\"5\" fill=\"").Append(color).Append("\"/>");
            var text = d is null ? "n/a" : $"{ComparisonReport.Signed(d.Value)} {ComparisonReport.Interval(d)} · {verdict.Replace('_', ' ')}";
            sb.Append("<text x=\"").Append(labelW + plotW + 10).Append("\" y=\"").Append(F(y + 4)).Append("\" fill=\"").Append(color).Append("\">").Append(E(text)).Append("</text>");
            sb.Append("</g>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
