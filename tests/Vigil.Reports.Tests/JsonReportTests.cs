using System.Text.Json;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;

namespace Vigil.Reports.Tests;

public class JsonReportTests
{
    private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement;

    private static List<string> Keys(JsonElement e) => [.. e.EnumerateObject().Select(p => p.Name)];

    [Fact]
    public void Evaluation_Binary_HasSchemaKeysInOrder()
    {
        var root = Parse(JsonReport.ToJson(Fixtures.Binary()));
        Assert.Equal(
            ["kind", "schema_version", "source", "task", "columns", "rows", "excluded", "threshold", "metrics", "undefined", "notes",
             "confusion", "curves", "threshold_table", "best_thresholds", "findings"],
            Keys(root));
        Assert.Equal("evaluation", root.GetProperty("kind").GetString());
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal("binary", root.GetProperty("task").GetString());
        Assert.Equal(1400, root.GetProperty("rows").GetInt64());
        Assert.Equal(0.5, root.GetProperty("threshold").GetDouble());
        Assert.Equal(["description", "engine", "columns"], Keys(root.GetProperty("source")));
        Assert.Equal("duckdb", root.GetProperty("source").GetProperty("engine").GetString());
        Assert.Equal(JsonValueKind.Array, root.GetProperty("source").GetProperty("columns").ValueKind);
        var cols = root.GetProperty("columns");
        Assert.Equal(["id", "timestamp", "version", "score", "label", "prediction", "features"], Keys(cols));
        Assert.Equal(JsonValueKind.Null, cols.GetProperty("prediction").ValueKind);
        Assert.Equal(Fixtures.PipeColumn, cols.GetProperty("features")[1].GetString());
        Assert.Equal(12, root.GetProperty("excluded").GetProperty("missing_label").GetInt64());
        var conf = root.GetProperty("confusion");
        Assert.Equal(["tp", "fp", "tn", "fn"], Keys(conf));
        Assert.Equal(300, conf.GetProperty("tp").GetInt64());
        Assert.Equal(100, conf.GetProperty("fn").GetInt64());
    }

    [Fact]
    public void Evaluation_Metrics_KeepOrder_UndefinedIsNullWithReason_NotesSeparate()
    {
        var r = Fixtures.Binary();
        var root = Parse(JsonReport.ToJson(r));
        var metrics = root.GetProperty("metrics");
        Assert.Equal(r.Metrics.Select(m => m.Name).ToList(), Keys(metrics));
        Assert.Equal(JsonValueKind.Null, metrics.GetProperty("mcc").ValueKind);
        Assert.Equal("only one class predicted", root.GetProperty("undefined").GetProperty("mcc").GetString());
        Assert.Equal("zero_division=0: no predicted positives", root.GetProperty("notes").GetProperty("precision").GetString());
        Assert.False(root.GetProperty("undefined").TryGetProperty("precision", out _));
        Assert.Equal(0.0, metrics.GetProperty("precision").GetDouble());
    }

    [Fact]
    public void Evaluation_NonFiniteNumbers_AreNull_AndListedAsUndefined()
    {
        var root = Parse(JsonReport.ToJson(Fixtures.Binary()));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("metrics").GetProperty("log_loss").ValueKind);
        Assert.True(root.GetProperty("undefined").TryGetProperty("log_loss", out _));

