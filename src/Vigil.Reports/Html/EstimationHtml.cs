using System.Text;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using static Vigil.Reports.Html.ReportPage;

namespace Vigil.Reports.Html;

/// <summary>The estimation report on the shared <see cref="ReportPage"/>: the verdict (alerts), one chart per metric
/// (the reference's chunks, then the analysis set's: the estimate with its ± 3 SE band, the realized value where labels
/// exist, the thresholds, alerts in red), the tables, the assumptions and where they visibly fail.</summary>
internal static class EstimationHtml
{
    public static string Render(EstimationResult r)
    {
        var page = new ReportPage("estimation", "Vigil estimate", "Vigil estimate — " + r.Source.Description).Facts(EstimationReport.Facts(r));
        page.Verdict(EstimationReport.Verdict(r), EstimationReport.Level(r), r.Alerts.Skip(1).Take(3).Select(a => a.Message));
        page.Section("charts", "Estimated against realized, per chunk", sb =>
        {
            sb.Append("<p class=\"note\">Left of the dashed line: the reference's chunks (where the thresholds are learned); right: the analysis set. ")
              .Append("Line: the estimate; shaded: its band (± 3 standard errors); dots: the realized value where labels exist; red dashes: the thresholds; red points: alerts.</p>");
            sb.Append("<div class=\"charts\">");
            foreach (var m in r.Metrics) sb.Append(Chart(r, m));
            sb.Append("</div>");
        });
        page.Section("chunks", "Estimated performance per chunk", sb =>
        {
            Table(sb, "chunks", EstimationReport.OverviewHeaders(r), 1, EstimationReport.OverviewRows(r).Select(row => (IReadOnlyList<string>)row));
            sb.Append("<p class=\"note\">A value marked ! is outside its thresholds.</p>");
        });
        page.Section("detail", $"{r.Metrics[0]} in detail", sb =>
            Table(sb, "detail", EstimationReport.DetailHeaders, 1, EstimationReport.DetailRows(r, r.Metrics[0], [.. r.ReferenceChunks, .. r.Chunks]).Select(row => (IReadOnlyList<string>)row)));
        if (r.Findings.Count > 0) page.Section("findings", "Findings", sb => Findings(sb, r.Findings, null));
        page.Section("assumptions", "What the estimate assumes", sb =>
        {
            sb.Append("<ul class=\"notes\">");
            foreach (var a in r.Assumptions) sb.Append("<li>").Append(E(a)).Append("</li>");
            sb.Append("</ul>");
        });
        return page.Render();
    }

    /// <summary>One metric over the reference's chunks then the analysis set's.</summary>
    internal static string Chart(EstimationResult r, string metric)
    {
        var chunks = r.ReferenceChunks.Concat(r.Chunks).ToList();
        var nref = r.ReferenceChunks.Count;
        EstimatedMetric? M(int i) => chunks[i].Metrics.GetValueOrDefault(metric);
        var est = Enumerable.Range(0, chunks.Count).Select(i => new Point(i, M(i)?.Estimated ?? double.NaN)).ToList();
        var real = Enumerable.Range(0, chunks.Count).Where(i => M(i)?.Realized is not null).Select(i => new Point(i, M(i)!.Realized!.Value)).ToList();
        var band = Enumerable.Range(0, chunks.Count).Select(i => ((double)i, M(i)?.Lower ?? double.NaN, M(i)?.Upper ?? double.NaN)).ToList();
        var first = chunks.Select((c, i) => M(i)).FirstOrDefault(m => m?.ThresholdLower is not null || m?.ThresholdUpper is not null);
        int step = Math.Max(1, (int)Math.Ceiling(chunks.Count / 16.0));
        var plot = new SvgPlot("estimate", $"{metric}: estimated and realized")
        {
            Width = 540, Height = 280, XLabel = $"chunk ({r.Chunking})", YLabel = metric,
            XMin = -0.5, XMax = chunks.Count - 0.5,
            XTicks = [.. chunks.Select((c, i) => (c, i)).Where(x => x.i % step == 0).Select(x => new Tick(x.i, x.c.Key))],
            Data = [new("metric", metric), new("alerts", r.Alerts.Count(a => a.Metric == metric).ToString(Fmt.Inv))],
        };
        plot.Area("band (± 3 SE)", band);
        if (first?.ThresholdLower is { } lo) plot.HLine(lo, $"lower threshold {Fmt.Num(lo)}");
        if (first?.ThresholdUpper is { } hi) plot.HLine(hi, $"upper threshold {Fmt.Num(hi)}");
        if (nref > 0 && r.Chunks.Count > 0) plot.Mark(new Marker(nref - 0.5, "analysis set starts", "boundary", "analysis"));
        plot.Line("estimated", est, dots: true, tip: p => $"{chunks[(int)p.X].Key}: estimated {Fmt.Num(p.Y)}");
        if (real.Count > 0) plot.Line("realized", real, dots: true, tip: p => $"{chunks[(int)p.X].Key}: realized {Fmt.Num(p.Y)}");
        plot.Alerts("alert", [.. est.Where((p, i) => i >= nref && M(i)?.Alert == true)], p => $"{chunks[(int)p.X].Key}: estimate outside the thresholds");
        return plot.Render();
    }
}
