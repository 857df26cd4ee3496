using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

/// <summary>What to compare and how.</summary>
public sealed record DriftOptions
{
    /// <summary>Columns to compare (default: every column both sides hold, but for the id, the timestamp and date or
    /// time columns).</summary>
    public IReadOnlyList<string>? Columns { get; init; }
    /// <summary>One method for every column (default: Evidently's automatic choice per column).</summary>
    public string? Method { get; init; }
    /// <summary>One threshold for every column (default: the method's).</summary>
    public double? Threshold { get; init; }
    /// <summary>Per-column method and/or threshold, over <see cref="Method"/> and <see cref="Threshold"/>.</summary>
    public IReadOnlyDictionary<string, (string? Method, double? Threshold)> PerColumn { get; init; } =
        new Dictionary<string, (string?, double?)>();
    /// <summary>The dataset drifted when at least this share of its columns drifted.</summary>
    public double DriftShare { get; init; } = 0.5;
}

/// <summary>
/// Data drift between a reference and a current source: each side's engine counts every column's distinct values
/// (one grouping-sets pass) and nulls (one aggregate pass); only those counts leave the engine, and every statistic is
/// computed from them exactly (<see cref="DriftMethods"/>).
/// </summary>
internal static class DriftAnalysis
{
    public static DriftResult Run(OpenedSource reference, OpenedSource current, DriftOptions options, IAnalysisProgress? progress = null)
    {
        progress ??= NoProgress.Instance;
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.DriftShare is > 0 and <= 1)) throw new VigilInputException($"--drift-share: {options.DriftShare} is not in (0, 1]");
        var columns = SelectColumns(reference, current, options);
        if (columns.Count == 0) throw new VigilInputException($"no columns to compare: {reference.Description} and {current.Description} share no columns besides the id and timestamps");
        foreach (var (name, (method, _)) in options.PerColumn)
        {
            if (!columns.Any(c => c.Name == name)) throw new VigilInputException($"--per-column: no column '{name}' among the compared columns ({string.Join(", ", columns.Select(c => c.Name))})");
            if (method is not null) CheckMethod(method, "--per-column");
        }
        if (options.Method is not null) CheckMethod(options.Method, "--method");

        progress.Stage($"Counting values in {reference.Description}");
        var (refRows, refCounts) = Count(reference, columns);
        progress.Stage($"Counting values in {current.Description}");
        var (curRows, curCounts) = Count(current, columns);
        if (refRows == 0) throw new VigilInputException($"{reference.Description}: no rows");
        if (curRows == 0) throw new VigilInputException($"{current.Description}: no rows");

        progress.Stage("Testing columns");
        var results = new List<ColumnDrift>();
        for (var k = 0; k < columns.Count; k++)
        {
            var col = columns[k];
            var values = Merge(col.Type, refCounts[k], curCounts[k]);
            options.PerColumn.TryGetValue(col.Name, out var over);
            string method, reason;
            var named = true;
            if (over.Method is not null) (method, reason) = (over.Method, "chosen for this column (--per-column)");
            else if (options.Method is not null) (method, reason) = (options.Method, "chosen (--method)");
            else
            {
                named = false;
                (method, reason) = values.ReferenceTotal == 0 || values.CurrentTotal == 0 ? ("none", "no values") : DriftMethodChooser.Choose(values);
            }
            var threshold = over.Threshold ?? options.Threshold;
            DriftTestResult? result = null;
            string? note = null;
            if (method == "none") note = "no values to compare";
            else if (DriftMethods.Refusal(method, values, named) is { } refusal) note = refusal;
            else result = DriftMethods.Run(method, values, threshold, named);
            results.Add(new ColumnDrift
            {
                Name = col.Name,
                Type = col.Type,
                Method = method,
                Reason = reason,
                Result = result,
                ReferenceMissing = refCounts[k].Missing,
                CurrentMissing = curCounts[k].Missing,
                DistinctValues = values.Count,
                Note = note,
            });
        }
        var tested = results.Count(r => r.Result is not null);
        var drifted = results.Count(r => r.Drifted);
        var share = tested == 0 ? 0 : (double)drifted / tested;
        return new DriftResult
        {
            Reference = new SourceInfo(reference.Description, reference.Engine.Name, reference.Columns.Select(c => c.Name).ToArray()),
            Current = new SourceInfo(current.Description, current.Engine.Name, current.Columns.Select(c => c.Name).ToArray()),
            ReferenceRows = refRows,
            CurrentRows = curRows,
            Dataset = new DatasetDrift(tested > 0 && share >= options.DriftShare, share, drifted, tested, options.DriftShare),
            Columns = results.OrderByDescending(r => r.Drifted).ThenByDescending(Severity).ThenBy(r => r.Name, StringComparer.Ordinal).ToList(),
        };
    }

    /// <summary>How far past (above 1) or short of (below 1) its threshold a column is: distance / threshold, or
    /// log p / log threshold for tests.</summary>
    internal static double Severity(ColumnDrift c)
    {
        if (c.Result is not { } r || r.Statistic is not { } s) return double.NegativeInfinity;
        if (r.PValue is { } p) return p <= 0 ? double.PositiveInfinity : Math.Log(p) / Math.Log(r.Threshold);
        return r.Threshold == 0 ? double.PositiveInfinity : s / r.Threshold;
    }

    private static void CheckMethod(string method, string flag)
    {
        if (!DriftMethods.Names.Contains(method))
            throw new VigilInputException($"{flag}: '{method}' is not a drift method; expected one of {string.Join(", ", DriftMethods.Names)}");
    }

    internal sealed record Column(string Name, ColumnType Type, SourceColumn Reference, SourceColumn Current);

    private static List<Column> SelectColumns(OpenedSource reference, OpenedSource current, DriftOptions options)
    {
        var cur = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var list = new List<Column>();
        if (options.Columns is { Count: > 0 } wanted)
        {
            foreach (var name in wanted)
            {
                var r = reference.Columns.FirstOrDefault(c => c.Name == name)
                        ?? throw new VigilInputException($"--columns: {reference.Description} has no column '{name}'; it has: {string.Join(", ", reference.Columns.Select(c => c.Name))}");
                if (!cur.TryGetValue(name, out var c))
                    throw new VigilInputException($"--columns: {current.Description} has no column '{name}'; it has: {string.Join(", ", current.Columns.Select(x => x.Name))}");
                list.Add(new Column(name, TypeOf(r, c), r, c));
            }
            return list;
        }
        foreach (var r in reference.Columns)
        {
            if (!cur.TryGetValue(r.Name, out var c)) continue;
            if (r.Name is MappingOptions.DefaultId or MappingOptions.DefaultTimestamp) continue;
            if (r.Kind == ColumnKind.Timestamp || c.Kind == ColumnKind.Timestamp) continue;
            list.Add(new Column(r.Name, TypeOf(r, c), r, c));
        }
        return list;
    }

    /// <summary>Numerical when both sides hold numbers; anything else is compared as categories (text).</summary>
    private static ColumnType TypeOf(SourceColumn r, SourceColumn c) =>
        r.Kind is ColumnKind.Double or ColumnKind.Int64 && c.Kind is ColumnKind.Double or ColumnKind.Int64
            ? ColumnType.Numerical
            : ColumnType.Categorical;

    /// <summary>One side's counts of one column: numbers or categories with their counts, and values left out.</summary>
    internal sealed class SideCounts
    {
        public List<double> Numbers { get; } = [];
        public List<long> NumberCounts { get; } = [];
        public Dictionary<string, long> Categories { get; } = new(StringComparer.Ordinal);
        public long Missing { get; set; }

        /// <summary>The numbers ascending, each once (the engine's groups may hold -0.0 and 0.0 apart).</summary>
        public (double[] Values, long[] Counts) SortedNumbers()
        {
            var v = Numbers.ToArray();
            var c = NumberCounts.ToArray();
            var idx = Enumerable.Range(0, v.Length).ToArray();
            Array.Sort(v, idx);
            var values = new List<double>(v.Length);
            var counts = new List<long>(v.Length);
            for (var i = 0; i < v.Length; i++)
            {
                if (values.Count > 0 && values[^1] == v[i]) counts[^1] += c[idx[i]];
                else
                {
                    values.Add(v[i] + 0.0);
                    counts.Add(c[idx[i]]);
                }
            }
            return (values.ToArray(), counts.ToArray());
        }
    }

    private static (long Rows, SideCounts[] Counts) Count(OpenedSource source, List<Column> columns)
    {
        var d = source.Engine.Dialect;
        var exprs = columns.Select((c, k) =>
        {
            var q = d.QuoteIdentifier(c.Name);
            return c.Type == ColumnType.Numerical ? $"CAST({q} AS {d.Double}) AS c{k}_" : $"{d.CastToText(q)} AS c{k}_";
        }).ToList();
        var inner = $"SELECT {string.Join(", ", exprs)} FROM {source.Relation}";
        var nulls = source.Engine.Query($"SELECT count(*) AS n_{string.Concat(columns.Select((_, k) => $", count(c{k}_) AS v{k}_"))} FROM ({inner}) s");
        var rows = nulls.GetInt64(0, 0);
        var counts = columns.Select(_ => new SideCounts()).ToArray();
        for (var k = 0; k < columns.Count; k++) counts[k].Missing = rows - nulls.GetInt64(k + 1, 0);
        if (rows == 0) return (0, counts);
        var sets = string.Join(", ", columns.Select((_, k) => $"(c{k}_)"));
        var keys = string.Join(", ", columns.Select((_, k) => $"c{k}_"));
        source.Engine.Stream($"SELECT {keys}, count(*) AS n_ FROM ({inner}) s GROUP BY GROUPING SETS ({sets})", null, chunk =>
        {
            var n = chunk.Int64s(columns.Count);
            for (var i = 0; i < chunk.RowCount; i++)
            {
                for (var k = 0; k < columns.Count; k++)
                {
                    if (chunk.IsNull(k, i)) continue;
                    var side = counts[k];
                    if (columns[k].Type == ColumnType.Numerical)
                    {
                        var x = chunk.GetDouble(k, i);
                        if (!double.IsFinite(x)) side.Missing += n[i];
                        else
                        {
                            side.Numbers.Add(x);
                            side.NumberCounts.Add(n[i]);
                        }
                    }
                    else
                    {
                        var s = chunk.GetString(k, i)!;
                        side.Categories[s] = side.Categories.GetValueOrDefault(s) + n[i];
                    }
                    break;
                }
            }
        });
        return (rows, counts);
    }

    private static ValueCounts Merge(ColumnType type, SideCounts r, SideCounts c)
    {
        if (type == ColumnType.Numerical)
        {
            // Merge the two ascending lists.
            var (rv, rc) = r.SortedNumbers();
            var (cv, cc) = c.SortedNumbers();
            var values = new List<double>(rv.Length + cv.Length);
            var refCounts = new List<long>(rv.Length + cv.Length);
            var curCounts = new List<long>(rv.Length + cv.Length);
            int i = 0, j = 0;
            while (i < rv.Length || j < cv.Length)
            {
                if (j == cv.Length || (i < rv.Length && rv[i] < cv[j])) { values.Add(rv[i]); refCounts.Add(rc[i++]); curCounts.Add(0); }
                else if (i == rv.Length || cv[j] < rv[i]) { values.Add(cv[j]); refCounts.Add(0); curCounts.Add(cc[j++]); }
                else { values.Add(rv[i]); refCounts.Add(rc[i++]); curCounts.Add(cc[j++]); }
            }
            return ValueCounts.Numerical(values.ToArray(), refCounts.ToArray(), curCounts.ToArray());
        }
        var cats = r.Categories.Keys.Union(c.Categories.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return ValueCounts.Categorical(cats, cats.Select(v => r.Categories.GetValueOrDefault(v)).ToArray(), cats.Select(v => c.Categories.GetValueOrDefault(v)).ToArray());
    }
}
