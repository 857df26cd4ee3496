using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Segments;

/// <summary>One --by column as a SQL expression of its segment value (text, or NULL for a NULL value) and how it was
/// cut. <c>Cardinality</c>: about how many distinct segment values it has (NULL aside).</summary>
internal sealed record KeyColumn(SourceColumn Column, string Expr, SegmentColumn Info, long Cardinality)
{
    /// <summary>The values go into the main query as they are; more than maxValues there are capped afterwards.</summary>
    public bool CapLater { get; init; }
}

/// <summary>
/// Turns the --by columns into segment values. Text and boolean columns (and numerical ones with at most as many
/// distinct values as buckets) are segmented by value; beyond the <c>MaxValues</c> most frequent values of a column,
/// the rest form one "(other)" segment. Numerical columns are cut at their quantiles (the engine's
/// <c>quantile_cont</c>/<c>percentile_cont</c>, i.e. linear interpolation): integer columns at the quantile rounded
/// up, others at the quantile rounded to three significant digits, so that the labels ("[12, 30)") are the edges.
/// Numerical columns cost one aggregate pass (distinct count, range, quantiles); text columns none, unless one has
/// more than <c>maxValues</c> distinct values among the first rows, which costs a grouped pass for its most frequent
/// values.
/// </summary>
internal static class SegmentKeys
{
    public const string Other = "(other)";

    public static IReadOnlyList<KeyColumn> Resolve(OpenedSource source, RoleExpressions x, IReadOnlyList<string> names, int buckets, int maxValues, int probeRows)
    {
        var cols = new List<SourceColumn>();
        foreach (var n in names)
        {
            var c = source.Columns.FirstOrDefault(c => c.Name == n)
                ?? throw new VigilInputException($"{source.Description}: --by column '{n}' not found; columns are: {string.Join(", ", source.Columns.Select(c => c.Name))}");
            if (cols.Any(k => k.Name == c.Name)) throw new VigilInputException($"--by: column '{n}' is named twice");
            cols.Add(c);
        }
        var d = source.Engine.Dialect;
        // Numerical columns: distinct count, range and quantiles over every row (a pass only when there are any).
        // The quantiles of a column are one aggregate (its values gathered once), read back element by element.
        var aggs = new List<string>();
        var outer = new List<string>();
        var ps = Enumerable.Range(1, Math.Max(0, buckets - 1)).Select(q => (double)q / buckets).ToList();
        for (var i = 0; i < cols.Count; i++)
        {
            var c = cols[i];
            if (!IsNumeric(c)) continue;
            var v = x.Number(c, "--by");
            aggs.Add($"{d.ApproxCountDistinct(v)} AS d{i}_");
            // Aggregates skip NULLs, so a CASE without ELSE keeps only the finite values (in every dialect).
            var finite = $"CASE WHEN {v} > -1e308 AND {v} < 1e308 THEN {v} END";
            aggs.Add($"min({finite}) AS lo{i}_, max({finite}) AS hi{i}_");
            outer.Add($"d{i}_, lo{i}_, hi{i}_");
            if (ps.Count == 0) continue;
            aggs.Add($"{d.Quantiles(finite, ps)} AS ql{i}_");
            for (var q = 1; q < buckets; q++) outer.Add($"ql{i}_[{q.ToString(CultureInfo.InvariantCulture)}] AS q{i}_{q}");
        }
        var t = aggs.Count > 0 ? source.Engine.Query($"SELECT {string.Join(", ", outer)} FROM (SELECT {string.Join(", ", aggs)} FROM {source.Relation}) a") : null;
        // Text and boolean columns: distinct values among the first rows only (no pass over the data). A column with
        // more than maxValues there is capped in SQL (one grouped pass for its most frequent values); the others go
        // into the main query as they are, and are capped afterwards if more values turn up (SegmentsAnalysis).
        var texts = Enumerable.Range(0, cols.Count).Where(i => !IsNumeric(cols[i])).ToList();
        Table? probe = null;
        if (texts.Count > 0)
        {
            var list = string.Join(", ", texts.Select(i => $"count(DISTINCT {x.Text(cols[i])}) AS p{i}_"));
            var head = string.Join(", ", texts.Select(i => x.Col(cols[i])).Distinct());
            probe = source.Engine.Query($"SELECT {list} FROM (SELECT {head} FROM {source.Relation} LIMIT {probeRows.ToString(CultureInfo.InvariantCulture)}) h");
        }
        var result = new List<KeyColumn>();
        for (var i = 0; i < cols.Count; i++)
        {
            var c = cols[i];
            if (!IsNumeric(c))
            {
                var seen = probe!.GetInt64(probe.IndexOf($"p{i}_"), 0);
                result.Add(seen > maxValues ? Values(source, x, c, maxValues) : new KeyColumn(c, x.Text(c), new SegmentColumn(c.Name, "values", [], 0), seen) { CapLater = true });
                continue;
            }
            var distinct = t!.IsNull(t.IndexOf($"d{i}_"), 0) ? 0 : t.GetInt64(t.IndexOf($"d{i}_"), 0);
            if (distinct > buckets && !t.IsNull(t.IndexOf($"lo{i}_"), 0))
            {
                var lo = t.GetDouble(t.IndexOf($"lo{i}_"), 0);
                var hi = t.GetDouble(t.IndexOf($"hi{i}_"), 0);
                var edges = new List<double>();
                for (var q = 1; q < buckets; q++)
                {
                    var col = t.IndexOf($"q{i}_{q}");
                    if (t.IsNull(col, 0)) continue;
                    var e = Edge(t.GetDouble(col, 0), c.Kind == ColumnKind.Int64);
                    if (e > lo && e <= hi && (edges.Count == 0 || e > edges[^1])) edges.Add(e);
                }
                if (edges.Count > 0)
                {
                    result.Add(Quantiles(x, c, lo, hi, edges));
                    continue;
                }
            }
            result.Add(new KeyColumn(c, x.Text(c), new SegmentColumn(c.Name, "values", [], 0), Math.Max(1, distinct)) { CapLater = true });
        }
        // Each key's SQL from the one slicing layer: a column as it is, or the expression that buckets or caps it.
        var parts = result.Select(k => k.Expr == x.Text(k.Column) ? (SegmentPart)new ColumnSegment(k.Column.Name) : new ExpressionSegment(k.Column.Name, k.Expr)).ToList();
        var slicer = Slicer.For(new SliceSpec { SegmentBy = parts }, source);
        return [.. result.Select((k, i) => k with { Expr = slicer.SegmentSql[i] })];
    }

