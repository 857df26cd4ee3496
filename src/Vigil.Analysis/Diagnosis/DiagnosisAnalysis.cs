using Vigil.Analysis.Comparison;
using Vigil.Analysis.Results;
using Vigil.Analysis.Segments;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Diagnosis;

/// <summary>
/// <c>vigil diagnose</c>: why a binary classifier's metric dropped between a reference and a current set. Six steps,
/// each built on an existing analysis: (1) the drop's test as <c>vigil compare</c> computes it for independent samples;
/// (2) the pipeline, with <c>vigil summary</c>'s checks and the reference's schema, ranges and categories; (3) drift
/// (<c>vigil drift</c>) × importance (<c>vigil explain</c>'s surrogate); (4) the realized metric against the one expected
/// under the current inputs (CBPE); (5) <c>vigil segments</c> on the current data; (6) the verdict and the
/// recommendation, by the rule in <see cref="DiagnosisRule"/>.
/// </summary>
internal static class DiagnosisAnalysis
{
    public static DiagnosisResult Run(OpenedSource reference, OpenedSource current, DiagnoseOptions options, IAnalysisProgress? progress = null)
        => Run(reference, current, options, r => new CbpeExpected(r.Scores, options.Threshold), progress);

    /// <summary>With an estimator of the expected performance built from the reference side (tests swap it).</summary>
    public static DiagnosisResult Run(OpenedSource reference, OpenedSource current, DiagnoseOptions options,
        Func<DiagnosisSide, IExpectedPerformance> estimator, IAnalysisProgress? progress = null)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(options);
        progress ??= NoProgress.Instance;
        if (!ComparisonMetrics.IsKnown(options.Metric))
            throw new VigilInputException($"--metric: '{options.Metric}' is not a metric; expected one of {string.Join(", ", ComparisonMetrics.Names)}");
        if (!(options.Threshold is >= 0 and <= 1)) throw new VigilInputException($"--threshold: {options.Threshold} is outside [0, 1]");

        var metricOptions = new BinaryMetricOptions { Threshold = options.Threshold };
        progress.Stage($"Reading {reference.Description}");
        var refSide = DiagnosisSides.Read(reference, options, "reference", metricOptions);
        progress.Stage($"Reading {current.Description}");
        var curSide = DiagnosisSides.Read(current, options, "current data", metricOptions);

        // 1. Is the drop real?
        progress.Stage("Testing the drop");
        var diffs = ComparisonMetrics.Differences(refSide.Summary, curSide.Summary, null,
            new ComparisonOptions { Threshold = options.Threshold, Seed = options.Seed }, options.Seed);
        var metric = MetricStep(refSide, curSide, diffs[options.Metric], options);

        // 2. The pipeline.
        progress.Stage("Checking the pipeline");
        var quality = DiagnosisQuality.Run(refSide, curSide, options, metric.ReferenceRows + metric.ReferenceExcluded.Values.Sum(),
            metric.CurrentRows + metric.CurrentExcluded.Values.Sum());

        // 3. Covariate shift.
        ReleaseMemory();
        var shift = DiagnosisShift.Run(refSide, curSide, options, progress);
        var top = shift.Ranked.Take(options.TopFeatures).Select(f => f.Feature).ToList();

        // 4. Data drift or concept drift.
        ReleaseMemory();
        progress.Stage("Estimating the expected performance (CBPE)");
        var concept = DiagnosisConcept.Run(refSide, curSide, estimator(refSide), options.Metric, top, options);

        // 5. Segments.
        ReleaseMemory();
        progress.Stage("Finding the segments that carry the drop");
        var segments = SegmentStep(curSide, options, top);

