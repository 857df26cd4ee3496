using System.Globalization;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Results;

namespace Vigil.Analysis.Review;

/// <summary>Number formatting for limits and evidence (invariant, up to 4 decimals).</summary>
internal static class ReviewFmt
{
    public static string N(double v) => v.ToString("0.####", CultureInfo.InvariantCulture);
    public static string N(double? v) => v is { } x ? N(x) : "undefined";
    public static string C(long v) => v.ToString("N0", CultureInfo.InvariantCulture);

    public static string Bounds(double? min, double? max) => (min, max) switch
    {
        ({ } lo, { } hi) => $"≥ {N(lo)} and ≤ {N(hi)}",
        ({ } lo, null) => $"≥ {N(lo)}",
        (null, { } hi) => $"≤ {N(hi)}",
        _ => "",
    };

    public static bool Within(double v, double? min, double? max) => (min is null || v >= min) && (max is null || v <= max);
}

/// <summary><c>- metric: roc_auc, min/max, per_segment, min_rows</c>: any binary evaluate metric, overall or in every
/// segment of a column.</summary>
internal sealed class MetricRequirementKind : IRequirementKind
{
    private static readonly string[] Keys = ["name", "metric", "min", "max", "per_segment", "min_rows"];
    public string Key => "metric";

    public IRequirement Parse(PolicyReader p, PolicyItem item, string? name)
    {
        foreach (var (k, kn, _) in item.Entries)
            if (!Keys.Contains(k)) throw p.Error(kn, $"unknown key '{k}' in a metric requirement; expected {string.Join(", ", Keys)}");
        var node = item.Get("metric")!;
        var metric = p.Scalar(node, "'metric' expects a metric name").Trim().ToLowerInvariant();
        if (!ComparisonMetrics.IsKnown(metric))
            throw p.Error(node, $"'{metric}' is not a metric of a binary classifier; expected one of {string.Join(", ", ComparisonMetrics.Names)}");
        var (min, max) = p.Bounds(item.Node, item.Get("min"), item.Get("max"), $"metric '{metric}'");
        string? segment = item.Get("per_segment") is { } s ? p.Scalar(s, "'per_segment' expects a column name") : null;
        long minRows = item.Get("min_rows") is { } mr ? p.Count(mr, "'min_rows'") : 100;
        if (item.Get("min_rows") is { } mrn && segment is null) throw p.Error(mrn, "'min_rows' goes with 'per_segment'");
        var limit = ReviewFmt.Bounds(min, max);
        return new MetricRequirement(name ?? $"{metric}{(segment is null ? "" : $" per {segment}")}", "metric", metric, min, max, segment, minRows);
    }
}

/// <summary><c>- calibration_error: {max: 0.05}</c>: evaluate's expected calibration error (ece).</summary>
internal sealed class CalibrationRequirementKind : IRequirementKind
{
    private static readonly string[] Keys = ["min", "max"];
    public string Key => "calibration_error";

    public IRequirement Parse(PolicyReader p, PolicyItem item, string? name)
    {
        foreach (var (k, kn, _) in item.Entries)
            if (k is not ("name" or "calibration_error")) throw p.Error(kn, $"unknown key '{k}' beside 'calibration_error'; its limits go inside: calibration_error: {{max: 0.05}}");
        var node = item.Get(Key)!;
        var entries = p.Mapping(node, "'calibration_error'", Keys);
        var (min, max) = p.Bounds(node, entries.FirstOrDefault(e => e.Key == "min").Value, entries.FirstOrDefault(e => e.Key == "max").Value, "'calibration_error'");
        var limit = ReviewFmt.Bounds(min, max);
        return new MetricRequirement(name ?? "calibration error (ece)", Key, "ece", min, max, null, 0);
    }
}

internal sealed record MetricRequirement(string Name, string Kind, string Metric, double? Min, double? Max, string? PerSegment, long MinRows) : IRequirement
{
    public string Limit => ReviewFmt.Bounds(Min, Max);

