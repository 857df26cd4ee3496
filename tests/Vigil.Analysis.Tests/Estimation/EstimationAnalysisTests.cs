using System.Text.Json;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Estimation;

/// <summary>
/// vigil estimate (CBPE) on the known-truth scenarios of tools/scenarios/generate_scenarios.py. Each binary scenario
/// carries cbpe_week.json: NannyML's CBPE steps re-implemented in numpy/scikit-learn (isotonic calibration fitted on the
/// reference, expected confusion matrices, the ROC AUC estimate, NannyML's sampling errors, mean ± 3σ thresholds over
/// the reference's weeks), which Vigil must match to 1e-9 (standard errors of the ROC AUC to 1e-6: they depend on the
/// order of tied scores, which the baseline fixes to file order).
/// </summary>
public sealed class EstimationAnalysisTests
{
    internal static string Scenario(string name, string file)
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(System.IO.Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        if (d is null) throw new InvalidOperationException("the repository root (Vigil.slnx) is not above " + AppContext.BaseDirectory);
        return System.IO.Path.Combine(d.FullName, "tests", "fixtures", "scenarios", name, file);
    }

    private static readonly Columns.MappingOptions Mapping = new() { Score = "score", Label = "label", Prediction = "prediction", Id = "id" };

    internal static EstimationResult Run(string scenario, ChunkSpec? chunk, EstimationOptions? options = null, string current = "current.csv")
    {
        using var reference = SourceOpener.Open(new SourceSpec { Inputs = [Scenario(scenario, "reference.csv")] });
        using var analysis = SourceOpener.Open(new SourceSpec { Inputs = [Scenario(scenario, current)] });
        return EstimationAnalysis.Run(reference, analysis, (options ?? new EstimationOptions { Mapping = Mapping }) with { Chunk = chunk });
    }

    private static void Close(double expected, double? actual, double rtol, string what)
    {
        Assert.True(actual.HasValue, $"{what}: expected {expected:R}, got null");
        Assert.True(Math.Abs(expected - actual!.Value) <= Math.Max(rtol * Math.Abs(expected), 1e-12), $"{what}: expected {expected:R}, got {actual.Value:R}");
    }

    [Theory]
    [InlineData("covariate_shift")]
    [InlineData("concept_drift")]
    [InlineData("no_change")]
    [InlineData("mixed")]
    [InlineData("broken_pipeline")]
    public void Weekly_MatchesTheNannyMlStepsBaseline(string scenario)
    {
        var r = Run(scenario, new TimeChunk(ChunkUnit.Week));
        var expected = JsonDocument.Parse(File.ReadAllText(Scenario(scenario, "cbpe_week.json"))).RootElement;
        Assert.Equal(expected.GetProperty("calibration").GetProperty("applied").GetBoolean(), r.Calibration!.Calibrated);
        var chunks = expected.GetProperty("chunks").EnumerateArray().ToList();
        Assert.Equal(chunks.Count, r.Chunks.Count);
        for (var i = 0; i < chunks.Count; i++)
        {
            var e = chunks[i];
            var c = r.Chunks[i];
            Assert.Equal(e.GetProperty("rows").GetInt64(), c.Rows);
            Assert.Equal(DateTime.Parse(e.GetProperty("start").GetString()!, System.Globalization.CultureInfo.InvariantCulture), c.Start);
            foreach (var m in e.GetProperty("metrics").EnumerateObject())
            {
                var what = $"{scenario} {c.Key} {m.Name}";
                var got = c.Metrics[m.Name];
                var est = m.Value.TryGetProperty("estimated_unrounded", out var u) ? u : m.Value.GetProperty("estimated");
                Close(est.GetDouble(), got.Estimated, 1e-9, what + " estimated");
                // NannyML's ROC AUC sampling error depends on how tied scores are ordered (these scores have 4 decimals,
                // so ties are many); the baseline takes file order, Vigil its own: they agree to ~1e-5, not to 1e-9.
                Close(m.Value.GetProperty("sampling_error").GetDouble(), got.StandardError, m.Name == "roc_auc" ? 1e-4 : 1e-9, what + " standard error");
                Close(m.Value.GetProperty("realized").GetDouble(), got.Realized, 1e-9, what + " realized");
                Close(m.Value.GetProperty("threshold_lower").GetDouble(), got.ThresholdLower, 1e-9, what + " threshold_lower");
                Close(m.Value.GetProperty("threshold_upper").GetDouble(), got.ThresholdUpper, 1e-9, what + " threshold_upper");
                Assert.True(m.Value.GetProperty("alert").GetBoolean() == got.Alert, what + " alert");
            }
        }
    }

