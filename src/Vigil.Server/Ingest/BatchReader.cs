using System.Globalization;
using System.Text.Json;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;

namespace Vigil.Server.Ingest;

/// <summary>One bad record of a refused batch: its index in the batch (0-based) and why.</summary>
internal sealed record BadRecord(int Index, string Reason);

/// <summary>
/// Reads an ingest body (a JSON array of records, or NDJSON: one record per line) and checks every record against the
/// model's schema. A batch is taken whole or not at all: any bad record refuses it, with each bad record's index and
/// reason.
/// </summary>
internal static class BatchReader
{
    /// <summary>The most records one batch may hold.</summary>
    public const int MaxRecords = 50_000;

    /// <summary>A parsed body: its records, valid while it is not disposed.</summary>
    public sealed class Parsed : IDisposable
    {
        public List<JsonElement> Items { get; } = [];
        internal List<JsonDocument> Documents { get; } = [];

        public void Dispose()
        {
            foreach (var d in Documents) d.Dispose();
        }
    }

    /// <summary>The JSON elements of a body: the items of a top-level array, or one per non-empty line.</summary>
    public static Parsed Elements(byte[] body, out string? error)
    {
        error = null;
        var parsed = new Parsed();
        var list = parsed.Items;
        var span = body.AsSpan();
        var start = 0;
        while (start < span.Length && span[start] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') start++;
        if (start == span.Length)
        {
            error = "the body is empty; expected a JSON array of records or NDJSON";
            return parsed;
        }
        try
        {
            if (span[start] == (byte)'[')
            {
                var doc = JsonDocument.Parse(body);
                parsed.Documents.Add(doc);
                foreach (var e in doc.RootElement.EnumerateArray()) list.Add(e);
                return parsed;
            }
            var line = 0;
            foreach (var raw in SplitLines(body))
            {
                line++;
                if (raw.Span.Trim(" \t\r"u8).IsEmpty) continue;
                try
                {
                    var doc = JsonDocument.Parse(raw);
                    parsed.Documents.Add(doc);
                    list.Add(doc.RootElement);
                }
                catch (JsonException e)
                {
                    error = $"line {line} is not JSON: {e.Message.Split('.')[0]}";
                    list.Clear();
                    return parsed;
                }
            }
            return parsed;
        }
        catch (JsonException e)
        {
            error = $"the body is not JSON: {e.Message.Split('.')[0]}";
            list.Clear();
            return parsed;
        }
        catch (InvalidOperationException)
        {
            error = "the body is not a JSON array of records";
            list.Clear();
            return parsed;
        }
    }

    private static IEnumerable<ReadOnlyMemory<byte>> SplitLines(byte[] body)
    {
        var start = 0;
        for (var i = 0; i <= body.Length; i++)
        {
            if (i == body.Length || body[i] == (byte)'\n')
            {
                yield return body.AsMemory(start, i - start);
                start = i + 1;
            }
        }
    }

    /// <summary>Checks prediction records; returns them, or the bad ones.</summary>
    public static (List<PredictionRecord> Records, List<BadRecord> Bad) Predictions(ModelConfig model, List<JsonElement> items, DateTime now)
    {
        var records = new List<PredictionRecord>(items.Count);
        var bad = new List<BadRecord>();
        var featureIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < model.Features.Count; k++) featureIndex[model.Features[k].Name] = k;
        for (var i = 0; i < items.Count; i++)
        {
            var e = items[i];
            try
            {
                records.Add(Prediction(model, e, now, featureIndex));
            }
            catch (FormatException ex)
            {
                bad.Add(new BadRecord(i, ex.Message));
            }
        }
        return (records, bad);
    }

