using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The segments report on the shared <see cref="ReportPage"/>: the verdict (the worst segment's finding),
/// the findings in plain language, a chart of each shown segment's gap with its 95% interval, the table, and how the
/// columns were cut.</summary>
internal static class SegmentsHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(SegmentsResult r)
    {
        var page = new ReportPage("segments", "Vigil segments", "Vigil segments — " + r.Source.Description).Facts(SegmentsReport.Facts(r));
        var points = r.Segments.Skip(1).Take(3).Select(h => h.Finding).ToList();
        page.Verdict(SegmentsReport.Verdict(r), SegmentsReport.Level(r), points);
        if (r.Segments.Count > 0)
        {
            page.Section("findings", "Findings", sb =>
            {
                sb.Append("<ol class=\"findings\" data-list=\"findings\">");
                foreach (var h in r.Segments) sb.Append("<li>").Append(E(h.Finding)).Append("</li>");
                sb.Append("</ol>");
            });
            page.Section("gaps", "Gap against the rest", sb =>
            {
                sb.Append("<p class=\"note\">").Append(E(SegmentsReport.Explain(r))).Append(". Bars: the gap (segment minus rest); whiskers: its 95% interval.</p>");
                sb.Append("<div class=\"charts\">").Append(Chart(r)).Append("</div>");
            });
            page.Section("segments", "Segments, largest gap first", sb =>
                Table(sb, "segments", SegmentsReport.Headers, 2, SegmentsReport.Rows(r).Select(row => (IReadOnlyList<string>)row)));
        }
        page.Section("method", "How segments were made and tested", sb =>
        {
            Table(sb, "columns", ["column", "cut", "values"], 3, r.By.Select(b => (IReadOnlyList<string>)[
                b.Name, b.Cut,
                b.Cut == "quantiles" ? string.Join(", ", b.Values)
                    : b.OtherValues > 0 ? $"{b.Values.Count} most frequent, then (other) for {Fmt.Count(b.OtherValues)} more" : "every value",
            ]));
            sb.Append("<ul class=\"notes\">");
            foreach (var n in r.Notes) sb.Append("<li>").Append(E(n)).Append("</li>");
            sb.Append("</ul>");
        });
        return page.Render();
    }

    private static string P(double v) => v.ToString("0.##", Inv);

    /// <summary>Horizontal bars of the gap, one row per shown segment (best-ranked on top), with interval whiskers,
    /// a zero line and a labelled x axis. Each row carries data-label and data-gap.</summary>
    internal static string Chart(SegmentsResult r)
    {
        var hits = r.Segments;
        const double width = 1100, labelWidth = 440, right = 24, top = 34, rowHeight = 24, axis = 46;
        var height = top + rowHeight * hits.Count + axis;
        double lo = 0, hi = 0;
        foreach (var h in hits)
        {
            foreach (var v in new[] { h.Gap, h.Lower, h.Upper })
                if (v is { } x && double.IsFinite(x)) { lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
        }
        var (min, max, step) = NiceTicks.Range(lo, hi, 7);
        double x0 = labelWidth, pw = width - labelWidth - right;
        double Sx(double v) => x0 + (v - min) / (max - min) * pw;
        var sb = new StringBuilder();
        sb.Append("<svg class=\"chart\" data-chart=\"segment-gaps\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(P(width)).Append("\" height=\"").Append(P(height))
          .Append("\" viewBox=\"0 0 ").Append(P(width)).Append(' ').Append(P(height)).Append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">");
        sb.Append("<title>").Append(E($"Gap in {r.Metric}, segment minus rest, with 95% intervals")).Append("</title>");
        sb.Append("<text class=\"chart-title\" x=\"").Append(P(width / 2)).Append("\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
          .Append(E($"Gap in {r.Metric} (segment − rest), 95% interval")).Append("</text>");
        var bottom = top + rowHeight * hits.Count;
        foreach (var t in NiceTicks.Ticks(min, max, step))
        {
            var x = Sx(t);
            sb.Append("<line x1=\"").Append(P(x)).Append("\" x2=\"").Append(P(x)).Append("\" y1=\"").Append(P(top)).Append("\" y2=\"").Append(P(bottom))
              .Append("\" stroke=\"").Append(Math.Abs(t) < step * 1e-9 ? "#333" : "#e5e5e5").Append("\"/>");
            var label = SegmentsReport.Signed(t);
            sb.Append("<text class=\"tick x-tick\" data-label=\"").Append(E(label)).Append("\" x=\"").Append(P(x)).Append("\" y=\"").Append(P(bottom + 16))
              .Append("\" text-anchor=\"middle\">").Append(E(label)).Append("</text>");
        }
        sb.Append("<text class=\"axis-label\" x=\"").Append(P(x0 + pw / 2)).Append("\" y=\"").Append(P(bottom + 36)).Append("\" text-anchor=\"middle\">")
          .Append(E($"gap in {r.Metric}: segment minus rest")).Append("</text>");
        sb.Append("<text class=\"axis-label\" transform=\"translate(14 ").Append(P(top + rowHeight * hits.Count / 2.0)).Append(") rotate(-90)\" text-anchor=\"middle\">")
          .Append("segment, best-ranked on top").Append("</text>");
        for (var i = 0; i < hits.Count; i++)
        {
            var h = hits[i];
            var y = top + rowHeight * i;
            var mid = y + rowHeight / 2;
            var name = SegmentsReport.SegmentText(h);
            var shown = name.Length > 58 ? name[..57] + "…" : name;
            var color = (h.Gap ?? 0) >= 0 ? SvgPlot.Palette[1] : SvgPlot.Palette[0];
            sb.Append("<g class=\"segment\" data-label=\"").Append(E(name)).Append("\" data-gap=\"").Append(E(h.Gap?.ToString("R", Inv) ?? "")).Append("\">");
            sb.Append("<title>").Append(E(h.Finding)).Append("</title>");
            sb.Append("<text class=\"y-label\" x=\"").Append(P(x0 - 8)).Append("\" y=\"").Append(P(mid + 4)).Append("\" text-anchor=\"end\">")
              .Append(E($"{i + 1}. {shown}")).Append("</text>");
            if (h.Gap is { } g)
            {
                double a = Sx(Math.Min(0, g)), b = Sx(Math.Max(0, g));
                sb.Append("<rect x=\"").Append(P(a)).Append("\" y=\"").Append(P(y + 5)).Append("\" width=\"").Append(P(Math.Max(1, b - a))).Append("\" height=\"").Append(P(rowHeight - 10))
                  .Append("\" fill=\"").Append(color).Append("\" fill-opacity=\"0.75\"/>");
            }
            if (h.Lower is { } l && h.Upper is { } u)
            {
                double a = Sx(l), b = Sx(u);
                sb.Append("<g class=\"whisker\" stroke=\"#222\" stroke-width=\"1.4\"><line x1=\"").Append(P(a)).Append("\" x2=\"").Append(P(b)).Append("\" y1=\"").Append(P(mid)).Append("\" y2=\"").Append(P(mid)).Append("\"/>")
                  .Append("<line x1=\"").Append(P(a)).Append("\" x2=\"").Append(P(a)).Append("\" y1=\"").Append(P(mid - 5)).Append("\" y2=\"").Append(P(mid + 5)).Append("\"/>")
                  .Append("<line x1=\"").Append(P(b)).Append("\" x2=\"").Append(P(b)).Append("\" y1=\"").Append(P(mid - 5)).Append("\" y2=\"").Append(P(mid + 5)).Append("\"/></g>");
            }
            sb.Append("</g>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
