using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Regression;

namespace Vigil.Analysis.Evaluation;

/// <summary><c>vigil evaluate</c>: the engine reduces rows to sufficient statistics (confusion counts per distinct
/// score, a confusion matrix, regression sums); the statistics core turns them into metrics.</summary>
internal static class EvaluationAnalysis
{
    public static EvaluationResult Run(OpenedSource source, EvaluateOptions options, IAnalysisProgress? progress = null)
    {
        progress ??= NoProgress.Instance;
        // A file with a header and no rows types every column as text; say what is really wrong.
        if (source.Engine.Query($"SELECT 1 FROM {source.Relation} LIMIT 1").RowCount == 0)
            throw new VigilInputException($"{source.Description}: no rows");
        var cols = ColumnResolver.Resolve(source.Columns, options.Mapping, ColumnNeeds.Label | ColumnNeeds.ScoreOrPrediction, source.Description);
        var x = new RoleExpressions(source.Engine.Dialect, source.Description);
        var slices = Slicer.For(new SliceSpec { SegmentBy = options.SegmentBy }, source, limits: new SliceLimits { MaxSegments = options.MaxSegments });
        progress.Stage("Detecting the task");
        var task = TaskDetector.Detect(source, cols, options.Mapping.Task, x);
        var info = new SourceInfo(source.Description, source.Engine.Name, source.Columns.Select(c => c.Name).ToArray());
        var ctx = new Context(source, cols, x, slices, options, info, progress);
        var result = task switch
        {
            ModelTask.Binary => BinaryEvaluationRun.Run(ctx),
            ModelTask.Multiclass => MulticlassEvaluationRun.Run(ctx),
            _ => RegressionEvaluation.Run(ctx),
        };
        return WithSourceFindings(result, ctx);
    }

    /// <summary>The result with how the source was read: each of its notes (info), and, when the rows_kept finding
    /// counts rows by their timestamp (the only use evaluate makes of it) and the timestamp column holds numbers, the
    /// unit they were read in (so that a reader can tell whether "future" is right).</summary>
    private static EvaluationResult WithSourceFindings(EvaluationResult result, Context ctx)
    {
        var read = SourceFindings.Notes(ctx.Source).ToList();
        if (ctx.Cols.Timestamp is { } ts && result.Findings.Any(f => f.Check == "rows_kept" && f.Message.Contains($"timestamp ('{ts.Name}')", StringComparison.Ordinal))
            && SourceFindings.EpochTimestamp(ctx.Source, ts) is { } epoch)
            read.Add(epoch with { Severity = Severity.Info }); // it explains an info finding; --fail-on warning is not for it
        return read.Count == 0 ? result : result with { Findings = [.. result.Findings, .. read] };
    }

    internal sealed record Context(
        OpenedSource Source,
        ResolvedColumns Cols,
        RoleExpressions X,
        Slicer Slices,
        EvaluateOptions Options,
        SourceInfo Info,
        IAnalysisProgress Progress)
    {
        public IQueryEngine Engine => Source.Engine;
        public SqlDialect D => Source.Engine.Dialect;
        public string NotNaN(string e) => $"{e} <> CAST('NaN' AS {D.Double})";
    }

    /// <summary>
    /// What evaluate keeps that <c>vigil summary</c> leaves out: evaluate counts every row with a valid score (or
    /// prediction) and label, while summary also leaves out later occurrences of a duplicated id and rows whose
    /// timestamp is null, unparseable or in the future. One aggregate pass over the evaluated rows counts both exactly
    /// (when the id and timestamp columns exist); the finding is <c>rows_kept</c> (info), or null when there is nothing
    /// to say. <paramref name="select"/>: the role columns' SQL (s_/y_ or p_/l_ …); <paramref name="evaluated"/>: the
    /// predicate of an evaluated row over them.
    /// </summary>
    internal static QualityIssue? RowsKept(Context ctx, string select, string evaluated) => RowsKept(ctx, select, evaluated, bySegment: false).Overall;

