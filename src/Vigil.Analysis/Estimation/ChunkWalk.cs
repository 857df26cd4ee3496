using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>One set (reference or analysis) as the estimation reads it: the score, the label (NULL where absent), the
/// chunk key and the timestamp of every row.</summary>
internal sealed class Side
{
    /// <summary>A binary classifier's set: s_ (score) and y_ (0/1 or NULL).</summary>
    public Side(OpenedSource source, ResolvedColumns cols, RoleExpressions x, ChunkSpec chunk, IReadOnlyList<string>? rangeFeatures = null)
        : this(source, cols, x, chunk,
            $"{x.StrictNumber(cols.Score!, "--score")} AS s_, {(cols.Label is { } l ? x.BinaryLabel(l) : "CAST(NULL AS INTEGER)")} AS y_",
            $"s_ IS NOT NULL AND s_ <> CAST('NaN' AS {source.Dialect.Double})",
            "s_ < 0 OR s_ > 1", rangeFeatures)
    {
    }

    /// <summary>A set whose rows are <paramref name="roles"/> (a select list that includes y_, the label or NULL), a row
    /// counting when <paramref name="ok"/> holds and being refused when <paramref name="outOfRange"/> does.</summary>
    public Side(OpenedSource source, ResolvedColumns cols, RoleExpressions x, ChunkSpec chunk, string roles, string ok, string outOfRange,
        IReadOnlyList<string>? rangeFeatures = null)
    {
        Source = source;
        Cols = cols;
        // (the chunk count is checked by the census, which counts the chunks anyway)
        Slicer = Slicer.For(new SliceSpec { Chunk = chunk }, source, cols.Timestamp?.Name);
        var ts = cols.Timestamp is { } t ? x.Timestamp(t) : "CAST(NULL AS TIMESTAMP)";
        RangeFeatures = rangeFeatures ?? [];
        var features = string.Concat(RangeFeatures.Select((f, i) => $", CAST({x.Q(f)} AS {source.Dialect.Double}) AS f{i.ToString(CultureInfo.InvariantCulture)}_"));
        BaseSql = $"SELECT {roles}{Slicer.Select}, {ts} AS t_{features} FROM {source.Relation}";
        Ok = ok;
        OutOfRange = outOfRange;
        _roles = roles;
        _id = cols.Id is { } id ? x.Text(id) : null;
    }

    private readonly string _roles;
    private readonly string? _id;

    /// <summary>Whether the calibration folds are keyed on the rows' ids (else they follow the row order).</summary>
    public bool FoldsById => _id is not null;

    /// <summary>The labelled scored rows (the roles) with f_, the row's calibration fold in [0, <paramref name="folds"/>).
    /// With an id column the fold is ⌊<see cref="SqlDialect.HashToUnit"/>(id) · folds⌋, which every engine computes alike
    /// from the id's text, whatever order the rows arrive in (a NULL id hashes as the empty text); without one it is the
    /// row's number among the labelled rows modulo the fold count, which follows the order the engine reads the rows in
    /// (a file's order in DuckDB; none over a ClickHouse Distributed table).</summary>
    public string LabelledWithFolds(int folds)
    {
        var d = Source.Dialect;
        var n = folds.ToString(CultureInfo.InvariantCulture);
        if (_id is null)
            return $"SELECT *, CAST(({d.RowNumber} - 1) % {n} AS INTEGER) AS f_ FROM ({BaseSql}) b WHERE {Ok} AND y_ IS NOT NULL";
        // HashToUnit is k / 1,000,003 with k < 1,000,003 (a prime): k · folds / 1,000,003 is never an integer, and is
        // at least 1 / 1,000,003 from one, so the floor is exact (the same on every engine); least() only guards it.
        var fold = $"CAST(least(floor({d.HashToUnit($"coalesce({_id}, '')")} * {n}), {(folds - 1).ToString(CultureInfo.InvariantCulture)}) AS INTEGER)";
        return $"SELECT * FROM (SELECT {_roles}, {fold} AS f_ FROM {Source.Relation}) b WHERE {Ok} AND y_ IS NOT NULL";
    }

    public OpenedSource Source { get; }
    public ResolvedColumns Cols { get; }
    public Slicer Slicer { get; }

