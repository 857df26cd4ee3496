using System.Text;
using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary><c>vigil compare</c>'s report on the console and in Markdown, and the rows and verdict the HTML shares.</summary>
internal static class ComparisonReport
{
    public static (string Key, string Value)[] Facts(ComparisonResult r) =>
    [
        ("source", r.Source.Description),
        ("engine", r.Source.Engine),
        ("baseline", r.Baseline),
        ("candidate", r.Candidate),
        ("samples", r.PairedReason),
        ("segments by", r.SegmentBy.Count == 0 ? "(overall only)" : string.Join(", ", r.SegmentBy)),
        ("verdict metric", $"{r.PrimaryMetric}, {r.Correction} correction across segments, {Fmt.Short(r.Confidence * 100)}% intervals"),
        .. r.Threshold is { } t ? new[] { ("threshold", Fmt.Short(t)) } : [],
    ];

    public static string SegmentName(SegmentComparison s) =>
        s.Segment.Count == 0 ? "overall" : string.Join(" and ", s.Segment.Select(kv => $"{kv.Key} = {kv.Value ?? "(null)"}"));

    /// <summary>The one-line verdict: where the candidate is worse or better on the verdict metric, and overall.</summary>
    public static string Verdict(ComparisonResult r)
    {
        var m = r.PrimaryMetric;
        var overall = r.Segments.FirstOrDefault(s => s.Segment.Count == 0);
        var segs = r.Segments.Where(s => s.Segment.Count > 0).ToList();
        string Diff(SegmentComparison s) => s.Difference.TryGetValue(m, out var d) ? $"{Signed(d.Value)} {Interval(d)}" : "n/a";
        var head = overall is null ? "" : overall.Verdict switch
        {
            "worse" => $"{r.Candidate} is worse than {r.Baseline} overall on {m} ({Diff(overall)})",
            "better" => $"{r.Candidate} is better than {r.Baseline} overall on {m} ({Diff(overall)})",
            _ => $"No evidence that {r.Candidate} differs from {r.Baseline} overall on {m} ({Diff(overall)})",
        };
        if (segs.Count == 0) return head + ".";
        var worse = segs.Where(s => s.Verdict == "worse").ToList();
        var better = segs.Where(s => s.Verdict == "better").ToList();
        var parts = new List<string>();
        if (worse.Count > 0) parts.Add($"worse in {Fmt.Plural(worse.Count, "segment", "segments")} of {segs.Count} (first: {SegmentName(worse[0])}, {Diff(worse[0])})");
        if (better.Count > 0) parts.Add($"better in {Fmt.Plural(better.Count, "segment", "segments")} of {segs.Count}");
        if (parts.Count == 0) parts.Add($"no segment of {segs.Count} differs after the {r.Correction} correction");
        return head + "; " + string.Join("; ", parts) + ".";
    }

    /// <summary>The verdict's level: error when the candidate is worse somewhere, ok when better or no evidence.</summary>
    public static string Level(ComparisonResult r) =>
        r.Segments.Any(s => s.Verdict == "worse") ? "error" : r.Findings.Any(f => f.Severity >= Severity.Warning) ? "warning" : "ok";

    public static string Signed(double? v) => v is { } x && double.IsFinite(x) ? (x >= 0 ? "+" : "−") + Math.Abs(x).ToString("0.0000", Fmt.Inv) : Fmt.Dash;

    public static string Interval(MetricDifference d) =>
        d.Lower is { } l && d.Upper is { } u ? $"[{Signed(l)}, {Signed(u)}]" : "[n/a]";

    public static readonly string[] SegmentHeaders = ["segment", "verdict", "rows (base)", "rows (cand)", "base", "cand", "diff", "95% interval", "p (adj.)", "score drift"];

