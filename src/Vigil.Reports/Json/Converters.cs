using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Drift;

namespace Vigil.Reports.Json;

/// <summary>Doubles in shortest round-trip form (17 significant digits where needed), and null for NaN and ±infinity,
/// which JSON cannot hold. Applies to <c>double?</c> as well: null stays null.</summary>
internal sealed class FiniteDoubleConverter : JsonConverter<double>
{
    public override double Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.Null ? double.NaN : reader.GetDouble();

    public override void Write(Utf8JsonWriter writer, double value, JsonSerializerOptions options)
    {
        if (double.IsFinite(value)) writer.WriteNumberValue(value);
        else writer.WriteNullValue();
    }
}

/// <summary>Timestamps as ISO-8601 in UTC with a Z (<see cref="Fmt.Iso"/>): a local time is converted, an unspecified
/// one is taken as UTC.</summary>
internal sealed class UtcDateTimeConverter : JsonConverter<DateTime>
{
    public override DateTime Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTime.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTime value, JsonSerializerOptions options) => writer.WriteStringValue(Fmt.Iso(value));
}

/// <summary>A drift column's type as Evidently names it: "num" or "cat".</summary>
internal sealed class ColumnTypeConverter : JsonConverter<ColumnType>
{
    public override ColumnType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetString() == "num" ? ColumnType.Numerical : ColumnType.Categorical;

    public override void Write(Utf8JsonWriter writer, ColumnType value, JsonSerializerOptions options) => writer.WriteStringValue(DriftReport.Type(value));
}

/// <summary>An enum as its member name in snake_case (<c>binary</c>, <c>warning</c>, <c>day</c>). Generic, as the source
/// generator wants; each enum of the results is listed in <see cref="ReportJsonContext"/> (a test checks that none is
/// missing, which would be written as a number).</summary>
internal sealed class SnakeCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where TEnum : struct, Enum;

/// <summary>Metrics as one object from name to value, in the analysis' order; an undefined or non-finite value is null
/// (<see cref="JsonContract"/> adds the sibling <c>undefined</c> and <c>notes</c> objects that say why).</summary>
internal sealed class MetricsConverter : JsonConverter<IReadOnlyList<MetricValue>>
{
    public override IReadOnlyList<MetricValue> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("metrics are written, not read");

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<MetricValue> value, JsonSerializerOptions options)
    {
        writer.WriteStartObject();
        foreach (var m in value)
        {
            if (m.Value is { } v && double.IsFinite(v)) writer.WriteNumber(m.Name, v);
            else writer.WriteNull(m.Name);
        }
        writer.WriteEndObject();
    }

    /// <summary>Metric name → why it is null: its note, or "undefined" / "not a finite number".</summary>
    public static IReadOnlyDictionary<string, string> Undefined(IReadOnlyList<MetricValue> metrics)
    {
        var d = new Dictionary<string, string>();
        foreach (var m in metrics)
            if (m.Value is null || !double.IsFinite(m.Value.Value))
                d[m.Name] = m.Note ?? (m.Value is null ? "undefined" : "not a finite number");
        return d;
    }

    /// <summary>Metric name → the note on a defined value.</summary>
    public static IReadOnlyDictionary<string, string> Notes(IReadOnlyList<MetricValue> metrics)
    {
        var d = new Dictionary<string, string>();
        foreach (var m in metrics)
            if (m.Value is { } v && double.IsFinite(v) && m.Note is not null)
                d[m.Name] = m.Note;
        return d;
    }
}

/// <summary>A regression's residual sample as <c>[{prediction, residual}]</c> (the record holds generic chart points).</summary>
internal sealed class ResidualSampleConverter : JsonConverter<IReadOnlyList<Point>>
{
    public override IReadOnlyList<Point> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        throw new NotSupportedException("residuals are written, not read");

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<Point> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var p in value)
        {
            writer.WriteStartObject();
            Number(writer, "prediction", p.X);
            Number(writer, "residual", p.Y);
            writer.WriteEndObject();
        }
        writer.WriteEndArray();
    }

    private static void Number(Utf8JsonWriter w, string name, double v)
    {
        if (double.IsFinite(v)) w.WriteNumber(name, v);
        else w.WriteNull(name);
    }
}
