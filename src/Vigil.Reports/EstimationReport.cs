using System.Text;
using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary><c>vigil estimate</c> on the console and as Markdown; the HTML page is Html/EstimationHtml.cs. The verdict,
/// facts and table rows are shared by all three.</summary>
internal static class EstimationReport
{
    public static string Verdict(EstimationResult r)
    {
        var gap = r.Findings.FirstOrDefault(f => f.Check == "realized_outside_band");
        if (r.Alerts.Count == 0 && gap is not null)
            return $"No estimate left its thresholds, but the realized values did not follow: {gap.Message}";
        if (r.Alerts.Count == 0)
            return $"No alerts: every estimate of {Fmt.Plural(r.Chunks.Count, "chunk", "chunks")} is within the thresholds learned on the reference";
        var chunks = r.Alerts.Select(a => a.Chunk).Distinct().Count();
        var first = r.Alerts[0];
        return $"{Fmt.Plural(r.Alerts.Count, "alert", "alerts")} in {Fmt.Plural(chunks, "chunk", "chunks")}; first: {first.Message}";
    }

    /// <summary>"error" with alerts, "warning" when an assumption visibly fails, else "ok".</summary>
    public static string Level(EstimationResult r) =>
        r.Alerts.Count > 0 ? "error" : r.Findings.Any(f => f.Severity >= Severity.Warning) ? "warning" : "ok";

    public static IEnumerable<(string Key, string Value)> Facts(EstimationResult r)
    {
        yield return ("Analysis set", $"{r.Source.Description} ({Fmt.Count(r.Chunks.Sum(c => c.Rows))} rows, {Fmt.Plural(r.Chunks.Count, "chunk", "chunks")} by {r.Chunking})");
        yield return ("Reference", $"{r.Reference.Description} ({Fmt.Count(r.ReferenceChunks.Sum(c => c.Rows))} rows, {Fmt.Plural(r.ReferenceChunks.Count, "chunk", "chunks")})");
        yield return ("Method", $"{(r.Method == "cbpe" ? "CBPE (NannyML's confidence-based performance estimation)" : "DLE (NannyML's direct loss estimation)")}, {Fmt.Task(r.Task)}" +
                                (r.Threshold is { } t ? $", predicted positive at score ≥ {Fmt.Short(t)} ({r.ThresholdSource})" : "") +
                                (r.Classes is { } cl ? $" ({string.Join(", ", cl)}; macro averages over the classes)" : ""));
        if (r.Calibration is { } cal)
            yield return ("Calibration", cal.Calibrated
                ? $"isotonic: held-out expected calibration error {Fmt.Fixed4(cal.EceBefore)} → {Fmt.Fixed4(cal.EceAfter)} ({cal.Folds} folds)"
                : $"none: isotonic would not lower the held-out expected calibration error ({Fmt.Fixed4(cal.EceBefore)} as is, {Fmt.Fixed4(cal.EceAfter)} calibrated)");
        if (r.ClassCalibration is { Count: > 0 } classes)
            yield return ("Calibration", "per class, one-vs-rest, then renormalised: " + string.Join("; ", classes.Select(k =>
                $"{k.Class} {(k.Calibrated ? "isotonic" : "none")} (ECE {Fmt.Fixed4(k.EceBefore ?? double.NaN)} → {Fmt.Fixed4(k.EceAfter ?? double.NaN)})")));
        yield return ("Thresholds", "mean ± 3σ of each metric's realized value over the reference's chunks (NannyML's)");
    }

    /// <summary>An estimate with "!" when it alerts.</summary>
    public static string Value(EstimatedMetric? m) => m?.Estimated is not { } e ? Fmt.Dash : e.ToString("0.000", Fmt.Inv) + (m.Alert ? "!" : "");

    public static string Plain(double? v) => v is { } x ? x.ToString("0.000", Fmt.Inv) : Fmt.Dash;

    public static string Band(EstimatedMetric m) => m.Lower is { } lo && m.Upper is { } hi ? $"[{Plain(lo)}, {Plain(hi)}]" : Fmt.Dash;

    public static string Bounds(EstimatedMetric m) => m.ThresholdLower is null && m.ThresholdUpper is null ? Fmt.Dash
        : $"{Plain(m.ThresholdLower)} – {Plain(m.ThresholdUpper)}";

    /// <summary>The overview: one row per chunk, each metric's estimate ("!" on an alert).</summary>
    public static string[] OverviewHeaders(EstimationResult r) => ["chunk", "rows", .. r.Metrics];

