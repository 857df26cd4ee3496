using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Reports.Tests.Json;

/// <summary>Results that fill every field the JSON can hold, for the contract tests.</summary>
internal static class JsonFixtures
{
    public static readonly QualityIssue ThresholdFinding = new("threshold_far_from_best", Severity.Warning, 0,
        "The decision threshold 0.5 is far from the F1-best threshold 0.125.", [], Period: Fixtures.Day0);

    /// <summary>A binary evaluation with a finding, and segments that carry findings too.</summary>
    public static EvaluationResult WithFindings()
    {
        var e = Fixtures.Segmented() with { Findings = [ThresholdFinding] };
        return e with { Segments = [.. e.Segments!.Select(s => s with { Result = s.Result with { Findings = [ThresholdFinding with { Check = "kept_rows" }] } })] };
    }

    public static ColumnDrift Amount(double statistic = 0.2) => new()
    {
        Name = "amount", Type = ColumnType.Numerical, Method = "ks", Reason = "numerical, reference ≤ 1,000 rows",
        Result = new DriftTestResult("ks", statistic, 1.2e-8, 0.05, true), ReferenceMissing = 1, CurrentMissing = 2, DistinctValues = 117,
        AdjustedPValue = 2.4e-8, Drifted = true,
        Distribution = new Distribution([0, 1, 2], null, [0.5, 0.5], [0.25, 0.75]),
        Approximation = new ReferenceApproximation(12, 0.01, 0.01, null, "the reference profile pools 12 buckets"),
    };

    public static ColumnDrift Country => new()
    {
        Name = "country", Role = "target", Type = ColumnType.Categorical, Method = "jensenshannon", Reason = "categorical",
        Result = new DriftTestResult("jensenshannon", 0.05, null, 0.1, false), ReferenceMissing = 0, CurrentMissing = 0, DistinctValues = 3,
        Distribution = new Distribution(null, ["DE", "FR"], [0.5, 0.5], [0.4, 0.6]),
    };

    public static ColumnDrift Skipped => new()
    {
        Name = "comment", Type = ColumnType.Categorical, Method = "none", Reason = "chosen (--method)",
        ReferenceMissing = 0, CurrentMissing = 0, DistinctValues = 0, Note = "ks needs numbers",
    };

    /// <summary>Drift by day with multivariate drift: the whole data does not drift, one daily chunk and one
    /// multivariate chunk do.</summary>
    public static DriftResult Drift()
    {
        var calm = new DatasetDrift(false, 1 / 3.0, 1, 3, 0.5, "fdr");
        return new DriftResult
        {
            Reference = new SourceInfo("reference.csv", "duckdb", ["amount", "country", "comment"]),
            Current = new SourceInfo("current.csv", "duckdb", ["amount", "country", "comment", "ts"]),
            ReferenceRows = 500,
            CurrentRows = 400,
            Dataset = calm,
            Columns = [Amount(), Country, Skipped],
            ChunkBy = "day",
            RowsWithoutChunk = 0,
            Chunks =
            [
                new ChunkDrift("2026-01-01", Fixtures.Day0, 0, 200, calm, [Amount(0.1), Country]),
                new ChunkDrift("2026-01-02", Fixtures.Day0.AddDays(1), 200, 200, new DatasetDrift(true, 1, 2, 2, 0.5, "fdr"), [Amount(0.3), Country]),
            ],
            Multivariate = new MultivariateDrift(2, 0.9, null, 1.5, 5, ["amount"],
                [new MultivariateChunk("2026-01-01", 200, 1.2, false), new MultivariateChunk("2026-01-02", 200, 1.7, true)]),
        };
    }

    /// <summary>Drift without chunks: only the whole data.</summary>
    public static DriftResult PlainDrift() => Drift() with { ChunkBy = null, Chunks = null, Multivariate = null };

