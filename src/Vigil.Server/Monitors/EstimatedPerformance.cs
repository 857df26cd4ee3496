using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Slicing;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;
using Vigil.Statistics.Classification;

namespace Vigil.Server.Monitors;

/// <summary>One evaluation of an estimated_performance monitor: its window, CBPE's estimate with its band on the
/// window's predictions that had no label, and, once labels have come, the metric realized on the window's labelled
/// predictions (as the labelled-metric monitors compute it) and how many there are.</summary>
internal sealed record EstimatePoint(DateTime From, DateTime To, long Rows, double? Estimated, double? StandardError, double? Lower, double? Upper)
{
    public double? Realized { get; init; }
    public long Labelled { get; init; }
    public long Predictions { get; init; }
}

/// <summary>
/// The <c>estimated_performance</c> monitors (docs/service.md): CBPE fitted once per monitor on its labelled reference
/// (a file, refitted when the file changes, or a period of the model's own labelled predictions, refitted when labels
/// for it arrive), then each window's
/// unlabelled predictions counted per distinct score by the store's engine (<c>GROUP BY score</c>, descending) into
/// the fitted model's accumulator. Each evaluation is kept (the last <see cref="HistoryLimit"/>), and the realized value
/// of a kept window is brought up to date as its labels arrive.
/// </summary>
internal sealed class EstimatedPerformance(PredictionStore store)
{
    /// <summary>Evaluations kept per monitor.</summary>
    public const int HistoryLimit = 240;

    private sealed record Fitted(CbpeModel Model, string Stamp);

    private readonly Dictionary<(string, string), Fitted> _fits = new();
    private readonly Dictionary<(string, string), List<EstimatePoint>> _history = new();
    private readonly Lock _gate = new();

    /// <summary>Fits made so far (refits included), for tests.</summary>
    public int Fits { get; private set; }

    public IReadOnlyList<EstimatePoint> History(string model, string monitor)
    {
        lock (_gate) return _history.TryGetValue((model, monitor), out var h) ? h.ToList() : [];
    }

    /// <summary>The monitor's fitted CBPE if it has been fitted (nothing is fitted here).</summary>
    public CbpeModel? FittedModel(string model, string monitor)
    {
        lock (_gate) return _fits.TryGetValue((model, monitor), out var f) ? f.Model : null;
    }

    /// <summary>The fitted CBPE of a monitor (fitted now if not yet, or refitted when its reference file changed).</summary>
    public CbpeModel Model(ModelConfig model, MonitorConfig monitor)
    {
        var e = monitor.Estimation ?? throw new ArgumentException($"monitor '{monitor.Name}' is not an estimated_performance monitor", nameof(monitor));
        var stamp = e.Reference is { } path ? Stamp(path) : StoreStamp(model, e);
        lock (_gate)
            if (_fits.TryGetValue((model.Name, monitor.Name), out var f) && f.Stamp == stamp) return f.Model;
        CbpeModel fitted;
        if (e.Reference is { } file)
        {
            using var source = SourceOpener.Open(new SourceSpec { Inputs = [file] });
            fitted = CbpeModel.Fit(source, Options(e, monitor, source));
        }
        else
        {
            var sql = $"(SELECT score AS {Q(MappingOptions.DefaultScore)}, label AS {Q(MappingOptions.DefaultLabel)}, ts AS {Q(MappingOptions.DefaultTimestamp)} " +
                      $"FROM {Q(PredictionStore.TableOf(model.Name))} WHERE {WindowMetrics.Where(e.ReferenceFrom!.Value, e.ReferenceTo!.Value)} AND label IS NOT NULL) AS vigil_reference";
            using var source = store.OpenWindow(sql, $"{model.Name}, the reference window ({e.ReferenceFrom:yyyy-MM-dd HH:mm:ss} to {e.ReferenceTo:yyyy-MM-dd HH:mm:ss} UTC)");
            fitted = CbpeModel.Fit(source, Options(e, monitor, source));
        }
        lock (_gate)
        {
            _fits[(model.Name, monitor.Name)] = new Fitted(fitted, stamp);
            Fits++;
        }
        return fitted;
    }

