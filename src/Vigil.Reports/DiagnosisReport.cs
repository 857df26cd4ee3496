using System.Text;
using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary><c>vigil diagnose</c> on the console and as Markdown; the HTML page is Html/DiagnosisHtml.cs. The verdict,
/// facts and each step's tables are shared by all three.</summary>
internal static class DiagnosisReport
{
    /// <summary>One table of a step: its title, columns (with how each behaves on a narrow console) and rows.</summary>
    internal sealed record StepTable(string Title, IReadOnlyList<(string Header, ColumnKind Kind)> Columns, IReadOnlyList<string[]> Rows)
    {
        public IReadOnlyList<string> Headers => Columns.Select(c => c.Header).ToList();
    }

    public static readonly IReadOnlyDictionary<string, string> Titles = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["metric"] = "1. Is the drop real?",
        ["quality"] = "2. Is the pipeline broken?",
        ["covariate_shift"] = "3. Which inputs moved? (drift × importance)",
        ["concept_drift"] = "4. Data drift or concept drift? (expected vs realized)",
        ["segments"] = "5. Where is the drop?",
        ["recommendation"] = "6. What to do",
    };

    public static string Verdict(DiagnosisResult r) => $"{Label(r.Verdict)}: {r.Recommendation}";

    public static string Label(string verdict) => verdict switch
    {
        "no_drop" => "No real drop",
        "data_quality" => "Data quality",
        "covariate_shift" => "Covariate shift",
        "concept_drift" => "Concept drift",
        _ => "Mixed causes",
    };

    /// <summary>"error" for a broken pipeline, "warning" for a drop the model's users feel, "ok" otherwise.</summary>
    public static string Level(DiagnosisResult r) => r.Verdict switch
    {
        "data_quality" => "error",
        "concept_drift" or "mixed" => "warning",
        "covariate_shift" => "info",
        _ => "ok",
    };

    public static IEnumerable<(string Key, string Value)> Facts(DiagnosisResult r)
    {
        var m = r.Steps.Select(s => s.Evidence.Metric).FirstOrDefault(e => e is not null);
        yield return ("Reference", r.Reference.Description + (m is null ? "" : $" ({Fmt.Count(m.ReferenceRows)} labeled rows)"));
        yield return ("Current", r.Current.Description + (m is null ? "" : $" ({Fmt.Count(m.CurrentRows)} labeled rows)"));
        yield return ("Metric", r.Metric + (m is not null && Fmt.IsThresholded(r.Metric) ? $" at threshold {Fmt.Short(m.Threshold)}" : ""));
    }

    private static string N(double? v) => v is { } x ? x.ToString("0.0000", Fmt.Inv) : Fmt.Dash;
    private static string S(double? v) => v is { } x ? x.ToString("+0.0000;-0.0000;0.0000", Fmt.Inv) : Fmt.Dash;
    private static string Pc(double? v) => v is { } x ? x.ToString("0.0%", Fmt.Inv) : Fmt.Dash;

    /// <summary>The tables behind a step's finding.</summary>
    public static IEnumerable<StepTable> Tables(DiagnosisStep step)
    {
        var e = step.Evidence;
        if (e.Metric is { } m)
        {
            yield return new StepTable($"{m.Metric}, reference vs current", [("side", ColumnKind.Key), ("rows", ColumnKind.Number), ("positives", ColumnKind.Number), ("left out", ColumnKind.Long), (m.Metric, ColumnKind.Number)],
            [
                ["reference", Fmt.Count(m.ReferenceRows), Fmt.Count(m.ReferencePositives), m.ReferenceExcluded.Count > 0 ? Fmt.Excluded(m.ReferenceExcluded) : "none", N(m.Reference)],
                ["current", Fmt.Count(m.CurrentRows), Fmt.Count(m.CurrentPositives), m.CurrentExcluded.Count > 0 ? Fmt.Excluded(m.CurrentExcluded) : "none", N(m.Current)],
                ["difference", "", "", m.Test, $"{S(m.Difference)} [{S(m.Lower)}, {S(m.Upper)}] p {Fmt.PValue(m.PValue)}"],
            ]);
        }
        if (e.Quality is { } q && q.Issues.Count > 0)
            yield return new StepTable("Pipeline findings, current against reference", [("severity", ColumnKind.Word), ("check", ColumnKind.Key), ("column", ColumnKind.Key), ("rows", ColumnKind.Number), ("finding", ColumnKind.Wrap)],
                [.. q.Issues.Select(i => new[] { Fmt.Severity(i.Severity), i.Check, i.Column ?? "", Fmt.Count(i.Rows), i.Message })]);
        if (e.Shift is { } s && s.Ranked.Count > 0)
        {
            var rows = s.Ranked.Take(10).Select(f => new[]
            {
                f.Rank.ToString(Fmt.Inv), f.Feature, f.Method, N(f.Drift), f.Drifted ? "yes" : "no", Pc(f.ImportanceShare), N(f.Score),
            }).ToList();
            foreach (var (name, d) in new[] { ("(score)", s.Prediction), ("(label)", s.Target) })
                if (d is not null) rows.Add(["", $"{name} {d.Name}", d.Method, N(d.Result?.Statistic), d.Drifted ? "yes" : "no", "", ""]);
            yield return new StepTable("Features by drift × importance", [("#", ColumnKind.Number), ("feature", ColumnKind.Key), ("method", ColumnKind.Word), ("drift", ColumnKind.Number),
                ("drifted", ColumnKind.Word), ("importance", ColumnKind.Number), ("score", ColumnKind.Number)], rows);
        }
        if (e.Concept is { } c)
        {
            yield return new StepTable($"{c.Metric}: what the inputs predict and what happened", [("", ColumnKind.Key), (c.Metric, ColumnKind.Number), ("note", ColumnKind.Wrap)],
            [
                ["reference (realized)", N(c.Reference), ""],
                ["expected on current inputs", N(c.Expected), $"band (±3 SE) {N(c.Lower)}–{N(c.Upper)}; drop explained by the inputs {S(c.ExplainedDrop)}"],
                ["current (realized)", N(c.Realized), $"drop the inputs do not explain {S(c.UnexplainedDrop)}"],
            ]);
            if (c.Features.Count > 0)
                yield return new StepTable("Outcome rate the scores do not explain, by feature", [("feature", ColumnKind.Key), ("mean change", ColumnKind.Number), ("max |z|", ColumnKind.Number), ("largest bin change", ColumnKind.Long)],
                    [.. c.Features.Select(f => new[]
                    {
                        f.Feature, N(f.Change), f.MaxZ.ToString("0.0", Fmt.Inv),
                        f.Bins.Where(b => b.Change is not null).OrderByDescending(b => Math.Abs(b.Change!.Value)).FirstOrDefault() is { } b
                            ? $"{b.Bin}: observed − expected {S(b.ReferenceObserved - b.ReferenceExpected)} then, {S(b.CurrentObserved - b.CurrentExpected)} now" : "",
                    })]);
        }
        if (e.Segments is { } g && g.Segments.Count > 0)
            yield return new StepTable($"Current segments, largest gap first ({g.Metric})", [("segment", ColumnKind.Key), ("rows", ColumnKind.Number), ("value", ColumnKind.Number), ("rest", ColumnKind.Number), ("p adjusted", ColumnKind.Number)],
                [.. g.Segments.Select(h => new[] { SegmentsReport.SegmentText(h), Fmt.Count(h.Rows), SegmentsReport.Value(g.Metric, h.Value), SegmentsReport.Value(g.Metric, h.Complement), Fmt.PValue(h.PAdjusted) })]);
        if (e.Decision is { } d2)
            yield return new StepTable("The rule's conditions", [("condition", ColumnKind.Key), ("held", ColumnKind.Word), ("numbers", ColumnKind.Wrap)],
                [.. d2.Conditions.Select(x => new[] { x.Name, x.Held ? "yes" : "no", x.Detail })]);
    }

    /// <summary>A step's notes (what could not be checked).</summary>
    public static IEnumerable<string> Notes(DiagnosisStep step)
    {
        if (step.Evidence.Quality?.Note is { } q) yield return q;
        if (step.Evidence.Segments is { Segments.Count: > 0, Note: { } s }) yield return s;
        if (step.Evidence.Concept is { } c) yield return $"Expected performance: {c.Method}.";
        if (step.Evidence.Shift is { SurrogateR2: { } r2 } && r2 < 0.8) yield return $"The importance comes from a rough surrogate (held-out R² {r2.ToString("0.00", Fmt.Inv)}).";
    }

    public static void Write(DiagnosisResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil diagnose", Facts(r));
        var colour = Level(r) switch { "error" => "red", "warning" => "yellow", "info" => "blue", _ => "green" };
        foreach (var line in SegmentsReport.Wrap(Verdict(r), c.Profile.Width, "  "))
            c.MarkupLine($"[bold {colour}]{Markup.Escape(line)}[/]");
        foreach (var line in SegmentsReport.Wrap("Rule: " + r.Rule, c.Profile.Width, "  ")) c.WriteLine(line);
        c.WriteLine();
        foreach (var step in r.Steps)
        {
            c.MarkupLine($"[bold]{Markup.Escape(Titles.GetValueOrDefault(step.Step, step.Step))}[/]");
            foreach (var line in SegmentsReport.Wrap(step.Finding, c.Profile.Width, "  ")) c.WriteLine(line);
            foreach (var t in Tables(step))
            {
                var table = new ConsoleTable(t.Title);
                foreach (var (h, k) in t.Columns) table.Column(h, k);
                foreach (var row in t.Rows) table.Row(row);
                table.Write(c);
            }
            foreach (var n in Notes(step))
                foreach (var line in SegmentsReport.Wrap("Note: " + n, c.Profile.Width, "  ")) c.WriteLine(line);
            c.WriteLine();
        }
    }

    public static string ToMarkdown(DiagnosisResult r)
    {
        var sb = new StringBuilder("# Vigil diagnose\n\n");
        foreach (var (k, v) in Facts(r)) sb.Append("- **").Append(k).Append(":** ").Append(MarkdownReport.Cell(v)).Append('\n');
        sb.Append("\n**Verdict:** ").Append(MarkdownReport.Cell(Verdict(r))).Append("\n\n");
        sb.Append("**Rule:** ").Append(MarkdownReport.Cell(r.Rule)).Append("\n\n");
        foreach (var step in r.Steps)
        {
            sb.Append("## ").Append(MarkdownReport.Cell(Titles.GetValueOrDefault(step.Step, step.Step))).Append("\n\n");
            sb.Append(MarkdownReport.Cell(step.Finding)).Append("\n\n");
            foreach (var t in Tables(step))
            {
                sb.Append("**").Append(MarkdownReport.Cell(t.Title)).Append("**\n\n");
                MarkdownReport.Table(sb, t.Headers, 1, t.Rows);
            }
            foreach (var n in Notes(step)) sb.Append("- ").Append(MarkdownReport.Cell(n)).Append('\n');
            sb.Append('\n');
        }
        return sb.ToString();
    }
}
