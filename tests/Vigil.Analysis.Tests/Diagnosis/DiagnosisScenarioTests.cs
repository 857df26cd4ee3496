using System.Text.Json;
using Vigil.Analysis.Diagnosis;
using Vigil.Analysis.Results;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Diagnosis;

/// <summary>Scenarios whose cause is known (tools/golden/generate_diagnose.py): pure covariate shift, pure concept drift,
/// a broken pipeline column, no change and a mixed case must each get their verdict; step 1's metrics match
/// scikit-learn's to 1e-9.</summary>
public sealed class DiagnosisScenarioTests
{
    private static readonly JsonElement Expected = Fixture.Json("diagnose/expected.json");

    internal static DiagnosisResult Run(string scenario, DiagnoseOptions? options = null)
    {
        using var reference = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("diagnose/reference.csv")] });
        using var current = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path($"diagnose/{scenario}.csv")] });
        return DiagnosisAnalysis.Run(reference, current, options ?? new DiagnoseOptions { ShapRows = 500 });
    }

    public static TheoryData<string> Scenarios => ["no_change", "covariate", "concept", "pipeline", "mixed"];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void Verdict_OfAKnownScenario_IsItsCause(string scenario)
    {
        var r = Run(scenario);
        var want = Expected.GetProperty(scenario).GetProperty("verdict").GetString();
        Assert.True(want == r.Verdict, $"{scenario}: expected {want}, got {r.Verdict}; rule: {r.Rule}\n" + string.Join("\n", r.Steps.Select(s => $"{s.Step}: {s.Finding}")));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void MetricStep_RocAuc_MatchesScikitLearn(string scenario)
    {
        var m = Run(scenario).Steps[0].Evidence.Metric!;
        var e = Expected.GetProperty(scenario);
        Fixture.Close(e.GetProperty("reference_roc_auc").GetDouble(), m.Reference, "reference roc_auc");
        Fixture.Close(e.GetProperty("current_roc_auc").GetDouble(), m.Current, "current roc_auc");
        Assert.Equal(e.GetProperty("current_rows").GetInt64(), m.CurrentRows);
        Assert.Equal("DeLong", m.Test.Split(' ')[0]);
    }
}
