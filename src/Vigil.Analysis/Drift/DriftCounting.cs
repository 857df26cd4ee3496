using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

// Counting the values of each side: raw numbers streamed from DuckDB, grouping sets elsewhere and per chunk.
internal static partial class DriftAnalysis
{
    /// <summary>Stands for a missing category in the counting pass (a null would be ambiguous there).</summary>
    private const string MissingCategory = "\u0001vigil:missing\u0001";

    /// <summary>One pass over a source: every column's value counts, by grouping sets. Missing values are counted
    /// under a stand-in (NaN for numbers), so that every result row belongs to exactly one column; the rows come back
    /// narrow: the column's index, its value (a number or a text) and the count.</summary>
    internal static (long Rows, SideCounts[] Counts) Count(OpenedSource source, List<Column> columns)
    {
        var (rows, byChunk) = Count(source, columns, null);
        return (rows, byChunk.TryGetValue(0, out var counts) ? counts : columns.Select(_ => new SideCounts()).ToArray());
    }

    /// <summary>Columns counted in one grouping-sets pass at the most: each set holds a hash table of its column's
    /// values, so a wide table is read in batches (measured: 500 sets in one pass took minutes and 4.8 GB).</summary>
    internal const int ColumnsPerPass = 32;

    /// <summary>Columns per pass for a columnar source (Parquet, a table), where another pass costs little: smaller
    /// grouping-sets passes ran faster (1M + 1M rows x 24 columns of Parquet: 6.1–6.4 s in passes of 8 against
    /// 8.1–9.6 s in one pass of 24).</summary>
    internal const int ColumnarColumnsPerPass = 8;

    /// <summary>As above, per chunk when <paramref name="chunkExpr"/> (SQL over the source's columns giving a number,
    /// or null for a row with no chunk) is given; rows whose chunk is null are counted under NaN.</summary>
    private static (long Rows, Dictionary<double, SideCounts[]> Counts) Count(OpenedSource source, List<Column> columns, string? chunkExpr)
    {
        if (chunkExpr is null && source.Engine.InProcess)
        {
            var (n, sides) = Stream(source.Engine, source.Relation, columns);
            return (n, new Dictionary<double, SideCounts[]> { [0] = sides });
        }
        return CountGrouped(source, columns, chunkExpr);
    }

    /// <summary>Every column's value counts from the engine's grouping sets (per chunk when <paramref name="chunkExpr"/>
    /// is given), in passes of a few columns.</summary>
    private static (long Rows, Dictionary<double, SideCounts[]> Counts) CountGrouped(OpenedSource source, List<Column> columns, string? chunkExpr)
    {
        var byChunk = new Dictionary<double, SideCounts[]>();
        long rows = 0;
        // A text file read in several passes is parsed once into a temporary table first (measured on 200k rows x 500
        // columns: 16 parses of the CSV took 227 s).
        var relation = source.Relation;
        var text = relation.StartsWith("read_csv", StringComparison.Ordinal) || relation.StartsWith("read_json", StringComparison.Ordinal);
        var perPass = text ? ColumnsPerPass : ColumnarColumnsPerPass;
        var staged = columns.Count > perPass && text && source.Engine.InProcess;
        if (staged)
        {
            source.Engine.Execute($"CREATE OR REPLACE TEMP TABLE vigil_drift_side AS SELECT * FROM {relation}");
            relation = "vigil_drift_side";
        }
        try
        {
            for (var from = 0; from < columns.Count; from += perPass)
            {
                var batch = columns.Skip(from).Take(perPass).ToList();
                var (batchRows, counts) = CountBatch(source.Engine, relation, batch, chunkExpr);
                if (from == 0) rows = batchRows;
                foreach (var (key, sides) in counts)
                {
                    if (!byChunk.TryGetValue(key, out var all)) byChunk[key] = all = columns.Select(_ => new SideCounts()).ToArray();
                    for (var k = 0; k < sides.Length; k++) all[from + k] = sides[k];
                }
            }
        }
        finally
        {
            if (staged) source.Engine.Execute("DROP TABLE IF EXISTS vigil_drift_side");
        }
        return (rows, byChunk);
    }

