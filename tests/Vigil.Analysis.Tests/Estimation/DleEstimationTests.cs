using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Tests.Estimation;

public class DleEstimationTests
{
    private static readonly MappingOptions Mapping = new() { Label = "label" };
    private static readonly MappingOptions WithId = new() { Label = "label", Id = "id" };

    private static EstimationResult Run(string reference, string analysis, EstimationOptions options, Action<DleNanny>? trained = null)
    {
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var a = SourceOpener.Open(new SourceSpec { Inputs = [analysis] });
        return trained is null ? EstimationAnalysis.Run(r, a, options) : DleEstimation.Run(r, a, options, NoProgress.Instance, trained);
    }

    /// <summary>tools/golden/generate_dle.py: realized values, sampling errors and thresholds per 100-row chunk to 1e-9;
    /// each estimate is the mean (or root mean) of the nanny's predicted losses over the chunk's rows.</summary>
    [Fact]
    public void Run_GoldenLog_MatchesNannyMlArithmeticAndTheNannysPredictions()
    {
        var expected = Fixture.Json("dle_expected.json");
        DleNanny? nanny = null;
        var options = new EstimationOptions { Mapping = WithId, Chunk = new RowChunk(100) };
        var result = Run(Fixture.Path("dle_reference.csv"), Fixture.Path("dle_analysis.csv"), options, n => nanny = n);
        Assert.Equal("dle", result.Method);
        Assert.Equal(ModelTask.Regression, result.Task);
        Assert.Null(result.Threshold);
        Assert.Null(result.Calibration);
        Assert.Equal(DleMetrics.All, result.Metrics);
        Assert.Equal(6, result.ReferenceChunks.Count);
        Assert.Equal(4, result.Chunks.Count);

        // The nannies' own per-row predictions, chunked by 100 rows in file order.
        var predicted = new Dictionary<string, (double[] Ref, double[] Ana)>();
        using (var r = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("dle_reference.csv")] }))
        using (var a = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("dle_analysis.csv")] }))
        {
            var rt = r.Engine.Query($"SELECT prediction, x1, c FROM {r.Relation}");
            var at = a.Engine.Query($"SELECT prediction, x1, c FROM {a.Relation}");
            foreach (var loss in Enum.GetValues<DleLoss>())
                predicted[loss.ToString()] = (nanny!.Models[loss].Predict(nanny.Matrix(rt, 0, 1)), nanny.Models[loss].Predict(nanny.Matrix(at, 0, 1)));
        }

        foreach (var m in result.Metrics)
        {
            var e = expected.GetProperty("metrics").GetProperty(m);
            var t = e.GetProperty("thresholds");
            foreach (var (chunks, name, rows) in new[] { (result.ReferenceChunks, "reference", predicted[DleMetrics.LossOf(m).ToString()].Ref), (result.Chunks, "analysis", predicted[DleMetrics.LossOf(m).ToString()].Ana) })
            {
                var ex = e.GetProperty(name).EnumerateArray().ToList();
                for (var i = 0; i < chunks.Count; i++)
                {
                    var what = $"{m} {name} {chunks[i].Key}";
                    var got = chunks[i].Metrics[m];
                    Assert.Equal(ex[i].GetProperty("rows").GetInt64(), chunks[i].Rows);
                    if (ex[i].GetProperty("realized").ValueKind == JsonValueKind.Null) Assert.Null(got.Realized);
                    else Fixture.Close(ex[i].GetProperty("realized").GetDouble(), got.Realized, what + " realized");
                    Fixture.Close(ex[i].GetProperty("se").GetDouble(), got.StandardError, what + " standard error");
                    var mean = rows.Skip(100 * i).Take(100).Sum() / 100;
                    Fixture.Close(DleMetrics.FromMeanLoss(m, mean), got.Estimated, what + " estimate");
                    Fixture.Close(Math.Max(0, got.Estimated!.Value - 3 * got.StandardError!.Value), got.Lower, what + " lower");
                    Fixture.Close(got.Estimated.Value + 3 * got.StandardError.Value, got.Upper, what + " upper");
                    if (t[0].ValueKind == JsonValueKind.Null) Assert.Null(got.ThresholdLower);
                    else Fixture.Close(t[0].GetDouble(), got.ThresholdLower, what + " lower threshold");
                    Fixture.Close(t[1].GetDouble(), got.ThresholdUpper, what + " upper threshold");
                    Assert.Equal(got.Estimated < (got.ThresholdLower ?? double.NegativeInfinity) || got.Estimated > got.ThresholdUpper, got.Alert);
                }
            }
        }
        Assert.Contains(result.Findings, f => f.Check == "nanny_fidelity");
        Assert.Contains(result.Assumptions, a => a.Contains("concept drift", StringComparison.Ordinal));
    }

    /// <summary>tests/fixtures/scenarios/regression_covariate_shift: longer, wetter trips, the same model. The realized
    /// values per ISO week are truth.json's; the estimated MAE rises with them and sits within its band of the
    /// realized value in most weeks.</summary>
    [Fact]
    public void Run_RegressionCovariateShift_EstimatedMaeFollowsTheRealizedRise()
    {
        var dir = Path.Combine(RepoRoot(), "tests", "fixtures", "scenarios", "regression_covariate_shift");
        var truth = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "truth.json"))).RootElement;
        var result = Run(Path.Combine(dir, "reference.csv"), Path.Combine(dir, "current.csv"), new EstimationOptions { Mapping = WithId, Chunk = new TimeChunk(ChunkUnit.Week) });
        foreach (var (chunks, side) in new[] { (result.ReferenceChunks, "reference"), (result.Chunks, "current") })
        {
            var weeks = truth.GetProperty(side).GetProperty("week").EnumerateArray().ToList();
            Assert.Equal(weeks.Count, chunks.Count);
            for (var i = 0; i < weeks.Count; i++)
            {
                Assert.Equal(weeks[i].GetProperty("start").GetString(), chunks[i].Start!.Value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                Assert.Equal(weeks[i].GetProperty("rows").GetInt64(), chunks[i].Rows);
                foreach (var m in new[] { "mae", "mse", "rmse" })
                    Fixture.Close(weeks[i].GetProperty("realized").GetProperty(m).GetDouble(), chunks[i].Metrics[m].Realized, $"{side} {chunks[i].Key} {m}");
            }
        }
        var refMae = result.ReferenceChunks.Average(c => c.Metrics["mae"].Estimated!.Value);
        var curMae = result.Chunks.Average(c => c.Metrics["mae"].Estimated!.Value);
        Assert.True(curMae > 1.25 * refMae, $"estimated MAE {refMae:0.000} → {curMae:0.000}: expected a rise of at least 25 %");
        var within = result.Chunks.Count(c => c.Metrics["mae"] is { Lower: { } lo, Upper: { } hi, Realized: { } r } && r >= lo && r <= hi);
        Assert.True(within > result.Chunks.Count / 2, $"the realized MAE is within the estimate's band in {within} of {result.Chunks.Count} weeks");
        Assert.All(result.Chunks, c => Assert.True(c.Metrics["mae"].Alert, $"{c.Key}: the estimated MAE should be above the reference's thresholds"));
        Assert.All(result.ReferenceChunks, c => Assert.False(c.Metrics["mae"].Alert));
        Assert.Contains("mae", result.Alerts.Select(a => a.Metric));
    }

    [Fact]
    public void Run_AnalysisWithoutLabelColumn_EstimatesWithoutRealizedValues()
    {
        var lines = File.ReadAllLines(Fixture.Path("dle_analysis.csv")).Select(l => l[..l.LastIndexOf(',')]);
        var path = Path.Combine(Path.GetTempPath(), "vigil-dle-tests", "unlabelled.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllLines(path, lines);
        var result = Run(Fixture.Path("dle_reference.csv"), path, new EstimationOptions { Mapping = WithId, Chunk = new RowChunk(100) });
        Assert.Equal(4, result.Chunks.Count);
        Assert.All(result.Chunks, c =>
        {
            Assert.Equal(0, c.LabelledRows);
            Assert.Null(c.Metrics["mae"].Realized);
            Assert.NotNull(c.Metrics["mae"].Estimated);
        });
        Assert.All(result.ReferenceChunks, c => Assert.NotNull(c.Metrics["mae"].Realized));
    }

    [Fact]
    public void Run_ConstantLoss_EstimatesItExactly()
    {
        // label = prediction + 2 in every row: every nanny's target is constant, and so is its prediction.
        var (reference, analysis) = Write("constant_loss", 300, 200, (i, rng) => { var p = 10 + rng.NextDouble() * 5; return (p, p + 2); });
        var result = Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Chunk = new RowChunk(100) });
        foreach (var c in result.ReferenceChunks.Concat(result.Chunks))
        {
            Assert.Equal(2, c.Metrics["mae"].Estimated!.Value, 12);
            Assert.Equal(4, c.Metrics["mse"].Estimated!.Value, 12);
            Assert.Equal(0, c.Metrics["mae"].StandardError!.Value, 12);
        }
        Assert.Contains(result.Findings, f => f.Check == "nanny_fidelity" && f.Message.Contains("n/a (constant)", StringComparison.Ordinal));
    }

    [Fact]
    public void Run_ConstantTarget_Estimates()
    {
        var (reference, analysis) = Write("constant_target", 300, 200, (i, rng) => (8 + rng.NextDouble() * 4, 10.0));
        var result = Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Chunk = new RowChunk(100) });
        Assert.Equal(2, result.Chunks.Count);
        Assert.All(result.Chunks, c => Assert.InRange(c.Metrics["mae"].Estimated!.Value, 0.5, 1.5));
    }

    [Fact]
    public void Run_SingleRowChunk_IsAClearError()
    {
        var (reference, analysis) = Write("single_row", 300, 101, (i, rng) => { var p = 10 + rng.NextDouble(); return (p, p + rng.NextDouble() - 0.5); });
        var e = Assert.Throws<VigilInputException>(() => Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Chunk = new RowChunk(100) }));
        Assert.Contains("rows 101–101 has 1 rows", e.Message, StringComparison.Ordinal);
        Assert.Contains("--min-chunk-rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_NoFeatures_TheNannyLearnsFromThePredictionAlone()
    {
        var (reference, analysis) = Write("no_features", 400, 200, (i, rng) => { var p = 1 + rng.NextDouble() * 9; return (p, p + p * 0.3 * (rng.NextDouble() - 0.5)); }, features: false);
        var result = Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Chunk = new RowChunk(100) });
        Assert.Empty(result.Columns.Features);
        Assert.All(result.Chunks, c => Assert.NotNull(c.Metrics["mae"].Estimated));
    }

    [Fact]
    public void Run_IdentifierLikeTextFeature_IsLeftOutAndSaidSo()
    {
        var (reference, analysis) = Write("ticket", 300, 200, (i, rng) => { var p = 10 + rng.NextDouble(); return (p, p + rng.NextDouble() - 0.5); }, ticket: true);
        var result = Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Chunk = new RowChunk(100) });
        Assert.Contains(result.Findings, f => f.Check == "feature_ignored" && f.Message.Contains("ticket", StringComparison.Ordinal));
        Assert.All(result.Chunks, c => Assert.NotNull(c.Metrics["mae"].Estimated));
    }

    [Fact]
    public void Run_NegativeTargets_SkipsTheLogErrorsOrRefusesThem()
    {
        var (reference, analysis) = Write("negative", 300, 200, (i, rng) => { var p = rng.NextDouble() * 4 - 2; return (p, p + rng.NextDouble() - 0.5); });
        var result = Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Chunk = new RowChunk(100) });
        Assert.DoesNotContain("msle", result.Metrics);
        Assert.DoesNotContain("rmsle", result.Metrics);
        Assert.Contains(result.Findings, f => f.Check == "metric_skipped");
        var e = Assert.Throws<VigilInputException>(() => Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Chunk = new RowChunk(100), Metrics = ["mae", "msle"] }));
        Assert.Contains("--metrics msle", e.Message, StringComparison.Ordinal);
        var bad = Assert.Throws<VigilInputException>(() => Run(reference, analysis, new EstimationOptions { Mapping = Mapping, Metrics = ["roc_auc"] }));
        Assert.Contains("not a metric DLE estimates", bad.Message, StringComparison.Ordinal);
    }

    private static (string Reference, string Analysis) Write(string name, int refRows, int anaRows, Func<int, Random, (double Prediction, double Label)> row, bool features = true, bool ticket = false)
    {
        var dir = Path.Combine(Path.GetTempPath(), "vigil-dle-tests", name);
        Directory.CreateDirectory(dir);
        var rng = new Random(7);
        string File(string file, int n)
        {
            var sb = new StringBuilder((ticket ? "ticket," : "") + (features ? "timestamp,x1,c,prediction,label\n" : "timestamp,prediction,label\n"));
            for (var i = 0; i < n; i++)
            {
                var (p, y) = row(i, rng);
                var ts = new DateTime(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddMinutes(i).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
                if (ticket) sb.Append(file[0]).Append("-t").Append(i.ToString(CultureInfo.InvariantCulture)).Append(',');
                sb.Append(ts).Append(',');
                if (features) sb.Append((rng.NextDouble() * 3).ToString("0.###", CultureInfo.InvariantCulture)).Append(',').Append("abc"[i % 3]).Append(',');
                sb.Append(p.ToString("R", CultureInfo.InvariantCulture)).Append(',').Append(y.ToString("R", CultureInfo.InvariantCulture)).Append('\n');
            }
            var path = Path.Combine(dir, file);
            System.IO.File.WriteAllText(path, sb.ToString());
            return path;
        }
        return (File("reference.csv", refRows), File("analysis.csv", anaRows));
    }

    private static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !System.IO.File.Exists(Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("repository root not found");
    }
}
