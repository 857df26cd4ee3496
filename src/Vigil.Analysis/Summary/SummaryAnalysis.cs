using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Quality;
using Vigil.Statistics.Regression;

namespace Vigil.Analysis.Summary;

/// <summary><c>vigil summary</c>. A binary classifier's summary runs in <see cref="BinarySummary"/> (two scans, no
/// working table). Regression and multiclass summaries scan the source once into a typed working table in the engine
/// and run a handful of aggregate queries over it: quality counts with column profiles, duplicates, rows per period,
/// and the metrics' sums or confusion counts per period and model version.</summary>
internal static class SummaryAnalysis
{
    private const string Base = "vigil_base";

    public static SummaryResult Run(OpenedSource source, SummaryOptions options, IAnalysisProgress? progress = null)
    {
        var result = Summarize(source, options, progress);
        // How the source was read: what opening it noticed, and the unit of a numeric timestamp column.
        var ts = source.Columns.FirstOrDefault(c => c.Name == result.Columns.Timestamp);
        var read = SourceFindings.Notes(source).ToList();
        if (SourceFindings.EpochTimestamp(source, ts) is { } epoch) read.Add(epoch);
        return read.Count == 0 ? result : result with
        {
            Quality = result.Quality with { Issues = BySeverity([.. result.Quality.Issues, .. read]) },
        };
    }

