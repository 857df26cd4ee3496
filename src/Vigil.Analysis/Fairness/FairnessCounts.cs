using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Fairness;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Fairness;

/// <summary>The groups of one attribute (a sensitive column, or the intersection of all of them).</summary>
/// <param name="Attribute">The column's name, or the columns' names joined by '&amp;'.</param>
/// <param name="Frame">Every group's metrics (one per value, values of an intersection joined by '&amp;', in ordinal
/// order with "(missing)" last) and the overall row.</param>
/// <param name="Groups">The groups' positives and negatives per distinct score, kept only for the attribute the
/// mitigation needs them for; null otherwise.</param>
internal sealed record AttributeCounts(string Attribute, GroupMetricFrame Frame, IReadOnlyList<GroupCounts>? Groups);

/// <summary>
/// The engine half of <c>vigil fairness</c>: a census (rows, rows without a score, without a label, with a label that is
/// not 0/1, and each sensitive column's distinct values), then one query that reduces the log to (group, distinct score)
/// → positives, negatives over <c>GROUPING SETS</c> of each sensitive column alone and all of them together, streamed
/// in group-then-descending-score order under a memory budget (DuckDB sorts and spills past it, as compare's walk does),
/// with one more set, all rows by score, for the overall row. Each group's metrics are computed when its last score
/// arrives and its counts let go of (except the mitigated attribute's), so .NET holds one group's counts at a time plus
/// the overall table, not the whole stream. A NULL sensitive value is a group of its own, <see cref="Missing"/>.
/// </summary>
internal static class FairnessCounts
{
    /// <summary>The group of rows whose sensitive value is NULL.</summary>
    public const string Missing = "(missing)";

    /// <summary>Joins the names and values of an intersection.</summary>
    public const string Join = "&";

    internal sealed record Census(long Rows, long NoScore, long NoLabel, long BadLabel, long[] Distinct)
    {
        /// <summary>Each sensitive column's values (when it has at most <see cref="MaxListed"/>), in ordinal order.</summary>
        public string[][] Values { get; init; } = [];
    }

    /// <summary>The census lists a column's values up to this many (more is refused anyway).</summary>
    public const int MaxListed = 10_000;

    private const string Separator = "\u001f";

    /// <summary>The role expressions: s_ (score, NULL when missing or not finite), y_ (0/1 or NULL), l_ (the raw label
    /// is present), g{i}_ (each sensitive column as text, <see cref="Missing"/> for NULL).</summary>
    public static string Base(OpenedSource source, RoleExpressions x, SourceColumn score, SourceColumn label, IReadOnlyList<SourceColumn> sensitive)
    {
        var d = source.Dialect;
        var s = x.StrictNumber(score, "--score");
        var groups = string.Concat(sensitive.Select((c, i) => $", coalesce({x.Text(c)}, {d.StringLiteral(Missing)}) AS g{i}_"));
        return $"SELECT CASE WHEN abs({s}) < 1e308 THEN {s} END AS s_, {x.BinaryLabel(label)} AS y_, " +
               $"CASE WHEN {x.Col(label)} IS NULL THEN 0 ELSE 1 END AS l_{groups} FROM {source.Relation}";
    }

    public static Census Take(OpenedSource source, string baseSql, int sensitive)
    {
        var d = source.Dialect;
        var sep = d.StringLiteral(Separator);
        // each column's values too, for the codes the pass streams instead of the texts, in the same scan (a column with
        // more than MaxGroups values is refused by the caller, and its list is not read)
        var distinct = string.Concat(Enumerable.Range(0, sensitive).Select(i => $", count(DISTINCT g{i}_) AS d{i}_"));
        var lists = string.Concat(Enumerable.Range(0, sensitive).Select(i => $", {d.StringAggDistinct($"g{i}_", sep)} AS v{i}_"));
        var t = source.Engine.Query(
            $"SELECT count(*) AS n_, {d.CountIf("s_ IS NULL")} AS ns_, {d.CountIf("s_ IS NOT NULL AND l_ = 0")} AS nl_, " +
            $"{d.CountIf("s_ IS NOT NULL AND l_ = 1 AND y_ IS NULL")} AS bl_{distinct}{lists} FROM ({baseSql}) b");
        var dc = new long[sensitive];
        var values = new string[sensitive][];
        for (var i = 0; i < sensitive; i++)
        {
            dc[i] = t.GetInt64(4 + i, 0);
            var col = 4 + sensitive + i;
            values[i] = dc[i] > MaxListed || t.IsNull(col, 0) ? [] : [.. t.GetString(col, 0)!.Split(Separator).Order(StringComparer.Ordinal)];
        }
        return new Census(t.GetInt64(0, 0), t.GetInt64(1, 0), t.GetInt64(2, 0), t.GetInt64(3, 0), dc) { Values = values };
    }

