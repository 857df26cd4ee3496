using System.Text;
using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary><c>vigil explain</c>'s report on the console and in Markdown, and the rows and verdict the HTML shares.</summary>
internal static class ExplanationReport
{
    /// <summary>Top features named per segment.</summary>
    public const int SegmentTop = 3;

    public static string TargetText(ExplanationSurrogate s) =>
        s.Target == "logit" ? $"log-odds of {s.TargetColumn}" : s.TargetColumn;

    public static string Units(ExplanationSurrogate s) => s.Target == "logit" ? "log-odds" : $"units of {s.TargetColumn}";

    public static (string Key, string Value)[] Facts(ExplanationResult r) =>
    [
        ("source", r.Source.Description),
        ("engine", r.Source.Engine),
        .. r.Comparison is { } c ? new[] { ("compared", $"{c.By}: {c.Candidate} (candidate) against {c.Baseline} (baseline)") } : [],
        ("target", TargetText(r.Surrogate)),
        ("surrogate", Surrogate(r.Surrogate)),
        ("segments by", r.SegmentBy.Count == 0 ? "(overall only)" : string.Join(", ", r.SegmentBy)),
    ];

    public static string Surrogate(ExplanationSurrogate s) =>
        $"{s.Trees} trees, {Fmt.Count(s.Leaves)} leaves; fidelity R² {Fmt.Num(s.R2)} on held-out rows; fitted on {Fmt.Count(s.SampleRows)} of {Fmt.Count(s.EligibleRows)} rows; SHAP on {Fmt.Count(s.ShapRows)}";

    /// <summary>The one-line verdict: the top features, or with two sides the feature that moved most; the fidelity.</summary>
    public static string Verdict(ExplanationResult r)
    {
        var top = r.Features.Take(3).ToList();
        var u = Units(r.Surrogate);
        var fidelity = r.Surrogate.LowFidelity
            ? $"low fidelity (R² {Fmt.Num(r.Surrogate.R2)}): the surrogate is a rough sketch of the model, read with care"
            : $"surrogate fidelity R² {Fmt.Num(r.Surrogate.R2)}";
        if (r.Comparison is { } c)
        {
            var m = c.Changes.FirstOrDefault();
            var baseTop = c.Changes.Where(x => x.BaselineRank == 1).Select(x => x.Feature).FirstOrDefault() ?? "n/a";
            var moved = m is null ? "no feature moved"
                : $"{m.Feature}'s impact moved most ({Signed(m.Change)} {u}: {Fmt.Num(m.BaselineImpact)} → {Fmt.Num(m.Impact)}, rank {m.BaselineRank} → {m.Rank})";
            var lowBase = c.BaselineSurrogate.LowFidelity ? $"; the baseline's surrogate has low fidelity (R² {Fmt.Num(c.BaselineSurrogate.R2)})" : "";
            return $"From {c.Baseline} to {c.Candidate}, {moved}; top feature {(top.Count > 0 ? top[0].Feature : "n/a")} (was {baseTop}); {fidelity}{lowBase}.";
        }
        if (top.Count == 0) return "No features explained.";
        var rest = top.Count > 1 ? ", then " + string.Join(" and ", top.Skip(1).Select(f => f.Feature)) : "";
        return $"{top[0].Feature} drives the scores most (mean |SHAP| {Fmt.Num(top[0].MeanAbsShap)} {u}){rest}; {fidelity}.";
    }

    /// <summary>ok, or warning when the surrogate's fidelity is low.</summary>
    public static string Level(ExplanationResult r) =>
        r.Surrogate.LowFidelity || r.Comparison?.BaselineSurrogate.LowFidelity == true || r.Findings.Any(f => f.Severity >= Severity.Warning) ? "warning" : "ok";

    public static string Signed(double v) => ComparisonReport.Signed(v);

    public static readonly string[] FeatureHeaders = ["rank", "feature", "type", "mean |SHAP|", "share", "mutual info", "spearman"];

    public static IEnumerable<string[]> FeatureRows(ExplanationResult r)
    {
        var total = r.Features.Sum(f => f.MeanAbsShap);
        return r.Features.Select(f => new[]
        {
            f.Rank.ToString(Fmt.Inv), f.Feature, f.Type, Fmt.Num(f.MeanAbsShap), total > 0 ? Fmt.Percent(f.MeanAbsShap / total) : Fmt.Dash,
            Fmt.Num(f.MutualInformation), Fmt.Num(f.Spearman),
        });
    }

    public static string SegmentName(SegmentExplanation s) =>
        s.Segment.Count == 0 ? "overall" : string.Join(" and ", s.Segment.Select(kv => $"{kv.Key} = {kv.Value ?? "(null)"}"));

    public static readonly string[] SegmentHeaders = ["segment", "rows", "shap rows", "top features (mean |SHAP|)"];

