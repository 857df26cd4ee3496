using System.Globalization;
using System.Text;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Drift;

/// <summary>Odd and bad input for drift (issue 9): values near ±1e308, chunk counts past the limit, learned
/// thresholds with no variation, constant columns under --multivariate.</summary>
public sealed class DriftEdgeCaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-drift-edge-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Csv(string name, string header, IEnumerable<string> rows)
    {
        var sb = new StringBuilder(header).Append('\n');
        foreach (var r in rows) sb.Append(r).Append('\n');
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    private static DriftResult Run(string reference, string current, DriftOptions options)
    {
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var c = SourceOpener.Open(new SourceSpec { Inputs = [current] });
        return DriftAnalysis.Run(r, c, options);
    }

    /// <summary>x: 2,000 values in [0, 10), plus the extremes given; current shifted by <paramref name="shift"/>.</summary>
    private (string Ref, string Cur) Extreme(double[] refExtremes, double[] curExtremes, double shift)
    {
        var rnd = new Random(7);
        IEnumerable<string> Side(double sh, double[] extremes)
        {
            for (var i = 0; i < 2000; i++) yield return N(Math.Round(rnd.NextDouble() * 10 + sh, 4));
            foreach (var e in extremes) yield return N(e);
        }
        return (Csv("ref.csv", "x", Side(0, refExtremes)), Csv("cur.csv", "x", Side(shift, curExtremes)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("psi")]
    [InlineData("ks")]
    [InlineData("jensenshannon")]
    public void ValuesNearDoubleLimits_DoNotCrash_AndCarryANote(string? method)
    {
        var (r, c) = Extreme([1.7e308, -1.7e308], [1.6e308], shift: 3);
        var result = Run(r, c, new DriftOptions { Method = method });
        var x = Assert.Single(result.Columns);
        Assert.NotNull(x.Result);
        Assert.True(x.Result!.Statistic is { } s && double.IsFinite(s), $"statistic {x.Result.Statistic}");
        Assert.Contains("extreme values", x.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void OneHugeValueInReference_WassersteinIsFinite_AndNoted()
    {
        var (r, c) = Extreme([1e308], [], shift: 5);
        var x = Assert.Single(Run(r, c, new DriftOptions { Method = "wasserstein" }).Columns);
        Assert.Equal("wasserstein", x.Method);
        Assert.True(x.Result!.Statistic is { } s && double.IsFinite(s) && s > 0, $"statistic {x.Result.Statistic}");
        Assert.Contains("extreme values", x.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void ChunkOfOneRow_OnManyRows_IsRefusedWithTheLimit()
    {
        var rows = Enumerable.Range(0, 2500).Select(i => N(i % 97)).ToList();
        var r = Csv("r.csv", "x", rows);
        var c = Csv("c.csv", "x", rows);
        var e = Assert.Throws<VigilInputException>(() => Run(r, c, new DriftOptions { Chunk = new RowChunk(1) }));
        Assert.Equal($"--chunk 1: 2,500 chunks in {c}; at most 1,000 (use a larger chunk or --chunk day)", e.Message);
        // At the limit it runs.
        Assert.Equal(100, Run(r, c, new DriftOptions { Chunk = new RowChunk(25) }).Chunks!.Count);
    }

    [Fact]
    public void LearnedThreshold_WithNoVariationAcrossReferenceChunks_FallsBackToTheDefaultAndSaysSo()
    {
        // z repeats 0..9 in every 100-row chunk of the reference: each chunk's ks statistic against it is 0.
        var r = Csv("r.csv", "x,z", Enumerable.Range(0, 1200).Select(i => $"{N(Math.Sin(i) * 10)},{i % 10}"));
        var c = Csv("c.csv", "x,z", Enumerable.Range(0, 600).Select(i => $"{N(Math.Sin(i * 1.3) * 10)},{(i % 10) + (i % 7 == 0 ? 1 : 0)}"));
        var result = Run(r, c, new DriftOptions { Chunk = new RowChunk(100), ThresholdFrom = "reference-chunks" });
        var z = Assert.Single(result.Columns, col => col.Name == "z");
        Assert.Contains("learned threshold degenerate (no variation across 12 reference chunks)", z.Note, StringComparison.Ordinal);
        Assert.Contains("learned threshold degenerate", z.Reason, StringComparison.Ordinal);
        Assert.NotEqual(0, z.Result!.Threshold);
        Assert.Equal(Vigil.Statistics.Drift.DriftMethods.DefaultThreshold(z.Method), z.Result.Threshold);
        foreach (var chunk in result.Chunks!)
            Assert.Equal(Vigil.Statistics.Drift.DriftMethods.DefaultThreshold(z.Method), chunk.Columns.Single(col => col.Name == "z").Result!.Threshold);
    }

    [Fact]
    public void Multivariate_ConstantReferenceColumn_IsLeftOutWithANote()
    {
        var r = Csv("r.csv", "a,b,k", Enumerable.Range(0, 600).Select(i => $"{N(Math.Sin(i))},{N(Math.Cos(i * 0.7) + Math.Sin(i))},5"));
        var c = Csv("c.csv", "a,b,k", Enumerable.Range(0, 300).Select(i => $"{N(Math.Sin(i) + 1)},{N(Math.Cos(i * 0.7))},{(i % 2 == 0 ? 5 : 6)}"));
        var result = Run(r, c, new DriftOptions { Chunk = new RowChunk(100), Multivariate = true });
        var mv = result.Multivariate!;
        Assert.Equal(["k"], mv.ExcludedColumns);
        Assert.Equal(["a", "b"], mv.Columns);
        Assert.Contains("left out of the PCA: k", mv.Note, StringComparison.Ordinal);
        Assert.All(mv.Chunks, ch => Assert.True(double.IsFinite(ch.ReconstructionError)));
    }

    [Fact]
    public void Multivariate_OneVaryingColumnLeft_SaysSoAndDoesNotFlagEveryChunk()
    {
        var r = Csv("r.csv", "a,k", Enumerable.Range(0, 600).Select(i => $"{N(Math.Sin(i))},5"));
        var c = Csv("c.csv", "a,k", Enumerable.Range(0, 300).Select(i => $"{N(Math.Sin(i) + 1)},5"));
        var mv = Run(r, c, new DriftOptions { Chunk = new RowChunk(100), Multivariate = true }).Multivariate!;
        Assert.Equal(["a"], mv.Columns);
        Assert.Contains("only a varies in the reference", mv.Note, StringComparison.Ordinal);
        Assert.All(mv.Chunks, ch => Assert.False(ch.Drifted));
    }

    [Fact]
    public void Multivariate_EveryColumnConstant_IsOneLineError()
    {
        var r = Csv("r.csv", "k,t", Enumerable.Range(0, 300).Select(_ => "5,a"));
        var c = Csv("c.csv", "k,t", Enumerable.Range(0, 300).Select(i => i % 2 == 0 ? "5,a" : "6,b"));
        var e = Assert.Throws<VigilInputException>(() => Run(r, c, new DriftOptions { Chunk = new RowChunk(100), Multivariate = true }));
        Assert.StartsWith("--multivariate: every compared column is constant in", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Profile_ValuesNearDoubleLimits_SavesLoadsAndDrifts()
    {
        var (r, c) = Extreme([1.7e308, 1.7e308, -1.7e308], [], shift: 3);
        ReferenceProfile profile;
        using (var s = SourceOpener.Open(new SourceSpec { Inputs = [r] })) profile = ReferenceProfile.Build(s, null, 100);
        var path = Path.Combine(_dir, "ref" + ReferenceProfile.Extension);
        profile.Save(path);
        var back = ReferenceProfile.Load(path);
        using var cur = SourceOpener.Open(new SourceSpec { Inputs = [c] });
        var x = Assert.Single(DriftAnalysis.Run(back, cur, new DriftOptions { Method = "wasserstein" }).Columns);
        Assert.True(x.Result!.Statistic is { } st && double.IsFinite(st), $"statistic {x.Result.Statistic}");
        Assert.Contains("extreme values", x.Note, StringComparison.Ordinal);
    }

    [Fact]
    public void UndefinedStatistic_CarriesANote_AndIsNotDrift()
    {
        // t_test on two constant samples: no spread, so the statistic is undefined (NaN in SciPy).
        var r = Csv("r.csv", "x", Enumerable.Range(0, 50).Select(_ => "3"));
        var c = Csv("c.csv", "x", Enumerable.Range(0, 50).Select(_ => "3"));
        var x = Assert.Single(Run(r, c, new DriftOptions { Method = "t_test" }).Columns);
        Assert.False(x.Drifted);
        Assert.Contains("undefined", x.Note, StringComparison.Ordinal);
    }
}
