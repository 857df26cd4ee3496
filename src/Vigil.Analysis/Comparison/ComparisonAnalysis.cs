using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Comparison;

/// <summary>
/// <c>vigil compare</c>: a candidate model version against a baseline. The engine makes two passes over the log: a
/// census (rows per version and segment) and one stream of (segment, distinct score) with each version's positives
/// and negatives, ordered by segment and descending score, so that each segment's metrics, DeLong components, loss
/// sums, bootstrap cells and the score-distribution shift are accumulated in one walk, exactly, in O(segments) memory.
/// When both versions scored the same ids, a third query over the id-joined pairs gives the paired tests' sums
/// (<see cref="PairedComparison"/>).
/// </summary>
internal static class ComparisonAnalysis
{
    /// <summary>The name of the side column of two logs read as one.</summary>
    internal const string SideColumn = "__vigil_side";

    /// <summary>One log with a version column: <see cref="ComparisonOptions.Baseline"/> against <see cref="ComparisonOptions.Candidate"/>.</summary>
    public static ComparisonResult Run(OpenedSource source, ComparisonOptions options, IAnalysisProgress? progress = null)
    {
        if (options.Baseline is null || options.Candidate is null)
            throw new VigilInputException("compare: give --baseline and --candidate (versions of the version column), or --baseline-log and --candidate-log");
        CheckNotEmpty(source);
        var cols = ColumnResolver.Resolve(source.Columns, options.Mapping, ColumnNeeds.Label | ColumnNeeds.ScoreOrPrediction, source.Description);
        if (cols.Version is null)
            throw new VigilInputException($"{source.Description}: no version column: expected '{MappingOptions.DefaultVersion}' or one named by --version-column (or compare two files with --baseline-log and --candidate-log)");
        var x = new RoleExpressions(source.Dialect, source.Description);
        var v = x.Text(cols.Version);
        if (options.Baseline == options.Candidate) throw new VigilInputException($"--baseline and --candidate are both '{options.Baseline}'; compare two different versions");
        // Whether both versions are there is read from the census (a missing one has no rows), which saves a scan.
        return Core(new Input(source, cols, x, v, options.Baseline, options.Candidate, options.Baseline, options.Candidate) { VersionColumn = cols.Version.Name },
            options, progress ?? NoProgress.Instance);
    }

    /// <summary>Two logs read as one (<see cref="Combine"/>): the baseline's rows against the candidate's.</summary>
    public static ComparisonResult Run(OpenedSource combined, string baselineName, string candidateName, ComparisonOptions options, IAnalysisProgress? progress = null)
    {
        CheckNotEmpty(combined);
        var mapping = options.Mapping with { Version = SideColumn };
        var cols = ColumnResolver.Resolve(combined.Columns, mapping, ColumnNeeds.Label | ColumnNeeds.ScoreOrPrediction, combined.Description);
        var x = new RoleExpressions(combined.Dialect, combined.Description);
        foreach (var (side, name) in new[] { ("baseline", baselineName), ("candidate", candidateName) })
            if (combined.Engine.Query($"SELECT 1 FROM {combined.Relation} WHERE {x.Q(SideColumn)} = {combined.Dialect.StringLiteral(side)} LIMIT 1").RowCount == 0)
                throw new VigilInputException($"{name}: no rows");
        return Core(new Input(combined, cols, x, x.Q(SideColumn), "baseline", "candidate", baselineName, candidateName), options with { Mapping = mapping }, progress ?? NoProgress.Instance);
    }

