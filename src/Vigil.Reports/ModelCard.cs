using System.Text;
using Vigil.Analysis.Results;
using Vigil.Analysis.Review;
using Vigil.Reports.Html;

namespace Vigil.Reports;

/// <summary>The model card of a review (Mitchell et al. 2019, "Model Cards for Model Reporting"), in Markdown and as
/// HTML: each section filled from the policy's <c>model:</c> metadata and the analyses; a section a person must still
/// write says so visibly and is listed at the top.</summary>
internal static class ModelCard
{
    /// <summary>One section: its paragraphs (text) and tables; <see cref="ToWrite"/> when its text is the placeholder.</summary>
    internal sealed record Part(string Id, string Title, IReadOnlyList<string> Text, IReadOnlyList<(string Title, string[] Headers, IReadOnlyList<string[]> Rows)> Tables, bool ToWrite);

    private static string? M(ReviewResult r, string key) => r.Card.Model.GetValueOrDefault(key);

    public static string Title(ReviewResult r) =>
        "Model card: " + (M(r, "name") ?? "unnamed model") + (M(r, "version") is { } v ? $" {v}" : "");

    public static IReadOnlyList<Part> Parts(ReviewResult r)
    {
        var parts = new List<Part>();
        foreach (var (id, title, key) in ReviewAnalysis.Sections)
        {
            var text = new List<string>();
            var tables = new List<(string, string[], IReadOnlyList<string[]>)>();
            bool toWrite = r.SectionsToWrite.Contains(title);
            void Owner(string k, string? label = null)
            {
                if (M(r, k) is { } v) text.Add(label is null ? v : $"{label}: {v}");
            }
            switch (id)
            {
                case "model-details":
                    var facts = new List<string[]>();
                    foreach (var (k, label) in new[] { ("name", "Name"), ("version", "Version"), ("owner", "Owner") })
                        if (M(r, k) is { } v) facts.Add([label, v]);
                    facts.Add(["Type", $"binary classifier: a row is positive when its score ≥ {Fmt.Short(r.Threshold)}"]);
                    if (r.Approval is { } a) facts.Add(["Reviewed", $"{a.Time:yyyy-MM-dd HH:mm} UTC by {a.User} (Vigil {a.VigilVersion})"]);
                    facts.Add(["Review", Verdict(r)]);
                    tables.Add(("", ["", ""], facts));
                    Owner("description");
                    break;
                case "intended-use":
                    Owner("intended_use");
                    Owner("out_of_scope", "Out of scope");
                    break;
                case "factors":
                    Owner("factors");
                    if (r.Card.SegmentColumns.Count > 0)
                        text.Add($"Evaluated per segment of: {string.Join(", ", r.Card.SegmentColumns)} (see Quantitative analyses).");
                    if (r.Card.FairnessGroups.Count > 0)
                        text.Add($"Audited for fairness across: {string.Join(", ", r.Card.FairnessGroups.Select(g => g.Attribute).Distinct())} (groups and their intersections in Quantitative analyses).");
                    break;
                case "metrics":
                    var required = r.Requirements.Select(q => $"{q.Name} ({q.Limit})");
                    text.Add($"The policy {Path.GetFileName(r.Policy)} requires: {string.Join("; ", required)}.");
                    text.Add($"Rates (precision, recall, f1, accuracy, specificity) count a row as positive when its score ≥ {Fmt.Short(r.Threshold)}; " +
                             "ece is the expected calibration error; definitions are scikit-learn's (docs/metrics.md).");
                    break;
                case "evaluation-data":
                    Owner("evaluation_data");
                    text.Add($"{r.Source.Description}: {Fmt.Count(r.Rows)} labeled rows.");
                    break;
                case "training-data":
                    Owner("training_data");
                    foreach (var f in r.Card.References)
                        text.Add($"Drift reference {f.Description}: {Fmt.Count(f.Rows)} rows; {f.DriftedColumns} of {f.Columns} columns drifted between it and the evaluation data.");
                    break;
                case "quantitative-analyses":
                    tables.Add(("Overall metrics", ["metric", "value"], [.. r.Card.Metrics.Select(m => new[] { m.Name, Fmt.Num(m.Value) })]));
                    tables.Add(("Requirements", ["", "requirement", "value", "limit", "evidence"], [.. ReviewReport.Rows(r)]));
                    foreach (var (t, h, rows) in ReviewReport.SegmentTables(r)) tables.Add((t, h, [.. rows]));
                    foreach (var attribute in r.Card.FairnessGroups.Select(g => g.Attribute).Distinct())
                        tables.Add(($"Fairness: {attribute} at score ≥ {Fmt.Short(r.Threshold)}{(attribute.Contains('&', StringComparison.Ordinal) ? " (intersection)" : "")}",
                            ["group", "rows", "selection rate", "TPR", "FPR"],
                            [.. r.Card.FairnessGroups.Where(g => g.Attribute == attribute).Select(g => new[]
                                { g.Value + (g.Small ? " (small)" : ""), Fmt.Count(g.Size), Fmt.Num(g.SelectionRate), Fmt.Num(g.Tpr), Fmt.Num(g.Fpr) })]));
                    break;
                case "ethical-considerations":
                    Owner("ethical_considerations");
                    break;
                default:
                    Owner("caveats");
                    var failed = r.Requirements.Where(q => !q.Passed).ToList();
                    if (failed.Count > 0) text.Add($"Failed requirements to resolve before deployment: {string.Join("; ", failed.Select(q => $"{q.Name}: {q.Evidence}"))}.");
                    break;
            }
            parts.Add(new Part(id, title, text, tables, toWrite));
        }
        return parts;
    }