        // 6. The verdict.
        var decision = DiagnosisRule.Decide(metric, quality, shift, concept, refSide, curSide);
        var steps = new List<DiagnosisStep>
        {
            new("metric", DiagnosisFindings.Metric(metric), new DiagnosisEvidence { Metric = metric }),
            new("quality", DiagnosisFindings.Quality(quality), new DiagnosisEvidence { Quality = quality }),
            new("covariate_shift", DiagnosisFindings.Shift(shift), new DiagnosisEvidence { Shift = shift }),
            new("concept_drift", DiagnosisFindings.Concept(concept), new DiagnosisEvidence { Concept = concept }),
            new("segments", DiagnosisFindings.Segments(segments), new DiagnosisEvidence { Segments = segments }),
            new("recommendation", decision.Recommendation, new DiagnosisEvidence { Decision = new DecisionEvidence(decision.Conditions) }),
        };
        return new DiagnosisResult
        {
            Verdict = decision.Verdict,
            Recommendation = decision.Recommendation,
            Rule = decision.Rule,
            Steps = steps,
            Metric = options.Metric,
            Reference = Info(reference),
            Current = Info(current),
            Columns = refSide.Cols.Roles,
        };
    }

    private static SourceInfo Info(OpenedSource s) => new(s.Description, s.Engine.Name, s.Columns.Select(c => c.Name).ToArray());

    private static MetricDropEvidence MetricStep(DiagnosisSide r, DiagnosisSide c, MetricDifference d, DiagnoseOptions options)
    {
        double? Value(DiagnosisSide s) => s.Summary.Evaluation.Metrics.FirstOrDefault(m => m.Name == options.Metric)?.Value;
        var worse = d.Value is { } v && (d.HigherIsBetter ? v < 0 : v > 0);
        var real = worse && d.PValue is { } p && p < options.Alpha;
        var (re, ce) = (r.Summary.Evaluation, c.Summary.Evaluation);
        return new MetricDropEvidence(options.Metric, Value(r), Value(c), d.Value, d.Lower, d.Upper, d.PValue, d.Test, d.HigherIsBetter, real,
            options.Alpha, options.Threshold, re.Rows, re.Positives, ce.Rows, ce.Positives, r.Excluded, c.Excluded);
    }

    /// <summary><c>vigil segments</c> on the current data over the top features: the metric's segment test when segments
    /// has it (roc_auc, accuracy, precision, recall), else calibration.</summary>
    private static SegmentEvidence SegmentStep(DiagnosisSide current, DiagnoseOptions options, List<string> top)
    {
        var metric = SegmentMetrics.Names.Contains(options.Metric) ? options.Metric : "calibration";
        var by = top.Where(f => current.Source.Columns.Any(c => c.Name == f)).Take(3).ToList();
        if (by.Count == 0) return new SegmentEvidence(metric, by, null, []) { Note = "no feature to segment by" };
        try
        {
            var s = SegmentsAnalysis.Run(current.Source, new SegmentsOptions
            {
                Mapping = options.Mapping,
                By = by,
                Metric = metric,
                Depth = 1,
                Top = 10,
                Threshold = options.Threshold,
            });
            // Segments where the model does worse than elsewhere carry the drop; calibration gaps count either way.
            var worse = metric == "calibration" ? s.Segments : s.Segments.Where(h => h.Gap < 0).ToList();
            return new SegmentEvidence(metric, by, s.Overall, worse)
            {
                Note = worse.Count == 0 ? $"no segment of {string.Join(", ", by)} does significantly worse than the rest ({s.Tested} tested)"
                    : $"the current data's segments of {string.Join(", ", by)} that do significantly worse than the rest ({s.Tested} tested, Benjamini–Hochberg)",
            };
        }
        catch (VigilInputException e)
        {
            return new SegmentEvidence(metric, by, null, []) { Note = $"segments could not be searched: {e.Message}" };
        }
    }

    /// <summary>Between steps: each step's working arrays (the summary's rows, drift's sorted values) are garbage once
    /// it ends; an aggressive collection gives their memory back to the system, so the steps' peaks do not stack up
    /// in the process's resident memory (on 10M rows: 1.5 GB → the largest single step).</summary>
    private static void ReleaseMemory() => GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
