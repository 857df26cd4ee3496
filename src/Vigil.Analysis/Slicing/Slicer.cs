using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Slicing;

/// <summary>
/// A <see cref="SliceSpec"/> bound to one source: the SQL that gives each row its key, reading the key back from a
/// result, its label, order and segment map, and the limits. Every analysis that cuts its rows (evaluate's segments,
/// drift's chunks, summary's periods) asks this one class, so a key means the same everywhere.
/// </summary>
/// <remarks>
/// The key's columns are named <c>g0_, g1_, …</c> (segment parts, as text) and <c>k_</c> (the chunk's number, a
/// double: a period's start in epoch seconds or a row chunk's index from 0). A query selects <see cref="Select"/>
/// beside its own columns in an inner query, then groups by <see cref="GroupBy"/> (or prefixes its own list with
/// <see cref="Prefix"/>) and reads the key with <see cref="Read"/>.
/// </remarks>
internal sealed class Slicer
{
    private readonly OpenedSource _source;
    private readonly string[] _segmentSql;

    private Slicer(SliceSpec spec, OpenedSource source, string[] segmentSql, string? chunkSql, SliceLimits limits)
    {
        Spec = spec;
        _source = source;
        _segmentSql = segmentSql;
        ChunkSql = chunkSql;
        Limits = limits;
    }

    public SliceSpec Spec { get; }

    public SliceLimits Limits { get; }

    public IReadOnlyList<SegmentPart> Segments => Spec.SegmentBy;

    public ChunkSpec? Chunk => Spec.Chunk;

    /// <summary>Segment parts in the key.</summary>
    public int SegmentCount => _segmentSql.Length;

    /// <summary>Columns the key takes in a result: the segment parts, then the chunk.</summary>
    public int Width => SegmentCount + (Chunk is null ? 0 : 1);

    /// <summary>The SQL of each segment part over the source's columns, as text.</summary>
    public IReadOnlyList<string> SegmentSql => _segmentSql;

    /// <summary>The chunk's number as SQL over the source's columns (null for a row with no chunk); null without a
    /// chunk. A row chunk numbers the rows in the source's order (<c>row_number() OVER ()</c>), so it belongs in a
    /// query straight over the source.</summary>
    public string? ChunkSql { get; }