    public static IEnumerable<string[]> SegmentRows(ExplanationResult r) => r.Segments.Select(s => new[]
    {
        SegmentName(s), Fmt.Count(s.Rows), Fmt.Count(s.ShapRows),
        string.Join(", ", s.Features.Take(SegmentTop).Select(f => $"{f.Feature} {Fmt.Num(f.MeanAbsShap)}")),
    });

    public static readonly string[] ChangeHeaders = ["feature", "impact (cand)", "rank", "impact (base)", "rank (base)", "change"];

    public static IEnumerable<string[]> ChangeRows(ExplanationComparison c) => c.Changes.Select(f => new[]
    {
        f.Feature, Fmt.Num(f.Impact), f.Rank.ToString(Fmt.Inv), Fmt.Num(f.BaselineImpact), f.BaselineRank.ToString(Fmt.Inv), Signed(f.Change),
    });

    public static string ComparisonNote(ExplanationComparison c, ExplanationSurrogate cand) =>
        $"A surrogate per side. {c.Candidate}: {Surrogate(cand)}. {c.Baseline}: {Surrogate(c.BaselineSurrogate)}.";

    public static string Excluded(ExplanationResult r) =>
        string.Join("; ", r.Excluded.Select(e => $"{e.Column}: {e.Reason}"));

    public static void Write(ExplanationResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil explanation", Facts(r));
        var color = Level(r) == "warning" ? "bold yellow" : "bold green";
        c.MarkupLine($"[{color}]{Markup.Escape(Verdict(r))}[/]");
        c.WriteLine();
        var t = new ConsoleTable($"Features by impact on the scores (mean |SHAP|, {Units(r.Surrogate)}){(r.Comparison is { } cc ? $", {cc.Candidate}" : "")}");
        ColumnKind[] kinds = [ColumnKind.Number, ColumnKind.Key, ColumnKind.Word, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number];
        for (var i = 0; i < FeatureHeaders.Length; i++) t.Column(FeatureHeaders[i], kinds[i], optional: i is 2 or 4);
        foreach (var row in FeatureRows(r)) t.Row(row);
        t.Write(c);
        if (r.Comparison is { } cmp)
        {
            var ct = new ConsoleTable($"What moved: impact {cmp.Candidate} against {cmp.Baseline}, largest change first");
            ColumnKind[] ck = [ColumnKind.Key, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number];
            for (var i = 0; i < ChangeHeaders.Length; i++) ct.Column(ChangeHeaders[i], ck[i]);
            foreach (var row in ChangeRows(cmp)) ct.Row(row);
            ct.Write(c);
        }
        if (r.Segments.Count > 0)
        {
            var st = new ConsoleTable($"Top features per segment (the same surrogate's SHAP values, grouped)");
            ColumnKind[] sk = [ColumnKind.Key, ColumnKind.Number, ColumnKind.Number, ColumnKind.Long];
            for (var i = 0; i < SegmentHeaders.Length; i++) st.Column(SegmentHeaders[i], sk[i], optional: i == 2);
            foreach (var row in SegmentRows(r)) st.Row(row);
            st.Write(c);
        }
        if (r.Excluded.Count > 0) c.WriteLine("Not explained: " + Excluded(r));
        foreach (var f in Fmt.BySeverity(r.Findings)) c.WriteLine($"{Fmt.Severity(f.Severity)} · {f.Check}: {f.Message}");
        c.WriteLine("The summary plot (each row's SHAP value, coloured by the feature's value): --format html.");
    }

    public static string Markdown(ExplanationResult r)
    {
        var sb = new StringBuilder();
        MarkdownReport.Opening(sb, "Vigil explanation", Facts(r), Verdict(r), r.Findings);
        sb.Append("## Features by impact (mean |SHAP|, ").Append(MarkdownReport.Cell(Units(r.Surrogate))).Append(")\n\n");
        MarkdownReport.Table(sb, FeatureHeaders, 3, FeatureRows(r), rightFrom: 3);
        if (r.Comparison is { } c)
        {
            sb.Append("## What moved: ").Append(MarkdownReport.Cell(c.Candidate)).Append(" against ").Append(MarkdownReport.Cell(c.Baseline)).Append("\n\n")
              .Append(MarkdownReport.Cell(ComparisonNote(c, r.Surrogate))).Append("\n\n");
            MarkdownReport.Table(sb, ChangeHeaders, 1, ChangeRows(c));
        }
        if (r.Segments.Count > 0)
        {
            sb.Append("## Top features per segment\n\n");
            MarkdownReport.Table(sb, SegmentHeaders, 1, SegmentRows(r), rightFrom: 1, rightTo: 3);
        }
        if (r.Excluded.Count > 0) sb.Append("**Not explained:** ").Append(MarkdownReport.Cell(Excluded(r))).Append("\n\n");
        sb.Append(MarkdownReport.ChartsNote).Append('\n');
        return sb.ToString();
    }
}
