using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;
using static Vigil.Statistics.Tests.Comparison.ComparisonFixture;

namespace Vigil.Statistics.Tests.Comparison;

public sealed class DeLongTests
{
    public static TheoryData<string> Singles => Names("delong_single");
    public static TheoryData<string> UnpairedCases => Names("delong_unpaired");
    public static TheoryData<string> PairedCases => Names("delong_paired");

    private static DeLongAuc Stream(ScoreCount[] cells)
    {
        var acc = new DeLongAccumulator();
        foreach (var c in cells.OrderByDescending(c => c.Score))
        {
            acc.Add(c.Score, c.Positives, c.Negatives);
        }
        return acc.Finish();
    }

    [Theory]
    [MemberData(nameof(Singles))]
    public void Accumulator_GroupedCounts_MatchesReferencePlacements(string name)
    {
        var c = Case("delong_single", name);
        var r = Stream(Cells(c));
        Close(D(c, "auc"), r.Auc, $"{name} auc");
        Close(D(c, "variance"), r.Variance, $"{name} variance");
        Close(D(c, "s10"), r.S10, $"{name} S10");
        Close(D(c, "s01"), r.S01, $"{name} S01");
        if (c.TryGetProperty("sklearn_auc", out var sk))
        {
            Close(sk.GetDouble(), r.Auc, $"{name} sklearn auc", 1e-12);
        }
        Assert.Equal(double.IsNaN(r.Variance), r.Note is not null);
        var again = DeLong.Compute(Cells(c).Reverse().ToArray());
        Assert.Equal(r, again);
    }

    [Fact]
    public void Accumulator_OneClass_NaNWithReason()
    {
        var acc = new DeLongAccumulator();
        acc.Add(0.9, 3, 0);
        acc.Add(0.1, 2, 0);
        var r = acc.Finish();
        Assert.True(double.IsNaN(r.Auc));
        Assert.Contains("one class", r.Note);
        var d = DeLong.Unpaired(r, DeLong.Compute([new ScoreCount(0.8, 2, 1), new ScoreCount(0.2, 1, 2)]));
        Assert.True(double.IsNaN(d.Value) && double.IsNaN(d.PValue));
        Assert.Contains("baseline: only one class", d.Note);
        Assert.Equal("no rows", new DeLongAccumulator().Finish().Note);
    }

    [Fact]
    public void Accumulator_RejectsOutOfOrderAndNaN()
    {
        var acc = new DeLongAccumulator();
        acc.Add(0.5, 1, 1);
        Assert.Throws<ArgumentException>(() => acc.Add(0.5, 1, 0));
        Assert.Throws<ArgumentException>(() => acc.Add(0.7, 1, 0));
        Assert.Throws<ArgumentException>(() => acc.Add(double.NaN, 1, 0));
        Assert.Throws<ArgumentException>(() => acc.Add(0.1, -1, 0));
    }

    [Fact]
    public void Accumulator_HugeCounts_NoOverflow()
    {
        // 2e12 rows: the 128-bit AUC numerator and the centred moments keep AUC and variance exact enough.
        var acc = new DeLongAccumulator();
        acc.Add(0.9, 600_000_000_000, 100_000_000_000);
        acc.Add(0.5, 300_000_000_000, 300_000_000_000);
        acc.Add(0.1, 100_000_000_000, 600_000_000_000);
        var r = acc.Finish();
        // By hand, in units of 1e12 rows (m = n = 1): Σ neg·(pos above + pos at/2) = 0.1·0.3 + 0.3·0.75 + 0.6·0.95 = 0.825.
        Fixture.Close(0.825, r.Auc, "auc", 1e-14);
        Assert.Equal(2_000_000_000_000, r.Positives + r.Negatives);
        Assert.True(r.Variance > 0 && r.Variance < 1e-12);
    }

    [Theory]
    [MemberData(nameof(UnpairedCases))]
    public void Unpaired_MatchesReferenceZTest(string name)
    {
        var c = Case("delong_unpaired", name);
        var b = DeLong.Compute(Cells(Case("delong_single", c.GetProperty("baseline").GetString()!)));
        var k = DeLong.Compute(Cells(Case("delong_single", c.GetProperty("candidate").GetString()!)));
        var r = DeLong.Unpaired(b, k, D(c, "confidence"));
        Matches(c, r);
        Assert.Equal("DeLong unpaired z-test", r.Test);
    }

