using Vigil.Analysis.Columns;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Explanation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Explanation;

/// <summary><c>vigil explain</c> on logs from tools/golden/generate_explain.py, whose score is a known function of the
/// features: logit = 2·x1 − x2 + effect(channel), with irrelevant noise_a, noise_b, device and region; and two versions
/// where v2.1 adds 2·x3. The model-free measures are checked against scikit-learn and SciPy on the same rows.</summary>
public class ExplanationAnalysisTests
{
    private static readonly string[] Irrelevant = ["noise_a", "noise_b", "device", "region"];

    private static ExplanationResult Explain(string file, ExplainOptions? options = null)
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path(file)] });
        return ExplanationAnalysis.Run(source, options ?? new ExplainOptions());
    }

    [Fact]
    public void KnownFunction_RanksTheDriversFirst_AndTheIrrelevantLast()
    {
        var r = Explain("explain_known.csv");
        Assert.Equal(["x1", "x2", "channel"], r.Features.Take(3).Select(f => f.Feature));
        Assert.Equal(Irrelevant.Order(), r.Features.Skip(3).Select(f => f.Feature).Order());
        Assert.True(r.Surrogate.R2 >= 0.9, $"fidelity R² {r.Surrogate.R2}");
        Assert.False(r.Surrogate.LowFidelity);
        Assert.Equal("logit", r.Surrogate.Target);
        Assert.Equal(3000, r.Surrogate.SampleRows);
        Assert.Equal(2000, r.Surrogate.ShapRows);
        // 2·x1 with x1 ~ N(0, 1): mean |SHAP| near 2·E|x1| = 1.6; x2 ~ U(−2, 2): near 1.
        Assert.InRange(r.Features[0].MeanAbsShap, 1.3, 1.8);
        Assert.InRange(r.Features[1].MeanAbsShap, 0.8, 1.15);
        Assert.All(r.Features.Skip(3), f => Assert.True(f.MeanAbsShap < 0.1 * r.Features[2].MeanAbsShap, $"{f.Feature}: {f.MeanAbsShap}"));
        Assert.Equal("categorical", r.Features.Single(f => f.Feature == "channel").Type);
        Assert.Null(r.Features.Single(f => f.Feature == "channel").Spearman);
        Assert.Empty(r.Excluded);
        Assert.Equal(10 - 3, r.SummaryPlot.Count);   // seven features, all plotted
        Assert.All(r.SummaryPlot, s => Assert.Equal(400, s.Points.Count));
    }

    [Fact]
    public void Shap_LocalAccuracy_HoldsOnTheSampledRows()
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("explain_known.csv")] });
        var cols = ColumnResolver.Resolve(source.Columns, new MappingOptions(), ColumnNeeds.ScoreOrPrediction, source.Description);
        var request = new SampleRequest(source, cols, new RoleExpressions(source.Dialect, source.Description));
        var (sides, _) = SurrogateSides.Fit([request], shapRows: 500, seed: 7);
        var fit = sides[0].Fit;
        Assert.Equal(500, fit.ShapRows.Length);
        var predicted = fit.Model.Predict(fit.X);
        for (var i = 0; i < fit.ShapRows.Length; i++)
        {
            var sum = fit.Info.ExpectedValue;
            for (var j = 0; j < fit.Features.Count; j++) sum += fit.Shap[i, j];
            Assert.True(Math.Abs(sum - predicted[fit.ShapRows[i]]) <= 1e-9 * Math.Max(1, Math.Abs(sum)), $"row {fit.ShapRows[i]}: Σ SHAP + E = {sum}, prediction {predicted[fit.ShapRows[i]]}");
        }
    }

    [Fact]
    public void MutualInformationAndSpearman_MatchScikitLearnAndSciPy_OnTheSameRows()
    {
        var r = Explain("explain_known.csv");
        var expected = Fixture.Json("explain_expected.json");
        Assert.Equal(expected.GetProperty("rows").GetInt64(), r.Surrogate.SampleRows);
        foreach (var p in expected.GetProperty("features").EnumerateObject())
        {
            var f = r.Features.Single(x => x.Feature == p.Name);
            Fixture.Close(p.Value.GetProperty("mutual_information").GetDouble(), f.MutualInformation, $"{p.Name} mutual information");
            var rho = p.Value.GetProperty("spearman");
            if (rho.ValueKind == System.Text.Json.JsonValueKind.Null) Assert.Null(f.Spearman);
            else Fixture.Close(rho.GetDouble(), f.Spearman, $"{p.Name} spearman");
        }
    }

    [Fact]
    public void SameSeed_GivesTheSameResult_AnotherSeedAnotherSample()
    {
        var o = new ExplainOptions { SampleRows = 1000, ShapRows = 300 };
        var a = Explain("explain_known.csv", o);
        var b = Explain("explain_known.csv", o);
        Assert.Equal(a.Surrogate, b.Surrogate);
        Assert.Equal(a.Features, b.Features);
        Assert.Equal(a.SummaryPlot.SelectMany(s => s.Points), b.SummaryPlot.SelectMany(s => s.Points));
        Assert.Equal(1000, a.Surrogate.SampleRows);
        Assert.Equal(3000, a.Surrogate.EligibleRows);
        Assert.Contains(a.Findings, f => f.Check == "sampled");
        var c = Explain("explain_known.csv", o with { Seed = 43 });
        Assert.NotEqual(a.Features.Select(f => f.MeanAbsShap), c.Features.Select(f => f.MeanAbsShap));
        Assert.Equal("x1", c.Features[0].Feature);
    }

    [Fact]
    public void Segments_GroupTheOneSurrogatesShapValues()
    {
        var r = Explain("explain_known.csv", new ExplainOptions { SegmentBy = ["region"] });
        Assert.Equal(["region"], r.SegmentBy);
        Assert.Equal(2, r.Segments.Count);
        Assert.Equal("north", r.Segments[0].Segment["region"]);   // largest first
        Assert.Equal(3000, r.Segments.Sum(s => s.Rows));
        Assert.All(r.Segments, s =>
        {
            Assert.Equal("x1", s.Features[0].Feature);
            Assert.True(s.ShapRows >= 100);
            Assert.Equal(r.Features.Count, s.Features.Count);
        });
    }

    [Fact]
    public void TwoVersions_TheFeatureWhoseEffectChanged_MovesMost()
    {
        var r = Explain("explain_versions.csv", new ExplainOptions { Baseline = "v2.0", Candidate = "v2.1" });
        var c = r.Comparison!;
        Assert.Equal("model_version", c.By);
        Assert.Equal("x3", c.Changes[0].Feature);
        Assert.True(c.Changes[0].Change > 1, $"x3 change {c.Changes[0].Change}");
        Assert.All(c.Changes.Skip(1), x => Assert.True(Math.Abs(x.Change) < 0.5 * c.Changes[0].Change, $"{x.Feature}: {x.Change}"));
        Assert.True(c.Changes[0].BaselineRank > 3);
        Assert.True(c.Changes[0].Rank <= 2);
        Assert.Equal(2500, r.Surrogate.SampleRows);
        Assert.Equal(2500, c.BaselineSurrogate.SampleRows);
    }

    [Fact]
    public void CompareBy_AColumnWithTwoValues_PicksThemInOrder()
    {
        var r = Explain("explain_versions.csv", new ExplainOptions { CompareBy = "model_version" });
        Assert.Equal(("v2.0", "v2.1"), (r.Comparison!.Baseline, r.Comparison.Candidate));
        Assert.Equal("x3", r.Comparison.Changes[0].Feature);
    }

    [Fact]
    public void Compare_WithFeatures_FillsFeatureImpact_TheChangedFeatureFirst()
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("explain_versions.csv")] });
        string[] features = ["x1", "x2", "x3", "channel", "noise_a", "device"];
        var r = ComparisonAnalysis.Run(source, new ComparisonOptions { Baseline = "v2.0", Candidate = "v2.1", Features = features, Mapping = new MappingOptions { Features = features } });
        Assert.NotNull(r.FeatureImpact);
        Assert.Equal("x3", r.FeatureImpact![0].Feature);
        Assert.True(r.FeatureImpact[0].Change > 1);
        Assert.Equal(features.Order(), r.FeatureImpact.Select(f => f.Feature).Order());
        var s = r.Surrogate!;
        Assert.True(s.BaselineR2 >= 0.9 && s.CandidateR2 >= 0.9, $"R² {s.BaselineR2}, {s.CandidateR2}");
        Assert.Equal(5000, s.SampleRows);
        Assert.False(s.LowFidelity);
    }

    [Fact]
    public void Compare_WithoutFeatures_HasNoFeatureImpact()
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("explain_versions.csv")] });
        var r = ComparisonAnalysis.Run(source, new ComparisonOptions { Baseline = "v2.0", Candidate = "v2.1" });
        Assert.Null(r.FeatureImpact);
        Assert.Null(r.Surrogate);
    }

    [Fact]
    public void IdentifierLikeAndConstantColumns_AreLeftOut_WithTheReason()
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("vigil-explain-").FullName, "log.csv");
        var rng = new Random(1);
        var lines = new List<string> { "ref,const,x,prediction_score" };
        for (var i = 0; i < 300; i++)
        {
            var x = rng.NextDouble();
            lines.Add($"r{i},k,{x.ToString("R", System.Globalization.CultureInfo.InvariantCulture)},{(0.1 + 0.8 * x).ToString("R", System.Globalization.CultureInfo.InvariantCulture)}");
        }
        File.WriteAllLines(path, lines);
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        var r = ExplanationAnalysis.Run(source, new ExplainOptions());
        Assert.Equal(["x"], r.Features.Select(f => f.Feature));
        Assert.Contains(r.Excluded, e => e.Column == "ref" && e.Reason.Contains("identifier", StringComparison.Ordinal));
        Assert.Contains(r.Excluded, e => e.Column == "const" && e.Reason.Contains("constant", StringComparison.Ordinal));
    }
}
