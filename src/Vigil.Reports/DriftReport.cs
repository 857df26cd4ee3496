using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Reports;

/// <summary>The drift report in every format. The rows of the column table are built once
/// (<see cref="ColumnRows"/>) and each format only lays them out: DriftReport.Console.cs, .Markdown.cs, .Html.cs (JSON is the record, see JsonReport).</summary>
internal static partial class DriftReport
{
    public static readonly string[] Headers = ["column", "type", "method", "statistic", "p-value", "threshold", "drifted", "why this method", "left out (ref / cur)"];

    public static string Type(ColumnType t) => t == ColumnType.Numerical ? "num" : "cat";

    /// <summary>The one-line verdict. The headline ("Drift" / "No dataset drift" when columns drifted below the
    /// drift-share threshold / "No drift") follows <see cref="DriftResult.AnyDrift"/>, so
    /// it counts every signal the run computed, and the line says which fired: the chunks, the multivariate chunks and
    /// the whole period's columns against the drift-share threshold.</summary>
    public static string Verdict(DriftResult r)
    {
        var parts = new List<string>();
        if (r.Chunks is { Count: > 0 } chunks)
            parts.Add($"{chunks.Count(c => c.Dataset.Drifted)} of {chunks.Count} {ChunkNoun(r.ChunkBy)} drifted");
        if (r.Multivariate is { Chunks.Count: > 0 } mv)
            parts.Add($"multivariate drift in {mv.Chunks.Count(c => c.Drifted)} of {mv.Chunks.Count} chunks");
        var d = r.Dataset;
        var whole = $"{d.DriftedColumns} of {d.Columns} columns drifted ({Fmt.Percent(d.Share)}, " +
                    $"{(d.Drifted ? "at or above" : "below")} the {Fmt.Percent(d.DriftShare)} drift-share threshold)";
        parts.Add(parts.Count > 0 ? "whole period: " + whole : whole);
        // "No dataset drift" when some columns drifted but no drift signal fired: the columns' DRIFT cells are not denied.
        var head = r.AnyDrift ? "Drift" : r.Columns.Any(c => c.Drifted) ? "No dataset drift" : "No drift";
        return $"{head}: {string.Join("; ", parts)}" +
               (d.Correction == "none" ? "." : $"; p-values corrected ({d.Correction}).");
    }

    /// <summary>"daily chunks", "weekly chunks" or "chunks of N rows".</summary>
    public static string ChunkNoun(string? chunkBy) => chunkBy switch
    {
        "day" => "daily chunks",
        "week" => "weekly chunks",
        null => "chunks",
        _ => "chunks of " + chunkBy,
    };

    /// <summary>What target and prediction drift say, next to feature drift (null when neither column is there).</summary>
    public static string? Concept(DriftResult r)
    {
        var target = r.Columns.FirstOrDefault(c => c.Role == "target" && c.Result is not null);
        var prediction = r.Columns.Where(c => c.Role == "prediction" && c.Result is not null).ToList();
        if (target is null && prediction.Count == 0) return null;
        var features = r.Columns.Count(c => c.Role == "feature" && c.Drifted);
        var parts = new List<string>();
        if (target is not null) parts.Add($"target '{target.Name}' {(target.Drifted ? "drifted" : "did not drift")}");
        foreach (var p in prediction) parts.Add($"prediction '{p.Name}' {(p.Drifted ? "drifted" : "did not drift")}");
        parts.Add($"{features} feature{(features == 1 ? "" : "s")} drifted");
        var hint = target is { Drifted: true } && features == 0
            ? " The target moved while no feature did: a sign of concept drift (the relation between features and target changed, or labels did)."
            : features > 0 && target is { Drifted: false }
                ? " Features moved while the target did not: data drift the model may or may not tolerate; watch its performance."
                : "";
        return string.Join("; ", parts) + "." + hint;
    }