    public RequirementOutcome Check(ReviewData data)
    {
        if (PerSegment is null)
        {
            var e = data.Evaluation(null);
            var m = e.Metrics.FirstOrDefault(x => x.Name == Metric);
            if (m?.Value is not { } v)
                return Outcome(false, null, $"{Metric} is undefined on {ReviewFmt.C(e.Rows)} rows{(m?.Note is { } n ? $": {n}" : "")}");
            bool ok = ReviewFmt.Within(v, Min, Max);
            return Outcome(ok, v, $"{Metric} {ReviewFmt.N(v)} on {ReviewFmt.C(e.Rows)} rows at threshold {ReviewFmt.N(data.Threshold)}");
        }
        var seg = data.Evaluation(PerSegment);
        var segments = new List<SegmentOutcome>();
        foreach (var s in seg.Segments ?? [])
        {
            var value = s.Result.Metrics.FirstOrDefault(x => x.Name == Metric)?.Value;
            bool? passed = s.Result.Rows < MinRows ? null : value is { } v && ReviewFmt.Within(v, Min, Max);
            segments.Add(new SegmentOutcome(PerSegment, s.Key.GetValueOrDefault(PerSegment), s.Result.Rows, value, passed));
        }
        var judged = segments.Where(s => s.Passed is not null).ToList();
        var failed = judged.Where(s => s.Passed == false).ToList();
        var skipped = segments.Count - judged.Count;
        var worst = judged.Where(s => s.Value is not null)
            .OrderBy(s => Min is not null ? s.Value!.Value : -s.Value!.Value).FirstOrDefault();
        string Seg(SegmentOutcome s) => $"{PerSegment}={s.Segment ?? "null"} {ReviewFmt.N(s.Value)} ({ReviewFmt.C(s.Rows)} rows)";
        var evidence = judged.Count == 0
            ? $"no segment of {PerSegment} has {ReviewFmt.C(MinRows)} rows or more to judge ({segments.Count} segments)"
            : failed.Count > 0
                ? $"{failed.Count} of {judged.Count} segments fail: {string.Join(", ", failed.Take(3).Select(Seg))}{(failed.Count > 3 ? ", …" : "")}"
                : $"all {judged.Count} segments hold; worst {Seg(worst!)}";
        if (skipped > 0) evidence += $"; {skipped} under {ReviewFmt.C(MinRows)} rows not judged";
        return Outcome(judged.Count > 0 && failed.Count == 0, worst?.Value, evidence) with { Segments = segments };
    }

    private RequirementOutcome Outcome(bool passed, double? value, string evidence) =>
        new() { Name = Name, Kind = Kind, Passed = passed, Value = value, Limit = Limit, Evidence = evidence };
}

/// <summary><c>- drift: {reference: train.parquet, max_drifted_share: 0.3}</c> (or <c>max_drifted_columns</c>):
/// vigil drift of the log against the reference, with Evidently's per-column defaults.</summary>
internal sealed class DriftRequirementKind : IRequirementKind
{
    private static readonly string[] Keys = ["reference", "reference_table", "max_drifted_share", "max_drifted_columns"];
    public string Key => "drift";

    public IRequirement Parse(PolicyReader p, PolicyItem item, string? name)
    {
        foreach (var (k, kn, _) in item.Entries)
            if (k is not ("name" or "drift")) throw p.Error(kn, $"unknown key '{k}' beside 'drift'; its settings go inside: drift: {{reference: ..., max_drifted_share: 0.3}}");
        var node = item.Get(Key)!;
        var entries = p.Mapping(node, "'drift'", Keys);
        YamlDotNet.RepresentationModel.YamlNode? Get(string k) => entries.FirstOrDefault(e => e.Key == k).Value;
        var refNode = Get("reference") ?? throw p.Error(node, "'drift' needs 'reference:', the training data to compare the log with");
        var reference = p.Scalar(refNode, "'reference' expects a file path");
        var resolved = reference.Contains("://", StringComparison.Ordinal) || Path.IsPathRooted(reference) ? reference : Path.Combine(p.Folder, reference);
        bool glob = reference.IndexOfAny(['*', '?', '[']) >= 0;
        if (!glob && !reference.Contains("://", StringComparison.Ordinal) && !File.Exists(resolved))
            throw p.Error(refNode, $"the drift reference '{reference}' does not exist (looked for {resolved})");
        double? share = Get("max_drifted_share") is { } s ? p.Number(s, "'max_drifted_share'") : null;
        if (share is < 0 or > 1) throw p.Error(Get("max_drifted_share")!, $"'max_drifted_share' is {share}, outside [0, 1]; it is a share of the columns");
        long? count = Get("max_drifted_columns") is { } c ? p.Count(c, "'max_drifted_columns'") : null;
        if (share is null && count is null) throw p.Error(node, "'drift' needs a limit: 'max_drifted_share:' or 'max_drifted_columns:'");
        if (share is not null && count is not null) throw p.Error(node, "'drift' takes one limit: 'max_drifted_share:' or 'max_drifted_columns:', not both");
        string? table = Get("reference_table") is { } t ? p.Scalar(t, "'reference_table' expects a table name") : null;
        var limit = share is { } sh ? $"drifted share ≤ {ReviewFmt.N(sh)}" : $"drifted columns ≤ {count}";
        return new DriftRequirement(name ?? $"drift vs {reference}", resolved, reference, table, share, count, limit);
    }
}