    private static SummaryResult Summarize(OpenedSource source, SummaryOptions options, IAnalysisProgress? progress)
    {
        progress ??= NoProgress.Instance;
        var engine = source.Engine;
        var d = engine.Dialect;
        var name = source.Description;
        if (engine.Query($"SELECT 1 FROM {source.Relation} LIMIT 1").RowCount == 0)
            throw new VigilInputException($"{name}: no rows");
        var cols = ColumnResolver.Resolve(source.Columns, options.Mapping, ColumnNeeds.ScoreOrPrediction | ColumnNeeds.Timestamp, name);
        var x = new RoleExpressions(d, name);
        var asOf = options.AsOf ?? DateTime.UtcNow;
        asOf = DateTime.SpecifyKind(asOf, DateTimeKind.Unspecified);

        progress.Stage("Detecting the task");
        ModelTask task = cols.Label is null
            ? (cols.Score is not null ? ModelTask.Binary : ModelTask.Regression)
            : TaskDetector.Detect(source, cols, options.Mapping.Task, x);
        var scoreCol = task == ModelTask.Binary ? cols.Score : cols.Prediction;
        if (scoreCol is null)
            throw new VigilInputException($"{name}: --task {task.ToString().ToLowerInvariant()} needs a prediction column ('{MappingOptions.DefaultPrediction}' or --prediction)");

        // 1. One scan into a typed working table.
        progress.Stage($"Reading {name}");
        var nan = $"CAST('NaN' AS {d.Double})";
        // DuckDB numbers a table's rows in insertion (file) order as rowid; PostgreSQL needs row_number().
        var rowId = d.RowId;
        var baseRel = rowId is not null ? $"(SELECT *, {rowId} AS rid_ FROM {Base})" : Base;
        var select = new List<string>
        {
            cols.Id is null ? "CAST(NULL AS VARCHAR) AS id_" : $"{x.Text(cols.Id)} AS id_",
            $"{x.Timestamp(cols.Timestamp!)} AS ts_",
            $"{x.Col(cols.Timestamp!)} IS NULL AS tsnull_",
            cols.Version is null ? "CAST(NULL AS VARCHAR) AS ver_" : $"{x.Text(cols.Version)} AS ver_",
            task == ModelTask.Multiclass ? $"{x.Text(scoreCol)} AS s_" : $"{x.Number(scoreCol, task == ModelTask.Binary ? "--score" : "--prediction")} AS s_",
            $"{x.Col(scoreCol)} IS NULL AS snull_",
        };
        if (cols.Label is { } label)
        {
            select.Add(task switch
            {
                ModelTask.Binary => $"{x.BinaryLabel(label)} AS y_",
                ModelTask.Regression => $"{x.Number(label, "--label")} AS y_",
                _ => $"{x.Text(label)} AS y_",
            });
            select.Add($"{x.Col(label)} IS NULL AS lnull_");
        }
        else
        {
            select.Add("CAST(NULL AS INTEGER) AS y_");
            select.Add("TRUE AS lnull_");
        }
        for (var i = 0; i < cols.Features.Count; i++) select.Add($"{x.Col(cols.Features[i])} AS f{i}_");

        // Each check's predicate over the working table; the first that fails names why a row is left out.
        var checks = new List<(string Check, string Predicate, bool Excludes)>
        {
            ("duplicate_id", "dup_", true),
            ("null_score", $"(snull_ OR s_ = {nan})", true),
            ("non_numeric_score", "(NOT snull_ AND s_ IS NULL)", true),
        };
        if (task == ModelTask.Binary) checks.Add(("score_out_of_range", $"((s_ < 0 OR s_ > 1) AND s_ <> {nan})", true));
        checks.Add(("invalid_label", "(NOT lnull_ AND y_ IS NULL)", true));
        checks.Add(("null_timestamp", "tsnull_", true));
        checks.Add(("unparseable_timestamp", "(NOT tsnull_ AND ts_ IS NULL)", true));
        checks.Add(("future_timestamp", "(ts_ > $1)", true));
        if (cols.Label is not null) checks.Add(("missing_label", "lnull_", false));
        if (task == ModelTask.Multiclass)
        {
            checks[1] = ("null_prediction", "snull_", true);
            checks.RemoveAll(c => c.Check == "non_numeric_score");
        }
        else if (task == ModelTask.Regression)
        {
            checks[1] = ("null_prediction", $"(snull_ OR s_ = {nan})", true);
            checks[2] = ("non_numeric_prediction", "(NOT snull_ AND s_ IS NULL)", true);
        }
        if (task == ModelTask.Binary)
            return BinarySummary.Run(new BinarySummary.Inputs(engine, source, cols,
                $"SELECT {string.Join(", ", select)} FROM {source.Relation}", checks.Where(c => c.Check != "duplicate_id").ToList(), asOf, options, progress));

        select.Add("FALSE AS dup_");
        if (rowId is null) select.Insert(0, $"{d.RowNumber} AS rid_");
        engine.Execute($"DROP TABLE IF EXISTS {Base}");
        engine.Execute($"CREATE TEMP TABLE {Base} AS SELECT {string.Join(", ", select)} FROM {source.Relation}");

        // 2. Later occurrences of duplicated ids (the first is the earliest timestamp, then file order).
        progress.Stage("Finding duplicates");
        if (cols.Id is not null)
        {
            // Only ids seen more than once are windowed; their later occurrences are flagged in place.
            var later = $"SELECT rid_ FROM (SELECT rid_, row_number() OVER (PARTITION BY id_ ORDER BY ts_ NULLS LAST, rid_) AS k_ " +
                        $"FROM {baseRel} b WHERE id_ IN (SELECT id_ FROM {Base} WHERE id_ IS NOT NULL GROUP BY id_ HAVING count(*) > 1)) t WHERE k_ > 1";
            engine.Execute($"UPDATE {Base} SET dup_ = TRUE WHERE {rowId ?? "rid_"} IN ({later})");
        }

        var fail = "CASE " + string.Concat(checks.Where(c => c.Excludes).Select(c => $"WHEN {c.Predicate} THEN '{c.Check}' ")) + "END";
        var rows = baseRel;
        var graded = $"(SELECT r.*, {fail} AS fail_ FROM {rows} r)";
        object?[] asOfParam = [asOf];

        // 3. Quality counts and column profiles in one pass.
        var profileItems = ProfileItems(d, cols, task);
        progress.Stage("Checking data quality");
        var countSql = $"SELECT count(*) AS total_, {d.CountIf("fail_ IS NOT NULL")} AS excluded_" +
                       string.Concat(checks.Select((c, i) => $", {d.CountIf(c.Predicate)} AS c{i}_")) +
                       string.Concat(ProfileAggregates(d, profileItems).Select(p => ", " + p)) +
                       $" FROM {graded} g";
        var counts = engine.Query(countSql, asOfParam);
        var profiles = ReadProfiles(counts, 2 + checks.Count, profileItems, counts.GetInt64(0, 0));
        var total = counts.GetInt64(0, 0);
        var excludedRows = counts.GetInt64(1, 0);
        if (total == 0) throw new VigilInputException($"{name}: no rows");

        var issues = new List<QualityIssue>();
        for (var i = 0; i < checks.Count; i++)
        {
            var n = counts.GetInt64(2 + i, 0);
            if (n == 0) continue;
            var (check, predicate, excludes) = checks[i];
            var ex = engine.Query($"SELECT {(cols.Id is null ? "CAST(rid_ AS VARCHAR)" : "id_")} FROM {graded} g WHERE {predicate} ORDER BY rid_ LIMIT {options.Examples}", asOfParam);
            var examples = Enumerable.Range(0, ex.RowCount).Select(r => ex.GetString(0, r) ?? "(null)").ToArray();
            if (cols.Id is null) examples = examples.Select(e => "row " + e).ToArray();
            issues.Add(new QualityIssue(check, SeverityOf(check), n, Message(check, n, total, excludes, asOf, cols), examples,
                ColumnOf(check, cols)));
        }

        // 4. Rows per period (valid, non-future timestamps): missing periods and volume anomalies.
        progress.Stage("Counting rows per period");
        var periodExpr = TimeChunk.Of(options.Period).StartSql(d, "ts_");
        var perPeriod = engine.Query($"SELECT {periodExpr} AS p_, count(*) AS n_ FROM {Base} WHERE ts_ IS NOT NULL AND ts_ <= $1 GROUP BY 1 ORDER BY 1", asOfParam);
        var periodStarts = new List<DateTime>();
        var periodCounts = new List<double>();
        for (var r = 0; r < perPeriod.RowCount; r++)
        {
            periodStarts.Add(Utc(perPeriod.GetDateTime(0, r)));
            periodCounts.Add(perPeriod.GetInt64(1, r));
        }
        var covered = Covered(periodStarts, periodCounts, options.Period);
        issues.AddRange(PeriodIssues(periodStarts, periodCounts, options,
            (low, high) => OutlierExamples(engine, Base, cols.Id is not null, asOf, low, high, options.Examples)));

        // 5. Schema problems, null values and constant columns.
        issues.AddRange(SchemaIssues(cols, task, issues));
        issues.AddRange(ColumnIssues(profiles, total, options));

        // 6. Metrics per period and model version, then per version over the whole range.
        // The whole range first: a multiclass log with too many classes is refused before any period is counted.
        var clean = $"(SELECT * FROM {graded} g WHERE fail_ IS NULL)";
        void checkClasses(long n) => MulticlassEvaluationRun.CheckClasses(name, cols.Label?.Name ?? "label", scoreCol.Name, n);
        progress.Stage("Computing metrics per model version");
        var overall = task == ModelTask.Regression
            ? RegressionGroups(engine, clean, periodExpr, asOfParam, withPeriod: false)
            : MulticlassGroups(engine, clean, periodExpr, asOfParam, withPeriod: false, checkClasses);
        progress.Stage("Computing metrics per period");
        var periods = task == ModelTask.Regression
            ? RegressionGroups(engine, clean, periodExpr, asOfParam, withPeriod: true)
            : MulticlassGroups(engine, clean, periodExpr, asOfParam, withPeriod: true, checkClasses);
        engine.Execute($"DROP TABLE IF EXISTS {Base}");

        return new SummaryResult
        {
            CoveredFrom = covered?.From,
            CoveredTo = covered?.To,
            Source = new SourceInfo(name, engine.Name, source.Columns.Select(c => c.Name).ToArray()),
            Task = task,
            Columns = cols.Roles,
            Period = options.Period,
            AsOf = DateTime.SpecifyKind(asOf, DateTimeKind.Utc),
            Threshold = task == ModelTask.Binary ? options.Threshold : null,
            TotalRows = total,
            ExcludedRows = excludedRows,
            Periods = periods,
            Overall = overall,
            Quality = new QualityReport
            {
                Issues = BySeverity(issues),
                Columns = profiles,
            },
        };
    }

