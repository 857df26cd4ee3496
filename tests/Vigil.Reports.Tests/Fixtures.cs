using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;

namespace Vigil.Reports.Tests;

/// <summary>Hand-built, realistic results for the renderer tests.</summary>
internal static class Fixtures
{
    public const string Hostile = "<script>alert(1)</script>";
    public const string PipeColumn = "<b>amount|eur</b>";
    public const double RocAuc = 0.91234567890123456; // needs 17 significant digits to round-trip

    public static readonly DateTime Day0 = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    public static SourceInfo Source => new("data/predictions-*.parquet", "duckdb", ["id", "ts", "model_version", "score", "label", "country", PipeColumn]);

    public static ColumnRoles BinaryRoles => new()
    {
        Id = "id", Timestamp = "ts", Version = "model_version", Score = "score", Label = "label", Features = ["country", PipeColumn],
    };

    public static EvaluationResult Binary(IReadOnlyList<SegmentEvaluation>? segments = null)
    {
        const int n = 50;
        var roc = new List<RocPoint>();
        var pr = new List<PrPoint>();
        for (int i = 0; i < n; i++)
        {
            double fpr = i / (double)(n - 1);
            roc.Add(new RocPoint(1 - fpr + (i == 0 ? 1e-9 : 0), fpr, 1 - Math.Pow(1 - fpr, 3.3)));
            double recall = i / (double)(n - 1);
            pr.Add(new PrPoint(1 - recall, 0.95 - 0.45 * recall * recall, recall));
        }
        var calibration = new List<CalibrationBin>();
        for (int b = 0; b < 10; b++)
            calibration.Add(new CalibrationBin(b / 10.0, (b + 1) / 10.0, 100 + 37 * b, b / 10.0 + 0.05, Math.Min(1, b / 10.0 + 0.03 + 0.01 * b)));
        var table = new List<ThresholdRow>();
        for (int k = 1; k <= 19; k++)
        {
            double t = k * 0.05;
            var c = new ConfusionCounts(400 - 15 * k, 500 - 25 * k, 500 + 25 * k, 15 * k);
            table.Add(new ThresholdRow(t, c, c.Tp / (double)(c.Tp + c.Fp), c.Tp / 400.0, 0.5 + 0.01 * k, c.Fp / 1000.0, c.Tn / 1000.0, (c.Tp + c.Tn) / 1400.0));
        }
        return new EvaluationResult
        {
            Source = Source,
            Task = ModelTask.Binary,
            Columns = BinaryRoles,
            Rows = 1400,
            Excluded = new Dictionary<string, long> { ["missing_label"] = 12, ["null_score"] = 3 },
            Threshold = 0.5,
            Metrics =
            [
                new("roc_auc", RocAuc),
                new("average_precision", 0.8765),
                new("accuracy", 0.1 + 0.2), // 0.30000000000000004
                new("precision", 0.0, "zero_division=0: no predicted positives"),
                new("recall", 0.75),
                new("f1", 0.6),
                MetricValue.Undefined("mcc", "only one class predicted"),
                new("log_loss", double.NaN),
                new("brier_score", 1e-20),
            ],
            Confusion = new ConfusionCounts(300, 120, 880, 100),
            Curves = new BinaryCurves(roc, pr, calibration),
            ThresholdTable = table,
            BestThresholds =
            [
                new BestThreshold("f1", 0.35, 0.7123, new ConfusionCounts(340, 200, 800, 60)),
                new BestThreshold("youden", 0.4, 0.55, new ConfusionCounts(320, 150, 850, 80)),
            ],
            Segments = segments,
        };
    }

    public static EvaluationResult Segmented() => Binary(
    [
        new SegmentEvaluation(new Dictionary<string, string?> { ["country"] = "FR" }, Binary() with { Rows = 800, Metrics = [new("roc_auc", 0.93), new("f1", 0.61)] }),
        new SegmentEvaluation(new Dictionary<string, string?> { ["country"] = "DE|AT" }, Binary() with { Rows = 590, Metrics = [new("roc_auc", 0.88), new("f1", 0.57)] }),
        new SegmentEvaluation(new Dictionary<string, string?> { ["country"] = null }, Binary() with { Rows = 10, Metrics = [MetricValue.Undefined("roc_auc", "only one class in the labels"), new("f1", 0.5)] }),
    ]);

    public static EvaluationResult Multiclass() => new()
    {
        Source = Source,
        Task = ModelTask.Multiclass,
        Columns = new ColumnRoles { Label = "label", Prediction = "predicted" },
        Rows = 300,
        Metrics = [new("accuracy", 0.8), new("macro_f1", 0.78), new("weighted_f1", 0.79)],
        Multiclass = new MulticlassEvaluation(
            300,
            ["cat", "dog", "<bird>"],
            [[90, 8, 2], [10, 80, 10], [5, 25, 70]],
            [new("accuracy", 0.8), new("macro_f1", 0.78)],
            [
                new ClassMetrics("cat", 100, 0.857, 0.9, 0.878, 0.95),
                new ClassMetrics("dog", 100, 0.708, 0.8, 0.751, null),
                new ClassMetrics("<bird>", 100, 0.854, 0.7, 0.769, 0.91),
            ]),
    };