    /// <summary>The rows of two DuckDB sources as one relation of the first one's engine, with <see cref="SideColumn"/>
    /// saying which log each row came from ('baseline' or 'candidate'); columns matched by name.</summary>
    public static OpenedSource Combine(OpenedSource baseline, OpenedSource candidate)
    {
        if (!baseline.Engine.ReadsFiles || !candidate.Engine.ReadsFiles)
            throw new VigilInputException("--baseline-log and --candidate-log: both must be files (CSV, Parquet, JSON); to compare versions in a database table, use one table with a version column and --baseline/--candidate");
        var q = baseline.Dialect.QuoteIdentifier(SideColumn);
        var relation = $"(SELECT 'baseline' AS {q}, * FROM {baseline.Relation} UNION ALL BY NAME SELECT 'candidate' AS {q}, * FROM {candidate.Relation}) AS compared";
        try
        {
            return SourceOpener.OverRelation(baseline.Engine, relation, $"{baseline.Description} vs {candidate.Description}", ownsEngine: false);
        }
        catch (VigilEngineException e)
        {
            throw new VigilInputException($"{baseline.Description} and {candidate.Description}: cannot be read as one log ({e.Message.Split('\n')[0]})", e);
        }
    }

    private static void CheckNotEmpty(OpenedSource source)
    {
        if (source.Engine.Query($"SELECT 1 FROM {source.Relation} LIMIT 1").RowCount == 0)
            throw new VigilInputException($"{source.Description}: no rows");
    }

    /// <summary>Both versions must be present; the message lists the versions there are.</summary>
    private static void CheckVersions(OpenedSource source, string v, string column, string baseline, string candidate)
    {
        var t = source.Engine.Query($"SELECT {v} AS v_, count(*) AS n_ FROM {source.Relation} GROUP BY {v} ORDER BY count(*) DESC, {v} LIMIT 51");
        var present = new List<string>();
        for (var r = 0; r < t.RowCount; r++) if (!t.IsNull(0, r)) present.Add(t.GetString(0, r)!);
        foreach (var (flag, name) in new[] { ("--baseline", baseline), ("--candidate", candidate) })
        {
            if (present.Contains(name)) continue;
            if (t.RowCount <= 50 || source.Engine.Query($"SELECT 1 FROM {source.Relation} WHERE {v} = {source.Dialect.StringLiteral(name)} LIMIT 1").RowCount == 0)
                throw new VigilInputException($"{source.Description}: {flag} '{name}' is not a value of the version column '{column}'; versions present: {(present.Count == 0 ? "none" : string.Join(", ", present.Take(20)))}{(present.Count > 20 ? ", …" : "")}");
        }
    }

    internal sealed record Input(OpenedSource Source, ResolvedColumns Cols, RoleExpressions X, string VersionExpr,
        string BaselineValue, string CandidateValue, string BaselineName, string CandidateName)
    {
        /// <summary>The version column of one log (null for two logs read as one).</summary>
        public string? VersionColumn { get; init; }

        public SqlDialect D => Source.Dialect;
        public string B => D.StringLiteral(BaselineValue);
        public string C => D.StringLiteral(CandidateValue);
        /// <summary>A row that enters the metrics: a score in [0, 1] (not NaN) and a 0/1 label, over the columns s_ and y_.</summary>
        public string Valid => $"s_ IS NOT NULL AND s_ <> CAST('NaN' AS {D.Double}) AND s_ >= 0 AND s_ <= 1 AND y_ IS NOT NULL";
    }