    /// <summary><see cref="RowsKept(Context, string, string)"/> over all rows and, with <paramref name="bySegment"/>,
    /// per segment (duplicates counted within the segment).</summary>
    internal static (QualityIssue? Overall, Dictionary<SliceKey, QualityIssue> BySegment) RowsKept(Context ctx, string select, string evaluated, bool bySegment)
    {
        var none = (default(QualityIssue), new Dictionary<SliceKey, QualityIssue>());
        var (id, ts) = (ctx.Cols.Id, ctx.Cols.Timestamp);
        if (id is null && ts is null) return none;
        var x = ctx.X;
        var cols = new List<string> { select };
        if (id is not null) cols.Add($"{x.Text(id)} AS kid_");
        if (ts is not null) cols.Add($"{x.Timestamp(ts)} AS kts_, {x.Col(ts)} IS NULL AS ktsnull_");
        var aggs = new List<string> { "count(*) AS n_" };
        aggs.Add(id is not null ? "count(kid_) - count(DISTINCT kid_) AS dup_" : "CAST(0 AS BIGINT) AS dup_");
        aggs.Add(ts is not null ? $"{ctx.D.CountIf("ktsnull_ OR kts_ IS NULL OR kts_ > $1")} AS badts_" : "CAST(0 AS BIGINT) AS badts_");
        var now = DateTime.SpecifyKind(DateTime.UtcNow, DateTimeKind.Unspecified);
        object?[]? p = ts is not null ? [now] : null;
        var kept = $"(SELECT {string.Join(", ", cols)} FROM {ctx.Source.Relation}) k WHERE ({evaluated})";
        long dup;
        Table t;
        if (id is not null && !ctx.Engine.InProcess)
        {
            // On a server the repeated ids are grouped (a GROUP BY the engine can spread over shards and spill to disk)
            // rather than counted distinct (ClickHouse's uniqExact holds every id on the initiator: 4.3 GB at 100M rows).
            t = ctx.Engine.Query($"SELECT {string.Join(", ", aggs.Select((a, i) => i == 1 ? "CAST(0 AS BIGINT) AS dup_" : a))} FROM {kept}", p);
            dup = ctx.Engine.Query($"SELECT CAST(coalesce(sum(c_ - 1), 0) AS BIGINT) FROM (SELECT kid_, count(*) AS c_ FROM {kept} AND kid_ IS NOT NULL GROUP BY kid_ HAVING count(*) > 1) d").GetInt64(0, 0);
        }
        else
        {
            t = ctx.Engine.Query($"SELECT {string.Join(", ", aggs)} FROM {kept}", p);
            dup = t.GetInt64(1, 0);
        }
        var overall = Kept(ctx, dup, t.GetInt64(2, 0));
        var segments = new Dictionary<SliceKey, QualityIssue>();
        var s = ctx.Slices;
        var w = s.Width;
        if (bySegment && w > 0 && overall is not null)
        {
            var st = ctx.Engine.Query($"SELECT {s.Prefix()}{string.Join(", ", aggs)} FROM (SELECT {string.Join(", ", cols)}{s.Select} FROM {ctx.Source.Relation}) k WHERE {evaluated} GROUP BY {s.GroupBy}", p);
            for (var r = 0; r < st.RowCount; r++)
                if (Kept(ctx, st.GetInt64(w + 1, r), st.GetInt64(w + 2, r)) is { } k) segments[s.Read(st, r)] = k;
        }
        return (overall, segments);
    }

    private static QualityIssue? Kept(Context ctx, long dup, long badTs)
    {
        var (id, ts) = (ctx.Cols.Id, ctx.Cols.Timestamp);
        if (dup == 0 && badTs == 0) return null;
        var parts = new List<string>();
        if (dup > 0) parts.Add($"{dup:N0} {(dup == 1 ? "row repeats an id" : "rows repeat an id")} already evaluated ('{id!.Name}')");
        if (badTs > 0) parts.Add($"{badTs:N0} {(badTs == 1 ? "row has" : "rows have")} a null, unparseable or future timestamp ('{ts!.Name}')");
        return new QualityIssue("rows_kept", Severity.Info, dup + badTs,
            $"evaluate counts every row with a valid {(ctx.Cols.Score is not null ? "score" : "prediction")} and label, including rows that vigil summary leaves out, so its row counts are higher than summary's: "
            + string.Join("; ", parts) + (dup > 0 && badTs > 0 ? " (a row can be in both)" : ""),
            []);
    }