    /// <summary>Every row: the roles (binary: s_ score, y_ 0/1 or NULL), k_ (chunk key), t_ (timestamp or NULL).</summary>
    public string BaseSql { get; }

    /// <summary>A row with a score.</summary>
    public string Ok { get; }

    /// <summary>A scored row whose score is not a probability.</summary>
    public string OutOfRange { get; }

    /// <summary>Numerical features read as f0_, f1_, … (for the range check, counted by the census).</summary>
    public IReadOnlyList<string> RangeFeatures { get; }

    /// <summary>Further aggregates for the census to compute per chunk (SQL over the base columns).</summary>
    public IReadOnlyList<string> CensusExtras { get; set; } = [];

    /// <summary>The census of the last walk.</summary>
    public ChunkCensus? Census { get; set; }

    /// <summary>Rows left out, counted by the census.</summary>
    public long NoScore { get; set; }
    public long NoChunk { get; set; }

    public IEnumerable<QualityIssue> Excluded(string what)
    {
        if (NoScore > 0)
            yield return new QualityIssue("rows_excluded", Severity.Info, NoScore, string.Create(CultureInfo.InvariantCulture, $"{NoScore:N0} rows of the {what} have no score and were left out"), []);
        if (NoChunk > 0)
            yield return new QualityIssue("rows_excluded", Severity.Info, NoChunk, string.Create(CultureInfo.InvariantCulture, $"{NoChunk:N0} rows of the {what} have no timestamp and belong to no chunk; they were left out"), []);
    }
}

/// <summary>One chunk after the walk: where it lies, its rows, CBPE's estimate and (with labels) the realized metrics.</summary>
internal sealed record WalkedChunk(ChunkPlace Place, DateTime? Start, DateTime? End, long Rows, long LabelledRows,
    IReadOnlyDictionary<string, double> Estimated, IReadOnlyDictionary<string, double>? Realized);

/// <summary>
/// The chunks of one set, counted in one scan into a small temporary table: per chunk key its rows with a score, its
/// labelled rows, the rows without a score and those out of range, the first and last timestamp, and a number (code_,
/// 0 … n − 1) that the walks stream instead of the key.
/// </summary>
internal sealed class ChunkCensus
{
    private ChunkCensus(string table, ChunkPlace?[] places, long[] rows, long[] labelled, double[] first, double[] last, long outOfRange,
        long allRows, double?[][] extras)
    {
        AllRows = allRows;
        Extras = extras;
        Table = table;
        Places = places;
        Rows = rows;
        Labelled = labelled;
        First = first;
        Last = last;
        OutOfRange = outOfRange;
    }

    /// <summary>The temporary table: k_, code_ and the counts.</summary>
    public string Table { get; }
    public ChunkPlace?[] Places { get; }
    public long[] Rows { get; }
    public long[] Labelled { get; }
    public double[] First { get; }
    public double[] Last { get; }
    /// <summary>Scored rows whose score is out of range (<see cref="Side.OutOfRange"/>).</summary>
    public long OutOfRange { get; }
    public int Count => Places.Length;
    /// <summary>Every row of the set, scored or not, in a chunk or not.</summary>
    public long AllRows { get; }
    /// <summary>Each of <see cref="Side.CensusExtras"/>: its value per census row (per chunk key, the rows without one included).</summary>
    public double?[][] Extras { get; }

