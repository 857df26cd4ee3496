using Vigil.Statistics.Estimation;
using static Vigil.Statistics.Tests.Estimation.EstimationFixture;

namespace Vigil.Statistics.Tests.Estimation;

public sealed class IsotonicCalibratorTests
{
    public static TheoryData<string> Cases => Names("isotonic.json");

    [Theory]
    [MemberData(nameof(Cases))]
    public void Fit_GroupedData_MatchesScikitLearnOnRows(string name)
    {
        var c = Case("isotonic.json", name);
        var calibrator = IsotonicCalibrator.Fit(Groups(c.GetProperty("groups")));
        var x = Numbers(c.GetProperty("x"));
        var y = Numbers(c.GetProperty("y"));
        Assert.Equal(x.Length, calibrator.X.Count);
        for (var i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i], calibrator.X[i]);
            Close(y[i], calibrator.Y[i], $"{name} y[{i}]");
        }
        Assert.False(calibrator.IsIdentity);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Apply_MatchesScikitLearnPredict(string name)
    {
        var c = Case("isotonic.json", name);
        var calibrator = IsotonicCalibrator.Fit(Groups(c.GetProperty("groups")));
        var queries = Numbers(c.GetProperty("queries"));
        var expected = Numbers(c.GetProperty("predictions"));
        for (var i = 0; i < queries.Length; i++)
        {
            Close(expected[i], calibrator.Apply(queries[i]), $"{name} Apply({queries[i]:R})");
        }
    }

    [Fact]
    public void Fit_NearDuplicateScores_MergedLikeScikitLearn()
    {
        // 0.1, 0.1 + 1 ulp and 0.1 + 5e-16 are one group; 0.1 + 2e-15 is not (1e-15 from the group's first score)
        var c = Case("isotonic.json", "near_duplicates");
        Assert.True(Groups(c.GetProperty("groups")).Scores.Length > IsotonicCalibrator.Fit(Groups(c.GetProperty("groups"))).X.Count);
        var cal = IsotonicCalibrator.Fit([0.1, 0.1 + 9e-16, 0.1 + 1.8e-15, 0.3], [1, 0, 0, 1], [1, 1, 1, 1]);
        Assert.Equal([0.1, 0.1 + 1.8e-15, 0.3], cal.X);
        Assert.Equal(1.0 / 3, cal.Y[0], 15);
    }

    [Fact]
    public void Fit_OrderOfGroupsAndEmptyGroups_DoNotMatter()
    {
        var a = IsotonicCalibrator.Fit([0.2, 0.5, 0.9, 0.7], [1, 3, 4, 1], [5, 6, 4, 3]);
        var b = IsotonicCalibrator.Fit([0.9, 0.3, 0.7, 0.2, 0.5], [4, 0, 1, 1, 3], [4, 0, 3, 5, 6]);
        Assert.Equal(a.X, b.X);
        Assert.Equal(a.Y, b.Y);
    }

    [Fact]
    public void Fit_HugeCounts_SameCurveAsSmallCounts()
    {
        double[] s = [0.1, 0.2, 0.35, 0.5, 0.8];
        double[] p = [1, 0, 3, 2, 7];
        double[] r = [4, 3, 5, 4, 8];
        var small = IsotonicCalibrator.Fit(s, p, r);
        var huge = IsotonicCalibrator.Fit(s, [.. p.Select(v => v * 1e12)], [.. r.Select(v => v * 1e12)]);
        Assert.Equal(small.X, huge.X);
        for (var i = 0; i < small.Y.Count; i++) Close(small.Y[i], huge.Y[i], $"y[{i}]", 1e-14);
    }

    [Fact]
    public void Fit_ConstantAndSingleRow_PredictTheMean()
    {
        var constant = IsotonicCalibrator.Fit([0.3], [2], [5]);
        Assert.Equal(0.4, constant.Apply(0.3));
        Assert.Equal(0.4, constant.Apply(-10));
        Assert.Equal(0.4, constant.Apply(10));
        Assert.Equal(1.0, IsotonicCalibrator.Fit([0.42], [1], [1]).Apply(0.1));
    }

    [Fact]
    public void Identity_ReturnsTheScore()
    {
        var id = IsotonicCalibrator.Identity;
        Assert.True(id.IsIdentity);
        Assert.Empty(id.X);
        Assert.Equal(0.123, id.Apply(0.123));
        Assert.True(double.IsNaN(id.Apply(double.NaN)));
    }

    [Fact]
    public void Apply_NaN_IsNaN() =>
        Assert.True(double.IsNaN(IsotonicCalibrator.Fit([0.1, 0.9], [0, 1], [1, 1]).Apply(double.NaN)));

    [Fact]
    public void Fit_BadInput_Throws()
    {
        Assert.Throws<ArgumentException>(() => IsotonicCalibrator.Fit([], [], []));
        Assert.Throws<ArgumentException>(() => IsotonicCalibrator.Fit([0.5], [0], [0]));
        Assert.Throws<ArgumentException>(() => IsotonicCalibrator.Fit([double.NaN], [0], [1]));
        Assert.Throws<ArgumentException>(() => IsotonicCalibrator.Fit([0.5], [2], [1]));
        Assert.Throws<ArgumentException>(() => IsotonicCalibrator.Fit([0.5], [-1], [1]));
        Assert.Throws<ArgumentException>(() => IsotonicCalibrator.Fit([0.5, 0.6], [0], [1]));
    }
}