    public static EvaluationResult Regression()
    {
        var sample = new List<Point>();
        for (int i = 0; i < 200; i++)
        {
            double p = 10 + i * 0.5;
            sample.Add(new Point(p, Math.Sin(i * 0.7) * 3 + (i % 7 - 3) * 0.4));
        }
        sample.Add(new Point(double.NaN, 1)); // a bad point must not break the chart or the JSON
        var hist = new List<HistogramBin>();
        for (int b = 0; b < 20; b++) hist.Add(new HistogramBin(-5 + b * 0.5, -4.5 + b * 0.5, (long)(100 * Math.Exp(-Math.Pow((b - 9.5) / 4, 2)))));
        return new EvaluationResult
        {
            Source = Source,
            Task = ModelTask.Regression,
            Columns = new ColumnRoles { Label = "actual", Prediction = "predicted" },
            Rows = 200,
            Metrics = [new("mae", 1.2345), new("rmse", 1.6), new("r2", 0.81), MetricValue.Undefined("mape", "actual values contain zero")],
            Residuals = new ResidualData(sample, hist),
        };
    }

    public static readonly int MissingDay = 10;
    public static readonly int AnomalyDay = 20;

    /// <summary>30 days; v1 on days 0–19, the second version on days 15–29; day 10 missing; the last 3 days unlabeled.</summary>
    public static SummaryResult Summary(string v2 = "v2")
    {
        var periods = new List<PeriodSummary>();
        for (int d = 0; d < 30; d++)
        {
            if (d == MissingDay) continue;
            foreach (var v in new[] { "v1", v2 })
            {
                if (v == "v1" && d >= 20) continue;
                if (v != "v1" && d < 15) continue;
                bool unlabeled = d >= 27;
                long rows = 1000 + 37 * d + (v == "v1" ? 0 : 500) + (d == AnomalyDay ? 4000 : 0);
                periods.Add(new PeriodSummary
                {
                    Start = Day0.AddDays(d),
                    ModelVersion = v,
                    Rows = rows,
                    Labeled = unlabeled ? 0 : rows - 20,
                    PositiveRate = unlabeled ? null : 0.1 + 0.002 * d,
                    MeanScore = 0.12 + 0.001 * d,
                    Metrics = unlabeled
                        ? [MetricValue.Undefined("roc_auc", "no labels yet"), MetricValue.Undefined("accuracy", "no labels yet"), MetricValue.Undefined("f1", "no labels yet")]
                        : [new("roc_auc", 0.9 - 0.001 * d + (v == "v1" ? 0 : 0.01)), new("accuracy", 0.85), new("f1", 0.6 + 0.002 * d)],
                });
            }
        }
        var issues = new List<QualityIssue>
        {
            new("volume_anomaly", Severity.Warning, 5000, "Rows on 2026-01-21 are 4.1× the median day.", [], Period: Day0.AddDays(AnomalyDay)),
            new("duplicate_id", Severity.Error, 17, "17 ids occur more than once; later occurrences were left out.", ["a1", "a2", "a3"], Column: "id"),
            new("null_score", Severity.Warning, 3, "3 rows have no score.", ["r9", "r10", "r11"], Column: "score"),
            new("missing_period", Severity.Warning, 0, "No rows on 2026-01-11.", [], Period: Day0.AddDays(MissingDay)),
            new("future_timestamp", Severity.Error, 2, "2 rows are dated after the as-of time.", ["x|1", "x2"], Column: "ts"),
            new("out_of_range_score", Severity.Error, 4, "4 scores are outside [0, 1].", ["1.7", "-0.2"], Column: "score"),
            new("invalid_label", Severity.Warning, 6, "6 labels are neither 0 nor 1.", ["yes", "2"], Column: "label"),
            new("constant_column", Severity.Info, 0, "Column is constant.", [], Column: PipeColumn),
            new("high_null_rate", Severity.Info, 420, "country is null in 12% of rows.", [], Column: "country"),
            new("late_labels", Severity.Info, 3100, "Labels for the last 3 days have not arrived.", []),
        };
        return new SummaryResult
        {
            Source = Source,
            Task = ModelTask.Binary,
            Columns = BinaryRoles,
            Period = PeriodUnit.Day,
            AsOf = new DateTime(2026, 1, 31, 6, 30, 0, DateTimeKind.Utc),
            Threshold = 0.5,
            TotalRows = 60_000,
            ExcludedRows = 1234,
            Periods = periods,
            Overall =
            [
                new PeriodSummary { ModelVersion = "v1", Rows = 25_000, Labeled = 24_600, PositiveRate = 0.11, MeanScore = 0.125, Metrics = [new("roc_auc", 0.89), new("accuracy", 0.85), new("f1", 0.61)] },
                new PeriodSummary { ModelVersion = v2, Rows = 33_766, Labeled = 28_000, PositiveRate = 0.14, MeanScore = 0.14, Metrics = [new("roc_auc", 0.9), new("accuracy", 0.86), MetricValue.Undefined("f1", "no positive labels")] },
            ],
            Quality = new QualityReport
            {
                Issues = issues,
                Columns =
                [
                    new ColumnProfile("id", "VARCHAR", "id", 0, 0, 58_000, false),
                    new ColumnProfile("ts", "TIMESTAMP", "timestamp", 0, 0, 59_000, false),
                    new ColumnProfile("model_version", "VARCHAR", "version", 0, 0, 2, false),
                    new ColumnProfile("score", "DOUBLE", "score", 3, 0.00005, null, false),
                    new ColumnProfile("label", "INTEGER", "label", 3100, 0.0516, 2, false),
                    new ColumnProfile(PipeColumn, "DOUBLE", "feature", 0, 0, 1, true),
                ],
            },
        };
    }

    /// <summary>The verdict of <see cref="Summary"/>: 3 errors, 4 warnings, 3 info, 1,234 excluded rows.</summary>
    public const string SummaryVerdict = "3 errors, 4 warnings, 3 info; 1,234 rows left out of the metrics";
}