    /// <summary>One pass over an in-process source (DuckDB): numbers arrive raw and are sorted in .NET, categories are
    /// counted as they arrive. Sorting a column's values costs less than the engine's hash table of as many groups
    /// plus moving the (value, count) pairs, and the raw values take less memory than those groups.</summary>
    private static (long Rows, SideCounts[] Counts) Stream(IQueryEngine engine, string relation, List<Column> columns, long? rowsHint = null)
    {
        var d = engine.Dialect;
        var exprs = columns.Select((c, k) =>
        {
            var q = d.QuoteIdentifier(c.Name);
            return c.Type == ColumnType.Numerical
                ? $"coalesce(CAST({q} AS {d.Double}), CAST('NaN' AS {d.Double})) AS c{k}_"
                : $"{d.CastToText(q)} AS c{k}_";
        });
        var counts = columns.Select(_ => new SideCounts()).ToArray();
        if (rowsHint is > 0 && rowsHint.Value <= Array.MaxLength)
            for (var k = 0; k < columns.Count; k++)
                if (columns[k].Type == ColumnType.Numerical) counts[k].ExpectValues((int)rowsHint.Value);
        long rows = 0;
        engine.StreamUnordered($"SELECT {string.Join(", ", exprs)} FROM {relation}", [], chunk =>
        {
            var n = chunk.RowCount;
            rows += n;
            for (var k = 0; k < columns.Count; k++)
            {
                var side = counts[k];
                if (columns[k].Type == ColumnType.Numerical) side.AddValues(chunk.Doubles(k));
                else
                {
                    var ss = chunk.Strings(k);
                    string? last = null;
                    long run = 0;
                    // Runs of the same string instance (the reader reuses one for repeated values) count in one step.
                    for (var i = 0; i < ss.Length; i++)
                    {
                        var x = ss[i];
                        if (ReferenceEquals(x, last) && x is not null)
                        {
                            run++;
                            continue;
                        }
                        if (last is not null) System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(side.Categories, last, out _) += run;
                        if (x is null)
                        {
                            side.Missing++;
                            last = null;
                            run = 0;
                        }
                        else
                        {
                            last = x;
                            run = 1;
                        }
                    }
                    if (last is not null) System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(side.Categories, last, out _) += run;
                }
            }
        });
        return (rows, counts);
    }

    private static (long Rows, Dictionary<double, SideCounts[]> Counts) CountBatch(IQueryEngine engine, string relation, List<Column> columns, string? chunkExpr)
    {
        var d = engine.Dialect;
        var exprs = columns.Select((c, k) =>
        {
            var q = d.QuoteIdentifier(c.Name);
            return c.Type == ColumnType.Numerical
                ? $"coalesce(CAST({q} AS {d.Double}), CAST('NaN' AS {d.Double})) AS c{k}_"
                : $"coalesce({d.CastToText(q)}, CAST($1 AS {d.Text})) AS c{k}_";
        }).ToList();
        var chunked = chunkExpr is not null;
        var inner = $"SELECT {string.Join(", ", exprs)}{(chunked ? $", coalesce(CAST({chunkExpr} AS {d.Double}), CAST('NaN' AS {d.Double})) AS p_" : "")} FROM {relation}";
        var byChunk = new Dictionary<double, SideCounts[]>();
        SideCounts[] CountsOf(double key)
        {
            if (!byChunk.TryGetValue(key, out var c)) byChunk[key] = c = columns.Select(_ => new SideCounts()).ToArray();
            return c;
        }
        // One grouping set per column (with the chunk when chunked): set k counts column k's values.
        var keys = columns.Select((_, k) => $"c{k}_").ToList();
        if (chunked) keys.Add("p_");
        var sets = columns.Select((_, k) => (IReadOnlyList<int>)(chunked ? [k, columns.Count] : [k])).ToList();
        var nums = columns.Select((c, k) => (c, k)).Where(x => x.c.Type == ColumnType.Numerical).Select(x => $"c{x.k}_").ToList();
        var texts = columns.Select((c, k) => (c, k)).Where(x => x.c.Type == ColumnType.Categorical).Select(x => $"c{x.k}_").ToList();
        string Coalesce(List<string> keys, string type) => keys.Count switch
        {
            0 => $"CAST(NULL AS {type})",
            1 => keys[0],
            _ => $"coalesce({string.Join(", ", keys)})",
        };
        long rows = 0;
        engine.Stream(
            $"SELECT set_ AS k_, {Coalesce(nums, d.Double)} AS v_, {Coalesce(texts, d.Text)} AS s_, n_, {(chunked ? "p_" : "CAST(0 AS " + d.Double + ")")} AS q_ FROM (" +
            d.GroupingSets($"({inner}) s", keys, sets, [("count(*)", "n_")]) + ") g", texts.Count > 0 ? [MissingCategory] : [], chunk =>
        {
            var ks = chunk.Int64s(0);
            var vs = chunk.Doubles(1);
            var n = chunk.Int64s(3);
            var ps = chunk.Doubles(4);
            SideCounts[]? counts = null;
            var lastKey = double.NaN;
            for (var i = 0; i < chunk.RowCount; i++)
            {
                var k = (int)ks[i];
                if (k == 0) rows += n[i];
                var key = ps[i];
                if (counts is null || !(key == lastKey || (double.IsNaN(key) && double.IsNaN(lastKey))))
                {
                    counts = CountsOf(double.IsNaN(key) ? double.NaN : key);
                    lastKey = key;
                }
                var side = counts[k];
                if (columns[k].Type == ColumnType.Numerical)
                {
                    var x = vs[i];
                    if (!double.IsFinite(x)) side.Missing += n[i];
                    else side.Add(x, n[i]);
                }
                else
                {
                    var s = chunk.GetString(2, i)!;
                    if (s == MissingCategory) side.Missing += n[i];
                    else side.Categories[s] = side.Categories.GetValueOrDefault(s) + n[i];
                }
            }
        });
        return (rows, byChunk);
    }
}
