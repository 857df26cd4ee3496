using System.Globalization;
using System.Text;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Evaluation;

/// <summary>Issue 9: evaluate's findings (a decision threshold far from the F1-best one; rows summary would leave
/// out) and its class limit.</summary>
public sealed class EvaluationFindingsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-eval-find-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private OpenedSource Open(string csv)
    {
        var path = Path.Combine(_dir, $"{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, csv);
        return SourceOpener.Open(new SourceSpec { Inputs = [path] });
    }

    /// <summary>Scores all below 0.5: positives in [0.2, 0.4), negatives in [0, 0.3).</summary>
    private static string LowScores(int rows)
    {
        var sb = new StringBuilder("prediction_id,timestamp,prediction_score,actual_label\n");
        for (var i = 0; i < rows; i++)
        {
            var pos = i % 10 == 0;
            var s = pos ? 0.2 + (i % 7) / 35.0 : (i % 13) / 43.3;
            sb.Append(CultureInfo.InvariantCulture, $"p{i},2026-01-01 00:00:00,{s:R},{(pos ? 1 : 0)}\n");
        }
        return sb.ToString();
    }

    [Fact]
    public void ThresholdFarFromBest_IsAWarningWithBothThresholds()
    {
        using var s = Open(LowScores(1000));
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
        var f = Assert.Single(r.Findings, i => i.Check == "threshold_far_from_best");
        Assert.Equal(Severity.Warning, f.Severity);
        var best = r.BestThresholds!.Single(b => b.Criterion == "f1");
        var bestText = best.Threshold.ToString("0.###", CultureInfo.InvariantCulture);
        Assert.StartsWith("at threshold 0.5, recall is 0 and F1 0; the F1-best threshold " + bestText + " gives F1 ", f.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ThresholdNearBest_NoFinding()
    {
        using var s = Open(LowScores(1000));
        var best = EvaluationAnalysis.Run(s, new EvaluateOptions()).BestThresholds!.Single(b => b.Criterion == "f1");
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions { Threshold = best.Threshold });
        Assert.DoesNotContain(r.Findings, i => i.Check == "threshold_far_from_best");
    }

    [Fact]
    public void RowsKept_SaysWhatSummaryWouldLeaveOut()
    {
        using var s = Open("prediction_id,timestamp,prediction_score,actual_label\n" +
                           "a,2026-01-01 00:00:00,0.9,1\n" +
                           "b,2026-01-01 01:00:00,0.2,0\n" +
                           "a,2026-01-01 02:00:00,0.8,1\n" +   // a again
                           "c,,0.7,0\n" +                       // no timestamp
                           "d,2099-01-01 00:00:00,0.1,0\n" +    // future
                           "e,2026-01-01 03:00:00,,1\n");       // no score: excluded by evaluate too
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
        Assert.Equal(5, r.Rows);
        var kept = Assert.Single(r.Findings, i => i.Check == "rows_kept");
        Assert.Equal(Severity.Info, kept.Severity);
        Assert.Equal(3, kept.Rows);
        Assert.Contains("1 row repeats an id already evaluated ('prediction_id')", kept.Message, StringComparison.Ordinal);
        Assert.Contains("2 rows have a null, unparseable or future timestamp ('timestamp')", kept.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void RowsKept_PerSegment()
    {
        using var s = Open("prediction_id,timestamp,prediction_score,actual_label,model_version\n" +
                           "a,2026-01-01 00:00:00,0.9,1,v1\n" +
                           "a,2026-01-01 02:00:00,0.8,1,v1\n" +
                           "b,2026-01-01 01:00:00,0.2,0,v2\n" +
                           "c,2099-01-01 00:00:00,0.1,0,v2\n" +
                           "d,2026-01-01 01:00:00,0.3,0,v3\n");
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions { SegmentBy = ["model_version"] });
        Assert.Equal(2, r.Findings.Single(i => i.Check == "rows_kept").Rows);
        EvaluationResult Seg(string v) => r.Segments!.Single(g => g.Key["model_version"] == v).Result;
        Assert.Contains("1 row repeats an id", Seg("v1").Findings.Single(i => i.Check == "rows_kept").Message, StringComparison.Ordinal);
        Assert.Contains("1 row has a null, unparseable or future timestamp", Seg("v2").Findings.Single(i => i.Check == "rows_kept").Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Seg("v3").Findings, i => i.Check == "rows_kept");
    }

    [Fact]
    public void RowsKept_CleanLog_NoFinding()
    {
        using var s = Open("prediction_id,timestamp,prediction_score,actual_label\na,2026-01-01 00:00:00,0.9,1\nb,2026-01-01 01:00:00,0.2,0\n");
        Assert.DoesNotContain(EvaluationAnalysis.Run(s, new EvaluateOptions()).Findings, i => i.Check == "rows_kept");
    }

    [Fact]
    public void Multiclass_TooManyClasses_IsOneLineError()
    {
        var sb = new StringBuilder("prediction_id,prediction,actual_label\n");
        for (var i = 0; i < 1001; i++) sb.Append(CultureInfo.InvariantCulture, $"m{i},c{(i + 1) % 1001},c{i}\n");
        using var s = Open(sb.ToString());
        var e = Assert.Throws<VigilInputException>(() => EvaluationAnalysis.Run(s, new EvaluateOptions()));
        Assert.Contains("1,001 classes in 'actual_label' and 'prediction'; a multiclass evaluation takes at most 1,000", e.Message, StringComparison.Ordinal);
    }
    [Fact]
    public void EpochTimestamps_AndSourceNotes_AreInfoFindings()
    {
        // Milliseconds: 2026-01-01 00:00 and 01:00, then 2099 (future) for the rows_kept count.
        using var s = Open("prediction_id,timestamp,prediction_score,actual_label\n" +
                           "a,1767225600000,inf,1\n" +
                           "b,1767229200000,0.2,0\n" +
                           "c,4070908800000,0.7,1\n" +
                           "d,1767229200000,0.4,0\n");
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
        var kept = Assert.Single(r.Findings, i => i.Check == "rows_kept");
        Assert.Contains("1 row has a null, unparseable or future timestamp ('timestamp')", kept.Message, StringComparison.Ordinal);
        var epoch = Assert.Single(r.Findings, i => i.Check == "schema" && i.Column == "timestamp");
        Assert.Equal(Severity.Info, epoch.Severity);
        Assert.StartsWith("'timestamp' holds numbers; read as epoch milliseconds (typical value ", epoch.Message, StringComparison.Ordinal);
        var note = Assert.Single(r.Findings, i => i.Check == "schema" && i.Column == "prediction_score");
        Assert.Equal(Severity.Info, note.Severity);
        Assert.StartsWith("read 'prediction_score' as numbers", note.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EpochTimestamps_NoRowsKept_NoEpochFinding()
    {
        using var s = Open("prediction_id,timestamp,prediction_score,actual_label\n" +
                           "a,1767225600,0.9,1\n" +
                           "b,1767229200,0.2,0\n");
        var r = EvaluationAnalysis.Run(s, new EvaluateOptions());
        Assert.DoesNotContain(r.Findings, i => i.Check == "schema");
    }
}