    /// <summary>Null values and constant columns among the features.</summary>
    internal static IEnumerable<QualityIssue> ColumnIssues(IReadOnlyList<ColumnProfile> profiles, long total, SummaryOptions options)
    {
        foreach (var p in profiles.Where(p => p.Role == "feature"))
        {
            if (p.Nulls > 0)
                yield return new QualityIssue("null_values", p.NullRate >= options.NullRateWarning ? Severity.Warning : Severity.Info, p.Nulls,
                    $"{p.Nulls:N0} of {total:N0} values of '{p.Name}' are null ({p.NullRate:P2})", [], p.Name);
            if (p.Constant)
                yield return new QualityIssue("constant_column", Severity.Warning, total,
                    p.Nulls == total ? $"'{p.Name}' is null in every row" : $"'{p.Name}' has a single value in every non-null row", [], p.Name);
        }
    }

    internal static QualityIssue[] BySeverity(IEnumerable<QualityIssue> issues) =>
        issues.OrderBy(i => i.Severity switch { Severity.Error => 0, Severity.Warning => 1, _ => 2 }).ToArray();

    internal static DateTime Utc(DateTime t) => DateTime.SpecifyKind(t, DateTimeKind.Utc);

    internal static PeriodSummary Summarize(BinaryEvaluation e, long rows, double mean, DateTime? start, string? version)
    {
        var labeled = e.Positives + e.Negatives;
        return new PeriodSummary
        {
            Start = start,
            ModelVersion = version,
            Rows = rows,
            Labeled = labeled,
            PositiveRate = labeled > 0 ? (double)e.Positives / labeled : null,
            MeanScore = rows > 0 ? mean : null,
            Metrics = e.Metrics,
        };
    }