    private static string Verdict(ReviewResult r) => r.Passed ? "passed every requirement" : $"failed {r.Requirements.Count(q => !q.Passed)} of {r.Requirements.Count} requirements";

    public static string ToMarkdown(ReviewResult r)
    {
        var sb = new StringBuilder("# ").Append(MarkdownReport.Cell(Title(r))).Append("\n\n");
        if (r.SectionsToWrite.Count > 0)
            sb.Append("> **Still to write:** ").Append(string.Join(", ", r.SectionsToWrite)).Append(". Each is marked *").Append(ReviewAnalysis.ToWrite).Append("*\n\n");
        foreach (var p in Parts(r))
        {
            sb.Append("## ").Append(p.Title).Append("\n\n");
            if (p.ToWrite) sb.Append("**⚠ ").Append(ReviewAnalysis.ToWrite).Append("**\n\n");
            foreach (var t in p.Text) sb.Append(MarkdownReport.Cell(t)).Append("\n\n");
            foreach (var (title, headers, rows) in p.Tables)
            {
                if (title.Length > 0) sb.Append("**").Append(MarkdownReport.Cell(title)).Append("**\n\n");
                if (headers.All(h => h.Length == 0))
                {
                    foreach (var row in rows) sb.Append("- **").Append(MarkdownReport.Cell(row[0])).Append(":** ").Append(MarkdownReport.Cell(row[1])).Append('\n');
                    sb.Append('\n');
                    continue;
                }
                int value = Array.IndexOf(headers, "value"), first = Array.IndexOf(headers, "rows") is var i and >= 0 ? i : value;
                MarkdownReport.Table(sb, headers, headers.Length, rows, first, value + 1);
            }
        }
        sb.Append("---\nGenerated by `vigil review` from ").Append(MarkdownReport.Cell(r.Policy)).Append(".\n");
        return sb.ToString();
    }

    public static string ToHtml(ReviewResult r)
    {
        var page = new ReportPage("model-card", Title(r), Title(r)).Facts(ReviewReport.Facts(r).Where(f => f.Key != "Model card"));
        page.Verdict(r.SectionsToWrite.Count == 0 ? $"Complete; the model {Verdict(r)}." : $"Still to write: {string.Join(", ", r.SectionsToWrite)}.",
            r.SectionsToWrite.Count == 0 ? (r.Passed ? "ok" : "error") : "warning",
            [$"Review: the model {Verdict(r)} of {Path.GetFileName(r.Policy)}."]);
        foreach (var p in Parts(r))
            page.Section(p.Id, p.Title, sb =>
            {
                if (p.ToWrite) sb.Append("<p class=\"to-write\" data-to-write=\"true\"><span class=\"badge sev-warning\">To write</span> ").Append(ReportPage.E(ReviewAnalysis.ToWrite)).Append("</p>");
                foreach (var t in p.Text) sb.Append("<p>").Append(ReportPage.E(t)).Append("</p>");
                foreach (var (title, headers, rows) in p.Tables)
                {
                    if (title.Length > 0) sb.Append("<h3>").Append(ReportPage.E(title)).Append("</h3>");
                    if (headers.All(h => h.Length == 0)) Facts(sb, rows);
                    else ReviewHtml.Requirements(sb, p.Id, headers, rows);
                }
            });
        return page.Render();
    }

    private static void Facts(StringBuilder sb, IReadOnlyList<string[]> rows)
    {
        sb.Append("<dl class=\"facts\">");
        foreach (var row in rows) sb.Append("<dt>").Append(ReportPage.E(row[0])).Append("</dt><dd>").Append(ReportPage.E(row[1])).Append("</dd>");
        sb.Append("</dl>");
    }
}
