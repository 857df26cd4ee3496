using System.Text.Json;
using Vigil.Statistics.Classification;
using static Vigil.Statistics.Tests.Classification.ScoreTables;

namespace Vigil.Statistics.Tests.Classification;

public sealed class BinaryScoreAccumulatorTests
{
    private const string File = "binary_metrics.json";

    public static TheoryData<string> Cases => Fixture.Names(File);

    private static readonly BinaryMetricOptions FullCurves = new() { MaxCurvePoints = 1_000_000, CostFp = 1.0, CostFn = 5.0 };

    private static (JsonElement Case, BinaryEvaluation Result) Run(string name, BinaryMetricOptions? options = null)
    {
        JsonElement c = Fixture.Case(File, name);
        return (c, BinaryScoreAccumulator.Evaluate(Read(c.GetProperty("table")), options ?? FullCurves));
    }

    /// <summary>Where Vigil reports "undefined" although scikit-learn returns a number with a warning, or the
    /// reference is 0/0 and Vigil applies the zero_division convention.</summary>
    private static bool DeliberateDifference(string metric, BinaryEvaluation r) => metric switch
    {
        "average_precision" => r.Positives == 0,            // sklearn 1.2: 0 with "recall is set to one" warning
        "specificity" => r.Negatives == 0,                  // reference 0/0; Vigil 0 with a note
        _ => false,
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AllMetrics_MatchScikitLearn(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        JsonElement expected = c.GetProperty("expected");
        Assert.Equal(BinaryScoreAccumulator.Names, r.Metrics.Select(m => m.Name).ToArray());
        foreach (MetricValue m in r.Metrics)
        {
            double? e = Fixture.Number(expected, m.Name);
            if (DeliberateDifference(m.Name, r))
            {
                continue;
            }
            if (e is null)
            {
                Assert.True(m.Value is null, $"{name}/{m.Name}: reference is undefined, Vigil gave {m.Value}");
                Assert.False(string.IsNullOrEmpty(m.Note), $"{name}/{m.Name}: an undefined metric needs a reason");
            }
            else
            {
                Assert.True(m.Value is not null, $"{name}/{m.Name}: expected {e}, Vigil says undefined ({m.Note})");
                Fixture.Close(e.Value, m.Value!.Value, $"{name}/{m.Name}");
            }
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Confusion_AtDefaultThreshold_MatchesScikitLearn(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        JsonElement e = c.GetProperty("confusion");
        Assert.Equal(new ConfusionCounts(e.GetProperty("tp").GetInt64(), e.GetProperty("fp").GetInt64(),
            e.GetProperty("tn").GetInt64(), e.GetProperty("fn").GetInt64()), r.Confusion);
    }

    [Fact]
    public void RocAuc_HeavyTies_MatchesScikitLearn()
    {
        (JsonElement c, BinaryEvaluation r) = Run("heavy_ties");
        Fixture.Close(c.GetProperty("expected").GetProperty("roc_auc").GetDouble(), Metric(r.Metrics, "roc_auc")!.Value, "roc_auc");
        Fixture.Close(c.GetProperty("expected").GetProperty("average_precision").GetDouble(), Metric(r.Metrics, "average_precision")!.Value, "ap");
    }

    [Fact]
    public void RocAuc_AllEqualScores_IsOneHalf()
    {
        (_, BinaryEvaluation r) = Run("all_equal_scores");
        Assert.Equal(0.5, Metric(r.Metrics, "roc_auc"));
        Assert.Equal(0.0, Metric(r.Metrics, "ks_statistic"));
    }

    [Fact]
    public void RocAuc_HugeCounts_MatchesExactArithmetic()
    {
        (JsonElement c, BinaryEvaluation r) = Run("huge_counts");
        Assert.True(r.Rows > 10_000_000_000L);
        Fixture.Close(c.GetProperty("expected").GetProperty("roc_auc").GetDouble(), Metric(r.Metrics, "roc_auc")!.Value, "roc_auc", 1e-14);
        Fixture.Close(c.GetProperty("expected").GetProperty("mcc").GetDouble(), Metric(r.Metrics, "mcc")!.Value, "mcc", 1e-13);
    }

    [Theory]
    [InlineData("all_positives")]
    [InlineData("all_negatives")]
    [InlineData("single_row")]
    public void RankingMetrics_OneClass_UndefinedWithReason(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        Assert.StartsWith("rejected", c.GetProperty("sklearn_notes").GetProperty("roc_auc").GetString());
        foreach (string m in new[] { "roc_auc", "ks_statistic", "gini" })
        {
            MetricValue v = Get(r.Metrics, m);
            Assert.Null(v.Value);
            Assert.Equal(BinaryScoreAccumulator.OneClassReason, v.Note);
        }
        Assert.NotNull(Metric(r.Metrics, "log_loss"));
        Assert.NotNull(Metric(r.Metrics, "balanced_accuracy"));
    }

    [Fact]
    public void AveragePrecision_NoPositives_UndefinedWhereScikitLearnWarns()
    {
        (JsonElement c, BinaryEvaluation r) = Run("all_negatives");
        Assert.StartsWith("warning", c.GetProperty("sklearn_notes").GetProperty("average_precision").GetString());
        Assert.Null(Metric(r.Metrics, "average_precision"));
        MetricValue recall = Get(r.Metrics, "recall");
        Assert.Equal(0.0, recall.Value);
        Assert.NotNull(recall.Note);
    }

    [Fact]
    public void Precision_NoPredictedPositives_IsZeroWithNote()
    {
        (_, BinaryEvaluation r) = Run("no_predicted_positives");
        MetricValue p = Get(r.Metrics, "precision");
        Assert.Equal(0.0, p.Value);
        Assert.Contains("zero_division", p.Note, StringComparison.Ordinal);
        Assert.Equal(0.0, Metric(r.Metrics, "mcc"));
    }

    [Fact]
    public void ProbabilityMetrics_ScoresOutsideUnitInterval_Undefined()
    {
        (_, BinaryEvaluation r) = Run("margins_outside_unit_interval");
        foreach (string m in new[] { "log_loss", "brier", "ece" })
        {
            Assert.Equal(BinaryScoreAccumulator.NotProbabilitiesReason, Get(r.Metrics, m).Note);
        }
        Assert.Empty(r.Calibration);
        Assert.NotNull(Metric(r.Metrics, "roc_auc"));
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void RocCurve_AllPoints_MatchesScikitLearn(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        if (!c.TryGetProperty("roc", out JsonElement roc))
        {
            return; // one class or too large to store
        }
        double[] thr = roc.GetProperty("thresholds").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double[] fpr = roc.GetProperty("fpr").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double[] tpr = roc.GetProperty("tpr").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(fpr.Length, r.Roc.Count);
        Assert.Equal(double.PositiveInfinity, r.Roc[0].Threshold);
        for (int i = 0; i < fpr.Length; i++)
        {
            if (i > 0)
            {
                Assert.Equal(thr[i - 1], r.Roc[i].Threshold);
            }
            Fixture.Close(fpr[i], r.Roc[i].Fpr, $"fpr[{i}]");
            Fixture.Close(tpr[i], r.Roc[i].Tpr, $"tpr[{i}]");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void PrecisionRecallCurve_AllPoints_MatchesScikitLearn(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        if (!c.TryGetProperty("pr", out JsonElement pr))
        {
            return;
        }
        double[] thr = pr.GetProperty("thresholds").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double[] prec = pr.GetProperty("precision").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        double[] rec = pr.GetProperty("recall").EnumerateArray().Select(x => x.GetDouble()).ToArray();
        Assert.Equal(prec.Length, r.PrecisionRecall.Count);
        for (int i = 0; i < prec.Length; i++)
        {
            if (i > 0)
            {
                Assert.Equal(thr[i - 1], r.PrecisionRecall[i].Threshold);
            }
            Fixture.Close(prec[i], r.PrecisionRecall[i].Precision, $"precision[{i}]");
            Fixture.Close(rec[i], r.PrecisionRecall[i].Recall, $"recall[{i}]");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Calibration_NonEmptyBins_MatchNumpyHistogram(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        if (!c.TryGetProperty("calibration", out JsonElement bins))
        {
            return;
        }
        Assert.Equal(bins.GetArrayLength(), r.Calibration.Count);
        int i = 0;
        foreach (JsonElement b in bins.EnumerateArray())
        {
            CalibrationBin got = r.Calibration[i++];
            Assert.Equal(b.GetProperty("lower").GetDouble(), got.Lower);
            Assert.Equal(b.GetProperty("upper").GetDouble(), got.Upper);
            Assert.Equal(b.GetProperty("count").GetInt64(), got.Count);
            Fixture.Close(b.GetProperty("mean_predicted").GetDouble(), got.MeanPredicted, "mean_predicted");
            Fixture.Close(b.GetProperty("fraction_positive").GetDouble(), got.FractionPositive, "fraction_positive");
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void ThresholdTable_DefaultGrid_CountsRowsAtOrAboveEachThreshold(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        if (!c.TryGetProperty("threshold_table", out JsonElement table))
        {
            return;
        }
        Assert.Equal(19, r.ThresholdTable.Count);
        int i = 0;
        foreach (JsonElement row in table.EnumerateArray())
        {
            ThresholdRow got = r.ThresholdTable[i++];
            Assert.Equal(row.GetProperty("threshold").GetDouble(), got.Threshold);
            Assert.Equal(row.GetProperty("tp").GetInt64(), got.Confusion.Tp);
            Assert.Equal(row.GetProperty("fp").GetInt64(), got.Confusion.Fp);
            Assert.Equal(r.Rows, got.Confusion.Total);
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void BestThresholds_MatchExhaustiveSearch_TiesToHighestThreshold(string name)
    {
        (JsonElement c, BinaryEvaluation r) = Run(name);
        JsonElement best = c.GetProperty("best_thresholds");
        foreach (string criterion in new[] { "f1", "youden", "cost" })
        {
            BestThreshold? got = r.BestThresholds.FirstOrDefault(b => b.Criterion == criterion);
            if (!best.TryGetProperty(criterion, out JsonElement e))
            {
                Assert.Null(got);
                continue;
            }
            Assert.NotNull(got);
            double? thr = Fixture.Number(e, "threshold");
            Assert.Equal(thr ?? double.PositiveInfinity, got.Threshold);
            Fixture.Close(e.GetProperty("value").GetDouble(), got.Value, $"{criterion} value");
            Assert.Equal(e.GetProperty("tp").GetInt64(), got.Confusion.Tp);
            Assert.Equal(e.GetProperty("fp").GetInt64(), got.Confusion.Fp);
        }
    }

    [Fact]
    public void BestThresholds_WithoutCosts_HasNoCostCriterion()
    {
        (_, BinaryEvaluation r) = Run("random_1000", new BinaryMetricOptions());
        Assert.Equal(new[] { "f1", "youden" }, r.BestThresholds.Select(b => b.Criterion).ToArray());
    }

    [Theory]
    [InlineData("large_200k", 201)]
    [InlineData("large_200k", 4)]
    [InlineData("imbalanced_3000", 50)]
    [InlineData("random_1000", 11)]
    public void Curves_Thinned_AtMostMaxPointsSubsetOfFullCurveMetricsUnchanged(string name, int max)
    {
        (_, BinaryEvaluation full) = Run(name);
        (_, BinaryEvaluation thin) = Run(name, FullCurves with { MaxCurvePoints = max });
        Assert.InRange(thin.Roc.Count, 3, max);
        Assert.Equal(thin.Roc.Count, thin.PrecisionRecall.Count);
        Assert.Equal(full.Roc[0], thin.Roc[0]);
        Assert.Equal(full.Roc[1], thin.Roc[1]);
        Assert.Equal(full.Roc[^1], thin.Roc[^1]);
        var fullSet = full.Roc.ToHashSet();
        foreach (RocPoint p in thin.Roc)
        {
            Assert.Contains(p, fullSet);
        }
        var fullPr = full.PrecisionRecall.ToHashSet();
        foreach (PrPoint p in thin.PrecisionRecall)
        {
            Assert.Contains(p, fullPr);
        }
        Assert.Equal(full.Metrics, thin.Metrics);
        Assert.Equal(full.BestThresholds, thin.BestThresholds);
        if (max >= 50)
        {
            // an even spread: no gap in FPR or recall much wider than 2 / (max/2)
            double limit = 4.0 / (max - 2) + 1e-9;
            for (int i = 1; i < thin.Roc.Count; i++)
            {
                double gap = Math.Min(thin.Roc[i].Fpr - thin.Roc[i - 1].Fpr, thin.Roc[i].Tpr - thin.Roc[i - 1].Tpr);
                Assert.True(gap <= limit, $"gap {gap} at {i}");
            }
        }
    }

    [Fact]
    public void Add_NaNScore_Throws()
    {
        var acc = new BinaryScoreAccumulator(new BinaryMetricOptions());
        acc.Add(0.9, 1, 0);
        Assert.Throws<InvalidOperationException>(() => acc.Add(double.NaN, 1, 1));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.7)]
    public void Add_ScoreNotStrictlyDescending_Throws(double next)
    {
        var acc = new BinaryScoreAccumulator(new BinaryMetricOptions());
        acc.Add(0.5, 1, 2);
        Assert.Throws<InvalidOperationException>(() => acc.Add(next, 1, 0));
    }

    [Fact]
    public void Add_ScoreWithoutRows_IsIgnored()
    {
        var acc = new BinaryScoreAccumulator(new BinaryMetricOptions());
        acc.Add(0.9, 2, 1);
        acc.Add(0.8, 0, 0);
        acc.Add(0.8, 1, 3);
        BinaryEvaluation r = acc.Finish();
        Assert.Equal(7, r.Rows);
        Assert.Equal(3, r.Roc.Count);
    }

    [Fact]
    public void Finish_NoRows_EveryMetricUndefined()
    {
        BinaryEvaluation r = new BinaryScoreAccumulator(new BinaryMetricOptions()).Finish();
        Assert.Equal(0, r.Rows);
        Assert.All(r.Metrics, m => Assert.Null(m.Value));
        Assert.All(r.Metrics, m => Assert.Equal(BinaryScoreAccumulator.NoRowsReason, m.Note));
    }

    [Fact]
    public void Threshold_ScoreEqualToThreshold_PredictedPositive()
    {
        BinaryEvaluation r = BinaryScoreAccumulator.Evaluate(
            [new ScoreCount(0.9, 1, 0), new ScoreCount(0.5, 2, 3), new ScoreCount(0.2, 1, 4)]);
        Assert.Equal(new ConfusionCounts(3, 3, 4, 1), r.Confusion);
    }

    [Fact]
    public void ThresholdTable_CustomUnsortedGrid_KeepsGivenOrder()
    {
        BinaryEvaluation r = BinaryScoreAccumulator.Evaluate(
            [new ScoreCount(0.9, 1, 0), new ScoreCount(0.5, 2, 3), new ScoreCount(0.2, 1, 4)],
            new BinaryMetricOptions { ThresholdGrid = [0.5, 0.95, 0.1] });
        Assert.Equal(new[] { 0.5, 0.95, 0.1 }, r.ThresholdTable.Select(t => t.Threshold).ToArray());
        Assert.Equal(3, r.ThresholdTable[0].Confusion.Tp);
        Assert.Equal(0, r.ThresholdTable[1].Confusion.Tp + r.ThresholdTable[1].Confusion.Fp);
        Assert.Equal(11, r.ThresholdTable[2].Confusion.Tp + r.ThresholdTable[2].Confusion.Fp);
    }

    [Fact]
    public void BestThreshold_TiedCriterion_PicksHighestThreshold()
    {
        // F1 at 0.8: 2*1/(1+1+2) = 0.5; at 0.6: 2*2/(2+4+2) = 0.5 -> tie, the highest threshold wins
        BinaryEvaluation r = BinaryScoreAccumulator.Evaluate(
            [new ScoreCount(0.8, 1, 1), new ScoreCount(0.6, 1, 3), new ScoreCount(0.1, 0, 6)]);
        BestThreshold f1 = r.BestThresholds.Single(b => b.Criterion == "f1");
        Assert.Equal(0.8, f1.Threshold);
        Assert.Equal(0.5, f1.Value, 15);
    }

    [Fact]
    public void Add_MillionsOfDistinctScores_AllocatesOnlyBoundedBuffers()
    {
        var acc = new BinaryScoreAccumulator(new BinaryMetricOptions());
        var rng = new Random(3);
        acc.Add(1.0, 1, 1);
        long before = GC.GetAllocatedBytesForCurrentThread();
        const int n = 2_000_000;
        for (int i = 1; i < n; i++)
        {
            double s = 1.0 - (double)i / n;
            int pos = rng.NextDouble() < s ? 1 : 0;
            acc.Add(s, pos, 1 - pos);
        }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 2_000_000, $"allocated {allocated} bytes for {n} scores");
        BinaryEvaluation r = acc.Finish();
        Assert.InRange(r.Roc.Count, 3, 201);
        Assert.InRange(Metric(r.Metrics, "roc_auc")!.Value, 0.80, 0.86);
    }
}
