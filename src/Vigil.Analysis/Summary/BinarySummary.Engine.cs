using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Internal;

namespace Vigil.Analysis.Summary;

// The binary summary on a server engine: every step an aggregate in the engine, the metrics from streamed tables.
internal static partial class BinarySummary
{
    /// <summary>
    /// The binary summary with the engine doing the work, for a server engine (PostgreSQL, a ClickHouse cluster), where
    /// shipping a row per prediction to .NET and holding it there (the in-process path) would make Vigil's memory grow with
    /// the rows. Counts, duplicates and examples are aggregates; the metrics are fed by two streamed tables of
    /// (version, period, score) and (version, score) groups with their positives and negatives, ordered so that each
    /// group's accumulator sees its scores from the highest down and is finished before the next group starts. Vigil
    /// holds one accumulator at a time: its memory does not grow with the rows or the distinct scores (the wire does, by
    /// one row per distinct score per group, which <c>--max-shipped-rows</c> bounds).
    /// The result is the in-process path's, but for one case that only file order can decide there: an id whose
    /// occurrences share its earliest timestamp and differ otherwise. Here the occurrence with the lowest
    /// (score, label, version) is the first.
    /// </summary>
    private static SummaryResult RunInEngine(Inputs input)
    {
        var (engine, source, cols, rowsSql, checks, asOf, options, progress) = input;
        var d = engine.Dialect;
        var name = source.Description;
        var hasId = cols.Id is not null;
        object?[] p = [asOf];

        // Every row with whether it passes the excluding checks (c_ = 1).
        var excluding = checks.Where(c => c.Excludes).Select(c => $"({c.Predicate})").ToList();
        var rel = $"(SELECT r.*, {(excluding.Count == 0 ? "1" : $"CASE WHEN {string.Join(" OR ", excluding)} THEN 0 ELSE 1 END")} AS c_ FROM ({rowsSql}) r)";

        progress.Stage($"Checking data quality of {name} (in the engine)");
        var profileItems = RawProfileItems(d, cols);
        var profileSql = "SELECT count(*) AS total_" +
                         string.Concat(SummaryAnalysis.ProfileAggregates(d, profileItems, distinct: false).Select(x => ", " + x)) +
                         $" FROM {source.Relation}";
        var profileCounts = engine.Query(profileSql);
        var countSql = $"SELECT count(*) AS total_, {d.CountIf("c_ = 0")} AS excluded_, count(DISTINCT ver_) AS versions_" +
                       string.Concat(checks.Select((c, i) => $", {d.CountIf(c.Predicate)} AS c{i}_")) + $" FROM {rel} g";
        var counts = engine.Query(countSql, p);
        var total = counts.GetInt64(0, 0);
        if (total == 0) throw new VigilInputException($"{name}: no rows");
        if (profileCounts.GetInt64(0, 0) != total)
            throw new InvalidOperationException($"the engine counted {total} rows in one pass and {profileCounts.GetInt64(0, 0)} in another");
        var profiles = SummaryAnalysis.ReadProfiles(profileCounts, 1, profileItems, total);
        var excludedByChecks = counts.GetInt64(1, 0);
        if (counts.GetInt64(2, 0) > MaxVersions)
            throw new VigilInputException($"{name}: more than {MaxVersions} distinct values in the model version column '{cols.Version?.Name}'; is it the right column (--version-column)?");

        var issues = new List<QualityIssue>();

        // Duplicates: the later occurrences of an id (earliest timestamp first), counted in the engine. The duplicated
        // ids are grouped once into a temporary table that every later step reads (grouping the ids is the costly part:
        // 276 s of ClickHouse's time at 100M rows).
        long dupCount = 0, dupOnlyExcluded = 0;
        const string DupTable = "vigil_dup_ids";
        const string Kept = "ver_, ts_, s_, y_, c_";
        var dupIds = $"SELECT id_ FROM {DupTable}";
        var firsts = d.FirstPerKey($"SELECT id_, {Kept} FROM {rel} k WHERE id_ {d.In} ({dupIds})", Kept, "id_",
            "ts_ NULLS LAST, s_, y_, ver_ NULLS FIRST, c_");
        if (hasId)
        {
            progress.Stage("Finding duplicates (in the engine)");
            engine.Execute($"DROP TABLE IF EXISTS {DupTable}");
            engine.Execute(d.CreateTempTableAs(DupTable, $"SELECT id_, count(*) AS n_ FROM ({rowsSql}) r WHERE id_ IS NOT NULL GROUP BY id_ HAVING count(*) > 1"));
            var dups = engine.Query($"SELECT count(*) AS ids_, CAST(coalesce(sum(n_), 0) AS BIGINT) AS rows_ FROM {DupTable}");
            dupCount = dups.GetInt64(1, 0) - dups.GetInt64(0, 0);
            if (dupCount > 0)
            {
                var clean = engine.Query($"SELECT count(*) FROM {rel} k WHERE c_ = 1 AND id_ {d.In} ({dupIds})", p).GetInt64(0, 0);
                var cleanFirsts = engine.Query($"SELECT count(*) FROM ({firsts}) f WHERE c_ = 1", p).GetInt64(0, 0);
                dupOnlyExcluded = clean - cleanFirsts;
                var ex = engine.Query($"SELECT id_ FROM {DupTable} ORDER BY id_ LIMIT {options.Examples.ToString(CultureInfo.InvariantCulture)}");
                issues.Add(new QualityIssue("duplicate_id", SummaryAnalysis.SeverityOf("duplicate_id"), dupCount,
                    SummaryAnalysis.Message("duplicate_id", dupCount, total, true, asOf, cols),
                    Enumerable.Range(0, ex.RowCount).Select(r => ex.GetString(0, r)!).ToArray(), cols.Id?.Name));
            }
        }

        // The checks, with the smallest ids of the rows that fail each.
        for (var i = 0; i < checks.Count; i++)
        {
            var n = counts.GetInt64(3 + i, 0);
            if (n == 0) continue;
            var (check, predicate, excludes) = checks[i];
            var examples = Array.Empty<string>();
            if (hasId && options.Examples > 0)
            {
                var ex = engine.Query($"SELECT DISTINCT coalesce(id_, {d.StringLiteral("(null id)")}) AS e_ FROM {rel} g WHERE {predicate} ORDER BY e_ " +
                                      $"LIMIT {options.Examples.ToString(CultureInfo.InvariantCulture)}", p);
                examples = Enumerable.Range(0, ex.RowCount).Select(r => ex.GetString(0, r)!).ToArray();
            }
            issues.Add(new QualityIssue(check, SummaryAnalysis.SeverityOf(check), n, SummaryAnalysis.Message(check, n, total, excludes, asOf, cols),
                examples, SummaryAnalysis.ColumnOf(check, cols)));
        }

        // Rows per period (valid timestamps up to --as-of, every row): missing periods, volume anomalies.
        progress.Stage("Counting rows per period (in the engine)");
        var periodExpr = TimeChunk.Of(options.Period).StartSql(d, "ts_");
        var perPeriod = engine.Query($"SELECT {periodExpr} AS p_, count(*) AS n_ FROM {rel} g WHERE ts_ IS NOT NULL AND ts_ <= $1 GROUP BY p_ ORDER BY p_", p);
        var starts = new List<DateTime>();
        var periodCounts = new List<double>();
        for (var r = 0; r < perPeriod.RowCount; r++)
        {
            starts.Add(SummaryAnalysis.Utc(perPeriod.GetDateTime(0, r)));
            periodCounts.Add(perPeriod.GetInt64(1, r));
        }
        var covered = SummaryAnalysis.Covered(starts, periodCounts, options.Period);
        issues.AddRange(SummaryAnalysis.PeriodIssues(starts, periodCounts, options,
            (low, high) => SummaryAnalysis.OutlierExamples(engine, $"({rowsSql})", hasId, asOf, low, high, options.Examples)));
        issues.AddRange(SummaryAnalysis.SchemaIssues(cols, ModelTask.Binary, issues));
        issues.AddRange(SummaryAnalysis.ColumnIssues(profiles, total, options));

        // The rows the metrics count: those that pass the checks, each id's first occurrence only.
        var metricRows = dupCount == 0
            ? $"SELECT {Kept} FROM {rel} k WHERE c_ = 1"
            : $"SELECT {Kept} FROM {rel} k WHERE c_ = 1 AND (id_ IS NULL OR NOT (id_ {d.In} ({dupIds}))) UNION ALL SELECT {Kept} FROM ({firsts}) f WHERE c_ = 1";
        // One table of (version, period, score) groups, ordered by version and score descending: each version's
        // accumulator takes every period's groups of a score at once, and each period's its own, as the scores pass.
        var groups = $"SELECT ver_, {periodExpr} AS p_, s_, {d.CountIf("y_ = 1")} AS pos_, {d.CountIf("y_ = 0")} AS neg_, count(*) AS n_ " +
                     $"FROM ({metricRows}) m GROUP BY ver_, p_, s_ ORDER BY ver_ NULLS FIRST, s_ DESC";
        var metricOptions = new BinaryMetricOptions { Threshold = options.Threshold };
        progress.Stage("Computing metrics per model version and period (in the engine)");
        var overall = new List<PeriodSummary>();
        var periods = new List<PeriodSummary>();
        var evaluations = new List<(string? Version, BinaryEvaluation Evaluation)>();
        StreamGroups(engine, groups, p, metricOptions, (version, start, e, rows, mean) =>
        {
            if (start is null) evaluations.Add((version, e));
            (start is null ? overall : periods).Add(SummaryAnalysis.Summarize(e, rows, mean, start, version));
        });
        issues.AddRange(FarFromBest(evaluations));
        if (hasId) engine.Execute($"DROP TABLE IF EXISTS {DupTable}"); // temporary anyway: gone with the session
        return Result(input, covered, total, excludedByChecks + dupOnlyExcluded, periods, overall, issues, profiles);
    }

