using Vigil.Analysis.Drift;
using Vigil.Analysis.Explanation;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Diagnosis;

/// <summary>Step 3, covariate shift: <c>vigil drift</c> per feature (Wasserstein for numbers, Jensen–Shannon for
/// categories, so that every feature's drift is a distance on one scale) times the feature's share of the mean |SHAP|
/// of <c>vigil explain</c>'s surrogate fitted on the reference. The score and label columns' drift ride along as
/// prediction and target drift.</summary>
internal static class DiagnosisShift
{
    public static ShiftEvidence Run(DiagnosisSide reference, DiagnosisSide current, DiagnoseOptions options, IAnalysisProgress progress)
    {
        var cur = current.Source.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        var shared = reference.Cols.Features
            .Where(f => f.Kind != ColumnKind.Timestamp && cur.TryGetValue(f.Name, out var c) && c.Kind != ColumnKind.Timestamp
                        && (f.Kind is ColumnKind.Double or ColumnKind.Int64) == (c.Kind is ColumnKind.Double or ColumnKind.Int64))
            .ToList();

        progress.Stage("Fitting a surrogate of the reference's scores (importance)");
        var explanation = ExplanationAnalysis.Run(reference.Source, new ExplainOptions
        {
            Mapping = options.Mapping,
            SampleRows = options.SampleRows,
            ShapRows = options.ShapRows,
            Seed = options.Seed,
            PlotFeatures = 0,
        });
        var shap = explanation.Features.ToDictionary(f => f.Feature, f => f.MeanAbsShap, StringComparer.Ordinal);
        var total = explanation.Features.Sum(f => f.MeanAbsShap);

        progress.Stage("Testing each feature for drift");
        var perColumn = new Dictionary<string, (string?, double?)>(StringComparer.Ordinal);
        foreach (var f in shared)
            perColumn[f.Name] = (DriftAnalysis.TypeOf(f, cur[f.Name]) == ColumnType.Numerical ? "wasserstein" : "jensenshannon", null);
        var driftColumns = shared.Select(f => f.Name).ToList();
        var score = reference.Cols.Score!.Name;
        var label = reference.Cols.Label!.Name;
        if (cur.ContainsKey(score)) driftColumns.Add(score);
        if (cur.ContainsKey(label)) driftColumns.Add(label);
        var drift = DriftAnalysis.Run(reference.Source, current.Source, new DriftOptions
        {
            Distributions = false,
            Columns = driftColumns,
            PerColumn = perColumn,
            Label = label,
            Predictions = [score],
        });
        var byName = drift.Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);

        var ranked = new List<FeatureShift>();
        foreach (var f in shared)
        {
            var d = byName[f.Name];
            var imp = shap.GetValueOrDefault(f.Name);
            var share = total > 0 ? imp / total : 0;
            var stat = d.Result?.Statistic;
            ranked.Add(new FeatureShift(f.Name, d.Method, stat, d.Result?.Threshold, d.Drifted, imp, share, (stat ?? 0) * share, 0));
        }
        ranked = ranked.OrderByDescending(r => r.Score).ThenBy(r => r.Feature, StringComparer.Ordinal)
            .Select((r, i) => r with { Rank = i + 1 }).ToList();
        return new ShiftEvidence(ranked.Count(r => r.Drifted), ranked.Count, explanation.Surrogate.R2, ranked)
        {
            Prediction = byName.GetValueOrDefault(score),
            Target = byName.GetValueOrDefault(label),
        };
    }
}
