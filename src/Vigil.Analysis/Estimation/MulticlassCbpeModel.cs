using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>
/// Multiclass CBPE fitted once on a labelled reference, to estimate many sets of rows later (the service's
/// <c>estimated_performance</c> monitor of a multiclass model estimates each window with it): the classes and their
/// probability columns, each class's calibration, the sampling errors and the thresholds learned from the reference's
/// chunks. It is the fit <see cref="MulticlassEstimation.Run"/> makes, and <see cref="Estimate"/> is its walk of one
/// chunk, so a window estimated here equals <c>vigil estimate</c>'s estimate of a chunk holding the same rows.
/// </summary>
internal sealed class MulticlassCbpeModel
{
    private readonly MulticlassEstimation.FittedClasses _fit;

    private MulticlassCbpeModel(MulticlassEstimation.FittedClasses fit, long rows, int referenceChunks, IReadOnlyDictionary<string, (double? Lower, double? Upper)> thresholds)
    {
        _fit = fit;
        Rows = rows;
        ReferenceChunks = referenceChunks;
        Thresholds = thresholds;
    }

    /// <summary>The metrics it estimates (macro averages, and the accuracy).</summary>
    public static IReadOnlyList<string> Metrics => MulticlassEstimation.Metrics;

    /// <summary>The classes, in scikit-learn's order.</summary>
    public IReadOnlyList<string> Classes => _fit.Classes;

    /// <summary>Labelled reference rows it was fitted on.</summary>
    public long Rows { get; }

    public int ReferenceChunks { get; }

    /// <summary>Each metric's thresholds: mean ± 3σ of the reference chunks' realized values.</summary>
    public IReadOnlyDictionary<string, (double? Lower, double? Upper)> Thresholds { get; }

    /// <summary>Fits multiclass CBPE on <paramref name="reference"/> (a prediction, a label and a probability column per
    /// class, <c>proba_&lt;class&gt;</c>), learning the thresholds on the reference cut by <see cref="EstimationOptions.Chunk"/>.</summary>
    public static MulticlassCbpeModel Fit(OpenedSource reference, EstimationOptions options)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(options);
        options = options with { Metrics = MulticlassEstimation.Metrics, Mapping = options.Mapping with { Task = ModelTask.Multiclass } };
        var (fit, chunks) = MulticlassEstimation.FitModel(reference, options);
        return new MulticlassCbpeModel(fit, fit.Rows, chunks.Count, EstimationAnalysis.Thresholds(chunks, options));
    }

    /// <summary>The classes a reference holds (its labels and predictions) and checks it as <see cref="Fit"/> would,
    /// without fitting: for a config check.</summary>
    public static IReadOnlyList<string> ReferenceClasses(OpenedSource reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var options = new EstimationOptions { Mapping = new MappingOptions { Task = ModelTask.Multiclass }, Metrics = MulticlassEstimation.Metrics };
        return MulticlassEstimation.CheckReference(reference, options);
    }

    /// <summary>Every metric's estimate with its band on <paramref name="rows"/> (a prediction, the reference's
    /// probability columns, and optionally a label: the realized values are computed on the labelled rows) taken as
    /// one chunk; null when it has no row to estimate.</summary>
    public EstimatedChunk? Estimate(OpenedSource rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        return MulticlassEstimation.EstimateOne(_fit, rows, Thresholds);
    }
}

internal static partial class MulticlassEstimation
{
    /// <summary>A chunk of every row (the one chunk of a set estimated as a whole).</summary>
    internal static readonly RowChunk OneChunk = new(1_000_000_000_000);

    /// <summary>What <see cref="MulticlassCbpeModel"/> keeps of the reference's fit.</summary>
    internal sealed record FittedClasses(IReadOnlyList<string> Classes, IReadOnlyList<string> ProbabilityColumns, IsotonicCalibrator[] Calibrators,
        CbpeMulticlassSamplingError Sampling, long Rows);

    internal static IReadOnlyList<string> CheckReference(OpenedSource reference, EstimationOptions options)
    {
        var (refCols, rx, task) = EstimationAnalysis.ResolveReference(reference, options, multiclass: true);
        if (task != ModelTask.Multiclass || refCols.Prediction is null)
            throw new VigilInputException($"{reference.Description}: no prediction column ('{MappingOptions.DefaultPrediction}'); multiclass CBPE needs the model's predicted class");
        return Classes(reference, refCols, rx).Classes;
    }

    /// <summary>The reference's fit and its chunks, as <see cref="Run"/> makes them.</summary>
    internal static (FittedClasses Fit, List<WalkedChunk> Chunks) FitModel(OpenedSource reference, EstimationOptions options)
    {
        var (refCols, rx, task) = EstimationAnalysis.ResolveReference(reference, options, multiclass: true);
        if (task != ModelTask.Multiclass || refCols.Prediction is null)
            throw new VigilInputException($"{reference.Description}: no prediction column ('{MappingOptions.DefaultPrediction}'); multiclass CBPE needs the model's predicted class");
        var model = Classes(reference, refCols, rx);
        var side = NewSide(reference, Features(refCols, model), rx, model, model.ProbabilityColumns, EstimationAnalysis.Chunking(reference, options), []);
        CheckValues(side, "reference");
        var (_, calibrators, sampling) = Fit(side, model, options);
        var chunks = Walk(side, model, calibrators);
        var rows = chunks.Sum(c => c.LabelledRows);
        return (new FittedClasses(model.Classes, model.ProbabilityColumns.Select(c => c.Name).ToList(), calibrators, sampling, rows), chunks);
    }

    /// <summary>One set as one chunk, walked with the fitted calibrators.</summary>
    internal static EstimatedChunk? EstimateOne(FittedClasses fit, OpenedSource rows, IReadOnlyDictionary<string, (double? Lower, double? Upper)> thresholds)
    {
        var mapping = new MappingOptions { Task = ModelTask.Multiclass };
        var cols = ColumnResolver.Resolve(rows.Columns, mapping, ColumnNeeds.ScoreOrPrediction, rows.Description);
        if (cols.Prediction is null)
            throw new VigilInputException($"{rows.Description}: no prediction column; multiclass CBPE estimates from the predicted class and the class probabilities");
        // The reference's own column name (proba_, prob_ or score_ and the class), else proba_ and the class.
        var probs = fit.ProbabilityColumns.Select((name, k) => rows.Columns.FirstOrDefault(c => c.Name == name)
            ?? rows.Columns.FirstOrDefault(c => c.Name == "proba_" + fit.Classes[k])
            ?? throw new VigilInputException($"{rows.Description}: no column '{name}' (the reference's probability of class '{fit.Classes[k]}'); multiclass CBPE needs every class's probability")).ToList();
        var model = new Model(fit.Classes, probs);
        var side = NewSide(rows, Features(cols, model), new RoleExpressions(rows.Dialect, rows.Description), model, probs, OneChunk, []);
        CheckValues(side, "window");
        var chunks = Walk(side, model, fit.Calibrators);
        if (chunks.Count == 0) return null;
        return EstimationAnalysis.Chunk(chunks[0], fit.Sampling.StandardError, new Dictionary<string, (double?, double?)>(thresholds, StringComparer.Ordinal), Metrics);
    }
}
