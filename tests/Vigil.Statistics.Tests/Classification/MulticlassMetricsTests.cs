using System.Text.Json;
using Vigil.Statistics.Classification;
using static Vigil.Statistics.Tests.Classification.ScoreTables;

namespace Vigil.Statistics.Tests.Classification;

public sealed class MulticlassMetricsTests
{
    private const string File = "multiclass_metrics.json";

    public static TheoryData<string> Cases => Fixture.Names(File);

    private static (JsonElement Case, MulticlassEvaluation Result) Run(string name, bool withProbabilities = true)
    {
        JsonElement c = Fixture.Case(File, name);
        string[] classes = c.GetProperty("classes").EnumerateArray().Select(x => x.GetString()!).ToArray();
        int k = classes.Length;
        var matrix = new long[k, k];
        int i = 0;
        foreach (JsonElement row in c.GetProperty("matrix").EnumerateArray())
        {
            int j = 0;
            foreach (JsonElement v in row.EnumerateArray())
            {
                matrix[i, j++] = v.GetInt64();
            }
            i++;
        }
        if (!withProbabilities)
        {
            return (c, MulticlassMetrics.Evaluate(classes, matrix));
        }
        var auc = new double?[k];
        i = 0;
        foreach (JsonElement table in c.GetProperty("ovr_tables").EnumerateArray())
        {
            BinaryEvaluation ovr = BinaryScoreAccumulator.Evaluate(Read(table));
            auc[i++] = Metric(ovr.Metrics, "roc_auc");
        }
        MulticlassEvaluation r = MulticlassMetrics.Evaluate(classes, matrix,
            c.GetProperty("total_log_loss").GetDouble(), c.GetProperty("rows").GetInt64(), auc);
        return (c, r);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllMetrics_MatchScikitLearn(string name)
    {
        (JsonElement c, MulticlassEvaluation r) = Run(name);
        Assert.Equal(MulticlassMetrics.Names, r.Metrics.Select(m => m.Name).ToArray());
        JsonElement expected = c.GetProperty("expected");
        foreach (MetricValue m in r.Metrics)
        {
            Assert.NotNull(m.Value);
            Fixture.Close(expected.GetProperty(m.Name).GetDouble(), m.Value!.Value, $"{name}/{m.Name}");
        }
        Assert.Equal(c.GetProperty("rows").GetInt64(), r.Rows);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PerClass_MatchesPrecisionRecallFscoreSupport(string name)
    {
        (JsonElement c, MulticlassEvaluation r) = Run(name);
        int i = 0;
        foreach (JsonElement e in c.GetProperty("per_class").EnumerateArray())
        {
            ClassMetrics got = r.PerClass[i++];
            Assert.Equal(e.GetProperty("label").GetString(), got.Label);
            Assert.Equal(e.GetProperty("support").GetInt64(), got.Support);
            Fixture.Close(e.GetProperty("precision").GetDouble(), got.Precision, "precision");
            Fixture.Close(e.GetProperty("recall").GetDouble(), got.Recall, "recall");
            Fixture.Close(e.GetProperty("f1").GetDouble(), got.F1, "f1");
            Fixture.Close(e.GetProperty("roc_auc").GetDouble(), got.RocAuc!.Value, "roc_auc");
        }
    }

    [Fact]
    public void Precision_ClassNeverPredicted_IsZeroWithNote()
    {
        (_, MulticlassEvaluation r) = Run("five_classes_one_never_predicted");
        Assert.Equal(0.0, r.PerClass[4].Precision);
        Assert.True(r.PerClass[4].Support > 0);
        Assert.Contains("zero_division", Get(r.Metrics, "precision_macro").Note, StringComparison.Ordinal);
    }

    [Fact]
    public void ProbabilityMetrics_WithoutProbabilities_Undefined()
    {
        (_, MulticlassEvaluation r) = Run("three_classes", withProbabilities: false);
        Assert.Null(Metric(r.Metrics, "log_loss"));
        Assert.Null(Metric(r.Metrics, "roc_auc_ovr"));
        Assert.NotNull(Metric(r.Metrics, "accuracy"));
    }

    [Fact]
    public void Averages_ClassWithNoRows_LeftOutAsScikitLearnDoes()
    {
        // class "c" appears neither as actual nor as predicted: sklearn (no labels argument) ignores it
        long[,] m = { { 3, 1, 0 }, { 2, 4, 0 }, { 0, 0, 0 } };
        MulticlassEvaluation r = MulticlassMetrics.Evaluate(["a", "b", "c"], m);
        // precision a = 3/5, b = 4/5 -> macro 0.7
        Fixture.Close(0.7, Metric(r.Metrics, "precision_macro")!.Value, "precision_macro");
        Assert.Equal(3, r.PerClass.Count);
    }

    [Fact]
    public void RocAucOvr_ClassAuCUndefined_Undefined()
    {
        long[,] m = { { 3, 1 }, { 2, 4 } };
        MulticlassEvaluation r = MulticlassMetrics.Evaluate(["a", "b"], m, 5.0, 10, [0.8, null]);
        Assert.Null(Metric(r.Metrics, "roc_auc_ovr"));
        Assert.Contains("'b'", Get(r.Metrics, "roc_auc_ovr").Note, StringComparison.Ordinal);
        Fixture.Close(0.5, Metric(r.Metrics, "log_loss")!.Value, "log_loss");
    }

    [Fact]
    public void Evaluate_MatrixShapeMismatch_Throws()
    {
        Assert.Throws<ArgumentException>(() => MulticlassMetrics.Evaluate(["a", "b"], new long[3, 3]));
    }
}
