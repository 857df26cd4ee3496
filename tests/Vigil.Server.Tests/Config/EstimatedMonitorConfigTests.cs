using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Tests.Monitors;

namespace Vigil.Server.Tests.Config;

/// <summary><c>type: estimated_performance</c> in vigil.yaml: read as documented, and every mistake (an unknown metric,
/// a reference without labels, a binary-only metric on a regression model, …) is one line naming the file and line.</summary>
public sealed class EstimatedMonitorConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-estcfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Yaml(string task, string monitor) =>
        "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: " + task + "\n    monitors:\n      - name: est\n        type: estimated_performance\n" + monitor;

    private static string Error(string yaml) => Assert.Throws<VigilInputException>(() => ServiceConfigLoader.Parse(yaml, "vigil.yaml")).Message;

    [Fact]
    public void Monitor_ReadsAsDocumented()
    {
        var reference = EstimateData.Reference(_dir, rows: 300);
        var c = ServiceConfigLoader.Parse(Yaml("binary", $"        metric: roc_auc\n        reference: {reference}\n        window: 1d\n        chunk: day\n        min_rows: 500\n        severity: P1\n"));
        var m = c.Models[0].Monitors[0];
        Assert.Equal((MonitorType.EstimatedPerformance, "roc_auc", "P1", TimeSpan.FromDays(1), false), (m.Type, m.Metric, m.Severity, m.Window, m.HasThreshold));
        Assert.Equal((reference, 500L), (m.Estimation!.Reference, m.Estimation.MinRows));
        Assert.Equal(new TimeChunk(ChunkUnit.Day), m.Estimation.Chunk);

        var w = ServiceConfigLoader.Parse(Yaml("binary", "        metric: f1\n        reference_window: {from: 2026-11-01T00:00:00Z, to: 2026-11-08T00:00:00Z}\n        threshold: {min: 0.6}\n")).Models[0].Monitors[0];
        Assert.Equal((new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc), new DateTime(2026, 11, 8, 0, 0, 0, DateTimeKind.Utc)), (w.Estimation!.ReferenceFrom!.Value, w.Estimation.ReferenceTo!.Value));
        Assert.Equal(DateTimeKind.Utc, w.Estimation.ReferenceFrom.Value.Kind);
        Assert.Equal(0.6, w.Min);
    }

    [Fact]
    public void Mistakes_AreOneLineNamingTheFileAndLine()
    {
        var good = EstimateData.Reference(_dir, rows: 300);
        var unlabelled = Path.Combine(_dir, "unlabelled.csv");
        File.WriteAllText(unlabelled, "timestamp,prediction_score\n2026-11-01 00:00:00,0.3\n2026-11-01 00:01:00,0.7\n");
        var regression = Path.Combine(_dir, "regression.csv");
        File.WriteAllText(regression, "prediction,actual_label\n3.5,2.25\n7.25,8.5\n1.5,0.75\n");
        var counts = Path.Combine(_dir, "counts.csv");
        File.WriteAllText(counts, "prediction_score,actual_label\n0.5,2\n0.25,7\n0.75,1\n");
        (string Yaml, string Expected)[] cases =
        [
            (Yaml("binary", $"        metric: mae\n        reference: {good}\n"),
                "vigil.yaml: line 10: monitor 'est': 'mae' is not a metric CBPE estimates; expected one of roc_auc, average_precision, f1, precision, recall, specificity, accuracy"),
            (Yaml("regression", $"        metric: roc_auc\n        reference: {good}\n"),
                "vigil.yaml: line 10: monitor 'est': 'roc_auc' is not a metric DLE estimates (model 'm' is regression); expected one of mae, mse, rmse, mape, msle, rmsle"),
            (Yaml("binary", $"        metric: roc_auc\n        reference: {unlabelled}\n"),
                $"vigil.yaml: line 11: monitor 'est': {unlabelled}: the reference has no label column ('actual_label' or --label)"),
            (Yaml("binary", $"        metric: roc_auc\n        reference: {regression}\n"),
                "vigil.yaml: line 11: monitor 'est': " + regression + ": a binary classifier's reference needs a score column and 0/1 labels"),
            (Yaml("binary", $"        metric: roc_auc\n        reference: {counts}\n"),
                $"vigil.yaml: line 11: monitor 'est': {counts}: the label column 'actual_label' holds '2'"),
            (Yaml("binary", $"        metric: roc_auc\n        reference: {Path.Combine(_dir, "missing.parquet")}\n"),
                $"vigil.yaml: line 11: monitor 'est': reference: no such file '{Path.Combine(_dir, "missing.parquet")}'"),
            (Yaml("binary", "        metric: roc_auc\n"),
                "vigil.yaml: line 8: monitor 'est' needs 'reference:' (a labelled file) or 'reference_window: {from, to}'"),
            (Yaml("binary", $"        metric: roc_auc\n        reference: {good}\n        chunk: fortnight\n"),
                "vigil.yaml: line 12: chunk: 'fortnight' is not a chunk; expected hour, day, week or a number of rows"),
            (Yaml("binary", "        metric: roc_auc\n        reference_window: {from: 2026-11-08T00:00:00Z, to: 2026-11-01T00:00:00Z}\n"),
                "vigil.yaml: line 11: reference_window: 'from' must be before 'to'"),
            ("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    monitors:\n      - name: a\n        metric: roc_auc\n        reference: x.csv\n        threshold: {min: 1}\n",
                "vigil.yaml: line 10: monitor 'a': 'reference' is a key of 'type: estimated_performance' monitors"),
            (Yaml("binary", "        metric: roc_auc\n").Replace("type: estimated_performance", "type: estimate", StringComparison.Ordinal),
                "vigil.yaml: line 9: type: 'estimate' is not a monitor type; expected window (the default), estimated_performance or fairness"),
        ];
        foreach (var (yaml, expected) in cases)
        {
            var e = Error(yaml);
            Assert.StartsWith(expected, e, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", e, StringComparison.Ordinal);
        }
    }
}
