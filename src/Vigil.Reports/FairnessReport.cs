using System.Text;
using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;

namespace Vigil.Reports;

/// <summary><c>vigil fairness</c> on the console and as Markdown; the HTML page is Html/FairnessHtml.cs. Verdict, facts
/// and table rows are shared by all three.</summary>
internal static class FairnessReport
{
    /// <summary>The metrics whose disparities decide the verdict: selection rate, TPR, FPR (Aequitas' names).</summary>
    public static readonly string[] Headline = ["pprev", "tpr", "fpr"];

    public static string Band(FairnessResult r) => $"{r.Tau.ToString("0.00", Fmt.Inv)}–{(1 / r.Tau).ToString("0.00", Fmt.Inv)}";

    public static string Label(string aequitas) => aequitas switch
    {
        "pprev" => "selection rate",
        "tpr" => "TPR",
        "fpr" => "FPR",
        "fnr" => "FNR",
        "ppr" => "share of positives",
        _ => aequitas,
    };

    /// <summary>Attributes with a headline disparity outside the band in a group of at least the minimum size, with
    /// those metrics.</summary>
    public static List<(string Attribute, List<string> Metrics)> Unfair(FairnessResult r)
    {
        var small = r.Groups.Where(g => g.BelowMinimumSize).Select(g => (g.Attribute, g.Value)).ToHashSet();
        return [.. r.Sensitive.Concat(r.Groups.Select(g => g.Attribute)).Distinct()
            .Select(a => (a, Headline.Where(m => r.Disparities.Any(d => d.Attribute == a && d.Metric == m && d.Fair == false && !small.Contains((d.Attribute, d.Value))))
                .Select(Label).ToList()))
            .Where(x => x.Item2.Count > 0)];
    }

    public static string Verdict(FairnessResult r)
    {
        var unfair = Unfair(r);
        var attrs = r.Groups.Select(g => g.Attribute).Distinct().ToList();
        if (unfair.Count == 0)
            return $"Within the {Band(r)} band on selection rate, TPR and FPR for {string.Join(", ", attrs)} at threshold {Fmt.Short(r.Threshold)}";
        return $"Outside the {Band(r)} band at threshold {Fmt.Short(r.Threshold)}: " +
               string.Join("; ", unfair.Select(u => $"{u.Attribute} ({string.Join(", ", u.Metrics)})"));
    }

    public static string Level(FairnessResult r) => Unfair(r).Count > 0 ? "warning" : "ok";

    public static IEnumerable<(string Key, string Value)> Facts(FairnessResult r)
    {
        yield return ("Source", r.Source.Description);
        yield return ("Rows", Fmt.Count(r.Rows) + (r.Excluded.Count > 0 ? $" (left out: {Fmt.Excluded(r.Excluded)})" : ""));
        yield return ("Threshold", $"{Fmt.Short(r.Threshold)} ({(r.ThresholdSource == "default" ? "default; set --threshold" : r.ThresholdSource)})");
        yield return ("Sensitive", string.Join(", ", r.Sensitive) + (r.Groups.Any(g => g.Attribute.Contains('&')) ? " and their intersection" : ""));
        yield return ("Reference", string.Join(", ", r.ReferenceGroup.Select(kv => $"{kv.Key} = {kv.Value}")));
        yield return ("Band", $"{Band(r)} (tau {Fmt.Short(r.Tau)}); summaries {r.Method}");
    }

    public static string M(IReadOnlyList<MetricValue> metrics, string name) =>
        metrics.FirstOrDefault(m => m.Name == name)?.Value is { } v && double.IsFinite(v) ? v.ToString("0.000", Fmt.Inv) : Fmt.Dash;

    public static readonly string[] GroupHeaders = ["group", "rows", "positives", "selection", "TPR", "FPR", "FNR", "precision", "accuracy", "AUC"];

    public static IEnumerable<string[]> GroupRows(FairnessResult r, string attribute) =>
        r.Groups.Where(g => g.Attribute == attribute).Append(r.Overall with { Value = "(all rows)" }).Select(g => new[]
        {
            g.Value + (g.BelowMinimumSize ? " (small)" : ""), Fmt.Count(g.Size), Fmt.Count(g.Positives),
            M(g.Metrics, "selection_rate"), M(g.Metrics, "tpr"), M(g.Metrics, "fpr"), M(g.Metrics, "fnr"), M(g.Metrics, "precision"),
            M(g.Metrics, "accuracy"), M(g.Metrics, "roc_auc"),
        });

    public static readonly string[] SummaryHeaders = ["attribute", "DP diff", "DP ratio", "EOdds diff", "EOdds ratio", "EOpp diff", "EOpp ratio"];

    private static string N2(double? v) => v is { } x ? x.ToString("0.00", Fmt.Inv) : Fmt.Dash;