    private static List<PeriodSummary> RegressionGroups(IQueryEngine engine, string clean, string periodExpr, object?[] p, bool withPeriod)
    {
        var pcol = withPeriod ? $"{periodExpr} AS p_, " : "";
        var pgroup = withPeriod ? "p_, " : "";
        var off = withPeriod ? 1 : 0;
        var d = engine.Dialect;
        var volume = engine.Query($"SELECT {pcol}ver_, count(*) AS n_, avg(s_) AS m_ FROM {clean} c GROUP BY {pgroup}ver_", p);
        var sums = engine.Query(
            $"SELECT {pcol}ver_, {RegressionEvaluation.SumsSelect(d)} FROM (SELECT c.*, s_ - y_ AS e_ FROM {clean} c WHERE y_ IS NOT NULL) l GROUP BY {pgroup}ver_", p);
        var byKey = new Dictionary<(DateTime?, string?), RegressionSums>();
        for (var r = 0; r < sums.RowCount; r++)
            byKey[(withPeriod ? Utc(sums.GetDateTime(0, r)) : null, sums.IsNull(off, r) ? null : sums.GetString(off, r))] = RegressionEvaluation.ReadSums(sums, r, off + 1);
        var result = new List<PeriodSummary>();
        for (var r = 0; r < volume.RowCount; r++)
        {
            DateTime? pr = withPeriod ? Utc(volume.GetDateTime(0, r)) : null;
            var v = volume.IsNull(off, r) ? null : volume.GetString(off, r);
            var s = byKey.GetValueOrDefault((pr, v)) ?? new RegressionSums(0, 0, 0, 0, 0, 0, 0, 0, 0);
            result.Add(new PeriodSummary
            {
                Start = pr,
                ModelVersion = v,
                Rows = volume.GetInt64(off + 1, r),
                Labeled = s.Count,
                MeanScore = volume.IsNull(off + 2, r) ? null : volume.GetDouble(off + 2, r),
                Metrics = RegressionMetrics.Compute(s),
            });
        }
        return Ordered(result);
    }

    private static List<PeriodSummary> MulticlassGroups(IQueryEngine engine, string clean, string periodExpr, object?[] p, bool withPeriod, Action<long> checkClasses)
    {
        var pcol = withPeriod ? $"{periodExpr} AS p_, " : "";
        var pgroup = withPeriod ? "p_, " : "";
        var off = withPeriod ? 1 : 0;
        var t = engine.Query($"SELECT {pcol}ver_, y_, s_, count(*) AS n_ FROM {clean} c GROUP BY {pgroup}ver_, y_, s_", p);
        var groups = new Dictionary<(DateTime?, string?), List<(string? L, string P, long N)>>();
        for (var r = 0; r < t.RowCount; r++)
        {
            DateTime? pr = withPeriod ? Utc(t.GetDateTime(0, r)) : null;
            var key = (pr, t.IsNull(off, r) ? null : t.GetString(off, r));
            if (!groups.TryGetValue(key, out var list)) groups[key] = list = [];
            list.Add((t.IsNull(off + 1, r) ? null : t.GetString(off + 1, r), t.GetString(off + 2, r)!, t.GetInt64(off + 3, r)));
        }
        var result = new List<PeriodSummary>();
        foreach (var ((pr, v), cells) in groups)
        {
            var labeledCells = cells.Where(c => c.L is not null).ToList();
            var distinct = labeledCells.Select(c => c.L!).Concat(labeledCells.Select(c => c.P)).Distinct(StringComparer.Ordinal).ToList();
            checkClasses(distinct.Count);
            var classes = MulticlassEvaluationRun.SortClasses(distinct);
            var idx = classes.Select((c, i) => (c, i)).ToDictionary(q => q.c, q => q.i, StringComparer.Ordinal);
            var m = new long[classes.Count, classes.Count];
            foreach (var c in labeledCells) m[idx[c.L!], idx[c.P]] += c.N;
            var e = MulticlassMetrics.Evaluate(classes, m);
            result.Add(new PeriodSummary
            {
                Start = pr,
                ModelVersion = v,
                Rows = cells.Sum(c => c.N),
                Labeled = labeledCells.Sum(c => c.N),
                Metrics = e.Metrics,
            });
        }
        return Ordered(result);
    }