    public static ChunkCensus Take(Side side)
    {
        var source = side.Source;
        var d = source.Dialect;
        var ok = side.Ok;
        var table = source.CreateTempTable(d.NumberRows(
            $"SELECT k_, {d.CountIf(ok)} AS n_, {d.CountIf($"{ok} AND y_ IS NOT NULL")} AS l_, " +
            $"{d.CountIf($"NOT ({ok})")} AS bad_, {d.CountIf($"{ok} AND ({side.OutOfRange})")} AS out_, " +
            $"{d.EpochSeconds("min(t_)")} AS t0_, {d.EpochSeconds("max(t_)")} AS t1_" +
            string.Concat(side.CensusExtras.Select((e, i) => $", CAST({e} AS {d.Double}) AS x{i.ToString(CultureInfo.InvariantCulture)}_")) +
            $" FROM ({side.BaseSql}) b GROUP BY k_", "k_", "code_"));
        var t = source.Engine.Query($"SELECT k_, n_, l_, bad_, out_, t0_, t1_, code_" +
            string.Concat(side.CensusExtras.Select((_, i) => $", x{i.ToString(CultureInfo.InvariantCulture)}_")) + $" FROM {table} ORDER BY code_");
        side.Slicer.CheckChunkCount(t.RowCount);
        var places = new ChunkPlace?[t.RowCount];
        var rows = new long[t.RowCount];
        var labelled = new long[t.RowCount];
        var first = new double[t.RowCount];
        var last = new double[t.RowCount];
        long outOfRange = 0, allRows = 0;
        var extras = new double?[side.CensusExtras.Count][];
        for (var e = 0; e < extras.Length; e++) extras[e] = new double?[t.RowCount];
        side.NoScore = 0;
        side.NoChunk = 0;
        for (var r = 0; r < t.RowCount; r++)
        {
            side.NoScore += t.GetInt64(3, r);
            outOfRange += t.GetInt64(4, r);
            allRows += t.GetInt64(1, r) + t.GetInt64(3, r);
            for (var e = 0; e < extras.Length; e++) extras[e][r] = t.IsNull(8 + e, r) ? null : t.GetDouble(8 + e, r);
            if (t.IsNull(0, r))
            {
                side.NoChunk += t.GetInt64(1, r);
                continue;
            }
            var code = checked((int)t.GetInt64(7, r));
            rows[code] = t.GetInt64(1, r);
            labelled[code] = t.GetInt64(2, r);
            places[code] = side.Slicer.Place(t.GetDouble(0, r), rows[code]);
            first[code] = t.IsNull(5, r) ? double.NaN : t.GetDouble(5, r);
            last[code] = t.IsNull(6, r) ? double.NaN : t.GetDouble(6, r);
        }
        var census = new ChunkCensus(table, places, rows, labelled, first, last, outOfRange, allRows, extras);
        side.Census = census;
        return census;
    }

    /// <summary>The walked chunks, in data order: each counted chunk with its estimates and (where labelled) realized values.</summary>
    public List<WalkedChunk> Chunks(Side side, Func<int, IReadOnlyDictionary<string, double>> estimated, Func<int, IReadOnlyDictionary<string, double>?> realized)
    {
        var result = new List<WalkedChunk>(Count);
        for (var c = 0; c < Count; c++)
        {
            if (Places[c] is not { } place) continue;
            DateTime? start = place.Start ?? ChunkWalk.Epoch(First[c]);
            DateTime? end = place.Start is { } ps && side.Slicer.Chunk is TimeChunk tc ? ChunkWalk.End(ps, tc.Unit) : ChunkWalk.Epoch(Last[c]);
            result.Add(new WalkedChunk(place, start, end, Rows[c], Labelled[c], estimated(c), realized(c)));
        }
        return result;
    }
}

