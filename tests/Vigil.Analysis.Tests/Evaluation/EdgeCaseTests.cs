using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Summary;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Evaluation;

/// <summary>Edge cases end to end: a single row, NaN scores, no labels at all, one class.</summary>
public sealed class EdgeCaseTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-edge-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private OpenedSource Open(string csv)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, "prediction_id,prediction_score,actual_label,timestamp\n" + csv);
        return SourceOpener.Open(new SourceSpec { Inputs = [path] });
    }

    [Fact]
    public void SingleRow_AucUndefined_OthersDefined()
    {
        using var s = Open("a,0.7,1,2026-01-01 00:00:00\n");
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
        Assert.Equal(1, r.Rows);
        Assert.Null(Fixture.Metric(r.Metrics, "roc_auc"));
        Assert.Equal("only one class present in labels", r.Metrics.Single(m => m.Name == "roc_auc").Note);
        Fixture.Close(-Math.Log(0.7), Fixture.Metric(r.Metrics, "log_loss"), "log_loss");
        Assert.Equal(1.0, Fixture.Metric(r.Metrics, "accuracy"));
    }

    [Fact]
    public void NaNScore_IsExcludedAsMissing()
    {
        using var s = Open("a,nan,1,2026-01-01 00:00:00\nb,0.3,0,2026-01-01 01:00:00\nc,0.8,1,2026-01-02 00:00:00\n");
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
        Assert.Equal(2, r.Rows);
        Assert.Equal(1, r.Excluded["missing_score"]);
        Assert.Equal(1.0, Fixture.Metric(r.Metrics, "roc_auc"));
    }

    [Fact]
    public void NoLabelsYet_EvaluatesNothing_SummaryStillCountsRows()
    {
        using (var s = Open("a,0.7,,2026-01-01 00:00:00\nb,0.2,,2026-01-02 00:00:00\n"))
        {
            var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
            Assert.Equal(0, r.Rows);
            Assert.Equal(2, r.Excluded["missing_label"]);
            Assert.All(r.Metrics, m => Assert.Null(m.Value));
        }
        using (var s = Open("a,0.7,,2026-01-01 00:00:00\nb,0.2,,2026-01-02 00:00:00\n"))
        {
            var r = SummaryAnalysis.Run(s, new SummaryOptions { AsOf = new DateTime(2026, 6, 1) });
            Assert.Equal(2, r.Periods.Sum(p => p.Rows));
            Assert.Equal(0, r.Periods.Sum(p => p.Labeled));
            Assert.Equal(2, r.Quality.Issues.Single(i => i.Check == "missing_label").Rows);
        }
    }

    [Fact]
    public void AllEqualScores_AucIsOneHalf()
    {
        using var s = Open("a,0.5,1,2026-01-01 00:00:00\nb,0.5,0,2026-01-01 01:00:00\nc,0.5,1,2026-01-01 02:00:00\nd,0.5,0,2026-01-01 03:00:00\n");
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
        Assert.Equal(0.5, Fixture.Metric(r.Metrics, "roc_auc"));
        Assert.Equal(0.5, Fixture.Metric(r.Metrics, "average_precision"));
    }
}