    internal static List<PeriodSummary> Ordered(List<PeriodSummary> list) =>
        list.OrderBy(s => s.Start ?? DateTime.MinValue).ThenBy(s => s.ModelVersion is null ? 0 : 1).ThenBy(s => s.ModelVersion, StringComparer.Ordinal).ToList();

    /// <summary>At most this many <c>missing_period</c> findings are listed (the longest runs of empty periods); one
    /// more finding counts the rest.</summary>
    internal const int MaxMissingPeriodFindings = 20;

    /// <summary>A gap between periods that hold rows is "long" beyond this many times the span of the middle half of
    /// the rows (their quartiles' periods, plus one period).</summary>
    internal const double OutlierSpans = 3;

    /// <summary>Rows beyond a long gap are outlier timestamps only while they are at most this share of all rows
    /// (a larger group is a part of the data, however far away).</summary>
    internal const double OutlierShare = 0.01;

    /// <summary>The findings about periods: outlier timestamps (periods far outside the bulk of the data), runs of
    /// empty periods inside the bulk, and volume anomalies among the bulk's periods. <paramref name="starts"/>: the
    /// periods that hold rows, ascending, with their <paramref name="counts"/>; the work is linear in them, never in
    /// the length of the covered range. <paramref name="exampleIds"/> gives up to five ids of rows before its first
    /// argument or at or after its second (empty without an id column).</summary>
    internal static List<QualityIssue> PeriodIssues(IReadOnlyList<DateTime> starts, IReadOnlyList<double> counts, SummaryOptions options,
        Func<DateTime, DateTime, IReadOnlyList<string>> exampleIds)
    {
        var issues = new List<QualityIssue>();
        var unit = options.Period;
        var (from, to) = Bulk(starts, counts, unit);
        if (from > 0 || to < starts.Count - 1)
        {
            long n = 0;
            var outside = new List<int>();
            for (var i = 0; i < starts.Count; i++)
            {
                if (i >= from && i <= to) continue;
                n += (long)counts[i];
                outside.Add(i);
            }
            var low = starts[from];
            var high = Next(starts[to], unit);
            var examples = exampleIds(low, high);
            if (examples.Count == 0) examples = outside.Take(5).Select(i => Format(starts[i], unit)).ToList();
            var where = string.Join(", ", outside.Take(3).Select(i => Format(starts[i], unit))) + (outside.Count > 3 ? $" and {outside.Count - 3:N0} more {Plural(unit, 2)}" : "");
            issues.Add(new QualityIssue("outlier_timestamp", Severity.Warning, n,
                $"{n:N0} {(n == 1 ? "row has a timestamp" : "rows have timestamps")} far outside the bulk of the data ({Format(low, unit)} to {Format(starts[to], unit)}): {where}; "
                + "they count in the metrics, but the covered range, missing periods and volume checks use the bulk only",
                examples));
        }
        var bulkStarts = starts.Skip(from).Take(to - from + 1).ToList();
        var bulkCounts = counts.Skip(from).Take(to - from + 1).ToList();
        issues.AddRange(MissingPeriods(bulkStarts, unit));
        issues.AddRange(VolumeAnomalies(bulkStarts, bulkCounts, options));
        return issues;
    }

    /// <summary>The first and last index of the periods that are not outliers. From the middle half of the rows (the
    /// periods of their quartiles) the bulk grows outwards period by period, and stops at a gap longer than
    /// <see cref="OutlierSpans"/> times the middle half's span when the rows beyond it are at most
    /// <see cref="OutlierShare"/> of all rows: those are outliers (a 1970 timestamp in a 2026 log). Contiguous
    /// history, however sparse, is never cut.</summary>
    /// <summary>The first and last period start of the bulk (<see cref="Bulk"/>), or null when no period holds rows.</summary>
    internal static (DateTime From, DateTime To)? Covered(IReadOnlyList<DateTime> starts, IReadOnlyList<double> counts, PeriodUnit unit)
    {
        if (starts.Count == 0) return null;
        var (from, to) = Bulk(starts, counts, unit);
        return (starts[from], starts[to]);
    }

