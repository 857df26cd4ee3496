using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using Vigil.Analysis.Demo;

namespace Vigil.Analysis.Tests.Demo;

public sealed class FraudLogGeneratorTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "vigil-demo-tests-" + Guid.NewGuid().ToString("N"));

    public FraudLogGeneratorTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed record Line(string Text, string Id, string Version, string Score, string Timestamp, string Label,
        string Amount, string Category, string Country, string Age, string Device, string Channel);

    private (InjectedProblems Problems, List<Line> Lines) Generate(FraudLogOptions o)
    {
        var path = Path.Combine(_dir, $"log-{o.Seed}-{o.Rows}-{o.InjectProblems}.csv");
        var problems = FraudLogGenerator.WriteCsv(path, o);
        var all = File.ReadAllLines(path);
        Assert.Equal(FraudLogGenerator.Header, all[0]);
        var lines = new List<Line>(all.Length - 1);
        for (int i = 1; i < all.Length; i++)
        {
            var f = all[i].Split(',');
            Assert.Equal(11, f.Length);
            lines.Add(new Line(all[i], f[0], f[1], f[2], f[3], f[4], f[5], f[6], f[7], f[8], f[9], f[10]));
        }
        return (problems, lines);
    }

    private static DateTime? ParseTime(string s) =>
        DateTime.TryParseExact(s, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture,
            DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t) ? t : null;

    private static double? ParseScore(string s) =>
        s.Length == 0 ? null : double.Parse(s, NumberStyles.Float, CultureInfo.InvariantCulture);

    private static string Hash(FraudLogOptions o)
    {
        using var ms = new MemoryStream();
        FraudLogGenerator.Write(ms, o);
        return Convert.ToHexString(SHA256.HashData(ms.ToArray()));
    }

    [Fact]
    public void Write_SameOptions_SameBytes_OtherSeed_OtherBytes()
    {
        var o = new FraudLogOptions { Rows = 5_000, Seed = 7 };
        Assert.Equal(Hash(o), Hash(o));
        Assert.NotEqual(Hash(o), Hash(o with { Seed = 8 }));
    }

    [Fact]
    public void WriteCsv_FileAndStream_SameBytes()
    {
        var o = new FraudLogOptions { Rows = 2_000 };
        var path = Path.Combine(_dir, "same.csv");
        FraudLogGenerator.WriteCsv(path, o);
        Assert.Equal(Hash(o), Convert.ToHexString(SHA256.HashData(File.ReadAllBytes(path))));
    }

    [Theory]
    [InlineData(2_000, 42, 30)]
    [InlineData(20_000, 3, 30)]
    [InlineData(3_000, 11, 12)]
    public void WriteCsv_InjectedCounts_MatchIndependentRecount(long rows, int seed, int days)
    {
        var (p, lines) = Generate(new FraudLogOptions { Rows = rows, Seed = seed, Days = days });
        Assert.Equal(rows, lines.Count);

        // Duplicates: later occurrences of an id, identical to the first one, which carries no problem.
        var first = new Dictionary<string, Line>();
        long duplicates = 0;
        foreach (var l in lines)
        {
            if (first.TryGetValue(l.Id, out var original)) { duplicates++; Assert.Equal(original.Text, l.Text); }
            else first.Add(l.Id, l);
        }
        Assert.Equal(p.DuplicateIds, duplicates);

        long nullScores = 0, outOfRange = 0, missingLabels = 0, invalidLabels = 0, future = 0, unparseable = 0;
        long nullAmount = 0, nullDevice = 0, spike = 0, missingLabelsLastTwoDays = 0;
        var duplicatedIds = lines.GroupBy(l => l.Id).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var lastTwoDays = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddDays(days - 2);
        foreach (var l in lines)
        {
            int problemsOnLine = 0;
            var score = ParseScore(l.Score);
            if (score is null) { nullScores++; problemsOnLine++; }
            else if (score < 0 || score > 1) { outOfRange++; problemsOnLine++; }
            else Assert.True(score > 0 && score < 1);

            if (l.Label.Length == 0) { missingLabels++; problemsOnLine++; }
            else
            {
                int label = int.Parse(l.Label, CultureInfo.InvariantCulture); // integer-typed column
                if (label is not (0 or 1)) { invalidLabels++; problemsOnLine++; Assert.True(label is 2 or -1); }
            }

            var t = ParseTime(l.Timestamp);
            if (t is null) { unparseable++; problemsOnLine++; Assert.True(l.Timestamp is "not-a-date" or "2026-13-45 99:00:00"); }
            else if (t.Value.Year == 2099) { future++; problemsOnLine++; }
            else
            {
                Assert.InRange(t.Value, p.V2Start.AddDays(-days), p.V2Start.AddDays(days));
                Assert.NotEqual(p.MissingDay, t.Value.Date);
                if (t.Value.Date == p.VolumeSpikeDay) spike++;
                if (l.Label.Length == 0 && t.Value >= lastTwoDays) missingLabelsLastTwoDays++;
                if (l.Version == "v2") Assert.True(t.Value >= p.V2Start, $"v2 before V2Start: {l.Text}");
            }

            Assert.True(problemsOnLine <= 1, $"more than one problem: {l.Text}");
            if (duplicatedIds.Contains(l.Id)) Assert.Equal(0, problemsOnLine);

            if (l.Amount.Length == 0) nullAmount++;
            else Assert.True(double.Parse(l.Amount, CultureInfo.InvariantCulture) > 0);
            if (l.Device.Length == 0) nullDevice++;
            else Assert.Contains(l.Device, FraudLogGenerator.Devices);
            Assert.Contains(l.Category, FraudLogGenerator.Categories);
            Assert.Contains(l.Country, FraudLogGenerator.Countries);
            Assert.True(int.Parse(l.Age, CultureInfo.InvariantCulture) >= 0);
            Assert.Equal("web", l.Channel);
            Assert.True(l.Version is "v1" or "v2");
            Assert.Matches("^p[0-9]{10}$", l.Id);
        }

        Assert.Equal(p.NullScores, nullScores);
        Assert.Equal(p.ScoresOutOfRange, outOfRange);
        Assert.Equal(p.MissingLabels, missingLabels);
        Assert.Equal(p.InvalidLabels, invalidLabels);
        Assert.Equal(p.FutureTimestamps, future);
        Assert.Equal(p.UnparseableTimestamps, unparseable);
        Assert.Equal(p.VolumeSpikeRows, spike);
        Assert.Equal("channel", p.ConstantColumn);
        Assert.Equal(p.FeatureNulls["amount"], nullAmount);
        Assert.Equal(p.FeatureNulls["device_type"], nullDevice);

        // At least one of each, even for small logs; missing labels mostly in the last two days.
        foreach (var c in new[] { duplicates, nullScores, outOfRange, missingLabels, invalidLabels, future, unparseable, nullAmount, nullDevice })
            Assert.True(c >= 1);
        Assert.True(missingLabelsLastTwoDays * 2 > missingLabels);
        Assert.True(missingLabelsLastTwoDays < missingLabels, "some missing labels should be scattered");

        // The spike day has about four times the rows of an ordinary day.
        var perDay = lines.Select(l => ParseTime(l.Timestamp)).Where(t => t is { Year: < 2099 })
            .GroupBy(t => t!.Value.Date).ToDictionary(g => g.Key, g => g.LongCount());
        Assert.Equal(days - 1, perDay.Count);
        var ordinary = perDay.Where(kv => kv.Key != p.VolumeSpikeDay).Select(kv => (double)kv.Value).Order().ToList();
        double median = ordinary[ordinary.Count / 2];
        Assert.InRange(spike / median, 3.5, 4.5);

        // The story's dates: missing day well before drift, v2 before drift, all on midnights.
        Assert.True(p.MissingDay < p.V2Start && p.V2Start < p.DriftStart && p.VolumeSpikeDay != p.MissingDay);
        Assert.Contains(lines, l => l.Version == "v2");
        Assert.Equal(TimeSpan.Zero, p.DriftStart.TimeOfDay);
    }

    [Fact]
    public void WriteCsv_Statistics_AreRealistic()
    {
        var (p, lines) = Generate(new FraudLogOptions { Rows = 60_000, Seed = 5 });
        var rows = lines.Select(l => (Line: l, Time: ParseTime(l.Timestamp), Score: ParseScore(l.Score)))
            .Where(r => r.Time is { Year: < 2099 } && r.Score is >= 0 and <= 1 && r.Line.Label is "0" or "1")
            .ToList();

        double fraudRate = rows.Average(r => r.Line.Label == "1" ? 1.0 : 0.0);
        Assert.InRange(fraudRate, 0.02, 0.045);

        // v2 is the better model on the canary period.
        var canary = rows.Where(r => r.Time >= p.V2Start).ToList();
        double aucV1 = Auc(canary.Where(r => r.Line.Version == "v1").Select(r => (r.Score!.Value, r.Line.Label == "1")).ToList());
        double aucV2 = Auc(canary.Where(r => r.Line.Version == "v2").Select(r => (r.Score!.Value, r.Line.Label == "1")).ToList());
        Assert.InRange(aucV1, 0.7, 0.9);
        Assert.True(aucV2 > aucV1 + 0.01, $"v1 {aucV1} v2 {aucV2}");
        double v2Share = canary.Average(r => r.Line.Version == "v2" ? 1.0 : 0.0);
        Assert.InRange(v2Share, 0.45, 0.55);

        // Data drift: amounts shift up; concept drift: electronics fraud rises.
        static double Median(IEnumerable<double> xs) { var s = xs.Order().ToList(); return s[s.Count / 2]; }
        var withAmount = rows.Where(r => r.Line.Amount.Length > 0).ToList();
        double before = Median(withAmount.Where(r => r.Time < p.DriftStart).Select(r => double.Parse(r.Line.Amount, CultureInfo.InvariantCulture)));
        double after = Median(withAmount.Where(r => r.Time >= p.DriftStart).Select(r => double.Parse(r.Line.Amount, CultureInfo.InvariantCulture)));
        Assert.True(after > before * 1.3, $"median amount {before} -> {after}");
        double Rate(IEnumerable<(Line Line, DateTime? Time, double? Score)> xs) => xs.Average(r => r.Line.Label == "1" ? 1.0 : 0.0);
        var electronics = rows.Where(r => r.Line.Category == "electronics").ToList();
        Assert.True(Rate(electronics.Where(r => r.Time >= p.DriftStart)) > 2 * Rate(electronics.Where(r => r.Time < p.DriftStart)));

        // Roughly sorted by time: most consecutive valid lines are in order.
        int inOrder = 0, pairs = 0;
        DateTime? previous = null;
        foreach (var l in lines)
        {
            var t = ParseTime(l.Timestamp);
            if (t is not { Year: < 2099 }) continue;
            if (previous is not null) { pairs++; if (t >= previous) inOrder++; }
            previous = t;
        }
        Assert.InRange((double)inOrder / pairs, 0.9, 0.9999);
    }

    [Fact]
    public void WriteCsv_WithoutProblems_IsClean()
    {
        var (p, lines) = Generate(new FraudLogOptions { Rows = 3_000, InjectProblems = false });
        Assert.Equal(3_000, lines.Count);
        Assert.Equal(lines.Count, lines.Select(l => l.Id).Distinct().Count());
        Assert.All(lines, l =>
        {
            Assert.True(ParseScore(l.Score) is > 0 and < 1);
            Assert.True(l.Label is "0" or "1");
            Assert.True(ParseTime(l.Timestamp) is { Year: 2026 });
            Assert.NotEqual("", l.Amount);
            Assert.NotEqual("", l.Device);
        });
        Assert.Equal(30, lines.Select(l => ParseTime(l.Timestamp)!.Value.Date).Distinct().Count());
        Assert.Equal(0, p.DuplicateIds + p.NullScores + p.ScoresOutOfRange + p.MissingLabels + p.InvalidLabels
            + p.FutureTimestamps + p.UnparseableTimestamps + p.VolumeSpikeRows + p.FeatureNulls.Values.Sum());
        Assert.Equal(default, p.MissingDay);
        Assert.Equal(default, p.VolumeSpikeDay);
    }

    [Fact]
    public void WriteCsv_BadOptions_Throw()
    {
        var path = Path.Combine(_dir, "bad.csv");
        Assert.Throws<ArgumentOutOfRangeException>(() => FraudLogGenerator.WriteCsv(path, new FraudLogOptions { Days = 5 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => FraudLogGenerator.WriteCsv(path, new FraudLogOptions { Rows = 100 }));
        Assert.Throws<ArgumentException>(() => FraudLogGenerator.WriteCsv(path,
            new FraudLogOptions { Start = new DateTime(2026, 1, 1, 6, 0, 0, DateTimeKind.Utc) }));
    }

    [Fact]
    public void WriteCsv_Progress_ReachesOne()
    {
        var seen = new List<double>();
        var progress = new SyncProgress(seen.Add);
        using var ms = new MemoryStream();
        FraudLogGenerator.Write(ms, new FraudLogOptions { Rows = 2_000 }, progress);
        Assert.NotEmpty(seen);
        Assert.Equal(1.0, seen[^1]);
        Assert.True(seen.Zip(seen.Skip(1)).All(x => x.First <= x.Second));
    }

    /// <summary>Writes a large log for the benchmark and reports the time taken. Runs only when
    /// VIGIL_DEMO_OUT names the output file (VIGIL_DEMO_ROWS, default 10,000,000, sets the size).</summary>
    [SkippableFact]
    public void WriteCsv_Large_WhenRequested()
    {
        var path = Environment.GetEnvironmentVariable("VIGIL_DEMO_OUT");
        Skip.If(string.IsNullOrEmpty(path), "set VIGIL_DEMO_OUT to write a large log");
        long rows = long.TryParse(Environment.GetEnvironmentVariable("VIGIL_DEMO_ROWS"), out var r) ? r : 10_000_000;
        var sw = Stopwatch.StartNew();
        var p = FraudLogGenerator.WriteCsv(path!, new FraudLogOptions { Rows = rows });
        sw.Stop();
        var nulls = string.Join(", ", p.FeatureNulls.Select(kv => $"{kv.Key} = {kv.Value}"));
        File.WriteAllText(path + ".problems.txt", $"{p with { FeatureNulls = new Dictionary<string, long>() }}\nFeatureNulls: {nulls}\nseconds: {sw.Elapsed.TotalSeconds:F2}\n");
    }

    private static double Auc(List<(double Score, bool Positive)> xs)
    {
        var sorted = xs.OrderBy(x => x.Score).ToList();
        double rankSumPositive = 0;
        long positives = 0;
        for (int i = 0; i < sorted.Count;)
        {
            int j = i;
            while (j < sorted.Count && sorted[j].Score == sorted[i].Score) j++;
            double rank = (i + j + 1) / 2.0;
            for (int k = i; k < j; k++) if (sorted[k].Positive) { rankSumPositive += rank; positives++; }
            i = j;
        }
        long negatives = sorted.Count - positives;
        return (rankSumPositive - positives * (positives + 1) / 2.0) / (positives * (double)negatives);
    }

    private sealed class SyncProgress(Action<double> report) : IProgress<double>
    {
        public void Report(double value) => report(value);
    }
}