    private static string N3(double? v) => v is { } x ? x.ToString("0.000", Fmt.Inv) : Fmt.Dash;

    public static IEnumerable<string[]> SummaryRows(FairnessResult r) => r.Summary.Select(s => new[]
    {
        s.Attribute, N3(s.DemographicParityDifference), N3(s.DemographicParityRatio), N3(s.EqualizedOddsDifference), N3(s.EqualizedOddsRatio),
        N3(s.EqualOpportunityDifference), N3(s.EqualOpportunityRatio),
    });

    public static readonly string[] DisparityMetrics = ["pprev", "tpr", "fpr", "fnr", "precision", "accuracy", "ppr"];

    public static string[] DisparityHeaders(FairnessResult r, string attribute) =>
        ["group (against " + r.ReferenceGroup.GetValueOrDefault(attribute, "?") + ")", .. DisparityMetrics.Select(Label)];

    /// <summary>Each group's disparities; a value outside the band is marked with '!'.</summary>
    public static IEnumerable<string[]> DisparityRows(FairnessResult r, string attribute) =>
        r.Disparities.Where(d => d.Attribute == attribute).GroupBy(d => d.Value).Select(g => new[] { g.Key }
            .Concat(DisparityMetrics.Select(m => g.FirstOrDefault(d => d.Metric == m) is { Disparity: { } v } d
                ? v.ToString("0.00", Fmt.Inv) + (d.Fair == false ? " !" : "") : Fmt.Dash)).ToArray());

    public static readonly string[] ProxyHeaders = ["attribute", "encoded?", "strongest alone (AUC, MI)", "all features AUC"];

    public static IEnumerable<string[]> ProxyRows(FairnessResult r) => r.Proxies.Select(p => new[]
    {
        p.Attribute, p.Features.Count == 0 ? Fmt.Dash : p.Encoded ? "yes" : "no",
        string.Join("; ", p.Features.Take(3).Select(f => $"{f.Feature} {N2(f.Auc)} (MI {f.MutualInformation.ToString("0.00", Fmt.Inv)})")),
        N3(p.AllFeaturesAuc),
    });

    public static readonly string[] MitigationHeaders = ["group", "threshold", "rows", "selection", "TPR", "FPR", "accuracy"];

    private static string Arrow(double? a, double? b) => $"{N3(a)} → {N3(b)}";

    public static string Rule(MitigatedGroupRule g)
    {
        string T(double? t) => t is { } v ? v.ToString("0.####", Fmt.Inv) : "none";
        var s = g.UpperThreshold == g.LowerThreshold || g.ProbabilityLower == 0
            ? $"≥ {T(g.UpperThreshold)}"
            : $"≥ {T(g.UpperThreshold)}, {(g.ProbabilityLower * 100).ToString("0.#", Fmt.Inv)}% of [{T(g.LowerThreshold)}, {T(g.UpperThreshold)})";
        if (g.RandomFraction > 0) s += $"; {(g.RandomFraction * 100).ToString("0.#", Fmt.Inv)}% at random ({(g.RandomPositiveRate * 100).ToString("0.#", Fmt.Inv)}% positive)";
        return s;
    }

    public static IEnumerable<string[]> MitigationRows(FairnessMitigation m) => m.Groups.Select(g => new[]
    {
        g.Value, Rule(g), Fmt.Count(g.Size), Arrow(g.SelectionRateBefore, g.SelectionRateAfter), Arrow(g.TprBefore, g.TprAfter),
        Arrow(g.FprBefore, g.FprAfter), Arrow(g.AccuracyBefore, g.AccuracyAfter),
    });

    public static string MitigationTitle(FairnessMitigation m) =>
        $"Group thresholds for {m.Constraint.Replace('_', ' ')} on {m.Attribute} ({(m.Objective == "accuracy" ? "maximising accuracy" : $"minimising cost, FP {Fmt.Short(m.CostFp ?? 1)}, FN {Fmt.Short(m.CostFn ?? 1)}")})";

    public static IEnumerable<string> Attributes(FairnessResult r) => r.Groups.Select(g => g.Attribute).Distinct();