    private static PredictionRecord Prediction(ModelConfig model, JsonElement e, DateTime now, Dictionary<string, int> featureIndex)
    {
        if (e.ValueKind != JsonValueKind.Object) throw new FormatException("a record must be a JSON object");
        string? id = null, version = null;
        DateTime? ts = null;
        double? score = null, latency = null;
        object? prediction = null, label = null;
        bool? error = null;
        var numbers = new double[model.Features.Count];
        Array.Fill(numbers, double.NaN);
        var texts = new string?[model.Features.Count];
        double[]? probabilities = null;
        foreach (var p in e.EnumerateObject())
        {
            switch (p.Name)
            {
                case "id": id = Id(p.Value); break;
                case "timestamp": ts = Timestamp(p.Value, "timestamp"); break;
                case "version": version = p.Value.ValueKind == JsonValueKind.Null ? null : Text(p.Value, "version"); break;
                case "score":
                    if (model.Task != ModelTask.Binary) throw new FormatException($"'score' is for binary models; '{model.Name}' is {Task(model.Task)} and takes 'prediction'");
                    score = Number(p.Value, "score");
                    if (score is < 0 or > 1) throw new FormatException($"score {score.Value.ToString(CultureInfo.InvariantCulture)} is not in [0, 1]");
                    break;
                case "prediction":
                    prediction = model.Task switch
                    {
                        ModelTask.Regression => Number(p.Value, "prediction"),
                        ModelTask.Multiclass => Text(p.Value, "prediction"),
                        _ => throw new FormatException($"'prediction' is for regression and multiclass models; '{model.Name}' is binary and takes 'score'"),
                    };
                    break;
                case "label": label = p.Value.ValueKind == JsonValueKind.Null ? null : Label(model, p.Value); break;
                case "probabilities":
                    if (p.Value.ValueKind != JsonValueKind.Null) probabilities = Probabilities(model, p.Value);
                    break;
                case "latency_ms":
                    latency = Number(p.Value, "latency_ms");
                    if (latency < 0) throw new FormatException("latency_ms must not be negative");
                    break;
                case "error":
                    error = p.Value.ValueKind switch
                    {
                        JsonValueKind.True => true,
                        JsonValueKind.False => false,
                        JsonValueKind.Null => null,
                        _ => throw new FormatException("error must be true or false"),
                    };
                    break;
                case "features":
                    if (p.Value.ValueKind != JsonValueKind.Object) throw new FormatException("features must be an object of feature: value");
                    foreach (var f in p.Value.EnumerateObject())
                    {
                        if (!featureIndex.TryGetValue(f.Name, out var k))
                            throw new FormatException($"unknown feature '{f.Name}'; the schema of '{model.Name}' has {(model.Features.Count == 0 ? "no features" : string.Join(", ", model.Features.Select(x => x.Name)))}");
                        var spec = model.Features[k];
                        if (f.Value.ValueKind == JsonValueKind.Null) continue;
                        if (spec.Type == FeatureType.Number) numbers[k] = Number(f.Value, $"feature '{spec.Name}'");
                        else texts[k] = Text(f.Value, $"feature '{spec.Name}'");
                    }
                    break;
                default:
                    throw new FormatException($"unknown field '{p.Name}'; expected id, timestamp, version, {(model.Task == ModelTask.Binary ? "score" : model.Task == ModelTask.Multiclass ? "prediction, probabilities" : "prediction")}, features, label, latency_ms, error");
            }
        }
        if (id is null) throw new FormatException("no id");
        if (model.Task == ModelTask.Binary && score is null) throw new FormatException("no score");
        if (model.Task != ModelTask.Binary && prediction is null) throw new FormatException("no prediction");
        if (prediction is string predicted) KnownClass(model, predicted, "prediction");
        return new PredictionRecord(id, ts ?? now, version, score, prediction, label, latency, error, numbers, texts) { Probabilities = probabilities };
    }

    /// <summary>How far the class probabilities of a prediction may sum from 1.</summary>
    public const double ProbabilitySumTolerance = 1e-3;

    /// <summary>A multiclass prediction's <c>probabilities</c>: an object of class: probability in [0, 1], one for each
    /// of the model's classes, summing to 1 (± <see cref="ProbabilitySumTolerance"/>); in the order of the classes.</summary>
    private static double[] Probabilities(ModelConfig model, JsonElement v)
    {
        if (model.Task != ModelTask.Multiclass)
            throw new FormatException($"'probabilities' is for multiclass models; '{model.Name}' is {Task(model.Task)}");
        if (model.Classes.Count == 0)
            throw new FormatException($"'probabilities' needs the model's classes; '{model.Name}' declares none (add 'classes:' to its config)");
        if (v.ValueKind != JsonValueKind.Object) throw new FormatException("probabilities must be an object of class: probability");
        var values = new double[model.Classes.Count];
        Array.Fill(values, double.NaN);
        var sum = 0.0;
        foreach (var p in v.EnumerateObject())
        {
            var k = IndexOf(model.Classes, p.Name);
            if (k < 0) throw new FormatException($"probabilities: unknown class '{p.Name}'; the classes of '{model.Name}' are {string.Join(", ", model.Classes)}");
            var x = Number(p.Value, $"probabilities: '{p.Name}'");
            if (x is < 0 or > 1) throw new FormatException($"probabilities: '{p.Name}' is {x.ToString(CultureInfo.InvariantCulture)}, not in [0, 1]");
            if (!double.IsNaN(values[k])) throw new FormatException($"probabilities: '{p.Name}' is given twice");
            values[k] = x;
            sum += x;
        }
        for (var k = 0; k < values.Length; k++)
            if (double.IsNaN(values[k])) throw new FormatException($"probabilities: no probability for class '{model.Classes[k]}'; expected one for each of {string.Join(", ", model.Classes)}");
        if (Math.Abs(sum - 1) > ProbabilitySumTolerance)
            throw new FormatException(string.Create(CultureInfo.InvariantCulture, $"probabilities sum to {sum:0.######}, not 1 (± {ProbabilitySumTolerance})"));
        return values;
    }

