using System.Text.Json;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Comparison;

/// <summary><c>vigil compare</c> against tools/golden/generate_compare.py: scikit-learn's metrics per version and
/// segment, DeLong (1988), Newcombe (1998) and Welch from their formulas, Holm across segments.</summary>
public class ComparisonAnalysisTests
{
    private static readonly ComparisonOptions ByRegion = new() { Baseline = "v2.0", Candidate = "v2.1", SegmentBy = ["region"] };

    internal static ComparisonResult Compare(string file, ComparisonOptions? options = null)
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path(file)] });
        return ComparisonAnalysis.Run(source, options ?? ByRegion);
    }

    private static string? RegionOf(JsonElement segment) =>
        segment.EnumerateObject().Any() ? segment.GetProperty("region").GetString() : null;

    private static SegmentComparison Find(ComparisonResult r, JsonElement expected)
    {
        var seg = expected.GetProperty("segment");
        if (!seg.EnumerateObject().Any()) return r.Segments.Single(s => s.Segment.Count == 0);
        var region = RegionOf(seg);
        return r.Segments.Single(s => s.Segment.Count == 1 && s.Segment["region"] == region);
    }

    private static void CheckAgainstGolden(ComparisonResult r, JsonElement cases)
    {
        Assert.Equal(cases.GetArrayLength(), r.Segments.Count);
        foreach (var e in cases.EnumerateArray())
        {
            var s = Find(r, e);
            var name = s.Segment.Count == 0 ? "overall" : $"region={s.Segment["region"] ?? "null"}";
            Assert.Equal(e.GetProperty("baseline").GetProperty("rows").GetInt64(), s.Baseline.Rows);
            Assert.Equal(e.GetProperty("candidate").GetProperty("rows").GetInt64(), s.Candidate.Rows);
            Fixture.AllMetricsClose(e.GetProperty("baseline").GetProperty("metrics"), s.Baseline.Metrics, $"{name} baseline");
            Fixture.AllMetricsClose(e.GetProperty("candidate").GetProperty("metrics"), s.Candidate.Metrics, $"{name} candidate");
            foreach (var d in e.GetProperty("difference").EnumerateObject())
            {
                var actual = s.Difference[d.Name];
                Fixture.Close(d.Value.GetProperty("value").GetDouble(), actual.Value, $"{name} {d.Name} difference");
                Fixture.Close(d.Value.GetProperty("lower").GetDouble(), actual.Lower, $"{name} {d.Name} lower");
                Fixture.Close(d.Value.GetProperty("upper").GetDouble(), actual.Upper, $"{name} {d.Name} upper");
                Fixture.Close(d.Value.GetProperty("p").GetDouble(), actual.PValue, $"{name} {d.Name} p-value");
            }
            if (e.TryGetProperty("roc_auc_p_adjusted", out var q))
                Fixture.Close(q.GetDouble(), s.Difference["roc_auc"].PAdjusted, $"{name} roc_auc Holm-adjusted p");
        }
    }

    [Fact]
    public void Independent_MetricsAndDifferences_MatchScikitLearnAndReferenceFormulas()
    {
        var r = Compare("compare_independent.csv");
        Assert.False(r.Paired);
        Assert.Contains("different ids", r.PairedReason, StringComparison.Ordinal);
        CheckAgainstGolden(r, Fixture.Json("compare_expected.json").GetProperty("independent"));
        Assert.StartsWith("DeLong", r.Segments[0].Difference["roc_auc"].Test, StringComparison.Ordinal);
    }

    [Fact]
    public void Paired_ShadowDeployment_RunsPairedTests_MatchingReferenceFormulas()
    {
        var r = Compare("compare_paired.csv");
        Assert.True(r.Paired);
        Assert.Contains("shadow deployment", r.PairedReason, StringComparison.Ordinal);
        CheckAgainstGolden(r, Fixture.Json("compare_expected.json").GetProperty("paired"));
        var overall = r.Segments[0].Difference;
        Assert.Contains("paired", overall["roc_auc"].Test, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("McNemar", overall["accuracy"].Test, StringComparison.Ordinal);
        Assert.Contains("paired", overall["f1"].Test, StringComparison.Ordinal);
    }

    [Fact]
    public void Paired_TurnedOff_FallsBackToIndependentSamples_WithWiderIntervals()
    {
        var paired = Compare("compare_paired.csv");
        var unpaired = Compare("compare_paired.csv", ByRegion with { Pairing = PairingMode.Never });
        Assert.False(unpaired.Paired);
        var p = paired.Segments[0].Difference["roc_auc"];
        var u = unpaired.Segments[0].Difference["roc_auc"];
        Assert.Equal(p.Value!.Value, u.Value!.Value, 12);
        // The versions' scores are strongly correlated: pairing removes that shared variance.
        Assert.True(u.Upper - u.Lower > 2 * (p.Upper - p.Lower), $"unpaired width {u.Upper - u.Lower}, paired {p.Upper - p.Lower}");
    }

    [Fact]
    public void Verdicts_WorseSegmentListedFirst_AfterOverall()
    {
        var r = Compare("compare_independent.csv");
        Assert.Empty(r.Segments[0].Segment);
        Assert.Equal("worse", r.Segments[0].Verdict);
        Assert.Equal("south", r.Segments[1].Segment["region"]);
        Assert.Equal("worse", r.Segments[1].Verdict);
        Assert.All(r.Segments.Skip(2), s => Assert.Equal("no_evidence", s.Verdict));
        // A loss metric as the verdict metric: higher log loss is worse.
        var byLoss = Compare("compare_independent.csv", ByRegion with { PrimaryMetric = "log_loss" });
        Assert.Equal("worse", byLoss.Segments[0].Verdict);
        Assert.False(byLoss.Segments[0].Difference["log_loss"].HigherIsBetter);
    }

    [Fact]
    public void BenjaminiHochberg_Correction_IsNeverLargerThanHolm()
    {
        var holm = Compare("compare_independent.csv");
        var bh = Compare("compare_independent.csv", ByRegion with { Correction = "bh" });
        foreach (var s in holm.Segments.Skip(1))
        {
            var b = bh.Segments.Single(x => x.Segment.Count == 1 && x.Segment["region"] == s.Segment["region"]);
            Assert.True(b.Difference["roc_auc"].PAdjusted <= s.Difference["roc_auc"].PAdjusted + 1e-15);
        }
    }

    [Fact]
    public void Bootstrap_IsDeterministicForASeed()
    {
        var a = Compare("compare_independent.csv");
        var b = Compare("compare_independent.csv");
        var c = Compare("compare_independent.csv", ByRegion with { Seed = 7 });
        Assert.Equal(a.Segments[0].Difference["f1"], b.Segments[0].Difference["f1"]);
        Assert.NotEqual(a.Segments[0].Difference["f1"].Lower, c.Segments[0].Difference["f1"].Lower);
        Assert.Contains("bootstrap", a.Segments[0].Difference["f1"].Test, StringComparison.Ordinal);
    }

    [Fact]
    public void TwoLogs_GiveTheSameComparisonAsOneLogWithAVersionColumn()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-compare-").FullName;
        try
        {
            var lines = File.ReadAllLines(Fixture.Path("compare_independent.csv"));
            File.WriteAllLines(Path.Combine(dir, "a.csv"), [lines[0], .. lines.Skip(1).Where(l => l.Contains(",v2.0,", StringComparison.Ordinal))]);
            File.WriteAllLines(Path.Combine(dir, "b.csv"), [lines[0], .. lines.Skip(1).Where(l => l.Contains(",v2.1,", StringComparison.Ordinal))]);
            using var a = SourceOpener.Open(new SourceSpec { Inputs = [Path.Combine(dir, "a.csv")] });
            using var b = SourceOpener.Open(new SourceSpec { Inputs = [Path.Combine(dir, "b.csv")] });
            using var both = ComparisonAnalysis.Combine(a, b);
            var two = ComparisonAnalysis.Run(both, "a.csv", "b.csv", new ComparisonOptions { SegmentBy = ["region"] });
            var one = Compare("compare_independent.csv");
            Assert.Equal("a.csv", two.Baseline);
            Assert.Equal(one.Segments.Count, two.Segments.Count);
            for (var i = 0; i < one.Segments.Count; i++)
            {
                Assert.Equal(one.Segments[i].Segment, two.Segments[i].Segment);
                Assert.Equal(one.Segments[i].Difference["roc_auc"], two.Segments[i].Difference["roc_auc"]);
            }
            Assert.DoesNotContain(ComparisonAnalysis.SideColumn, two.Source.Columns);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void ScoreDrift_BetweenVersions_IsReportedPerSegment()
    {
        var r = Compare("compare_independent.csv");
        Assert.All(r.Segments, s => Assert.NotNull(s.ScoreDrift));
        var south = r.Segments.Single(s => s.Segment.Count == 1 && s.Segment["region"] == "south");
        Assert.InRange(south.ScoreDrift!.KsStatistic, 0, 1);
        Assert.InRange(south.ScoreDrift.KsPValue, 0, 1);
    }

    [Fact]
    public void UnknownVersion_ListsTheVersionsPresent()
    {
        var e = Assert.Throws<VigilInputException>(() => Compare("compare_independent.csv", ByRegion with { Candidate = "v9" }));
        Assert.Contains("--candidate 'v9'", e.Message, StringComparison.Ordinal);
        Assert.Contains("v2.0, v2.1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingSegmentColumn_IsAnInputError()
    {
        var e = Assert.Throws<VigilInputException>(() => Compare("compare_independent.csv", ByRegion with { SegmentBy = ["country"] }));
        Assert.Contains("--segment-by column 'country' not found", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OneClassSegment_GivesUndefinedDifferences_NotAnError()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-compare-").FullName;
        try
        {
            var path = Path.Combine(dir, "one.csv");
            var rows = new List<string> { "prediction_id,model_version,seg,prediction_score,actual_label" };
            for (var i = 0; i < 40; i++)
            {
                rows.Add($"a{i},v1,mixed,{(i % 10) / 10.0},{i % 2}");
                rows.Add($"b{i},v2,mixed,{(i % 7) / 7.0},{i % 2}");
                rows.Add($"c{i},v1,allpos,0.{i % 9 + 1},1");
                rows.Add($"d{i},v2,allpos,0.{i % 8 + 1},1");
            }
            File.WriteAllLines(path, rows);
            using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
            var r = ComparisonAnalysis.Run(source, new ComparisonOptions { Baseline = "v1", Candidate = "v2", SegmentBy = ["seg"] });
            var allpos = r.Segments.Single(s => s.Segment.Count == 1 && s.Segment["seg"] == "allpos");
            Assert.Null(allpos.Difference["roc_auc"].Value);
            Assert.NotNull(allpos.Difference["roc_auc"].Note);
            Assert.Equal("no_evidence", allpos.Verdict);
            Assert.NotNull(allpos.Difference["recall"].Value);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
