using System.Text;
using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary><c>vigil segments</c> on the console and as Markdown; the HTML page is Html/SegmentsHtml.cs. The verdict,
/// facts, table rows and findings are shared by all three.</summary>
internal static class SegmentsReport
{
    public static string Verdict(SegmentsResult r)
    {
        if (r.Segments.Count == 0)
            return $"No segment differs significantly in {r.Metric} ({Fmt.Count(r.Tested)} of {Fmt.Count(r.Searched)} segments tested)";
        var n = r.Significant;
        var shown = r.Segments.Count < n ? $" ({Fmt.Count(r.Segments.Count)} shown)" : "";
        return $"{Fmt.Plural(n, "segment differs", "segments differ")} significantly in {r.Metric}{shown}; worst: {r.Segments[0].Finding}";
    }

    /// <summary>"warning" when a segment stands out, else "ok".</summary>
    public static string Level(SegmentsResult r) => r.Segments.Count > 0 ? "warning" : "ok";

    public static IEnumerable<(string Key, string Value)> Facts(SegmentsResult r)
    {
        yield return ("Source", r.Source.Description);
        yield return ("Rows", Fmt.Count(r.Rows) + (r.Excluded.Count > 0 ? $" (left out: {Fmt.Excluded(r.Excluded)})" : ""));
        yield return ("Metric", r.Metric + (r.Threshold is { } t ? $" at threshold {Fmt.Short(t)}" : "") + (r.Overall is { } o ? $", overall {Value(r.Metric, o)}" : ""));
        yield return ("Segments by", string.Join(", ", r.By.Select(b => b.Name)) + (r.Depth == 2 ? " (and pairs)" : ""));
        yield return ("Tested", $"{Fmt.Count(r.Tested)} of {Fmt.Count(r.Searched)} segments (at least {Fmt.Count(r.MinRows)} rows each side); {Fmt.Count(r.Significant)} significant at FDR {Fmt.Short(r.Alpha)}");
    }

    public static readonly string[] Headers = ["#", "segment", "rows", "gap", "95% interval", "p adjusted", "value", "rest"];

    /// <summary>A metric value: calibration signed (predicted − observed), others plain, 3 decimals.</summary>
    public static string Value(string metric, double? v) => v is not { } x ? Fmt.Dash
        : metric == "calibration" ? Signed(x) : x.ToString("0.000", Fmt.Inv);

    public static string Signed(double? v) => v is { } x ? x.ToString("+0.000;-0.000;0.000", Fmt.Inv) : Fmt.Dash;

    public static string Interval(SegmentHit h) => h.Lower is { } l && h.Upper is { } u ? $"[{Signed(l)}, {Signed(u)}]" : Fmt.Dash;

    public static string SegmentText(SegmentHit h) => string.Join(" and ", h.Segment.Select(kv => $"{kv.Key} = {kv.Value ?? "(null)"}"));

    public static IEnumerable<string[]> Rows(SegmentsResult r) => r.Segments.Select((h, i) => new[]
    {
        (i + 1).ToString(Fmt.Inv), SegmentText(h), Fmt.Count(h.Rows), Signed(h.Gap), Interval(h), Fmt.PValue(h.PAdjusted),
        Value(r.Metric, h.Value), Value(r.Metric, h.Complement),
    });

    public static string Explain(SegmentsResult r) => r.Metric switch
    {
        "calibration" => "value: mean predicted minus observed rate (positive: the model predicts too many positives); rest: the same over every other row",
        "roc_auc" => "value: roc_auc in the segment; rest: roc_auc over every other row",
        _ => $"value: {r.Metric} in the segment; rest: {r.Metric} over every other row",
    };

    public static void Write(SegmentsResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil segments", Facts(r));
        c.MarkupLine((r.Segments.Count > 0 ? "[bold yellow]" : "[bold green]") + Markup.Escape(Verdict(r)) + "[/]");
        c.WriteLine();
        if (r.Segments.Count > 0)
        {
            var t = new ConsoleTable($"Segments, largest gap first ({r.Metric})");
            // The segment is cut last: the segment's and the rest's values (in the findings below) give way first.
            t.Column("#", ColumnKind.Number).Column("segment", ColumnKind.Key).Column("rows", ColumnKind.Number).Column("gap", ColumnKind.Number)
             .Column("95% interval", ColumnKind.Word).Column("p adjusted", ColumnKind.Number).Column("value", ColumnKind.Number, optional: true)
             .Column("rest", ColumnKind.Number, optional: true)            ;
            foreach (var row in Rows(r)) t.Row(row);
            t.Write(c);
            c.WriteLine(Explain(r));
            c.WriteLine();
            c.MarkupLine("[bold]Findings[/]");
            var i = 0;
            foreach (var h in r.Segments)
                foreach (var line in Wrap($"{++i}. {h.Finding}", c.Profile.Width, "    ")) c.WriteLine(line);
            c.WriteLine();
        }
        foreach (var n in r.Notes)
            foreach (var line in Wrap("Note: " + n, c.Profile.Width, "  ")) c.WriteLine(line);
    }

    /// <summary>Text wrapped at spaces to <paramref name="width"/>, later lines indented.</summary>
    internal static IEnumerable<string> Wrap(string text, int width, string indent)
    {
        var line = new StringBuilder();
        foreach (var word in text.Split(' '))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(indent);
            }
            else if (line.Length > 0 && line.ToString() != indent) line.Append(' ');
            line.Append(word);
        }
        if (line.Length > 0) yield return line.ToString();
    }

    public static string ToMarkdown(SegmentsResult r)
    {
        var sb = new StringBuilder("# Vigil segments\n\n");
        foreach (var (k, v) in Facts(r)) sb.Append("- **").Append(k).Append(":** ").Append(MarkdownReport.Cell(v)).Append('\n');
        sb.Append("\n**Verdict:** ").Append(MarkdownReport.Cell(Verdict(r))).Append("\n\n");
        if (r.Segments.Count > 0)
        {
            sb.Append("## Segments, largest gap first\n\n");
            MarkdownReport.Table(sb, Headers, 2, Rows(r), rightFrom: 2, rightTo: 8);
            sb.Append(MarkdownReport.Cell(Explain(r))).Append("\n\n## Findings\n\n");
            var i = 0;
            foreach (var h in r.Segments) sb.Append(++i).Append(". ").Append(MarkdownReport.Cell(h.Finding)).Append('\n');
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