    public static IEnumerable<string[]> SegmentRows(ComparisonResult r) => r.Segments.Select(s =>
    {
        var d = s.Difference.GetValueOrDefault(r.PrimaryMetric);
        return new[]
        {
            SegmentName(s), s.Verdict.Replace('_', ' '), Fmt.Count(s.Baseline.Rows), Fmt.Count(s.Candidate.Rows),
            Fmt.Num(Fmt.MetricOf(s.Baseline.Metrics, r.PrimaryMetric)), Fmt.Num(Fmt.MetricOf(s.Candidate.Metrics, r.PrimaryMetric)),
            Signed(d?.Value), d is null ? Fmt.Dash : Interval(d), Fmt.PValue(d?.PAdjusted),
            s.ScoreDrift is { } sd ? (sd.Method == "ks" ? $"ks p {Fmt.PValue(sd.KsPValue)}" : $"wasserstein {Fmt.Num(sd.WassersteinNormed)}") + (sd.Drifted ? " (drift)" : "") : Fmt.Dash,
        };
    });

    public static readonly string[] MetricHeaders = ["metric", "baseline", "candidate", "diff", "95% interval", "p", "test"];

    public static IEnumerable<string[]> MetricRows(SegmentComparison s) => s.Difference.Select(kv => new[]
    {
        kv.Key + (kv.Value.HigherIsBetter ? " ↑" : " ↓"), Fmt.Num(Fmt.MetricOf(s.Baseline.Metrics, kv.Key)), Fmt.Num(Fmt.MetricOf(s.Candidate.Metrics, kv.Key)),
        Signed(kv.Value.Value), Interval(kv.Value), Fmt.PValue(kv.Value.PValue), ShortTest(kv.Value.Test),
    });

    /// <summary>A test's name for a table cell ("DeLong", "Newcombe + McNemar", "bootstrap", ...); the full
    /// description (replicates, seed, grouping) is in the JSON's <c>test</c> and under the table.</summary>
    public static string ShortTest(string test)
    {
        var paired = test.Contains("paired", StringComparison.OrdinalIgnoreCase) && !test.Contains("unpaired", StringComparison.OrdinalIgnoreCase);
        var name = test switch
        {
            _ when test.StartsWith("DeLong", StringComparison.Ordinal) => "DeLong",
            _ when test.StartsWith("Newcombe", StringComparison.Ordinal) => test.Contains("McNemar", StringComparison.Ordinal) ? "Newcombe + McNemar" : "Newcombe",
            _ when test.StartsWith("Welch", StringComparison.Ordinal) => "Welch",
            _ when test.Contains("mean difference", StringComparison.Ordinal) => "mean difference",
            _ when test.Contains("bootstrap", StringComparison.Ordinal) => "bootstrap",
            _ => test,
        };
        return paired && !name.Contains("McNemar", StringComparison.Ordinal) && name != "mean difference" ? "paired " + name : name;
    }

    /// <summary>The full descriptions of the tests a segment used, one per distinct test (for under a table).</summary>
    public static IEnumerable<string> TestNotes(SegmentComparison s) =>
        s.Difference.Values.Select(d => d.Test).Distinct(StringComparer.Ordinal).Select(t => $"{ShortTest(t)}: {t}");

    public static string FeatureNote(ComparisonResult r) =>
        r.Surrogate is { } s ? $"Surrogate fidelity R²: baseline {Fmt.Num(s.BaselineR2)}, candidate {Fmt.Num(s.CandidateR2)}" + (s.LowFidelity ? " (below 0.8: read the impacts with care)" : "") : "";

    public static readonly string[] FeatureHeaders = ["feature", "impact (cand)", "rank", "impact (base)", "rank (base)", "change"];

    public static IEnumerable<string[]> FeatureRows(ComparisonResult r) => (r.FeatureImpact ?? []).Select(f => new[]
    {
        f.Feature, Fmt.Num(f.Impact), f.Rank.ToString(Fmt.Inv), Fmt.Num(f.BaselineImpact), f.BaselineRank.ToString(Fmt.Inv), Signed(f.Change),
    });