    private static ComparisonResult Core(Input input, ComparisonOptions options, IAnalysisProgress progress)
    {
        var (source, cols, x) = (input.Source, input.Cols, input.X);
        progress.Stage("Detecting the task");
        var task = TaskDetector.Detect(source, cols, options.Mapping.Task, x);
        if (task != ModelTask.Binary)
            throw new VigilInputException($"{source.Description}: compare handles binary classifiers (a score and 0/1 labels); this log looks like {task.ToString().ToLowerInvariant()} (multiclass and regression comparisons are not built yet; use vigil evaluate --segment-by {cols.Version?.Name ?? "model_version"})");
        if (cols.Score is null) throw new VigilInputException($"{source.Description}: compare needs a score column (--score): the probability of the positive class");
        if (!ComparisonMetrics.IsKnown(options.PrimaryMetric))
            throw new VigilInputException($"--metric: '{options.PrimaryMetric}' is not a metric compare tests; expected one of {string.Join(", ", ComparisonMetrics.Names)}");
        var slicer = Slicer.For(new SliceSpec { SegmentBy = options.SegmentBy }, source, limits: new SliceLimits { MaxSegments = options.MaxSegments });
        var nseg = slicer.SegmentCount;
        var segSelect = slicer.Select;
        var g = slicer.GroupBy;
        var ok = input.Valid;
        var idEstimate = options.Pairing == PairingMode.Auto && cols.Id is not null ? source.Dialect.DistinctEstimate("id_") : null; // over the raw ids: no cast to text needed for an estimate
        var baseSql = $"SELECT {input.VersionExpr} AS v_, {x.StrictNumber(cols.Score, "--score")} AS s_, {x.BinaryLabel(cols.Label!)} AS y_{segSelect}{(idEstimate is null ? "" : $", {x.Q(cols.Id!.Name)} AS id_")} " +
                      $"FROM {source.Relation} WHERE {input.VersionExpr} IN ({input.B}, {input.C})";
        var gl = nseg > 0 ? g + ", " : "";

        // The census: each segment's rows per version (all, and those that enter the metrics), with a number per
        // segment, in a small temporary table; one scan of the log, one row per segment.
        progress.Stage("Counting rows per version and segment");
        // Where the engine can estimate distinct counts, the census also estimates how many ids the versions share,
        // so that versions that scored different traffic (most comparisons) need no pairing query of their own.
        var censusTable = source.CreateTempTable(
            $"SELECT {gl}" +
            $"{source.Dialect.CountIf($"v_ = {input.B}")} AS rb_, {source.Dialect.CountIf($"v_ = {input.B} AND {ok}")} AS kb_, " +
            $"{source.Dialect.CountIf($"v_ = {input.C}")} AS rc_, {source.Dialect.CountIf($"v_ = {input.C} AND {ok}")} AS kc_" +
            (idEstimate is null ? "" : $", {source.Dialect.DistinctEstimate($"CASE WHEN v_ = {input.B} THEN id_ END")} AS db_, {source.Dialect.DistinctEstimate($"CASE WHEN v_ = {input.C} THEN id_ END")} AS dc_, {idEstimate} AS dall_") +
            (nseg > 0 ? $", {source.Dialect.RowNumber} - 1 AS code_" : ", 0 AS code_") +
            $" FROM ({baseSql}) b" + (nseg > 0 ? $" GROUP BY {g}" : ""));
        var census = source.Engine.Query($"SELECT {gl}rb_, kb_, rc_, kc_, code_{(idEstimate is null ? "" : ", db_, dc_, dall_")} FROM {censusTable}");
        slicer.CheckSegmentCount(nseg > 0 ? census.RowCount : 0);
        var keys = new SliceKey[census.RowCount];
        var segTotals = new (long B, long C)[census.RowCount];
        long rowsB = 0, rowsC = 0, totalB = 0, totalC = 0;
        double idsB = 0, idsC = 0, idsShared = 0;
        for (var r = 0; r < census.RowCount; r++)
        {
            if (idEstimate is not null)
            {
                double db = census.GetInt64(nseg + 5, r), dc = census.GetInt64(nseg + 6, r);
                idsB += db;
                idsC += dc;
                idsShared += Math.Max(0, db + dc - census.GetInt64(nseg + 7, r));
            }
            var code = checked((int)census.GetInt64(nseg + 4, r));
            if (code < 0 || code >= keys.Length) throw new InvalidOperationException($"census: segment number {code} out of range");
            keys[code] = slicer.Read(census, r);
            segTotals[code] = (census.GetInt64(nseg + 1, r), census.GetInt64(nseg + 3, r));
            rowsB += census.GetInt64(nseg, r);
            totalB += census.GetInt64(nseg + 1, r);
            rowsC += census.GetInt64(nseg + 2, r);
            totalC += census.GetInt64(nseg + 3, r);
        }
        if ((rowsB == 0 || rowsC == 0) && input.VersionColumn is { } versionColumn)
            CheckVersions(source, input.VersionExpr, versionColumn, input.BaselineValue, input.CandidateValue);
        long excludedB = rowsB - totalB, excludedC = rowsC - totalC;
        if (totalB == 0) throw new VigilInputException($"{source.Description}: the baseline '{input.BaselineName}' has no rows with a valid score in [0, 1] and a 0/1 label");
        if (totalC == 0) throw new VigilInputException($"{source.Description}: the candidate '{input.CandidateName}' has no rows with a valid score in [0, 1] and a 0/1 label");

        progress.Stage("Accumulating metrics per version and segment");
        // The valid rows, sorted by descending score, each as (segment number, score, version·2 + label): the engine's
        // sort spills to disk past its memory limit, where a (segment, score) hash aggregation would hold every distinct
        // pair. Each segment's rows arrive in descending order too, so every segment's accumulators run side by side,
        // each fed one distinct score at a time, and the overall ones likewise.
        var opts = new BinaryMetricOptions { Threshold = options.Threshold };
        Sides NewSides((long B, long C) t) => new(new VersionAccumulator(opts), new VersionAccumulator(opts), new ScoreShiftAccumulator(t.B, t.C));
        var join = nseg > 0
            ? $" JOIN {censusTable} c ON " + string.Join(" AND ", Enumerable.Range(0, nseg).Select(i =>
                $"coalesce(b.{slicer.Alias(i)}, {source.Dialect.StringLiteral(NullMarker)}) = coalesce(c.{slicer.Alias(i)}, {source.Dialect.StringLiteral(NullMarker)})"))
            : "";
        var sorted = $"SELECT CAST({(nseg > 0 ? "c.code_" : "0")} AS INTEGER) AS code_, b.s_, CAST(CASE WHEN b.v_ = {input.C} THEN 2 ELSE 0 END + b.y_ AS SMALLINT) AS k_ " +
                     $"FROM ({baseSql}) b{join} WHERE {ok} ORDER BY b.s_ DESC";
        Sides all = null!;
        Sides?[] segSides = [];
        // The sort gets a memory budget, past which it spills, rather than 80 % of the machine (the walk starts over
        // should it run out even so).
        source.Engine.WithMemoryBudget(minimumMegabytes: 128, megabytesPerThread: 32, () =>
        {
            all = NewSides((totalB, totalC));
            segSides = new Sides?[nseg > 0 ? keys.Length : 0];
            var pending = new PendingScore[segSides.Length + 1]; // the segments', then the overall one
            pending.AsSpan().Fill(PendingScore.None);
            void Flush(int i)
            {
                ref var p = ref pending[i];
                if (double.IsNaN(p.Score)) return;
                var target = i == segSides.Length ? all : segSides[i] ??= NewSides(segTotals[i]);
                target.Add(p.Score, p.Counts[0], p.Counts[1], p.Counts[2], p.Counts[3]);
            }
            source.Engine.Stream(sorted, null, chunk =>
            {
                var code = chunk.Int64s(0);
                var s = chunk.Doubles(1);
                var k = chunk.Int64s(2);
                var overall = segSides.Length;
                for (var i = 0; i < chunk.RowCount; i++)
                {
                    if (overall > 0)
                    {
                        var c = (int)code[i];
                        if (s[i] != pending[c].Score) { Flush(c); pending[c] = new PendingScore(s[i]); }
                        pending[c].Counts[KindIndex(k[i])]++;
                    }
                    if (s[i] != pending[overall].Score) { Flush(overall); pending[overall] = new PendingScore(s[i]); }
                    pending[overall].Counts[KindIndex(k[i])]++;
                }
            });
            for (var i = 0; i < pending.Length; i++) Flush(i);
        });
        var sides = new Dictionary<SliceKey, Sides> { [SliceKey.Empty] = all };
        for (var i = 0; i < segSides.Length; i++) if (segSides[i] is { } seen) sides[keys[i]] = seen;

        progress.Stage("Testing the differences");
        double? sharedIds = idEstimate is null || idsB == 0 || idsC == 0 ? null : Math.Min(1, idsShared / Math.Min(idsB, idsC));
        var paired = PairedComparison.Detect(input, options, sharedIds);
        Dictionary<SliceKey, PairedSums>? pairedSums = paired.Paired ? PairedComparison.Sums(input, options, slicer) : null;

        // Each segment's tests are independent (their seeds too): run them on every core.
        var segmentKeys = sides.Keys.ToArray();
        var compared = new SegmentComparison[segmentKeys.Length];
        Parallel.For(0, segmentKeys.Length, i =>
        {
            var k = segmentKeys[i];
            var acc = sides[k];
            var b = acc.B.Finish();
            var c = acc.C.Finish();
            var ps = pairedSums?.GetValueOrDefault(k);
            var overall = k.Equals(SliceKey.Empty);
            compared[i] = new SegmentComparison
            {
                Segment = overall ? new Dictionary<string, string?>() : slicer.SegmentMap(k),
                Baseline = Side(b, totalB),
                Candidate = Side(c, totalC),
                Difference = ComparisonMetrics.Differences(b, c, ps, options, options.Seed ^ StableHash(overall ? "" : slicer.Label(k))),
                Verdict = "no_evidence",
                ScoreDrift = acc.Shift.Finish(),
            };
        });
        var rows = segmentKeys.Select((k, i) => (Key: k, Cmp: compared[i])).ToList();
        var final = Correct(rows, options);
        var findings = new List<QualityIssue>();
        if (excludedB > 0 || excludedC > 0)
            findings.Add(new QualityIssue("rows_excluded", Severity.Info, excludedB + excludedC,
                $"rows without a valid score in [0, 1] or a 0/1 label were left out: {excludedB:N0} of the baseline's, {excludedC:N0} of the candidate's", []));
        findings.AddRange(paired.Findings);
        (IReadOnlyList<FeatureImpactChange> Changes, ComparisonSurrogates Surrogates)? impact = null;
        if (options.Features is { Count: > 0 } features)
        {
            progress.Stage("Fitting a surrogate per version for feature impact");
            impact = Explanation.VersionImpact.Run(source, options.Mapping, features, input.VersionExpr, input.BaselineValue, input.CandidateValue,
                input.BaselineName, input.CandidateName, options.SurrogateRows, options.ShapRows, options.Seed, progress);
        }
        return new ComparisonResult
        {
            Source = new SourceInfo(source.Description, source.Engine.Name, source.Columns.Where(c => c.Name != SideColumn).Select(c => c.Name).ToArray()),
            Baseline = input.BaselineName,
            Candidate = input.CandidateName,
            Task = task,
            Columns = cols.Roles with { Version = cols.Version?.Name == SideColumn ? null : cols.Version?.Name, Features = cols.Roles.Features.Where(f => f != SideColumn).ToArray() },
            Paired = paired.Paired,
            PairedReason = paired.Reason,
            Threshold = options.Threshold,
            PrimaryMetric = options.PrimaryMetric,
            Confidence = options.Confidence,
            Correction = options.Correction,
            SegmentBy = options.SegmentBy.Select(s => s.Name).ToArray(),
            Segments = final,
            FeatureImpact = impact?.Changes,
            Surrogate = impact?.Surrogates,
            Findings = findings,
        };
    }

