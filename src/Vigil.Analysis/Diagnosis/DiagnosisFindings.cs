using System.Globalization;
using Vigil.Analysis.Results;

namespace Vigil.Analysis.Diagnosis;

/// <summary>Each step's one-line finding, and the number formats they share.</summary>
internal static class DiagnosisFindings
{
    private static readonly CultureInfo C = CultureInfo.InvariantCulture;

    public static string N(double? v) => v is { } x ? x.ToString(Math.Abs(x) >= 1e4 || (x != 0 && Math.Abs(x) < 1e-3) ? "G3" : "0.####", C) : "n/a";

    public static string P(double? p) => p is { } x ? (x < 1e-4 ? x.ToString("0.0E+0", C) : x.ToString("0.####", C)) : "n/a";

    public static string Pct(double? v) => v is { } x ? x.ToString("P0", C) : "n/a";

    public static string Metric(MetricDropEvidence m)
    {
        var rel = m.RelativeChange is { } r ? $" ({(r >= 0 ? "+" : "")}{r.ToString("P1", C)})" : "";
        var head = $"{m.Metric} {N(m.Reference)} → {N(m.Current)}{rel}, difference {N(m.Difference)} [{N(m.Lower)}, {N(m.Upper)}], p = {P(m.PValue)}";
        return m.Real ? $"The drop is real: {head}." : $"No real drop: {head}.";
    }

    public static string Quality(QualityEvidence q) => q.Errors > 0
        ? $"The pipeline is broken: {q.Errors} error(s), e.g. {q.Issues.First(i => i.Severity == Severity.Error).Message}."
        : q.Warnings > 0 ? $"No pipeline error; {q.Warnings} warning(s), e.g. {q.Issues.First(i => i.Severity == Severity.Warning).Message}."
        : "No pipeline error: same schema, values within the reference's ranges and categories, no new quality finding.";

    public static string Shift(ShiftEvidence s)
    {
        if (s.Ranked.Count == 0) return "No feature shared by both sides to test.";
        var top = s.Ranked.Take(3).Select(f => $"{f.Feature} (drift {N(f.Drift)} × importance {Pct(f.ImportanceShare)})");
        return s.DriftedFeatures == 0
            ? $"No feature drifted past its threshold; most moved: {string.Join(", ", top)}."
            : $"{s.DriftedFeatures} of {s.Features} features drifted; by drift × importance: {string.Join(", ", top)}.";
    }

    public static string Concept(ConceptEvidence c)
    {
        var head = $"{c.Metric} realized {N(c.Realized)}, expected {N(c.Expected)} on the current inputs (band {N(c.Lower)}–{N(c.Upper)}), reference {N(c.Reference)}";
        var feature = c.Features.FirstOrDefault() is { } f ? $"; the outcome rate moved most along {f.Feature} (mean change {N(f.Change)})" : "";
        return c.ConceptDrift
            ? $"Concept drift: {head}: the relation between inputs and outcome changed{feature}."
            : $"No concept drift: {head}: the inputs explain what the model does{(c.CovariateShift ? " (they predict a drop)" : "")}.";
    }

    public static string Segments(SegmentEvidence s)
    {
        if (s.Segments.Count == 0) return s.Note ?? "No segment stands out.";
        var top = s.Segments.Take(2).Select(h => $"{string.Join(", ", h.Segment.Select(kv => $"{kv.Key} = {kv.Value}"))} ({s.Metric} {N(h.Value)} vs {N(h.Complement)} elsewhere, {h.Rows.ToString("N0", C)} rows)");
        return $"Worst segments now: {string.Join("; ", top)}.";
    }
}