    /// <summary>The reference's chunks for the learned thresholds: as configured, else periods of the window's length
    /// when it is an hour, a day or a week and the reference has timestamps, else NannyML's 10 chunks of equal rows.</summary>
    private static EstimationOptions Options(EstimationConfig e, MonitorConfig monitor, OpenedSource reference)
    {
        var options = ServiceConfigLoader.ReferenceOptions(e);
        if (options.Chunk is not null || reference.Columns.All(c => c.Name != MappingOptions.DefaultTimestamp)) return options;
        ChunkUnit? unit = monitor.Window == TimeSpan.FromHours(1) ? ChunkUnit.Hour
            : monitor.Window == TimeSpan.FromDays(1) ? ChunkUnit.Day
            : monitor.Window == TimeSpan.FromDays(7) ? ChunkUnit.Week : null;
        return unit is { } u ? options with { Chunk = new TimeChunk(u) } : options;
    }

    /// <summary>A reference window's labelled predictions, counted: labels that arrive late for it bring a refit.</summary>
    private string StoreStamp(ModelConfig model, EstimationConfig e)
    {
        using var engine = store.NewReader();
        var n = engine.Query($"SELECT count(label) FROM {Q(PredictionStore.TableOf(model.Name))} WHERE {WindowMetrics.Where(e.ReferenceFrom!.Value, e.ReferenceTo!.Value)}").GetInt64(0, 0);
        return "store:" + n.ToString(CultureInfo.InvariantCulture);
    }

    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : $"{Directory.GetLastWriteTimeUtc(path).Ticks}:dir";
    }

    private string Q(string identifier) => store.Dialect.QuoteIdentifier(identifier);

    /// <summary>CBPE's estimate of the monitor's metric on the window's unlabelled predictions, judged against the
    /// learned thresholds when the monitor sets none.</summary>
    public MetricValue Compute(ModelConfig model, MonitorConfig monitor, DateTime from, DateTime to)
    {
        var cbpe = Model(model, monitor);
        var acc = cbpe.NewAccumulator();
        using (var engine = store.NewReader())
        {
            engine.Stream(
                $"SELECT score, count(*) AS n FROM {Q(PredictionStore.TableOf(model.Name))} WHERE {WindowMetrics.Where(from, to)} AND label IS NULL AND score IS NOT NULL " +
                "GROUP BY score ORDER BY score DESC",
                null,
                chunk =>
                {
                    var s = chunk.Doubles(0);
                    var n = chunk.Int64s(1);
                    for (var i = 0; i < chunk.RowCount; i++) acc.Add(s[i], n[i]);
                });
        }
        var estimate = acc.Finish();
        var minRows = monitor.Estimation!.MinRows;
        Refresh(model, monitor, cbpe.Threshold);
        if (estimate.Rows < minRows)
            return new MetricValue(null, null, string.Create(CultureInfo.InvariantCulture,
                $"{estimate.Rows:N0} unlabelled predictions in the window; CBPE's estimate needs at least {minRows:N0} (min_rows)"));
        var band = cbpe.Band(estimate, monitor.Metric);
        lock (_gate)
        {
            var history = _history.TryGetValue((model.Name, monitor.Name), out var h) ? h : _history[(model.Name, monitor.Name)] = [];
            history.Add(new EstimatePoint(from, to, estimate.Rows, band.Estimated, band.StandardError, band.Lower, band.Upper));
            if (history.Count > HistoryLimit) history.RemoveAt(0);
        }
        if (band.Estimated is not { } value)
            return new MetricValue(null, null, $"{monitor.Metric} is undefined on the window's estimated confusion matrix (a zero denominator)");
        var info = new EstimateInfo(monitor.Metric, value, band.StandardError, band.Lower, band.Upper, estimate.Rows);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"estimated {monitor.Metric} {value:0.####} (CBPE), band [{band.Lower:0.####}, {band.Upper:0.####}] (± 3 SE) on {estimate.Rows:N0} unlabelled predictions");
        if (monitor.HasThreshold) return new MetricValue(value, null, note) { Estimate = info };
        var (lo, hi) = cbpe.Thresholds.GetValueOrDefault(monitor.Metric);
        if (lo is null && hi is null)
            return new MetricValue(value, null, note + "; no thresholds: the reference has fewer than two chunks with the metric defined (set 'chunk:', or a threshold)") { Estimate = info };
        var breached = (lo is { } l && value < l) || (hi is { } u && value > u);
        var condition = string.Create(CultureInfo.InvariantCulture, $"mean ± 3σ of the reference's {cbpe.ReferenceChunks} chunks: [{lo:0.####}, {hi:0.####}]");
        return new MetricValue(value, breached, note) { Estimate = info, Condition = condition };
    }

    /// <summary>Brings the realized values of kept windows up to date, in two queries whatever their number: the kept
    /// windows joined by range to the model's table give each window's predictions and labels; the windows whose counts
    /// changed are evaluated again on their labelled predictions (per-window, per-score positive and negative counts,
    /// descending, into evaluate's accumulator, at the fitted threshold). A window all of whose predictions have labels
    /// is final.</summary>
    private void Refresh(ModelConfig model, MonitorConfig monitor, double threshold)
    {
        List<EstimatePoint> pending;
        lock (_gate)
            pending = _history.TryGetValue((model.Name, monitor.Name), out var h) ? h.Where(p => p.Predictions == 0 || p.Labelled < p.Predictions).ToList() : [];
        if (pending.Count == 0) return;
        var values = string.Join(", ", pending.Select((p, i) =>
            $"({i.ToString(CultureInfo.InvariantCulture)}, {WindowMetrics.Literal(p.From)}, {WindowMetrics.Literal(p.To)})"));
        var joined = $"{Q(PredictionStore.TableOf(model.Name))} AS p JOIN (VALUES {values}) AS w(i, f, t) ON p.ts > w.f AND p.ts <= w.t";
        var predictions = new long[pending.Count];
        var labelled = new long[pending.Count];
        using var engine = store.NewReader();
        var counts = engine.Query($"SELECT CAST(w.i AS BIGINT), count(*), count(p.label) FROM {joined} GROUP BY w.i");
        for (var r = 0; r < counts.RowCount; r++)
        {
            var i = (int)counts.GetInt64(0, r);
            predictions[i] = counts.GetInt64(1, r);
            labelled[i] = counts.GetInt64(2, r);
        }
        var changed = Enumerable.Range(0, pending.Count).Where(i => predictions[i] != pending[i].Predictions || labelled[i] != pending[i].Labelled).ToList();
        if (changed.Count == 0) return;
        var accs = new BinaryScoreAccumulator?[pending.Count];
        var opts = new BinaryMetricOptions { Threshold = threshold };
        var withLabels = changed.Where(i => labelled[i] > 0).ToList();
        if (withLabels.Count > 0)
        {
            engine.Stream(
                $"SELECT CAST(w.i AS BIGINT) AS i, p.score, count(*) FILTER (WHERE p.label = 1) AS pos, count(*) FILTER (WHERE p.label = 0) AS neg FROM {joined} " +
                $"WHERE p.label IS NOT NULL AND p.score IS NOT NULL AND w.i IN ({string.Join(", ", withLabels)}) GROUP BY w.i, p.score ORDER BY 1, 2 DESC",
                null,
                chunk =>
                {
                    var w = chunk.Int64s(0);
                    var s = chunk.Doubles(1);
                    var pos = chunk.Int64s(2);
                    var neg = chunk.Int64s(3);
                    for (var k = 0; k < chunk.RowCount; k++) (accs[w[k]] ??= new BinaryScoreAccumulator(opts)).Add(s[k], pos[k], neg[k]);
                });
        }
        lock (_gate)
        {
            if (!_history.TryGetValue((model.Name, monitor.Name), out var h)) return;
            foreach (var i in changed)
            {
                var realized = accs[i]?.Finish().Metrics.FirstOrDefault(m => m.Name == monitor.Metric)?.Value;
                if (realized is { } v && !double.IsFinite(v)) realized = null;
                var at = h.IndexOf(pending[i]);
                if (at >= 0) h[at] = pending[i] with { Realized = realized, Labelled = labelled[i], Predictions = predictions[i] };
            }
        }
    }
}
