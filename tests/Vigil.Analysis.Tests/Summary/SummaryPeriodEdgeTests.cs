using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;
using Vigil.Analysis.Summary;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Summary;

/// <summary>Issue 9: runs of empty periods are one finding each (and capped), outlier timestamps are their own
/// finding instead of stretching the covered range, and a multiclass log has a class limit.</summary>
public sealed class SummaryPeriodEdgeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-sum-edge-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static readonly DateTime Day0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private SummaryResult Summarize(string csv, SummaryOptions options)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        return SummaryAnalysis.Run(source, options);
    }

    [Fact]
    public void MissingPeriods_ARunOfEmptyDays_IsOneFinding()
    {
        var starts = Enumerable.Range(0, 9).Select(i => Day0.AddDays(i))
            .Concat(Enumerable.Range(21, 10).Select(i => Day0.AddDays(i))).ToList();
        var issue = Assert.Single(SummaryAnalysis.MissingPeriods(starts, PeriodUnit.Day));
        Assert.Equal("missing_period", issue.Check);
        Assert.Equal(Day0.AddDays(9), issue.Period);
        Assert.StartsWith("no rows in the 12 days from 2026-01-10 to 2026-01-21", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPeriods_OneEmptyDay_KeepsTheSingleDayWording()
    {
        List<DateTime> starts = [Day0, Day0.AddDays(2)];
        var issue = Assert.Single(SummaryAnalysis.MissingPeriods(starts, PeriodUnit.Day));
        Assert.StartsWith("no rows in the day starting 2026-01-02", issue.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingPeriods_ManyRuns_ListsTheLongestAndCountsTheRest()
    {
        // Every other day for 60 days (30 one-day gaps), then a 5-day gap and a 9-day gap.
        var starts = Enumerable.Range(0, 60).Select(i => Day0.AddDays(2 * i)).ToList();
        starts.Add(starts[^1].AddDays(6));
        starts.Add(starts[^1].AddDays(10));
        var issues = SummaryAnalysis.MissingPeriods(starts, PeriodUnit.Day).ToList();
        Assert.Equal(SummaryAnalysis.MaxMissingPeriodFindings + 1, issues.Count);
        Assert.Contains(issues, i => i.Message.StartsWith("no rows in the 9 days", StringComparison.Ordinal));
        Assert.Contains(issues, i => i.Message.StartsWith("no rows in the 5 days", StringComparison.Ordinal));
        var listed = issues.Take(SummaryAnalysis.MaxMissingPeriodFindings).ToList();
        Assert.Equal(listed.OrderBy(i => i.Period).ToList(), listed); // in time order
        var rest = issues[^1];
        Assert.Null(rest.Period);
        Assert.StartsWith("41 more runs of empty days (41 days in all)", rest.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PeriodIssues_OneRowIn1970_IsAnOutlierNotFiftyYearsOfMissingDays()
    {
        var starts = new List<DateTime> { DateTime.UnixEpoch }.Concat(Enumerable.Range(0, 30).Select(i => Day0.AddDays(i))).ToList();
        var counts = new List<double> { 1 }.Concat(Enumerable.Repeat(100.0, 30)).ToList();
        (DateTime, DateTime)? asked = null;
        var issues = SummaryAnalysis.PeriodIssues(starts, counts, new SummaryOptions(), (lo, hi) =>
        {
            asked = (lo, hi);
            return ["p-old"];
        });
        var outlier = Assert.Single(issues);
        Assert.Equal("outlier_timestamp", outlier.Check);
        Assert.Equal(Severity.Warning, outlier.Severity);
        Assert.Equal(1, outlier.Rows);
        Assert.Equal(["p-old"], outlier.Examples);
        Assert.Contains("1970-01-01", outlier.Message, StringComparison.Ordinal);
        Assert.Equal((Day0, Day0.AddDays(30)), asked);
    }

    [Fact]
    public void Covered_LeavesTheOutlierOut_AndIsNullWithoutPeriods()
    {
        var starts = new List<DateTime> { DateTime.UnixEpoch }.Concat(Enumerable.Range(0, 30).Select(i => Day0.AddDays(i))).ToList();
        var counts = new List<double> { 1 }.Concat(Enumerable.Repeat(100.0, 30)).ToList();
        Assert.Equal((Day0, Day0.AddDays(29)), SummaryAnalysis.Covered(starts, counts, PeriodUnit.Day));
        // As many rows in 1970 as on any day: a part of the data, not an outlier.
        Assert.Equal((DateTime.UnixEpoch, Day0.AddDays(29)), SummaryAnalysis.Covered(starts, [.. Enumerable.Repeat(100.0, 31)], PeriodUnit.Day));
        Assert.Null(SummaryAnalysis.Covered([], [], PeriodUnit.Day));
    }

    [Fact]
    public void PeriodIssues_TwoPeriodsOnly_TheLoneOldRowIsAnOutlier()
    {
        List<DateTime> starts = [DateTime.UnixEpoch, Day0];
        var issues = SummaryAnalysis.PeriodIssues(starts, [1, 500], new SummaryOptions(), (_, _) => []);
        var outlier = Assert.Single(issues);
        Assert.Equal("outlier_timestamp", outlier.Check);
        Assert.Equal(["1970-01-01"], outlier.Examples);
    }

    [Fact]
    public void PeriodIssues_AFarAwayGroupWithManyRows_IsPartOfTheData()
    {
        // 5 % of the rows a year earlier: a gap, not an outlier.
        var starts = new List<DateTime> { Day0.AddDays(-365) }.Concat(Enumerable.Range(0, 30).Select(i => Day0.AddDays(i))).ToList();
        var counts = new List<double> { 150 }.Concat(Enumerable.Repeat(100.0, 30)).ToList();
        var issues = SummaryAnalysis.PeriodIssues(starts, counts, new SummaryOptions(), (_, _) => []);
        Assert.DoesNotContain(issues, i => i.Check == "outlier_timestamp");
        Assert.Single(issues, i => i.Check == "missing_period");
    }

    [Fact]
    public void PeriodIssues_SparseButContiguousHistory_IsNoOutlier()
    {
        // A slow start (one row a day for 60 days) before the busy month: part of the data, not an outlier.
        var starts = Enumerable.Range(0, 90).Select(i => Day0.AddDays(i)).ToList();
        var counts = Enumerable.Range(0, 90).Select(i => i < 60 ? 1.0 : 1000.0).ToList();
        var issues = SummaryAnalysis.PeriodIssues(starts, counts, new SummaryOptions(), (_, _) => []);
        Assert.DoesNotContain(issues, i => i.Check is "outlier_timestamp" or "missing_period");
    }

    private static string BinaryLog(IEnumerable<(string Id, DateTime T)> rows)
    {
        var sb = new StringBuilder("prediction_id,timestamp,prediction_score,actual_label\n");
        var k = 0;
        foreach (var (id, t) in rows)
        {
            k++;
            sb.Append(CultureInfo.InvariantCulture, $"{id},{t:yyyy-MM-dd HH:mm:ss},{(k % 10) / 10.0},{k % 3 == 0}\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void BinarySummary_1970Timestamp_OneOutlierFinding_NoMissingPeriods()
    {
        var rows = Enumerable.Range(0, 600).Select(i => ($"p{i:D4}", Day0.AddHours(i % 240)))
            .Append(("zz-old", new DateTime(1970, 1, 1, 0, 0, 1)));
        var r = Summarize(BinaryLog(rows), new SummaryOptions { AsOf = new DateTime(2026, 3, 1) });
        var outlier = Assert.Single(r.Quality.Issues, i => i.Check == "outlier_timestamp");
        Assert.Equal(1, outlier.Rows);
        Assert.Equal(["zz-old"], outlier.Examples);
        Assert.DoesNotContain(r.Quality.Issues, i => i.Check == "missing_period");
    }

    [Fact]
    public void RegressionSummary_1900And2100_ByHour_StaysSmall()
    {
        var sb = new StringBuilder("prediction_id,timestamp,prediction,actual_label\n");
        for (var i = 0; i < 500; i++) sb.Append(CultureInfo.InvariantCulture, $"r{i},{Day0.AddMinutes(i * 7):yyyy-MM-dd HH:mm:ss},{i % 13},{i % 11}\n");
        sb.Append("old,1900-01-01 00:00:00,1,1\nnew,2100-01-01 00:00:00,1,1\n");
        var r = Summarize(sb.ToString(), new SummaryOptions { Period = PeriodUnit.Hour, AsOf = new DateTime(2100, 6, 1) });
        var outlier = Assert.Single(r.Quality.Issues, i => i.Check == "outlier_timestamp");
        Assert.Equal(2, outlier.Rows);
        Assert.Equal(["new", "old"], outlier.Examples);
        Assert.True(r.Quality.Issues.Count(i => i.Check == "missing_period") <= SummaryAnalysis.MaxMissingPeriodFindings + 1);
    }

    [Fact]
    public void MulticlassSummary_TooManyClasses_IsOneLineError()
    {
        var sb = new StringBuilder("prediction_id,timestamp,prediction,actual_label\n");
        for (var i = 0; i < 1100; i++) sb.Append(CultureInfo.InvariantCulture, $"m{i},2026-01-01 00:00:00,c{i},c{i}\n");
        var e = Assert.Throws<VigilInputException>(() => Summarize(sb.ToString(), new SummaryOptions { AsOf = new DateTime(2026, 3, 1) }));
        Assert.Contains("1,100 classes", e.Message, StringComparison.Ordinal);
        Assert.Contains("at most 1,000", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void BinarySummary_DecisionThresholdFarFromBest_IsAWarningPerVersion()
    {
        var sb = new StringBuilder("prediction_id,timestamp,prediction_score,actual_label,model_version\n");
        for (var i = 0; i < 1000; i++)
        {
            var pos = i % 10 == 0;
            var sc = pos ? 0.2 + (i % 7) / 35.0 : (i % 13) / 43.3;
            sb.Append(CultureInfo.InvariantCulture, $"p{i},{Day0.AddHours(i % 48):yyyy-MM-dd HH:mm:ss},{sc:R},{(pos ? 1 : 0)},v1\n");
        }
        var r = Summarize(sb.ToString(), new SummaryOptions { AsOf = new DateTime(2026, 3, 1) });
        var far = Assert.Single(r.Quality.Issues, i => i.Check == "threshold_far_from_best");
        Assert.Equal(Severity.Warning, far.Severity);
        Assert.StartsWith("model version v1: at threshold 0.5, recall is 0 and F1 0; the F1-best threshold ", far.Message, StringComparison.Ordinal);
    }
    /// <summary>A binary log of 48 hourly rows from 2026-01-01, timestamped by <paramref name="ts"/>; the score starts
    /// with "inf" when <paramref name="nanFirst"/> (so that the reader re-reads it as numbers and notes it).</summary>
    private static string EpochLog(Func<DateTime, string> ts, bool nanFirst = false)
    {
        var sb = new StringBuilder("prediction_id,timestamp,prediction_score,actual_label\n");
        for (var i = 0; i < 48; i++)
            sb.Append(CultureInfo.InvariantCulture, $"p{i},{ts(Day0.AddHours(i))},{(nanFirst && i == 0 ? "inf" : (i % 10 / 10.0).ToString("R", CultureInfo.InvariantCulture))},{i % 2}\n");
        return sb.ToString();
    }

    private static long Seconds(DateTime t) => (long)(t - DateTime.UnixEpoch).TotalSeconds;

    [Theory]
    [InlineData(1L, "seconds", "1.77e9")]
    [InlineData(1000L, "milliseconds", "1.77e12")]
    [InlineData(1_000_000L, "microseconds", "1.77e15")]
    public void NumericTimestamp_SaysWhichEpochUnitWasRead(long perSecond, string unit, string typical)
    {
        var options = new SummaryOptions { AsOf = Day0.AddDays(10) };
        var r = Summarize(EpochLog(t => (Seconds(t) * perSecond).ToString(CultureInfo.InvariantCulture)), options);
        var f = Assert.Single(r.Quality.Issues, i => i.Check == "schema" && i.Column == "timestamp");
        Assert.Equal(Severity.Info, f.Severity);
        Assert.Equal($"'timestamp' holds numbers; read as epoch {unit} (typical value {typical})", f.Message);
        // Read in that unit: the same two days as ISO timestamps give.
        var iso = Summarize(EpochLog(t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)), options);
        Assert.Equal(iso.Periods.Select(p => (p.Start, p.Rows)), r.Periods.Select(p => (p.Start, p.Rows)));
        Assert.Equal([Day0, Day0.AddDays(1)], r.Periods.Select(p => p.Start));
        Assert.DoesNotContain(iso.Quality.Issues, i => i.Message.Contains("epoch", StringComparison.Ordinal));
    }

    [Fact]
    public void NumericTimestamp_MixedUnits_IsAWarningCountingTheOthers()
    {
        var n = 0;
        var r = Summarize(EpochLog(t => (Seconds(t) * (n++ < 40 ? 1000 : 1)).ToString(CultureInfo.InvariantCulture)), new SummaryOptions { AsOf = Day0.AddDays(10) });
        var f = Assert.Single(r.Quality.Issues, i => i.Check == "schema" && i.Column == "timestamp");
        Assert.Equal(Severity.Warning, f.Severity);
        Assert.Equal(8, f.Rows);
        Assert.StartsWith("'timestamp' holds numbers; read as epoch milliseconds (typical value 1.77e12); 8 values are in another unit's range", f.Message, StringComparison.Ordinal);
        Assert.Contains("8 in seconds", f.Message, StringComparison.Ordinal);
        Assert.Equal(48, r.Periods.Sum(p => p.Rows)); // each read in its own unit
    }

    [Fact]
    public void SourceNotes_AreInfoFindings()
    {
        var r = Summarize(EpochLog(t => t.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture), nanFirst: true), new SummaryOptions { AsOf = Day0.AddDays(10) });
        var f = Assert.Single(r.Quality.Issues, i => i.Check == "schema" && i.Column == "prediction_score");
        Assert.Equal(Severity.Info, f.Severity);
        Assert.StartsWith("read 'prediction_score' as numbers", f.Message, StringComparison.Ordinal);
    }
}