    /// <summary>A few of the label's values that are not 0/1, for the error message.</summary>
    public static IReadOnlyList<string> BadLabels(OpenedSource source, RoleExpressions x, SourceColumn label)
    {
        var y = x.BinaryLabel(label);
        var t = source.Engine.Query($"SELECT DISTINCT {x.Text(label)} AS v_ FROM {source.Relation} WHERE {x.Col(label)} IS NOT NULL AND {y} IS NULL ORDER BY v_ LIMIT 5");
        return [.. Enumerable.Range(0, t.RowCount).Select(r => t.GetString(0, r) ?? "")];
    }

    /// <summary>
    /// One pass over the rows in descending score, each sensitive value streamed as its code: every row feeds a
    /// <see cref="BinaryScoreAccumulator"/> per group it belongs to (its value of each attribute, its intersection, and
    /// the overall row), the rows of one score pooled first. The confusion counts at the threshold and the exact ROC AUC
    /// of every group come out of one sort, and memory is one accumulator per group, not a table per group. The
    /// (score, positives, negatives) of <paramref name="keep"/>'s groups are kept (the mitigation's attribute needs every
    /// threshold).
    /// </summary>
    public static List<AttributeCounts> Count(OpenedSource source, string baseSql, IReadOnlyList<string> names, bool intersection, FairnessOptions fo, string? keep,
        IReadOnlyList<string[]> values)
    {
        var k = names.Count;
        var d = source.Dialect;
        var withIntersection = intersection && k > 1;
        var attributes = names.Append(string.Join(Join, names)).ToArray();
        // slots: each attribute's values, then the intersection's (mixed radix), then the overall row
        var offset = new int[k + 1];
        for (var i = 0; i < k; i++) offset[i + 1] = offset[i] + values[i].Length;
        var cross = 1L;
        for (var i = 0; i < k; i++) cross *= Math.Max(1, values[i].Length);
        var crossSlots = withIntersection ? checked((int)cross) : 0;
        var overallSlot = offset[k] + crossSlots;
        var slots = overallSlot + 1;
        var options = new BinaryMetricOptions { Threshold = fo.Threshold, MaxCurvePoints = 4 };
        var acc = new BinaryScoreAccumulator?[slots];
        var pending = new double[slots];
        var pendP = new long[slots];
        var pendN = new long[slots];
        var keptIndex = keep is null ? -1 : Array.IndexOf(attributes, keep);
        var kept = new Dictionary<int, (List<double> S, List<long> P, List<long> N)>();

        // The searched CASE (ClickHouse 18.16 answers NULL to every row of CASE x WHEN …).
        string Code(int i) => "CAST(CASE " + string.Concat(values[i].Select((v, j) => $"WHEN g{i}_ = {d.StringLiteral(v)} THEN {j.ToString(CultureInfo.InvariantCulture)} ")) + "END AS INTEGER)";
        // Rows of (score, groups, positives, negatives) by descending score. In process every row streams as one
        // positive or negative (sorting the rows costs less than grouping them); from a server, counts per distinct
        // (score, groups), so that no raw row crosses the wire.
        var codes = string.Concat(Enumerable.Range(0, k).Select(i => $", {Code(i)} AS c{i}_"));
        var sql = source.Engine.InProcess
            ? $"SELECT s_{codes}, CAST(y_ AS BIGINT) AS p_, CAST(1 - y_ AS BIGINT) AS n_ FROM ({baseSql}) b WHERE s_ IS NOT NULL AND y_ IS NOT NULL ORDER BY s_ DESC"
            : $"SELECT s_{codes}, {d.CountIf("y_ = 1")} AS p_, {d.CountIf("y_ = 0")} AS n_ FROM ({baseSql}) b WHERE s_ IS NOT NULL AND y_ IS NOT NULL " +
              $"GROUP BY s_{string.Concat(Enumerable.Range(0, k).Select(i => $", c{i}_"))} ORDER BY s_ DESC";

        void Flush(int slot)
        {
            if (pendP[slot] + pendN[slot] == 0) return;
            (acc[slot] ??= new BinaryScoreAccumulator(options)).Add(pending[slot], pendP[slot], pendN[slot]);
            if (kept.TryGetValue(slot, out var list))
            {
                list.S.Add(pending[slot]);
                list.P.Add(pendP[slot]);
                list.N.Add(pendN[slot]);
            }
            pendP[slot] = pendN[slot] = 0;
        }
        void Add(int slot, double score, long positives, long negatives)
        {
            if (pending[slot] != score)
            {
                Flush(slot);
                pending[slot] = score;
            }
            pendP[slot] += positives;
            pendN[slot] += negatives;
        }
        source.Engine.WithMemoryBudget(minimumMegabytes: 128, megabytesPerThread: 32, () =>
        {
            Array.Clear(acc);
            Array.Clear(pendP);
            Array.Clear(pendN);
            pending.AsSpan().Fill(double.NaN);
            kept.Clear();
            if (keptIndex >= 0 && keptIndex < k)
                for (var j = 0; j < values[keptIndex].Length; j++) kept[offset[keptIndex] + j] = ([], [], []);
            else if (keptIndex == k && withIntersection)
                for (var j = 0; j < crossSlots; j++) kept[offset[k] + j] = ([], [], []);
            var groupCodes = new long[k][];
            source.Engine.Stream(sql, null, chunk =>
            {
                var s = chunk.Doubles(0);
                for (var i = 0; i < k; i++) groupCodes[i] = chunk.Int64s(1 + i).ToArray();
                var pc = chunk.Int64s(1 + k);
                var nc = chunk.Int64s(2 + k);
                for (var r = 0; r < chunk.RowCount; r++)
                {
                    long p = pc[r], n = nc[r];
                    long mixed = 0;
                    for (var i = 0; i < k; i++)
                    {
                        var c = (int)groupCodes[i][r];
                        Add(offset[i] + c, s[r], p, n);
                        mixed = mixed * values[i].Length + c;
                    }
                    if (withIntersection) Add(offset[k] + (int)mixed, s[r], p, n);
                    Add(overallSlot, s[r], p, n);
                }
            });
            for (var slot = 0; slot < slots; slot++) Flush(slot);
        });

        GroupMetrics Metrics(int slot, string key)
        {
            if (acc[slot] is not { } a) return GroupFairnessMetrics.FromCounts(key, 0, 0, default, double.NaN, fo);
            var e = a.Finish();
            long p = e.Confusion.Tp + e.Confusion.Fn, n = e.Confusion.Fp + e.Confusion.Tn;
            return GroupFairnessMetrics.FromCounts(key, p, n, e.Confusion, e.Metrics.First(m => m.Name == "roc_auc").Value ?? double.NaN, fo);
        }
        GroupCounts? Counts(int slot, string key) =>
            kept.TryGetValue(slot, out var l) && l.S.Count > 0 ? new GroupCounts(key, [.. l.S], [.. l.P], [.. l.N]) : null;

        var overallMetrics = Metrics(overallSlot, GroupFairnessMetrics.OverallKey);
        var result = new List<AttributeCounts>(k + 1);
        for (var i = 0; i <= k; i++)
        {
            if (i == k && !withIntersection) break;
            var groups = new List<GroupMetrics>();
            var counts = new List<GroupCounts>();
            var n = i < k ? values[i].Length : crossSlots;
            for (var j = 0; j < n; j++)
            {
                var slot = offset[i] + j;
                if (acc[slot] is null) continue; // an intersection no row has
                string key;
                if (i < k) key = values[i][j];
                else
                {
                    var parts = new string[k];
                    var rest = j;
                    for (var a = k - 1; a >= 0; a--)
                    {
                        parts[a] = values[a][rest % values[a].Length];
                        rest /= values[a].Length;
                    }
                    key = string.Join(Join, parts);
                }
                groups.Add(Metrics(slot, key));
                if (Counts(slot, key) is { } c) counts.Add(c);
            }
            var frame = new GroupMetricFrame(fo.Threshold, fo.Confidence, fo.MinimumGroupSize, overallMetrics, Ordered(groups, m => m.Key));
            result.Add(new AttributeCounts(attributes[i], frame, attributes[i] == keep ? Ordered(counts, g => g.Key) : null));
        }
        return result;
    }

    /// <summary>Values in ordinal order, any containing "(missing)" after those that do not.</summary>
    private static List<T> Ordered<T>(List<T> groups, Func<T, string> key) =>
        [.. groups.OrderBy(g => key(g).Contains(Missing, StringComparison.Ordinal) ? 1 : 0).ThenBy(key, StringComparer.Ordinal)];

    internal static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
