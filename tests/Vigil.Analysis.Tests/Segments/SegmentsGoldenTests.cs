using System.Text.Json;
using Vigil.Analysis.Results;
using Vigil.Analysis.Segments;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Segments;

/// <summary>Every segment of the golden log (tools/golden/generate_segments.py: pandas groupby, NumPy/SciPy formulas,
/// scikit-learn's roc_auc_score, DeLong from midranks) for every metric: rows, value, complement, gap, interval, z,
/// p-value and the Benjamini–Hochberg adjustment, to 1e-9. The log holds a NULL segment value, a one-row segment,
/// an all-positive segment, tied scores, a quantile-cut integer column and a text column capped to its 5 most
/// frequent values.</summary>
public sealed class SegmentsGoldenTests
{
    private static readonly JsonElement Expected = Fixture.Json("segments_expected.json");

    internal static SegmentsOptions Options(string metric, string mode = "default") => new()
    {
        // "rows": the grouping sets over the rows; "groups": over the rows grouped by every key; "probe1": text columns
        // not looked at beforehand, so the capped column is capped after the query.
        PreAggregate = mode switch { "rows" => false, "groups" => true, _ => null },
        ProbeRows = mode == "probe1" ? 1 : 100_000,
        By = [.. Expected.GetProperty("by").EnumerateArray().Select(e => e.GetString()!)],
        Metric = metric,
        Depth = 2,
        MinRows = Expected.GetProperty("min_rows").GetInt64(),
        Buckets = Expected.GetProperty("buckets").GetInt32(),
        MaxValues = Expected.GetProperty("max_values").GetInt32(),
        Threshold = Expected.GetProperty("threshold").GetDouble(),
        ShowAll = true,
    };

    internal static SegmentsResult Run(string metric, string mode = "default")
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("segments_log.csv")] });
        return SegmentsAnalysis.Run(source, Options(metric, mode));
    }

    internal static string Key(IEnumerable<KeyValuePair<string, string?>> segment) =>
        string.Join(" & ", segment.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value ?? "<null>"}"));

    private static string Key(JsonElement segment) =>
        Key(segment.EnumerateObject().Select(p => new KeyValuePair<string, string?>(p.Name, p.Value.ValueKind == JsonValueKind.Null ? null : p.Value.GetString())));

    private static void Same(JsonElement e, string name, double? actual, string what)
    {
        if (!e.TryGetProperty(name, out var v) || v.ValueKind == JsonValueKind.Null)
        {
            Assert.True(actual is null, $"{what} {name}: expected null, got {actual}");
            return;
        }
        Fixture.Close(v.GetDouble(), actual, $"{what} {name}");
    }

    [Theory]
    [InlineData("calibration", "default")]
    [InlineData("accuracy", "default")]
    [InlineData("precision", "default")]
    [InlineData("recall", "default")]
    [InlineData("roc_auc", "default")]
    [InlineData("calibration", "rows")]
    [InlineData("calibration", "groups")]
    [InlineData("roc_auc", "rows")]
    [InlineData("roc_auc", "groups")]
    [InlineData("accuracy", "probe1")]
    [InlineData("roc_auc", "probe1")]
    public void EverySegment_MatchesReference(string metric, string mode)
    {
        var expected = Expected.GetProperty("metrics").GetProperty(metric);
        var r = Run(metric, mode);
        Assert.Equal(expected.GetProperty("searched").GetInt32(), r.Searched);
        Assert.Equal(expected.GetProperty("tested").GetInt32(), r.Tested);
        var actual = r.Segments.ToDictionary(h => Key(h.Segment));
        Assert.Equal(r.Searched, actual.Count);
        foreach (var e in expected.GetProperty("segments").EnumerateArray())
        {
            var key = Key(e.GetProperty("segment"));
            Assert.True(actual.TryGetValue(key, out var h), $"{metric}: segment {key} missing; have {string.Join("; ", actual.Keys.Take(30))}");
            var what = $"{metric} {key}";
            Assert.Equal(e.GetProperty("rows").GetInt64(), h!.Rows);
            Assert.Equal(e.GetProperty("positives").GetInt64(), h.Positives);
            if (!e.TryGetProperty("value", out _)) continue; // undefined on a side: nothing to compare
            foreach (var (name, value) in new (string, double?)[]
                     { ("value", h.Value), ("complement", h.Complement), ("gap", h.Gap), ("lower", h.Lower), ("upper", h.Upper), ("z", h.Z), ("p_value", h.PValue) })
                Same(e, name, value, what);
            if (e.GetProperty("tested").GetBoolean()) Same(e, "p_adjusted", h.PAdjusted, what);
            else Assert.Null(h.PAdjusted);
            if (metric == "calibration") Same(e, "ece", h.Ece, what);
        }
    }

    [Theory]
    [InlineData("default")]
    [InlineData("probe1")]
    public void Columns_AreCutAsTheReferenceCutsThem(string mode)
    {
        var r = Run("calibration", mode);
        var cuts = Expected.GetProperty("cuts");
        foreach (var b in r.By)
        {
            var c = cuts.GetProperty(b.Name);
            Assert.Equal(c.GetProperty("cut").GetString(), b.Cut);
            Assert.Equal(c.GetProperty("values").EnumerateArray().Select(v => v.GetString()), b.Values);
            Assert.Equal(c.TryGetProperty("other_values", out var o) ? o.GetInt64() : 0, b.OtherValues);
        }
    }

    [Fact]
    public void EdgeSegments_OneRow_Null_AllPositive()
    {
        var r = Run("roc_auc");
        var solo = r.Segments.Single(h => h.Segment.Count == 1 && h.Segment.TryGetValue("region", out var v) && v == "solo");
        Assert.Equal(1, solo.Rows);
        Assert.Null(solo.PAdjusted); // below --min-rows
        Assert.Contains(r.Segments, h => h.Segment.Count == 1 && h.Segment.TryGetValue("region", out var v) && v is null);
        var platinum = r.Segments.Single(h => h.Segment.Count == 1 && h.Segment.TryGetValue("tier", out var v) && v == "platinum");
        Assert.Equal(platinum.Rows, platinum.Positives);
        Assert.Null(platinum.Gap); // AUC needs both classes in the segment
        Assert.Null(platinum.PAdjusted);
        var cal = Run("calibration").Segments.Single(h => h.Segment.Count == 1 && h.Segment.TryGetValue("tier", out var v) && v == "platinum");
        Assert.NotNull(cal.PAdjusted); // calibration is defined on an all-positive segment
    }
}

