using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Reports;

namespace Vigil.Cli;

/// <summary><c>--fail-on drift|error|warning</c> (comma-separated): the conditions that make a command exit 1 after its
/// report is written, with one line on standard error saying which. <c>warning</c> means a warning or worse.</summary>
internal sealed record FailOn(bool Drift, bool Error, bool Warning)
{
    public static readonly FailOn None = new(false, false, false);

    public bool Any => Drift || Error || Warning;

    /// <summary>Parses the flag's value for <paramref name="command"/>; summary and evaluate compute no drift.</summary>
    public static FailOn Parse(string? value, string command)
    {
        if (value is null) return None;
        bool drift = false, error = false, warning = false;
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (items.Length == 0) throw new VigilInputException("--fail-on: empty; expected drift, error or warning (comma-separated)");
        foreach (var item in items)
        {
            switch (item.ToLowerInvariant())
            {
                case "drift":
                    if (command is not ("drift" or "diagnose")) throw new VigilInputException($"--fail-on: 'drift' does not apply to '{command}' (it computes no drift); expected error or warning");
                    drift = true;
                    break;
                case "error" or "errors": error = true; break;
                case "warning" or "warnings": warning = true; break;
                default: throw new VigilInputException($"--fail-on: '{item}' is not a condition; expected drift, error or warning (comma-separated)");
            }
        }
        return new FailOn(drift, error, warning);
    }

    private string Flag => "--fail-on " + string.Join(",", new[] { Drift ? "drift" : null, Error ? "error" : null, Warning ? "warning" : null }.Where(s => s is not null));

    /// <summary>Null when nothing matched, else the one line to print (without "vigil: ").</summary>
    public string? Check(IReadOnlyList<QualityIssue> findings)
    {
        if (!Error && !Warning) return null;
        var min = Warning ? Severity.Warning : Severity.Error;
        var hits = findings.Where(f => f.Severity >= min).ToList();
        if (hits.Count == 0) return null;
        int errors = hits.Count(h => h.Severity == Severity.Error);
        int warnings = hits.Count - errors;
        var counts = new List<string>();
        if (errors > 0) counts.Add(errors == 1 ? "1 error" : $"{errors} errors");
        if (warnings > 0) counts.Add(warnings == 1 ? "1 warning" : $"{warnings} warnings");
        var checks = hits.Select(h => h.Check).Distinct().ToList();
        var named = string.Join(", ", checks.Take(6)) + (checks.Count > 6 ? $", … ({checks.Count} checks)" : "");
        return $"{Flag}: {string.Join(" and ", counts)} ({named})";
    }

    /// <summary>For drift: <c>drift</c> is <see cref="DriftResult.AnyDrift"/>; <c>error</c> and <c>warning</c> are columns
    /// that could not be tested (no method applied).</summary>
    public string? Check(DriftResult r)
    {
        var parts = new List<string>();
        if (Drift && r.AnyDrift)
        {
            if (r.Dataset.Drifted) parts.Add($"dataset drift ({r.Dataset.DriftedColumns} of {r.Dataset.Columns} columns)");
            if (r.Chunks is { } chunks && chunks.Count(c => c.Dataset.Drifted) is var n and > 0)
                parts.Add($"{n} of {chunks.Count} chunks drifted");
            if (r.Multivariate is { } mv && mv.Chunks.Count(c => c.Drifted) is var m and > 0)
                parts.Add($"{m} of {mv.Chunks.Count} chunks drifted in the multivariate test");
        }
        if (Error || Warning)
        {
            var untested = r.Columns.Where(c => c.Result is null).Select(c => c.Name).ToList();
            if (untested.Count > 0)
                parts.Add($"{untested.Count} column{(untested.Count == 1 ? "" : "s")} could not be tested ({string.Join(", ", untested.Take(6))}{(untested.Count > 6 ? ", …" : "")})");
        }
        return parts.Count == 0 ? null : $"{Flag}: {string.Join(" and ", parts)}";
    }

    /// <summary>For segments: a segment that differs significantly is a warning (<c>--fail-on warning</c>); nothing
    /// there is an error.</summary>
    public string? Check(SegmentsResult r) =>
        Warning && r.Segments.Count > 0
            ? $"{Flag}: {r.Significant} segment{(r.Significant == 1 ? "" : "s")} differ{(r.Significant == 1 ? "s" : "")} significantly in {r.Metric} ({SegmentsReport.SegmentText(r.Segments[0])}, …)"
            : null;

    /// <summary>For fairness: <c>warning</c> is any disparity outside the band; <c>error</c> a selection rate, TPR or FPR
    /// outside it.</summary>
    public string? Check(FairnessResult r)
    {
        var unfair = r.Disparities.Where(d => d.Fair == false && (Warning || (Error && d.Metric is "pprev" or "tpr" or "fpr"))).ToList();
        if (unfair.Count == 0) return null;
        var first = unfair[0];
        return $"{Flag}: {unfair.Count} disparit{(unfair.Count == 1 ? "y" : "ies")} outside [{Fmt.Short(r.Tau)}, {Fmt.Short(1 / r.Tau)}] ({first.Attribute} = {first.Value}: {first.Metric} {Fmt.Short(first.Disparity ?? double.NaN)}× {first.Reference}, …)";
    }

    /// <summary>For diagnose: <c>error</c> is a broken pipeline (verdict data_quality); <c>drift</c> a real drop caused by
    /// drift (covariate_shift, concept_drift, mixed); <c>warning</c> any real drop (every verdict but no_drop).</summary>
    public string? Check(DiagnosisResult r)
    {
        var hit = (Error && r.Verdict == "data_quality")
                  || (Drift && r.Verdict is "covariate_shift" or "concept_drift" or "mixed")
                  || (Warning && r.Verdict != "no_drop");
        return hit ? $"{Flag}: the diagnosis is {r.Verdict} ({r.Rule})" : null;
    }

    /// <summary>For estimate: an estimate outside its thresholds is an error (<c>--fail-on error</c>); an assumption that
    /// visibly fails is a warning.</summary>
    public string? Check(EstimationResult r)
    {
        if ((Error || Warning) && r.Alerts.Count > 0)
            return $"{Flag}: {r.Alerts.Count} estimate{(r.Alerts.Count == 1 ? "" : "s")} outside the thresholds ({string.Join(", ", r.Alerts.Select(a => $"{a.Metric} in {a.Chunk}").Take(3))}{(r.Alerts.Count > 3 ? ", …" : "")})";
        return Check(r.Findings);
    }

    /// <summary>Prints the line and returns 1 when a condition matched, else 0.</summary>
    public static int Exit(string? line)
    {
        if (line is null) return Cli.Ok;
        Console.Out.Flush();
        Console.Error.WriteLine("vigil: " + line);
        return Cli.Failed;
    }
}
