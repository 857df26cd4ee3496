using System.Text;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Slicing;

/// <summary>The slicing layer on its own: the key's SQL, reading keys back from DuckDB, labels, order, the segment map,
/// the limits and their messages, a null segment value, time and row chunks.</summary>
public sealed class SlicerTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-slicing-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>10 rows: country (one null), amount 0..9, ts over three days (one unparseable).</summary>
    private OpenedSource Source()
    {
        var sb = new StringBuilder("country,amount,ts\n");
        string[] countries = ["DE", "FR", "", "DE", "FR", "DE", "FR", "DE", "DE", "FR"];
        for (var i = 0; i < 10; i++)
            sb.Append($"{countries[i]},{i},{(i == 4 ? "garbage" : $"2026-03-0{1 + i / 4} {i:D2}:30:00")}\n");
        var path = Path.Combine(_dir, "rows.csv");
        File.WriteAllText(path, sb.ToString());
        return SourceOpener.Open(new SourceSpec { Inputs = [path] });
    }

    private static readonly ExpressionSegment Bucket = new("amount_bucket", "CASE WHEN \"amount\" < 5 THEN 'low' ELSE 'high' END");

    /// <summary>Each slice's key and row count, grouped and ordered by the layer's SQL.</summary>
    private static List<(SliceKey Key, long Rows)> Slices(OpenedSource s, Slicer slicer)
    {
        var t = s.Engine.Query(
            $"SELECT {slicer.Prefix()}count(*) AS n_ FROM (SELECT *{slicer.Select} FROM {s.Relation}) x GROUP BY {slicer.GroupBy} ORDER BY {slicer.OrderPrefix.TrimEnd(',', ' ')}");
        return Enumerable.Range(0, t.RowCount).Select(r => (slicer.Read(t, r), t.GetInt64(slicer.Width, r))).ToList();
    }

    [Fact]
    public void KeySql_NamesEachPartAndTheChunk()
    {
        using var s = Source();
        var slicer = Slicer.For(new SliceSpec { SegmentBy = ["country", Bucket], Chunk = new RowChunk(4) }, s);
        Assert.Equal(3, slicer.Width);
        Assert.Equal(2, slicer.SegmentCount);
        Assert.Equal("g0_, g1_, k_, ", slicer.Prefix());
        Assert.Equal("g0_x, g1_x, k_x, ", slicer.Prefix("x"));
        Assert.Equal("g0_, g1_, k_", slicer.GroupBy);
        Assert.Equal(", g0_, g1_, k_", slicer.Carry);
        Assert.Equal("g0_ NULLS FIRST, g1_ NULLS FIRST, k_ NULLS FIRST, ", slicer.OrderPrefix);
        Assert.StartsWith(", \"country\" AS g0_, CAST((CASE WHEN", slicer.Select, StringComparison.Ordinal);
        Assert.EndsWith("CAST(floor((row_number() OVER () - 1) / 4.0) AS DOUBLE) AS k_", slicer.Select, StringComparison.Ordinal);

        var none = Slicer.For(SliceSpec.None, s);
        Assert.Equal(0, none.Width);
        Assert.Equal("", none.Select);
        Assert.Equal("", none.Prefix());
        Assert.Equal(SliceKey.Empty, none.Read(s.Engine.Query("SELECT 1"), 0));
        Assert.Equal("all rows", none.Label(SliceKey.Empty));
    }

    [Fact]
    public void Segments_ReadBack_WithANullValue_InOrder()
    {
        using var s = Source();
        var slicer = Slicer.For(new SliceSpec { SegmentBy = ["country", Bucket] }, s);
        var slices = Slices(s, slicer);
        // NULLS FIRST in SQL, then ordinal: the layer's order agrees with the engine's.
        Assert.Equal(slices.Select(x => x.Key), slices.Select(x => x.Key).Order(SliceKey.Order));
        Assert.Equal(new string?[] { null, "DE", "DE", "FR", "FR" }, slices.Select(x => x.Key.Segments[0]));
        Assert.Equal(10, slices.Sum(x => x.Rows));
        var missing = slices[0];
        Assert.Equal(1, missing.Rows);
        Assert.Equal("country=null, amount_bucket=low", slicer.Label(missing.Key));
        var map = slicer.SegmentMap(missing.Key);
        Assert.Equal(["country", "amount_bucket"], map.Keys);
        Assert.Null(map["country"]);
        Assert.Equal("low", map["amount_bucket"]);
        // The map leads back to the same key, usable as a dictionary key.
        Assert.Equal(missing.Key, slicer.KeyOf(map));
        Assert.Equal(missing.Key.GetHashCode(), slicer.KeyOf(map).GetHashCode());
        var de = slices.Where(x => x.Key.Segments[0] == "DE").ToList();
        Assert.Equal(["high", "low"], de.Select(x => x.Key.Segments[1]));
        Assert.Equal([3L, 2L], de.Select(x => x.Rows));
    }

    [Fact]
    public void TimeChunks_ByDay_AndWeek_WithRowsWithoutATimestamp()
    {
        using var s = Source();
        var slicer = Slicer.For(new SliceSpec { Chunk = new TimeChunk(ChunkUnit.Day) }, s, "ts");
        var slices = Slices(s, slicer);
        Assert.True(slices[0].Key.WithoutChunk);
        Assert.Equal(1, slices[0].Rows);
        var days = slices.Skip(1).ToList();
        Assert.Equal(["2026-03-01", "2026-03-02", "2026-03-03"], days.Select(x => slicer.Label(x.Key, x.Rows)));
        Assert.Equal([4L, 3L, 2L], days.Select(x => x.Rows));
        var place = slicer.Place(days[1].Key.Chunk!.Value, days[1].Rows);
        Assert.Equal(new DateTime(2026, 3, 2, 0, 0, 0, DateTimeKind.Utc), place.Start);

        var week = Slicer.For(new SliceSpec { Chunk = new TimeChunk(ChunkUnit.Week) }, s, "ts");
        var weeks = Slices(s, week).Where(x => !x.Key.WithoutChunk).ToList();
        // 2026-03-01 is a Sunday: its week starts on Monday 2026-02-23.
        Assert.Equal(["week of 2026-02-23", "week of 2026-03-02"], weeks.Select(x => week.Label(x.Key)));
        Assert.Equal("week", week.Chunk!.Name);
    }

    [Fact]
    public void RowChunks_InSourceOrder()
    {
        using var s = Source();
        var slicer = Slicer.For(new SliceSpec { SegmentBy = [new ColumnSegment("country")], Chunk = new RowChunk(4) }, s);
        var plain = Slicer.For(new SliceSpec { Chunk = new RowChunk(4) }, s);
        var chunks = Slices(s, plain);
        Assert.Equal([0.0, 1.0, 2.0], chunks.Select(x => x.Key.Chunk!.Value));
        Assert.Equal(["rows 1–4", "rows 5–8", "rows 9–10"], chunks.Select(x => plain.Label(x.Key, x.Rows)));
        Assert.Equal(new ChunkPlace("rows 5–8", null, 4), plain.Place(1, 4));
        Assert.Equal("4 rows", plain.Chunk!.Name);
        Assert.Equal("4", plain.Chunk.Flag);
        var both = Slices(s, slicer);
        Assert.Equal("country=DE, rows 1–4", slicer.Label(both.First(x => x.Key.Segments[0] == "DE").Key));
    }

    [Fact]
    public void Limits_AreOneLineErrors()
    {
        using var s = Source();
        var segments = Slicer.For(new SliceSpec { SegmentBy = ["country", Bucket] }, s, limits: new SliceLimits { MaxSegments = 4 });
        segments.CheckSegmentCount(4);
        var e = Assert.Throws<VigilInputException>(() => segments.CheckSegmentCount(5));
        Assert.Equal($"{s.Description}: --segment-by country,amount_bucket makes more than 4 segments; choose columns with fewer distinct values", e.Message);

        var rows = Slicer.For(new SliceSpec { Chunk = new RowChunk(3) }, s, limits: new SliceLimits { MaxChunks = 3 });
        e = Assert.Throws<VigilInputException>(rows.CheckChunkCount);
        Assert.Equal($"--chunk 3: 4 chunks in {s.Description}; at most 3 (use a larger chunk or --chunk day)", e.Message);
        Slicer.For(new SliceSpec { Chunk = new RowChunk(4) }, s, limits: new SliceLimits { MaxChunks = 3 }).CheckChunkCount();

        var days = Slicer.For(new SliceSpec { Chunk = new TimeChunk(ChunkUnit.Day) }, s, "ts", new SliceLimits { MaxChunks = 2 });
        e = Assert.Throws<VigilInputException>(days.CheckChunkCount);
        Assert.Equal($"--chunk day: 3 chunks in {s.Description}; at most 2 (use --chunk week or a number of rows)", e.Message);
    }

    [Fact]
    public void MissingColumns_AreNamed()
    {
        using var s = Source();
        var e = Assert.Throws<VigilInputException>(() => Slicer.For(new SliceSpec { SegmentBy = ["region"] }, s));
        Assert.Equal($"{s.Description}: --segment-by column 'region' not found; columns are: country, amount, ts", e.Message);
        e = Assert.Throws<VigilInputException>(() => Slicer.For(new SliceSpec { Chunk = new TimeChunk(ChunkUnit.Week) }, s, "when"));
        Assert.Equal($"--chunk week: {s.Description} has no timestamp column 'when' (choose one with --timestamp); it has: country, amount, ts", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => new RowChunk(0));
    }

    [Fact]
    public void StartOf_AgreesWithDateTrunc()
    {
        using var s = Source();
        var d = s.Dialect;
        string[] stamps = ["2026-03-01 00:00:00", "2026-03-01 23:59:59", "2026-03-02 00:00:00", "2024-02-29 12:34:56", "1969-12-31 23:00:01", "2026-12-31 10:00:00"];
        foreach (var unit in Enum.GetValues<ChunkUnit>())
        {
            var chunk = new TimeChunk(unit);
            foreach (var stamp in stamps)
            {
                var ts = $"CAST('{stamp}' AS TIMESTAMP)";
                var t = s.Engine.Query($"SELECT {d.EpochSeconds(ts)}, {Slicer.TimeKeySql(d, chunk, ts)}");
                Assert.Equal(t.GetDouble(1, 0), chunk.StartOf(t.GetDouble(0, 0)));
            }
        }
        Assert.True(double.IsNaN(new TimeChunk(ChunkUnit.Month).StartOf(double.NaN)));
        Assert.Equal(new TimeChunk(ChunkUnit.Hour), TimeChunk.Of(PeriodUnit.Hour));
        Assert.Equal("2026-03-01 13:00", new TimeChunk(ChunkUnit.Hour).Label(new DateTime(2026, 3, 1, 13, 0, 0)));
        Assert.Equal("2026-03", new TimeChunk(ChunkUnit.Month).Label(new DateTime(2026, 3, 1)));
    }

    [Fact]
    public void Keys_EqualByValue_OrderedNullsFirst()
    {
        var a = new SliceKey(["DE", null], 3);
        Assert.Equal(a, new SliceKey(["DE", null], 3));
        Assert.NotEqual(a, new SliceKey(["DE", null]));
        Assert.NotEqual(a, new SliceKey(["DE", ""], 3));
        Assert.Equal(new SliceKey([], double.NaN), new SliceKey([], double.NaN));
        var sorted = new[] { new SliceKey(["b"], 1), new SliceKey(["a"], 2), new SliceKey([null], 5), new SliceKey(["a"], double.NaN), new SliceKey(["a"], 1) }
            .Order(SliceKey.Order).Select(k => k.ToString());
        Assert.Equal(["null @5", "a @NaN", "a @1", "a @2", "b @1"], sorted);
    }
}
