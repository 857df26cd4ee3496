using System.Text.Json;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Diagnosis;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Diagnosis;

/// <summary>The known-truth scenarios of tools/scenarios/generate_scenarios.py (a credit-default model, 20,000 rows a
/// side, written by another generator than this command's own fixtures): each binary scenario's truth.json names the
/// verdict diagnose must reach.</summary>
public sealed class SharedScenarioTests
{
    private static string PathOf(string name, string file) => Estimation.EstimationAnalysisTests.Scenario(name, file);

    [Theory]
    [InlineData("no_change")]
    [InlineData("covariate_shift")]
    [InlineData("concept_drift")]
    [InlineData("broken_pipeline")]
    [InlineData("mixed")]
    public void Verdict_MatchesTheScenarioTruth(string scenario)
    {
        var truth = JsonDocument.Parse(File.ReadAllText(PathOf(scenario, "truth.json"))).RootElement.GetProperty("expected_verdict").GetString();
        using var reference = SourceOpener.Open(new SourceSpec { Inputs = [PathOf(scenario, "reference.csv")] });
        using var current = SourceOpener.Open(new SourceSpec { Inputs = [PathOf(scenario, "current.csv")] });
        var r = DiagnosisAnalysis.Run(reference, current, new DiagnoseOptions
        {
            Mapping = new MappingOptions { Id = "id", Score = "score", Label = "label" },
            SampleRows = 20_000,
            ShapRows = 300,
        });
        Assert.True(truth == r.Verdict, $"{scenario}: expected {truth}, got {r.Verdict}; rule: {r.Rule}");
        if (scenario == "broken_pipeline")
            Assert.Contains(r.Steps[1].Evidence.Quality!.Issues, i => i.Column == "utilization" && i.Severity == Vigil.Analysis.Results.Severity.Error);
    }
}
