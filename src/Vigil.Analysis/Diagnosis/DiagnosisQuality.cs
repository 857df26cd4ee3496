using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Analysis.Summary;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Diagnosis;

/// <summary>Step 2, the pipeline: the current data against the reference. Schema changes, values outside the reference's
/// range and categories it never saw are checked here (they need both sides); nulls, constant columns, types and
/// scores are <c>vigil summary</c>'s checks, run on both sides, and a finding counts when the current data has it and
/// the reference does not.</summary>
internal static class DiagnosisQuality
{
    /// <summary>Share of current rows outside the reference's range (or in unseen categories) from which a column is an
    /// error: a unit or encoding change, not a shift. Above <see cref="WarnShare"/> it is a warning.</summary>
    public const double ErrorShare = 0.25;
    public const double WarnShare = 0.01;

    /// <summary>Summary's checks that say the pipeline broke when the current data has them and the reference does not.</summary>
    private static readonly HashSet<string> PipelineChecks = new(StringComparer.Ordinal)
    {
        "null_values", "constant_column", "schema", "null_score", "score_out_of_range", "non_numeric_score", "invalid_label", "unparseable_timestamp",
    };

    /// <summary>Categorical columns with more distinct reference values than this are not checked for unseen categories.</summary>
    private const int MaxCategories = 1000;

    public static QualityEvidence Run(DiagnosisSide reference, DiagnosisSide current, DiagnoseOptions options, long refRows, long curRows)
    {
        var issues = new List<QualityIssue>();
        issues.AddRange(Schema(reference, current));
        issues.AddRange(Ranges(reference, current));
        var (summaryIssues, note) = SummaryFindings(reference, current, options);
        issues.AddRange(summaryIssues);
        var ordered = issues.OrderBy(i => i.Severity switch { Severity.Error => 0, Severity.Warning => 1, _ => 2 }).ToList();
        return new QualityEvidence(ordered.Count(i => i.Severity == Severity.Error), ordered.Count(i => i.Severity == Severity.Warning), refRows, curRows, ordered)
        {
            Note = note,
        };
    }