    private static bool IsNumeric(SourceColumn c) => c.Kind is ColumnKind.Int64 or ColumnKind.Double;

    /// <summary>A bucket edge from a quantile: rounded up for integers, else to three significant digits.</summary>
    internal static double Edge(double q, bool integer)
    {
        if (integer) return Math.Ceiling(q);
        if (q == 0 || !double.IsFinite(q)) return q;
        var digits = 2 - (int)Math.Floor(Math.Log10(Math.Abs(q)));
        return digits is >= 0 and <= 15 ? Math.Round(q, digits, MidpointRounding.AwayFromZero)
            : double.Parse(q.ToString("G3", CultureInfo.InvariantCulture), CultureInfo.InvariantCulture);
    }

    internal static string Num(double v) => v.ToString(Math.Abs(v) >= 1e6 || v != Math.Round(v, 6) ? "G4" : "0.######", CultureInfo.InvariantCulture);

    private static KeyColumn Quantiles(RoleExpressions x, SourceColumn c, double lo, double hi, List<double> edges)
    {
        var d = x.Dialect;
        var v = x.Number(c, "--by");
        var labels = new List<string>();
        var bounds = new List<double> { lo };
        bounds.AddRange(edges);
        bounds.Add(hi);
        var cases = new List<string>();
        for (var b = 0; b < bounds.Count - 1; b++)
        {
            var last = b == bounds.Count - 2;
            var label = $"[{Num(bounds[b])}, {Num(bounds[b + 1])}{(last ? "]" : ")")}";
            labels.Add(label);
            if (!last) cases.Add($"WHEN {v} < {Literal(bounds[b + 1])} THEN {d.StringLiteral(label)}");
            else cases.Add($"ELSE {d.StringLiteral(label)}");
        }
        var expr = $"(CASE WHEN {v} IS NULL OR {v} = CAST('NaN' AS {d.Double}) THEN NULL {string.Join(" ", cases)} END)";
        return new KeyColumn(c, expr, new SegmentColumn(c.Name, "quantiles", labels, 0), labels.Count);
    }

    private static string Literal(double v) => v.ToString("R", CultureInfo.InvariantCulture) is var s && (s.Contains('E') || s.Contains('.')) ? s : s + ".0";

    private static KeyColumn Values(OpenedSource source, RoleExpressions x, SourceColumn c, int maxValues)
    {
        var text = x.Text(c);
        var groups = $"SELECT {text} AS v_, count(*) AS n_ FROM {source.Relation} WHERE {text} IS NOT NULL GROUP BY {text}";
        var limit = $"ORDER BY n_ DESC, v_ LIMIT {maxValues.ToString(CultureInfo.InvariantCulture)}";
        // The number of values beside the most frequent ones: a window over the groups, or (without window functions)
        // a second count.
        var t = source.Dialect.HasWindowFunctions
            ? source.Engine.Query($"SELECT v_, n_, count(*) OVER () AS d_ FROM ({groups}) g {limit}")
            : source.Engine.Query($"SELECT v_, n_ FROM ({groups}) g {limit}");
        var kept = new List<string>();
        for (var r = 0; r < t.RowCount; r++) kept.Add(t.GetString(0, r)!);
        var total = t.RowCount == 0 ? 0
            : source.Dialect.HasWindowFunctions ? t.GetInt64(2, 0)
            : source.Engine.Query($"SELECT count(*) FROM ({groups}) g").GetInt64(0, 0);
        if (total <= maxValues) return new KeyColumn(c, text, new SegmentColumn(c.Name, "values", [], 0), total);
        var d = source.Engine.Dialect;
        var expr = $"(CASE WHEN {text} IS NULL THEN NULL WHEN {text} IN ({string.Join(", ", kept.Select(d.StringLiteral))}) THEN {text} ELSE {d.StringLiteral(Other)} END)";
        return new KeyColumn(c, expr, new SegmentColumn(c.Name, "values", kept, total - kept.Count), kept.Count + 1);
    }
}
