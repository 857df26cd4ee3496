using System.Globalization;
using System.Text;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Drift;

/// <summary>Drift with the numbers streamed in order (a server engine's path, forced here on DuckDB) gives the result of
/// the path that holds every value (issue 14): ties, -0.0 and 0.0, NaN, ±∞, nulls, a constant column, a column empty on
/// one side, a one-row reference, a reference small enough for ks, and named methods.</summary>
public sealed class DriftStreamingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-drift-stream-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static DriftResult Run(string reference, string current, DriftOptions options)
    {
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var c = SourceOpener.Open(new SourceSpec { Inputs = [current] });
        return DriftAnalysis.Run(r, c, options);
    }

    public static TheoryData<int, int, string?> Cases => new()
    {
        { 3000, 2500, null },      // wasserstein for x, jensenshannon for few, ...
        { 600, 700, null },        // ks for x, chisquare for few
        { 3000, 2500, "ks" },
        { 3000, 2500, "wasserstein" },
        { 3000, 2500, "psi" },     // every numerical column held, as before
        { 1, 300, null },          // a one-row reference
        { 300, 1, "ks" },          // a one-row current
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Streamed_MatchesHeld(int refRows, int curRows, string? method)
    {
        var (r, c) = DriftStreamingFixture.Write(_dir, refRows, curRows);
        foreach (var correction in new[] { "none", "fdr" })
        {
            var options = new DriftOptions { Method = method, Correction = correction };
            var held = Run(r, c, options);
            var streamed = Run(r, c, options with { StreamNumbers = true });
            DriftStreamingFixture.AssertSame(held, streamed);
        }
    }

    [Fact]
    public void Streamed_PerColumnMethods_MatchHeld()
    {
        var (r, c) = DriftStreamingFixture.Write(_dir, 2000, 1800);
        var options = new DriftOptions
        {
            PerColumn = new Dictionary<string, (string?, double?)> { ["x"] = ("anderson", null), ["few"] = ("wasserstein", 0.2), ["k"] = (null, 0.2) },
            Distributions = false,
        };
        var held = Run(r, c, options);
        var streamed = Run(r, c, options with { StreamNumbers = true });
        DriftStreamingFixture.AssertSame(held, streamed);
        Assert.Equal("anderson", streamed.Columns.Single(x => x.Name == "x").Method);
        Assert.Null(streamed.Columns.Single(x => x.Name == "x").Distribution);
    }

    [Fact]
    public void Streamed_FixtureHasTheEdgeCases()
    {
        // The fixture is what the tests above claim: missing values of every kind, a constant column, an empty side.
        var (r, c) = DriftStreamingFixture.Write(_dir, 3000, 2500);
        var d = Run(r, c, new DriftOptions { StreamNumbers = true });
        var x = d.Columns.Single(x => x.Name == "x");
        Assert.Equal(3 * 31, x.ReferenceMissing); // nan, empty, ±inf in rows i % 97 ∈ {2, 3, 4}, i < 3000
        Assert.Equal("wasserstein", x.Method);
        Assert.Equal("none", d.Columns.Single(x => x.Name == "e").Method);
        Assert.Equal(2500, d.Columns.Single(x => x.Name == "e").CurrentMissing);
        Assert.Equal(1, d.Columns.Single(x => x.Name == "k").DistinctValues);
        Assert.Equal("jensenshannon", d.Columns.Single(x => x.Name == "few").Method);
    }

    [Fact]
    public void StreamBoth_OneEngine_MergesInOneQuery_AsTwoStreamsDo()
    {
        var (r, c) = DriftStreamingFixture.Write(_dir, 3000, 2500);
        using var rs = SourceOpener.Open(new SourceSpec { Inputs = [r] });
        using var cs = SourceOpener.Open(new SourceSpec { Inputs = [c] });
        var col = new DriftAnalysis.Column("x", Vigil.Statistics.Drift.ColumnType.Numerical, rs.Columns[0], cs.Columns[0]);
        var two = new List<(double, long, long)>();
        DriftAnalysis.StreamBoth(rs, cs, col, (x, n, m) => two.Add((x, n, m)));
        // The current side as a relation of the reference's engine: one query over both.
        var shared = new OpenedSource(rs.Engine, cs.Relation, cs.Description, cs.Columns, ownsEngine: false);
        var one = new List<(double, long, long)>();
        DriftAnalysis.StreamBoth(rs, shared, col, (x, n, m) => one.Add((x, n, m)));
        Assert.Equal(two, one);
        Assert.Contains(two, t => t.Item1 == 0 && t.Item2 > 0 && t.Item3 > 0);
        Assert.DoesNotContain(two, t => double.IsNegative(t.Item1) && t.Item1 == 0);
        Assert.Equal(3000 - 3 * 31, two.Sum(t => t.Item2));
        Assert.True(two.Zip(two.Skip(1)).All(p => p.First.Item1 < p.Second.Item1));
    }
}
