using Vigil.Analysis.Fairness;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Summary;
using Vigil.Engine;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Review;

/// <summary>The analyses a policy's requirements share, each run at most once: the evaluation (overall and per
/// segment column), the summary's data-quality checks, and drift against each reference.</summary>
internal sealed class ReviewData(OpenedSource source, MappingOptions mapping, double threshold, string? inputFormat, IAnalysisProgress? progress, long? maxShippedRows = null) : IDisposable
{
    private readonly Dictionary<string, EvaluationResult> _evaluations = [];
    private readonly Dictionary<(string, string?), DriftResult> _drifts = [];
    private readonly Dictionary<Vigil.Statistics.Fairness.DisparityMethod, FairnessResult> _fairness = [];
    private readonly List<OpenedSource> _opened = [];
    private SummaryResult? _summary;

    public double Threshold => threshold;
    public OpenedSource Source => source;
    public IReadOnlyList<(string Reference, DriftResult Result)> Drifts => [.. _drifts.Select(d => (d.Key.Item1, d.Value))];

    /// <summary>The sensitive columns of the policy's fairness requirements, audited together (with their intersection).</summary>
    public IReadOnlyList<string> FairnessAttributes { get; set; } = [];

    /// <summary>The fairness audits made, by method.</summary>
    public IReadOnlyList<FairnessResult> FairnessResults => [.. _fairness.Values];

    /// <summary>vigil fairness of every attribute of the policy's fairness requirements (and their intersection), at
    /// the policy's threshold, without proxies or mitigation (a gate reads the summaries).</summary>
    public FairnessResult Fairness(string attribute, Vigil.Statistics.Fairness.DisparityMethod method)
    {
        if (_fairness.TryGetValue(method, out var f)) return f;
        var attributes = FairnessAttributes.Contains(attribute) ? FairnessAttributes : [.. FairnessAttributes, attribute];
        f = FairnessAnalysis.Run(source, new FairnessAuditOptions
        {
            Mapping = mapping with { Task = ModelTask.Binary },
            Sensitive = attributes,
            Threshold = threshold,
            Method = method,
            Intersections = attributes.Count > 1,
            Constraint = null,
            Proxies = false,
        }, progress);
        _fairness[method] = f;
        return f;
    }

    /// <summary>The evaluation, overall (<paramref name="segmentBy"/> null) or per value of a column.</summary>
    public EvaluationResult Evaluation(string? segmentBy)
    {
        var key = segmentBy ?? "";
        if (_evaluations.TryGetValue(key, out var e)) return e;
        if (segmentBy is not null && !source.Columns.Any(c => c.Name == segmentBy))
            throw new VigilInputException($"per_segment: {source.Description} has no column '{segmentBy}'");
        e = EvaluationAnalysis.Run(source, new EvaluateOptions
        {
            Mapping = mapping with { Task = ModelTask.Binary },
            Threshold = threshold,
            SegmentBy = segmentBy is null ? [] : [new ColumnSegment(segmentBy)],
        }, progress);
        if (e.Task != ModelTask.Binary) throw new VigilInputException($"{source.Description}: vigil review checks binary classifiers (a score and 0/1 labels)");
        _evaluations[key] = e;
        return e;
    }

    public SummaryResult Summary() => _summary ??= SummaryAnalysis.Run(source, new SummaryOptions { Mapping = mapping, Threshold = threshold }, progress);

    public DriftResult Drift(string reference, string? table)
    {
        if (_drifts.TryGetValue((reference, table), out var d)) return d;
        var r = SourceOpener.Open(new SourceSpec { Inputs = [reference], Table = table, Format = inputFormat, MaxShippedRows = maxShippedRows });
        _opened.Add(r);
        d = DriftAnalysis.Run(r, source, new DriftOptions
        {
            Distributions = false,
            Timestamp = mapping.Timestamp,
            Label = mapping.Label,
            Predictions = mapping.Score is null && mapping.Prediction is null ? null : [.. new[] { mapping.Score, mapping.Prediction }.OfType<string>()],
        }, progress);
        _drifts[(reference, table)] = d;
        return d;
    }

    public void Dispose()
    {
        foreach (var o in _opened) o.Dispose();
    }
}

/// <summary><c>vigil review</c>: checks each requirement of a policy against a prediction log and gathers what the
/// model card shows.</summary>
internal static class ReviewAnalysis
{
    /// <summary>The model card's sections in order (Mitchell et al. 2019), each with the <c>model:</c> key that a
    /// person writes (null for sections Vigil fills from the analyses).</summary>
    public static readonly IReadOnlyList<(string Id, string Title, string? Key)> Sections =
    [
        ("model-details", "Model details", "description"),
        ("intended-use", "Intended use", "intended_use"),
        ("factors", "Factors", "factors"),
        ("metrics", "Metrics", null),
        ("evaluation-data", "Evaluation data", null),
        ("training-data", "Training data", "training_data"),
        ("quantitative-analyses", "Quantitative analyses", null),
        ("ethical-considerations", "Ethical considerations", "ethical_considerations"),
        ("caveats", "Caveats and recommendations", "caveats"),
    ];

    public const string ToWrite = "To be written by the model owner.";

    public static ReviewResult Run(OpenedSource source, ReviewPolicy policy, MappingOptions mapping, double threshold, string? inputFormat = null, IAnalysisProgress? progress = null,
        long? maxShippedRows = null)
    {
        using var data = new ReviewData(source, mapping, threshold, inputFormat, progress, maxShippedRows)
        {
            FairnessAttributes = [.. policy.Requirements.OfType<FairnessRequirement>().Select(f => f.Attribute).Distinct()],
        };
        var overall = data.Evaluation(null);
        var outcomes = policy.Requirements.Select(r => r.Check(data)).ToList();
        var references = data.Drifts.Select(d => new ReferenceFacts(d.Reference, d.Result.Reference.Description, d.Result.ReferenceRows, d.Result.Dataset.DriftedColumns, d.Result.Dataset.Columns)).ToList();
        var toWrite = Sections.Where(s => s.Key is { } k && !policy.Model.ContainsKey(k) && !(k == "training_data" && references.Count > 0))
            .Select(s => s.Title).ToList();
        return new ReviewResult
        {
            Passed = outcomes.All(o => o.Passed),
            Policy = policy.Path,
            Source = overall.Source,
            Rows = overall.Rows,
            Threshold = threshold,
            Requirements = outcomes,
            SectionsToWrite = toWrite,
            Card = new ModelCardFacts
            {
                Model = policy.Model,
                Metrics = overall.Metrics,
                References = references,
                SegmentColumns = [.. policy.Requirements.OfType<MetricRequirement>().Select(m => m.PerSegment).OfType<string>().Distinct()],
                FairnessGroups = data.FairnessResults.FirstOrDefault() is { } fair
                    ? [.. fair.Groups.Select(g => new FairnessGroupFacts(g.Attribute, g.Value, g.Size,
                        g.Metrics.FirstOrDefault(m => m.Name == "selection_rate")?.Value, g.Metrics.FirstOrDefault(m => m.Name == "tpr")?.Value,
                        g.Metrics.FirstOrDefault(m => m.Name == "fpr")?.Value, g.BelowMinimumSize))]
                    : [],
            },
        };
    }
}
