using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Fairness;

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

    internal sealed record Census(long Rows, long NoScore, long NoLabel, long BadLabel, long[] Distinct);

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
        var distinct = string.Concat(Enumerable.Range(0, sensitive).Select(i => $", count(DISTINCT g{i}_) AS d{i}_"));
        var t = source.Engine.Query(
            "SELECT count(*) AS n_, count(*) FILTER (WHERE s_ IS NULL) AS ns_, count(*) FILTER (WHERE s_ IS NOT NULL AND l_ = 0) AS nl_, " +
            $"count(*) FILTER (WHERE s_ IS NOT NULL AND l_ = 1 AND y_ IS NULL) AS bl_{distinct} FROM ({baseSql}) b");
        var d = new long[sensitive];
        for (var i = 0; i < sensitive; i++) d[i] = t.GetInt64(4 + i, 0);
        return new Census(t.GetInt64(0, 0), t.GetInt64(1, 0), t.GetInt64(2, 0), t.GetInt64(3, 0), d);
    }

    /// <summary>A few of the label's values that are not 0/1, for the error message.</summary>
    public static IReadOnlyList<string> BadLabels(OpenedSource source, RoleExpressions x, SourceColumn label)
    {
        var y = x.BinaryLabel(label);
        var t = source.Engine.Query($"SELECT DISTINCT {x.Text(label)} AS v_ FROM {source.Relation} WHERE {x.Col(label)} IS NOT NULL AND {y} IS NULL ORDER BY v_ LIMIT 5");
        return [.. Enumerable.Range(0, t.RowCount).Select(r => t.GetString(0, r) ?? "")];
    }

    /// <summary>The one grouped query, streamed: each attribute alone, then (with two or more) the intersection. The
    /// counts of <paramref name="keep"/>'s groups are kept (the mitigation's attribute).</summary>
    public static List<AttributeCounts> Count(OpenedSource source, string baseSql, IReadOnlyList<string> names, bool intersection, FairnessOptions fo, string? keep)
    {
        var k = names.Count;
        var gs = Enumerable.Range(0, k).Select(i => $"g{i}_").ToList();
        var sets = gs.Select(g => $"({g}, s_)").ToList();
        var withIntersection = intersection && k > 1;
        if (withIntersection) sets.Add($"({string.Join(", ", gs)}, s_)");
        sets.Add("(s_)");
        var sql =
            $"SELECT CAST(GROUPING({string.Join(", ", gs)}) AS INTEGER) AS gid_, {string.Join(", ", gs)}, s_, " +
            "CAST(count(*) FILTER (WHERE y_ = 1) AS BIGINT) AS p_, CAST(count(*) FILTER (WHERE y_ = 0) AS BIGINT) AS n_ " +
            $"FROM ({baseSql}) b WHERE s_ IS NOT NULL AND y_ IS NOT NULL " +
            $"GROUP BY GROUPING SETS ({string.Join(", ", sets)}) " +
            $"ORDER BY gid_, {string.Join(", ", gs.Select(g => g + " NULLS FIRST"))}, s_ DESC";

        // GROUPING(g0_, …): bit k−1−i is set when g{i}_ is not grouped. Column i alone: every bit but its own.
        var all = (1 << k) - 1;
        var setOf = new Dictionary<int, int>();
        for (var i = 0; i < k; i++) setOf[all & ~(1 << (k - 1 - i))] = i;
        if (withIntersection) setOf[0] = k;
        var overallSet = k + 1;
        setOf[all] = overallSet;
        var attributes = names.Append(string.Join(Join, names)).ToArray();
        var metrics = new List<GroupMetrics>[k + 1];
        var kept = new List<GroupCounts>[k + 1];
        for (var i = 0; i <= k; i++) { metrics[i] = []; kept[i] = []; }
        GroupCounts? overall = null;

        var scores = new List<double>();
        var pos = new List<long>();
        var neg = new List<long>();
        var current = -1;
        string? currentKey = null;
        void Flush()
        {
            if (current < 0) return;
            var g = new GroupCounts(currentKey!, [.. scores], [.. pos], [.. neg]);
            if (current == overallSet) overall = g;
            else
            {
                metrics[current].Add(GroupFairnessMetrics.Compute([g], fo).ByGroup[0]);
                if (attributes[current] == keep) kept[current].Add(g);
            }
            scores.Clear();
            pos.Clear();
            neg.Clear();
        }
        var values = new string?[k];
        source.Engine.WithMemoryBudget(minimumMegabytes: 128, megabytesPerThread: 32, () =>
        {
            for (var i = 0; i <= k; i++) { metrics[i].Clear(); kept[i].Clear(); }
            overall = null;
            current = -1;
            scores.Clear();
            pos.Clear();
            neg.Clear();
            source.Engine.Stream(sql, null, chunk =>
            {
                var gid = chunk.Int64s(0);
                var s = chunk.Doubles(1 + k);
                var p = chunk.Int64s(2 + k);
                var n = chunk.Int64s(3 + k);
                for (var r = 0; r < chunk.RowCount; r++)
                {
                    var set = setOf[(int)gid[r]];
                    for (var i = 0; i < k; i++) values[i] = chunk.GetString(1 + i, r);
                    var key = set < k ? values[set]! : set == k ? string.Join(Join, values) : GroupFairnessMetrics.OverallKey;
                    if (set != current || !string.Equals(key, currentKey, StringComparison.Ordinal))
                    {
                        Flush();
                        current = set;
                        currentKey = key;
                    }
                    scores.Add(s[r]);
                    pos.Add(p[r]);
                    neg.Add(n[r]);
                }
            });
            Flush();
        });

        var overallMetrics = GroupFairnessMetrics.Compute(overall is null ? [] : [overall], fo).Overall;
        var result = new List<AttributeCounts>(k + 1);
        for (var i = 0; i <= k; i++)
        {
            if (i == k && !withIntersection) break;
            var frame = new GroupMetricFrame(fo.Threshold, fo.Confidence, fo.MinimumGroupSize, overallMetrics, Ordered(metrics[i], m => m.Key));
            result.Add(new AttributeCounts(attributes[i], frame, attributes[i] == keep ? Ordered(kept[i], g => g.Key) : null));
        }
        return result;
    }

    /// <summary>Values in ordinal order, any containing "(missing)" after those that do not.</summary>
    private static List<T> Ordered<T>(List<T> groups, Func<T, string> key) =>
        [.. groups.OrderBy(g => key(g).Contains(Missing, StringComparison.Ordinal) ? 1 : 0).ThenBy(key, StringComparer.Ordinal)];

    internal static string N(long v) => v.ToString("N0", CultureInfo.InvariantCulture);
}
