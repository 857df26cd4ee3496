using Vigil.Statistics.Estimation;
using static Vigil.Statistics.Tests.Estimation.EstimationFixture;

namespace Vigil.Statistics.Tests.Estimation;

public sealed class CbpeSamplingErrorTests
{
    public static TheoryData<string> Cases => Names("sampling_error.json");
    public static TheoryData<string> DrawCases => Names("legacy_integers.json");

    private static CbpeSamplingError FitCase(System.Text.Json.JsonElement c) =>
        CbpeSamplingError.Fit(Groups(c.GetProperty("groups")), Number(c, "threshold"), c.GetProperty("seed").GetUInt32());

    [Theory]
    [MemberData(nameof(Cases))]
    public void Components_MatchNannyMlOnRows(string name)
    {
        var c = Case("sampling_error.json", name);
        var se = FitCase(c);
        foreach (var p in c.GetProperty("components").EnumerateObject())
        {
            var component = se.Components[p.Name];
            Close(Number(p.Value, "std"), component.Std, $"{name} {p.Name} std");
            if (!double.IsNaN(Number(p.Value, "std")))
            {
                Close(Number(p.Value, "fraction"), component.Fraction, $"{name} {p.Name} fraction");
            }
        }
        Assert.Equal(c.GetProperty("components").EnumerateObject().Count(), se.Components.Count);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void StandardError_MatchesNannyMlFormula(string name)
    {
        var c = Case("sampling_error.json", name);
        var se = FitCase(c);
        var rows = Longs(c.GetProperty("chunk_rows"));
        foreach (var p in c.GetProperty("standard_errors").EnumerateObject())
        {
            var expected = Numbers(p.Value);
            for (var i = 0; i < rows.Length; i++)
            {
                Close(expected[i], se.StandardError(p.Name, rows[i]), $"{name} {p.Name} n={rows[i]}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(DrawCases))]
    public void LegacyIntegers_ReplayNumPyChoice(string name)
    {
        var c = Case("legacy_integers.json", name);
        var rng = new LegacyIntegers(c.GetProperty("seed").GetUInt32());
        var n = c.GetProperty("n").GetInt64();
        Assert.Equal(Longs(c.GetProperty("draws")), Enumerable.Range(0, 40).Select(_ => rng.Below(n)).ToArray());
    }

    [Fact]
    public void AveragePrecision_SeedMatters_DefaultIsFixed()
    {
        var c = Case("sampling_error.json", "helps_t0.3_seed42");
        var g = Groups(c.GetProperty("groups"));
        var a = CbpeSamplingError.Fit(g, 0.3).Components[CbpeMetrics.AveragePrecision];
        var b = CbpeSamplingError.Fit(g, 0.3, 42).Components[CbpeMetrics.AveragePrecision];
        var d = CbpeSamplingError.Fit(g, 0.3, 43).Components[CbpeMetrics.AveragePrecision];
        Assert.Equal(a, b);
        Assert.NotEqual(a.Std, d.Std);
        Assert.InRange(d.Std / a.Std, 0.6, 1.6);   // another bootstrap, the same magnitude
    }

    [Fact]
    public void HugeCounts_ScaleFreeComponents()
    {
        var small = new ScoreGroups([0.1, 0.3, 0.5, 0.7, 0.9], [1, 2, 4, 6, 9], [10, 10, 10, 10, 10]);
        var huge = new ScoreGroups(small.Scores, [.. small.Positives.Select(v => v * 1e9)], [.. small.Rows.Select(v => v * 1e9)]);
        var a = CbpeSamplingError.Fit(small, 0.5);
        var b = CbpeSamplingError.Fit(huge, 0.5);
        foreach (var m in new[] { CbpeMetrics.RocAuc, CbpeMetrics.F1, CbpeMetrics.Precision, CbpeMetrics.Recall, CbpeMetrics.Specificity, CbpeMetrics.Accuracy })
        {
            Close(a.Components[m].Std, b.Components[m].Std, m + " std", 1e-12);
            Close(a.Components[m].Fraction, b.Components[m].Fraction, m + " fraction", 1e-12);
        }
        // 5e10 rows: the bootstrap draws 64-bit indices and takes 50 000 rows
        var ap = b.Components[CbpeMetrics.AveragePrecision];
        Assert.Equal(1.0 / 50_000, ap.Fraction);
        Assert.InRange(ap.Std, 1e-4, 0.05);
    }

    [Fact]
    public void StandardError_EdgeCases()
    {
        var se = CbpeSamplingError.Fit(new ScoreGroups([0.2, 0.8], [1, 3], [4, 4]), 0.5);
        Assert.True(double.IsNaN(se.StandardError(CbpeMetrics.Accuracy, 0)));
        Assert.Throws<ArgumentException>(() => se.StandardError("auc", 10));
        Assert.Throws<ArgumentOutOfRangeException>(() => CbpeSamplingError.Fit(new ScoreGroups([0.2], [0], [1]), double.NaN));
        Assert.Throws<ArgumentException>(() => CbpeSamplingError.Fit(new ScoreGroups([0.2], [2], [1]), 0.5));
        // the standard error falls as 1/√n
        Close(se.StandardError(CbpeMetrics.F1, 100) / 2, se.StandardError(CbpeMetrics.F1, 400), "1/sqrt(n)");
    }

    [Fact]
    public void ConfidenceBounds_ClippedToRange()
    {
        var (lower, upper) = CbpeSamplingError.ConfidenceBounds(0.55, 0.05);
        Close(0.4, lower, "lower");
        Close(0.7, upper, "upper");
        Assert.Equal((0.0, 1.0), CbpeSamplingError.ConfidenceBounds(0.5, 0.3));
        Assert.Equal((3.0, 25.0), CbpeSamplingError.ConfidenceBounds(15, 4, 0, 25));   // a count: max = rows
    }
}