/// <summary>
/// Every chunk of one set in one walk: a census (rows, labelled rows, first and last timestamp and a number per chunk)
/// in a small temporary table, then each chunk's rows in descending score as (score, positives, negatives, unlabelled)
/// per distinct score into its CBPE accumulator and, where labelled, into evaluate's accumulator. The rows are sorted
/// per chunk in .NET (<see cref="SortedScores"/>) up to its limit; past it the engine sorts them under a memory budget
/// and spills (as compare's walk does).
/// </summary>
internal static class ChunkWalk
{
    public static List<WalkedChunk> Run(Side side, IsotonicCalibrator calibrator, double threshold)
    {
        var source = side.Source;
        var census = ChunkCensus.Take(side);
        if (census.OutOfRange > 0)
            throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
                $"{source.Description}: {census.OutOfRange:N0} scores of '{side.Cols.Score!.Name}' are outside [0, 1]; CBPE needs the probability of the positive class"));

        var n = census.Count;
        var ok = side.Ok;
        var cbpe = new CbpeBinaryAccumulator[n];
        var realized = new BinaryScoreAccumulator?[n];
        var opts = new BinaryMetricOptions { Threshold = threshold };
        for (var i = 0; i < n; i++) cbpe[i] = new CbpeBinaryAccumulator(calibrator, threshold);
        var rows = $"SELECT CAST(c.code_ AS INTEGER) AS code_, b.s_, CAST(coalesce(b.y_, 2) AS SMALLINT) AS y_ " +
            $"FROM ({side.BaseSql}) b JOIN {census.Table} c ON b.k_ = c.k_ WHERE {ok}";
        var unlabelled = new long[n];
        for (var c = 0; c < n; c++) unlabelled[c] = census.Rows[c] - census.Labelled[c];
        // The engine's own buffers stay under the same budget as its sort would (a parallel CSV scan otherwise runs ahead).
        SortedScores? sorted = null;
        source.Engine.WithMemoryBudget(minimumMegabytes: 128, megabytesPerThread: 32,
            () => sorted = SortedScores.TryRead(source.Engine, rows, n, unordered: true, census.Labelled, unlabelled));
        if (sorted is not null)
        {
            Parallel.For(0, n, c => sorted.Descending(c, (score, positives, negatives, none) =>
            {
                cbpe[c].Add(score, positives + negatives + none);
                if (positives + negatives > 0) (realized[c] ??= new BinaryScoreAccumulator(opts)).Add(score, positives, negatives);
            }));
        }
        else
        {
            source.Engine.WithMemoryBudget(minimumMegabytes: 128, megabytesPerThread: 32, () => StreamSorted(source, rows, cbpe, realized, opts));
        }

        return census.Chunks(side, c => cbpe[c].Finish().Metrics, c => realized[c] is { } acc ? Realized(acc) : null);
    }

    /// <summary>The fallback past <see cref="SortedScores.Limit"/>: the rows sorted by the engine (under a memory
    /// budget, spilling past it) and streamed in descending score, each chunk's pending score flushed when it changes.</summary>
    private static void StreamSorted(OpenedSource source, string rows, CbpeBinaryAccumulator[] cbpe, BinaryScoreAccumulator?[] realized, BinaryMetricOptions opts)
    {
        var n = cbpe.Length;
        var score = new double[n];
        var count = new long[n * 3]; // rows, positives, negatives of the pending score
        score.AsSpan().Fill(double.NaN);
        void Flush(int c)
        {
            if (double.IsNaN(score[c])) return;
            cbpe[c].Add(score[c], count[3 * c]);
            if (count[3 * c + 1] + count[3 * c + 2] > 0)
                (realized[c] ??= new BinaryScoreAccumulator(opts)).Add(score[c], count[3 * c + 1], count[3 * c + 2]);
            count[3 * c] = count[3 * c + 1] = count[3 * c + 2] = 0;
        }
        source.Engine.Stream(rows + " ORDER BY b.s_ DESC", null,
            chunk =>
            {
                var code = chunk.Int64s(0);
                var s = chunk.Doubles(1);
                var y = chunk.Int64s(2);
                for (var i = 0; i < chunk.RowCount; i++)
                {
                    var c = (int)code[i];
                    if (s[i] != score[c])
                    {
                        Flush(c);
                        score[c] = s[i];
                    }
                    count[3 * c]++;
                    if (y[i] == 1) count[3 * c + 1]++;
                    else if (y[i] == 0) count[3 * c + 2]++;
                }
            });
        for (var c = 0; c < n; c++) Flush(c);
    }

    /// <summary>evaluate's metrics of a chunk's labelled rows, by name (NaN where undefined).</summary>
    private static Dictionary<string, double> Realized(BinaryScoreAccumulator acc)
    {
        var map = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var m in acc.Finish().Metrics) map[m.Name] = m.Value ?? double.NaN;
        return map;
    }

    /// <summary>Epoch seconds as a UTC time; null for NaN.</summary>
    internal static DateTime? Epoch(double seconds) => double.IsNaN(seconds) ? null : DateTime.UnixEpoch.AddSeconds(seconds);

    /// <summary>The end (exclusive) of the period starting at <paramref name="start"/>.</summary>
    internal static DateTime End(DateTime start, ChunkUnit unit) => unit switch
    {
        ChunkUnit.Hour => start.AddHours(1),
        ChunkUnit.Day => start.AddDays(1),
        ChunkUnit.Week => start.AddDays(7),
        _ => start.AddMonths(1),
    };
}
