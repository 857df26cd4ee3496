using Vigil.Statistics.Classification;

namespace Vigil.Statistics.Tests.Classification;

/// <summary>The bootstrap's lean metrics equal the full evaluation's on the same cells.</summary>
public class CellMetricsTests
{
    private static ScoreCount[] RandomCells(int seed, int count, bool onlyPositives = false)
    {
        var rng = new Random(seed);
        var scores = Enumerable.Range(0, count).Select(_ => Math.Round(rng.NextDouble(), 3)).Distinct().OrderDescending().ToArray();
        return scores.Select(s => new ScoreCount(s, rng.Next(0, 5) + (rng.NextDouble() < s ? 3 : 0), onlyPositives ? 0 : rng.Next(0, 6))).ToArray();
    }

    [Theory]
    [InlineData(1, 500, 0.5)]
    [InlineData(2, 40, 0.3)]
    [InlineData(3, 3, 0.5)]
    [InlineData(4, 2000, 0.0)]
    [InlineData(5, 2000, 1.0)]
    [InlineData(6, 800, 0.123456)]
    public void Compute_EqualsBinaryScoreAccumulator(int seed, int count, double threshold)
    {
        var cells = RandomCells(seed, count);
        var full = BinaryScoreAccumulator.Evaluate(cells, new BinaryMetricOptions { Threshold = threshold }).Metrics;
        var lean = new double[CellMetrics.Names.Count];
        CellMetrics.Compute(cells, threshold, lean);
        for (var i = 0; i < lean.Length; i++)
        {
            var expected = full.Single(m => m.Name == CellMetrics.Names[i]).Value;
            Assert.True(expected.HasValue, CellMetrics.Names[i]);
            Assert.True(Math.Abs(expected!.Value - lean[i]) <= 1e-12 * Math.Max(1, Math.Abs(expected.Value)), $"{CellMetrics.Names[i]}: {expected} vs {lean[i]}");
        }
    }

    [Fact]
    public void OneClass_UndefinedWhereTheEvaluationIsUndefined()
    {
        var cells = RandomCells(9, 100, onlyPositives: true);
        var full = BinaryScoreAccumulator.Evaluate(cells, new BinaryMetricOptions()).Metrics;
        var lean = new double[CellMetrics.Names.Count];
        CellMetrics.Compute(cells, 0.5, lean);
        for (var i = 0; i < lean.Length; i++)
        {
            var expected = full.Single(m => m.Name == CellMetrics.Names[i]).Value;
            if (expected is null) Assert.True(double.IsNaN(lean[i]), CellMetrics.Names[i]);
            else Assert.Equal(expected.Value, lean[i], 12);
        }
    }
}
