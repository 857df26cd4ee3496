using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Evaluation;

/// <summary>Detects the task when the user did not give one: a score column means a binary classifier; otherwise
/// text or boolean labels mean multiclass, real-valued labels or predictions mean regression, and integer labels mean
/// multiclass when there are at most 20 distinct values, else regression.</summary>
internal static class TaskDetector
{
    public const int MaxMulticlassClasses = 20;

    public static ModelTask Detect(OpenedSource source, ResolvedColumns cols, ModelTask? given, RoleExpressions x)
    {
        if (given is { } t)
        {
            Validate(source, cols, t);
            return t;
        }
        if (cols.Score is not null) return ModelTask.Binary;
        var label = cols.Label!;
        if (label.Kind is ColumnKind.String or ColumnKind.Boolean) return ModelTask.Multiclass;
        // Real-valued columns (DOUBLE, even when every value is whole) mean a regression.
        if (label.Kind == ColumnKind.Double || cols.Prediction?.Kind == ColumnKind.Double) return ModelTask.Regression;
        var l = x.Col(label);
        var probe = source.Engine.Query(
            $"SELECT count(DISTINCT {l}) AS k, {source.Dialect.CountIf($"{l} <> floor({l})")} AS fractional FROM {source.Relation}");
        long distinct = probe.GetInt64(0, 0), fractional = probe.GetInt64(1, 0);
        return fractional == 0 && distinct <= MaxMulticlassClasses ? ModelTask.Multiclass : ModelTask.Regression;
    }

    private static void Validate(OpenedSource source, ResolvedColumns cols, ModelTask task)
    {
        switch (task)
        {
            case ModelTask.Binary when cols.Score is null:
                throw new VigilInputException($"{source.Description}: --task binary needs a score column ('{MappingOptions.DefaultScore}' or --score)");
            case ModelTask.Multiclass or ModelTask.Regression when cols.Prediction is null:
                throw new VigilInputException($"{source.Description}: --task {task.ToString().ToLowerInvariant()} needs a prediction column ('{MappingOptions.DefaultPrediction}' or --prediction)");
        }
    }
}