    public static void Write(ComparisonResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil comparison", Facts(r));
        var color = Level(r) switch { "error" => "bold red", "warning" => "bold yellow", _ => "bold green" };
        c.MarkupLine($"[{color}]{Markup.Escape(Verdict(r))}[/]");
        c.WriteLine();
        var t = new ConsoleTable($"{r.PrimaryMetric} by segment: worse first, then better, then no evidence");
        ColumnKind[] kinds = [ColumnKind.Key, ColumnKind.Word, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Long];
        for (var i = 0; i < SegmentHeaders.Length; i++) t.Column(SegmentHeaders[i], kinds[i], optional: i is 2 or 3 or 9);
        foreach (var row in SegmentRows(r)) t.Row(row);
        t.Write(c);
        if (r.Segments.FirstOrDefault(s => s.Segment.Count == 0) is { } overall)
        {
            var mt = new ConsoleTable("Every metric, overall (↑ higher is better, ↓ lower is better)");
            ColumnKind[] mk = [ColumnKind.Key, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Long];
            for (var i = 0; i < MetricHeaders.Length; i++) mt.Column(MetricHeaders[i], mk[i], optional: i == 6);
            foreach (var row in MetricRows(overall)) mt.Row(row);
            mt.Write(c);
        }
        if (r.FeatureImpact is { Count: > 0 })
        {
            var ft = new ConsoleTable("Features behind the scores (surrogate mean |SHAP|), most changed first");
            ColumnKind[] fk = [ColumnKind.Key, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number];
            for (var i = 0; i < FeatureHeaders.Length; i++) ft.Column(FeatureHeaders[i], fk[i]);
            foreach (var row in FeatureRows(r)) ft.Row(row);
            ft.Write(c);
            c.WriteLine(FeatureNote(r));
        }
        foreach (var f in Fmt.BySeverity(r.Findings)) c.WriteLine($"{Fmt.Severity(f.Severity)} · {f.Check}: {f.Message}");
        c.WriteLine("Per-segment detail of every metric: --format json, html or markdown.");
    }

    public static string Markdown(ComparisonResult r)
    {
        var sb = new StringBuilder();
        MarkdownReport.Opening(sb, "Vigil comparison", Facts(r), Verdict(r), r.Findings);
        sb.Append("## ").Append(r.PrimaryMetric).Append(" by segment\n\n");
        MarkdownReport.Table(sb, SegmentHeaders, 2, SegmentRows(r), rightTo: SegmentHeaders.Length - 2);
        foreach (var s in r.Segments)
        {
            sb.Append("## ").Append(MarkdownReport.Cell(SegmentName(s))).Append(" — ").Append(s.Verdict.Replace('_', ' ')).Append("\n\n");
            sb.Append("Rows: baseline ").Append(Fmt.Count(s.Baseline.Rows)).Append(" (").Append(Fmt.Percent(s.Baseline.Share)).Append(" of its traffic), candidate ")
              .Append(Fmt.Count(s.Candidate.Rows)).Append(" (").Append(Fmt.Percent(s.Candidate.Share)).Append(").\n\n");
            MarkdownReport.Table(sb, MetricHeaders, 1, MetricRows(s), rightTo: MetricHeaders.Length - 2);
        }
        if (r.Segments.FirstOrDefault() is { } first)
            sb.Append("Tests: ").Append(MarkdownReport.Cell(string.Join("; ", TestNotes(first)))).Append(".\n\n");
        if (r.FeatureImpact is { Count: > 0 })
        {
            sb.Append("## Features behind the scores\n\n").Append(MarkdownReport.Cell(FeatureNote(r))).Append("\n\n");
            MarkdownReport.Table(sb, FeatureHeaders, 1, FeatureRows(r));
        }
        sb.Append(MarkdownReport.ChartsNote).Append('\n');
        return sb.ToString();
    }
}