    /// <summary>Tallies rows left out, by reason, from a query's rows (the slice's key columns, reason, count): over
    /// all segments, and per segment. Rows whose reason is null were not left out.</summary>
    internal static (Dictionary<string, long> Overall, Dictionary<SliceKey, Dictionary<string, long>> BySegment) TallyExcluded(Table t, Slicer slices)
    {
        var overall = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySegment = new Dictionary<SliceKey, Dictionary<string, long>>();
        var w = slices.Width;
        for (var r = 0; r < t.RowCount; r++)
        {
            if (t.IsNull(w, r)) continue;
            var why = t.GetString(w, r)!;
            var n = t.GetInt64(w + 1, r);
            overall[why] = overall.GetValueOrDefault(why) + n;
            if (w == 0) continue;
            var k = slices.Read(t, r);
            if (!bySegment.TryGetValue(k, out var d)) bySegment[k] = d = new(StringComparer.Ordinal);
            d[why] = d.GetValueOrDefault(why) + n;
        }
        return (overall, bySegment);
    }
}

/// <summary>Binary classification: confusion counts per distinct score, streamed in descending score order.</summary>
internal static class BinaryEvaluationRun
{
    public static EvaluationResult Run(EvaluationAnalysis.Context ctx)
    {
        var x = ctx.X;
        var cols = ctx.Cols;
        var score = cols.Score!;
        var label = cols.Label!;
        var baseSql =
            $"SELECT {x.StrictNumber(score, "--score")} AS s_, {x.BinaryLabel(label)} AS y_, " +
            $"{x.Col(score)} IS NULL AS snull_, {x.Col(label)} IS NULL AS lnull_{ctx.Slices.Select} FROM {ctx.Source.Relation}";

        ctx.Progress.Stage("Counting rows");
        var reason =
            $"CASE WHEN snull_ OR s_ = CAST('NaN' AS {ctx.D.Double}) THEN 'missing_score' " +
            "WHEN s_ IS NULL THEN 'non_numeric_score' " +
            "WHEN s_ < 0 OR s_ > 1 THEN 'score_out_of_range' " +
            "WHEN lnull_ THEN 'missing_label' WHEN y_ IS NULL THEN 'invalid_label' END";
        var slices = ctx.Slices;
        var excludedSql =
            $"SELECT {slices.Prefix()}{reason} AS reason_, count(*) AS n_ FROM ({baseSql}) b GROUP BY {slices.Prefix()}{reason}";
        var nseg = slices.Width;
        var (overallExcluded, excluded) = EvaluationAnalysis.TallyExcluded(ctx.Engine.Query(excludedSql), slices);

        var opts = new BinaryMetricOptions { Threshold = ctx.Options.Threshold, CostFp = ctx.Options.CostFp, CostFn = ctx.Options.CostFn };
        var where = $"WHERE s_ IS NOT NULL AND {ctx.NotNaN("s_")} AND s_ >= 0 AND s_ <= 1 AND y_ IS NOT NULL";

        ctx.Progress.Stage("Computing metrics");
        var overallAcc = new BinaryScoreAccumulator(opts);
        ctx.Engine.Stream(
            $"SELECT s_, {ctx.D.CountIf("y_ = 1")} AS pos_, {ctx.D.CountIf("y_ = 0")} AS neg_ FROM ({baseSql}) b {where} GROUP BY s_ ORDER BY s_ DESC",
            null,
            chunk =>
            {
                var s = chunk.Doubles(0);
                var p = chunk.Int64s(1);
                var n = chunk.Int64s(2);
                for (var i = 0; i < chunk.RowCount; i++) overallAcc.Add(s[i], p[i], n[i]);
            });
        var overall = overallAcc.Finish();

        List<SegmentEvaluation>? segResults = null;
        if (nseg > 0)
        {
            ctx.Progress.Stage("Evaluating segments");
            segResults = [];
            var seen = new HashSet<SliceKey>();
            SliceKey? currentKey = null;
            BinaryScoreAccumulator? acc = null;
            void Close()
            {
                if (acc is null || currentKey is null) return;
                seen.Add(currentKey);
                segResults.Add(new SegmentEvaluation(
                    slices.SegmentMap(currentKey),
                    Result(ctx, acc.Finish(), excluded.GetValueOrDefault(currentKey) ?? new Dictionary<string, long>(), null)));
                slices.CheckSegmentCount(segResults.Count);
            }
            ctx.Engine.Stream(
                $"SELECT {slices.Prefix()}s_, {ctx.D.CountIf("y_ = 1")} AS pos_, {ctx.D.CountIf("y_ = 0")} AS neg_ " +
                $"FROM ({baseSql}) b {where} GROUP BY {slices.Prefix()}s_ ORDER BY {slices.OrderPrefix}s_ DESC",
                null,
                chunk =>
                {
                    var s = chunk.Doubles(nseg);
                    var p = chunk.Int64s(nseg + 1);
                    var n = chunk.Int64s(nseg + 2);
                    for (var i = 0; i < chunk.RowCount; i++)
                    {
                        var key = slices.Read(chunk, i);
                        if (currentKey is null || !currentKey.Equals(key))
                        {
                            Close();
                            currentKey = key;
                            acc = new BinaryScoreAccumulator(opts);
                        }
                        acc!.Add(s[i], p[i], n[i]);
                    }
                });
            Close();
            // Segments whose rows were all excluded still appear, with no metrics rows.
            foreach (var (k, d) in excluded)
            {
                if (seen.Contains(k)) continue;
                segResults.Add(new SegmentEvaluation(slices.SegmentMap(k), Result(ctx, new BinaryScoreAccumulator(opts).Finish(), d, null)));
            }
        }
        var (kept, keptBySegment) = EvaluationAnalysis.RowsKept(ctx, $"{x.StrictNumber(score, "--score")} AS s_, {x.BinaryLabel(label)} AS y_",
            $"s_ IS NOT NULL AND {ctx.NotNaN("s_")} AND s_ >= 0 AND s_ <= 1 AND y_ IS NOT NULL", bySegment: true);
        segResults = segResults?.Select(sr =>
            keptBySegment.TryGetValue(ctx.Slices.KeyOf(sr.Key), out var k)
                ? sr with { Result = sr.Result with { Findings = [.. sr.Result.Findings, k] } }
                : sr).ToList();
        var result = Result(ctx, overall, overallExcluded, segResults);
        return kept is null ? result : result with { Findings = [.. result.Findings, kept] };
    }

