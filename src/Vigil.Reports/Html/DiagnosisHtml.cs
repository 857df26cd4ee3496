using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The diagnosis on the shared <see cref="ReportPage"/>: the verdict with its rule, the one chart that shows it
/// (the metric on the reference, expected under the current inputs with its band, and realized on the current data:
/// a realized value inside the band is covariate shift, below it concept drift), then each step's finding and tables.</summary>
internal static class DiagnosisHtml
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(DiagnosisResult r)
    {
        var page = new ReportPage("diagnosis", "Vigil diagnose", "Vigil diagnose — " + r.Current.Description).Facts(DiagnosisReport.Facts(r));
        page.Verdict(DiagnosisReport.Verdict(r), DiagnosisReport.Level(r), ["Rule: " + r.Rule]);
        if (r.Steps.Select(s => s.Evidence.Concept).FirstOrDefault(c => c is not null) is { } concept)
            page.Section("chart", "Expected against realized", sb =>
            {
                sb.Append("<p class=\"note\">").Append(E($"{concept.Metric} on the reference, expected on the current inputs (CBPE fitted on the reference; shaded: its band of ±3 standard errors), and realized on the current data. Realized inside the band: the inputs explain the drop; below it: the relation between inputs and outcome changed.")).Append("</p>");
                sb.Append("<div class=\"charts\">").Append(Chart(concept)).Append("</div>");
            });
        foreach (var step in r.Steps)
        {
            page.Section(step.Step, DiagnosisReport.Titles.GetValueOrDefault(step.Step, step.Step), sb =>
            {
                sb.Append("<p class=\"finding\" data-step=\"").Append(E(step.Step)).Append("\">").Append(E(step.Finding)).Append("</p>");
                foreach (var t in DiagnosisReport.Tables(step))
                {
                    sb.Append("<h3>").Append(E(t.Title)).Append("</h3>");
                    StepTable(sb, step.Step, t);
                }
                var notes = DiagnosisReport.Notes(step).ToList();
                if (notes.Count > 0)
                {
                    sb.Append("<ul class=\"notes\">");
                    foreach (var n in notes) sb.Append("<li>").Append(E(n)).Append("</li>");
                    sb.Append("</ul>");
                }
            });
        }
        return page.Render();
    }

    private static string P(double v) => v.ToString("0.##", Inv);

    /// <summary>A step's table: numbers right-aligned, text left-aligned, column by column.</summary>
    private static void StepTable(StringBuilder sb, string name, DiagnosisReport.StepTable t)
    {
        sb.Append("<table data-table=\"").Append(E(name)).Append("\"><thead><tr>");
        foreach (var (h, _) in t.Columns) sb.Append("<th>").Append(E(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in t.Rows)
        {
            sb.Append("<tr>");
            for (var i = 0; i < t.Columns.Count; i++)
                sb.Append(t.Columns[i].Kind == ColumnKind.Number ? "<td class=\"num\">" : "<td>").Append(E(i < row.Length ? row[i] : "")).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    /// <summary>Three rows on one metric axis: reference, expected (with its band) and realized. Each row carries
    /// data-label and data-value.</summary>
    internal static string Chart(ConceptEvidence c)
    {
        var rows = new (string Label, double? Value, double? Lo, double? Hi, string Colour)[]
        {
            ("reference (realized)", c.Reference, null, null, SvgPlot.Palette[0]),
            ("expected on current inputs", c.Expected, c.Lower, c.Upper, SvgPlot.Palette[2]),
            ("current (realized)", c.Realized, null, null, c.ConceptDrift ? "#c0392b" : SvgPlot.Palette[1]),
        };
        const double width = 1000, labelWidth = 230, right = 40, top = 34, rowHeight = 40, axis = 50;
        var height = top + rowHeight * rows.Length + axis;
        double lo = double.PositiveInfinity, hi = double.NegativeInfinity;
        foreach (var row in rows)
            foreach (var v in new[] { row.Value, row.Lo, row.Hi })
                if (v is { } x && double.IsFinite(x)) { lo = Math.Min(lo, x); hi = Math.Max(hi, x); }
        if (!double.IsFinite(lo)) (lo, hi) = (0, 1);
        var pad = Math.Max((hi - lo) * 0.15, 0.01);
        var (min, max, step) = NiceTicks.Range(lo - pad, hi + pad, 8);
        double x0 = labelWidth, pw = width - labelWidth - right;
        double Sx(double v) => x0 + (v - min) / (max - min) * pw;
        var sb = new StringBuilder();
        sb.Append("<svg class=\"chart\" data-chart=\"expected-vs-realized\" xmlns=\"http://www.w3.org/2000/svg\" width=\"").Append(P(width)).Append("\" height=\"").Append(P(height))
          .Append("\" viewBox=\"0 0 ").Append(P(width)).Append(' ').Append(P(height)).Append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"12\">");
        var title = $"{c.Metric}: reference, expected on the current inputs, realized";
        sb.Append("<title>").Append(E(title)).Append("</title>");
        sb.Append("<text class=\"chart-title\" x=\"").Append(P(width / 2)).Append("\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">").Append(E(title)).Append("</text>");
        var bottom = top + rowHeight * rows.Length;
        foreach (var t in NiceTicks.Ticks(min, max, step))
        {
            var x = Sx(t);
            sb.Append("<line x1=\"").Append(P(x)).Append("\" x2=\"").Append(P(x)).Append("\" y1=\"").Append(P(top)).Append("\" y2=\"").Append(P(bottom)).Append("\" stroke=\"#e5e5e5\"/>");
            var label = t.ToString("0.###", Inv);
            sb.Append("<text class=\"tick x-tick\" data-label=\"").Append(E(label)).Append("\" x=\"").Append(P(x)).Append("\" y=\"").Append(P(bottom + 16))
              .Append("\" text-anchor=\"middle\">").Append(E(label)).Append("</text>");
        }
        sb.Append("<text class=\"axis-label\" x=\"").Append(P(x0 + pw / 2)).Append("\" y=\"").Append(P(bottom + 38)).Append("\" text-anchor=\"middle\">").Append(E(c.Metric)).Append("</text>");
        sb.Append("<text class=\"axis-label\" transform=\"translate(14 ").Append(P(top + rowHeight * rows.Length / 2.0)).Append(") rotate(-90)\" text-anchor=\"middle\">side</text>");
        for (var i = 0; i < rows.Length; i++)
        {
            var (label, value, l, h, colour) = rows[i];
            var mid = top + rowHeight * i + rowHeight / 2;
            sb.Append("<g class=\"row\" data-label=\"").Append(E(label)).Append("\" data-value=\"").Append(E(value?.ToString("R", Inv) ?? "")).Append("\">");
            sb.Append("<text class=\"y-label\" x=\"").Append(P(x0 - 10)).Append("\" y=\"").Append(P(mid + 4)).Append("\" text-anchor=\"end\">").Append(E(label)).Append("</text>");
            if (l is { } a && h is { } b)
            {
                sb.Append("<rect class=\"band\" x=\"").Append(P(Sx(a))).Append("\" y=\"").Append(P(mid - 9)).Append("\" width=\"").Append(P(Math.Max(1, Sx(b) - Sx(a))))
                  .Append("\" height=\"18\" fill=\"").Append(colour).Append("\" fill-opacity=\"0.2\" stroke=\"").Append(colour).Append("\"/>");
            }
            if (value is { } v)
            {
                sb.Append("<circle cx=\"").Append(P(Sx(v))).Append("\" cy=\"").Append(P(mid)).Append("\" r=\"7\" fill=\"").Append(colour).Append("\"/>");
                sb.Append("<text class=\"value\" x=\"").Append(P(Sx(v) + 12)).Append("\" y=\"").Append(P(mid - 10)).Append("\">").Append(E(v.ToString("0.0000", Inv))).Append("</text>");
            }
            sb.Append("</g>");
        }
        sb.Append("</svg>");
        return sb.ToString();
    }
}
