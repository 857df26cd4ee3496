using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Drift;

namespace Vigil.Reports.Json;

/// <summary>
/// What the documented JSON (docs/json-schema.md) says that the records' names and attributes cannot: a contract
/// modifier over the source-generated metadata of <see cref="ReportJsonContext"/>. Everything else follows from the
/// records: a new property is serialized under its snake_case name, and <c>[JsonIgnore]</c>, <c>[JsonPropertyName]</c>
/// or <c>[JsonIgnore(Condition = WhenWritingNull)]</c> on the record is all that a different wish takes.
/// <list type="bullet">
/// <item>Each document starts with <c>kind</c> and <c>schema_version</c> (<see cref="Kinds"/>).</item>
/// <item>Every list of metrics is followed by <c>undefined</c> and <c>notes</c>, which say why a metric is null and
/// what a defined one assumed.</item>
/// <item>A drift column's test result is written inline (<c>statistic</c>, <c>p_value</c>, <c>threshold</c>), and a
/// segment's evaluation inline after its <c>key</c>, without the fields only the top level has.</item>
/// <item>A regression's residual sample names its points' coordinates; <c>rows_without_chunk</c> comes with chunks.</item>
/// <item>Where the documented key order is not the record's, <see cref="DocumentedOrder"/> keeps it.</item>
/// </list>
/// </summary>
internal static class JsonContract
{
    /// <summary>The <c>kind</c> of each top-level document type.</summary>
    public static readonly IReadOnlyDictionary<Type, string> Kinds = new Dictionary<Type, string>
    {
        [typeof(EvaluationResult)] = "evaluation",
        [typeof(SummaryResult)] = "summary",
        [typeof(DriftResult)] = "drift",
        [typeof(SegmentsResult)] = "segments",
        [typeof(ProfileDocument)] = "profile",
        [typeof(ComparisonResult)] = "comparison",
        [typeof(ExplanationResult)] = "explanation",
        [typeof(DiagnosisResult)] = "diagnosis",
        [typeof(EstimationResult)] = "estimation",
        [typeof(FairnessResult)] = "fairness",
        [typeof(ReviewResult)] = "review",
    };

    /// <summary>Fields of an evaluation that only the top-level document has, not each segment.</summary>
    public static readonly IReadOnlySet<string> TopLevelOnly = new HashSet<string>(StringComparer.Ordinal) { "kind", "schema_version", "source", "segments" };

    /// <summary>The test result's fields a drift column writes inline (its method and decision are the column's own).</summary>
    public static readonly IReadOnlySet<string> InlineTestResult = new HashSet<string>(StringComparer.Ordinal) { "statistic", "p_value", "threshold" };

    /// <summary>Keys whose documented order differs from the record's: they swap places among themselves, and every
    /// other key (a new property too) keeps its own.</summary>
    private static readonly Dictionary<Type, string[]> DocumentedOrder = new()
    {
        [typeof(DriftResult)] = ["rows_without_chunk", "chunks"],
        [typeof(ColumnDrift)] = ["statistic", "p_value", "p_value_adjusted", "threshold", "drifted", "distinct_values", "reference_missing", "current_missing", "note"],
    };

    public static void Modify(JsonTypeInfo t)
    {
        if (t.Kind != JsonTypeInfoKind.Object) return;
        if (t.Type == typeof(ColumnDrift))
            Inline<ColumnDrift>(t, nameof(ColumnDrift.Result), c => c.Result, InlineTestResult.Contains, omitWhenNull: false);
        else if (t.Type == typeof(SegmentEvaluation))
            Inline<SegmentEvaluation>(t, nameof(SegmentEvaluation.Result), s => s.Result, n => !TopLevelOnly.Contains(n), omitWhenNull: true);
        else if (t.Type == typeof(DriftResult))
            Find(t, "rows_without_chunk").ShouldSerialize = (o, _) => ((DriftResult)o).Chunks is not null;
        else if (t.Type == typeof(ResidualData))
            Find(t, "sample").CustomConverter = new ResidualSampleConverter();

        AddMetricReasons(t);
        if (DocumentedOrder.TryGetValue(t.Type, out var order)) Reorder(t, order);
        if (Kinds.TryGetValue(t.Type, out var kind))
        {
            t.Properties.Insert(0, Computed(t, "kind", _ => kind));
            t.Properties.Insert(1, Computed(t, "schema_version", _ => JsonReport.SchemaVersion));
        }
    }

