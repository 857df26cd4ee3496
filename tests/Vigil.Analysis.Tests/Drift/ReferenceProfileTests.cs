using System.Globalization;
using System.IO.Compression;
using System.Text;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Tests.Drift;

/// <summary>Reference profiles: drift against a profile is the drift against the data where the profile holds the
/// values exactly, and within the stated bound where it pools them; profiles survive a round trip through the file,
/// merge like their sources, and bad files and misuse are one-line input errors.</summary>
public sealed class ReferenceProfileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-profile-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>prediction_id, x (continuous, 3 decimals), k (5 integers), c (categories, some missing), y (numbers with
    /// NaN and inf), s (text that looks numeric in current only when <paramref name="numericS"/>).</summary>
    private string Write(string name, int rows, double shift, int seed, int decimals = 3)
    {
        var r = new Random(seed);
        var sb = new StringBuilder("prediction_id,timestamp,x,k,c,y\n");
        for (var i = 0; i < rows; i++)
        {
            var x = Math.Round(r.NextDouble() * 10 + shift, decimals);
            var c = i % 17 == 0 ? "" : "cat" + (r.Next(4) + (shift > 0 && i % 3 == 0 ? 1 : 0));
            var y = i % 50 == 0 ? "nan" : i % 51 == 0 ? "inf" : (r.Next(1000) / 7.0).ToString("R", CultureInfo.InvariantCulture);
            sb.Append(CultureInfo.InvariantCulture, $"{name}-{i},2026-01-01 00:00:00,{x.ToString("R", CultureInfo.InvariantCulture)},{r.Next(5)},{c},{y}\n");
        }
        var path = Path.Combine(_dir, name + ".csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static ReferenceProfile Profile(string path, int resolution = NumericSummary.DefaultResolution, IReadOnlyList<string>? columns = null)
    {
        using var s = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        return ReferenceProfile.Build(s, columns, resolution);
    }

    private static DriftResult Drift(string reference, string current, DriftOptions? options = null)
    {
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var c = SourceOpener.Open(new SourceSpec { Inputs = [current] });
        return DriftAnalysis.Run(r, c, options ?? new DriftOptions());
    }

    private static DriftResult Drift(ReferenceProfile reference, string current, DriftOptions? options = null)
    {
        using var c = SourceOpener.Open(new SourceSpec { Inputs = [current] });
        return DriftAnalysis.Run(reference, c, options ?? new DriftOptions());
    }

    private string SaveLoad(ReferenceProfile p, string name = "ref")
    {
        var path = Path.Combine(_dir, name + ReferenceProfile.Extension);
        p.Save(path);
        return path;
    }

    private static IEnumerable<(string, string, DriftTestResult?, long, long, bool)> Key(DriftResult r) => Key(r.Columns);

    private static IEnumerable<(string, string, DriftTestResult?, long, long, bool)> Key(IEnumerable<ColumnDrift> columns) =>
        columns.OrderBy(c => c.Name, StringComparer.Ordinal).Select(c => (c.Name, c.Method, c.Result, c.ReferenceMissing, c.CurrentMissing, c.Drifted));

    [Theory]
    [InlineData(600, null)]        // small reference: ks, chisquare, z
    [InlineData(3000, null)]       // large: wasserstein, jensenshannon
    [InlineData(3000, "psi")]
    [InlineData(3000, "anderson")]
    public void HeldExactly_DriftIsTheDriftAgainstTheData(int rows, string? method)
    {
        var reference = Write("ref", rows, 0, 1);
        var current = Write("cur", rows / 2, 0.4, 2);
        var options = new DriftOptions { Method = method };
        var profile = ReferenceProfile.Load(SaveLoad(Profile(reference)));
        Assert.All(profile.Columns.Where(c => c.Numbers is not null), c => Assert.True(c.Numbers!.IsExact, c.Name));
        var fromData = Drift(reference, current, options);
        var fromProfile = Drift(profile, current, options);
        Assert.Equal(Key(fromData), Key(fromProfile));
        Assert.Equal(fromData.Dataset, fromProfile.Dataset);
        Assert.Equal(fromData.ReferenceRows, fromProfile.ReferenceRows);
        Assert.All(fromProfile.Columns, c => Assert.Null(c.Approximation));
        Assert.Equal("profile", fromProfile.Reference.Engine);
        Assert.Contains(ReferenceProfile.Extension, fromProfile.Reference.Description);
    }

    [Fact]
    public void Pooled_DriftIsWithinTheStatedBound()
    {
        var reference = Write("ref", 20_000, 0, 3, decimals: 6);
        var current = Write("cur", 8_000, 0.3, 4, decimals: 6);
        var profile = ReferenceProfile.Load(SaveLoad(Profile(reference, resolution: 500)));
        var x = profile.Columns.Single(c => c.Name == "x").Numbers!;
        Assert.False(x.IsExact);
        Assert.InRange(x.Counts.Length, 500, 1002);
        Assert.True(profile.Columns.Single(c => c.Name == "k").Numbers!.IsExact);
        foreach (var method in new[] { "wasserstein", "ks", "psi", "mannw" })
        {
            var options = new DriftOptions { Method = method, Columns = ["x", "k"] };
            var exact = Drift(reference, current, options).Columns.Single(c => c.Name == "x");
            var approx = Drift(profile, current, options).Columns.Single(c => c.Name == "x");
            var a = approx.Approximation!;
            Assert.NotNull(a);
            Assert.Contains("±", a.Explanation);
            Assert.Equal(x.CdfError, a.CdfError);
            Assert.InRange(a.CdfError, 1e-9, 40.0 / 20_000);
            var diff = Math.Abs(approx.Result!.Statistic!.Value - exact.Result!.Statistic!.Value);
            switch (method)
            {
                case "ks":
                    Assert.True(diff <= a.StatisticError!.Value + 1e-12, $"ks off by {diff}, bound {a.StatisticError}");
                    break;
                case "wasserstein":
                    Assert.True(diff <= a.StatisticError!.Value + 1e-12, $"wasserstein off by {diff}, bound {a.StatisticError}");
                    Assert.True(diff < 0.01);
                    break;
                case "psi":
                    Assert.Null(a.StatisticError);
                    Assert.NotNull(a.BinnedShareError);
                    Assert.InRange(a.BinnedShareError!.Value, 0, 0.05);
                    break;
                default:
                    Assert.Null(a.StatisticError);
                    break;
            }
            Assert.Equal(exact.Drifted, approx.Drifted);
            // The integer column is held exactly, so its result is too.
            Assert.Null(Drift(profile, current, options).Columns.Single(c => c.Name == "k").Approximation);
        }
    }

    [Fact]
    public void Merge_IsTheProfileOfBothSources()
    {
        var a = Write("a", 1500, 0, 5);
        var b = Write("b", 2500, 0.2, 6);
        var both = Path.Combine(_dir, "both.csv");
        File.WriteAllText(both, File.ReadAllText(a) + string.Join('\n', File.ReadAllLines(b).Skip(1)) + "\n");
        var merged = ReferenceProfile.Merge(ReferenceProfile.Load(SaveLoad(Profile(a), "a")), ReferenceProfile.Load(SaveLoad(Profile(b), "b")));
        var whole = Profile(both);
        Assert.Equal(whole.Rows, merged.Rows);
        Assert.Equal(2, merged.Sources.Count);
        foreach (var w in whole.Columns)
        {
            var m = Assert.Single(merged.Columns, c => c.Name == w.Name);
            Assert.Equal(w.Missing, m.Missing);
            if (w.Numbers is { } ws)
            {
                Assert.True(m.Numbers!.IsExact);
                Assert.Equal(ws.Lows, m.Numbers.Lows);
                Assert.Equal(ws.Counts, m.Numbers.Counts);
                Assert.Equal(ws.Mean, m.Numbers.Mean, 1e-12);
                Assert.Equal(ws.StandardDeviation, m.Numbers.StandardDeviation, 1e-12);
            }
            else Assert.Equal(w.Categories!.OrderBy(kv => kv.Key, StringComparer.Ordinal), m.Categories!.OrderBy(kv => kv.Key, StringComparer.Ordinal));
        }
        // And drift against the merged profile is the drift against both files.
        var current = Write("cur", 1000, 0.3, 7);
        Assert.Equal(Key(Drift(both, current)), Key(Drift(merged, current)));
    }

    [Fact]
    public void RoundTrip_KeepsEveryNumber()
    {
        var p = Profile(Write("ref", 5000, 0, 8, decimals: 6), resolution: 100);
        var q = ReferenceProfile.Load(SaveLoad(p));
        Assert.Equal(p.Rows, q.Rows);
        Assert.Equal(p.Resolution, q.Resolution);
        Assert.Equal(p.Sources, q.Sources);
        foreach (var (c, d) in p.Columns.Zip(q.Columns))
        {
            Assert.Equal((c.Name, c.Kind, c.Missing, c.Type), (d.Name, d.Kind, d.Missing, d.Type));
            if (c.Numbers is { } s)
            {
                Assert.Equal(s.Lows, d.Numbers!.Lows);
                Assert.Equal(s.Highs, d.Numbers.Highs);
                Assert.Equal(s.Counts, d.Numbers.Counts);
                Assert.Equal(s.Sums, d.Numbers.Sums);
                Assert.Equal((s.Count, s.Mean, s.M2), (d.Numbers.Count, d.Numbers.Mean, d.Numbers.M2));
            }
            else Assert.Equal(c.Categories, d.Categories);
        }
    }

    [Fact]
    public void Columns_CanBeChosen()
    {
        var p = Profile(Write("ref", 300, 0, 9), columns: ["x", "c"]);
        Assert.Equal(["x", "c"], p.Columns.Select(c => c.Name));
        Assert.Throws<VigilInputException>(() => Profile(Write("ref2", 300, 0, 9), columns: ["nope"]));
    }

    private string WriteBytes(string name, byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Gzip(string text)
    {
        using var ms = new MemoryStream();
        using (var gz = new GZipStream(ms, CompressionLevel.Fastest)) gz.Write(Encoding.UTF8.GetBytes(text));
        return ms.ToArray();
    }

    [Fact]
    public void BadFiles_AreOneLineInputErrors()
    {
        string Err(string path) => Assert.Throws<VigilInputException>(() => ReferenceProfile.Load(path)).Message;
        Assert.Contains("no such profile", Err(Path.Combine(_dir, "missing.vigil-profile")));
        Assert.Contains("not a Vigil profile", Err(WriteBytes("plain.vigil-profile", Encoding.UTF8.GetBytes("{\"format\":\"vigil-profile\"}"))));
        Assert.Contains("not a Vigil profile", Err(WriteBytes("other.vigil-profile", Gzip("{\"format\":\"something\"}"))));
        Assert.Contains("not a Vigil profile", Err(WriteBytes("broken.vigil-profile", Gzip("{\"format\":\"vigil-pro"))));
        Assert.Contains("version 9", Err(WriteBytes("v9.vigil-profile", Gzip("{\"format\":\"vigil-profile\",\"version\":9}"))));
        Assert.Contains("not a valid Vigil profile", Err(WriteBytes("norows.vigil-profile", Gzip("{\"format\":\"vigil-profile\",\"version\":1}"))));
        // A column whose counts do not add up to the rows names the column.
        var good = SaveLoad(Profile(Write("ref", 50, 0, 10)));
        string text;
        using (var gz = new GZipStream(File.OpenRead(good), CompressionMode.Decompress))
        using (var rd = new StreamReader(gz)) text = rd.ReadToEnd();
        var bad = WriteBytes("rows.vigil-profile", Gzip(text.Replace("\"rows\":50", "\"rows\":51")));
        var msg = Err(bad);
        Assert.Contains("column 0 ('x')", msg);
        Assert.Contains("51 rows", msg);
        Assert.DoesNotContain("\n", msg);
    }

    [Fact]
    public void Misuse_IsAnInputError()
    {
        var a = Profile(Write("a", 200, 0, 11));
        var fewer = Profile(Write("b", 200, 0, 12), columns: ["x", "k"]);
        Assert.Contains("column 'c'", Assert.Throws<VigilInputException>(() => ReferenceProfile.Merge(a, fewer)).Message);
        Assert.Contains("column 'c'", Assert.Throws<VigilInputException>(() => ReferenceProfile.Merge(fewer, a)).Message);
        var current = Write("cur", 200, 0, 13);
        Assert.Contains("profile", Assert.Throws<VigilInputException>(() => Drift(a, current, new DriftOptions { Chunk = new RowChunk(50), ThresholdFrom = "reference-chunks" })).Message);
        Assert.Contains("profile", Assert.Throws<VigilInputException>(() => Drift(a, current, new DriftOptions { Chunk = new RowChunk(50), Multivariate = true })).Message);
        // A column the profile holds as numbers, compared with text, cannot be.
        var text = Path.Combine(_dir, "text.csv");
        File.WriteAllText(text, "x,k\nlow,1\nhigh,2\n");
        var e = Assert.Throws<VigilInputException>(() => Drift(a, text, new DriftOptions { Columns = ["x"] }));
        Assert.Contains("column 'x'", e.Message);
        Assert.Contains("numbers", e.Message);
    }

    [Fact]
    public void Chunks_AgainstAProfile()
    {
        var reference = Write("ref", 1200, 0, 14);
        var current = Write("cur", 900, 0.5, 15);
        var options = new DriftOptions { Chunk = new RowChunk(300) };
        var profile = Profile(reference);
        var fromData = Drift(reference, current, options);
        var fromProfile = Drift(profile, current, options);
        Assert.Equal(3, fromProfile.Chunks!.Count);
        foreach (var (c, d) in fromData.Chunks!.Zip(fromProfile.Chunks))
        {
            Assert.Equal((c.Key, c.Rows, c.Dataset), (d.Key, d.Rows, d.Dataset));
            Assert.Equal(Key(c.Columns), Key(d.Columns));
        }
    }
}
