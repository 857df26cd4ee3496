using System.Text.Json.Serialization;
using Vigil.Analysis.Results;

namespace Vigil.Reports.Json;

/// <summary>The source-generated serializer of every JSON document Vigil writes (docs/json-schema.md). Keys are the
/// records' property names in snake_case; a property added to a result record appears in the JSON by itself. What the
/// names and types alone do not say is stated once: <see cref="JsonContract"/> (the envelope, the metrics' reasons,
/// flattened properties) and the converters (numbers, timestamps, enums, metrics). Use it through
/// <see cref="JsonReport"/>, whose options add the contract and the encoder.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    WriteIndented = true,
    NewLine = "\n",
    Converters =
    [
        typeof(FiniteDoubleConverter),
        typeof(UtcDateTimeConverter),
        typeof(ColumnTypeConverter),
        typeof(MetricsConverter),
        typeof(SnakeCaseEnumConverter<ModelTask>),
        typeof(SnakeCaseEnumConverter<PeriodUnit>),
        typeof(SnakeCaseEnumConverter<Severity>),
    ])]
[JsonSerializable(typeof(EvaluationResult))]
[JsonSerializable(typeof(SummaryResult))]
[JsonSerializable(typeof(DriftResult))]
[JsonSerializable(typeof(SegmentsResult))]
[JsonSerializable(typeof(ProfileDocument))]
[JsonSerializable(typeof(ComparisonResult))]
[JsonSerializable(typeof(ExplanationResult))]
[JsonSerializable(typeof(DiagnosisResult))]
[JsonSerializable(typeof(EstimationResult))]
[JsonSerializable(typeof(FairnessResult))]
[JsonSerializable(typeof(ReviewResult))]
// Types of the properties JsonContract adds (kind, schema_version, undefined, notes, flattened numbers).
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(double?))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, string>))]
internal sealed partial class ReportJsonContext : JsonSerializerContext;
