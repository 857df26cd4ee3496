using Vigil.Statistics.Quality;

namespace Vigil.Statistics.Tests.Quality;

public sealed class RobustZScoreTests
{
    private const string File = "robust_zscore.json";

    public static TheoryData<string> Cases => Fixture.Names(File);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Compute_MatchesNumpyFormula(string name)
    {
        var c = Fixture.Case(File, name);
        double[] x = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        double[] z = c.GetProperty("z").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        Fixture.Close(c.GetProperty("median").GetDouble(), RobustZScore.Median(x), "median");
        Fixture.Close(c.GetProperty("mad").GetDouble(), RobustZScore.Fit(x).Mad, "mad");
        double[] got = RobustZScore.Compute(x);
        for (int i = 0; i < x.Length; i++)
        {
            Fixture.Close(z[i], got[i], $"z[{i}]");
        }
    }

    [Fact]
    public void Compute_MadZero_FallsBackToMeanAbsoluteDeviation()
    {
        double[] x = [5, 5, 5, 5, 9];
        // median 5, MAD 0, MeanAD = 4/5
        double[] z = RobustZScore.Compute(x);
        Assert.Equal(0.0, z[0]);
        Fixture.Close(4.0 / (1.253314 * 0.8), z[4], "z");
    }

    [Fact]
    public void Compute_AllEqual_ZeroEverywhere()
    {
        Assert.All(RobustZScore.Compute([2.0, 2.0, 2.0]), v => Assert.Equal(0.0, v));
        var scale = RobustZScore.Fit([2.0, 2.0, 2.0]);
        Assert.Equal(double.PositiveInfinity, RobustZScore.Score(3.0, scale));
        Assert.Equal(double.NegativeInfinity, RobustZScore.Score(1.0, scale));
    }

    [Fact]
    public void Median_EvenAndOddCounts_MatchesDefinition()
    {
        Assert.Equal(2.5, RobustZScore.Median([4.0, 1.0, 3.0, 2.0]));
        Assert.Equal(3.0, RobustZScore.Median([5.0, 3.0, 1.0]));
        Assert.True(double.IsNaN(RobustZScore.Median([])));
        Assert.Throws<ArgumentException>(() => RobustZScore.Median([1.0, double.NaN]));
    }
}