    /// <summary>A <c>threshold_far_from_best</c> finding when F1 at the decision threshold is less than half the best
    /// F1 over all thresholds, and the best threshold is elsewhere; else null.</summary>
    internal static QualityIssue? ThresholdFarFromBest(BinaryEvaluation e)
    {
        if (e.BestThresholds?.FirstOrDefault(b => b.Criterion == "f1") is not { } best) return null;
        var f1 = e.Metrics.FirstOrDefault(m => m.Name == "f1")?.Value;
        var recall = e.Metrics.FirstOrDefault(m => m.Name == "recall")?.Value;
        if (f1 is not { } f || recall is not { } r || !(best.Value > 0) || Math.Abs(best.Threshold - e.Threshold) < 1e-12) return null;
        if (!(f < FarFromBestRatio * best.Value)) return null;
        var c = System.Globalization.CultureInfo.InvariantCulture;
        string N(double v) => v.ToString("0.###", c) is var s && s != "0" || v == 0 ? s : v.ToString("G2", c);
        return new QualityIssue("threshold_far_from_best", Severity.Warning, e.Rows,
            $"at threshold {N(e.Threshold)}, recall is {N(r)} and F1 {N(f)}; the F1-best threshold {N(best.Threshold)} gives F1 {N(best.Value)} "
            + "(the metrics at the decision threshold understate the model; choose a threshold with --threshold)",
            [], null, null);
    }

    /// <summary>F1 at the decision threshold below this share of the best F1 is "far from the best".</summary>
    internal const double FarFromBestRatio = 0.5;

    private static EvaluationResult Result(EvaluationAnalysis.Context ctx, BinaryEvaluation e, IReadOnlyDictionary<string, long> excluded, IReadOnlyList<SegmentEvaluation>? segments) => new()
    {
        Source = ctx.Info,
        Task = ModelTask.Binary,
        Columns = ctx.Cols.Roles,
        Rows = e.Rows,
        Excluded = excluded,
        Threshold = e.Threshold,
        Metrics = e.Metrics,
        Confusion = e.Confusion,
        Curves = new BinaryCurves(e.Roc, e.PrecisionRecall, e.Calibration),
        ThresholdTable = e.ThresholdTable,
        BestThresholds = e.BestThresholds,
        Segments = segments,
        Findings = ThresholdFarFromBest(e) is { } far ? [far] : [],
    };
}
