using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Evaluation;

public class EvaluationAnalysisTests
{
    private static EvaluationResult Evaluate(string file, EvaluateOptions? options = null)
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path(file)] });
        return EvaluationAnalysis.Run(source, options ?? new EvaluateOptions());
    }

    [Fact]
    public void Binary_WithTiesAndMissingValues_MatchesScikitLearn()
    {
        var expected = Fixture.Json("eval_binary.json");
        var r = Evaluate("eval_binary.csv");
        Assert.Equal(ModelTask.Binary, r.Task);
        Assert.Equal(expected.GetProperty("rows").GetInt64(), r.Rows);
        Assert.Equal(20, r.Excluded["missing_score"]);
        Assert.Equal(30, r.Excluded["missing_label"]);
        Fixture.AllMetricsClose(expected.GetProperty("metrics"), r.Metrics, "overall");
        var c = expected.GetProperty("confusion");
        Assert.Equal(c.GetProperty("tp").GetInt64(), r.Confusion!.Value.Tp);
        Assert.Equal(c.GetProperty("fp").GetInt64(), r.Confusion!.Value.Fp);
        Assert.Equal(c.GetProperty("tn").GetInt64(), r.Confusion!.Value.Tn);
        Assert.Equal(c.GetProperty("fn").GetInt64(), r.Confusion!.Value.Fn);
    }

    [Fact]
    public void Binary_BestThresholds_MatchBruteForce()
    {
        var expected = Fixture.Json("eval_binary.json").GetProperty("best");
        var r = Evaluate("eval_binary.csv");
        foreach (var criterion in new[] { "f1", "youden" })
        {
            var best = r.BestThresholds!.Single(b => b.Criterion == criterion);
            var e = expected.GetProperty(criterion);
            Fixture.Close(e[0].GetDouble(), best.Threshold, $"{criterion} threshold");
            Fixture.Close(e[1].GetDouble(), best.Value, $"{criterion} value");
        }
    }

    [Fact]
    public void Binary_CustomThreshold_ChangesThresholdMetrics()
    {
        var expected = Fixture.Json("eval_binary.json").GetProperty("threshold_0_3");
        var r = Evaluate("eval_binary.csv", new EvaluateOptions { Threshold = 0.3 });
        Assert.Equal(0.3, r.Threshold);
        Fixture.AllMetricsClose(expected.GetProperty("metrics"), r.Metrics, "threshold 0.3");
        Assert.Equal(expected.GetProperty("confusion").GetProperty("tp").GetInt64(), r.Confusion!.Value.Tp);
    }

    [Fact]
    public void Binary_SegmentBy_MatchesScikitLearnPerSegment()
    {
        var expected = Fixture.Json("eval_binary.json").GetProperty("segments");
        var r = Evaluate("eval_binary.csv", new EvaluateOptions { SegmentBy = ["country"] });
        Assert.NotNull(r.Segments);
        Assert.Equal(3, r.Segments!.Count);
        foreach (var seg in r.Segments)
            Fixture.AllMetricsClose(expected.GetProperty(seg.Key["country"]!), seg.Result.Metrics, $"segment {seg.Key["country"]}");
        Assert.Equal(r.Rows, r.Segments.Sum(s => s.Result.Rows));
    }

    [Fact]
    public void Binary_CostThreshold_IsReportedOnlyWithCosts()
    {
        var plain = Evaluate("eval_binary.csv");
        Assert.DoesNotContain(plain.BestThresholds!, b => b.Criterion == "cost");
        var costed = Evaluate("eval_binary.csv", new EvaluateOptions { CostFp = 1, CostFn = 20 });
        var cost = costed.BestThresholds!.Single(b => b.Criterion == "cost");
        Assert.Equal(cost.Confusion.Fp * 1.0 + cost.Confusion.Fn * 20.0, cost.Value, 9);
        // With false negatives 20 times dearer, the cost-optimal threshold is lower than the F1-optimal one.
        Assert.True(cost.Threshold <= costed.BestThresholds!.Single(b => b.Criterion == "f1").Threshold);
    }

    [Fact]
    public void Multiclass_WithProbabilityColumns_MatchesScikitLearn()
    {
        var expected = Fixture.Json("eval_multiclass.json");
        var r = Evaluate("eval_multiclass.csv");
        Assert.Equal(ModelTask.Multiclass, r.Task);
        Assert.Equal(expected.GetProperty("rows").GetInt64(), r.Rows);
        Assert.Equal(expected.GetProperty("classes").EnumerateArray().Select(e => e.GetString()!).ToArray(), r.Multiclass!.Classes.ToArray());
        var m = expected.GetProperty("matrix");
        for (var i = 0; i < 3; i++)
            for (var j = 0; j < 3; j++)
                Assert.Equal(m[i][j].GetInt64(), r.Multiclass.Matrix[i][j]);
        Fixture.AllMetricsClose(expected.GetProperty("metrics"), r.Metrics, "multiclass");
    }

    [Fact]
    public void Regression_MatchesScikitLearn()
    {
        var expected = Fixture.Json("eval_regression.json");
        var r = Evaluate("eval_regression.csv");
        Assert.Equal(ModelTask.Regression, r.Task);
        Assert.Equal(expected.GetProperty("rows").GetInt64(), r.Rows);
        Fixture.AllMetricsClose(expected.GetProperty("metrics"), r.Metrics, "regression");
        Assert.NotEmpty(r.Residuals!.Sample);
        Assert.Equal(r.Rows, r.Residuals.Histogram.Sum(b => b.Count));
    }

    [Fact]
    public void MissingLabelColumn_IsOneLineInputError()
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("eval_binary.csv")] });
        var e = Assert.Throws<VigilInputException>(() => EvaluationAnalysis.Run(source, new EvaluateOptions { Mapping = new() { Label = "nope" } }));
        Assert.Contains("'nope'", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void UnknownSegmentColumn_IsInputError()
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("eval_binary.csv")] });
        var e = Assert.Throws<VigilInputException>(() => EvaluationAnalysis.Run(source, new EvaluateOptions { SegmentBy = ["region"] }));
        Assert.Contains("region", e.Message);
    }
}