    /// <summary>Binds <paramref name="spec"/> to <paramref name="source"/>: segment columns must exist
    /// (<c>--segment-by column 'x' not found</c>), and a time chunk needs the timestamp column
    /// (<paramref name="timestamp"/>, default <c>timestamp</c>), read as summary and evaluate read it: text parsed,
    /// numbers as epoch time in the unit they show.</summary>
    public static Slicer For(SliceSpec spec, OpenedSource source, string? timestamp = null, SliceLimits? limits = null)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(source);
        var d = source.Engine.Dialect;
        var x = new RoleExpressions(d, source.Description);
        var segments = spec.SegmentBy.Select(part => part switch
        {
            ColumnSegment c => x.Text(source.Columns.FirstOrDefault(sc => sc.Name == c.Column)
                ?? throw new VigilInputException($"{source.Description}: --segment-by column '{c.Column}' not found; columns are: {string.Join(", ", source.Columns.Take(20).Select(sc => sc.Name))}")),
            ExpressionSegment e => d.CastToText($"({e.Sql})"),
            _ => throw new ArgumentException($"unknown segment part {part}", nameof(spec)),
        }).ToArray();
        string? chunkSql = null;
        switch (spec.Chunk)
        {
            case TimeChunk t:
                var name = timestamp ?? MappingOptions.DefaultTimestamp;
                var col = source.Columns.FirstOrDefault(c => c.Name == name)
                          ?? throw new VigilInputException($"--chunk {t.Flag}: {source.Description} has no timestamp column '{name}' (choose one with --timestamp); it has: {string.Join(", ", source.Columns.Select(c => c.Name))}");
                chunkSql = TimeKeySql(d, t, x.Timestamp(col));
                break;
            case RowChunk r:
                chunkSql = $"floor(({source.Dialect.RowNumber} - 1) / {r.Size.ToString(CultureInfo.InvariantCulture)}.0)";
                break;
        }
        return new Slicer(spec, source, segments, chunkSql, limits ?? new SliceLimits());
    }

    /// <summary>A time chunk's number over a timestamp expression: its period's start in epoch seconds.</summary>
    public static string TimeKeySql(SqlDialect d, TimeChunk chunk, string timestamp) => d.EpochSeconds(chunk.StartSql(d, timestamp));

    /// <summary>The name of key column <paramref name="i"/>, with an optional suffix.</summary>
    public string Alias(int i, string suffix = "") => (i < SegmentCount ? $"g{i.ToString(CultureInfo.InvariantCulture)}_" : "k_") + suffix;

    private IEnumerable<string> Aliases(string suffix = "") => Enumerable.Range(0, Width).Select(i => Alias(i, suffix));

    /// <summary>The key's select items, each preceded by ", ": <c>, "country" AS g0_, … AS k_</c>; empty when
    /// nothing is cut.</summary>
    public string Select => string.Concat(_segmentSql.Select((s, i) => $", {s} AS {Alias(i)}"))
        + (ChunkSql is null ? "" : $", {_source.Dialect.CastDouble(ChunkSql)} AS k_");

    /// <summary>The key's columns, each followed by ", " (to prefix a select or GROUP BY list): <c>g0_, g1_, </c>.</summary>
    public string Prefix(string suffix = "") => string.Concat(Aliases(suffix).Select(a => a + ", "));

    /// <summary>The key's columns, each preceded by ", " (to carry them through an outer select): <c>, g0_, g1_</c>.</summary>
    public string Carry => string.Concat(Aliases().Select(a => ", " + a));

    /// <summary>The GROUP BY list of the key alone: <c>g0_, g1_, k_</c>; empty when nothing is cut.</summary>
    public string GroupBy => string.Join(", ", Aliases());

    /// <summary>The key's ORDER BY items, each followed by ", ", in <see cref="SliceKey.Order"/>'s order (nulls first).</summary>
    public string OrderPrefix => string.Concat(Aliases().Select(a => a + " NULLS FIRST, "));

    /// <summary>The key of row <paramref name="row"/>, from the key's columns starting at <paramref name="column"/>.</summary>
    public SliceKey Read(Table t, int row, int column = 0)
    {
        if (Width == 0) return SliceKey.Empty;
        var segments = new string?[SegmentCount];
        for (var i = 0; i < segments.Length; i++) segments[i] = t.IsNull(column + i, row) ? null : t.GetString(column + i, row);
        double? chunk = null;
        if (Chunk is not null)
        {
            var c = column + SegmentCount;
            chunk = t.IsNull(c, row) ? double.NaN : t.GetDouble(c, row);
        }
        return new SliceKey(segments, chunk);
    }

    /// <summary>The segment parts' values by name (the key map results carry).</summary>
    public IReadOnlyDictionary<string, string?> SegmentMap(SliceKey key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var d = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var i = 0; i < SegmentCount; i++) d[Segments[i].Name] = key.Segments[i];
        return d;
    }

    /// <summary>The key of a segment map (the inverse of <see cref="SegmentMap"/>), with an optional chunk.</summary>
    public SliceKey KeyOf(IReadOnlyDictionary<string, string?> segments, double? chunk = null) =>
        new(Segments.Select(s => segments[s.Name]).ToArray(), chunk);

    /// <summary>Where a chunk lies: its label ("2026-06-01", "week of 2026-06-01", "rows 1–400"), its period's start
    /// (time chunks) and its first row (row chunks, from 0). A row chunk's label ends at its last row: the chunk's
    /// <paramref name="rows"/> when given (the last chunk is short), else its full size.</summary>
    public ChunkPlace Place(double chunk, long rows) => Place(Chunk ?? throw new InvalidOperationException("no chunk"), chunk, rows);

    /// <inheritdoc cref="Place(double, long)"/>
    public static ChunkPlace Place(ChunkSpec spec, double chunk, long rows)
    {
        ArgumentNullException.ThrowIfNull(spec);
        if (double.IsNaN(chunk)) return new ChunkPlace("no chunk", null, 0);
        if (spec is TimeChunk t)
        {
            var start = DateTime.UnixEpoch.AddSeconds(chunk);
            return new ChunkPlace(t.Label(start), start, 0);
        }
        var size = ((RowChunk)spec).Size;
        var first = (long)chunk * size;
        var last = first + (rows > 0 ? rows : size);
        return new ChunkPlace(string.Create(CultureInfo.InvariantCulture, $"rows {first + 1:N0}–{last:N0}"), null, first);
    }

    /// <summary>A slice's label for reports: each segment part as name=value (null as "null"), then the chunk's
    /// label; "all rows" when nothing is cut. <paramref name="rows"/>: the chunk's rows, for a row chunk's last row
    /// (0: the chunk's size; a slice that also has segments holds only part of its chunk's rows).</summary>
    public string Label(SliceKey key, long rows = 0)
    {
        ArgumentNullException.ThrowIfNull(key);
        var parts = Segments.Select((s, i) => $"{s.Name}={key.Segments[i] ?? "null"}").ToList();
        if (key.Chunk is { } c) parts.Add(Place(c, rows).Label);
        return parts.Count == 0 ? "all rows" : string.Join(", ", parts);
    }

    /// <summary>Refuses more than <see cref="SliceLimits.MaxSegments"/> segments.</summary>
    public void CheckSegmentCount(long count)
    {
        if (count > Limits.MaxSegments)
            throw new VigilInputException($"{_source.Description}: --segment-by {string.Join(",", Segments.Select(s => s.Name))} makes more than {Limits.MaxSegments} segments; choose columns with fewer distinct values");
    }

    /// <summary>Refuses a chunk that cuts the source into more than <see cref="SliceLimits.MaxChunks"/> chunks, before
    /// any counting: one query (distinct periods, or the row count).</summary>
    public void CheckChunkCount()
    {
        if (Chunk is null) return;
        long chunks;
        if (Chunk is RowChunk r)
        {
            var rows = _source.Engine.Query($"SELECT count(*) FROM {_source.Relation}").GetInt64(0, 0);
            chunks = (rows + r.Size - 1) / r.Size;
        }
        else chunks = _source.Engine.Query($"SELECT count(DISTINCT {ChunkSql}) FROM {_source.Relation}").GetInt64(0, 0);
        CheckChunkCount(chunks);
    }

    /// <summary>Refuses <paramref name="chunks"/> chunks when they are more than <see cref="Limits.MaxChunks"/> (for a
    /// caller that counted them in a scan of its own).</summary>
    public void CheckChunkCount(long chunks)
    {
        if (Chunk is null || chunks <= Limits.MaxChunks) return;
        var hint = Chunk switch
        {
            TimeChunk { Unit: ChunkUnit.Hour } => "use --chunk day, week or a number of rows",
            TimeChunk { Unit: ChunkUnit.Day } => "use --chunk week or a number of rows",
            TimeChunk => "use a number of rows",
            _ => "use a larger chunk or --chunk day",
        };
        throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
            $"--chunk {Chunk.Flag}: {chunks:N0} chunks in {_source.Description}; at most {Limits.MaxChunks:N0} ({hint})"));
    }
}

/// <summary>Where a chunk lies: its label, its period's start (time chunks) and its first row (row chunks, from 0).</summary>
internal sealed record ChunkPlace(string Label, DateTime? Start, long FirstRow);
