using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;
using Vigil.Statistics.Testing;

namespace Vigil.Analysis.Drift;

/// <summary>
/// Data drift between a reference (a source or a stored profile) and a current source. Numbers from DuckDB arrive
/// raw and are sorted in .NET; categories, and everything from PostgreSQL or per chunk, are counted by the engine's
/// grouping sets. Every statistic is computed exactly from the two sorted samples or the merged counts
/// (<see cref="DriftMethods"/>, <see cref="SortedSamples"/>); docs/architecture.md has the design.
/// </summary>
internal static partial class DriftAnalysis
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

        var chunk = options.Chunk;
        var curSlicer = chunk is null ? null : Slicer.For(new SliceSpec { Chunk = chunk }, current, options.Timestamp, Limits);
        var chunkExpr = curSlicer?.ChunkSql;
        if (options.ThresholdFrom is { } from)
        {
            if (from != "reference-chunks") throw new VigilInputException($"--threshold-from: '{from}' is not a source of thresholds; expected reference-chunks");
            if (chunk is null) throw new VigilInputException("--threshold-from reference-chunks needs --chunk (the reference is cut the same way)");
            if (options.Correction != "none") throw new VigilInputException("--threshold-from and --correction do not go together: learned thresholds apply to the statistics, not to p-values");
        }
        if (options.Multivariate && chunk is null) throw new VigilInputException("--multivariate needs --chunk (the reference is cut the same way for the thresholds)");
        // Learned thresholds cut the reference as --chunk cuts the current data.
        var reference = side.Source;
        var refSlicer = reference is not null && chunk is not null && (options.ThresholdFrom is not null || options.Multivariate)
            ? Slicer.For(new SliceSpec { Chunk = chunk }, reference, options.Timestamp, Limits)
            : null;
        var refChunkExpr = refSlicer?.ChunkSql;
        curSlicer?.CheckChunkCount();
        refSlicer?.CheckChunkCount();

        long refRows, curRows;
        SideCounts[] refCounts = [];
        List<ColumnDrift> results;
        DatasetDrift dataset;
        if (chunk is null && reference is not null && StreamsNumbers(reference, current, options))
        {
            // A server engine: each numerical column's distinct values stream past in order, none held (issue 14).
            (refRows, curRows, results, dataset) = TestStreamed(reference, current, columns, options, progress);
        }
        else if (chunk is null && reference is not null && InGroups(reference) && InGroups(current))
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
                (key, rows) => Slicer.Place(chunk, key, rows).Label);
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
            ChunkBy = chunk?.Name,
            Chunks = chunks,
            RowsWithoutChunk = withoutChunk,
            Multivariate = multivariate,
        };
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

    /// <summary>Whether a source is read a group of columns at a time: a columnar source (Parquet, a table) in an in-process engine (DuckDB).</summary>
    private static bool InGroups(OpenedSource source) =>
        source.Engine.InProcess && !source.Relation.StartsWith("read_csv", StringComparison.Ordinal)
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

    /// <summary>The most chunks a drift run tests (each is a full drift test of every column, so 100,000 chunks
    /// would take hours and say nothing a reader could follow). docs/cli.md, "Limits".</summary>
    public const int MaxChunks = 1_000;

    private static readonly SliceLimits Limits = new() { MaxChunks = MaxChunks };

    private static ChunkDrift ChunkOf(ChunkSpec chunk, double key, long rows, DatasetDrift dataset, List<ColumnDrift> columns)
    {
        var place = Slicer.Place(chunk, key, rows);
        return new ChunkDrift(place.Label, place.Start, place.FirstRow, rows, dataset, columns);
    }
}
