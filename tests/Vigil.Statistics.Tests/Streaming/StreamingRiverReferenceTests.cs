using System.Text.Json;
using Vigil.Statistics.Streaming;

namespace Vigil.Statistics.Tests.Streaming;

/// <summary>
/// Reference behaviour from River itself and from the two external pieces the ports reproduce:
/// the detections printed by River's docstring examples (river/drift/adwin.py, page_hinkley.py, kswin.py,
/// binary/ddm.py, binary/eddm.py) and River's ADWIN regression tests (river/drift/test_adwin_regression.py), on the
/// same CPython-generated streams; CPython's random.Random and a replay of River's KSWIN rule with SciPy 1.10's
/// ks_2samp from tools/golden/generate_streaming.py (Fixtures/streaming_cases.json).
/// </summary>
public sealed class StreamingRiverReferenceTests
{
    private const string File = "streaming_cases.json";

    private static double[] Stream(string name) =>
        Fixture.Case(File, name).GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();

    private static List<int> Drifts(IStreamDetector detector, IReadOnlyList<double> values)
    {
        var drifts = new List<int>();
        for (var i = 0; i < values.Count; i++)
        {
            if (detector.Update(values[i]))
            {
                drifts.Add(i);
            }
        }
        return drifts;
    }

    /// <summary>rng.choices(population, k=k) (no weights): population[floor(random() * n)].</summary>
    internal static double[] Choices(PythonRandom rng, double[] population, int k)
    {
        var result = new double[k];
        for (var i = 0; i < k; i++)
        {
            result[i] = population[(int)Math.Floor(rng.NextDouble() * population.Length)];
        }
        return result;
    }

    [Theory]
    [InlineData("random_0")]
    [InlineData("random_1")]
    [InlineData("random_42")]
    [InlineData("random_12345")]
    [InlineData("random_4294967301")]
    [InlineData("random_-7")]
    public void PythonRandom_MatchesCPython(string name)
    {
        JsonElement c = Fixture.Case(File, name);
        var rng = new PythonRandom(c.GetProperty("seed").GetInt64());
        foreach (JsonElement v in c.GetProperty("random").EnumerateArray())
        {
            Assert.Equal(v.GetDouble(), rng.NextDouble());
        }
        foreach (JsonElement v in c.GetProperty("getrandbits32").EnumerateArray())
        {
            Assert.Equal(v.GetUInt32(), rng.GetRandBits(32));
        }
        foreach (JsonElement s in c.GetProperty("sample_70_30").EnumerateArray())
        {
            Assert.Equal(s.EnumerateArray().Select(e => e.GetInt32()), rng.Sample(70, 30));
        }
        Assert.Equal(c.GetProperty("sample_10_3").EnumerateArray().Select(e => e.GetInt32()), rng.Sample(10, 3));
        Assert.Equal(c.GetProperty("sample_1000_10").EnumerateArray().Select(e => e.GetInt32()), rng.Sample(1000, 10));
    }

    [Fact]
    public void DocStreams_AreCPythonChoices()
    {
        var rng = new PythonRandom(12345);
        double[] doc = [.. Choices(rng, [0, 1], 1000), .. Choices(rng, [4, 5, 6, 7], 1000)];
        Assert.Equal(Stream("doc_12345"), doc);
    }

    [Fact]
    public void Adwin_RiverDocstring()
    {
        double[] s = Stream("doc_12345");
        List<int> drifts = Drifts(new Adwin(), s);
        Assert.Equal([1023], drifts);
        Assert.Equal(4, s[1023]);
    }

    [Fact]
    public void Adwin_RiverRegression_MultipleDrifts()
    {
        var rng = new PythonRandom(42);
        double[] s =
        [
            .. Choices(rng, [0, 1], 1000), .. Choices(rng, [4, 5, 6, 7], 1000),
            .. Choices(rng, [0, 1], 1000), .. Choices(rng, [4, 5, 6, 7], 1000),
        ];
        Assert.Equal([1023, 2015, 3007], Drifts(new Adwin(), s));
    }