    /// <summary>Past <see cref="SortedScores.Limit"/> rows the scores are sorted by the engine (which spills to disk)
    /// instead of in memory: both ways give the same numbers, to the last bit.</summary>
    [Theory]
    [InlineData("mixed")]
    [InlineData("broken_pipeline")]
    public void EngineSort_PastTheInMemoryLimit_GivesTheSameEstimates(string scenario)
    {
        var inMemory = Run(scenario, new TimeChunk(ChunkUnit.Week));
        EstimationResult engine;
        SortedScores.Limit = 0;
        try
        {
            engine = Run(scenario, new TimeChunk(ChunkUnit.Week));
        }
        finally
        {
            SortedScores.Limit = SortedScores.DefaultLimit;
        }
        Assert.Equal(inMemory.Calibration!.EceBefore, engine.Calibration!.EceBefore);
        Assert.Equal(inMemory.Calibration.EceAfter, engine.Calibration.EceAfter);
        Assert.Equal(inMemory.Chunks.Count, engine.Chunks.Count);
        for (var i = 0; i < inMemory.Chunks.Count; i++)
        {
            foreach (var (name, m) in inMemory.Chunks[i].Metrics)
            {
                var e = engine.Chunks[i].Metrics[name];
                Assert.True(m.Estimated.Equals(e.Estimated) && m.Realized.Equals(e.Realized) && m.StandardError.Equals(e.StandardError),
                    $"{scenario} chunk {i} {name}: in memory {m.Estimated}/{m.Realized}/{m.StandardError}, engine {e.Estimated}/{e.Realized}/{e.StandardError}");
            }
        }
    }

    [Fact]
    public void CovariateShift_EstimateTracksTheRealizedValue_ConceptDrift_DoesNot()
    {
        var shift = Run("covariate_shift", new TimeChunk(ChunkUnit.Week));
        foreach (var c in shift.Chunks)
        {
            var m = c.Metrics["roc_auc"];
            Assert.InRange(m.Realized!.Value, m.Lower!.Value - 0.01, m.Upper!.Value + 0.01);
        }
        Assert.DoesNotContain(shift.Findings, f => f.Check == "realized_outside_band" && f.Examples.Contains("roc_auc"));

        var concept = Run("concept_drift", new TimeChunk(ChunkUnit.Week));
        Assert.Contains(concept.Findings, f => f.Check == "realized_outside_band" && f.Examples.Contains("roc_auc"));
        Assert.All(concept.Chunks, c => Assert.True(c.Metrics["roc_auc"].Realized < c.Metrics["roc_auc"].Estimated - 0.03, c.Key));
    }

    /// <summary>A copy of <paramref name="csv"/> with its rows in another order (the header first, then the rows sorted
    /// by their text, ordinally: "0,…", "1,…", "10,…", "100,…"; not a reversal or a rotation, which would only renumber
    /// folds by row number), and with the column <c>id</c> renamed <c>rid</c> when <paramref name="dropId"/> (then no
    /// column is the id; with <paramref name="sort"/> false the rows keep their order): a temporary file.</summary>
    internal static string Reordered(string csv, bool dropId, bool sort = true)
    {
        var lines = File.ReadAllLines(csv);
        var header = dropId ? string.Join(',', lines[0].Split(',').Select(c => c == "id" ? "rid" : c)) : lines[0];
        var path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vigil-reordered-{Guid.NewGuid():N}.csv");
        File.WriteAllLines(path, [header, .. sort ? lines.Skip(1).Order(StringComparer.Ordinal) : lines.Skip(1)]);
        return path;
    }

    private static CalibrationInfo Calibration(string reference, string current, Columns.MappingOptions mapping)
    {
        using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var a = SourceOpener.Open(new SourceSpec { Inputs = [current] });
        return EstimationAnalysis.Run(r, a, new EstimationOptions { Mapping = mapping, Chunk = new TimeChunk(ChunkUnit.Week) }).Calibration!;
    }

