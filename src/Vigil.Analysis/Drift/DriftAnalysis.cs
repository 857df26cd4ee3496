using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;
using Vigil.Statistics.Testing;

namespace Vigil.Analysis.Drift;

/// <summary>What to compare and how.</summary>
public sealed record DriftOptions
{
    /// <summary>Whether to compute what the charts draw (<see cref="ColumnDrift.Distribution"/>: quantile bins, ECDFs);
    /// only the HTML report draws them, so the CLI leaves them out of console, JSON and Markdown runs, which saves two
    /// ordered passes over every numerical column. Default true.</summary>
    public bool Distributions { get; init; } = true;

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
    /// <summary>Multiple-testing correction of the p-values: none (Evidently's default), bonferroni or fdr.</summary>
    public string Correction { get; init; } = "none";
    /// <summary>Also test each chunk of the current data: "day", "week" (by the timestamp column) or a number of rows
    /// (in the source's order); null for none.</summary>
    public string? Chunk { get; init; }
    /// <summary>The current data's timestamp column, for --chunk day|week (default: timestamp).</summary>
    public string? Timestamp { get; init; }
    /// <summary>The label column (target drift; default actual_label) and the score or prediction columns (prediction
    /// drift; default prediction_score and prediction), reported as such when present.</summary>
    public string? Label { get; init; }
    public IReadOnlyList<string>? Predictions { get; init; }
    /// <summary>"reference-chunks": learn each column's threshold as mean + 3σ of its statistic over the reference's
    /// own chunks (NannyML's way); null for the methods' thresholds.</summary>
    public string? ThresholdFrom { get; init; }
    /// <summary>Also NannyML's multivariate drift (PCA reconstruction error per chunk, thresholds from the reference's
    /// chunks cut the same way); needs <see cref="Chunk"/>.</summary>
    public bool Multivariate { get; init; }
}

/// <summary>
/// Data drift between a reference (a source or a stored profile) and a current source. Numbers from DuckDB arrive
/// raw and are sorted in .NET; categories, and everything from PostgreSQL or per chunk, are counted by the engine's
/// grouping sets. Every statistic is computed exactly from the two sorted samples or the merged counts
/// (<see cref="DriftMethods"/>, <see cref="SortedSamples"/>); docs/architecture.md has the design.
/// </summary>
internal static class DriftAnalysis
{
    public static DriftResult Run(OpenedSource reference, OpenedSource current, DriftOptions options, IAnalysisProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        return Run(new ReferenceSide(reference.Description, reference.Engine.Name, reference.Columns, reference, null), current, options, progress);
    }

    /// <summary>Drift of a source against a stored reference profile (<see cref="ReferenceProfile"/>): exact for the
    /// columns the profile holds exactly, within the bounds each column's result states for the others.</summary>
    public static DriftResult Run(ReferenceProfile reference, OpenedSource current, DriftOptions options, IAnalysisProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        if (options.ThresholdFrom is not null)
            throw new VigilInputException($"--threshold-from reference-chunks needs the reference's rows; {reference.Description} is a profile, which holds only their counts");
        if (options.Multivariate)
            throw new VigilInputException($"--multivariate needs the reference's rows; {reference.Description} is a profile, which holds only their counts");
        return Run(new ReferenceSide(reference.Description, "profile", reference.SourceColumns(), null, reference), current, options, progress);
    }

    /// <summary>The reference: a source to count, or a profile already counted.</summary>
    private sealed record ReferenceSide(string Description, string EngineName, IReadOnlyList<SourceColumn> Columns, OpenedSource? Source, ReferenceProfile? Profile);

