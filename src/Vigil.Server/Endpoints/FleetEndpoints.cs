using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;
using Vigil.Server.Store.Rollups;

namespace Vigil.Server;

/// <summary>The fleet dashboard's JSON (scope read; docs/dashboard.md): <c>GET /v1/fleet</c>,
/// <c>/v1/models/{model}/series</c> and <c>/v1/models/{model}/drift/{feature}</c>, all read from the rollups (never a
/// scan of raw predictions) and the in-memory alerts and incidents.</summary>
public sealed partial class VigilServer
{
    /// <summary>The most buckets a series answers.</summary>
    internal const int MaxBuckets = 2000;

    /// <summary>How an unversioned prediction's version is shown.</summary>
    internal const string NoVersion = "(none)";

    private void MapFleet(IEndpointRouteBuilder app)
    {
        RequireScope(app.MapGet("/v1/fleet", () => Results.Json(Fleet(DateTime.UtcNow), Wire.Of<FleetJson>())), Scope.Read);
        RequireScope(app.MapGet("/v1/models/{model}/series", (HttpContext ctx, string model) =>
        {
            if (_config.Model(model) is not { } m) return NotFound(model);
            var (series, error) = Series(m, ctx.Request.Query, DateTime.UtcNow);
            return error is not null ? Error(400, error) : Results.Json(series!, Wire.Of<SeriesJson>());
        }), Scope.Read);
        RequireScope(app.MapGet("/v1/models/{model}/drift/{feature}", (HttpContext ctx, string model, string feature) =>
        {
            if (_config.Model(model) is not { } m) return NotFound(model);
            var (cell, status, error) = DriftCell(m, feature, ctx.Request.Query, DateTime.UtcNow);
            return error is not null ? Error(status, error) : Results.Json(cell!, Wire.Of<DriftCellJson>());
        }), Scope.Read);
    }

    private static string Iso(DateTime t) => t.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary>The fleet view at <paramref name="now"/>: the 24 hourly buckets ending with the current one.</summary>
    internal FleetJson Fleet(DateTime now)
    {
        var current = PredictionStore.Floor(now, Grain.Hour);
        var first = current.AddHours(-23);
        var hours = Enumerable.Range(0, 24).Select(h => first.AddHours(h)).ToList();
        // Per model and hour, its versions' cells added (finished hours from the store's cache; shared: read only).
        var totals = _store.ReadHourTotals(first, 24, current);
        var firing = _monitors.Alerts.Active.Where(a => a.State == AlertState.Firing).ToLookup(a => a.Model, StringComparer.Ordinal);
        var incidents = _monitors.Incidents.All.Where(i => i.State != IncidentState.Resolved).ToLookup(i => i.Model, StringComparer.Ordinal);
        var rows = new List<FleetModelJson>();
        foreach (var m in _config.Models)
        {
            var bins = _store.Bins[m.Name];
            var perHour = totals.TryGetValue(m.Name, out var t) ? t : new RollupCell?[24];
            var all = RollupMetrics.Sum(perHour.OfType<RollupCell>(), bins);
            var last = _store.LastPrediction(m.Name);
            var alerts = firing[m.Name].ToList();
            string status;
            string? reason = null;
            if (alerts.FirstOrDefault(a => a.Severity == "P1") is { } p1)
            {
                status = "critical";
                reason = $"P1 {p1.Monitor} firing since {Iso(p1.FiredAt ?? p1.Since)}";
            }
            else if (alerts.OrderBy(a => a.Severity, StringComparer.Ordinal).FirstOrDefault() is { } worst)
            {
                status = "warning";
                reason = $"{worst.Severity} {worst.Monitor} firing since {Iso(worst.FiredAt ?? worst.Since)}";
            }
            else if (last is null || now - last.Value > m.Freshness)
            {
                status = "no_data";
                reason = last is null ? "no predictions yet" : $"no prediction since {last.Value.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} (freshness {Format(m.Freshness)})";
            }
            else status = "ok";
            rows.Add(new FleetModelJson(m.Name, TaskName(m.Task), m.Team, m.Owner, m.Tags, status, reason, last,
                last is { } l ? (long)Math.Max(0, (now - l).TotalSeconds) : null,
                all?.N ?? 0, perHour.Select(c => c?.N ?? 0).ToList(),
                KeyMetric(m, perHour, bins, now), FleetDrift(bins, all),
                RollupMetrics.Metric("latency_p99_ms", m.Task, all), RollupMetrics.Metric("error_rate", m.Task, all),
                incidents[m.Name].OrderBy(i => i.Id).Select(i => new FleetIncidentJson(i.Id, i.Severity, i.State.ToString().ToLowerInvariant())).ToList()));
        }
        static int Rank(string s) => s switch { "critical" => 0, "warning" => 1, "no_data" => 2, _ => 3 };
        rows = [.. rows.OrderBy(r => Rank(r.Status)).ThenBy(r => r.Name, StringComparer.Ordinal)];
        var counts = new FleetCountsJson(rows.Count(r => r.Status == "ok"), rows.Count(r => r.Status == "warning"),
            rows.Count(r => r.Status == "critical"), rows.Count(r => r.Status == "no_data"));
        return new FleetJson(now, counts, hours, rows);
    }