    [Fact]
    public void Adwin_RiverRegression_ResetAfterDrift()
    {
        var adwin = new Adwin(clock: 1);
        for (var i = 0; i < 500; i++)
        {
            Assert.False(adwin.Update(0.0));
        }
        var found = false;
        for (var i = 0; i < 500 && !found; i++)
        {
            found = adwin.Update(100.0);
        }
        Assert.True(found);
        adwin.Update(50.0);
        Assert.Equal(1, adwin.Width);
        Assert.Equal(50.0, adwin.Estimation);
    }

    [Fact]
    public void PageHinkley_RiverDocstring()
    {
        double[] s = Stream("doc_12345");
        List<int> drifts = Drifts(new PageHinkley(), s);
        Assert.Equal([1006], drifts);
        Assert.Equal(5, s[1006]);
    }

    [Fact]
    public void Kswin_RiverDocstring()
    {
        double[] s = Stream("doc_12345");
        List<int> drifts = Drifts(new Kswin(alpha: 0.0001, seed: 42), s);
        Assert.Equal([1016], drifts);
        Assert.Equal(6, s[1016]);
    }

    /// <summary>The docstring prints the first warning, every drift, and the first warning after each drift.</summary>
    private static List<string> DocPrints(IStreamDetector detector, double[] s)
    {
        var printed = new List<string>();
        var printWarning = true;
        for (var i = 0; i < s.Length; i++)
        {
            detector.Update(s[i]);
            if (detector.WarningDetected && printWarning)
            {
                printed.Add($"warning {i}");
                printWarning = false;
            }
            if (detector.DriftDetected)
            {
                printed.Add($"drift {i}");
                printWarning = true;
            }
        }
        return printed;
    }

    [Fact]
    public void Ddm_RiverDocstring()
    {
        Assert.Equal(["warning 1084", "drift 1334", "warning 1492"], DocPrints(new Ddm(), Stream("doc_42_weighted")));
    }

    [Fact]
    public void Eddm_RiverDocstring()
    {
        Assert.Equal(["warning 1059", "drift 1278"], DocPrints(new Eddm(alpha: 0.8, beta: 0.75), Stream("doc_42_weighted")));
    }

    [Theory]
    [InlineData("kswin_gauss_shift")]
    [InlineData("kswin_ties")]
    [InlineData("kswin_small_window")]
    public void Kswin_ReplaysRiverRuleWithScipy(string name)
    {
        JsonElement c = Fixture.Case(File, name);
        JsonElement p = c.GetProperty("params");
        var kswin = new Kswin(
            alpha: p.TryGetProperty("alpha", out JsonElement a) ? a.GetDouble() : 0.005,
            windowSize: p.TryGetProperty("window_size", out JsonElement w) ? w.GetInt32() : 100,
            statSize: p.TryGetProperty("stat_size", out JsonElement r) ? r.GetInt32() : 30,
            seed: p.GetProperty("seed").GetInt64());
        double[] values = c.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var tests = c.GetProperty("tests").EnumerateArray().ToDictionary(
            t => t[0].GetInt32(), t => (Statistic: t[1].GetDouble(), PValue: t[2].GetDouble()));
        var drifts = new List<int>();
        var tested = 0;
        for (var i = 0; i < values.Length; i++)
        {
            if (kswin.Update(values[i]))
            {
                drifts.Add(i);
            }
            if (tests.TryGetValue(i, out var expected))
            {
                tested++;
                Assert.Equal(expected.Statistic, kswin.Statistic);
                Assert.Equal(expected.PValue, kswin.PValue, 1e-10 * expected.PValue + 1e-300);
            }
        }
        Assert.Equal(tests.Count, tested);
        Assert.Equal(c.GetProperty("drifts").EnumerateArray().Select(e => e.GetInt32()), drifts);
    }
}