    private static DriftResult Run(ReferenceSide side, OpenedSource current, DriftOptions options, IAnalysisProgress? progress)
    {
        progress ??= NoProgress.Instance;
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        if (!(options.DriftShare is > 0 and <= 1)) throw new VigilInputException($"--drift-share: {options.DriftShare} is not in (0, 1]");
        var columns = SelectColumns(side.Columns, side.Description, current, options);
        if (columns.Count == 0) throw new VigilInputException($"no columns to compare: {side.Description} and {current.Description} share no columns besides the id and timestamps");
        foreach (var (name, (method, _)) in options.PerColumn)
        {
            if (!columns.Any(c => c.Name == name)) throw new VigilInputException($"--per-column: no column '{name}' among the compared columns ({string.Join(", ", columns.Select(c => c.Name))})");
            if (method is not null) CheckMethod(method, "--per-column");
        }
        if (options.Method is not null) CheckMethod(options.Method, "--method");
        if (options.Correction is not ("none" or "bonferroni" or "fdr"))
            throw new VigilInputException($"--correction: '{options.Correction}' is not a correction; expected none, bonferroni or fdr");

        var chunk = ParseChunk(options.Chunk, options.Timestamp, current, out var chunkExpr);
        if (options.ThresholdFrom is { } from)
        {
            if (from != "reference-chunks") throw new VigilInputException($"--threshold-from: '{from}' is not a source of thresholds; expected reference-chunks");
            if (chunk is null) throw new VigilInputException("--threshold-from reference-chunks needs --chunk (the reference is cut the same way)");
            if (options.Correction != "none") throw new VigilInputException("--threshold-from and --correction do not go together: learned thresholds apply to the statistics, not to p-values");
        }
        if (options.Multivariate && chunk is null) throw new VigilInputException("--multivariate needs --chunk (the reference is cut the same way for the thresholds)");
        // Learned thresholds cut the reference as --chunk cuts the current data.
        string? refChunkExpr = null;
        var reference = side.Source;
        if (reference is not null && (options.ThresholdFrom is not null || options.Multivariate)) ParseChunk(options.Chunk, options.Timestamp, reference, out refChunkExpr);
        if (chunk is not null)
        {
            CheckChunks(options.Chunk!, chunk, current, chunkExpr!);
            if (refChunkExpr is not null) CheckChunks(options.Chunk!, chunk, reference!, refChunkExpr);
        }

        long refRows, curRows;
        SideCounts[] refCounts = [];
        List<ColumnDrift> results;
        DatasetDrift dataset;
        if (chunk is null && reference is not null && InGroups(reference) && InGroups(current))
        {
            // Both sides columnar and nothing that needs the reference's counts afterwards: count and test a group of
            // columns at a time, so that only one group's values are held.
            (refRows, curRows, results, dataset) = TestInGroups(reference, current, columns, options, progress);
        }
        else
        {
            if (side.Profile is { } profile) (refRows, refCounts) = profile.Counts(columns, current.Description);
            else
            {
                progress.Stage($"Counting values in {side.Description}");
                (refRows, refCounts) = Count(side.Source!, columns);
            }
            Parallel.ForEach(refCounts, c => c.Compact());
            progress.Stage($"Counting values in {current.Description}");
            (curRows, var curCounts) = Count(current, columns);
            CheckRows(side.Description, refRows, current.Description, curRows);
            progress.Stage("Testing columns");
            (results, dataset) = TestAll(columns, refCounts, curCounts, options, keepReference: chunk is not null, draw: options.Distributions);
        }
        Dictionary<string, Learned>? learned = null;
        if (options.ThresholdFrom is not null && reference is not null)
        {
            progress.Stage($"Learning thresholds from the chunks of {reference.Description}");
            var (_, refByChunk) = Count(reference, columns, refChunkExpr);
            learned = Learn(columns, refCounts, refByChunk, results);
            results = Redecided(results, learned);
            dataset = DatasetOf(results, options);
        }
        List<ChunkDrift>? chunks = null;
        long withoutChunk = 0;
        if (chunk is not null)
        {
            progress.Stage($"Counting values per {chunk} in {current.Description}");
            var (_, byChunk) = Count(current, columns, chunkExpr);
            progress.Stage("Testing chunks");
            chunks = [];
            foreach (var (key, counts) in byChunk.OrderBy(kv => kv.Key))
            {
                var rows = counts[0].Missing + counts[0].Total;
                if (double.IsNaN(key))
                {
                    withoutChunk += rows;
                    continue;
                }
                var (cols, ds) = TestAll(columns, refCounts, counts, options, keepReference: true, draw: false,
                    forced: learned?.ToDictionary(kv => kv.Key, kv => kv.Value.Method));
                if (learned is not null)
                {
                    cols = Redecided(cols, learned);
                    ds = DatasetOf(cols, options);
                }
                chunks.Add(ChunkOf(chunk, key, rows, ds, cols));
            }
        }
        MultivariateDrift? multivariate = null;
        if (options.Multivariate && chunk is not null && chunkExpr is not null && reference is not null)
        {
            progress.Stage("Multivariate drift (PCA reconstruction error)");
            var refColumns = refCounts.Select((c, k) => (c.Missing, c.Mean(), (IReadOnlyDictionary<string, long>?)c.Categories, c.IsConstant(columns[k].Type))).ToList();
            multivariate = MultivariateDriftAnalysis.Run(reference, current, columns, refRows, refColumns, refChunkExpr!, chunkExpr,
                (key, rows) => ChunkOf(chunk, key, rows, dataset, []).Key);
        }
        var label = options.Label ?? MappingOptions.DefaultLabel;
        var predictions = options.Predictions ?? [MappingOptions.DefaultScore, MappingOptions.DefaultPrediction];
        string RoleOf(string name) => name == label ? "target" : predictions.Contains(name) ? "prediction" : "feature";
        List<ColumnDrift> WithRoles(List<ColumnDrift> cols) => cols.Select(c => c with { Role = RoleOf(c.Name) }).ToList();
        results = WithSourceNotes(WithRoles(results), side.Source, current);
        chunks = chunks?.Select(c => c with { Columns = WithRoles(c.Columns.ToList()) }).ToList();
        return new DriftResult
        {
            Reference = new SourceInfo(side.Description, side.EngineName, side.Columns.Select(c => c.Name).ToArray()),
            Current = new SourceInfo(current.Description, current.Engine.Name, current.Columns.Select(c => c.Name).ToArray()),
            ReferenceRows = refRows,
            CurrentRows = curRows,
            Dataset = dataset,
            Columns = results,
            ChunkBy = chunk,
            Chunks = chunks,
            RowsWithoutChunk = withoutChunk,
            Multivariate = multivariate,
        };
    }

    /// <summary>Distinct values above which a column's test ends with a full garbage collection.</summary>
    private const int LargeColumn = 100_000;

