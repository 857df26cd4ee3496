using Vigil.Statistics.Fairness;

namespace Vigil.Statistics.Tests.Fairness;

public sealed class RankAucTests
{
    /// <summary>P(s⁺ &gt; s⁻) + ½ P(s⁺ = s⁻) over every pair, the definition.</summary>
    private static double BruteForce(double[] s, bool[] y)
    {
        double num = 0;
        long pairs = 0;
        for (var i = 0; i < s.Length; i++)
            for (var j = 0; j < s.Length; j++)
                if (y[i] && !y[j])
                {
                    pairs++;
                    num += s[i] > s[j] ? 1 : s[i] == s[j] ? 0.5 : 0;
                }
        return num / pairs;
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public void Compute_WithTies_MatchesEveryPair(int seed)
    {
        var rng = new Random(seed);
        var n = 300;
        var s = Enumerable.Range(0, n).Select(_ => Math.Round(rng.NextDouble(), 1)).ToArray();
        var y = s.Select(v => rng.NextDouble() < v).ToArray();
        var expected = BruteForce(s, y);
        Assert.Equal(expected, RankAuc.Compute(s, y), 12);
    }

    [Fact]
    public void Compute_OneClass_IsNaN()
    {
        Assert.True(double.IsNaN(RankAuc.Compute([0.1, 0.2], [true, true])));
        Assert.Equal(1.0, RankAuc.Compute([0.1, 0.9], [false, true]));
        Assert.Equal(0.5, RankAuc.Compute([0.5, 0.5], [false, true]));
    }
}
