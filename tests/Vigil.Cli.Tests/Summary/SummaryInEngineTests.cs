using System.Globalization;
using System.Text;
using Vigil.Analysis.Summary;
using Vigil.Cli.Tests.ClickHouse;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Tests.Summary;

/// <summary>The binary summary's engine path (used on server engines, where Vigil holds no row) gives the in-process
/// path's report, on DuckDB over the same rows: every count, finding, example and metric (to 1e-9).</summary>
public sealed class SummaryInEngineTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-sum-eng-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly DateTime AsOf = new(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc);

    private static void AssertSamePaths(string path, SummaryOptions options)
    {
        string Run(bool inEngine)
        {
            using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
            return JsonReport.ToJson(SummaryAnalysis.Run(source, options with { InEngine = inEngine }));
        }
        var inProcess = Run(false);
        var inEngine = Run(true);
        var diffs = JsonEquivalence.Differences(inProcess, inEngine);
        Assert.True(diffs.Count == 0, $"{diffs.Count} differences between the in-process and the engine path:\n" + string.Join('\n', diffs));
    }

    [Fact]
    public void GoldenLog_SameReport()
    {
        var path = Path.Combine(ClusterLogs.RepoRoot(), "tests", "Vigil.Analysis.Tests", "Fixtures", "summary_log.csv");
        AssertSamePaths(path, new SummaryOptions { AsOf = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc) });
    }

    /// <summary>Duplicates whose first occurrence fails a check, has no timestamp, or shares its timestamp with an
    /// identical later one; null ids; -0.0; scores out of range; missing and invalid labels; future timestamps; three
    /// versions and rows without one; hours as periods.</summary>
    [Theory]
    [InlineData("day")]
    [InlineData("hour")]
    [InlineData("week")]
    public void AwkwardLog_SameReport(string period)
    {
        var path = Path.Combine(_dir, "awkward.csv");
        var rng = new Random(14);
        var sb = new StringBuilder("prediction_id,timestamp,model_version,prediction_score,actual_label\n");
        var start = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        for (var i = 0; i < 4000; i++)
        {
            var id = rng.Next(20) == 0 ? "" : "id" + rng.Next(3600).ToString(CultureInfo.InvariantCulture);
            var ts = rng.Next(50) == 0 ? "" : rng.Next(80) == 0 ? "not a time" : start.AddMinutes(rng.Next(60 * 24 * 70)).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
            var ver = rng.Next(10) switch { 0 => "", < 5 => "v1", < 9 => "v2", _ => "v3" };
            var score = rng.Next(40) switch
            {
                0 => "",
                1 => "-0.0",
                2 => "1.5",
                3 => "0",
                < 12 => (rng.Next(20) / 20.0).ToString("R", CultureInfo.InvariantCulture),
                _ => rng.NextDouble().ToString("R", CultureInfo.InvariantCulture),
            };
            var label = rng.Next(15) switch { 0 => "", 1 => "2", _ => (rng.NextDouble() < 0.3 ? 1 : 0).ToString(CultureInfo.InvariantCulture) };
            sb.Append(CultureInfo.InvariantCulture, $"{id},{ts},{ver},{score},{label}\n");
            if (rng.Next(30) == 0) sb.Append(CultureInfo.InvariantCulture, $"{id},{ts},{ver},{score},{label}\n"); // an exact copy
        }
        File.WriteAllText(path, sb.ToString());
        AssertSamePaths(path, new SummaryOptions
        {
            AsOf = AsOf,
            Period = Enum.Parse<Vigil.Analysis.Results.PeriodUnit>(period, ignoreCase: true),
        });
    }

    [Theory]
    [InlineData("prediction_id,timestamp,prediction_score,actual_label\na,2026-01-05 10:00:00,0.7,1\n")]
    [InlineData("timestamp,prediction_score,actual_label\n2026-01-05 10:00:00,0.7,1\n2026-01-05 11:00:00,0.2,0\n2026-01-06 11:00:00,0.2,1\n")]
    [InlineData("prediction_id,timestamp,prediction_score\na,2026-01-05 10:00:00,0.7\nb,2026-01-06 10:00:00,0.1\na,2026-01-04 10:00:00,0.3\n")]
    [InlineData("prediction_id,timestamp,prediction_score,actual_label\na,2026-01-05 10:00:00,0.5,1\nb,2026-01-05 10:00:00,0.5,0\nc,2026-01-06 10:00:00,0.5,0\n")]
    [InlineData("prediction_id,timestamp,prediction_score,actual_label\na,2026-01-05 10:00:00,,1\na,2026-01-06 10:00:00,0.4,0\nb,2026-01-07 10:00:00,0.9,1\nb,2026-01-07 10:00:00,0.9,1\n")]
    public void SmallLogs_SameReport(string csv)
    {
        var path = Path.Combine(_dir, "small.csv");
        File.WriteAllText(path, csv);
        AssertSamePaths(path, new SummaryOptions { AsOf = AsOf });
    }

    [Fact]
    public void ThresholdFarFromBest_ListedPerVersion_InNameOrder()
    {
        var path = Path.Combine(_dir, "far.csv");
        var rng = new Random(3);
        var sb = new StringBuilder("prediction_id,timestamp,model_version,prediction_score,actual_label\n");
        for (var i = 0; i < 3000; i++)
        {
            var y = rng.NextDouble() < 0.1 ? 1 : 0;
            // Scores of both versions far below 0.5: the F1-best threshold is far from the default.
            var s = Math.Clamp(0.02 + 0.1 * y + 0.05 * rng.NextDouble(), 0, 1);
            var ver = i % 2 == 0 ? "zeta" : "alpha";
            sb.Append(CultureInfo.InvariantCulture, $"i{i},2026-01-{1 + i % 28:00} 10:00:00,{ver},{s:R},{y}\n");
        }
        File.WriteAllText(path, sb.ToString());
        AssertSamePaths(path, new SummaryOptions { AsOf = AsOf });
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        var far = SummaryAnalysis.Run(source, new SummaryOptions { AsOf = AsOf, InEngine = true }).Quality.Issues
            .Where(i => i.Check == "threshold_far_from_best").Select(i => i.Message[..i.Message.IndexOf(':')]).ToList();
        Assert.Equal(["model version alpha", "model version zeta"], far);
    }
}