    /// <summary>A full, blocking collection: the large arrays let go of are reused rather than piling up (a compacting
    /// one measured no smaller and slower).</summary>
    private static void CollectLarge()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: false);
    }

    private static void CheckRows(string reference, long refRows, string current, long curRows)
    {
        if (refRows == 0) throw new VigilInputException($"{reference}: no rows");
        if (curRows == 0) throw new VigilInputException($"{current}: no rows");
    }

    /// <summary>Numerical columns read and tested together when both sides are columnar: reading a group of columns
    /// costs no more than reading them with the rest, and holding one group's raw values instead of every column's
    /// keeps the memory down (1M + 1M rows x 24 columns of Parquet: a peak of 620 MB in one group, 520–540 MB in
    /// groups of 8, 340 MB in groups of 4 and 260–290 MB in groups of 2, at the same speed but for 2).</summary>
    internal const int ColumnsPerGroup = 4;

    /// <summary>Whether a source is read a group of columns at a time: a columnar source (Parquet, a table) in DuckDB.</summary>
    private static bool InGroups(OpenedSource source) =>
        source.Engine is Vigil.Engine.DuckDb.DuckDbEngine && !source.Relation.StartsWith("read_csv", StringComparison.Ordinal)
        && !source.Relation.StartsWith("read_json", StringComparison.Ordinal);

    private static (long RefRows, long CurRows, List<ColumnDrift> Columns, DatasetDrift Dataset) TestInGroups(OpenedSource reference, OpenedSource current,
        List<Column> columns, DriftOptions options, IAnalysisProgress progress)
    {
        var results = new List<ColumnDrift>();
        long refRows = 0, curRows = 0;
        // Categories are counted by the engine's grouping sets, all in one pass per side (few groups, and no text
        // crosses into .NET but the distinct values); numbers a group at a time, raw.
        var categorical = columns.Where(c => c.Type == ColumnType.Categorical).ToList();
        if (categorical.Count > 0)
        {
            progress.Stage($"Counting categories in {reference.Description}");
            var (r, refByChunk) = CountGrouped(reference, categorical, null);
            progress.Stage($"Counting categories in {current.Description}");
            var (c, curByChunk) = CountGrouped(current, categorical, null);
            CheckRows(reference.Description, r, current.Description, c);
            (refRows, curRows) = (r, c);
            SideCounts[] Of(Dictionary<double, SideCounts[]> byChunk) =>
                byChunk.TryGetValue(0, out var counts) ? counts : categorical.Select(_ => new SideCounts()).ToArray();
            results.AddRange(TestColumns(categorical, Of(refByChunk), Of(curByChunk), options, keepReference: false, draw: options.Distributions));
        }
        var numerical = columns.Where(c => c.Type == ColumnType.Numerical).ToList();
        // A columnar source knows its row count from its metadata: the raw values go straight into arrays of that size.
        long? RowsOf(OpenedSource s) => numerical.Count == 0 ? null : s.Engine.Query($"SELECT count(*) FROM {s.Relation}").GetInt64(0, 0);
        var (refHint, curHint) = (RowsOf(reference), RowsOf(current));
        for (var from = 0; from < numerical.Count; from += ColumnsPerGroup)
        {
            var group = numerical.Skip(from).Take(ColumnsPerGroup).ToList();
            var last = Math.Min(from + ColumnsPerGroup, numerical.Count);
            var which = numerical.Count <= ColumnsPerGroup ? "" : $" (numerical columns {from + 1}–{last} of {numerical.Count})";
            progress.Stage($"Counting values in {reference.Description}{which}");
            var (r, refCounts) = Stream(reference.Engine, reference.Relation, group, refHint);
            Parallel.ForEach(refCounts, c => c.Compact());
            progress.Stage($"Counting values in {current.Description}{which}");
            var (c, curCounts) = Stream(current.Engine, current.Relation, group, curHint);
            CheckRows(reference.Description, r, current.Description, c);
            (refRows, curRows) = (r, c);
            progress.Stage($"Testing columns{which}");
            results.AddRange(TestColumns(group, refCounts, curCounts, options, keepReference: false, draw: options.Distributions));
        }
        var final = Finish(results.ToArray(), options);
        return (refRows, curRows, Ranked(final), DatasetOf(final, options));
    }

    /// <summary>Every column's test (in parallel), the correction, the dataset's verdict, most drifted first.</summary>
    private static (List<ColumnDrift> Columns, DatasetDrift Dataset) TestAll(List<Column> columns, SideCounts[] refCounts, SideCounts[] curCounts,
        DriftOptions options, bool keepReference, bool draw, IReadOnlyDictionary<string, string>? forced = null)
    {
        var results = Finish(TestColumns(columns, refCounts, curCounts, options, keepReference, draw, forced), options);
        return (Ranked(results), DatasetOf(results, options));
    }

    /// <summary>The correction of the p-values, when asked for, over all the columns.</summary>
    private static ColumnDrift[] Finish(ColumnDrift[] results, DriftOptions options) =>
        options.Correction != "none" ? Corrected(results, options.Correction) : results;

    /// <summary>Every column's test, in parallel.</summary>
    private static ColumnDrift[] TestColumns(List<Column> columns, SideCounts[] refCounts, SideCounts[] curCounts,
        DriftOptions options, bool keepReference, bool draw, IReadOnlyDictionary<string, string>? forced = null)
    {
        var results = new ColumnDrift[columns.Count];
        try
        {
            Parallel.For(0, columns.Count, k =>
            {
                results[k] = TestColumn(columns[k], refCounts[k], curCounts[k], options, keepReference, draw,
                    forced is not null && forced.TryGetValue(columns[k].Name, out var m) ? m : null);
                // A large column's merged counts are tens of MB on the large-object heap, which the runtime collects
                // only in full collections: collect now rather than let every column's pile up (the live objects
                // are few arrays of numbers, so this takes milliseconds).
                if (results[k].DistinctValues > LargeColumn) CollectLarge();
            });
        }
        catch (AggregateException e) when (e.InnerExceptions.OfType<VigilInputException>().FirstOrDefault() is { } input)
        {
            throw input;
        }
        return results;
    }

    private static List<ColumnDrift> Ranked(IEnumerable<ColumnDrift> results) =>
        results.OrderByDescending(r => r.Drifted).ThenByDescending(Severity).ThenBy(r => r.Name, StringComparer.Ordinal).ToList();

    private static DatasetDrift DatasetOf(IReadOnlyCollection<ColumnDrift> results, DriftOptions options)
    {
        var tested = results.Count(r => r.Result is not null);
        var drifted = results.Count(r => r.Drifted);
        var share = tested == 0 ? 0 : (double)drifted / tested;
        return new DatasetDrift(tested > 0 && share >= options.DriftShare, share, drifted, tested, options.DriftShare, options.Correction);
    }

    /// <summary>NannyML's thresholds: each column's statistic (its method as chosen on the whole data) on every chunk of
    /// the reference against the whole reference; the threshold is their mean + 3 standard deviations (population).
    /// Columns with fewer than two usable chunks keep their method's threshold, and so do columns whose statistic does
    /// not vary across the reference chunks (a degenerate threshold: σ = 0 would flag any change at all; the result
    /// says so).</summary>
    private static Dictionary<string, Learned> Learn(List<Column> columns, SideCounts[] refCounts,
        Dictionary<double, SideCounts[]> refByChunk, List<ColumnDrift> results)
    {
        var learned = new Dictionary<string, Learned>(StringComparer.Ordinal);
        for (var k = 0; k < columns.Count; k++)
        {
            var col = columns[k];
            var main = results.First(r => r.Name == col.Name);
            if (main.Result is null) continue;
            var stats = new List<double>();
            foreach (var (key, counts) in refByChunk)
            {
                if (double.IsNaN(key)) continue;
                var values = Merge(col.Type, refCounts[k], counts[k]);
                if (DriftMethods.Refusal(main.Method, values, named: false) is not null) continue;
                if (DriftMethods.Run(main.Method, values, named: false).Statistic is { } st && double.IsFinite(st)) stats.Add(st);
            }
            if (stats.Count < 2) continue;
            var mean = stats.Average();
            var sd = Math.Sqrt(stats.Sum(x => (x - mean) * (x - mean)) / stats.Count);
            learned[col.Name] = new Learned(main.Method, mean + 3 * sd, stats.Count, IsDegenerate(mean, sd));
        }
        return learned;
    }

    /// <summary>A threshold learned from reference chunks: <see cref="Degenerate"/> when the statistic did not vary
    /// across them, so that the method's own threshold is kept.</summary>
    internal sealed record Learned(string Method, double Threshold, int Chunks, bool Degenerate);

    /// <summary>Whether mean + 3σ is no threshold at all: no spread (up to rounding) or not a finite number.</summary>
    internal static bool IsDegenerate(double mean, double sd) =>
        !double.IsFinite(mean) || !double.IsFinite(sd) || sd <= 1e-12 * Math.Max(1, Math.Abs(mean));

    /// <summary>What a column says when its learned threshold degenerated and the method's threshold was used.</summary>
    internal static string DegenerateNote(Learned l, double threshold) =>
        $"learned threshold degenerate (no variation across {l.Chunks} reference chunks); the method's {(DriftMethods.IsTest(l.Method) ? "p-value threshold" : "default threshold")} {threshold.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture)} used";

    /// <summary>Decisions against learned thresholds: drift when the statistic exceeds the column's threshold.</summary>
    private static List<ColumnDrift> Redecided(IEnumerable<ColumnDrift> results, Dictionary<string, Learned> learned) =>
        Ranked(results.Select(c =>
        {
            if (c.Result is not { Statistic: { } st } r || !learned.TryGetValue(c.Name, out var l)) return c;
            if (l.Degenerate)
            {
                var why = DegenerateNote(l, r.Threshold);
                return c with { Reason = c.Reason + "; " + why, Note = Join(c.Note, why) };
            }
            var drifted = st > l.Threshold;
            return c with
            {
                Result = r with { Threshold = l.Threshold, Drifted = drifted },
                Drifted = drifted,
                Reason = c.Reason + $"; threshold learned from {l.Chunks} reference chunks (mean + 3σ of the statistic)",
            };
        }));

    /// <summary>"day", "week" or "N rows" (null without --chunk), and the SQL that gives each current row its chunk:
    /// the period's start in epoch seconds, or the row's index divided by N.</summary>
    private static string? ParseChunk(string? spec, string? timestamp, OpenedSource current, out string? expr)
    {
        expr = null;
        if (spec is null) return null;
        var d = current.Engine.Dialect;
        var s = spec.Trim().ToLowerInvariant();
        if (s is "day" or "week")
        {
            var name = timestamp ?? MappingOptions.DefaultTimestamp;
            var col = current.Columns.FirstOrDefault(c => c.Name == name)
                      ?? throw new VigilInputException($"--chunk {s}: {current.Description} has no timestamp column '{name}' (choose one with --timestamp); it has: {string.Join(", ", current.Columns.Select(c => c.Name))}");
            // The timestamp as summary and evaluate read it: text parsed, numbers as epoch time in the unit they show.
            expr = d.EpochSeconds(d.DateTrunc(s, new RoleExpressions(d, current.Description).Timestamp(col)));
            return s;
        }
        if (long.TryParse(s, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) && n > 0)
        {
            expr = $"floor((row_number() OVER () - 1) / {n}.0)";
            return $"{n} rows";
        }
        throw new VigilInputException($"--chunk: '{spec}' is not a chunk; expected day, week or a number of rows");
    }

    /// <summary>The most chunks a drift run tests (each is a full drift test of every column, so 100,000 chunks
    /// would take hours and say nothing a reader could follow). docs/cli.md, "Limits".</summary>
    public const int MaxChunks = 1_000;

    /// <summary>Refuses a --chunk that cuts a side into more than <see cref="MaxChunks"/> chunks, before any counting.</summary>
    private static void CheckChunks(string spec, string chunk, OpenedSource source, string expr)
    {
        long chunks;
        if (chunk is "day" or "week")
            chunks = source.Engine.Query($"SELECT count(DISTINCT {expr}) FROM {source.Relation}").GetInt64(0, 0);
        else
        {
            var size = long.Parse(chunk.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
            var rows = source.Engine.Query($"SELECT count(*) FROM {source.Relation}").GetInt64(0, 0);
            chunks = (rows + size - 1) / size;
        }
        if (chunks <= MaxChunks) return;
        var f = System.Globalization.CultureInfo.InvariantCulture;
        var hint = chunk is "day" ? "use --chunk week or a number of rows" : chunk is "week" ? "use a number of rows" : "use a larger chunk or --chunk day";
        throw new VigilInputException(string.Create(f,
            $"--chunk {spec.Trim()}: {chunks:N0} chunks in {source.Description}; at most {MaxChunks:N0} ({hint})"));
    }

    private static ChunkDrift ChunkOf(string chunk, double key, long rows, DatasetDrift dataset, List<ColumnDrift> columns)
    {
        if (chunk is "day" or "week")
        {
            var start = DateTime.UnixEpoch.AddSeconds(key);
            return new ChunkDrift(chunk == "day" ? start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) : "week of " + start.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                start, 0, rows, dataset, columns);
        }
        var size = long.Parse(chunk.Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        var first = (long)key * size;
        return new ChunkDrift($"rows {first + 1:N0}–{first + rows:N0}", null, first, rows, dataset, columns);
    }

    private static ColumnDrift TestColumn(Column col, SideCounts refCounts, SideCounts curCounts, DriftOptions options, bool keepReference, bool draw,
        string? forcedMethod = null)
    {
        // Numbers: the two sorted samples and one pass for what the choice needs; the merged counts only for the
        // methods that need them whole (ks and wasserstein run on the samples in ordered passes).
        var pooled = refCounts.Summary is { IsExact: false } profiled ? profiled : null;
        ValueCounts? values = null;
        SortedSample rs = default, cs = default;
        SampleSummary? summary = null;
        SampleCensus census;
        if (col.Type == ColumnType.Numerical)
        {
            (rs, cs) = (refCounts.Sample(), curCounts.Sample());
            summary = SortedSamples.Summarize(rs, cs);
            census = summary.Census;
        }
        else
        {
            values = Merge(col.Type, refCounts, curCounts);
            census = new SampleCensus(values.ReferenceTotal, values.CurrentTotal, values.Count, double.NaN, double.NaN);
        }
        options.PerColumn.TryGetValue(col.Name, out var over);
        string method, reason;
        var named = true;
        if (forcedMethod is not null) (method, reason, named) = (forcedMethod, "as on the whole data", false);
        else if (over.Method is not null) (method, reason) = (DriftMethods.Canonical(over.Method), "chosen for this column (--per-column)");
        else if (options.Method is not null) (method, reason) = (DriftMethods.Canonical(options.Method), "chosen (--method)");
        else
        {
            named = false;
            (method, reason) = census.ReferenceTotal == 0 || census.CurrentTotal == 0 ? ("none", "no values")
                : DriftMethodChooser.Choose(col.Type, census.Distinct, census.ReferenceTotal);
        }
        var onSamples = values is null && pooled is null && method != "none" && DriftMethods.RunsOnSamples(method);
        if (values is null && !onSamples)
        {
            values = SortedSamples.Merge(rs, cs, census);
            if (pooled is not null) values = values.WithReferenceStandardDeviation(pooled.StandardDeviation);
        }
        var threshold = over.Threshold ?? options.Threshold;
        DriftTestResult? result = null;
        string? note = null;
        if (method == "none") note = "no values to compare";
        else if ((onSamples ? DriftMethods.RefusalOnSamples(method, census, named) : DriftMethods.Refusal(method, values!, named)) is { } refusal)
        {
            // A method chosen for this very column must fit it; one chosen for every column skips those it does not.
            if (over.Method is not null) throw new VigilInputException($"--per-column {col.Name}: {refusal}");
            note = refusal;
        }
        else result = onSamples ? DriftMethods.RunOnSamples(method, rs, summary!, threshold, named) : DriftMethods.Run(method, values!, threshold, named);
        if (result is not null) note = Join(note, UndefinedNote(result), ExtremeNote(col.Type, census));
        Distribution? distribution = null;
        if (draw)
        {
            // Numbers: few values as categories, else the reference's quantile bins (Sturges bins when it has too few
            // distinct values for them); categories: the most frequent ones.
            var walk = col.Type != ColumnType.Numerical ? null
                : summary is not null && pooled is null ? DistributionDrawing.Of(rs, cs)
                : values is not null ? DistributionDrawing.Of(values) : null;
            distribution = walk is not null ? DistributionDrawing.Numerical(walk, method) : null;
            distribution ??= summary is not null && pooled is null ? DistributionOf(summary) : values is not null ? DistributionOf(values) : null;
        }
        if (!keepReference) refCounts.Release();
        curCounts.Release();
        return new ColumnDrift
        {
            Name = col.Name,
            Type = col.Type,
            Method = method,
            Reason = reason,
            Result = result,
            ReferenceMissing = refCounts.Missing,
            CurrentMissing = curCounts.Missing,
            DistinctValues = census.Distinct,
            Note = note,
            Drifted = result?.Drifted ?? false,
            Distribution = distribution,
            Approximation = pooled is not null && result is not null ? ApproximationOf(pooled, result.Method, values!) : null,
        };
    }

    /// <summary>The columns with what reading each side noticed (<see cref="OpenedSource.Notes"/>), prefixed with the
    /// side: a note that names a column (quoted, as 'name') goes to that column's <see cref="ColumnDrift.Note"/>; one
    /// that names no column of its source concerns the whole source and goes to every compared column; one that names
    /// only columns not compared (the id, the timestamp) changes no result here and is left out.</summary>
    internal static List<ColumnDrift> WithSourceNotes(List<ColumnDrift> results, OpenedSource? reference, OpenedSource current)
    {
        var notes = new List<(string Text, HashSet<string>? Columns)>();
        void Add(OpenedSource? source, string side)
        {
            if (source is null) return;
            foreach (var n in source.Notes)
            {
                var named = source.Columns.Select(c => c.Name).Where(c => n.Contains($"'{c}'", StringComparison.Ordinal)).ToHashSet(StringComparer.Ordinal);
                notes.Add(($"{side}: {n}", named.Count > 0 ? named : null));
            }
        }
        Add(reference, "reference");
        Add(current, "current");
        if (notes.Count == 0) return results;
        return results.Select(c =>
        {
            var mine = notes.Where(n => n.Columns is null || n.Columns.Contains(c.Name)).Select(n => n.Text).ToArray();
            return mine.Length == 0 ? c : c with { Note = Join([c.Note, .. mine]) };
        }).ToList();
    }

    private static string? Join(params string?[] notes) =>
        notes.Any(n => n is not null) ? string.Join("; ", notes.Where(n => n is not null)) : null;

    /// <summary>A note for a result whose statistic or p-value is undefined (NaN or infinite): such a column is not
    /// counted as drifted, and the reader must be told so rather than read it as "no drift".</summary>
    internal static string? UndefinedNote(DriftTestResult r)
    {
        var statistic = r.Statistic is not { } s || !double.IsFinite(s);
        var p = DriftMethods.IsTest(r.Method) && (r.PValue is not { } pv || double.IsNaN(pv));
        if (!statistic && !p) return null;
        return $"the {r.Method} {(statistic ? "statistic" : "p-value")} is undefined for these values (e.g. no spread on either side, or values too large for a double), so the column is not counted as drifted; inspect it or choose another method";
    }

    /// <summary>Magnitude beyond which squares overflow a double: such values are computed scaled, and noted.</summary>
    internal const double ExtremeMagnitude = 1e150;

    /// <summary>A note for a numerical column holding values near the limits of a double: the statistics are computed
    /// scaled (so they are finite), but one such value dominates the spread and can hide a shift in the bulk.</summary>
    internal static string? ExtremeNote(ColumnType type, SampleCensus census)
    {
        if (type != ColumnType.Numerical || double.IsNaN(census.Min)) return null;
        if (!(Math.Max(Math.Abs(census.Min), Math.Abs(census.Max)) > ExtremeMagnitude)) return null;
        var f = System.Globalization.CultureInfo.InvariantCulture;
        return $"extreme values (from {census.Min.ToString("G3", f)} to {census.Max.ToString("G3", f)}): the statistics are computed on scaled values, "
            + "but such values dominate the range and the spread, so a shift in the bulk of the data may not show; check the column for sentinel or corrupt values";
    }

    /// <summary>How far a result computed from a profile's pooled buckets can be from the exact one.</summary>
    private static ReferenceApproximation ApproximationOf(NumericSummary s, string method, ValueCounts values)
    {
        var cdf = s.CdfError;
        var pooled = s.PooledBuckets;
        var why = $"the reference profile pools this column's values into {s.Counts.Length:N0} buckets ({pooled:N0} of more than one value), each taken at its mean; its distribution function is within ±{Fmt(cdf)} of the reference's";
        switch (method)
        {
            case "ks":
                return new ReferenceApproximation(pooled, cdf, cdf, null, why + $", so the statistic is within ±{Fmt(cdf)} of the exact one");
            case "wasserstein":
                var w = s.WassersteinError / Math.Max(s.StandardDeviation, 0.001);
                return new ReferenceApproximation(pooled, cdf, w, null, why + $"; no value moves further than across its bucket, so the normed distance is within ±{Fmt(w)} of the exact one (the standard deviation is exact)");
            case "psi" or "kl_div" or "jensenshannon" or "hellinger" when values.ReferenceDistinct > 20:
                var share = s.BinnedShareError(Binning.SturgesEdges(values));
                return new ReferenceApproximation(pooled, cdf, null, share, why + $"; at most {Fmt(share)} of the reference's values may belong to a neighbouring bin");
            default:
                return new ReferenceApproximation(pooled, cdf, null, null, why);
        }
    }

    private static string Fmt(double x) => x.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);

    private const int MaxCategoriesDrawn = 20;

    /// <summary>What the reports draw when <see cref="DistributionDrawing"/> does not apply: Sturges bins over both sides
    /// for numbers, the most frequent categories (over both sides) for text, as shares of each side.</summary>
    internal static Distribution? DistributionOf(SampleSummary s) =>
        s.Edges is null ? null : Shares(s.Edges, s.ReferenceBins!, s.CurrentBins!, s.Census.ReferenceTotal, s.Census.CurrentTotal);

    private static Distribution Shares(double[] edges, long[] r, long[] c, long referenceTotal, long currentTotal) =>
        new(edges, null, r.Select(n => (double)n / referenceTotal).ToArray(), c.Select(n => (double)n / currentTotal).ToArray());

    internal static Distribution? DistributionOf(ValueCounts v)
    {
        if (v.Count == 0 || v.ReferenceTotal == 0 || v.CurrentTotal == 0) return null;
        if (v.Type == ColumnType.Numerical)
        {
            var edges = Binning.SturgesEdges(v);
            var (r, c) = Binning.Counts(v, edges);
            return Shares(edges, r, c, v.ReferenceTotal, v.CurrentTotal);
        }
        var order = Enumerable.Range(0, v.Count)
            .OrderByDescending(i => (double)v.Reference[i] / v.ReferenceTotal + (double)v.Current[i] / v.CurrentTotal)
            .ThenBy(i => v.Categories![i], StringComparer.Ordinal).ToList();
        var shown = order.Take(order.Count > MaxCategoriesDrawn ? MaxCategoriesDrawn - 1 : MaxCategoriesDrawn).ToList();
        var labels = shown.Select(i => v.Categories![i]).ToList();
        var rs = shown.Select(i => (double)v.Reference[i] / v.ReferenceTotal).ToList();
        var cs = shown.Select(i => (double)v.Current[i] / v.CurrentTotal).ToList();
        if (shown.Count < order.Count)
        {
            var rest = order.Skip(shown.Count).ToList();
            labels.Add($"other ({rest.Count})");
            rs.Add(rest.Sum(i => (double)v.Reference[i]) / v.ReferenceTotal);
            cs.Add(rest.Sum(i => (double)v.Current[i]) / v.CurrentTotal);
        }
        return new Distribution(null, labels, rs, cs);
    }

    /// <summary>The columns with p-values corrected as one family; each decision is the adjusted p-value against the
    /// column's threshold (with the method's own comparison: ks drifts at p ≤ threshold, the others below it).</summary>
    private static ColumnDrift[] Corrected(ColumnDrift[] columns, string correction)
    {
        var tests = columns.Select((c, i) => (c, i)).Where(x => x.c.Result?.PValue is not null).ToList();
        var p = tests.Select(x => x.c.Result!.PValue!.Value).ToArray();
        var q = correction == "bonferroni" ? MultipleTesting.Bonferroni(p) : MultipleTesting.BenjaminiHochberg(p);
        var result = (ColumnDrift[])columns.Clone();
        for (var j = 0; j < tests.Count; j++)
        {
            var (c, i) = tests[j];
            var r = c.Result!;
            var drifted = DriftMethods.PValueDrifts(r.Method, q[j], r.Threshold);
            result[i] = c with { AdjustedPValue = q[j], Drifted = drifted };
        }
        return result;
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
        if (!DriftMethods.IsKnown(method))
            throw new VigilInputException($"{flag}: '{method}' is not a drift method; expected one of {string.Join(", ", DriftMethods.Names)}");
    }

    internal sealed record Column(string Name, ColumnType Type, SourceColumn Reference, SourceColumn Current);

    internal static List<Column> SelectColumns(IReadOnlyList<SourceColumn> reference, string referenceDescription, OpenedSource current, DriftOptions options)
    {
        var cur = current.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var list = new List<Column>();
        if (options.Columns is { Count: > 0 } wanted)
        {
            foreach (var name in wanted)
            {
                var r = reference.FirstOrDefault(c => c.Name == name)
                        ?? throw new VigilInputException($"--columns: {referenceDescription} has no column '{name}'; it has: {string.Join(", ", reference.Select(c => c.Name))}");
                if (!cur.TryGetValue(name, out var c))
                    throw new VigilInputException($"--columns: {current.Description} has no column '{name}'; it has: {string.Join(", ", current.Columns.Select(x => x.Name))}");
                list.Add(new Column(name, TypeOf(r, c), r, c));
            }
            return list;
        }
        foreach (var r in reference)
        {
            if (!cur.TryGetValue(r.Name, out var c)) continue;
            if (r.Name is MappingOptions.DefaultId or MappingOptions.DefaultTimestamp) continue;
            if (r.Kind == ColumnKind.Timestamp || c.Kind == ColumnKind.Timestamp) continue;
            list.Add(new Column(r.Name, TypeOf(r, c), r, c));
        }
        return list;
    }

    /// <summary>Numerical when both sides hold numbers; anything else is compared as categories (text).</summary>
    internal static ColumnType TypeOf(SourceColumn r, SourceColumn c) =>
        r.Kind is ColumnKind.Double or ColumnKind.Int64 && c.Kind is ColumnKind.Double or ColumnKind.Int64
            ? ColumnType.Numerical
            : ColumnType.Categorical;

    /// <summary>One side's counts of one column: numbers or categories with their counts, and values left out. Numbers
    /// arrive either counted (a value and how often it occurs, from the engine's grouping) or one by one (raw values
    /// streamed from the engine, <see cref="AddValues"/>); a side holds one kind or the other.</summary>
    internal sealed class SideCounts
    {
        private const int BlockSize = 1 << 16;

        private double[] _numbers = [];
        private long[]? _numberCounts = [];
        private int _n;
        // Raw values: into _numbers while it has room (sized by ExpectValues when the row count is known), then in
        // blocks (no doubling of one large array while streaming).
        private bool _raw;
        private List<double[]>? _blocks;
        private int _inBlock;

        public Dictionary<string, long> Categories { get; } = new(StringComparer.Ordinal);
        public long Missing { get; set; }

        /// <summary>Set when the numbers come from a profile's summary (each pooled bucket at its mean).</summary>
        public NumericSummary? Summary { get; init; }

        /// <summary>Values counted (missing ones aside).</summary>
        public long Total
        {
            get
            {
                long t = _blocks is null ? 0 : (long)(_blocks.Count - 1) * BlockSize + _inBlock;
                if (_raw) t += _n;
                else for (var i = 0; i < _n; i++) t += _numberCounts![i];
                foreach (var c in Categories.Values) t += c;
                return t;
            }
        }

        /// <summary>A number that occurs <paramref name="count"/> times.</summary>
        public void Add(double x, long count)
        {
            if (_raw) throw new InvalidOperationException("counted and raw numbers do not mix");
            if (_n == _numbers.Length)
            {
                Array.Resize(ref _numbers, Math.Max(16, _n * 2));
                Array.Resize(ref _numberCounts, Math.Max(16, _n * 2));
            }
            _numbers[_n] = x;
            _numberCounts![_n++] = count;
        }

        /// <summary>Raw values follow, about <paramref name="capacity"/> of them at most (the source's row count).</summary>
        public void ExpectValues(int capacity)
        {
            if (_n > 0 || _blocks is not null) throw new InvalidOperationException("values already added");
            _raw = true;
            _numberCounts = null;
            _numbers = GC.AllocateUninitializedArray<double>(capacity);
        }

        /// <summary>Raw values, NaN and infinities counted as missing.</summary>
        public void AddValues(ReadOnlySpan<double> xs)
        {
            if (!_raw)
            {
                if (_n > 0) throw new InvalidOperationException("counted and raw numbers do not mix");
                _raw = true;
                _numberCounts = null;
            }
            var finite = true;
            foreach (var x in xs) finite &= double.IsFinite(x);
            if (finite && _blocks is null && _numbers.Length - _n >= xs.Length)
            {
                xs.CopyTo(_numbers.AsSpan(_n));
                _n += xs.Length;
                return;
            }
            foreach (var x in xs)
            {
                if (!double.IsFinite(x)) Missing++;
                else if (_blocks is null && _n < _numbers.Length) _numbers[_n++] = x;
                else
                {
                    if (_blocks is null || _inBlock == BlockSize)
                    {
                        (_blocks ??= []).Add(new double[BlockSize]);
                        _inBlock = 0;
                    }
                    _blocks[^1][_inBlock++] = x;
                }
            }
        }

        private bool _sorted;

        /// <summary>Sorts the numbers. Counted ones are merged where equal (the engine's groups may hold -0.0 and 0.0
        /// apart) and trimmed to size; raw ones are gathered into one array and sorted (equal values stay
        /// side by side).</summary>
        public void Compact()
        {
            if (_sorted) return;
            _sorted = true;
            if (_raw)
            {
                if (_blocks is not null)
                {
                    var n = _n + (_blocks.Count - 1) * BlockSize + _inBlock;
                    var all = GC.AllocateUninitializedArray<double>(n);
                    Array.Copy(_numbers, all, _n);
                    for (var b = 0; b < _blocks.Count; b++)
                    {
                        Array.Copy(_blocks[b], 0, all, _n + b * BlockSize, b == _blocks.Count - 1 ? _inBlock : BlockSize);
                        _blocks[b] = [];
                    }
                    (_numbers, _n, _blocks, _inBlock) = (all, n, null, 0);
                }
                Vigil.Analysis.Summary.KeySort.Sort(_numbers, _n);
                return;
            }
            var v = _numbers;
            var c = _numberCounts!;
            Array.Sort(v, c, 0, _n);
            var m = 0;
            for (var i = 0; i < _n; i++)
            {
                if (m > 0 && v[m - 1] == v[i]) c[m - 1] += c[i];
                else
                {
                    v[m] = v[i] + 0.0;
                    c[m++] = c[i];
                }
            }
            Array.Resize(ref _numbers, m);
            Array.Resize(ref _numberCounts, m);
            _n = m;
        }

        /// <summary>The numbers ascending: each once with its count, or (raw numbers) every value with Counts null.</summary>
        public (double[] Values, long[]? Counts, int Length) Sorted()
        {
            Compact();
            return (_numbers, _numberCounts, _n);
        }

        /// <summary>The numbers ascending, as a <see cref="SortedSample"/>.</summary>
        public SortedSample Sample()
        {
            var (v, c, n) = Sorted();
            return new SortedSample(v, c, n);
        }

        /// <summary>The numbers ascending, each once (-0.0 as 0.0) with its count.</summary>
        public (double[] Values, long[] Counts, int Length) SortedNumbers()
        {
            var (v, c, n) = Sorted();
            if (c is not null) return (v, c, n);
            var values = new List<double>();
            var counts = new List<long>();
            for (var i = 0; i < n;)
            {
                var x = v[i];
                var j = i + 1;
                while (j < n && v[j] == x) j++;
                values.Add(x + 0.0);
                counts.Add(j - i);
                i = j;
            }
            return (values.ToArray(), counts.ToArray(), values.Count);
        }

        /// <summary>Whether the column holds one value only (its missing values, imputed, take that value too).</summary>
        public bool IsConstant(ColumnType type)
        {
            if (type != ColumnType.Numerical) return Categories.Count == 1;
            var (v, _, n) = Sorted();
            return n > 0 && v[0] == v[n - 1];
        }

        /// <summary>The mean of the numbers (NaN when there are none).</summary>
        public double Mean()
        {
            var (v, c, n) = Sorted();
            var sum = new Vigil.Statistics.Internal.NeumaierSum();
            long count = 0;
            for (var i = 0; i < n; i++)
            {
                var k = c?[i] ?? 1;
                sum.Add(v[i] * k);
                count += k;
            }
            return count == 0 ? double.NaN : sum.Value / count;
        }

        /// <summary>Lets go of the numbers once the column is tested.</summary>
        public void Release()
        {
            _numbers = [];
            _numberCounts = _raw ? null : [];
            _n = 0;
            _blocks = null;
            _inBlock = 0;
        }
    }

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

    /// <summary>As above, per chunk when <paramref name="chunkExpr"/> (SQL over the source's columns giving a number,
    /// or null for a row with no chunk) is given; rows whose chunk is null are counted under NaN.</summary>
    /// <summary>Columns counted in one grouping-sets pass at the most: each set holds a hash table of its column's
    /// values, so a wide table is read in batches (measured: 500 sets in one pass took minutes and 4.8 GB).</summary>
    internal const int ColumnsPerPass = 32;

    /// <summary>Columns per pass for a columnar source (Parquet, a table), where another pass costs little: smaller
    /// grouping-sets passes ran faster (1M + 1M rows x 24 columns of Parquet: 6.1–6.4 s in passes of 8 against
    /// 8.1–9.6 s in one pass of 24).</summary>
    internal const int ColumnarColumnsPerPass = 8;

    private static (long Rows, Dictionary<double, SideCounts[]> Counts) Count(OpenedSource source, List<Column> columns, string? chunkExpr)
    {
        if (chunkExpr is null && source.Engine is Vigil.Engine.DuckDb.DuckDbEngine)
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
        var staged = columns.Count > perPass && text && source.Engine is Vigil.Engine.DuckDb.DuckDbEngine;
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
        var prefix = chunked ? "p_, " : "";
        var sets = string.Join(", ", columns.Select((_, k) => $"({prefix}c{k}_)"));
        // The set's column: GROUPING(c) is 0 for the one column a row is grouped by.
        var index = string.Join(" + ", columns.Select((_, k) => $"(1 - GROUPING(c{k}_)) * {k}"));
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
            $"SELECT CAST({index} AS INTEGER) AS k_, {Coalesce(nums, d.Double)} AS v_, {Coalesce(texts, d.Text)} AS s_, count(*) AS n_, " +
            $"{(chunked ? "p_" : "CAST(0 AS " + d.Double + ")")} AS p_ FROM ({inner}) s GROUP BY GROUPING SETS ({sets})", texts.Count > 0 ? [MissingCategory] : [], chunk =>
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

    private static ValueCounts Merge(ColumnType type, SideCounts r, SideCounts c)
    {
        if (type == ColumnType.Numerical)
        {
            var (rs, cs) = (r.Sample(), c.Sample());
            return SortedSamples.Merge(rs, cs, SortedSamples.CensusOf(rs, cs));
        }
        var cats = r.Categories.Keys.Union(c.Categories.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        return ValueCounts.Categorical(cats, cats.Select(v => r.Categories.GetValueOrDefault(v)).ToArray(), cats.Select(v => c.Categories.GetValueOrDefault(v)).ToArray());
    }
}
