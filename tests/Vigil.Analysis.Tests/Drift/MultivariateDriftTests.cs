using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Drift;

/// <summary>
/// Multivariate drift end to end: the fixture of tools/golden/generate_multivariate.py (scikit-learn 1.2.1, NannyML's
/// method) written to CSV files, read by the engine, chunked by rows; components, explained variance, thresholds and
/// every chunk's reconstruction error agree with sklearn to 1e-9 relative.
/// </summary>
public sealed class MultivariateDriftTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-mvdrift-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static JsonElement Case(string name)
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "tests", "Vigil.Statistics.Tests", "Fixtures", "multivariate_cases.json")))
            dir = dir.Parent;
        Assert.NotNull(dir);
        var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir.FullName, "tests", "Vigil.Statistics.Tests", "Fixtures", "multivariate_cases.json")));
        return doc.RootElement.GetProperty("cases").EnumerateArray().Single(c => c.GetProperty("name").GetString() == name);
    }

    private string Csv(string file, string[] columns, JsonElement rows)
    {
        var sb = new StringBuilder(string.Join(",", columns)).Append('\n');
        foreach (var row in rows.EnumerateArray())
        {
            sb.Append(string.Join(",", row.EnumerateArray().Select(v => v.ValueKind switch
            {
                JsonValueKind.Null => "",
                JsonValueKind.Number => v.GetDouble().ToString("R", CultureInfo.InvariantCulture),
                _ => v.GetString(),
            }))).Append('\n');
        }
        var path = Path.Combine(_dir, file);
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    private static void Close(double expected, double actual, string what)
    {
        var tol = Math.Max(1e-12, 1e-9 * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol, $"{what}: expected {expected:R}, got {actual:R}");
    }

    [Theory]
    [InlineData("butterfly")]
    [InlineData("butterfly_missing")]
    [InlineData("numeric_six")]
    public void Multivariate_MatchesSklearn(string name)
    {
        var c = Case(name);
        var columns = c.GetProperty("columns").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var refPath = Csv(name + "_ref.csv", columns, c.GetProperty("reference"));
        var curPath = Csv(name + "_cur.csv", columns, c.GetProperty("current"));
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [refPath] });
        using var cu = SourceOpener.Open(new SourceSpec { Inputs = [curPath] });
        var result = DriftAnalysis.Run(r, cu, new DriftOptions
        {
            Columns = columns,
            Chunk = new RowChunk(c.GetProperty("chunk_size").GetInt32()),
            Multivariate = true,
        });
        var mv = result.Multivariate;
        Assert.NotNull(mv);
        Assert.Equal(c.GetProperty("components").GetInt32(), mv.Components);
        Close(c.GetProperty("explained_variance").GetDouble(), mv.ExplainedVariance, "explained_variance");
        var lower = c.GetProperty("threshold_lower");
        if (lower.ValueKind == JsonValueKind.Null) Assert.Null(mv.ThresholdLower);
        else
        {
            Assert.NotNull(mv.ThresholdLower);
            Close(lower.GetDouble(), mv.ThresholdLower.Value, "threshold_lower");
        }
        Close(c.GetProperty("threshold_upper").GetDouble(), mv.ThresholdUpper, "threshold_upper");
        Assert.Equal(c.GetProperty("reference_values").GetArrayLength(), mv.ReferenceChunks);
        var expected = c.GetProperty("current_values").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var alerts = c.GetProperty("alerts").EnumerateArray().Select(e => e.GetBoolean()).ToArray();
        Assert.Equal(expected.Length, mv.Chunks.Count);
        for (var i = 0; i < expected.Length; i++)
        {
            Close(expected[i], mv.Chunks[i].ReconstructionError, $"chunk {i}");
            Assert.Equal(alerts[i], mv.Chunks[i].Drifted);
        }
    }

    [Fact]
    public void Multivariate_NeedsChunk()
    {
        var c = Case("numeric_six");
        var columns = c.GetProperty("columns").EnumerateArray().Select(e => e.GetString()!).ToArray();
        var refPath = Csv("n_ref.csv", columns, c.GetProperty("reference"));
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [refPath] });
        using var cu = SourceOpener.Open(new SourceSpec { Inputs = [refPath] });
        Assert.Throws<VigilInputException>(() => DriftAnalysis.Run(r, cu, new DriftOptions { Multivariate = true }));
    }
}