    /// <summary>Columns missing from the current data, added to it, or whose type changed between numbers and text.</summary>
    private static IEnumerable<QualityIssue> Schema(DiagnosisSide reference, DiagnosisSide current)
    {
        var cur = current.Source.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var refNames = reference.Source.Columns.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var features = reference.Cols.Features.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var r in reference.Source.Columns)
        {
            if (!cur.TryGetValue(r.Name, out var c))
            {
                var feature = features.Contains(r.Name);
                yield return new QualityIssue("schema_missing_column", feature ? Severity.Error : Severity.Warning, NoRows,
                    $"'{r.Name}' is in the reference but missing from the current data{(feature ? ": a model input is no longer logged" : "")}", [], r.Name);
                continue;
            }
            if (Numeric(r.Kind) != Numeric(c.Kind) || (r.Kind == ColumnKind.Timestamp) != (c.Kind == ColumnKind.Timestamp))
                yield return new QualityIssue("schema_type_changed", Severity.Error, NoRows,
                    $"'{r.Name}' was {r.SqlType} in the reference and is {c.SqlType} now", [], r.Name);
        }
        foreach (var c in current.Source.Columns)
            if (!refNames.Contains(c.Name))
                yield return new QualityIssue("schema_added_column", Severity.Info, NoRows, $"'{c.Name}' is new: the reference has no such column", [], c.Name);
    }

    /// <summary>Schema findings concern a column, not rows.</summary>
    private const long NoRows = 0;

    private static bool Numeric(ColumnKind k) => k is ColumnKind.Double or ColumnKind.Int64;

    /// <summary>Numerical features: current rows outside the reference's [min, max]; text features: current rows whose value
    /// the reference never had. One aggregate pass over each side.</summary>
    private static IEnumerable<QualityIssue> Ranges(DiagnosisSide reference, DiagnosisSide current)
    {
        var cur = current.Source.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var pairs = reference.Cols.Features
            .Where(f => cur.TryGetValue(f.Name, out var c) && Numeric(f.Kind) == Numeric(c.Kind) && f.Kind is ColumnKind.Double or ColumnKind.Int64 or ColumnKind.String)
            .Select(f => (Ref: f, Cur: cur[f.Name])).ToList();
        if (pairs.Count == 0) yield break;
        var (rx, cx) = (reference.X, current.X);
        var numeric = pairs.Where(p => Numeric(p.Ref.Kind)).ToList();
        var text = pairs.Where(p => !Numeric(p.Ref.Kind)).ToList();
        var checks = new List<(string Column, string Kind, string Predicate, string What)>();
        if (numeric.Count > 0)
        {
            var aggs = numeric.SelectMany((p, i) => new[] { $"min({rx.Number(p.Ref, "--features")}) AS lo{i}_", $"max({rx.Number(p.Ref, "--features")}) AS hi{i}_" });
            var t = reference.Source.Engine.Query($"SELECT {string.Join(", ", aggs)} FROM {reference.Source.Relation}");
            for (var i = 0; i < numeric.Count; i++)
            {
                if (t.IsNull(2 * i, 0)) continue;
                double lo = t.GetDouble(2 * i, 0), hi = t.GetDouble(2 * i + 1, 0);
                var v = cx.Number(numeric[i].Cur, "--features");
                checks.Add((numeric[i].Ref.Name, "out_of_range", $"{v} < {Lit(lo)} OR {v} > {Lit(hi)}", $"outside the reference's range [{Num(lo)}, {Num(hi)}]"));
            }
        }
        foreach (var p in text)
        {
            var tv = rx.Text(p.Ref);
            var t = reference.Source.Engine.Query($"SELECT DISTINCT {tv} FROM {reference.Source.Relation} WHERE {tv} IS NOT NULL LIMIT {MaxCategories + 1}");
            if (t.RowCount > MaxCategories || t.RowCount == 0) continue;
            var values = Enumerable.Range(0, t.RowCount).Select(r => current.Source.Dialect.StringLiteral(t.GetString(0, r)!));
            checks.Add((p.Ref.Name, "unseen_categories", $"{cx.Text(p.Cur)} NOT IN ({string.Join(", ", values)})", "in categories the reference never had"));
        }
        if (checks.Count == 0) yield break;
        var counts = current.Source.Engine.Query(
            $"SELECT count(*), {string.Join(", ", checks.Select(c => $"{current.Source.Dialect.CountIf(c.Predicate)}"))} FROM {current.Source.Relation}");
        var total = counts.GetInt64(0, 0);
        for (var i = 0; i < checks.Count; i++)
        {
            var n = counts.GetInt64(i + 1, 0);
            var share = total == 0 ? 0 : (double)n / total;
            if (share < WarnShare) continue;
            var (col, kind, _, what) = checks[i];
            var severity = share >= ErrorShare ? Severity.Error : Severity.Warning;
            var why = severity == Severity.Error ? (kind == "out_of_range" ? ": a change of units or encoding upstream?" : ": a change of encoding upstream?") : "";
            yield return new QualityIssue(kind, severity, n,
                $"{n.ToString("N0", CultureInfo.InvariantCulture)} current values of '{col}' ({share.ToString("P1", CultureInfo.InvariantCulture)}) are {what}{why}", [], col);
        }
    }

    /// <summary><c>vigil summary</c>'s findings on the current data that the reference does not have (same check and
    /// column at warning or worse); the pipeline's own kinds are errors here.</summary>
    private static (List<QualityIssue> Issues, string? Note) SummaryFindings(DiagnosisSide reference, DiagnosisSide current, DiagnoseOptions options)
    {
        if (reference.Cols.Timestamp is null || current.Cols.Timestamp is null)
        {
            var which = reference.Cols.Timestamp is null ? reference.Name : current.Name;
            return ([], $"{which} has no timestamp column, so vigil summary's checks (nulls, constant columns, types, volume) did not run; schema, ranges and categories were checked");
        }
        var so = new SummaryOptions { Mapping = options.Mapping, Threshold = options.Threshold };
        var refResult = SummaryAnalysis.Run(reference.Source, so);
        var refIssues = refResult.Quality.Issues;
        var curResult = SummaryAnalysis.Run(current.Source, so);
        var known = refIssues.Where(i => i.Severity >= Severity.Warning).Select(i => (i.Check, i.Column)).ToHashSet();
        var list = new List<QualityIssue>();
        foreach (var i in curResult.Quality.Issues)
        {
            if (i.Severity < Severity.Warning || known.Contains((i.Check, i.Column))) continue;
            var pipeline = PipelineChecks.Contains(i.Check) || i.Check.StartsWith("non_numeric", StringComparison.Ordinal);
            list.Add(i with { Severity = pipeline ? Severity.Error : i.Severity, Message = $"{i.Message} (not in the reference)" });
        }
        if (Volume(refResult, curResult) is { } volume) list.Add(volume);
        return (list, null);
    }

    /// <summary>Rows per day over each side's covered range (summary's <c>covered_from</c>–<c>covered_to</c>): info, or
    /// a warning when the current rate is below half or above twice the reference's (rows lost or duplicated upstream).</summary>
    private static QualityIssue? Volume(SummaryResult reference, SummaryResult current)
    {
        static double? PerDay(SummaryResult r) => r.CoveredFrom is { } f && r.CoveredTo is { } t
            ? r.TotalRows / ((t - f).TotalDays + PeriodDays(r.Period)) : null;
        static double PeriodDays(PeriodUnit p) => p switch { PeriodUnit.Hour => 1.0 / 24, PeriodUnit.Week => 7, _ => 1 };
        if (PerDay(reference) is not { } r || PerDay(current) is not { } c || r <= 0) return null;
        var ratio = c / r;
        var severity = ratio is < 0.5 or > 2 ? Severity.Warning : Severity.Info;
        return new QualityIssue("volume_change", severity, current.TotalRows,
            $"{c.ToString("N0", CultureInfo.InvariantCulture)} rows a day now against {r.ToString("N0", CultureInfo.InvariantCulture)} in the reference ({ratio.ToString("0.##", CultureInfo.InvariantCulture)}×)", []);
    }

    private static string Lit(double v) => v.ToString("R", CultureInfo.InvariantCulture) is var s && (s.Contains('E') || s.Contains('.')) ? s : s + ".0";

    private static string Num(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