    public static ReferenceProfile Profile() => new(
        ["reference.csv"], 500, 100,
        [
            new ProfileColumn("amount", "double", 1, NumericSummary.FromSamples(Enumerable.Range(0, 499).Select(i => i * 0.37 % 50), 10), null),
            new ProfileColumn("empty", "double", 500, NumericSummary.FromSamples([], 10), null),
            new ProfileColumn("country", "varchar", 0, null, new SortedDictionary<string, long>(StringComparer.Ordinal) { ["DE"] = 300, ["FR"] = 200 }),
        ],
        new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc));

    /// <summary>A paired comparison with an overall and one segment, every optional part filled.</summary>
    public static ComparisonResult Comparison()
    {
        MetricDifference D(double v, string test, bool higher = true) => new() { Value = v, Lower = v - 0.01, Upper = v + 0.01, PValue = 0.001, PAdjusted = 0.002, Test = test, HigherIsBetter = higher };
        VersionMetrics Side(long rows, double auc) => new()
        {
            Rows = rows, Share = 0.5, Positives = rows / 4,
            Metrics = [new("roc_auc", auc), new("log_loss", 0.4), new("f1", null, "no predicted positives")],
            Calibration = [new(0, 0.5, rows / 2, 0.2, 0.25), new(0.5, 1, rows / 2, 0.7, 0.65)],
        };
        SegmentComparison Seg(IReadOnlyDictionary<string, string?> key, string verdict) => new()
        {
            Segment = key, Baseline = Side(1000, 0.8), Candidate = Side(1000, 0.78),
            Difference = new Dictionary<string, MetricDifference> { ["roc_auc"] = D(-0.02, "DeLong paired z-test"), ["log_loss"] = D(0.01, "paired mean difference", false) with { Note = "a note" } },
            Verdict = verdict, ScoreDrift = new ScoreShift("wasserstein", 0.1, 0.001, 0.12, 0.1, true),
        };
        return new ComparisonResult
        {
            Source = Fixtures.Source, Baseline = "v1", Candidate = "v2", Task = ModelTask.Binary, Columns = Fixtures.BinaryRoles,
            Paired = true, PairedReason = "paired: both versions scored the same ids", Threshold = 0.5, PrimaryMetric = "roc_auc",
            Confidence = 0.95, Correction = "holm", SegmentBy = ["country"],
            Segments = [Seg(new Dictionary<string, string?>(), "worse"), Seg(new Dictionary<string, string?> { ["country"] = "DE" }, "worse")],
            FeatureImpact = [new FeatureImpactChange("amount", 0.3, 1, 0.1, 2, 0.2)],
            Surrogate = new ComparisonSurrogates(0.93, 0.91, 80, 75, 20000, false),
            Findings = [new QualityIssue("unpaired_rows", Severity.Info, 3, "3 rows without a partner", [])],
        };
    }

    /// <summary>A calibration search with two segments shown: a pair of values and a NULL value.</summary>
    public static SegmentsResult Segments() => new()
    {
        Metric = "calibration",
        Segments =
        [
            new SegmentHit
            {
                Segment = new Dictionary<string, string?> { ["tenure_bucket"] = "<30d", ["day_of_week"] = "Sat" },
                Rows = 2040, Value = 0.19, Complement = 0.001, Gap = 0.189, Lower = 0.17, Upper = 0.208, PValue = 1e-40, PAdjusted = 3e-39,
                Finding = "tenure_bucket = <30d and day_of_week = Sat: predicted 31.0 % churned, observed 12.0 %, 2,040 rows",
                Z = 13.3, Positives = 245, Predicted = 0.31, Observed = 0.12, Ece = 0.19, ComplementRows = 97960,
            },
            new SegmentHit
            {
                Segment = new Dictionary<string, string?> { ["plan"] = null },
                Rows = 800, Value = -0.04, Complement = 0.002, Gap = -0.042, Lower = -0.07, Upper = -0.014, PValue = 0.003, PAdjusted = 0.04,
                Finding = "plan = (null): predicted 20.0 % churned, observed 24.0 %, 800 rows",
                Z = -2.9, Positives = 192, Predicted = 0.2, Observed = 0.24, Ece = 0.05, ComplementRows = 99200,
            },
        ],
        Source = new SourceInfo("churn.parquet", "duckdb", ["tenure_bucket", "day_of_week", "plan", "prediction_score", "churned"]),
        Columns = new ColumnRoles { Score = "prediction_score", Label = "churned" },
        Rows = 100000,
        Excluded = new Dictionary<string, long> { ["missing_label"] = 12 },
        Overall = 0.003,
        Threshold = 0.5,
        Depth = 2,
        MinRows = 500,
        Alpha = 0.05,
        Searched = 120,
        Tested = 88,
        Significant = 2,
        By =
        [
            new SegmentColumn("tenure_bucket", "values", [], 0),
            new SegmentColumn("day_of_week", "values", ["Sat", "Sun"], 5),
            new SegmentColumn("plan", "quantiles", ["[0, 10)", "[10, 20]"], 0),
        ],
        Notes = ["p-values adjusted by Benjamini–Hochberg"],
    };

    /// <summary>An explanation with two sides and segments, every optional part filled.</summary>
    public static ExplanationResult Explanation()
    {
        ExplanationSurrogate S(double r2) => new(r2, 120, 3400, 20000, 50000, 2000, "logit", "prediction_score", -1.2, r2 < 0.8);
        return new ExplanationResult
        {
            Source = Fixtures.Source, Columns = Fixtures.BinaryRoles, Surrogate = S(0.96),
            Features = [new FeatureExplanation("amount", "numeric", 0.8, 1, 0.31, 0.52), new FeatureExplanation("country", "categorical", 0.2, 2, 0.05, null)],
            SegmentBy = ["region"],
            Segments = [new SegmentExplanation { Segment = new Dictionary<string, string?> { ["region"] = "north" }, Rows = 12000, ShapRows = 1200,
                Features = [new SegmentFeature("amount", 0.9, 1), new SegmentFeature("country", 0.1, 2)] }],
            Comparison = new ExplanationComparison("model_version", "v1", "v2", S(0.7), [new FeatureImpactChange("country", 0.2, 2, 0.05, 2, 0.15), new FeatureImpactChange("amount", 0.8, 1, 0.75, 1, 0.05)]),
            SummaryPlot = [new ShapSummary("amount", [new ShapPoint(0.5, 0.9), new ShapPoint(-0.3, null)]), new ShapSummary("country", [new ShapPoint(0.1, 0.25)])],
            Excluded = [new ExcludedColumn("ts", "TIMESTAMP: timestamps are not used as features")],
            Findings = [new QualityIssue("low_fidelity", Severity.Warning, 20000, "the baseline's surrogate reproduces its scores only roughly", [])],
        };
    }

    /// <summary>An estimation with a reference and an analysis chunk, an alert, a finding and every optional part filled.</summary>
    public static EstimationResult Estimation()
    {
        EstimatedMetric M(double e, double? realized, bool alert) => new()
        {
            Estimated = e, StandardError = 0.01, Lower = e - 0.03, Upper = e + 0.03, Realized = realized, ThresholdLower = 0.8, ThresholdUpper = 0.9, Alert = alert,
        };
        EstimatedChunk C(string key, DateTime start, double auc, double? realized, bool alert) => new()
        {
            Key = key, Start = start, End = start.AddDays(7), Rows = 5000, LabelledRows = realized is null ? 0 : 5000,
            Metrics = new Dictionary<string, EstimatedMetric> { ["roc_auc"] = M(auc, realized, alert), ["f1"] = M(0.85, realized is null ? null : 0.84, false) },
        };
        var week = new DateTime(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);
        return new EstimationResult
        {
            Method = "cbpe", Task = ModelTask.Binary, Source = Fixtures.Source, Reference = Fixtures.Source, Columns = Fixtures.BinaryRoles,
            Chunking = "week", Threshold = 0.5, ThresholdSource = "default",
            Calibration = new CalibrationInfo(true, 0.04, 0.01, 5, "isotonic calibration lowered the expected calibration error"),
            Metrics = ["roc_auc", "f1"],
            ReferenceChunks = [C("week of 2026-05-25", week.AddDays(-7), 0.86, 0.85, false)],
            Chunks = [C("week of 2026-06-01", week, 0.78, null, true)],
            Alerts = [new EstimationAlert("week of 2026-06-01", "roc_auc", 0.78, 0.8, 0.9, "week of 2026-06-01: estimated roc_auc 0.780 is below the lower threshold 0.800")],
            Assumptions = ["The model's scores stay calibrated."],
            Findings = [new QualityIssue("outside_reference_range", Severity.Warning, 120, "'amount': 2.4% of the analysis rows are outside the reference's range", ["amount"])],
        };
    }

    /// <summary>A multiclass CBPE estimate: classes and each class's calibration, no threshold.</summary>
    public static EstimationResult EstimationMulticlass() => Estimation() with
    {
        Task = ModelTask.Multiclass,
        Threshold = null,
        ThresholdSource = null,
        Calibration = null,
        Classes = ["a", "b", "c"],
        ClassCalibration =
        [
            new ClassCalibrationInfo("a", "proba_a", true, 0.012, 0.006),
            new ClassCalibrationInfo("b", "proba_b", false, 0.004, 0.005),
            new ClassCalibrationInfo("c", "proba_c", true, 0.02, 0.01),
        ],
    };
}