    private static VersionMetrics Side(VersionSummary s, long total) => new()
    {
        Rows = s.Evaluation.Rows,
        Share = total == 0 ? 0 : (double)s.Evaluation.Rows / total,
        Positives = s.Evaluation.Positives,
        Metrics = s.Evaluation.Metrics,
        Calibration = s.Evaluation.Calibration,
    };

    /// <summary>Corrects each metric's p-values across the segments (the overall comparison is one test of its own and
    /// keeps its p-value), sets the verdicts, and orders: overall, then worse, better, no evidence.</summary>
    private static List<SegmentComparison> Correct(List<(SliceKey Key, SegmentComparison Cmp)> rows, ComparisonOptions options)
    {
        var overall = rows.Where(r => r.Key.Equals(SliceKey.Empty)).Select(r => r.Cmp).ToList();
        var segs = rows.Where(r => !r.Key.Equals(SliceKey.Empty)).Select(r => r.Cmp).ToList();
        var metricNames = rows.SelectMany(r => r.Cmp.Difference.Keys).Distinct(StringComparer.Ordinal).ToList();
        var adjusted = segs.Select(s => s.Difference.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal)).ToList();
        foreach (var m in metricNames)
        {
            var p = segs.Select(s => s.Difference.TryGetValue(m, out var d) && d.PValue is { } pv ? pv : double.NaN).ToArray();
            var q = options.Correction == "bh" ? Vigil.Statistics.Testing.MultipleTesting.BenjaminiHochberg(p) : Vigil.Statistics.Testing.MultipleTesting.Holm(p);
            for (var i = 0; i < segs.Count; i++)
                if (adjusted[i].TryGetValue(m, out var d) && d.PValue is not null)
                    adjusted[i][m] = d with { PAdjusted = q[i] };
        }
        SegmentComparison WithVerdict(SegmentComparison s, IReadOnlyDictionary<string, MetricDifference> d) =>
            s with { Difference = d, Verdict = Verdict(d, options) };
        var result = overall.Select(o => WithVerdict(o, o.Difference.ToDictionary(kv => kv.Key, kv => kv.Value with { PAdjusted = kv.Value.PValue }, StringComparer.Ordinal))).ToList();
        var judged = segs.Select((s, i) => WithVerdict(s, adjusted[i])).ToList();
        int Rank(string v) => v switch { "worse" => 0, "better" => 1, _ => 2 };
        double Effect(SegmentComparison s) => s.Difference.TryGetValue(options.PrimaryMetric, out var d) && d.Value is { } v ? -Math.Abs(v) : 0;
        result.AddRange(judged.OrderBy(s => Rank(s.Verdict)).ThenBy(s => s.Verdict == "no_evidence" ? 0 : Effect(s))
            .ThenBy(s => string.Join("\u001f", s.Segment.Values.Select(v => v ?? "")), StringComparer.Ordinal));
        return result;
    }

    private static string Verdict(IReadOnlyDictionary<string, MetricDifference> d, ComparisonOptions options)
    {
        if (!d.TryGetValue(options.PrimaryMetric, out var m) || m.Value is not { } v || m.PAdjusted is not { } q || q >= options.Alpha || v == 0) return "no_evidence";
        return (v > 0) == m.HigherIsBetter ? "better" : "worse";
    }

    /// <summary>A seed part from a segment's label that is the same in every run (string hashes are randomized per process).</summary>
    private static int StableHash(string s)
    {
        var h = 17;
        foreach (var ch in s) h = unchecked(h * 31 + ch);
        return h;
    }

    /// <summary>A segment value that stands for NULL when segments are matched by equality.</summary>
    private const string NullMarker = "\u241Fnull";

    /// <summary>The counts column of a row's kind (version·2 + label): baseline positives, baseline negatives,
    /// candidate positives, candidate negatives.</summary>
    private static int KindIndex(long kind) => kind switch { 1 => 0, 0 => 1, 3 => 2, 2 => 3, _ => throw new InvalidOperationException($"row kind {kind}") };

    /// <summary>The rows of one distinct score seen so far in one segment (counts in <see cref="KindIndex"/>'s order).</summary>
    private struct PendingScore(double score)
    {
        public static PendingScore None => new(double.NaN);
        public readonly double Score = score;
        public Counts4 Counts;
    }

    [System.Runtime.CompilerServices.InlineArray(4)]
    private struct Counts4
    {
        private long _element;
    }

    /// <summary>One segment's accumulators: each version's, and the score shift between them.</summary>
    private sealed record Sides(VersionAccumulator B, VersionAccumulator C, ScoreShiftAccumulator Shift)
    {
        public void Add(double score, long pb, long nb, long pc, long nc)
        {
            B.Add(score, pb, nb);
            C.Add(score, pc, nc);
            Shift.Add(score, pb + nb, pc + nc);
        }
    }
}