    /// <summary>With an id column the calibration folds are keyed on the ids' hash, not on the order the rows arrive in
    /// (none over a ClickHouse Distributed table): the same rows in another order give the same held-out ECE, to the
    /// bit. Without an id the folds follow the row order, and the same reordering moves the ECE (so the data can tell).</summary>
    [Fact]
    public void CalibrationFolds_KeyedOnTheId_DoNotDependOnTheRowOrder()
    {
        var reference = Scenario("covariate_shift", "reference.csv");
        var current = Scenario("covariate_shift", "current.csv");
        string reordered = Reordered(reference, dropId: false), reorderedNoId = Reordered(reference, dropId: true), noId = Reordered(reference, dropId: true, sort: false);
        var currentNoId = Reordered(current, dropId: true, sort: false);
        try
        {
            var byId = Calibration(reference, current, Mapping);
            var byIdReordered = Calibration(reordered, current, Mapping);
            Assert.Equal(5, byId.Folds);
            Assert.True(byId.Calibrated);
            Assert.Equal(byId.EceBefore, byIdReordered.EceBefore);
            Assert.Equal(byId.EceAfter, byIdReordered.EceAfter);
            Assert.Equal(byId.Calibrated, byIdReordered.Calibrated);

            var noIdMapping = Mapping with { Id = null };
            var byRow = Calibration(noId, currentNoId, noIdMapping);
            var byRowReordered = Calibration(reorderedNoId, currentNoId, noIdMapping);
            Assert.Equal(byRow.EceBefore, byRowReordered.EceBefore);   // the pooled raw scores: no folds
            Assert.NotEqual(byRow.EceAfter, byRowReordered.EceAfter);
            Assert.NotEqual(byId.EceAfter, byRow.EceAfter);
        }
        finally
        {
            foreach (var f in new[] { reordered, reorderedNoId, noId, currentNoId }) File.Delete(f);
        }
    }

    /// <summary>Folds keyed on ids are not equal-sized: a reference whose labelled rows all fall in one fold cannot
    /// hold any out, and is left uncalibrated (NaN ECEs) instead of failing.</summary>
    [Fact]
    public void Decide_FewerThanTwoFoldsWithRows_LeavesTheScoresUncalibrated()
    {
        var one = new Vigil.Statistics.Estimation.ScoreGroups([0.2, 0.7], [0, 1], [1, 1]);
        var d = EstimationAnalysis.Decide([one], 5);
        Assert.False(d.Calibrate);
        Assert.True(double.IsNaN(d.EceBefore) && double.IsNaN(d.EceAfter));
        Assert.Equal(1, d.Folds);
        Assert.Equal("1 of 5 folds hold rows", d.SkipReason);
        var two = EstimationAnalysis.Decide([one, new Vigil.Statistics.Estimation.ScoreGroups([0.8], [0], [1])], 5);
        Assert.Equal(2, two.Folds);
        Assert.Null(two.SkipReason);
    }