internal sealed record DriftRequirement(string Name, string Reference, string Given, string? Table, double? MaxShare, long? MaxColumns, string Limit) : IRequirement
{
    public string Kind => "drift";

    public RequirementOutcome Check(ReviewData data)
    {
        var d = data.Drift(Reference, Table);
        var drifted = d.Columns.Where(c => c.Drifted).Select(c => c.Name).ToList();
        double value = MaxShare is not null ? d.Dataset.Share : d.Dataset.DriftedColumns;
        bool ok = MaxShare is { } s ? d.Dataset.Share <= s : d.Dataset.DriftedColumns <= MaxColumns;
        var evidence = $"{d.Dataset.DriftedColumns} of {d.Dataset.Columns} columns drifted against {Given} ({ReviewFmt.C(d.ReferenceRows)} rows)" +
            (drifted.Count > 0 ? $": {string.Join(", ", drifted.Take(5))}{(drifted.Count > 5 ? ", …" : "")}" : "");
        return new() { Name = Name, Kind = Kind, Passed = ok, Value = value, Limit = Limit, Evidence = evidence };
    }
}

/// <summary><c>- data_quality: {max_errors: 0, max_warnings: 10}</c>: vigil summary's data-quality findings.</summary>
internal sealed class DataQualityRequirementKind : IRequirementKind
{
    private static readonly string[] Keys = ["max_errors", "max_warnings"];
    public string Key => "data_quality";

    public IRequirement Parse(PolicyReader p, PolicyItem item, string? name)
    {
        foreach (var (k, kn, _) in item.Entries)
            if (k is not ("name" or "data_quality")) throw p.Error(kn, $"unknown key '{k}' beside 'data_quality'; its limits go inside: data_quality: {{max_errors: 0}}");
        var node = item.Get(Key)!;
        var entries = p.Mapping(node, "'data_quality'", Keys);
        long? errors = entries.FirstOrDefault(e => e.Key == "max_errors").Value is { } e ? p.Count(e, "'max_errors'") : null;
        long? warnings = entries.FirstOrDefault(e => e.Key == "max_warnings").Value is { } w ? p.Count(w, "'max_warnings'") : null;
        if (errors is null && warnings is null) throw p.Error(node, "'data_quality' needs a limit: 'max_errors:' and/or 'max_warnings:'");
        var limit = string.Join(", ", new[] { errors is { } x ? $"errors ≤ {x}" : null, warnings is { } y ? $"warnings ≤ {y}" : null }.Where(s => s is not null));
        return new DataQualityRequirement(name ?? "data quality", errors, warnings, limit);
    }
}

internal sealed record DataQualityRequirement(string Name, long? MaxErrors, long? MaxWarnings, string Limit) : IRequirement
{
    public string Kind => "data_quality";

    public RequirementOutcome Check(ReviewData data)
    {
        var issues = data.Summary().Quality.Issues;
        long errors = issues.Count(i => i.Severity == Severity.Error);
        long warnings = issues.Count(i => i.Severity == Severity.Warning);
        bool ok = (MaxErrors is null || errors <= MaxErrors) && (MaxWarnings is null || warnings <= MaxWarnings);
        var worst = issues.Where(i => i.Severity != Severity.Info).OrderByDescending(i => i.Severity).Take(3).Select(i => $"{i.Check}{(i.Column is null ? "" : $" ({i.Column})")}");
        var evidence = $"{errors} error{(errors == 1 ? "" : "s")}, {warnings} warning{(warnings == 1 ? "" : "s")}" + (worst.Any() ? $": {string.Join(", ", worst)}" : "");
        return new() { Name = Name, Kind = Kind, Passed = ok, Value = MaxErrors is not null ? errors : warnings, Limit = Limit, Evidence = evidence };
    }
}
