using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Slicing;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;
using Vigil.Server.Store;
using Vigil.Analysis.Results;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Estimation;

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
/// The <c>estimated_performance</c> monitors (docs/service.md): the model's estimator fitted once per monitor on its
/// labelled reference (a file, refitted when the file changes, or a period of the model's own labelled predictions,
/// refitted when labels for it arrive), then each window's unlabelled predictions estimated with it. A binary
/// classifier's CBPE takes the window counted per distinct score by the store's engine (<c>GROUP BY score</c>,
/// descending) into the fitted model's accumulator; a multiclass classifier's CBPE walks the window's class
/// probabilities (<c>proba_*</c> columns) once per class in the engine's order; a regression model's DLE streams the
/// window's features and predictions through the fitted nanny models. Each evaluation is kept (the last
/// <see cref="HistoryLimit"/>), and the realized value of a kept window is brought up to date as its labels arrive.
/// </summary>
internal sealed class EstimatedPerformance(PredictionStore store)
{
    /// <summary>Evaluations kept per monitor.</summary>
    public const int HistoryLimit = 240;

    /// <summary>A monitor's fitted estimator: one of the three, by the model's task.</summary>
    private sealed record Fitted(CbpeModel? Binary, MulticlassCbpeModel? Multiclass, DleModel? Dle, string Stamp)
    {
        public IReadOnlyDictionary<string, (double? Lower, double? Upper)> Thresholds => Binary?.Thresholds ?? Multiclass?.Thresholds ?? Dle!.Thresholds;
        public int ReferenceChunks => Binary?.ReferenceChunks ?? Multiclass?.ReferenceChunks ?? Dle!.ReferenceChunks;
        public string Method => Dle is null ? "CBPE" : "DLE";
    }

    private readonly Dictionary<(string, string), Fitted> _fits = new();
    private readonly Dictionary<(string, string), List<EstimatePoint>> _history = new();
    private readonly Lock _gate = new();

    /// <summary>Fits made so far (refits included), for tests.</summary>
    public int Fits { get; private set; }

    public IReadOnlyList<EstimatePoint> History(string model, string monitor)
    {
        lock (_gate) return _history.TryGetValue((model, monitor), out var h) ? h.ToList() : [];
    }

    /// <summary>A binary model's monitor's fitted CBPE if it has been fitted (nothing is fitted here).</summary>
    public CbpeModel? FittedModel(string model, string monitor)
    {
        lock (_gate) return _fits.TryGetValue((model, monitor), out var f) ? f.Binary : null;
    }

    /// <summary>A multiclass model's monitor's fitted CBPE if it has been fitted.</summary>
    public MulticlassCbpeModel? FittedMulticlass(string model, string monitor)
    {
        lock (_gate) return _fits.TryGetValue((model, monitor), out var f) ? f.Multiclass : null;
    }

    /// <summary>A regression model's monitor's fitted DLE if it has been fitted.</summary>
    public DleModel? FittedDle(string model, string monitor)
    {
        lock (_gate) return _fits.TryGetValue((model, monitor), out var f) ? f.Dle : null;
    }

    /// <summary>The thresholds a monitor's fitted estimator learned from its reference, if it has been fitted.</summary>
    public IReadOnlyDictionary<string, (double? Lower, double? Upper)>? FittedThresholds(string model, string monitor)
    {
        lock (_gate) return _fits.TryGetValue((model, monitor), out var f) ? f.Thresholds : null;
    }

    /// <summary>The fitted CBPE of a binary model's monitor (fitted now if not yet, or refitted when its reference changed).</summary>
    public CbpeModel Model(ModelConfig model, MonitorConfig monitor) =>
        Fit(model, monitor).Binary ?? throw new ArgumentException($"model '{model.Name}' is not a binary classifier", nameof(model));

    /// <summary>The monitor's fitted estimator (fitted now if not yet, or refitted when its reference file changed, or
    /// when labels came for its reference window).</summary>
    private Fitted Fit(ModelConfig model, MonitorConfig monitor)
    {
        var e = monitor.Estimation ?? throw new ArgumentException($"monitor '{monitor.Name}' is not an estimated_performance monitor", nameof(monitor));
        var stamp = e.Reference is { } path ? Stamp(path) : StoreStamp(model, e);
        lock (_gate)
            if (_fits.TryGetValue((model.Name, monitor.Name), out var f) && f.Stamp == stamp) return f;
        using var source = e.Reference is { } file
            ? SourceOpener.Open(new SourceSpec { Inputs = [file] })
            : store.OpenWindow(Relation(model, e.ReferenceFrom!.Value, e.ReferenceTo!.Value, labelled: true, "vigil_reference"),
                $"{model.Name}, the reference window ({e.ReferenceFrom:yyyy-MM-dd HH:mm:ss} to {e.ReferenceTo:yyyy-MM-dd HH:mm:ss} UTC)");
        var options = Options(e, model, monitor, source);
        var fitted = model.Task switch
        {
            ModelTask.Multiclass => new Fitted(null, MulticlassCbpeModel.Fit(source, options), null, stamp),
            ModelTask.Regression => new Fitted(null, null, DleModel.Fit(source, options), stamp),
            _ => new Fitted(CbpeModel.Fit(source, options), null, null, stamp),
        };
        lock (_gate)
        {
            _fits[(model.Name, monitor.Name)] = fitted;
            Fits++;
        }
        return fitted;
    }

