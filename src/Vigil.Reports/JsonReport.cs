using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;

namespace Vigil.Reports;

/// <summary>Writes results as the stable JSON documents of docs/json-schema.md (schema_version 1):
/// snake_case keys, metrics in the analysis' order, null for undefined and non-finite numbers,
/// doubles in shortest round-trip form, timestamps ISO-8601 UTC with Z. Written by hand with
/// <see cref="Utf8JsonWriter"/>, so the schema does not depend on a serializer's conventions.</summary>
internal static class JsonReport
{
    public const int SchemaVersion = 1;

    private static readonly JsonWriterOptions Options = new()
    {
        Indented = true,
        NewLine = "\n",
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    public static string ToJson(EvaluationResult r) => Render(j => Evaluation(j, r, top: true));

    public static string ToJson(SummaryResult r) => Render(j => Summary(j, r));

    public static void Write(EvaluationResult r, TextWriter w) => w.Write(ToJson(r) + "\n");

    public static void Write(SummaryResult r, TextWriter w) => w.Write(ToJson(r) + "\n");

    internal static string Render(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        using (var j = new Utf8JsonWriter(buffer, Options))
        {
            body(j);
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // ---- evaluation ----

    private static void Evaluation(Utf8JsonWriter j, EvaluationResult r, bool top)
    {
        j.WriteStartObject();
        if (top)
        {
            j.WriteString("kind", "evaluation");
            j.WriteNumber("schema_version", SchemaVersion);
            Source(j, r.Source);
        }
        EvaluationBody(j, r);
        if (top && r.Segments is { } segments)
        {
            j.WriteStartArray("segments");
            foreach (var s in segments)
            {
                // A segment is an evaluation object with a "key" first and no kind, schema_version, source or segments.
                j.WriteStartObject();
                j.WriteStartObject("key");
                foreach (var kv in s.Key) j.WriteString(kv.Key, kv.Value);
                j.WriteEndObject();
                EvaluationBody(j, s.Result);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        j.WriteEndObject();
    }

    private static void EvaluationBody(Utf8JsonWriter j, EvaluationResult r)
    {
        j.WriteString("task", Fmt.Task(r.Task));
        Columns(j, r.Columns);
        j.WriteNumber("rows", r.Rows);
        j.WriteStartObject("excluded");
        foreach (var kv in r.Excluded) j.WriteNumber(kv.Key, kv.Value);
        j.WriteEndObject();
        if (r.Threshold is { } th) Number(j, "threshold", th);
        Metrics(j, r.Metrics);

        if (r.Confusion is { } c)
        {
            j.WritePropertyName("confusion");
            Confusion(j, c);
        }
        if (r.Curves is { } curves)
        {
            j.WriteStartObject("curves");
            j.WriteStartArray("roc");
            foreach (var p in curves.Roc)
            {
                j.WriteStartObject();
                Number(j, "threshold", p.Threshold);
                Number(j, "fpr", p.Fpr);
                Number(j, "tpr", p.Tpr);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteStartArray("pr");
            foreach (var p in curves.PrecisionRecall)
            {
                j.WriteStartObject();
                Number(j, "threshold", p.Threshold);
                Number(j, "precision", p.Precision);
                Number(j, "recall", p.Recall);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteStartArray("calibration");
            foreach (var b in curves.Calibration)
            {
                j.WriteStartObject();
                Number(j, "lower", b.Lower);
                Number(j, "upper", b.Upper);
                j.WriteNumber("count", b.Count);
                Number(j, "mean_predicted", b.MeanPredicted);
                Number(j, "fraction_positive", b.FractionPositive);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        if (r.ThresholdTable is { } table)
        {
            j.WriteStartArray("threshold_table");
            foreach (var row in table)
            {
                j.WriteStartObject();
                Number(j, "threshold", row.Threshold);
                j.WritePropertyName("confusion");
                Confusion(j, row.Confusion);
                Number(j, "precision", row.Precision);
                Number(j, "recall", row.Recall);
                Number(j, "f1", row.F1);
                Number(j, "fpr", row.Fpr);
                Number(j, "specificity", row.Specificity);
                Number(j, "accuracy", row.Accuracy);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        if (r.BestThresholds is { } best)
        {
            j.WriteStartArray("best_thresholds");
            foreach (var b in best)
            {
                j.WriteStartObject();
                j.WriteString("criterion", b.Criterion);
                Number(j, "threshold", b.Threshold);
                Number(j, "value", b.Value);
                j.WritePropertyName("confusion");
                Confusion(j, b.Confusion);
                j.WriteEndObject();
            }
            j.WriteEndArray();
        }
        if (r.Multiclass is { } mc)
        {
            j.WriteStartObject("multiclass");
            j.WriteStartArray("classes");
            foreach (var cls in mc.Classes) j.WriteStringValue(cls);
            j.WriteEndArray();
            j.WriteStartArray("matrix");
            foreach (var row in mc.Matrix)
            {
                j.WriteStartArray();
                foreach (var n in row) j.WriteNumberValue(n);
                j.WriteEndArray();
            }
            j.WriteEndArray();
            j.WriteStartArray("per_class");
            foreach (var pc in mc.PerClass)
            {
                j.WriteStartObject();
                j.WriteString("label", pc.Label);
                j.WriteNumber("support", pc.Support);
                Number(j, "precision", pc.Precision);
                Number(j, "recall", pc.Recall);
                Number(j, "f1", pc.F1);
                Number(j, "roc_auc", pc.RocAuc);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
        if (r.Residuals is { } res)
        {
            j.WriteStartObject("residuals");
            j.WriteStartArray("sample");
            foreach (var p in res.Sample)
            {
                j.WriteStartObject();
                Number(j, "prediction", p.X);
                Number(j, "residual", p.Y);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteStartArray("histogram");
            foreach (var b in res.Histogram)
            {
                j.WriteStartObject();
                Number(j, "lower", b.Lower);
                Number(j, "upper", b.Upper);
                j.WriteNumber("count", b.Count);
                j.WriteEndObject();
            }
            j.WriteEndArray();
            j.WriteEndObject();
        }
    }

    private static void Confusion(Utf8JsonWriter j, ConfusionCounts c)
    {
        j.WriteStartObject();
        j.WriteNumber("tp", c.Tp);
        j.WriteNumber("fp", c.Fp);
        j.WriteNumber("tn", c.Tn);
        j.WriteNumber("fn", c.Fn);
        j.WriteEndObject();
    }

    // ---- summary ----

    private static void Summary(Utf8JsonWriter j, SummaryResult r)
    {
        j.WriteStartObject();
        j.WriteString("kind", "summary");
        j.WriteNumber("schema_version", SchemaVersion);
        Source(j, r.Source);
        j.WriteString("task", Fmt.Task(r.Task));
        Columns(j, r.Columns);
        j.WriteString("period", Fmt.Period(r.Period));
        j.WriteString("as_of", Fmt.Iso(r.AsOf));
        if (r.Threshold is { } th) Number(j, "threshold", th);
        j.WriteNumber("total_rows", r.TotalRows);
        j.WriteNumber("excluded_rows", r.ExcludedRows);
        j.WriteStartArray("periods");
        foreach (var p in r.Periods) Period(j, p, withStart: true);
        j.WriteEndArray();
        j.WriteStartArray("overall");
        foreach (var p in r.Overall) Period(j, p, withStart: false);
        j.WriteEndArray();

        j.WriteStartObject("quality");
        j.WriteStartArray("issues");
        foreach (var i in r.Quality.Issues)
        {
            j.WriteStartObject();
            j.WriteString("check", i.Check);
            j.WriteString("severity", Fmt.Severity(i.Severity));
            j.WriteNumber("rows", i.Rows);
            j.WriteString("message", i.Message);
            j.WriteStartArray("examples");
            foreach (var e in i.Examples) j.WriteStringValue(e);
            j.WriteEndArray();
            j.WriteString("column", i.Column);
            if (i.Period is { } t) j.WriteString("period", Fmt.Iso(t));
            else j.WriteNull("period");
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteStartArray("columns");
        foreach (var c in r.Quality.Columns)
        {
            j.WriteStartObject();
            j.WriteString("name", c.Name);
            j.WriteString("type", c.Type);
            j.WriteString("role", c.Role);
            j.WriteNumber("nulls", c.Nulls);
            Number(j, "null_rate", c.NullRate);
            if (c.Distinct is { } d) j.WriteNumber("distinct", d);
            else j.WriteNull("distinct");
            j.WriteBoolean("constant", c.Constant);
            j.WriteEndObject();
        }
        j.WriteEndArray();
        j.WriteEndObject();
        j.WriteEndObject();
    }

    private static void Period(Utf8JsonWriter j, PeriodSummary p, bool withStart)
    {
        j.WriteStartObject();
        if (withStart)
        {
            if (p.Start is { } s) j.WriteString("start", Fmt.Iso(s));
            else j.WriteNull("start");
        }
        j.WriteString("model_version", p.ModelVersion);
        j.WriteNumber("rows", p.Rows);
        j.WriteNumber("labeled", p.Labeled);
        Number(j, "positive_rate", p.PositiveRate);
        Number(j, "mean_score", p.MeanScore);
        Metrics(j, p.Metrics);
        j.WriteEndObject();
    }

    // ---- shared ----

    private static void Source(Utf8JsonWriter j, SourceInfo s)
    {
        j.WritePropertyName("source");
        SourceObject(j, s);
    }

    /// <summary>{"description", "engine", "columns"} of a source.</summary>
    internal static void SourceObject(Utf8JsonWriter j, SourceInfo s)
    {
        j.WriteStartObject();
        j.WriteString("description", s.Description);
        j.WriteString("engine", s.Engine);
        j.WriteStartArray("columns");
        foreach (var c in s.Columns) j.WriteStringValue(c);
        j.WriteEndArray();
        j.WriteEndObject();
    }

    private static void Columns(Utf8JsonWriter j, ColumnRoles c)
    {
        j.WriteStartObject("columns");
        j.WriteString("id", c.Id);
        j.WriteString("timestamp", c.Timestamp);
        j.WriteString("version", c.Version);
        j.WriteString("score", c.Score);
        j.WriteString("label", c.Label);
        j.WriteString("prediction", c.Prediction);
        j.WriteStartArray("features");
        foreach (var f in c.Features) j.WriteStringValue(f);
        j.WriteEndArray();
        j.WriteEndObject();
    }

    /// <summary>"metrics" (name → value or null, in order), "undefined" (name → reason) and "notes" (name → note).</summary>
    private static void Metrics(Utf8JsonWriter j, IReadOnlyList<MetricValue> metrics)
    {
        j.WriteStartObject("metrics");
        foreach (var m in metrics) Number(j, m.Name, m.Value);
        j.WriteEndObject();
        j.WriteStartObject("undefined");
        foreach (var m in metrics)
            if (m.Value is null || !double.IsFinite(m.Value.Value))
                j.WriteString(m.Name, m.Note ?? (m.Value is null ? "undefined" : "not a finite number"));
        j.WriteEndObject();
        j.WriteStartObject("notes");
        foreach (var m in metrics)
            if (m.Value is { } v && double.IsFinite(v) && m.Note is not null)
                j.WriteString(m.Name, m.Note);
        j.WriteEndObject();
    }

    /// <summary>A number, or null when absent or not finite (JSON has no NaN or Infinity).</summary>
    internal static void Number(Utf8JsonWriter j, string name, double? v)
    {
        if (v is { } x && double.IsFinite(x)) j.WriteNumber(name, x);
        else j.WriteNull(name);
    }
}