    /// <summary>End to end: the ids 0, 1, 4 and 7 all hash into fold 4 of 5 (⌊HashToUnit × 5⌋, checked against .NET's
    /// MD5 in the engine tests), so no row can be held out: the estimate runs, uncalibrated, and says why.</summary>
    [Fact]
    public void Run_ReferenceInOneFold_IsLeftUncalibrated_AndSaysWhy()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-onefold-").FullName;
        try
        {
            var reference = System.IO.Path.Combine(dir, "reference.csv");
            var current = System.IO.Path.Combine(dir, "current.csv");
            File.WriteAllText(reference, "id,timestamp,score,label\n0,2021-01-01 00:00:00,0.2,0\n1,2021-01-01 01:00:00,0.7,1\n4,2021-01-01 02:00:00,0.4,1\n7,2021-01-01 03:00:00,0.9,0\n");
            File.WriteAllText(current, "id,timestamp,score,label\n10,2021-01-02 00:00:00,0.3,\n11,2021-01-02 01:00:00,0.6,\n");
            using var r = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
            using var a = SourceOpener.Open(new SourceSpec { Inputs = [current] });
            var result = EstimationAnalysis.Run(r, a, new EstimationOptions { Mapping = Mapping with { Prediction = null }, MinChunkRows = 1 });
            var cal = result.Calibration!;
            Assert.False(cal.Calibrated);
            Assert.Equal(1, cal.Folds);
            Assert.True(double.IsNaN(cal.EceBefore) && double.IsNaN(cal.EceAfter));
            Assert.Equal("the scores were left as they are: no held-out check (1 of 5 folds hold rows)", cal.Reason);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void WithoutLabels_EstimatesAlone_AndTheDefaultIsTenChunks()
    {
        var unlabelled = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vigil-unlabelled-{Guid.NewGuid():N}.csv");
        try
        {
            using (var duck = new Vigil.Engine.DuckDb.DuckDbEngine())
                duck.Execute($"COPY (SELECT * EXCLUDE (label) FROM read_csv('{Scenario("covariate_shift", "current.csv")}')) TO '{unlabelled}' (HEADER)");
            using var reference = SourceOpener.Open(new SourceSpec { Inputs = [Scenario("covariate_shift", "reference.csv")] });
            using var analysis = SourceOpener.Open(new SourceSpec { Inputs = [unlabelled] });
            var r = EstimationAnalysis.Run(reference, analysis, new EstimationOptions { Mapping = Mapping });
            Assert.Equal(10, r.Chunks.Count);
            Assert.Equal(10, r.ReferenceChunks.Count);
            Assert.Equal(20_000, r.Chunks.Sum(c => c.Rows));
            Assert.All(r.Chunks, c => Assert.Null(c.Metrics["roc_auc"].Realized));
            Assert.All(r.Chunks, c => Assert.Equal(0, c.LabelledRows));
            Assert.All(r.ReferenceChunks, c => Assert.NotNull(c.Metrics["roc_auc"].Realized));
            Assert.Equal("prediction column", r.ThresholdSource);
            Assert.Equal(0.5, r.Threshold);
        }
        finally
        {
            File.Delete(unlabelled);
        }
    }

    [Fact]
    public void FeatureOutsideTheReferenceRange_IsAWarning_NamingIt()
    {
        var shifted = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"vigil-shifted-{Guid.NewGuid():N}.csv");
        try
        {
            using (var duck = new Vigil.Engine.DuckDb.DuckDbEngine())
                duck.Execute($"COPY (SELECT * REPLACE (income * 10 AS income) FROM read_csv('{Scenario("no_change", "current.csv")}')) TO '{shifted}' (HEADER)");
            using var reference = SourceOpener.Open(new SourceSpec { Inputs = [Scenario("no_change", "reference.csv")] });
            using var analysis = SourceOpener.Open(new SourceSpec { Inputs = [shifted] });
            var r = EstimationAnalysis.Run(reference, analysis, new EstimationOptions { Mapping = Mapping });
            var f = Assert.Single(r.Findings, f => f.Check == "outside_reference_range");
            Assert.Equal(["income"], f.Examples);
            Assert.Contains("CBPE extrapolates the calibration there", f.Message);
            Assert.True(f.Rows > 0.01 * 20_000);
        }
        finally
        {
            File.Delete(shifted);
        }
    }

    [Fact]
    public void Alerts_AreTheChunksOutsideTheThresholds()
    {
        var r = Run("covariate_shift", new TimeChunk(ChunkUnit.Week));
        var expected = r.Chunks.SelectMany(c => r.Metrics.Where(m => c.Metrics[m].Alert).Select(m => (c.Key, m))).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, r.Alerts.Select(a => (a.Chunk, a.Metric)).ToList());
        foreach (var a in r.Alerts)
            Assert.True(a.Estimated < a.ThresholdLower || a.Estimated > a.ThresholdUpper, a.Message);
    }

    [Fact]
    public void FixedThresholds_ReplaceTheLearnedOnes()
    {
        var r = Run("no_change", new TimeChunk(ChunkUnit.Week), new EstimationOptions
        {
            Mapping = Mapping,
            Metrics = ["roc_auc"],
            FixedThresholds = new Dictionary<string, (double?, double?)> { ["roc_auc"] = (0.99, null) },
        });
        Assert.All(r.Chunks, c => Assert.True(c.Metrics["roc_auc"].Alert));
        Assert.All(r.Chunks, c => Assert.Null(c.Metrics["roc_auc"].ThresholdUpper));
    }

    [Theory]
    [InlineData(0.4999, 0.5001, 0.5)]
    [InlineData(0.31, 0.34, 0.32)]
    [InlineData(0.123456, 0.123457, 0.123457)]
    [InlineData(0.2, 0.7, 0.3)]
    public void RoundestBetween_FindsTheShortestDecimal(double below, double atOrAbove, double expected) =>
        Assert.Equal(expected, EstimationAnalysis.RoundestBetween(below, atOrAbove), 12);

    [Fact]
    public void ReferenceWithoutLabels_IsRefused()
    {
        var e = Assert.Throws<VigilInputException>(() => Run("no_change", null, new EstimationOptions { Mapping = Mapping with { Label = "nope" } }));
        Assert.Contains("'nope'", e.Message);
    }
}
