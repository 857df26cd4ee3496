using System.Collections.Concurrent;
using System.Text.Json;
using Vigil.Analysis.Diagnosis;
using Vigil.Analysis.Results;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Tests.Diagnosis;

/// <summary>Scenarios whose cause is known (tools/golden/generate_diagnose.py): pure covariate shift, pure concept drift,
/// a broken pipeline column, no change and a mixed case must each get their verdict, with the evidence pointing at the
/// feature that was changed; step 1's metrics match scikit-learn's, and step 4's expected ROC AUC matches scikit-learn's
/// isotonic calibration with the weighted AUC, to 1e-9.</summary>
public sealed class DiagnosisScenarioTests
{
    private static readonly JsonElement Expected = Fixture.Json("diagnose/expected.json");
    private static readonly ConcurrentDictionary<string, Lazy<DiagnosisResult>> Cache = new();

    internal static DiagnosisResult Run(string scenario, DiagnoseOptions? options = null, Func<DiagnosisSide, IExpectedPerformance>? estimator = null)
    {
        using var reference = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("diagnose/reference.csv")] });
        using var current = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path($"diagnose/{scenario}.csv")] });
        var o = options ?? new DiagnoseOptions { ShapRows = 300 };
        return estimator is null ? DiagnosisAnalysis.Run(reference, current, o) : DiagnosisAnalysis.Run(reference, current, o, estimator);
    }

    /// <summary>Each scenario is diagnosed once for the tests that only read it.</summary>
    internal static DiagnosisResult Cached(string scenario) => Cache.GetOrAdd(scenario, s => new Lazy<DiagnosisResult>(() => Run(s))).Value;

    private static T Step<T>(DiagnosisResult r, Func<DiagnosisEvidence, T?> pick) where T : class =>
        r.Steps.Select(s => pick(s.Evidence)).Single(e => e is not null)!;

    public static TheoryData<string> Scenarios => ["no_change", "covariate", "concept", "pipeline", "mixed"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Verdict_OfAKnownScenario_IsItsCause(string scenario)
    {
        var r = Cached(scenario);
        var want = Expected.GetProperty(scenario).GetProperty("verdict").GetString();
        Assert.True(want == r.Verdict, $"{scenario}: expected {want}, got {r.Verdict}; rule: {r.Rule}\n" + string.Join("\n", r.Steps.Select(s => $"{s.Step}: {s.Finding}")));
        Assert.Equal(["metric", "quality", "covariate_shift", "concept_drift", "segments", "recommendation"], r.Steps.Select(s => s.Step));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void MetricAndExpected_RocAuc_MatchScikitLearn(string scenario)
    {
        var r = Cached(scenario);
        var m = Step(r, e => e.Metric);
        var e = Expected.GetProperty(scenario);
        Fixture.Close(e.GetProperty("reference_roc_auc").GetDouble(), m.Reference, "reference roc_auc");
        Fixture.Close(e.GetProperty("current_roc_auc").GetDouble(), m.Current, "current roc_auc");
        Fixture.Close(m.Current!.Value - m.Reference!.Value, m.Difference, "difference");
        Assert.Equal(e.GetProperty("current_rows").GetInt64(), m.CurrentRows);
        Assert.StartsWith("DeLong", m.Test, StringComparison.Ordinal);
        Assert.True(m.Lower < m.Difference && m.Difference < m.Upper);
        var c = Step(r, x => x.Concept);
        Fixture.Close(e.GetProperty("expected_roc_auc").GetDouble(), c.Expected, "expected roc_auc (CBPE)");
        Fixture.Close(m.Current.Value, c.Realized, "realized");
    }

    [Theory]
    [InlineData("covariate", "precision", "covariate_shift")]
    [InlineData("concept", "f1", "concept_drift")]
    public void Verdict_OnARateMetric_IsItsCause(string scenario, string metric, string verdict)
    {
        var r = Run(scenario, new DiagnoseOptions { Metric = metric, ShapRows = 300 });
        Assert.True(verdict == r.Verdict, r.Rule);
        Assert.Equal(metric, Step(r, e => e.Concept).Metric);
        var m = Step(r, e => e.Metric);
        Assert.True(m.Real);
        Assert.Contains(metric == "precision" ? "Newcombe" : "bootstrap", m.Test, StringComparison.Ordinal);
    }

    [Fact]
    public void Pipeline_UnitChange_IsAnOutOfRangeErrorOnTheBrokenColumn()
    {
        var q = Step(Cached("pipeline"), e => e.Quality);
        var error = Assert.Single(q.Issues, i => i.Severity == Severity.Error);
        Assert.Equal(("out_of_range", "x2"), (error.Check, error.Column));
        Assert.True(error.Rows > 3_500, $"{error.Rows} rows");
        var unchanged = Step(Cached("no_change"), e => e.Quality);
        Assert.Equal(0, unchanged.Errors);
        // Both sides: 4,000 rows over 28 days.
        var volume = Assert.Single(unchanged.Issues, i => i.Check == "volume_change");
        Assert.Equal(Severity.Info, volume.Severity);
        Assert.EndsWith("(1×)", volume.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Covariate_ShiftedFeatures_LeadTheRanking()
    {
        var s = Step(Cached("covariate"), e => e.Shift);
        Assert.Equal(["x1", "x2"], s.Ranked.Take(2).Select(f => f.Feature).Order());
        Assert.All(s.Ranked.Take(2), f => Assert.True(f.Drifted));
        Assert.All(s.Ranked.Skip(2), f => Assert.False(f.Drifted));
        Fixture.Close(1.0, s.Ranked.Sum(f => f.ImportanceShare), "importance shares");
        Assert.All(s.Ranked, f => Fixture.Close(f.Drift!.Value * f.ImportanceShare, f.Score, $"{f.Feature} score"));
    }

    [Theory]
    [InlineData("concept", "x1")]
    [InlineData("mixed", "x2")]
    public void Concept_TheFeatureWhoseEffectChanged_HasTheLargestOutcomeChange(string scenario, string feature)
    {
        var c = Step(Cached(scenario), e => e.Concept);
        Assert.Equal(feature, c.Features[0].Feature);
        Assert.True(c.Features[0].MaxZ > 4, $"max z {c.Features[0].MaxZ}");
        Assert.Equal(4000, c.Features[0].Bins.Sum(b => b.CurrentRows));
    }

    [Fact]
    public void Rule_RealizedAsExpected_IsCovariateShiftEvenWhenTheDataSayConcept()
    {
        // The concept scenario with an estimator that expects exactly what happened: the rule must follow step 4.
        var r = Run("concept", estimator: side => new Realized(side));
        Assert.Equal("covariate_shift", r.Verdict);
        Assert.False(Step(r, e => e.Concept).ConceptDrift);
    }

    /// <summary>Expects the current side's realized metric (read from its labels), with a tiny standard error.</summary>
    private sealed class Realized(DiagnosisSide reference) : IExpectedPerformance
    {
        private readonly CbpeExpected _inner = new(reference.Scores, 0.5);
        public string Method => "test";
        public IReadOnlyList<string> Metrics => ["roc_auc"];
        public double Calibrated(double score) => _inner.Calibrated(score);
        public double? Expected(ReadOnlySpan<ScoreCount> scores, string metric) => BinaryScoreAccumulator.Evaluate(scores).Metrics.First(m => m.Name == metric).Value;
        public double? StandardError(string metric, long rows) => 1e-3;
    }
}
