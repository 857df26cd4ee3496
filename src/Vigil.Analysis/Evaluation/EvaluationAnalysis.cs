using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
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
        var segments = ResolveSegments(source, options.SegmentBy);
        progress.Stage("Detecting the task");
        var task = TaskDetector.Detect(source, cols, options.Mapping.Task, x);
        var info = new SourceInfo(source.Description, source.Engine.Name, source.Columns.Select(c => c.Name).ToArray());
        var ctx = new Context(source, cols, x, segments, options, info, progress);
        return task switch
        {
            ModelTask.Binary => BinaryEvaluationRun.Run(ctx),
            ModelTask.Multiclass => MulticlassEvaluationRun.Run(ctx),
            _ => RegressionEvaluation.Run(ctx),
        };
    }

    internal sealed record Context(
        OpenedSource Source,
        ResolvedColumns Cols,
        RoleExpressions X,
        IReadOnlyList<SourceColumn> Segments,
        EvaluateOptions Options,
        SourceInfo Info,
        IAnalysisProgress Progress)
    {
        public IQueryEngine Engine => Source.Engine;
        public SqlDialect D => Source.Engine.Dialect;
        public string SegmentSelect => string.Concat(Segments.Select((s, i) => $", {X.Text(s)} AS g{i}_"));
        public string SegmentList(string suffix = "") => string.Concat(Segments.Select((_, i) => $"g{i}_{suffix}, "));
        public string NotNaN(string e) => $"{e} <> CAST('NaN' AS {D.Double})";
    }

    private static IReadOnlyList<SourceColumn> ResolveSegments(OpenedSource source, IReadOnlyList<string> names)
    {
        var list = new List<SourceColumn>();
        foreach (var n in names)
        {
            var c = source.Columns.FirstOrDefault(c => c.Name == n)
                ?? throw new VigilInputException($"{source.Description}: --segment-by column '{n}' not found; columns are: {string.Join(", ", source.Columns.Take(20).Select(c => c.Name))}");
            list.Add(c);
        }
        return list;
    }

    /// <summary>Reads the segment key of row <paramref name="row"/> from columns 0..n-1 of a chunk.</summary>
    internal static string?[] KeyOf(Table t, int n, int row)
    {
        var key = new string?[n];
        for (var i = 0; i < n; i++) key[i] = t.IsNull(i, row) ? null : t.GetString(i, row);
        return key;
    }

    internal static bool SameKey(string?[] a, string?[] b)
    {
        for (var i = 0; i < a.Length; i++) if (!string.Equals(a[i], b[i], StringComparison.Ordinal)) return false;
        return true;
    }

    internal static string KeyText(string?[] key) => string.Join("\u001f", key.Select(k => k ?? "\u0000"));

    internal static IReadOnlyDictionary<string, string?> KeyMap(IReadOnlyList<SourceColumn> segs, string?[] key)
    {
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < segs.Count; i++) d[segs[i].Name] = key[i];
        return d;
    }

    internal static void CheckSegmentCount(Context ctx, int count)
    {
        if (count > ctx.Options.MaxSegments)
            throw new VigilInputException($"{ctx.Source.Description}: --segment-by {string.Join(",", ctx.Segments.Select(s => s.Name))} makes more than {ctx.Options.MaxSegments} segments; choose columns with fewer distinct values");
    }

    /// <summary>Tallies rows left out, by reason, from a query's rows (segment columns 0..n-1, reason, count): over
    /// all segments, and per segment key (<see cref="KeyText"/>). Rows whose reason is null were not left out.</summary>
    internal static (Dictionary<string, long> Overall, Dictionary<string, Dictionary<string, long>> BySegment) TallyExcluded(Table t, int nseg)
    {
        var overall = new Dictionary<string, long>(StringComparer.Ordinal);
        var bySegment = new Dictionary<string, Dictionary<string, long>>(StringComparer.Ordinal);
        for (var r = 0; r < t.RowCount; r++)
        {
            if (t.IsNull(nseg, r)) continue;
            var why = t.GetString(nseg, r)!;
            var n = t.GetInt64(nseg + 1, r);
            overall[why] = overall.GetValueOrDefault(why) + n;
            if (nseg == 0) continue;
            var k = KeyText(KeyOf(t, nseg, r));
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
            $"{x.Col(score)} IS NULL AS snull_, {x.Col(label)} IS NULL AS lnull_{ctx.SegmentSelect} FROM {ctx.Source.Relation}";

        ctx.Progress.Stage("Counting rows");
        var reason =
            $"CASE WHEN snull_ OR s_ = CAST('NaN' AS {ctx.D.Double}) THEN 'missing_score' " +
            "WHEN s_ IS NULL THEN 'non_numeric_score' " +
            "WHEN s_ < 0 OR s_ > 1 THEN 'score_out_of_range' " +
            "WHEN lnull_ THEN 'missing_label' WHEN y_ IS NULL THEN 'invalid_label' END";
        var excludedSql =
            $"SELECT {ctx.SegmentList()}{reason} AS reason_, count(*) AS n_ FROM ({baseSql}) b GROUP BY {ctx.SegmentList()}{reason}";
        var nseg = ctx.Segments.Count;
        var (overallExcluded, excluded) = EvaluationAnalysis.TallyExcluded(ctx.Engine.Query(excludedSql), nseg);

        var opts = new BinaryMetricOptions { Threshold = ctx.Options.Threshold, CostFp = ctx.Options.CostFp, CostFn = ctx.Options.CostFn };
        var where = $"WHERE s_ IS NOT NULL AND {ctx.NotNaN("s_")} AND s_ >= 0 AND s_ <= 1 AND y_ IS NOT NULL";

        ctx.Progress.Stage("Computing metrics");
        var overallAcc = new BinaryScoreAccumulator(opts);
        ctx.Engine.Stream(
            $"SELECT s_, count(*) FILTER (WHERE y_ = 1) AS pos_, count(*) FILTER (WHERE y_ = 0) AS neg_ FROM ({baseSql}) b {where} GROUP BY s_ ORDER BY s_ DESC",
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
            string?[]? currentKey = null;
            BinaryScoreAccumulator? acc = null;
            void Close()
            {
                if (acc is null || currentKey is null) return;
                var k = EvaluationAnalysis.KeyText(currentKey);
                segResults.Add(new SegmentEvaluation(
                    EvaluationAnalysis.KeyMap(ctx.Segments, currentKey),
                    Result(ctx, acc.Finish(), excluded.GetValueOrDefault(k) ?? new Dictionary<string, long>(), null)));
                EvaluationAnalysis.CheckSegmentCount(ctx, segResults.Count);
            }
            var order = string.Concat(Enumerable.Range(0, nseg).Select(i => $"g{i}_ NULLS FIRST, "));
            ctx.Engine.Stream(
                $"SELECT {ctx.SegmentList()}s_, count(*) FILTER (WHERE y_ = 1) AS pos_, count(*) FILTER (WHERE y_ = 0) AS neg_ " +
                $"FROM ({baseSql}) b {where} GROUP BY {ctx.SegmentList()}s_ ORDER BY {order}s_ DESC",
                null,
                chunk =>
                {
                    var s = chunk.Doubles(nseg);
                    var p = chunk.Int64s(nseg + 1);
                    var n = chunk.Int64s(nseg + 2);
                    for (var i = 0; i < chunk.RowCount; i++)
                    {
                        var key = EvaluationAnalysis.KeyOf(chunk, nseg, i);
                        if (currentKey is null || !EvaluationAnalysis.SameKey(currentKey, key))
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
                if (segResults.Any(sr => EvaluationAnalysis.KeyText(ctx.Segments.Select(sg => sr.Key[sg.Name]).ToArray()) == k)) continue;
                var key = k.Split('\u001f').Select(p => p == "\u0000" ? null : p).ToArray();
                segResults.Add(new SegmentEvaluation(EvaluationAnalysis.KeyMap(ctx.Segments, key), Result(ctx, new BinaryScoreAccumulator(opts).Finish(), d, null)));
            }
        }
        return Result(ctx, overall, overallExcluded, segResults);
    }

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
    };
}