    internal static (int From, int To) Bulk(IReadOnlyList<DateTime> starts, IReadOnlyList<double> counts, PeriodUnit unit)
    {
        if (starts.Count < 2) return (0, starts.Count - 1);
        var total = counts.Sum();
        int Quantile(double q)
        {
            var target = q * total;
            double cum = 0;
            for (var i = 0; i < starts.Count; i++)
            {
                cum += counts[i];
                if (cum >= target) return i;
            }
            return starts.Count - 1;
        }
        int q1 = Quantile(0.25), q3 = Quantile(0.75);
        var core = starts[q3] - starts[q1] + (Next(starts[q3], unit) - starts[q3]);
        var longGap = core.Ticks > TimeSpan.MaxValue.Ticks / (long)(OutlierSpans + 1) ? TimeSpan.MaxValue : core * OutlierSpans;
        var limit = OutlierShare * total;
        var from = q1;
        double before = 0;
        for (var i = 0; i < q1; i++) before += counts[i];
        while (from > 0)
        {
            if (starts[from] - starts[from - 1] > longGap && before <= limit) break;
            from--;
            before -= counts[from];
        }
        var to = q3;
        double after = 0;
        for (var i = q3 + 1; i < starts.Count; i++) after += counts[i];
        while (to < starts.Count - 1)
        {
            if (starts[to + 1] - starts[to] > longGap && after <= limit) break;
            to++;
            after -= counts[to];
        }
        return (from, to);
    }

    /// <summary>Up to <paramref name="limit"/> ids (smallest first) of the rows of <paramref name="relation"/> (with
    /// <c>id_</c> and <c>ts_</c>) whose valid timestamp up to <paramref name="asOf"/> lies before
    /// <paramref name="low"/> or at or after <paramref name="high"/>; empty without an id column.</summary>
    internal static IReadOnlyList<string> OutlierExamples(IQueryEngine engine, string relation, bool hasId, DateTime asOf, DateTime low, DateTime high, int limit)
    {
        if (!hasId) return [];
        object?[] p = [DateTime.SpecifyKind(asOf, DateTimeKind.Unspecified), DateTime.SpecifyKind(low, DateTimeKind.Unspecified), DateTime.SpecifyKind(high, DateTimeKind.Unspecified)];
        var t = engine.Query($"SELECT id_ FROM {relation} r WHERE id_ IS NOT NULL AND ts_ IS NOT NULL AND ts_ <= $1 AND (ts_ < $2 OR ts_ >= $3) ORDER BY id_ LIMIT {limit}", p);
        return Enumerable.Range(0, t.RowCount).Select(r => t.GetString(0, r)!).ToList();
    }

    /// <summary>Runs of consecutive empty periods between the first and the last period that holds rows, one finding
    /// per run (the <see cref="MaxMissingPeriodFindings"/> longest, in time order, and one finding for the rest),
    /// found from the gaps between the periods present.</summary>
    internal static IEnumerable<QualityIssue> MissingPeriods(IReadOnlyList<DateTime> starts, PeriodUnit unit)
    {
        if (starts.Count < 2) return [];
        var runs = new List<(DateTime From, DateTime To, long Periods)>();
        for (var i = 1; i < starts.Count; i++)
        {
            var first = Next(starts[i - 1], unit);
            if (first >= starts[i]) continue;
            var n = PeriodsBetween(first, starts[i], unit);
            runs.Add((first, Previous(starts[i], unit), n));
        }
        var range = $"inside the covered range {Format(starts[0], unit)} to {Format(starts[^1], unit)}";
        var name = unit.ToString().ToLowerInvariant();
        var shown = runs.OrderByDescending(r => r.Periods).ThenBy(r => r.From).Take(MaxMissingPeriodFindings).OrderBy(r => r.From).ToList();
        var issues = shown.Select(r => new QualityIssue("missing_period", Severity.Warning, 0,
            r.Periods == 1
                ? $"no rows in the {name} starting {Format(r.From, unit)}, {range}"
                : $"no rows in the {r.Periods:N0} {Plural(unit, r.Periods)} from {Format(r.From, unit)} to {Format(r.To, unit)}, {range}",
            [Format(r.From, unit)], null, r.From)).ToList();
        if (runs.Count > shown.Count)
        {
            var rest = runs.Count - shown.Count;
            var restPeriods = runs.Sum(r => r.Periods) - shown.Sum(r => r.Periods);
            issues.Add(new QualityIssue("missing_period", Severity.Warning, 0,
                $"{rest:N0} more {(rest == 1 ? "run" : "runs")} of empty {Plural(unit, 2)} ({restPeriods:N0} {Plural(unit, restPeriods)} in all) {range}, not listed; the {shown.Count} longest are",
                []));
        }
        return issues;
    }

    private static string Plural(PeriodUnit unit, long n) => unit.ToString().ToLowerInvariant() + (n == 1 ? "" : "s");