    /// <summary>One running group's accumulator: the score it is counting, its positives and negatives so far, its rows
    /// and the sum of its scores.</summary>
    private sealed class RunningGroup(BinaryMetricOptions options)
    {
        private readonly BinaryScoreAccumulator _acc = new(options);
        private double _score = double.NaN;
        private long _pos, _neg;
        public long Rows;
        public NeumaierSum Sum;

        /// <summary>Adds a group of rows at score <paramref name="s"/>, which is not above the last one added.</summary>
        public void Add(double s, long pos, long neg, long rows)
        {
            if (Rows > 0 && s != _score)
            {
                _acc.Add(_score, _pos, _neg);
                (_pos, _neg) = (0, 0);
            }
            _score = s;
            _pos += pos;
            _neg += neg;
            Rows += rows;
            Sum.Add(s * rows);
        }

        public BinaryEvaluation Finish()
        {
            _acc.Add(_score, _pos, _neg);
            return _acc.Finish();
        }
    }

    /// <summary>Streams (version, period, score, positives, negatives, rows) groups ordered by version and score
    /// descending, and hands each version's evaluation (period null) and each (version, period)'s, with its row count and
    /// mean score, to <paramref name="onGroup"/> once the version's last score has passed. A version holds one
    /// accumulator for all its rows and one per period: the memory follows the periods, not the rows. -0.0 and 0.0
    /// (apart in some engines' groups) arrive side by side and count as one score.</summary>
    private static void StreamGroups(IQueryEngine engine, string sql, object?[] parameters, BinaryMetricOptions options,
        Action<string?, DateTime?, BinaryEvaluation, long, double> onGroup)
    {
        RunningGroup? all = null;
        var byPeriod = new Dictionary<DateTime, RunningGroup>();
        string? version = null;
        void Flush()
        {
            if (all is null) return;
            onGroup(version, null, all.Finish(), all.Rows, all.Sum.Value / all.Rows);
            foreach (var (start, g) in byPeriod) onGroup(version, start, g.Finish(), g.Rows, g.Sum.Value / g.Rows);
            all = null;
            byPeriod.Clear();
        }
        engine.Stream(sql, parameters, chunk =>
        {
            var ss = chunk.Doubles(2);
            var ps = chunk.Int64s(3);
            var ns = chunk.Int64s(4);
            var cs = chunk.Int64s(5);
            for (var i = 0; i < chunk.RowCount; i++)
            {
                var v = chunk.IsNull(0, i) ? null : chunk.GetString(0, i);
                var t = SummaryAnalysis.Utc(chunk.GetDateTime(1, i));
                var s = ss[i] == 0 ? 0 : ss[i]; // -0.0 as 0.0
                if (all is null || !string.Equals(v, version, StringComparison.Ordinal))
                {
                    Flush();
                    all = new RunningGroup(options);
                    version = v;
                }
                all.Add(s, ps[i], ns[i], cs[i]);
                if (!byPeriod.TryGetValue(t, out var g)) byPeriod[t] = g = new RunningGroup(options);
                g.Add(s, ps[i], ns[i], cs[i]);
            }
        });
        Flush();
    }
}
