using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Explanation;

/// <summary>Feature impact for <c>vigil compare --features</c>: one surrogate per version, each on a seeded sample of
/// that version's rows, and the features whose mean |SHAP| moved most.</summary>
internal static class VersionImpact
{
    /// <param name="versionExpr">The version column as text (SQL).</param>
    /// <param name="baseline">The baseline's value of it.</param>
    /// <param name="candidate">The candidate's value of it.</param>
    /// <param name="baselineName">What to call the baseline in messages.</param>
    /// <param name="candidateName">What to call the candidate in messages.</param>
    public static (IReadOnlyList<FeatureImpactChange> Changes, ComparisonSurrogates Surrogates) Run(OpenedSource source, MappingOptions mapping,
        IReadOnlyList<string> features, string versionExpr, string baseline, string candidate, string baselineName, string candidateName,
        int sampleRows, int shapRows, int seed, IAnalysisProgress progress)
    {
        var cols = ColumnResolver.Resolve(source.Columns, mapping with { Features = features }, ColumnNeeds.ScoreOrPrediction, source.Description);
        var x = new RoleExpressions(source.Dialect, source.Description);
        SampleRequest Of(string value, string name) => new(source, cols, x)
        {
            Filter = $"{versionExpr} = {source.Dialect.StringLiteral(value)}",
            FilterName = name,
            MaxRows = sampleRows,
            Seed = seed,
            Named = true,
        };
        var (sides, _) = SurrogateSides.Fit([Of(baseline, baselineName), Of(candidate, candidateName)], shapRows, seed, stage: progress.Stage);
        var (b, c) = (sides[0].Fit.Info, sides[1].Fit.Info);
        var surrogates = new ComparisonSurrogates(b.R2 ?? double.NaN, c.R2 ?? double.NaN, b.Trees, c.Trees, b.SampleRows + c.SampleRows, b.LowFidelity || c.LowFidelity);
        return (SurrogateExplainer.Changes(sides[0].Fit, sides[1].Fit), surrogates);
    }
}
