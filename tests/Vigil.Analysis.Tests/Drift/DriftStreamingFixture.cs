// Shared with tests/Vigil.Cli.Tests (linked): the drift fixture with edge cases and the comparison of two results.
using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;

namespace Vigil.Analysis.Tests.Drift;

/// <summary>The fixture of <see cref="DriftStreamingTests"/> and the comparison of two drift results (issue 14).</summary>
internal static class DriftStreamingFixture
{
    private static string N(double x) => x.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A reference and a current CSV: x continuous with ties, -0.0 and 0.0, nan, inf and empty cells; few (four
    /// values); k constant; e numbers in the reference and only nan in the current; s text.</summary>
    internal static (string Ref, string Cur) Write(string dir, int refRows, int curRows, int seed = 3)
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

    /// <summary>Asserts two drift results agree: every decision, method, note, count and drawing exactly (the values
    /// drawn, bin edges and ECDF points, too); statistics and p-values to 1e-9 relative.</summary>
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
}