    public static IEnumerable<(string Key, string Value)> Facts(DriftResult r)
    {
        yield return ("Reference", $"{r.Reference.Description} ({Fmt.Count(r.ReferenceRows)} rows)");
        yield return ("Current", $"{r.Current.Description} ({Fmt.Count(r.CurrentRows)} rows)");
        yield return ("Engine", r.Reference.Engine == "profile" ? $"{r.Current.Engine} (the reference is a stored profile)" : r.Reference.Engine);
    }

    public static IEnumerable<string[]> ColumnRows(DriftResult r) => r.Columns.Select(c => new[]
    {
        c.Role == "feature" ? c.Name : $"{c.Name} ({c.Role})",
        Type(c.Type),
        c.Method,
        (c.Approximation is null ? "" : "≈ ") + Fmt.Num(c.Result?.Statistic),
        PValueCell(c),
        Fmt.Num(c.Result?.Threshold),
        c.Result is null ? "n/a: " + c.Note : c.Drifted ? "DRIFT" : "no",
        c.Reason,
        $"{Fmt.Count(c.ReferenceMissing)} / {Fmt.Count(c.CurrentMissing)}",
    });

    /// <summary>The p-value whenever the result has one (with the adjusted one after --correction); "undefined" for a test
    /// whose p-value could not be computed; "—" for a distance, which has none.</summary>
    public static string PValueCell(ColumnDrift c) => c.Result switch
    {
        { PValue: { } p } => Fmt.PValue(p) + (c.AdjustedPValue is { } q ? $" (adj. {Fmt.PValue(q)})" : ""),
        { } res when DriftMethods.IsTest(res.Method) => "undefined",
        _ => Fmt.Dash,
    };

    /// <summary>One line per column whose result is approximate (the reference is a profile that pooled its values),
    /// with the bound; empty when every result is exact.</summary>
    public static IEnumerable<string> ApproximationLines(DriftResult r) => r.Columns.Where(c => c.Approximation is not null)
        .Select(c => $"{c.Name}: {c.Approximation!.Explanation}.");

    public const string ApproximationTitle = "Approximate results (≈): the bounds";

    public static readonly string[] ChunkHeaders = ["chunk", "rows", "drifted columns", "share", "dataset drift", "drifted"];

    public static IEnumerable<string[]> ChunkRows(DriftResult r) => (r.Chunks ?? []).Select(ch => new[]
    {
        ch.Key,
        Fmt.Count(ch.Rows),
        $"{ch.Dataset.DriftedColumns} of {ch.Dataset.Columns}",
        Fmt.Percent(ch.Dataset.Share),
        ch.Dataset.Drifted ? "DRIFT" : "no",
        string.Join(", ", ch.Columns.Where(c => c.Drifted).Select(c => c.Name)),
    });

    public static string ChunkTitle(DriftResult r) =>
        $"Per chunk ({r.ChunkBy}) against the whole reference" + (r.RowsWithoutChunk > 0 ? $"; {Fmt.Count(r.RowsWithoutChunk)} current rows without a valid timestamp left out" : "");


    /// <summary>The console's one line on multivariate drift.</summary>
    public static string MultivariateLine(MultivariateDrift mv) => string.Create(CultureInfo.InvariantCulture,
        $"Multivariate (PCA reconstruction error, {mv.Components} components, {mv.ExplainedVariance:P1} of the variance): " +
        $"{mv.Chunks.Count(ch => ch.Drifted)} of {mv.Chunks.Count} chunks drifted outside " +
        $"[{(mv.ThresholdLower is { } lo ? lo.ToString("G6", CultureInfo.InvariantCulture) : "-inf")}, {mv.ThresholdUpper:G6}]");

    public static readonly string[] MultivariateHeaders = ["chunk", "rows", "reconstruction error", "drifted"];

    public static IEnumerable<string[]> MultivariateRows(MultivariateDrift mv) => mv.Chunks.Select(ch => new[]
    {
        ch.Key, Fmt.Count(ch.Rows), Fmt.Num(ch.ReconstructionError), ch.Drifted ? "DRIFT" : "no",
    });
}
