using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;
using SText = Spectre.Console.Text;

namespace Vigil.Reports;

/// <summary>The drift report in every format. The rows of the column table are built once
/// (<see cref="ColumnRows"/>) and each format only lays them out.</summary>
internal static class DriftReport
{
    public static readonly string[] Headers = ["column", "type", "method", "statistic", "p-value", "threshold", "drifted", "why this method", "left out (ref / cur)"];

    public static string Type(ColumnType t) => t == ColumnType.Numerical ? "num" : "cat";

    public static string Verdict(DriftResult r) =>
        $"{(r.Dataset.Drifted ? "Dataset drift" : "No dataset drift")}: {r.Dataset.DriftedColumns} of {r.Dataset.Columns} columns drifted " +
        $"({Fmt.Percent(r.Dataset.Share)}; the drift share is {Fmt.Percent(r.Dataset.DriftShare)})" +
        (r.Dataset.Correction == "none" ? "." : $"; p-values corrected ({r.Dataset.Correction}).");

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
        c.Result is { } res && DriftMethods.IsTest(res.Method) ? Fmt.Num(res.PValue) + (c.AdjustedPValue is { } q ? $" (adj. {Fmt.Num(q)})" : "") : Fmt.Dash,
        Fmt.Num(c.Result?.Threshold),
        c.Result is null ? "n/a: " + c.Note : c.Drifted ? "DRIFT" : "no",
        c.Reason,
        $"{Fmt.Count(c.ReferenceMissing)} / {Fmt.Count(c.CurrentMissing)}",
    });

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

    // ---- JSON (docs/json-schema.md) ----

    public static string ToJson(DriftResult r) => JsonReport.Render(j =>
    {
        j.WriteStartObject();
        j.WriteString("kind", "drift");
        j.WriteNumber("schema_version", JsonReport.SchemaVersion);
        j.WritePropertyName("reference");
        JsonReport.SourceObject(j, r.Reference);
        j.WritePropertyName("current");
        JsonReport.SourceObject(j, r.Current);
        j.WriteNumber("reference_rows", r.ReferenceRows);
        j.WriteNumber("current_rows", r.CurrentRows);
        Verdict(j, r.Dataset, r.Columns);
        if (r.Chunks is { } chunks)
        {
            j.WriteString("chunk_by", r.ChunkBy);
            j.WriteNumber("rows_without_chunk", r.RowsWithoutChunk);
            j.WriteStartArray("chunks");
            foreach (var ch in chunks)
            {
                j.WriteStartObject();
                j.WriteString("key", ch.Key);
                if (ch.Start is { } st) j.WriteString("start", st.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
                else j.WriteNull("start");
                j.WriteNumber("first_row", ch.FirstRow);
                j.WriteNumber("rows", ch.Rows);
                Verdict(j, ch.Dataset, ch.Columns);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        if (r.Multivariate is { } mv)
        {
            j.WriteStartObject("multivariate");
            j.WriteNumber("components", mv.Components);
            JsonReport.Number(j, "explained_variance", mv.ExplainedVariance);
            JsonReport.Number(j, "threshold_lower", mv.ThresholdLower);
            JsonReport.Number(j, "threshold_upper", mv.ThresholdUpper);
            j.WriteStartArray("chunks");
            foreach (var ch in mv.Chunks)
            {
                j.WriteStartObject();
                j.WriteString("key", ch.Key);
                JsonReport.Number(j, "reconstruction_error", ch.ReconstructionError);
                j.WriteBoolean("drifted", ch.Drifted);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        j.WriteEndObject();
    });

    /// <summary>"dataset" and "columns", for the whole data and for each chunk alike.</summary>
    private static void Verdict(System.Text.Json.Utf8JsonWriter j, DatasetDrift d, IReadOnlyList<ColumnDrift> columns)
    {
        Dataset(j, d);
        j.WriteStartArray("columns");
        foreach (var c in columns) Column(j, c);
        j.WriteEndArray();
    }

    private static void Dataset(System.Text.Json.Utf8JsonWriter j, DatasetDrift d)
    {
        j.WriteStartObject("dataset");
        j.WriteBoolean("drifted", d.Drifted);
        JsonReport.Number(j, "share", d.Share);
        j.WriteNumber("drifted_columns", d.DriftedColumns);
        j.WriteNumber("columns", d.Columns);
        JsonReport.Number(j, "drift_share", d.DriftShare);
        j.WriteString("correction", d.Correction);
        j.WriteEndObject();
    }

    private static void Column(System.Text.Json.Utf8JsonWriter j, ColumnDrift c)
    {
        j.WriteStartObject();
        j.WriteString("name", c.Name);
        j.WriteString("role", c.Role);
        j.WriteString("type", Type(c.Type));
        j.WriteString("method", c.Method);
        j.WriteString("reason", c.Reason);
        JsonReport.Number(j, "statistic", c.Result?.Statistic);
        JsonReport.Number(j, "p_value", c.Result?.PValue);
        JsonReport.Number(j, "p_value_adjusted", c.AdjustedPValue);
        JsonReport.Number(j, "threshold", c.Result?.Threshold);
        j.WriteBoolean("drifted", c.Drifted);
        j.WriteNumber("distinct_values", c.DistinctValues);
        j.WriteNumber("reference_missing", c.ReferenceMissing);
        j.WriteNumber("current_missing", c.CurrentMissing);
        j.WriteString("note", c.Note);
        if (c.Approximation is { } a)
        {
            j.WriteStartObject("approximation");
            j.WriteNumber("pooled_buckets", a.PooledBuckets);
            JsonReport.Number(j, "cdf_error", a.CdfError);
            JsonReport.Number(j, "statistic_error", a.StatisticError);
            JsonReport.Number(j, "binned_share_error", a.BinnedShareError);
            j.WriteString("explanation", a.Explanation);
            j.WriteEndObject();
        }
        else j.WriteNull("approximation");
        j.WriteEndObject();
    }

    // ---- console ----

    public static void Write(DriftResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil drift", Facts(r));
        c.MarkupLine((r.Dataset.Drifted ? "[bold red]" : "[bold green]") + Markup.Escape(Verdict(r)) + "[/]");
        if (Concept(r) is { } concept) c.MarkupLine(Markup.Escape(concept));
        c.WriteLine();
        var t = ConsoleReport.NewTable("Columns, most drifted first", Headers, 3);
        foreach (var row in ColumnRows(r)) t.AddRow(row.Select(s => (Spectre.Console.Rendering.IRenderable)new SText(s)).ToArray());
        c.Write(t);
        var approx = ApproximationLines(r).ToList();
        if (approx.Count > 0)
        {
            c.MarkupLine("[bold]" + Markup.Escape(ApproximationTitle) + "[/]");
            foreach (var line in approx) c.MarkupLine(Markup.Escape("  " + line));
            c.WriteLine();
        }
        if (r.Chunks is not null)
        {
            var ct = ConsoleReport.NewTable(ChunkTitle(r), ChunkHeaders, 1);
            foreach (var row in ChunkRows(r)) ct.AddRow(row.Select(s => (Spectre.Console.Rendering.IRenderable)new SText(s)).ToArray());
            c.Write(ct);
        }
        if (r.Multivariate is { } mv)
            c.MarkupLine(Markup.Escape(MultivariateLine(mv)));
    }

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

    // ---- Markdown ----

    public static string ToMarkdown(DriftResult r)
    {
        var sb = new StringBuilder("# Vigil drift\n\n");
        foreach (var (k, v) in Facts(r)) sb.Append("- **").Append(k).Append(":** ").Append(MarkdownReport.Cell(v)).Append('\n');
        sb.Append("\n**Verdict:** ").Append(MarkdownReport.Cell(Verdict(r))).Append("\n\n");
        if (Concept(r) is { } concept) sb.Append("**Target and prediction:** ").Append(MarkdownReport.Cell(concept)).Append("\n\n");
        sb.Append("## Columns, most drifted first\n\n");
        MarkdownReport.Table(sb, Headers, 0, ColumnRows(r), rightFrom: 3, rightTo: 6);
        var approx = ApproximationLines(r).ToList();
        if (approx.Count > 0)
        {
            sb.Append("## ").Append(MarkdownReport.Cell(ApproximationTitle)).Append("\n\n");
            foreach (var line in approx) sb.Append("- ").Append(MarkdownReport.Cell(line)).Append('\n');
            sb.Append('\n');
        }
        if (r.Chunks is not null)
        {
            sb.Append("## ").Append(MarkdownReport.Cell(ChunkTitle(r))).Append("\n\n");
            MarkdownReport.Table(sb, ChunkHeaders, 0, ChunkRows(r), rightFrom: 1, rightTo: 4);
        }
        if (r.Multivariate is { } mv)
        {
            sb.Append("## Multivariate drift\n\n").Append(MarkdownReport.Cell(MultivariateLine(mv))).Append("\n\n");
            MarkdownReport.Table(sb, MultivariateHeaders, 0, MultivariateRows(mv), rightFrom: 1, rightTo: 3);
        }
        return sb.ToString();
    }

    /// <summary>The two distributions as bars side by side in each bin (numbers) or category.</summary>
    private static string Chart(string name, Distribution d)
    {
        var n = d.Reference.Count;
        var labels = d.Labels;
        double X(int i) => d.Edges is { } e ? e[i] : i;
        var refBars = new List<Svg.Bar>();
        var curBars = new List<Svg.Bar>();
        for (var i = 0; i < n; i++)
        {
            double x0 = X(i), x1 = d.Edges is not null ? X(i + 1) : i + 1, mid = (x0 + x1) / 2;
            var what = labels is not null ? labels[i] : $"[{Fmt.Num(x0)}, {Fmt.Num(x1)}{(i == n - 1 ? "]" : ")")}";
            refBars.Add(new Svg.Bar(x0, mid, d.Reference[i], $"{what}: reference {Fmt.Percent(d.Reference[i])}"));
            curBars.Add(new Svg.Bar(mid, x1, d.Current[i], $"{what}: current {Fmt.Percent(d.Current[i])}"));
        }
        var plot = new Svg.SvgPlot("distribution", name)
        {
            Width = 560,
            Height = 240,
            YLabel = "share",
            YMin = 0,
            XLabel = labels is null ? name : null,
            XFormat = labels is null ? Svg.SvgPlot.DefaultFormat : v => v >= 0 && v < labels.Count && Math.Abs(v - Math.Round(v)) < 1e-9 ? labels[(int)v] : "",
            XMinStep = labels is null ? 0 : 1,
        };
        return plot.Bars("reference", refBars).Bars("current", curBars).Render();
    }

    /// <summary>An HTML table: numbers right-aligned, a "DRIFT" cell in the flag column marked.</summary>
    private static void HtmlTable(StringBuilder sb, string css, IReadOnlyList<string> headers, IEnumerable<string[]> rows, int[] numeric, int flag)
    {
        sb.Append("<table class=\"").Append(css).Append("\"><thead><tr>");
        foreach (var h in headers) sb.Append("<th>").Append(WebUtility.HtmlEncode(h)).Append("</th>");
        sb.Append("</tr></thead><tbody>");
        foreach (var row in rows)
        {
            sb.Append("<tr>");
            for (var i = 0; i < row.Length; i++)
                sb.Append(numeric.Contains(i) ? "<td class=\"n\">" : i == flag && row[i] == "DRIFT" ? "<td class=\"drift\">" : "<td>")
                  .Append(WebUtility.HtmlEncode(row[i])).Append("</td>");
            sb.Append("</tr>");
        }
        sb.Append("</tbody></table>");
    }

    // ---- HTML (one self-contained page) ----

    public static string ToHtml(DriftResult r)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var sb = new StringBuilder();
        sb.Append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Vigil drift</title><style>")
          .Append("body{font-family:system-ui,sans-serif;margin:2rem;color:#222}table{border-collapse:collapse}")
          .Append("td,th{border:1px solid #ccc;padding:.25rem .5rem;text-align:left}td.n{text-align:right}")
          .Append(".drift{color:#b00020;font-weight:bold}.ok{color:#1b7f3b;font-weight:bold}section.column{display:inline-block;vertical-align:top;width:600px;margin-right:1rem}section.column h3{margin-bottom:.2rem}section.column p{font-size:.9rem;margin:.2rem 0}</style></head><body>")
          .Append("<h1>Vigil drift</h1><ul>");
        foreach (var (k, v) in Facts(r)) sb.Append("<li><b>").Append(E(k)).Append(":</b> ").Append(E(v)).Append("</li>");
        sb.Append("</ul><p class=\"").Append(r.Dataset.Drifted ? "drift" : "ok").Append("\">").Append(E(Verdict(r))).Append("</p>");
        if (Concept(r) is { } concept) sb.Append("<p class=\"concept\"><b>Target and prediction:</b> ").Append(E(concept)).Append("</p>");
        sb.Append("<h2>Columns, most drifted first</h2>");
        HtmlTable(sb, "columns", Headers, ColumnRows(r), numeric: [3, 4, 5], flag: 6);
        var approx = ApproximationLines(r).ToList();
        if (approx.Count > 0)
        {
            sb.Append("<h3>").Append(E(ApproximationTitle)).Append("</h3><ul class=\"approximations\">");
            foreach (var line in approx) sb.Append("<li>").Append(E(line)).Append("</li>");
            sb.Append("</ul>");
        }
        if (r.Chunks is not null)
        {
            sb.Append("<h2>").Append(E(ChunkTitle(r))).Append("</h2>");
            HtmlTable(sb, "chunks", ChunkHeaders, ChunkRows(r), numeric: [1, 3], flag: 4);
        }
        if (r.Multivariate is { } mv)
        {
            sb.Append("<h2>Multivariate drift</h2><p>").Append(E(MultivariateLine(mv))).Append("</p>");
            HtmlTable(sb, "multivariate", MultivariateHeaders, MultivariateRows(mv), numeric: [1, 2], flag: 3);
        }
        sb.Append("<h2>Distributions, most drifted first</h2><p>Each chart shows the share of each side's values per bin or category (see its legend).</p>");
        foreach (var c in r.Columns)
        {
            sb.Append("<section class=\"column\" data-column=\"").Append(E(c.Name)).Append("\"><h3>").Append(E(c.Name)).Append(": ")
              .Append(c.Result is null ? E("not tested: " + c.Note) : c.Drifted ? "<span class=\"drift\">drift</span>" : "<span class=\"ok\">no drift</span>")
              .Append("</h3>");
            if (c.Result is { } res)
                sb.Append("<p>").Append(E($"{res.Method}: statistic {Fmt.Num(res.Statistic)}" +
                    (DriftMethods.IsTest(res.Method) ? $", p-value {Fmt.Num(res.PValue)}" : "") + $", threshold {Fmt.Num(res.Threshold)}; {c.Reason}")).Append("</p>");
            if (c.Distribution is { } d) sb.Append(Chart(c.Name, d));
            sb.Append("</section>");
        }
        sb.Append("</body></html>\n");
        return sb.ToString();
    }
}