        var reg = Parse(JsonReport.ToJson(Fixtures.Regression()));
        var last = reg.GetProperty("residuals").GetProperty("sample").EnumerateArray().Last();
        Assert.Equal(JsonValueKind.Null, last.GetProperty("prediction").ValueKind);
        Assert.Equal(1.0, last.GetProperty("residual").GetDouble());
    }

    [Fact]
    public void Evaluation_Doubles_RoundTripExactly()
    {
        var r = Fixtures.Binary();
        string json = JsonReport.ToJson(r);
        var root = Parse(json);
        Assert.Equal(Fixtures.RocAuc, root.GetProperty("metrics").GetProperty("roc_auc").GetDouble());
        Assert.Equal(0.1 + 0.2, root.GetProperty("metrics").GetProperty("accuracy").GetDouble());
        Assert.Equal(1e-20, root.GetProperty("metrics").GetProperty("brier_score").GetDouble());
        Assert.Contains("0.30000000000000004", json, StringComparison.Ordinal);
        var roc = root.GetProperty("curves").GetProperty("roc").EnumerateArray().ToList();
        Assert.Equal(50, roc.Count);
        for (int i = 0; i < roc.Count; i++)
        {
            Assert.Equal(r.Curves!.Roc[i].Threshold, roc[i].GetProperty("threshold").GetDouble());
            Assert.Equal(r.Curves.Roc[i].Fpr, roc[i].GetProperty("fpr").GetDouble());
            Assert.Equal(r.Curves.Roc[i].Tpr, roc[i].GetProperty("tpr").GetDouble());
        }
    }

    [Fact]
    public void Evaluation_Curves_Tables_And_BestThresholds_HaveDocumentedShape()
    {
        var root = Parse(JsonReport.ToJson(Fixtures.Binary()));
        var curves = root.GetProperty("curves");
        Assert.Equal(["roc", "pr", "calibration"], Keys(curves));
        Assert.Equal(["threshold", "precision", "recall"], Keys(curves.GetProperty("pr")[0]));
        Assert.Equal(["lower", "upper", "count", "mean_predicted", "fraction_positive"], Keys(curves.GetProperty("calibration")[0]));
        Assert.Equal(10, curves.GetProperty("calibration").GetArrayLength());
        var row = root.GetProperty("threshold_table")[0];
        Assert.Equal(["threshold", "confusion", "precision", "recall", "f1", "fpr", "specificity", "accuracy"], Keys(row));
        Assert.Equal(19, root.GetProperty("threshold_table").GetArrayLength());
        var best = root.GetProperty("best_thresholds")[0];
        Assert.Equal(["criterion", "threshold", "value", "confusion"], Keys(best));
        Assert.Equal("f1", best.GetProperty("criterion").GetString());
        Assert.Equal(340, best.GetProperty("confusion").GetProperty("tp").GetInt64());
    }

    [Fact]
    public void Evaluation_Multiclass_WritesMatrixAndPerClass_OmitsBinarySections()
    {
        var root = Parse(JsonReport.ToJson(Fixtures.Multiclass()));
        Assert.Equal("multiclass", root.GetProperty("task").GetString());
        foreach (var absent in new[] { "threshold", "confusion", "curves", "threshold_table", "best_thresholds", "residuals", "segments" })
            Assert.False(root.TryGetProperty(absent, out _), absent);
        var mc = root.GetProperty("multiclass");
        Assert.Equal(["classes", "matrix", "per_class"], Keys(mc));
        Assert.Equal("<bird>", mc.GetProperty("classes")[2].GetString());
        Assert.Equal(25, mc.GetProperty("matrix")[2][1].GetInt64());
        var dog = mc.GetProperty("per_class")[1];
        Assert.Equal(["label", "support", "precision", "recall", "f1", "roc_auc"], Keys(dog));
        Assert.Equal(JsonValueKind.Null, dog.GetProperty("roc_auc").ValueKind);
    }

    [Fact]
    public void Evaluation_Regression_WritesResiduals()
    {
        var root = Parse(JsonReport.ToJson(Fixtures.Regression()));
        Assert.Equal("regression", root.GetProperty("task").GetString());
        Assert.False(root.TryGetProperty("threshold", out _));
        var res = root.GetProperty("residuals");
        Assert.Equal(["sample", "histogram"], Keys(res));
        Assert.Equal(201, res.GetProperty("sample").GetArrayLength());
        Assert.Equal(["prediction", "residual"], Keys(res.GetProperty("sample")[0]));
        Assert.Equal(["lower", "upper", "count"], Keys(res.GetProperty("histogram")[0]));
        Assert.Equal(JsonValueKind.Null, root.GetProperty("metrics").GetProperty("mape").ValueKind);
        Assert.Equal("actual values contain zero", root.GetProperty("undefined").GetProperty("mape").GetString());
    }

    [Fact]
    public void Evaluation_Segments_HaveKeyFirst_NoSourceOrKind()
    {
        var root = Parse(JsonReport.ToJson(Fixtures.Segmented()));
        var segs = root.GetProperty("segments").EnumerateArray().ToList();
        Assert.Equal(3, segs.Count);
        foreach (var s in segs)
        {
            var keys = Keys(s);
            Assert.Equal("key", keys[0]);
            Assert.Equal("task", keys[1]);
            Assert.DoesNotContain("source", keys);
            Assert.DoesNotContain("kind", keys);
            Assert.DoesNotContain("segments", keys);
        }
        Assert.Equal("DE|AT", segs[1].GetProperty("key").GetProperty("country").GetString());
        Assert.Equal(JsonValueKind.Null, segs[2].GetProperty("key").GetProperty("country").ValueKind);
        Assert.Equal(800, segs[0].GetProperty("rows").GetInt64());
        Assert.Equal("only one class in the labels", segs[2].GetProperty("undefined").GetProperty("roc_auc").GetString());
    }

    [Fact]
    public void Summary_HasSchemaKeys_IsoTimestamps_AndPeriods()
    {
        var r = Fixtures.Summary();
        var root = Parse(JsonReport.ToJson(r));
        Assert.Equal(
            ["kind", "schema_version", "source", "task", "columns", "period", "as_of", "threshold", "total_rows", "excluded_rows", "periods", "overall", "quality", "covered_from", "covered_to"],
            Keys(root));
        Assert.Equal("summary", root.GetProperty("kind").GetString());
        Assert.Equal("day", root.GetProperty("period").GetString());
        Assert.Equal("2026-01-31T06:30:00Z", root.GetProperty("as_of").GetString());
        Assert.Equal(1234, root.GetProperty("excluded_rows").GetInt64());

        var periods = root.GetProperty("periods").EnumerateArray().ToList();
        Assert.Equal(r.Periods.Count, periods.Count);
        Assert.Equal(["start", "model_version", "rows", "labeled", "positive_rate", "mean_score", "metrics", "undefined", "notes"], Keys(periods[0]));
        Assert.Equal("2026-01-01T00:00:00Z", periods[0].GetProperty("start").GetString());
        foreach (var p in periods)
            Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", p.GetProperty("start").GetString());
        var unlabeled = periods.Last();
        Assert.Equal(JsonValueKind.Null, unlabeled.GetProperty("positive_rate").ValueKind);
        Assert.Equal(JsonValueKind.Null, unlabeled.GetProperty("metrics").GetProperty("roc_auc").ValueKind);
        Assert.Equal("no labels yet", unlabeled.GetProperty("undefined").GetProperty("roc_auc").GetString());
        Assert.Equal(["roc_auc", "accuracy", "f1"], Keys(periods[0].GetProperty("metrics")));
        Assert.Equal(r.Periods[3].Metrics[0].Value, periods[3].GetProperty("metrics").GetProperty("roc_auc").GetDouble());

        var overall = root.GetProperty("overall")[0];
        Assert.Equal(["model_version", "rows", "labeled", "positive_rate", "mean_score", "metrics", "undefined", "notes"], Keys(overall));
    }

    [Fact]
    public void Summary_Quality_IssuesAndColumns()
    {
        var root = Parse(JsonReport.ToJson(Fixtures.Summary()));
        var q = root.GetProperty("quality");
        Assert.Equal(["issues", "columns"], Keys(q));
        var issues = q.GetProperty("issues").EnumerateArray().ToList();
        Assert.Equal(10, issues.Count);
        Assert.Equal(["check", "severity", "rows", "message", "examples", "column", "period"], Keys(issues[0]));
        Assert.All(issues, i => Assert.Contains(i.GetProperty("severity").GetString(), new[] { "info", "warning", "error" }));
        var missing = issues.Single(i => i.GetProperty("check").GetString() == "missing_period");
        Assert.Equal("2026-01-11T00:00:00Z", missing.GetProperty("period").GetString());
        Assert.Equal(JsonValueKind.Null, missing.GetProperty("column").ValueKind);
        var dup = issues.Single(i => i.GetProperty("check").GetString() == "duplicate_id");
        Assert.Equal("error", dup.GetProperty("severity").GetString());
        Assert.Equal(JsonValueKind.Null, dup.GetProperty("period").ValueKind);
        Assert.Equal(3, dup.GetProperty("examples").GetArrayLength());
        var col = q.GetProperty("columns")[3];
        Assert.Equal(["name", "type", "role", "nulls", "null_rate", "distinct", "constant"], Keys(col));
        Assert.Equal(JsonValueKind.Null, col.GetProperty("distinct").ValueKind);
        Assert.Equal(5e-5, col.GetProperty("null_rate").GetDouble());
        Assert.True(q.GetProperty("columns")[5].GetProperty("constant").GetBoolean());
    }

    [Fact]
    public void Timestamps_OfAnyKind_AreWrittenAsUtcWithZ()
    {
        var local = new DateTime(2026, 3, 1, 12, 0, 0, DateTimeKind.Local);
        var r = Fixtures.Summary() with
        {
            AsOf = new DateTime(2026, 2, 1, 8, 0, 0, DateTimeKind.Unspecified),
            Periods = [new PeriodSummary { Start = local, Rows = 1, Labeled = 1, Metrics = [] }],
        };
        var root = Parse(JsonReport.ToJson(r));
        Assert.Equal("2026-02-01T08:00:00Z", root.GetProperty("as_of").GetString());
        Assert.Equal(local.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ssZ", Fmt.Inv), root.GetProperty("periods")[0].GetProperty("start").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("periods")[0].GetProperty("model_version").ValueKind);
    }

    [Fact]
    public void HostileStrings_StayValidJson()
    {
        var r = Fixtures.Summary("\"quoted\" \\ \n" + Fixtures.Hostile + " \u0001");
        var root = Parse(JsonReport.ToJson(r));
        Assert.Equal("\"quoted\" \\ \n" + Fixtures.Hostile + " \u0001", root.GetProperty("overall")[1].GetProperty("model_version").GetString());
    }

    [Fact]
    public void Write_EndsWithNewline_AndUsesLf()
    {
        var w = new StringWriter();
        ReportWriter.Write(Fixtures.Binary(), ReportFormat.Json, w);
        string s = w.ToString();
        Assert.EndsWith("}\n", s, StringComparison.Ordinal);
        Assert.DoesNotContain("\r", s, StringComparison.Ordinal);
        Assert.StartsWith("{\n  \"kind\": \"evaluation\"", s, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyMetrics_WriteEmptyObjects()
    {
        var r = Fixtures.Regression() with { Metrics = Array.Empty<MetricValue>(), Residuals = null, Excluded = new Dictionary<string, long>() };
        var root = Parse(JsonReport.ToJson(r));
        Assert.Empty(Keys(root.GetProperty("metrics")));
        Assert.Empty(Keys(root.GetProperty("undefined")));
        Assert.Empty(Keys(root.GetProperty("excluded")));
        Assert.False(root.TryGetProperty("residuals", out _));
    }
}