    /// <summary>A period of the model's table with the CLI's column names, as the estimators read a file: a binary
    /// model's score; a multiclass model's prediction and one <c>proba_&lt;class&gt;</c> per declared class (named by the
    /// class, as <c>vigil estimate</c> finds them); a regression model's prediction, id and features (named by the
    /// feature); the label and timestamp. <paramref name="labelled"/>: only the labelled rows (true), only the unlabelled
    /// (false), or all (null).</summary>
    private string Relation(ModelConfig model, DateTime from, DateTime to, bool? labelled, string alias = "vigil_window")
    {
        var columns = model.Task switch
        {
            ModelTask.Binary => $"score AS {Q(MappingOptions.DefaultScore)}",
            ModelTask.Multiclass => $"prediction AS {Q(MappingOptions.DefaultPrediction)}" +
                                    string.Concat(model.Classes.Select(c => $", {Q(ModelConfig.ProbabilityColumn(c))} AS {Q("proba_" + c)}")),
            _ => $"prediction AS {Q(MappingOptions.DefaultPrediction)}, id AS {Q(MappingOptions.DefaultId)}" +
                 string.Concat(model.Features.Select(f => $", {Q("f_" + f.Name)} AS {Q(f.Name)}")),
        };
        var which = labelled switch { true => " AND label IS NOT NULL", false => " AND label IS NULL", null => "" };
        return $"(SELECT {columns}, label AS {Q(MappingOptions.DefaultLabel)}, ts AS {Q(MappingOptions.DefaultTimestamp)} " +
               $"FROM {store.Rows(model.Name)} WHERE {store.Where(from, to)}{which}) AS {alias}";
    }

    /// <summary>The reference's chunks for the learned thresholds: as configured, else periods of the window's length
    /// when it is an hour, a day or a week and the reference has timestamps, else NannyML's 10 chunks of equal rows.</summary>
    private static EstimationOptions Options(EstimationConfig e, ModelConfig model, MonitorConfig monitor, OpenedSource reference)
    {
        var options = ServiceConfigLoader.ReferenceOptions(e, model.Task, monitor.Metric, model.Features);
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
        var n = engine.Query($"SELECT count(label) FROM {store.Rows(model.Name)} WHERE {store.Where(e.ReferenceFrom!.Value, e.ReferenceTo!.Value)}").GetInt64(0, 0);
        return "store:" + n.ToString(CultureInfo.InvariantCulture);
    }

