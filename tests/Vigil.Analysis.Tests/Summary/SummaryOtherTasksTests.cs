using Vigil.Analysis.Results;
using Vigil.Analysis.Summary;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Summary;

/// <summary>Regression and multiclass summaries (the working-table path), checked by hand on tiny logs.</summary>
public sealed class SummaryOtherTasksTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-sum-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private SummaryResult Summarize(string csv)
    {
        var path = Path.Combine(_dir, "log.csv");
        File.WriteAllText(path, csv);
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        return SummaryAnalysis.Run(source, new SummaryOptions { AsOf = new DateTime(2026, 3, 1, 0, 0, 0, DateTimeKind.Utc) });
    }

    [Fact]
    public void Regression_PerDayMetricsAndDuplicates()
    {
        var r = Summarize(
            "prediction_id,timestamp,prediction,actual_label\n" +
            "a,2026-01-01 10:00:00,10.0,12.0\n" +
            "b,2026-01-01 11:00:00,5.0,4.0\n" +
            "a,2026-01-01 12:00:00,10.0,12.0\n" +   // later duplicate of a: left out
            "c,2026-01-02 09:00:00,3.0,\n" +        // no label yet
            "d,2026-01-02 10:00:00,7.0,1.0\n" +
            "e,2099-01-01 00:00:00,1.0,1.0\n");     // future
        Assert.Equal(ModelTask.Regression, r.Task);
        Assert.Equal(6, r.TotalRows);
        Assert.Equal(2, r.ExcludedRows);
        Assert.Equal(1, r.Quality.Issues.Single(i => i.Check == "duplicate_id").Rows);
        Assert.Equal(1, r.Quality.Issues.Single(i => i.Check == "future_timestamp").Rows);
        Assert.Equal(1, r.Quality.Issues.Single(i => i.Check == "missing_label").Rows);
        var day1 = r.Periods.Single(p => p.Start == new DateTime(2026, 1, 1));
        Assert.Equal(2, day1.Rows);
        Assert.Equal(1.5, Fixture.Metric(day1.Metrics, "mae"));      // (2 + 1) / 2
        Assert.Equal(-0.5, Fixture.Metric(day1.Metrics, "mean_error")); // (-2 + 1) / 2
        var day2 = r.Periods.Single(p => p.Start == new DateTime(2026, 1, 2));
        Assert.Equal(2, day2.Rows);
        Assert.Equal(1, day2.Labeled);
        Assert.Equal(6.0, Fixture.Metric(day2.Metrics, "max_error"));
        Assert.Equal(5.0, day2.MeanScore);
    }

    [Fact]
    public void Multiclass_PerDayAccuracy()
    {
        var r = Summarize(
            "prediction_id,timestamp,prediction,actual_label\n" +
            "a,2026-01-01 10:00:00,cat,cat\n" +
            "b,2026-01-01 11:00:00,dog,cat\n" +
            "c,2026-01-02 09:00:00,bird,bird\n" +
            "d,2026-01-02 10:00:00,dog,dog\n");
        Assert.Equal(ModelTask.Multiclass, r.Task);
        Assert.Equal(0.5, Fixture.Metric(r.Periods[0].Metrics, "accuracy"));
        Assert.Equal(1.0, Fixture.Metric(r.Periods[1].Metrics, "accuracy"));
        Assert.Equal(0.75, Fixture.Metric(r.Overall.Single().Metrics, "accuracy"));
    }

    [Fact]
    public void Binary_WeeklyPeriods_StartOnMonday()
    {
        var r = SummarizeWeekly(
            "prediction_id,timestamp,prediction_score,actual_label\n" +
            "a,2026-01-04 23:00:00,0.9,1\n" +   // Sunday: week of Monday 2025-12-29
            "b,2026-01-05 01:00:00,0.2,0\n" +   // Monday: week of 2026-01-05
            "c,2026-01-11 12:00:00,0.7,1\n");   // Sunday: week of 2026-01-05
        Assert.Equal(new DateTime?[] { new DateTime(2025, 12, 29), new DateTime(2026, 1, 5) }, r.Periods.Select(p => p.Start).ToArray());
        Assert.Equal(2, r.Periods[1].Rows);
    }

    private SummaryResult SummarizeWeekly(string csv)
    {
        var path = Path.Combine(_dir, "weekly.csv");
        File.WriteAllText(path, csv);
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        return SummaryAnalysis.Run(source, new SummaryOptions { Period = PeriodUnit.Week, AsOf = new DateTime(2026, 3, 1) });
    }
}
