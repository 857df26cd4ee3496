using System.Text.Json.Serialization;

namespace Vigil.Server;

// The fleet dashboard's JSON (docs/dashboard.md): GET /v1/fleet, /v1/models/{model}/series and
// /v1/models/{model}/drift/{feature}. Property order is the order on the wire; names are snake_case.

internal sealed record FleetJson(DateTime GeneratedAt, FleetCountsJson Counts, IReadOnlyList<DateTime> Hours, IReadOnlyList<FleetModelJson> Models);

internal sealed record FleetCountsJson(int Ok, int Warning, int Critical, [property: JsonPropertyName("no_data")] int NoData);

internal sealed record FleetModelJson(string Name, string Task, string? Team, string? Owner, IReadOnlyList<string> Tags,
    [property: OpenApiEnum("critical", "warning", "no_data", "ok")] string Status, string? Reason,
    DateTime? LastPrediction, long? SecondsSinceLast, [property: JsonPropertyName("volume_24h")] long Volume24h, IReadOnlyList<long> Volume,
    KeyMetricJson KeyMetric, FleetDriftJson? Drift, [property: JsonPropertyName("latency_p99_ms")] double? LatencyP99Ms, double? ErrorRate,
    IReadOnlyList<FleetIncidentJson> Incidents);

internal sealed record KeyMetricJson(string Name, [property: OpenApiEnum("realized", "estimated")] string Source, double? Value,
    IReadOnlyList<double?> Trend, double? Change);

internal sealed record FleetDriftJson(int Drifted, int Features, double Share);

internal sealed record FleetIncidentJson(int Id, string Severity, string State);

internal sealed record SeriesJson(string Model, string Task, DateTime From, DateTime To,
    [property: OpenApiEnum("minute", "hour", "day")] string Resolution, IReadOnlyList<DateTime> Buckets, IReadOnlyList<string> Versions,
    Dictionary<string, IReadOnlyList<long>> Volume,
    [property: JsonPropertyName("latency_p50_ms")] IReadOnlyList<double?> LatencyP50Ms,
    [property: JsonPropertyName("latency_p99_ms")] IReadOnlyList<double?> LatencyP99Ms,
    IReadOnlyList<double?> ErrorRate, Dictionary<string, Dictionary<string, IReadOnlyList<double?>>> Metrics,
    ScoreHistogramJson? ScoreHistogram, SeriesDriftJson Drift, IReadOnlyList<ThresholdJson> Thresholds, IReadOnlyList<SeriesAlertJson> Alerts,
    Dictionary<string, IReadOnlyList<ReadingJson>> Readings);

internal sealed record ScoreHistogramJson(IReadOnlyList<double> Edges, Dictionary<string, IReadOnlyList<long>> Counts);

internal sealed record SeriesDriftJson(string Statistic, double Threshold, IReadOnlyList<SeriesDriftFeatureJson> Features);

internal sealed record SeriesDriftFeatureJson(string Name, double? Importance, IReadOnlyList<double?> Values);

internal sealed record ThresholdJson(string Monitor, string Metric, double? Min, double? Max, string Severity);

internal sealed record SeriesAlertJson(string Key, string Monitor, string Severity, DateTime? FiredAt, DateTime? ResolvedAt, double? Value);

internal sealed record ReadingJson(DateTime At, double? Value, bool? Breached);

internal sealed record DriftCellJson(string Feature, [property: OpenApiEnum("number", "category")] string Type, string Statistic, double? Value,
    double Threshold, bool? Drifted, IReadOnlyList<string> Bins, IReadOnlyList<double> Reference, IReadOnlyList<double> Current, long Rows);