    private static string TaskName(ModelTask task) => task.ToString().ToLowerInvariant();

    private static string Format(TimeSpan t) =>
        t.TotalDays >= 1 && t.TotalDays % 1 == 0 ? $"{t.TotalDays:0}d" : t.TotalHours >= 1 && t.TotalHours % 1 == 0 ? $"{t.TotalHours:0}h" : $"{t.TotalMinutes:0.##}m";

    /// <summary>The fleet's key metric of a model (docs/dashboard.md): the first performance monitor's metric when the
    /// rollups hold it, else its estimated_performance monitor's readings, else the task's default metric.</summary>
    private KeyMetricJson KeyMetric(ModelConfig m, RollupCell?[] perHour, RollupBins bins, DateTime now)
    {
        var realized = m.Monitors.FirstOrDefault(x => x.Type == MonitorType.Window && x.Metric.Kind == MetricKind.Performance && RollupMetrics.Supports(x.Metric.Name, m.Task));
        var estimated = m.Monitors.FirstOrDefault(x => x.Type == MonitorType.EstimatedPerformance);
        if (realized is null && estimated is not null)
        {
            // The estimate is not in the rollups: its readings are (vigil_readings), an hour's value their mean.
            var first = PredictionStore.Floor(now, Grain.Hour).AddHours(-23);
            var readings = _store.ReadReadings(m.Name, first, now).Where(r => r.Monitor == estimated.Name && r.Value is not null).ToList();
            double? Mean(IEnumerable<StoredReading> rs) => rs.Select(r => r.Value!.Value).DefaultIfEmpty(double.NaN).Average() is var v && double.IsNaN(v) ? null : v;
            var trend = Enumerable.Range(0, 24).Select(h => Mean(readings.Where(r => r.At >= first.AddHours(h) && r.At < first.AddHours(h + 1)))).ToList();
            var split = first.AddHours(18);
            var (recent, before) = (Mean(readings.Where(r => r.At >= split)), Mean(readings.Where(r => r.At < split)));
            return new KeyMetricJson(estimated.Metric.Name, "estimated", readings.Count > 0 ? readings[^1].Value : null, trend,
                recent is { } a && before is { } b ? a - b : null);
        }
        var name = realized?.Metric.Name ?? RollupMetrics.DefaultMetric(m.Task);
        var hourly = perHour.Select(c => RollupMetrics.Metric(name, m.Task, c)).ToList();
        var last6 = RollupMetrics.Metric(name, m.Task, RollupMetrics.Sum(perHour[18..].OfType<RollupCell>(), bins));
        var first18 = RollupMetrics.Metric(name, m.Task, RollupMetrics.Sum(perHour[..18].OfType<RollupCell>(), bins));
        return new KeyMetricJson(name, "realized", RollupMetrics.Metric(name, m.Task, RollupMetrics.Sum(perHour.OfType<RollupCell>(), bins)), hourly,
            last6 is { } x && first18 is { } y ? x - y : null);
    }