    public static IEnumerable<string[]> OverviewRows(EstimationResult r) =>
        r.Chunks.Select(c => new[] { c.Key, Fmt.Count(c.Rows) }.Concat(r.Metrics.Select(m => Value(c.Metrics.GetValueOrDefault(m)))).ToArray());

    /// <summary>The detail of one metric: estimate, band, realized, thresholds.</summary>
    public static readonly string[] DetailHeaders = ["chunk", "rows", "estimated", "band (± 3 SE)", "realized", "thresholds", "alert"];

    public static IEnumerable<string[]> DetailRows(EstimationResult r, string metric, IReadOnlyList<EstimatedChunk> chunks) =>
        chunks.Where(c => c.Metrics.ContainsKey(metric)).Select(c =>
        {
            var m = c.Metrics[metric];
            return new[] { c.Key, Fmt.Count(c.Rows), Plain(m.Estimated), Band(m), Plain(m.Realized), Bounds(m), m.Alert ? "alert" : "" };
        });

    public static void Write(EstimationResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil estimate", Facts(r));
        var level = Level(r);
        c.MarkupLine((level == "error" ? "[bold red]" : level == "warning" ? "[bold yellow]" : "[bold green]") + Markup.Escape(Verdict(r)) + "[/]");
        c.WriteLine();
        var t = new ConsoleTable("Estimated performance per chunk (! outside the thresholds)");
        t.Column("chunk", ColumnKind.Key).Column("rows", ColumnKind.Number);
        foreach (var m in r.Metrics) t.Column(m, ColumnKind.Number, optional: m != r.Metrics[0]);
        foreach (var row in OverviewRows(r)) t.Row(row);
        t.Write(c);
        c.WriteLine();
        var primary = r.Metrics[0];
        var d = new ConsoleTable($"{primary}: estimate, band, realized value and thresholds");
        d.Column("chunk", ColumnKind.Key).Column("rows", ColumnKind.Number).Column("estimated", ColumnKind.Number).Column("band (± 3 SE)", ColumnKind.Word)
         .Column("realized", ColumnKind.Number).Column("thresholds", ColumnKind.Word).Column("alert", ColumnKind.Word);
        foreach (var row in DetailRows(r, primary, r.Chunks)) d.Row(row);
        d.Write(c);
        c.WriteLine();
        if (r.Alerts.Count > 0)
        {
            c.MarkupLine("[bold]Alerts[/]");
            foreach (var a in r.Alerts.Take(20))
                foreach (var line in SegmentsReport.Wrap("- " + a.Message, c.Profile.Width, "  ")) c.WriteLine(line);
            if (r.Alerts.Count > 20) c.WriteLine($"  … {Fmt.Count(r.Alerts.Count - 20)} more (see the JSON or HTML report)");
            c.WriteLine();
        }
        if (r.Findings.Count > 0)
        {
            c.MarkupLine("[bold]Findings[/]");
            foreach (var f in Fmt.BySeverity(r.Findings))
                foreach (var line in SegmentsReport.Wrap($"{Fmt.Severity(f.Severity)} · {f.Check}: {f.Message}", c.Profile.Width, "    ")) c.WriteLine(line);
            c.WriteLine();
        }
        c.MarkupLine("[bold]What the estimate assumes[/]");
        foreach (var a in r.Assumptions)
            foreach (var line in SegmentsReport.Wrap("- " + a, c.Profile.Width, "  ")) c.WriteLine(line);
    }

    public static string ToMarkdown(EstimationResult r)
    {
        var sb = new StringBuilder();
        MarkdownReport.Opening(sb, "Vigil estimate", Facts(r), Verdict(r), r.Findings);
        sb.Append("## Estimated performance per chunk\n\n");
        MarkdownReport.Table(sb, OverviewHeaders(r), 1, OverviewRows(r), rightFrom: 1, rightTo: 2 + r.Metrics.Count);
        sb.Append("A value marked ! is outside its thresholds.\n\n");
        foreach (var m in r.Metrics)
        {
            sb.Append("## ").Append(m).Append("\n\n");
            MarkdownReport.Table(sb, DetailHeaders, 1, DetailRows(r, m, r.Chunks), rightFrom: 1, rightTo: 5);
        }
        if (r.Alerts.Count > 0)
        {
            sb.Append("## Alerts\n\n");
            foreach (var a in r.Alerts) sb.Append("- ").Append(MarkdownReport.Cell(a.Message)).Append('\n');
            sb.Append('\n');
        }
        sb.Append("## What the estimate assumes\n\n");
        foreach (var a in r.Assumptions) sb.Append("- ").Append(MarkdownReport.Cell(a)).Append('\n');
        return sb.ToString();
    }
}