/// <summary>Rows without a valid score or label are counted by reason and left out of every segment.</summary>
public sealed class SegmentsExclusionTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-seg-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [Fact]
    public void InvalidRows_AreCountedByReason_AndLeftOut()
    {
        var sb = new System.Text.StringBuilder("plan,prediction_score,actual_label\n");
        for (var i = 0; i < 200; i++) sb.Append(i % 2 == 0 ? "a" : "b").Append(',').Append((i % 10 / 10.0).ToString(System.Globalization.CultureInfo.InvariantCulture)).Append(',').Append(i % 3 == 0 ? 1 : 0).Append('\n');
        sb.Append("a,,1\na,1.5,0\nb,0.3,\nb,0.3,7\nb,nan,1\n");
        var path = Path.Combine(_dir, "x.csv");
        File.WriteAllText(path, sb.ToString());
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        var r = SegmentsAnalysis.Run(source, new SegmentsOptions { By = ["plan"], MinRows = 10, ShowAll = true });
        Assert.Equal(200, r.Rows);
        Assert.Equal(2, r.Excluded["missing_score"]);
        Assert.Equal(1, r.Excluded["score_out_of_range"]);
        Assert.Equal(1, r.Excluded["missing_label"]);
        Assert.Equal(1, r.Excluded["invalid_label"]);
        Assert.Equal([100L, 100L], r.Segments.Select(h => h.Rows));
        Assert.Equal(2, r.Tested);
    }

    [Fact]
    public void OneSegmentOnly_NothingToCompare_NoError()
    {
        var path = Path.Combine(_dir, "one.csv");
        File.WriteAllText(path, "plan,prediction_score,actual_label\n" + string.Concat(Enumerable.Range(0, 300).Select(i => $"a,0.{i % 9 + 1},{i % 2}\n")));
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        var r = SegmentsAnalysis.Run(source, new SegmentsOptions { By = ["plan"] });
        Assert.Equal(1, r.Searched);
        Assert.Equal(0, r.Tested);
        Assert.Empty(r.Segments);
    }
}
