using System.Text.Json;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Regression;

namespace Vigil.Statistics.Tests.Regression;

public sealed class RegressionMetricsTests
{
    private const string File = "regression_metrics.json";

    public static TheoryData<string> Cases => Fixture.Names(File);

    private static (JsonElement Case, IReadOnlyList<MetricValue> Result) Run(string name)
    {
        JsonElement c = Fixture.Case(File, name);
        JsonElement s = c.GetProperty("sums");
        var sums = new RegressionSums(
            s.GetProperty("count").GetInt64(),
            s.GetProperty("sum_error").GetDouble(),
            s.GetProperty("sum_abs_error").GetDouble(),
            s.GetProperty("sum_squared_error").GetDouble(),
            s.GetProperty("max_abs_error").GetDouble(),
            s.GetProperty("median_abs_error").GetDouble(),
            s.GetProperty("sum_abs_percentage_error").GetDouble(),
            s.GetProperty("mean_actual").GetDouble(),
            s.GetProperty("sum_squared_deviation_actual").GetDouble());
        return (c, RegressionMetrics.Compute(sums));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllMetrics_MatchScikitLearn(string name)
    {
        (JsonElement c, IReadOnlyList<MetricValue> r) = Run(name);
        Assert.Equal(RegressionMetrics.Names, r.Select(m => m.Name).ToArray());
        JsonElement expected = c.GetProperty("expected");
        foreach (MetricValue m in r)
        {
            double? e = Fixture.Number(expected, m.Name);
            if (e is null)
            {
                Assert.Null(m.Value);
                Assert.False(string.IsNullOrEmpty(m.Note));
            }
            else
            {
                Assert.NotNull(m.Value);
                Fixture.Close(e.Value, m.Value!.Value, $"{name}/{m.Name}");
            }
        }
    }

    [Fact]
    public void R2_ConstantActuals_ZeroByForceFinite()
    {
        (_, IReadOnlyList<MetricValue> r) = Run("constant_actuals");
        MetricValue r2 = r.Single(m => m.Name == "r2");
        Assert.Equal(0.0, r2.Value);
        Assert.Contains("force_finite", r2.Note, StringComparison.Ordinal);
        (_, r) = Run("constant_actuals_exact");
        Assert.Equal(1.0, r.Single(m => m.Name == "r2").Value);
    }

    [Fact]
    public void R2_SingleRow_UndefinedAsScikitLearnNaN()
    {
        (JsonElement c, IReadOnlyList<MetricValue> r) = Run("single_row");
        Assert.Contains("less than two", c.GetProperty("sklearn_notes").GetProperty("r2").GetString(), StringComparison.Ordinal);
        Assert.Null(r.Single(m => m.Name == "r2").Value);
    }

    [Fact]
    public void Mape_ActualsWithZeros_UsesEpsFloor()
    {
        (_, IReadOnlyList<MetricValue> r) = Run("actuals_with_zeros");
        Assert.True(r.Single(m => m.Name == "mape").Value > 1e12);
    }

    [Fact]
    public void Compute_NoRows_AllUndefined()
    {
        IReadOnlyList<MetricValue> r = RegressionMetrics.Compute(new RegressionSums(0, 0, 0, 0, 0, 0, 0, 0, 0));
        Assert.Equal(8, r.Count);
        Assert.All(r, m => Assert.Null(m.Value));
    }
}