    private static long PeriodsBetween(DateTime from, DateTime to, PeriodUnit unit) => (to - from).Ticks / (Next(from, unit) - from).Ticks;

    private static DateTime Previous(DateTime t, PeriodUnit unit) => unit switch
    {
        PeriodUnit.Hour => t.AddHours(-1),
        PeriodUnit.Week => t.AddDays(-7),
        _ => t.AddDays(-1),
    };

    internal static IEnumerable<QualityIssue> VolumeAnomalies(IReadOnlyList<DateTime> starts, IReadOnlyList<double> counts, SummaryOptions options)
    {
        if (counts.Count < 5) yield break;
        var z = RobustZScore.Compute(counts.ToArray());
        var median = RobustZScore.Median(counts.ToArray());
        for (var i = 0; i < counts.Count; i++)
        {
            if (Math.Abs(z[i]) <= options.VolumeZThreshold) continue;
            if (Math.Abs(counts[i] - median) < options.VolumeMinRelativeChange * median) continue;
            var unit = options.Period.ToString().ToLowerInvariant();
            // For people: how many times the median period, or what share of it (the robust z-score stays the rule).
            var howMuch = counts[i] > median
                ? (median > 0 ? $"{(counts[i] / median).ToString(counts[i] / median >= 10 ? "0" : "0.0", CultureInfo.InvariantCulture)}× the median {unit}" : $"far more than the median {unit}")
                : $"{(median > 0 ? counts[i] / median : 0).ToString("0%", CultureInfo.InvariantCulture)} of the median {unit}";
            yield return new QualityIssue("volume_anomaly", Severity.Warning, (long)counts[i],
                $"{counts[i]:N0} rows in the {unit} starting {Format(starts[i], options.Period)}: {howMuch} ({median:N0} rows)",
                [Format(starts[i], options.Period)], null, starts[i]);
        }
    }

    private static DateTime Next(DateTime t, PeriodUnit unit) => t.Ticks > DateTime.MaxValue.Ticks - TimeSpan.TicksPerDay * 7 ? DateTime.MaxValue : unit switch
    {
        PeriodUnit.Hour => t.AddHours(1),
        PeriodUnit.Week => t.AddDays(7),
        _ => t.AddDays(1),
    };