    private static string Stamp(string path)
    {
        var info = new FileInfo(path);
        return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}:{info.Length}" : $"{Directory.GetLastWriteTimeUtc(path).Ticks}:dir";
    }

    private string Q(string identifier) => store.Dialect.QuoteIdentifier(identifier);

    /// <summary>The estimate (CBPE's or DLE's) of the monitor's metric on the window's unlabelled predictions, judged
    /// against the learned thresholds when the monitor sets none.</summary>
    public MetricValue Compute(ModelConfig model, MonitorConfig monitor, DateTime from, DateTime to)
    {
        var fitted = Fit(model, monitor);
        var method = fitted.Method;
        EstimateBand band;
        if (fitted.Binary is { } cbpe)
        {
            var acc = cbpe.NewAccumulator();
            using (var engine = store.NewReader())
            {
                engine.Stream(
                    $"SELECT score, count(*) AS n FROM {store.Rows(model.Name)} WHERE {store.Where(from, to)} AND label IS NULL AND score IS NOT NULL " +
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
            band = estimate.Rows < monitor.Estimation!.MinRows ? new EstimateBand(null, null, null, null, estimate.Rows) : cbpe.Band(estimate, monitor.Metric);
        }
        else
        {
            EstimatedChunk? chunk;
            using (var window = store.OpenWindow(Relation(model, from, to, labelled: false), $"{model.Name}, the window {from:yyyy-MM-dd HH:mm:ss} to {to:yyyy-MM-dd HH:mm:ss} UTC"))
                chunk = fitted.Multiclass is { } mc ? mc.Estimate(window) : fitted.Dle!.Estimate(window);
            var m = chunk?.Metrics[monitor.Metric];
            band = new EstimateBand(m?.Estimated, m?.StandardError, m?.Lower, m?.Upper, chunk?.Rows ?? 0);
        }
        var minRows = monitor.Estimation!.MinRows;
        Refresh(model, monitor, fitted);
        if (band.Rows < minRows)
            return new MetricValue(null, null, string.Create(CultureInfo.InvariantCulture,
                $"{band.Rows:N0} unlabelled predictions in the window; {method}'s estimate needs at least {minRows:N0} (min_rows)"));
        lock (_gate)
        {
            var history = _history.TryGetValue((model.Name, monitor.Name), out var h) ? h : _history[(model.Name, monitor.Name)] = [];
            history.Add(new EstimatePoint(from, to, band.Rows, band.Estimated, band.StandardError, band.Lower, band.Upper));
            if (history.Count > HistoryLimit) history.RemoveAt(0);
        }
        if (band.Estimated is not { } value)
            return new MetricValue(null, null, method == "DLE"
                ? $"{monitor.Metric} is undefined on the window (the nannies' predicted losses give no finite value)"
                : $"{monitor.Metric} is undefined on the window's estimated confusion matrix (a zero denominator)");
        var info = new EstimateInfo(monitor.Metric, value, band.StandardError, band.Lower, band.Upper, band.Rows);
        var note = string.Create(CultureInfo.InvariantCulture,
            $"estimated {monitor.Metric} {value:0.####} ({method}), band [{band.Lower:0.####}, {band.Upper:0.####}] (± 3 SE) on {band.Rows:N0} unlabelled predictions");
        if (monitor.HasThreshold) return new MetricValue(value, null, note) { Estimate = info };
        var (lo, hi) = fitted.Thresholds.GetValueOrDefault(monitor.Metric);
        if (lo is null && hi is null)
            return new MetricValue(value, null, note + "; no thresholds: the reference has fewer than two chunks with the metric defined (set 'chunk:', or a threshold)") { Estimate = info };
        var breached = (lo is { } l && value < l) || (hi is { } u && value > u);
        var condition = string.Create(CultureInfo.InvariantCulture, $"mean ± 3σ of the reference's {fitted.ReferenceChunks} chunks: [{lo:0.####}, {hi:0.####}]");
        return new MetricValue(value, breached, note) { Estimate = info, Condition = condition };
    }

    /// <summary>Brings the realized values of kept windows up to date, in two queries whatever their number: the kept
    /// windows joined by range to the model's table give each window's predictions and labels; the windows whose counts
    /// changed are evaluated again on their labelled predictions (per-window, per-score positive and negative counts,
    /// descending, into evaluate's accumulator, at the fitted threshold). A multiclass model's windows are walked on
    /// their labelled predictions as <c>vigil estimate</c> walks a labelled chunk (its realized macro metrics); a
    /// regression model's realized loss is averaged by the engine over each window's labelled predictions, all windows in
    /// one query. A window all of whose predictions have labels is final.</summary>
    private void Refresh(ModelConfig model, MonitorConfig monitor, Fitted fitted)
    {
        List<EstimatePoint> pending;
        lock (_gate)
            pending = _history.TryGetValue((model.Name, monitor.Name), out var h) ? h.Where(p => p.Predictions == 0 || p.Labelled < p.Predictions).ToList() : [];
        if (pending.Count == 0) return;
        // Aggregates per window: a range join of the windows to the table where the engine has one, else one aggregate
        // per window, joined by UNION ALL (each still an aggregate the engine computes, on a cluster on its shards).
        string PerWindow(IReadOnlyList<int> which, string aggregates, string where, string? group = null)
        {
            var list = string.Join(", ", which.Select(i => i.ToString(CultureInfo.InvariantCulture)));
            if (store.Dialect.HasRangeJoins)
            {
                var values = string.Join(", ", which.Select(i =>
                    $"({i.ToString(CultureInfo.InvariantCulture)}, {store.Dialect.TimestampLiteral(pending[i].From)}, {store.Dialect.TimestampLiteral(pending[i].To)})"));
                return $"SELECT CAST(w.i AS BIGINT) AS i_{(group is null ? "" : $", {group} AS g_")}, {aggregates} " +
                       $"FROM {store.Rows(model.Name, "p")} JOIN (VALUES {values}) AS w(i, f, t) ON p.ts > w.f AND p.ts <= w.t " +
                       $"WHERE w.i IN ({list}){where} GROUP BY w.i{(group is null ? "" : ", " + group)}";
            }
            return "SELECT * FROM (" + string.Join(" UNION ALL ", which.Select(i =>
                $"SELECT CAST({i.ToString(CultureInfo.InvariantCulture)} AS BIGINT) AS i_{(group is null ? "" : $", {group} AS g_")}, {aggregates} " +
                $"FROM {store.Rows(model.Name, "p")} WHERE p.ts > {store.Dialect.TimestampLiteral(pending[i].From)} AND p.ts <= {store.Dialect.TimestampLiteral(pending[i].To)}{where}" +
                (group is null ? "" : $" GROUP BY {group}"))) + ") AS per_window";
        }
        var all = Enumerable.Range(0, pending.Count).ToList();
        var predictions = new long[pending.Count];
        var labelled = new long[pending.Count];
        using var engine = store.NewReader();
        var counts = engine.Query(PerWindow(all, "count(*) AS n_, count(p.label) AS labelled_", ""));
        for (var r = 0; r < counts.RowCount; r++)
        {
            var i = (int)counts.GetInt64(0, r);
            predictions[i] = counts.GetInt64(1, r);
            labelled[i] = counts.GetInt64(2, r);
        }
        var changed = Enumerable.Range(0, pending.Count).Where(i => predictions[i] != pending[i].Predictions || labelled[i] != pending[i].Labelled).ToList();
        if (changed.Count == 0) return;
        var withLabels = changed.Where(i => labelled[i] > 0).ToList();
        var realized = new double?[pending.Count];
        if (fitted.Binary is null)
        {
            if (fitted.Multiclass is { } mc)
            {
                foreach (var i in withLabels)
                {
                    using var window = store.OpenWindow(Relation(model, pending[i].From, pending[i].To, labelled: true),
                        $"{model.Name}, the window {pending[i].From:yyyy-MM-dd HH:mm:ss} to {pending[i].To:yyyy-MM-dd HH:mm:ss} UTC");
                    realized[i] = mc.Estimate(window)?.Metrics[monitor.Metric].Realized;
                }
            }
            else if (withLabels.Count > 0)
            {
                var t = engine.Query(PerWindow(withLabels, $"{MeanLoss(monitor.Metric)} AS loss_", " AND p.label IS NOT NULL AND p.prediction IS NOT NULL"));
                for (var r = 0; r < t.RowCount; r++)
                    if (!t.IsNull(1, r)) realized[(int)t.GetInt64(0, r)] = DleMetrics.FromMeanLoss(monitor.Metric, t.GetDouble(1, r));
            }
            Update(model, monitor, pending, changed, realized, labelled, predictions);
            return;
        }
        var accs = new BinaryScoreAccumulator?[pending.Count];
        var opts = new BinaryMetricOptions { Threshold = fitted.Binary.Threshold };
        if (withLabels.Count > 0)
        {
            engine.Stream(
                PerWindow(withLabels, $"{engine.Dialect.CountIf("p.label = 1")} AS pos_, {engine.Dialect.CountIf("p.label = 0")} AS neg_", " AND p.label IS NOT NULL AND p.score IS NOT NULL", "p.score") +
                " ORDER BY i_, g_ DESC",
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
        foreach (var i in changed) realized[i] = accs[i]?.Finish().Metrics.FirstOrDefault(m => m.Name == monitor.Metric)?.Value;
        Update(model, monitor, pending, changed, realized, labelled, predictions);
    }

    /// <summary>The kept windows whose counts changed, with their new realized values.</summary>
    private void Update(ModelConfig model, MonitorConfig monitor, List<EstimatePoint> pending, List<int> changed, double?[] realized, long[] labelled, long[] predictions)
    {
        lock (_gate)
        {
            if (!_history.TryGetValue((model.Name, monitor.Name), out var h)) return;
            foreach (var i in changed)
            {
                var value = realized[i] is { } v && double.IsFinite(v) ? v : (double?)null;
                var at = h.IndexOf(pending[i]);
                if (at >= 0) h[at] = pending[i] with { Realized = value, Labelled = labelled[i], Predictions = predictions[i] };
            }
        }
    }

    /// <summary>The engine's mean over a window's labelled predictions (p) of the loss a DLE metric averages, as
    /// scikit-learn computes it (<see cref="DleMetrics.Loss"/>); rows where a log loss is undefined are left out.</summary>
    private static string MeanLoss(string metric)
    {
        const string e = "(p.label - p.prediction)";
        return DleMetrics.LossOf(metric) switch
        {
            DleLoss.Absolute => $"avg(abs{e})",
            DleLoss.Squared => $"avg({e} * {e})",
            DleLoss.Percentage => $"avg(abs{e} / greatest(abs(p.label), {DleMetrics.MachineEpsilon.ToString("R", CultureInfo.InvariantCulture)}))",
            _ => "avg(CASE WHEN p.label > -1 AND p.prediction > -1 THEN (ln(1 + p.label) - ln(1 + p.prediction)) * (ln(1 + p.label) - ln(1 + p.prediction)) END)",
        };
    }
}
