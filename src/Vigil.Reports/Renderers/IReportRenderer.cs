using Spectre.Console;

namespace Vigil.Reports.Renderers;

/// <summary>Everything a result type needs to be rendered in every <see cref="ReportFormat"/>. A new analysis adds its
/// result record, one implementation of this and one line in <see cref="ReportRenderers"/>; JSON needs no code of its
/// own (see <see cref="JsonReport"/>), only its type in <see cref="Json.ReportJsonContext"/> and its kind in
/// <see cref="Json.JsonContract.Kinds"/>.</summary>
internal interface IReportRenderer<in TResult>
{
    /// <summary>Tables and verdicts for a terminal.</summary>
    void Console(TResult result, IAnsiConsole console);

    /// <summary>One self-contained HTML page.</summary>
    string Html(TResult result);

    /// <summary>GitHub-flavoured Markdown.</summary>
    string Markdown(TResult result);

    /// <summary>What the JSON document serializes: the result record itself, unless the documented shape is a view of it.</summary>
    object JsonDocument(TResult result) => result!;
}

/// <summary>The renderer of each result type.</summary>
internal static class ReportRenderers
{
    private static readonly Dictionary<Type, object> All = new()
    {
        [typeof(Analysis.Results.EvaluationResult)] = new EvaluationRenderer(),
        [typeof(Analysis.Results.SummaryResult)] = new SummaryRenderer(),
        [typeof(Analysis.Results.DriftResult)] = new DriftRenderer(),
        [typeof(Analysis.Drift.ReferenceProfile)] = new ProfileRenderer(),
        [typeof(Analysis.Results.ComparisonResult)] = new ComparisonRenderer(),
        [typeof(Analysis.Results.SegmentsResult)] = new SegmentsRenderer(),
        [typeof(Analysis.Results.ExplanationResult)] = new ExplanationRenderer(),
        [typeof(Analysis.Results.DiagnosisResult)] = new DiagnosisRenderer(),
        [typeof(Analysis.Results.EstimationResult)] = new EstimationRenderer(),
        [typeof(Analysis.Results.FairnessResult)] = new FairnessRenderer(),
        [typeof(Analysis.Results.ReviewResult)] = new ReviewRenderer(),
    };

    /// <summary>The result types that have a renderer.</summary>
    public static IEnumerable<Type> Types => All.Keys;

    public static IReportRenderer<TResult> For<TResult>() =>
        All.TryGetValue(typeof(TResult), out var r) ? (IReportRenderer<TResult>)r
            : throw new NotSupportedException($"no renderer for {typeof(TResult).Name}; add one to {nameof(ReportRenderers)}");
}