    private static int IndexOf(IReadOnlyList<string> classes, string c)
    {
        for (var i = 0; i < classes.Count; i++)
            if (classes[i] == c) return i;
        return -1;
    }

    /// <summary>A multiclass model that declares its classes takes only those as predictions and labels.</summary>
    private static void KnownClass(ModelConfig model, string value, string what)
    {
        if (model.Classes.Count > 0 && IndexOf(model.Classes, value) < 0)
            throw new FormatException($"{what} '{value}' is not one of the classes of '{model.Name}' ({string.Join(", ", model.Classes)})");
    }

    /// <summary>Checks label records.</summary>
    public static (List<LabelRecord> Records, List<BadRecord> Bad) Labels(ModelConfig model, List<JsonElement> items, DateTime now)
    {
        var records = new List<LabelRecord>(items.Count);
        var bad = new List<BadRecord>();
        for (var i = 0; i < items.Count; i++)
        {
            var e = items[i];
            try
            {
                if (e.ValueKind != JsonValueKind.Object) throw new FormatException("a record must be a JSON object");
                string? id = null;
                object? label = null;
                DateTime? ts = null;
                foreach (var p in e.EnumerateObject())
                {
                    switch (p.Name)
                    {
                        case "id": id = Id(p.Value); break;
                        case "label": label = Label(model, p.Value); break;
                        case "timestamp": ts = Timestamp(p.Value, "timestamp"); break;
                        default: throw new FormatException($"unknown field '{p.Name}'; expected id, label, timestamp");
                    }
                }
                if (id is null) throw new FormatException("no id");
                if (label is null) throw new FormatException("no label");
                records.Add(new LabelRecord(id, label, ts ?? now));
            }
            catch (FormatException ex)
            {
                bad.Add(new BadRecord(i, ex.Message));
            }
        }
        return (records, bad);
    }

    private static string Task(ModelTask t) => t.ToString().ToLowerInvariant();

    private static string Id(JsonElement v) => v.ValueKind switch
    {
        JsonValueKind.String when v.GetString() is { Length: > 0 and <= 256 } s => s,
        JsonValueKind.Number => v.GetRawText(),
        _ => throw new FormatException("id must be a non-empty string (at most 256 characters) or a number"),
    };

    private static double Number(JsonElement v, string what) =>
        v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)
            ? d
            : throw new FormatException($"{what} must be a finite number");

    private static string Text(JsonElement v, string what) => v.ValueKind switch
    {
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Number => v.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => throw new FormatException($"{what} must be a string"),
    };

    private static DateTime Timestamp(JsonElement v, string what)
    {
        if (v.ValueKind == JsonValueKind.String && DateTime.TryParse(v.GetString(), CultureInfo.InvariantCulture,
                DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t))
            return DateTime.SpecifyKind(t, DateTimeKind.Utc);
        throw new FormatException($"{what} must be an ISO 8601 date-time string, e.g. 2026-11-23T10:00:00Z");
    }

    private static object Label(ModelConfig model, JsonElement v)
    {
        var label = Label(model.Task, v);
        if (label is string s) KnownClass(model, s, "label");
        return label;
    }

    private static object Label(ModelTask task, JsonElement v) => task switch
    {
        ModelTask.Binary => v.ValueKind switch
        {
            JsonValueKind.True => 1.0,
            JsonValueKind.False => 0.0,
            JsonValueKind.Number when v.TryGetDouble(out var d) && d is 0 or 1 => d,
            _ => throw new FormatException("label must be 0, 1, true or false for a binary model"),
        },
        ModelTask.Regression => Number(v, "label"),
        _ => Text(v, "label"),
    };
}
