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

    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A reference and a current CSV: x continuous with ties, -0.0 and 0.0, nan, inf and empty cells; few (four
    /// values); k constant; e numbers in the reference and only nan in the current; s text.</summary>
    internal static (string Ref, string Cur) Fixture(string dir, int refRows, int curRows, int seed = 3)
    {
        var rnd = new Random(seed);
        string Side(string name, int rows, double shift, bool current)
        {
            var sb = new StringBuilder("x,few,k,e,s\n");
            for (var i = 0; i < rows; i++)
            {
                var x = (i % 97) switch
                {
                    0 => "-0.0",
                    1 => "0.0",
                    2 => "nan",
                    3 => "",
                    4 => i % 2 == 0 ? "inf" : "-inf",
                    _ => N(Math.Round(rnd.NextDouble() * 10 + shift, 2)),
                };
                var few = N(rnd.Next(4) + (current ? 1 : 0) * (i % 3 == 0 ? 1 : 0));
                var e = current ? "nan" : N(Math.Round(rnd.NextDouble(), 3));
                var s = (i % 5) switch { 0 => "a", 1 => "b", 2 => "", _ => "c" };
                sb.Append(x).Append(',').Append(few).Append(",7,").Append(e).Append(',').Append(s).Append('\n');
            }
            var path = Path.Combine(dir, name);
            File.WriteAllText(path, sb.ToString());
            return path;
        }
        return (Side("ref.csv", refRows, 0, false), Side("cur.csv", curRows, 0.4, true));
    }

    private static DriftResult Run(string reference, string current, DriftOptions options)
    {
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var c = SourceOpener.Open(new SourceSpec { Inputs = [current] });
        return DriftAnalysis.Run(r, c, options);
    }

    /// <summary>Asserts two drift results agree: every decision, method, note, count and drawing exactly; statistics
    /// and p-values to 1e-9 relative.</summary>
    internal static void AssertSame(DriftResult expected, DriftResult actual)
    {
        Assert.Equal(expected.ReferenceRows, actual.ReferenceRows);
        Assert.Equal(expected.CurrentRows, actual.CurrentRows);
        Assert.Equal(expected.Dataset, actual.Dataset);
        Assert.Equal(expected.Columns.Select(c => c.Name), actual.Columns.Select(c => c.Name));
        foreach (var (e, a) in expected.Columns.Zip(actual.Columns))
        {
            Assert.Equal((e.Name, e.Type, e.Role, e.Method, e.Reason, e.Note, e.Drifted), (a.Name, a.Type, a.Role, a.Method, a.Reason, a.Note, a.Drifted));
            Assert.Equal((e.ReferenceMissing, e.CurrentMissing, e.DistinctValues), (a.ReferenceMissing, a.CurrentMissing, a.DistinctValues));
            Assert.Equal(e.Result is null, a.Result is null);
            if (e.Result is { } er)
            {
                var ar = a.Result!;
                Assert.Equal((er.Method, er.Threshold, er.Drifted), (ar.Method, ar.Threshold, ar.Drifted));
                Close(er.Statistic, ar.Statistic, e.Name);
                Close(er.PValue, ar.PValue, e.Name);
            }
            Close(e.AdjustedPValue, a.AdjustedPValue, e.Name);
            Assert.Equal(e.Distribution is null, a.Distribution is null);
            if (e.Distribution is { } ed)
            {
                var ad = a.Distribution!;
                Assert.Equal(ed.Kind, ad.Kind);
                Assert.Equal(ed.Edges, ad.Edges);
                Assert.Equal(ed.Labels, ad.Labels);
                Assert.Equal(ed.Reference, ad.Reference);
                Assert.Equal(ed.Current, ad.Current);
                Assert.Equal(ed.Ecdf is null, ad.Ecdf is null);
                if (ed.Ecdf is { } ee)
                {
                    Assert.Equal(ee.X, ad.Ecdf!.X);
                    Assert.Equal(ee.Reference, ad.Ecdf.Reference);
                    Assert.Equal(ee.Current, ad.Ecdf.Current);
                }
            }
        }
    }

    private static void Close(double? expected, double? actual, string what)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{what}: {expected} against {actual}");
        if (expected is not { } e) return;
        var a = actual!.Value;
        Assert.True(e == a || Math.Abs(e - a) <= 1e-9 * Math.Max(Math.Abs(e), Math.Abs(a)), $"{what}: {N(e)} against {N(a)}");
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
        var (r, c) = Fixture(_dir, refRows, curRows);
        foreach (var correction in new[] { "none", "fdr" })
        {
            var options = new DriftOptions { Method = method, Correction = correction };
            var held = Run(r, c, options);
            var streamed = Run(r, c, options with { StreamNumbers = true });
            AssertSame(held, streamed);
        }
    }

    [Fact]
    public void Streamed_PerColumnMethods_MatchHeld()
    {
        var (r, c) = Fixture(_dir, 2000, 1800);
        var options = new DriftOptions
        {
            PerColumn = new Dictionary<string, (string?, double?)> { ["x"] = ("anderson", null), ["few"] = ("wasserstein", 0.2), ["k"] = (null, 0.2) },
            Distributions = false,
        };
        var held = Run(r, c, options);
        var streamed = Run(r, c, options with { StreamNumbers = true });
        AssertSame(held, streamed);
        Assert.Equal("anderson", streamed.Columns.Single(x => x.Name == "x").Method);
        Assert.Null(streamed.Columns.Single(x => x.Name == "x").Distribution);
    }

    [Fact]
    public void Streamed_FixtureHasTheEdgeCases()
    {
        // The fixture is what the tests above claim: missing values of every kind, a constant column, an empty side.
        var (r, c) = Fixture(_dir, 3000, 2500);
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
        var (r, c) = Fixture(_dir, 3000, 2500);
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