    /// <summary>Features whose PSI over the cell is at least the threshold; null without a reference.</summary>
    private static FleetDriftJson? FleetDrift(RollupBins bins, RollupCell? all)
    {
        if (!bins.HasReference) return null;
        int features = 0, drifted = 0;
        for (var k = 0; k < bins.Features.Count; k++)
        {
            if (bins.Features[k] is not { } f) continue;
            features++;
            if (all?.Features[k] is { } counts && RollupMetrics.Psi(f.Reference, counts) >= RollupMetrics.PsiThreshold) drifted++;
        }
        return new FleetDriftJson(drifted, features, features == 0 ? 0 : (double)drifted / features);
    }

    private static bool TryTime(string? text, out DateTime t)
    {
        t = default;
        if (!DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var parsed)) return false;
        t = DateTime.SpecifyKind(parsed, DateTimeKind.Utc);
        return true;
    }

    /// <summary>Reads <c>window</c> or <c>from</c>/<c>to</c>; null and a one-line error when they are not allowed.</summary>
    private static (DateTime From, DateTime To, string? Error) Window(IQueryCollection query, DateTime now, TimeSpan fallback)
    {
        string? fromText = query["from"], toText = query["to"], window = query["window"];
        if (fromText is null && toText is null)
        {
            if (window is null) return (now - fallback, now, null);
            TimeSpan? span = window switch { "1h" => TimeSpan.FromHours(1), "24h" => TimeSpan.FromHours(24), "7d" => TimeSpan.FromDays(7), "30d" => TimeSpan.FromDays(30), _ => null };
            return span is { } s ? (now - s, now, null) : (default, default, $"window: '{window}' is not allowed; expected 1h, 24h, 7d or 30d, or from/to as ISO-8601 UTC times");
        }
        if (window is not null) return (default, default, "window and from/to: give one or the other");
        var to = now;
        if (toText is not null && !TryTime(toText, out to)) return (default, default, $"to: '{toText}' is not a time; expected ISO-8601 UTC, e.g. 2026-12-02T16:00:00Z");
        if (fromText is null) return (to - fallback, to, null);
        if (!TryTime(fromText, out var from)) return (default, default, $"from: '{fromText}' is not a time; expected ISO-8601 UTC, e.g. 2026-12-01T16:00:00Z");
        return to < from ? (default, default, $"to ({toText}) is before from ({fromText}); expected from <= to") : (from, to, null);
    }

    /// <summary>A bucket's start at a resolution.</summary>
    private static DateTime BucketOf(DateTime t, string resolution) => resolution switch
    {
        "minute" => PredictionStore.Floor(t, Grain.Minute),
        "hour" => PredictionStore.Floor(t, Grain.Hour),
        _ => DateTime.SpecifyKind(t.Date, DateTimeKind.Utc),
    };

    private static TimeSpan Step(string resolution) => resolution switch { "minute" => TimeSpan.FromMinutes(1), "hour" => TimeSpan.FromHours(1), _ => TimeSpan.FromDays(1) };

    /// <summary>The model view's series (docs/dashboard.md, <c>/v1/models/{model}/series</c>).</summary>
    internal (SeriesJson? Series, string? Error) Series(ModelConfig m, IQueryCollection query, DateTime now)
    {
        var (from, to, error) = Window(query, now, TimeSpan.FromHours(24));
        if (error is not null) return (null, error);
        var span = to - from;
        var resolution = query["resolution"].ToString() is { Length: > 0 } r ? r : span <= TimeSpan.FromHours(6) ? "minute" : span <= TimeSpan.FromDays(14) ? "hour" : "day";
        if (resolution is not ("minute" or "hour" or "day")) return (null, $"resolution: '{resolution}' is not allowed; expected minute, hour or day");
        var step = Step(resolution);
        var start = BucketOf(from, resolution);
        var end = BucketOf(to, resolution);
        var count = (end - start).Ticks / step.Ticks + 1;
        if (count > MaxBuckets)
            return (null, $"{count:N0} {resolution} buckets from {from:yyyy-MM-ddTHH:mm:ssZ} to {to:yyyy-MM-ddTHH:mm:ssZ}; at most {MaxBuckets:N0}: choose a coarser resolution or a shorter window");
        string? version = query["version"];
        var bins = _store.Bins[m.Name];
        var stored = version == NoVersion ? "" : version;
        var cells = _store.ReadCells(resolution == "minute" ? Grain.Minute : Grain.Hour, start, end + step, m.Name, stored);
        var n = (int)count;
        var buckets = Enumerable.Range(0, n).Select(i => start + i * step).ToList();
        // Per version and bucket, and per bucket over the versions.
        var byVersion = new SortedDictionary<string, RollupCell?[]>(StringComparer.Ordinal);
        var total = new RollupCell?[n];
        foreach (var c in cells)
        {
            var i = (int)((BucketOf(c.Bucket, resolution) - start).Ticks / step.Ticks);
            if (i < 0 || i >= n) continue;
            var v = c.Version.Length == 0 ? NoVersion : c.Version;
            if (!byVersion.TryGetValue(v, out var row)) byVersion[v] = row = new RollupCell?[n];
            (row[i] ??= new RollupCell(bins)).Add(c.Cell);
            (total[i] ??= new RollupCell(bins)).Add(c.Cell);
        }
        if (cells.Count == 0)
        {
            buckets = [];
            n = 0;
            total = [];
        }
        var metrics = new Dictionary<string, Dictionary<string, IReadOnlyList<double?>>>(StringComparer.Ordinal);
        foreach (var name in RollupMetrics.SeriesMetrics(m.Task))
            metrics[name] = byVersion.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<double?>)kv.Value.Select(c => RollupMetrics.Metric(name, m.Task, c)).ToList(), StringComparer.Ordinal);
        var features = new List<SeriesDriftFeatureJson>();
        for (var k = 0; k < bins.Features.Count; k++)
        {
            if (bins.Features[k] is not { } f) continue;
            var kk = k;
            features.Add(new SeriesDriftFeatureJson(f.Name, m.Importance.TryGetValue(f.Name, out var imp) ? imp : null,
                total.Select(c => c?.Features[kk] is { } counts ? RollupMetrics.Psi(f.Reference, counts) : null).ToList()));
        }
        var alerts = _monitors.Alerts.Active.Concat(_monitors.Alerts.History)
            .Where(a => a.Model == m.Name && a.FiredAt is { } fired && fired <= to && (a.ResolvedAt ?? DateTime.MaxValue) >= from)
            .OrderBy(a => a.FiredAt)
            .Select(a => new SeriesAlertJson(a.Key, a.Monitor, a.Severity, a.FiredAt, a.ResolvedAt, a.Value)).ToList();
        var readings = m.Monitors.ToDictionary(x => x.Name, _ => new List<ReadingJson>(), StringComparer.Ordinal);
        foreach (var reading in _store.ReadReadings(m.Name, from, to))
            if (readings.TryGetValue(reading.Monitor, out var list)) list.Add(new ReadingJson(reading.At, reading.Value, reading.Breached));
        return (new SeriesJson(m.Name, TaskName(m.Task), from, to, resolution, buckets, [.. byVersion.Keys],
            byVersion.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<long>)kv.Value.Select(c => c?.N ?? 0).ToList(), StringComparer.Ordinal),
            total.Select(c => RollupMetrics.Metric("latency_p50_ms", m.Task, c)).ToList(),
            total.Select(c => RollupMetrics.Metric("latency_p99_ms", m.Task, c)).ToList(),
            total.Select(c => RollupMetrics.Metric("error_rate", m.Task, c)).ToList(),
            metrics, Histogram(m.Task, byVersion, bins), new SeriesDriftJson("psi", RollupMetrics.PsiThreshold, features),
            m.Monitors.Where(x => x.Min is not null || x.Max is not null).Select(x => new ThresholdJson(x.Name, x.Metric.Name, x.Min, x.Max, x.Severity)).ToList(),
            alerts, readings.ToDictionary(kv => kv.Key, kv => (IReadOnlyList<ReadingJson>)kv.Value, StringComparer.Ordinal)), null);
    }

    /// <summary>The window's score histogram (binary: 20 bins of 0.05, the rollups' 100 bins pooled by 5) or prediction
    /// histogram (regression: 20 equal bins over the range of the log bins present, each log bin at its middle); null for
    /// a multiclass model.</summary>
    private static ScoreHistogramJson? Histogram(ModelTask task, SortedDictionary<string, RollupCell?[]> byVersion, RollupBins bins)
    {
        if (task == ModelTask.Multiclass) return null;
        var sums = byVersion.ToDictionary(kv => kv.Key, kv => RollupMetrics.Sum(kv.Value.OfType<RollupCell>(), bins)!, StringComparer.Ordinal);
        if (task == ModelTask.Binary)
        {
            var edges = Enumerable.Range(0, 21).Select(i => i / 20.0).ToList();
            return new ScoreHistogramJson(edges, sums.ToDictionary(kv => kv.Key, kv =>
            {
                var counts = new long[20];
                for (var i = 0; i < RollupBins.ScoreBins; i++) counts[i / 5] += kv.Value.ScorePositive[i] + kv.Value.ScoreNegative[i] + kv.Value.ScoreUnlabelled[i];
                return (IReadOnlyList<long>)counts;
            }, StringComparer.Ordinal));
        }
        var present = sums.Values.SelectMany(c => c.Predictions.Keys).ToList();
        if (present.Count == 0) return new ScoreHistogramJson([], []);
        double lo = RollupBins.PredictionValue(present.Min()), hi = RollupBins.PredictionValue(present.Max());
        if (hi <= lo) hi = lo + 1;
        var width = (hi - lo) / 20;
        return new ScoreHistogramJson(Enumerable.Range(0, 21).Select(i => lo + i * width).ToList(), sums.ToDictionary(kv => kv.Key, kv =>
        {
            var counts = new long[20];
            foreach (var (bin, c) in kv.Value.Predictions) counts[Math.Clamp((int)((RollupBins.PredictionValue(bin) - lo) / width), 0, 19)] += c;
            return (IReadOnlyList<long>)counts;
        }, StringComparer.Ordinal));
    }

    /// <summary>One feature's drift on a window (docs/dashboard.md, <c>/v1/models/{model}/drift/{feature}</c>): minute
    /// cells for a window up to 6 h, else hour cells, from the bucket holding <c>from</c> to the one holding <c>to</c>.</summary>
    internal (DriftCellJson? Cell, int Status, string? Error) DriftCell(ModelConfig m, string feature, IQueryCollection query, DateTime now)
    {
        var k = m.Features.ToList().FindIndex(f => f.Name == feature);
        if (k < 0) return (null, 404, $"model '{m.Name}' has no feature '{feature}'; its features are {string.Join(", ", m.Features.Select(f => f.Name))}");
        var bins = _store.Bins[m.Name];
        if (bins.Features[k] is not { } f)
            return (null, 404, bins.HasReference ? $"the reference of '{m.Name}' has no column '{feature}' to compare with" : $"model '{m.Name}' has no reference to compare with (set 'reference:')");
        if (query["window"].Count > 0) return (null, 400, "window: not taken here; give from and to as ISO-8601 UTC times");
        var (from, to, error) = Window(query, now, TimeSpan.FromHours(24));
        if (error is not null) return (null, 400, error);
        var grain = to - from <= TimeSpan.FromHours(6) ? Grain.Minute : Grain.Hour;
        var step = grain == Grain.Minute ? TimeSpan.FromMinutes(1) : TimeSpan.FromHours(1);
        var counts = new long[f.Count];
        foreach (var c in _store.ReadCells(grain, PredictionStore.Floor(from, grain), PredictionStore.Floor(to, grain) + step, m.Name))
            if (c.Cell.Features[k] is { } h)
                for (var i = 0; i < counts.Length; i++) counts[i] += h[i];
        var rows = counts.Sum();
        double refTotal = f.Reference.Sum();
        var psi = RollupMetrics.Psi(f.Reference, counts);
        return (new DriftCellJson(f.Name, f.Type == FeatureType.Number ? "number" : "category", "psi", psi, RollupMetrics.PsiThreshold,
            psi is { } p ? p >= RollupMetrics.PsiThreshold : null, f.Labels(),
            f.Reference.Select(x => refTotal > 0 ? x / refTotal : 0).ToList(), counts.Select(x => rows > 0 ? (double)x / rows : 0).ToList(), rows), 200, null);
    }
}