    public static void Write(FairnessResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil fairness", Facts(r));
        foreach (var line in SegmentsReport.Wrap(Verdict(r), c.Profile.Width, "  "))
            c.MarkupLine((Level(r) == "ok" ? "[bold green]" : "[bold yellow]") + Markup.Escape(line) + "[/]");
        c.WriteLine();
        c.MarkupLine("[bold]Findings[/]");
        var i = 0;
        foreach (var f in r.Findings)
            foreach (var line in SegmentsReport.Wrap($"{++i}. {f}", c.Profile.Width, "   ")) c.WriteLine(line);
        c.WriteLine();
        foreach (var a in Attributes(r))
        {
            var t = new ConsoleTable($"{a}: metrics at threshold {Fmt.Short(r.Threshold)}");
            t.Column("group", ColumnKind.Key).Column("rows", ColumnKind.Number).Column("positives", ColumnKind.Number, optional: true);
            foreach (var h in GroupHeaders.Skip(3)) t.Column(h, ColumnKind.Number, optional: h is "FNR" or "precision");
            foreach (var row in GroupRows(r, a)) t.Row(row);
            t.Write(c);
            var d = new ConsoleTable($"{a}: disparity against {r.ReferenceGroup.GetValueOrDefault(a, "?")} (! outside {Band(r)})");
            d.Column("group", ColumnKind.Key);
            foreach (var h in DisparityMetrics) d.Column(Label(h), ColumnKind.Number, optional: h is "ppr" or "precision" or "accuracy");
            foreach (var row in DisparityRows(r, a)) d.Row(row);
            d.Write(c);
            c.WriteLine();
        }
        var s = new ConsoleTable($"Fairlearn summaries ({r.Method})");
        s.Column("attribute", ColumnKind.Key);
        foreach (var h in SummaryHeaders.Skip(1)) s.Column(h, ColumnKind.Number);
        foreach (var row in SummaryRows(r)) s.Row(row);
        s.Write(c);
        c.WriteLine("DP: demographic parity (selection rate); EOdds: equalized odds (TPR and FPR, worst); EOpp: equal opportunity (TPR)");
        c.WriteLine();
        if (r.Proxies.Count > 0)
        {
            var p = new ConsoleTable("Proxies: do the other features predict the attribute?");
            p.Column("attribute", ColumnKind.Key).Column("encoded?", ColumnKind.Word).Column("strongest alone (AUC, MI)", ColumnKind.Long).Column("all features AUC", ColumnKind.Number);
            foreach (var row in ProxyRows(r)) p.Row(row);
            p.Write(c);
            c.WriteLine();
        }
        if (r.Mitigation is { } m)
        {
            var t = new ConsoleTable(MitigationTitle(m));
            t.Column("group", ColumnKind.Key).Column("threshold", ColumnKind.Wrap).Column("rows", ColumnKind.Number, optional: true);
            foreach (var h in MitigationHeaders.Skip(3)) t.Column(h, ColumnKind.Number, optional: h == "accuracy");
            foreach (var row in MitigationRows(m)) t.Row(row);
            t.Write(c);
            c.WriteLine();
        }
        foreach (var n in r.Notes)
            foreach (var line in SegmentsReport.Wrap("Note: " + n, c.Profile.Width, "  ")) c.WriteLine(line);
    }

    public static string ToMarkdown(FairnessResult r)
    {
        var sb = new StringBuilder("# Vigil fairness\n\n");
        foreach (var (k, v) in Facts(r)) sb.Append("- **").Append(k).Append(":** ").Append(MarkdownReport.Cell(v)).Append('\n');
        sb.Append("\n**Verdict:** ").Append(MarkdownReport.Cell(Verdict(r))).Append("\n\n## Findings\n\n");
        var i = 0;
        foreach (var f in r.Findings) sb.Append(++i).Append(". ").Append(MarkdownReport.Cell(f)).Append('\n');
        sb.Append('\n');
        foreach (var a in Attributes(r))
        {
            sb.Append("## ").Append(MarkdownReport.Cell(a)).Append("\n\n");
            MarkdownReport.Table(sb, GroupHeaders, 1, GroupRows(r, a));
            sb.Append('\n');
            MarkdownReport.Table(sb, DisparityHeaders(r, a), 1, DisparityRows(r, a));
            sb.Append($"\nDisparity = group / reference; `!` marks a value outside {Band(r)}.\n\n");
        }
        sb.Append($"## Fairlearn summaries ({r.Method})\n\n");
        MarkdownReport.Table(sb, SummaryHeaders, 1, SummaryRows(r));
        sb.Append('\n');
        if (r.Proxies.Count > 0)
        {
            sb.Append("## Proxies\n\n");
            MarkdownReport.Table(sb, ProxyHeaders, 3, ProxyRows(r));
            sb.Append('\n');
        }
        if (r.Mitigation is { } m)
        {
            sb.Append("## ").Append(MarkdownReport.Cell(MitigationTitle(m))).Append("\n\n");
            MarkdownReport.Table(sb, MitigationHeaders, 2, MitigationRows(m), rightFrom: 2, rightTo: 3);
            sb.Append('\n');
        }
        if (r.Notes.Count > 0)
        {
            sb.Append("## Notes\n\n");
            foreach (var n in r.Notes) sb.Append("- ").Append(MarkdownReport.Cell(n)).Append('\n');
        }
        return sb.ToString();
    }
}