    [Theory]
    [MemberData(nameof(PairedCases))]
    public void Paired_FromPairedTable_MatchesReferenceCovariance(string name)
    {
        var c = Case("delong_paired", name);
        var s = DeLong.PairedSums(PairedCells(c));
        Assert.Equal(L(c, "positives"), s.Positives);
        Assert.Equal(L(c, "negatives"), s.Negatives);
        Close(D(c, "auc_a"), s.AucA, "auc A");
        Close(D(c, "auc_b"), s.AucB, "auc B");
        var sums = c.GetProperty("sums");
        Close(D(sums, "sum_v10ab"), s.SumV10AV10B, "Σ V10A·V10B");
        Close(D(sums, "sum_v01ab"), s.SumV01AV01B, "Σ V01A·V01B");
        Close(D(sums, "sum_sq_v10a"), s.SumSqV10A, "Σ V10A²");
        Close(D(sums, "sum_sq_v01b"), s.SumSqV01B, "Σ V01B²");
        var r = DeLong.Paired(s, D(c, "confidence"));
        // The variance is a difference of sums; 1e-7 relative on the limits is what the sums' rounding leaves.
        Matches(c, r, relative: 1e-8, absolute: 1e-11);
        Assert.Equal("DeLong paired z-test", r.Test);
    }

    [Theory]
    [MemberData(nameof(PairedCases))]
    public void Paired_FromReferenceSums_MatchesReference(string name)
    {
        var c = Case("delong_paired", name);
        var x = c.GetProperty("sums");
        var s = new PairedPlacementSums(L(c, "positives"), L(c, "negatives"), D(c, "auc_a"), D(c, "auc_b"),
            D(x, "sum_v10a"), D(x, "sum_v10b"), D(x, "sum_sq_v10a"), D(x, "sum_sq_v10b"), D(x, "sum_v10ab"),
            D(x, "sum_v01a"), D(x, "sum_v01b"), D(x, "sum_sq_v01a"), D(x, "sum_sq_v01b"), D(x, "sum_v01ab"));
        Matches(c, DeLong.Paired(s, D(c, "confidence")), relative: 1e-8, absolute: 1e-11);
    }

    [Fact]
    public void Paired_IdenticalModels_ZeroVariance_PValueOne()
    {
        var c = Case("delong_paired", "identical");
        var r = DeLong.Paired(DeLong.PairedSums(PairedCells(c)));
        Assert.Equal(0.0, r.Value);
        Assert.Equal(1.0, r.PValue);
        Assert.Equal(0.0, r.Lower);
        Assert.Equal(0.0, r.Upper);
    }

    [Fact]
    public void Paired_RawArrays_EqualsTable()
    {
        double[] a = [0.9, 0.8, 0.8, 0.4, 0.3, 0.35, 0.1, 0.6];
        double[] b = [0.7, 0.9, 0.2, 0.5, 0.3, 0.4, 0.2, 0.6];
        bool[] y = [true, true, false, true, false, false, false, true];
        var r = DeLong.Paired(a, b, y, 0.9);
        var single = DeLong.Compute(a, y);
        var sums = DeLong.PairedSums(a, b, y);
        Fixture.Close(single.Auc, sums.AucA, "auc A");
        Fixture.Close(DeLong.Compute(b, y).Auc, r.Value + single.Auc, "auc B");
        Assert.True(r.Lower < r.Value && r.Value < r.Upper);
    }

    [Fact]
    public void Paired_OneClassOrTooFew_NaNWithReason()
    {
        var r = DeLong.Paired([0.1, 0.2], [0.3, 0.1], [true, true]);
        Assert.True(double.IsNaN(r.Value));
        Assert.Contains("one class", r.Note);
        var few = DeLong.Paired([0.1, 0.2, 0.3], [0.3, 0.1, 0.2], [true, false, false]);
        Assert.False(double.IsNaN(few.Value));
        Assert.True(double.IsNaN(few.PValue));
        Assert.Contains("at least 2 positives", few.Note);
    }

    [Fact]
    public void Confidence_OutOfRange_Throws()
    {
        var a = DeLong.Compute([new ScoreCount(0.8, 2, 1), new ScoreCount(0.2, 1, 2)]);
        Assert.Throws<ArgumentOutOfRangeException>(() => DeLong.Unpaired(a, a, 1.0));
        Assert.Throws<ArgumentOutOfRangeException>(() => DeLong.Unpaired(a, a, 0.0));
    }
}
