using System.Text;
using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary><c>vigil review</c> on the console and as Markdown (the pass/fail table); the HTML page is
/// Html/ReviewHtml.cs and the model card ModelCard.cs.</summary>
internal static class ReviewReport
{
    public static readonly IReadOnlyList<(string Header, ColumnKind Kind)> Columns =
        [("", ColumnKind.Word), ("requirement", ColumnKind.Key), ("value", ColumnKind.Number), ("limit", ColumnKind.Word), ("evidence", ColumnKind.Wrap)];

    public static string Verdict(ReviewResult r)
    {
        int failed = r.Requirements.Count(q => !q.Passed);
        return failed == 0
            ? $"Passed: all {r.Requirements.Count} requirements of {Path.GetFileName(r.Policy)} hold"
            : $"Failed: {failed} of {r.Requirements.Count} requirements of {Path.GetFileName(r.Policy)} do not hold ({string.Join(", ", r.Requirements.Where(q => !q.Passed).Select(q => q.Name))})";
    }

    public static string Level(ReviewResult r) => r.Passed ? "ok" : "error";

    public static IEnumerable<(string Key, string Value)> Facts(ReviewResult r)
    {
        if (r.Card.Model.TryGetValue("name", out var name))
            yield return ("Model", name + (r.Card.Model.TryGetValue("version", out var v) ? $" {v}" : ""));
        yield return ("Policy", r.Policy);
        yield return ("Data", $"{r.Source.Description} ({Fmt.Count(r.Rows)} labeled rows)");
        yield return ("Threshold", Fmt.Short(r.Threshold));
        if (r.ModelCard is { } card) yield return ("Model card", card);
    }

    public static string Value(RequirementOutcome q) => q.Value is { } v
        ? (q.Kind == "data_quality" || (q.Kind == "drift" && q.Limit.StartsWith("drifted columns", StringComparison.Ordinal)) ? Fmt.Count((long)v) : Fmt.Short(Math.Round(v, 4)))
        : Fmt.Dash;

    public static IEnumerable<string[]> Rows(ReviewResult r) =>
        r.Requirements.Select(q => new[] { q.Passed ? "PASS" : "FAIL", q.Name, Value(q), q.Limit, q.Evidence });

    /// <summary>The per-segment results of each per-segment requirement.</summary>
    public static IEnumerable<(string Title, string[] Headers, IEnumerable<string[]> Rows)> SegmentTables(ReviewResult r) =>
        r.Requirements.Where(q => q.Segments is not null).Select(q => (
            $"{q.Name}: each segment",
            new[] { q.Segments!.FirstOrDefault()?.Column ?? "segment", "rows", "value", "" },
            q.Segments!.Select(s => new[] { s.Segment ?? "null", Fmt.Count(s.Rows), Fmt.Num(s.Value), s.Passed switch { true => "pass", false => "FAIL", null => "not judged (few rows)" } })));

    public static void Write(ReviewResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil review", Facts(r));
        foreach (var line in SegmentsReport.Wrap(Verdict(r), c.Profile.Width, "  "))
            c.MarkupLine($"[bold {(r.Passed ? "green" : "red")}]{Markup.Escape(line)}[/]");
        c.WriteLine();
        var table = new ConsoleTable("Requirements");
        foreach (var (h, k) in Columns) table.Column(h, k);
        foreach (var row in Rows(r)) table.Row(row);
        table.Write(c);
        foreach (var (title, headers, rows) in SegmentTables(r))
        {
            var t = new ConsoleTable(title);
            t.Column(headers[0], ColumnKind.Key).Column("rows", ColumnKind.Number).Column("value", ColumnKind.Number).Column("", ColumnKind.Long);
            foreach (var row in rows) t.Row(row);
            t.Write(c);
        }
        if (r.SectionsToWrite.Count > 0)
            foreach (var line in SegmentsReport.Wrap($"Model card: still to write: {string.Join(", ", r.SectionsToWrite)}.", c.Profile.Width, "  "))
                c.WriteLine(line);
    }

    public static string ToMarkdown(ReviewResult r)
    {
        var sb = new StringBuilder("# Vigil review\n\n");
        foreach (var (k, v) in Facts(r)) sb.Append("- **").Append(k).Append(":** ").Append(MarkdownReport.Cell(v)).Append('\n');
        sb.Append("\n**Verdict:** ").Append(MarkdownReport.Cell(Verdict(r))).Append("\n\n");
        MarkdownReport.Table(sb, ["", "requirement", "value", "limit", "evidence"], 2, Rows(r), 2, 3);
        foreach (var (title, headers, rows) in SegmentTables(r))
        {
            sb.Append("**").Append(MarkdownReport.Cell(title)).Append("**\n\n");
            MarkdownReport.Table(sb, headers, 1, rows, 1, 3);
        }
        return sb.ToString();
    }
}
