using System.Globalization;
using Vigil.Analysis.Results;

namespace Vigil.Analysis.Slicing;

/// <summary>How rows are cut into slices: by zero or more segment parts (each a column or a SQL expression) and an
/// optional chunk (a time period or a number of rows). <see cref="Slicer.For"/> binds it to a source.</summary>
public sealed record SliceSpec
{
    /// <summary>The segment parts, in key order.</summary>
    public IReadOnlyList<SegmentPart> SegmentBy { get; init; } = [];

    /// <summary>The chunk, or null for none.</summary>
    public ChunkSpec? Chunk { get; init; }

    /// <summary>No slicing: one slice of every row.</summary>
    public static SliceSpec None { get; } = new();

    /// <summary>Whether it cuts at all.</summary>
    public bool IsNone => SegmentBy.Count == 0 && Chunk is null;
}

/// <summary>One part of a segment key: its name in the key map and reports.</summary>
public abstract record SegmentPart(string Name)
{
    /// <summary>A source column by name, so that <c>SegmentBy = ["country"]</c> reads as it says.</summary>
    public static implicit operator SegmentPart(string column) => new ColumnSegment(column);
}

/// <summary>A source column, its values as text.</summary>
public sealed record ColumnSegment(string Column) : SegmentPart(Column);

/// <summary>An arbitrary SQL expression over the source's columns (e.g. a CASE that buckets a number into quantile
/// ranges), shown under <paramref name="Name"/>. Its value is cast to text. The expression is spliced into the SQL as
/// written: it must come from Vigil's own code, never from the user.</summary>
public sealed record ExpressionSegment(string Name, string Sql) : SegmentPart(Name);

/// <summary>A time period's length.</summary>
public enum ChunkUnit { Hour, Day, Week, Month }

/// <summary>How rows are cut into chunks: by period of the timestamp (<see cref="TimeChunk"/>) or every so many rows
/// in the source's order (<see cref="RowChunk"/>).</summary>
public abstract record ChunkSpec
{
    /// <summary>The chunking as results name it: "day", "week", "400 rows".</summary>
    public abstract string Name { get; }

    /// <summary>The chunking as the <c>--chunk</c> flag takes it: "day", "400".</summary>
    public abstract string Flag { get; }

    public sealed override string ToString() => Name;
}

/// <summary>Periods of the timestamp column (weeks start on Monday, as date_trunc cuts them; UTC).</summary>
public sealed record TimeChunk(ChunkUnit Unit) : ChunkSpec
{
    /// <summary>The periods <c>vigil summary --by</c> cuts by.</summary>
    public static TimeChunk Of(PeriodUnit period) => new(period switch
    {
        PeriodUnit.Hour => ChunkUnit.Hour,
        PeriodUnit.Week => ChunkUnit.Week,
        _ => ChunkUnit.Day,
    });

    public override string Name => Unit switch
    {
        ChunkUnit.Hour => "hour",
        ChunkUnit.Week => "week",
        ChunkUnit.Month => "month",
        _ => "day",
    };

    public override string Flag => Name;

    /// <summary>The period's start as SQL over a timestamp expression (a TIMESTAMP).</summary>
    internal string StartSql(Vigil.Engine.SqlDialect d, string timestamp) => d.DateTrunc(Name, timestamp);

    /// <summary>The start of the period holding <paramref name="seconds"/> (both in seconds since the epoch, UTC), as
    /// date_trunc computes it; weeks start on Monday (1970-01-01 was a Thursday). NaN stays NaN.</summary>
    public double StartOf(double seconds) => Unit switch
    {
        ChunkUnit.Hour => Math.Floor(seconds / 3600) * 3600,
        ChunkUnit.Week => (Math.Floor(seconds / 86400) - ((Math.Floor(seconds / 86400) % 7 + 7 + 3) % 7)) * 86400,
        ChunkUnit.Month => double.IsFinite(seconds) ? MonthStart(seconds) : seconds,
        _ => Math.Floor(seconds / 86400) * 86400,
    };

    private static double MonthStart(double seconds)
    {
        var t = DateTime.UnixEpoch.AddSeconds(Math.Floor(seconds));
        return (new DateTime(t.Year, t.Month, 1, 0, 0, 0, DateTimeKind.Utc) - DateTime.UnixEpoch).TotalSeconds;
    }

    /// <summary>The label of the period starting at <paramref name="start"/>: "2026-06-01 13:00", "2026-06-01",
    /// "week of 2026-06-01", "2026-06".</summary>
    public string Label(DateTime start) => Unit switch
    {
        ChunkUnit.Hour => start.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture),
        ChunkUnit.Week => "week of " + start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ChunkUnit.Month => start.ToString("yyyy-MM", CultureInfo.InvariantCulture),
        _ => start.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}

/// <summary>Every <see cref="Size"/> rows in the source's order.</summary>
public sealed record RowChunk : ChunkSpec
{
    public RowChunk(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(size);
        Size = size;
    }

    public long Size { get; }

    public override string Name => Size.ToString(CultureInfo.InvariantCulture) + " rows";

    public override string Flag => Size.ToString(CultureInfo.InvariantCulture);
}

/// <summary>The most slices a run takes; more is an input error with a hint (docs/cli.md, "Limits").</summary>
public sealed record SliceLimits
{
    /// <summary>At most this many segments (a high-cardinality column was probably meant otherwise).</summary>
    public int MaxSegments { get; init; } = 1000;

    /// <summary>At most this many chunks.</summary>
    public int MaxChunks { get; init; } = 1000;
}