    private static string Format(DateTime t, PeriodUnit unit) =>
        unit == PeriodUnit.Hour ? t.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture) : t.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A column to profile; a null <paramref name="ValueExpr"/> skips the constant-column test.</summary>
    internal sealed record ProfileItem(string Name, string Type, string Role, string NullExpr, string? ValueExpr);

    /// <summary>What to profile: every role column (through its typed value and null flag) and every feature.</summary>
    internal static List<ProfileItem> ProfileItems(SqlDialect d, ResolvedColumns cols, ModelTask task)
    {
        var items = new List<ProfileItem>();
        void Role(SourceColumn? c, string role, string nullExpr, string valueExpr)
        {
            if (c is not null) items.Add(new(c.Name, c.SqlType, role, nullExpr, valueExpr));
        }
        Role(cols.Id, "id", "id_ IS NULL", "id_");
        Role(cols.Timestamp, "timestamp", "tsnull_", "ts_");
        Role(cols.Version, "version", "ver_ IS NULL", "ver_");
        Role(task == ModelTask.Binary ? cols.Score : cols.Prediction, task == ModelTask.Binary ? "score" : "prediction", "snull_", "s_");
        Role(cols.Label, "label", "lnull_", "y_");
        for (var i = 0; i < cols.Features.Count; i++)
        {
            var f = cols.Features[i];
            var v = f.Kind is ColumnKind.Double or ColumnKind.Int64 or ColumnKind.String or ColumnKind.Timestamp ? $"f{i}_" : d.CastToText($"f{i}_");
            items.Add(new(f.Name, f.SqlType, "feature", $"f{i}_ IS NULL", v));
        }
        return items;
    }

    /// <summary>Three aggregates per column (nulls, distinct values, min = max), to run in the quality pass.
    /// Distinct counts are computed for features and the model version only (the id's is the row count, near enough,
    /// and costs a hash of every id).</summary>
    internal static IEnumerable<string> ProfileAggregates(SqlDialect d, List<ProfileItem> items, bool distinct = true) => items.Select((it, i) =>
        $"{d.CountIf(it.NullExpr)} AS pn{i}_, " +
        (distinct && it.ValueExpr is not null && it.Role is "feature" or "version" ? d.ApproxCountDistinct(it.ValueExpr!) : "CAST(NULL AS BIGINT)") + $" AS pd{i}_, " +
        (it.ValueExpr is null ? "CAST(NULL AS BOOLEAN)" : $"min({it.ValueExpr}) = max({it.ValueExpr})") + $" AS pk{i}_");

    internal static List<ColumnProfile> ReadProfiles(Table t, int offset, List<ProfileItem> items, long total)
    {
        var list = new List<ColumnProfile>();
        for (var i = 0; i < items.Count; i++)
        {
            var c = offset + 3 * i;
            var nulls = t.GetInt64(c, 0);
            long? distinct = t.IsNull(c + 1, 0) ? null : t.GetInt64(c + 1, 0);
            var constant = nulls == total || (!t.IsNull(c + 2, 0) && t.GetBoolean(c + 2, 0));
            list.Add(new ColumnProfile(items[i].Name, items[i].Type, items[i].Role, nulls, total == 0 ? 0 : (double)nulls / total, distinct, constant && total > 1));
        }
        return list;
    }

    internal static IEnumerable<QualityIssue> SchemaIssues(ResolvedColumns cols, ModelTask task, List<QualityIssue> issues)
    {
        if (cols.Timestamp is { Kind: ColumnKind.String } ts)
        {
            var bad = issues.FirstOrDefault(i => i.Check == "unparseable_timestamp")?.Rows ?? 0;
            yield return new QualityIssue("schema", bad > 0 ? Severity.Warning : Severity.Info, bad,
                $"'{ts.Name}' is stored as text ({ts.SqlType}), not as timestamps" + (bad > 0 ? $"; {bad:N0} values could not be parsed" : "; every value parsed"), [], ts.Name);
        }
        var sc = task == ModelTask.Binary ? cols.Score : cols.Prediction;
        if (sc is { Kind: ColumnKind.String } && task != ModelTask.Multiclass)
        {
            var bad = issues.FirstOrDefault(i => i.Check.StartsWith("non_numeric", StringComparison.Ordinal))?.Rows ?? 0;
            yield return new QualityIssue("schema", Severity.Warning, bad, $"'{sc.Name}' is stored as text ({sc.SqlType}), not as numbers", [], sc.Name);
        }
        if (cols.Label is null)
            yield return new QualityIssue("schema", Severity.Info, 0, "no label column: only volumes and mean scores are summarized", []);
        if (cols.Version is null)
            yield return new QualityIssue("schema", Severity.Info, 0, "no model version column: all rows are summarized as one model", []);
        if (cols.Id is null)
            yield return new QualityIssue("schema", Severity.Info, 0, "no id column: duplicates cannot be detected", []);
    }

    internal static Severity SeverityOf(string check) => check switch
    {
        "missing_label" => Severity.Info,
        "duplicate_id" or "future_timestamp" => Severity.Warning,
        _ => Severity.Error,
    };

    internal static string? ColumnOf(string check, ResolvedColumns cols) => check switch
    {
        "duplicate_id" => cols.Id?.Name,
        "null_score" or "non_numeric_score" or "score_out_of_range" => cols.Score?.Name,
        "null_prediction" or "non_numeric_prediction" => cols.Prediction?.Name,
        "missing_label" or "invalid_label" => cols.Label?.Name,
        _ => cols.Timestamp?.Name,
    };

    internal static string Message(string check, long n, long total, bool excludes, DateTime asOf, ResolvedColumns cols)
    {
        var share = ((double)n / total).ToString("P2", CultureInfo.InvariantCulture);
        var what = check switch
        {
            "duplicate_id" => $"{n:N0} rows repeat an earlier '{cols.Id?.Name}' (later occurrences)",
            "null_score" => $"{n:N0} rows have no score",
            "non_numeric_score" => $"{n:N0} rows have a score that is not a number",
            "score_out_of_range" => $"{n:N0} rows have a score outside [0, 1]",
            "null_prediction" => $"{n:N0} rows have no prediction",
            "non_numeric_prediction" => $"{n:N0} rows have a prediction that is not a number",
            "missing_label" => $"{n:N0} rows have no label yet",
            "invalid_label" => $"{n:N0} rows have a label that is not a valid class" + (cols.Label is not null ? " (expected 0 or 1)" : ""),
            "null_timestamp" => $"{n:N0} rows have no timestamp",
            "unparseable_timestamp" => $"{n:N0} rows have a timestamp that cannot be parsed",
            "future_timestamp" => $"{n:N0} rows are timestamped after {asOf.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} (--as-of)",
            _ => $"{n:N0} rows fail {check}",
        };
        return $"{what} ({share})" + (excludes ? "; left out of the metrics" : check == "missing_label" ? "; labels may not have arrived yet" : "");
    }
}
