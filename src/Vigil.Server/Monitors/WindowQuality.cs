using System.Globalization;
using Vigil.Analysis.Drift;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;

namespace Vigil.Server.Monitors;

/// <summary>
/// The data quality of one model's predictions in a window (<c>GET /v1/models/{model}/quality</c>): nulls per feature,
/// number features outside the reference's range and categories the reference never saw (from the model's reference
/// profile, as the drift monitors read it), predictions that were errors, and predictions without a latency. The counts
/// are one aggregate query over the window and one grouped query per category feature; only they leave the engine.
/// </summary>
internal sealed class WindowQuality(PredictionStore store, WindowMetrics windows)
{
    /// <summary>A feature with at least this share of nulls is a warning (the summary's default, <c>--null-rate-warning</c>).</summary>
    public const double NullRateWarning = 0.05;
    /// <summary>At least this share of a feature's values out of range or unseen, or of predictions failed, is a warning.</summary>
    public const double ShareWarning = 0.01;
    /// <summary>At least this share of predictions failed is an error.</summary>
    public const double ErrorRateError = 0.10;

    private string Q(string identifier) => store.Dialect.QuoteIdentifier(identifier);

    public QualityJson Run(ModelConfig model, DateTime from, DateTime to)
    {
        var (reference, referenceNote) = Reference(model);
        var table = store.Rows(model.Name);
        var where = store.Where(from, to);
        static string Count(string condition) => $"count(CASE WHEN {condition} THEN 1 END)";

        // One scan: rows, errors, missing latency, and per feature its nulls and (numbers) its values out of range.
        var parts = new List<string> { "count(*)", Count("error"), Count("latency_ms IS NULL") };
        var ranges = new List<(FeatureSpec Feature, double Low, double High, int Column)>();
        foreach (var f in model.Features) parts.Add(Count($"{Q("f_" + f.Name)} IS NULL"));
        foreach (var f in model.Features.Where(f => f.Type == FeatureType.Number))
        {
            if (reference?.Columns.FirstOrDefault(c => c.Name == f.Name) is not { Numbers: { Count: > 0 } numbers }) continue;
            var (low, high) = (numbers.Min, numbers.Max);
            if (!double.IsFinite(low) || !double.IsFinite(high)) continue;
            ranges.Add((f, low, high, parts.Count));
            parts.Add(Count($"({Q("f_" + f.Name)} < {Number(low)} OR {Q("f_" + f.Name)} > {Number(high)})"));
        }
        using var engine = store.NewReader();
        var t = engine.Query($"SELECT {string.Join(", ", parts)} FROM {table} WHERE {where}");
        var rows = t.GetInt64(0, 0);
        if (rows == 0) return new QualityJson(model.Name, from, to, 0, reference?.Description, [], "no predictions in this window");

        var findings = new List<QualityFindingJson>();
        var errors = t.GetInt64(1, 0);
        if (errors > 0)
        {
            var rate = errors / (double)rows;
            findings.Add(new QualityFindingJson(rate >= ErrorRateError ? "error" : rate >= ShareWarning ? "warning" : "info", "errors", null, errors, rate,
                $"{errors:N0} of {rows:N0} predictions were errors ({Percent(rate)})"));
        }
        var noLatency = t.GetInt64(2, 0);
        if (noLatency > 0)
            findings.Add(new QualityFindingJson("info", "missing_latency", null, noLatency, noLatency / (double)rows,
                $"{noLatency:N0} of {rows:N0} predictions carry no latency_ms ({Percent(noLatency / (double)rows)})"));
        var nulls = new Dictionary<string, long>(StringComparer.Ordinal);
        for (var i = 0; i < model.Features.Count; i++)
        {
            var f = model.Features[i];
            var n = nulls[f.Name] = t.GetInt64(3 + i, 0);
            if (n == 0) continue;
            var rate = n / (double)rows;
            findings.Add(new QualityFindingJson(rate >= NullRateWarning ? "warning" : "info", "null_values", f.Name, n, rate,
                $"{n:N0} of {rows:N0} values of '{f.Name}' are null ({Percent(rate)})"));
        }
        foreach (var (f, low, high, column) in ranges)
        {
            var n = t.GetInt64(column, 0);
            if (n == 0) continue;
            var rate = n / (double)(rows - nulls[f.Name]);
            findings.Add(new QualityFindingJson(rate >= ShareWarning ? "warning" : "info", "out_of_range", f.Name, n, rate,
                $"{n:N0} values of '{f.Name}' ({Percent(rate)}) are outside the reference's range [{low.ToString("G6", CultureInfo.InvariantCulture)}, {high.ToString("G6", CultureInfo.InvariantCulture)}]"));
        }
        foreach (var f in model.Features.Where(f => f.Type == FeatureType.Category))
        {
            if (reference?.Columns.FirstOrDefault(c => c.Name == f.Name) is not { Categories: { } known }) continue;
            var col = Q("f_" + f.Name);
            var values = engine.Query($"SELECT {col}, count(*) FROM {table} WHERE {where} AND {col} IS NOT NULL GROUP BY {col} ORDER BY count(*) DESC, {col}");
            var unseen = new List<(string Value, long Count)>();
            for (var r = 0; r < values.RowCount; r++)
                if (values.GetString(0, r) is { } v && !known.ContainsKey(v)) unseen.Add((v, values.GetInt64(1, r)));
            if (unseen.Count == 0) continue;
            var n = unseen.Sum(u => u.Count);
            var rate = n / (double)(rows - nulls[f.Name]);
            var examples = string.Join(", ", unseen.Take(5).Select(u => $"'{u.Value}' ({u.Count:N0})")) + (unseen.Count > 5 ? $" and {unseen.Count - 5:N0} more" : "");
            findings.Add(new QualityFindingJson(rate >= ShareWarning ? "warning" : "info", "unseen_category", f.Name, n, rate,
                $"{n:N0} values of '{f.Name}' ({Percent(rate)}) are categories the reference never saw: {examples}"));
        }
        var order = findings.OrderBy(x => x.Severity switch { "error" => 0, "warning" => 1, _ => 2 }).ThenByDescending(x => x.Count)
            .ThenBy(x => x.Check, StringComparer.Ordinal).ThenBy(x => x.Column, StringComparer.Ordinal).ToList();
        return new QualityJson(model.Name, from, to, rows, reference?.Description, order, referenceNote);
    }

    /// <summary>The model's reference profile, or null and why (no reference, or it could not be read).</summary>
    private (ReferenceProfile? Profile, string? Note) Reference(ModelConfig model)
    {
        if (model.Reference is null) return (null, $"'{model.Name}' has no reference, so ranges and categories are not checked (set 'reference:' to a profile or a data file)");
        try
        {
            return (windows.Reference(model), null);
        }
        catch (VigilInputException e)
        {
            return (null, $"the reference could not be read, so ranges and categories are not checked: {e.Message}");
        }
    }

    private static string Number(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static string Percent(double rate) => rate.ToString("P2", CultureInfo.InvariantCulture);
}