    /// <summary>After each list of metrics: <c>undefined</c> (name → why it is null) and <c>notes</c> (name → note).</summary>
    private static void AddMetricReasons(JsonTypeInfo t)
    {
        for (var i = t.Properties.Count - 1; i >= 0; i--)
        {
            var metrics = t.Properties[i];
            if (metrics.PropertyType != typeof(IReadOnlyList<MetricValue>) || metrics.Get is not { } get) continue;
            if (i + 1 < t.Properties.Count && t.Properties[i + 1].Name == "undefined") continue; // inlined with its reasons
            t.Properties.Insert(i + 1, Computed(t, "undefined", o => MetricsConverter.Undefined((IReadOnlyList<MetricValue>)get(o)!)));
            t.Properties.Insert(i + 2, Computed(t, "notes", o => MetricsConverter.Notes((IReadOnlyList<MetricValue>)get(o)!)));
        }
    }

    /// <summary>Replaces the property <paramref name="name"/> (a record) by those of its properties that
    /// <paramref name="keep"/> names, written in the outer object. When the inner record is null its fields are
    /// omitted (<paramref name="omitWhenNull"/>) or written as null.</summary>
    private static void Inline<TOuter>(JsonTypeInfo t, string name, Func<TOuter, object?> inner, Func<string, bool> keep, bool omitWhenNull)
    {
        var at = t.Properties.IndexOf(Find(t, JsonNamingPolicy.SnakeCaseLower.ConvertName(name)));
        var innerType = t.Properties[at].PropertyType;
        t.Properties.RemoveAt(at);
        // The inner type's contract from the same resolver, so with this modifier applied (a segment keeps its
        // "undefined" and "notes"); unconfigured and uncached, so this cannot recurse.
        var innerInfo = t.Options.TypeInfoResolver!.GetTypeInfo(innerType, t.Options)!;
        foreach (var p in innerInfo.Properties)
        {
            if (!keep(p.Name) || p.Get is not { } get) continue;
            // Written as null when the inner record is: a value-type field becomes nullable. Left out instead, it keeps
            // its type (and the getter a default, as the value is asked for before ShouldSerialize).
            var type = !omitWhenNull && p.PropertyType.IsValueType && Nullable.GetUnderlyingType(p.PropertyType) is null
                ? typeof(Nullable<>).MakeGenericType(p.PropertyType)
                : p.PropertyType;
            var absent = type.IsValueType ? Activator.CreateInstance(type) : null;
            var q = t.CreateJsonPropertyInfo(type, p.Name);
            q.Get = o => inner((TOuter)o) is { } x ? get(x) : absent;
            if (type == p.PropertyType) q.CustomConverter = p.CustomConverter;
            var should = p.ShouldSerialize;
            q.ShouldSerialize = (o, v) => inner((TOuter)o) is { } x ? should?.Invoke(x, v) ?? true : !omitWhenNull;
            t.Properties.Insert(at++, q);
        }
    }

    /// <summary>Puts the properties <paramref name="order"/> names in that order, in the places they occupy.</summary>
    private static void Reorder(JsonTypeInfo t, string[] order)
    {
        var slots = Enumerable.Range(0, t.Properties.Count).Where(i => order.Contains(t.Properties[i].Name)).ToList();
        var sorted = slots.Select(i => t.Properties[i]).OrderBy(p => Array.IndexOf(order, p.Name)).ToList();
        for (var k = 0; k < slots.Count; k++) t.Properties[slots[k]] = sorted[k];
    }

    private static JsonPropertyInfo Computed<T>(JsonTypeInfo t, string name, Func<object, T> get)
    {
        var p = t.CreateJsonPropertyInfo(typeof(T), name);
        p.Get = o => get(o);
        return p;
    }

    private static JsonPropertyInfo Find(JsonTypeInfo t, string name) =>
        t.Properties.FirstOrDefault(p => p.Name == name) ?? throw new InvalidOperationException($"{t.Type.Name} has no JSON property '{name}'");
}
