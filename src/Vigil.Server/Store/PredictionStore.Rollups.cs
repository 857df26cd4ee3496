using System.Collections.Concurrent;
using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Monitoring.Config;
using Vigil.Server.Store.Rollups;

namespace Vigil.Server.Store;

/// <summary>A rollup's grain: minute cells (kept <see cref="PredictionStore.MinuteRetention"/>) or hour cells (kept
/// as long as the predictions).</summary>
internal enum Grain { Minute, Hour }

/// <summary>One stored rollup cell.</summary>
internal sealed record StoredCell(string Model, string Version, DateTime Bucket, RollupCell Cell);

/// <summary>One persisted monitor reading.</summary>
internal sealed record StoredReading(string Monitor, DateTime At, double? Value, bool? Breached);

/// <summary>
/// The rollups the fleet pages read (docs/dashboard.md, "Rollups"): <c>vigil_rollup_minute</c> and
/// <c>vigil_rollup_hour</c>, one row per model, version and bucket holding a <see cref="RollupCell"/> as text, kept
/// exact by the writer: each commit of predictions adds its rows' cells in the same transaction (the touched buckets'
/// rows are read, added to and written back), and each batch of late labels moves its predictions between label
/// classes in the buckets they belong to, also in the labels' transaction. <c>vigil_rollup_state</c> remembers each
/// model's bins (<see cref="RollupBins.Signature"/>); a model without a row there, or with other bins, has its rollups
/// rebuilt from its predictions when the store opens. <c>vigil_readings</c> keeps the monitors' readings 35 days.
/// </summary>
internal abstract partial class PredictionStore
{
    /// <summary>How long minute cells are kept (hour cells stay).</summary>
    public static readonly TimeSpan MinuteRetention = TimeSpan.FromDays(2);

    /// <summary>How long monitor readings are kept.</summary>
    public static readonly TimeSpan ReadingRetention = TimeSpan.FromDays(35);

    private readonly Dictionary<string, RollupBins> _bins = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastTicks = new(StringComparer.Ordinal);
    private Dictionary<string, long>? _pendingLast;
    private DateTime _readingsPruned;
    private DateTime _minutesPruned;
    /// <summary>Reader connections kept for the pages' reads: making one waits for the writer's lock (DuckDB), which a
    /// commit holds while it merges its cells.</summary>
    private readonly ConcurrentBag<Engine.IQueryEngine> _pageReaders = [];

    private T Read<T>(Func<Engine.IQueryEngine, T> body)
    {
        if (!_pageReaders.TryTake(out var reader)) reader = NewStateReader();
        try
        {
            var result = body(reader);
            _pageReaders.Add(reader);
            return result;
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Closes the kept reader connections (before the store closes).</summary>
    protected void CloseReaders()
    {
        while (_pageReaders.TryTake(out var reader)) reader.Dispose();
    }

    /// <summary>Each model's rollup bins.</summary>
    public IReadOnlyDictionary<string, RollupBins> Bins => _bins;

    protected static string RollupTable(Grain g) => g == Grain.Minute ? "vigil_rollup_minute" : "vigil_rollup_hour";

    /// <summary>Runs a statement on the writer's connection (inside the writer's transaction when one is open).</summary>
    protected abstract void WriterExecute(string sql);

    /// <summary>Runs a query on the writer's connection (inside its open transaction) and returns its rows, boxed.</summary>
    protected abstract List<object?[]> WriterRows(string sql);

    /// <summary>Runs <paramref name="body"/> in one transaction on the writer's connection.</summary>
    protected abstract void InWriterTransaction(Action body);

    /// <summary>The primary key clause of the rollup tables (PostgreSQL has one; DuckDB none, see <see cref="DuckDbStore"/>).</summary>
    protected abstract string RollupKey { get; }

    private string Lit(string s) => StateDialect.StringLiteral(s);

    internal static string Lit(DateTime t) => $"TIMESTAMP '{t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture)}'";

    public static DateTime Floor(DateTime t, Grain g) =>
        new(g == Grain.Minute ? t.Ticks - t.Ticks % TimeSpan.TicksPerMinute : t.Ticks - t.Ticks % TimeSpan.TicksPerHour, DateTimeKind.Utc);

    /// <summary>Creates the rollup and readings tables, loads each model's bins and rebuilds the rollups of models whose
    /// bins are new or changed. Called by the stores' constructors once the prediction tables exist.</summary>
    protected void OpenRollups(ServiceConfig config)
    {
        foreach (var g in new[] { Grain.Minute, Grain.Hour })
            WriterExecute($"CREATE TABLE IF NOT EXISTS {RollupTable(g)} (model TEXT NOT NULL, version TEXT NOT NULL, bucket TIMESTAMP NOT NULL, n BIGINT NOT NULL, body TEXT NOT NULL{RollupKey})");
        WriterExecute("CREATE TABLE IF NOT EXISTS vigil_rollup_state (model TEXT NOT NULL PRIMARY KEY, signature TEXT NOT NULL, built_at TIMESTAMP NOT NULL)");
        WriterExecute($"CREATE TABLE IF NOT EXISTS vigil_readings (model TEXT NOT NULL, monitor TEXT NOT NULL, \"at\" TIMESTAMP NOT NULL, value {StateDialect.Double}, breached BOOLEAN)");
        var state = WriterRows("SELECT model, signature FROM vigil_rollup_state").ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.Ordinal);
        foreach (var m in config.Models)
        {
            RollupBins bins;
            try
            {
                bins = RollupBins.For(m);
            }
            catch (Exception e) when (e is Engine.VigilInputException or Engine.VigilEngineException or IOException)
            {
                // The config loader checked the reference; one that cannot be read now leaves the rollups without feature bins.
                bins = RollupBins.Of(m, null);
            }
            _bins[m.Name] = bins;
            if (!state.TryGetValue(m.Name, out var signature) || signature != bins.Signature) Rebuild(m.Name);
        }
        foreach (var r in WriterRows("SELECT h.model, h.body FROM vigil_rollup_hour h JOIN (SELECT model, max(bucket) AS b FROM vigil_rollup_hour GROUP BY model) x ON h.model = x.model AND h.bucket = x.b"))
        {
            var model = (string)r[0]!;
            if (!_bins.TryGetValue(model, out var b)) continue;
            var t = RollupCell.Decode((string)r[1]!, b).LastTicks;
            _lastTicks.AddOrUpdate(model, t, (_, old) => Math.Max(old, t));
        }
    }

    /// <summary>The newest prediction timestamp of a model (null when it has none).</summary>
    public DateTime? LastPrediction(string model) =>
        _lastTicks.TryGetValue(model, out var t) && t > 0 ? new DateTime(t, DateTimeKind.Utc) : null;

    /// <summary>Recomputes a model's rollups from its stored predictions (one scan of its table, at start).</summary>
    internal void Rebuild(string model)
    {
        var bins = _bins[model];
        var m = bins.Model;
        var hours = new Dictionary<(string, DateTime), RollupCell>();
        var minutes = new Dictionary<(string, DateTime), RollupCell>();
        var keepFrom = Floor(DateTime.UtcNow - MinuteRetention, Grain.Minute);
        using (var reader = NewReader())
        {
            var row = new RollupRow { Numbers = new double[m.Features.Count], Texts = new string?[m.Features.Count] };
            reader.StreamUnordered(RawSelect(m, "p", ""), [], t =>
            {
                for (var i = 0; i < t.RowCount; i++)
                {
                    FillRow(row, m, t, i, 0);
                    var version = row.Version;
                    Cell(hours, version, Floor(row.Timestamp, Grain.Hour), bins).Add(row, bins);
                    var minute = Floor(row.Timestamp, Grain.Minute);
                    if (minute >= keepFrom) Cell(minutes, version, minute, bins).Add(row, bins);
                }
            });
        }
        InWriterTransaction(() =>
        {
            foreach (var g in new[] { Grain.Minute, Grain.Hour }) WriterExecute($"DELETE FROM {RollupTable(g)} WHERE model = {Lit(model)}");
            InsertCells(Grain.Minute, model, minutes);
            InsertCells(Grain.Hour, model, hours);
            WriterExecute($"DELETE FROM vigil_rollup_state WHERE model = {Lit(model)}");
            WriterExecute($"INSERT INTO vigil_rollup_state (model, signature, built_at) VALUES ({Lit(model)}, {Lit(bins.Signature)}, {Lit(DateTime.UtcNow)})");
        });
        ForgetHours();
    }

    private static RollupCell Cell(Dictionary<(string, DateTime), RollupCell> cells, string version, DateTime bucket, RollupBins bins)
    {
        if (!cells.TryGetValue((version, bucket), out var c)) cells[(version, bucket)] = c = new RollupCell(bins);
        return c;
    }

    /// <summary>The columns the rollups read from a model's table: ts, version, score, prediction, label, latency_ms,
    /// error, then the features.</summary>
    private string RawSelect(ModelConfig m, string alias, string tail) =>
        $"SELECT {alias}.ts, {alias}.version, {alias}.score, {alias}.prediction, {alias}.label, {alias}.latency_ms, {alias}.error" +
        string.Concat(m.Features.Select(f => $", {alias}.{Q("f_" + f.Name)}")) + $" FROM {Rows(m.Name, alias)}{tail}";

    /// <summary>Fills <paramref name="row"/> from a row of <see cref="RawSelect"/> starting at column <paramref name="at"/>.</summary>
    private static void FillRow(RollupRow row, ModelConfig m, Engine.Table t, int i, int at)
    {
        row.Timestamp = DateTime.SpecifyKind(t.GetDateTime(at, i), DateTimeKind.Utc);
        row.Version = t.IsNull(at + 1, i) ? "" : t.GetString(at + 1, i)!;
        row.Score = t.IsNull(at + 2, i) ? null : t.GetDouble(at + 2, i);
        row.Prediction = null;
        row.PredictedClass = null;
        row.LabelClass = null;
        row.LabelValue = null;
        if (!t.IsNull(at + 3, i))
        {
            if (m.Task == ModelTask.Multiclass) row.PredictedClass = t.GetString(at + 3, i);
            else row.Prediction = t.GetDouble(at + 3, i);
        }
        if (!t.IsNull(at + 4, i))
        {
            if (m.Task == ModelTask.Multiclass) row.LabelClass = t.GetString(at + 4, i);
            else if (m.Task == ModelTask.Binary) row.LabelClass = t.GetDouble(at + 4, i) == 1 ? "1" : "0";
            else row.LabelValue = t.GetDouble(at + 4, i);
        }
        row.LatencyMs = t.IsNull(at + 5, i) ? null : t.GetDouble(at + 5, i);
        // A boolean, or (ClickHouse, which has none) a UInt8.
        row.Error = !t.IsNull(at + 6, i) && (t.Kind(at + 6) == Engine.ColumnKind.Boolean ? t.GetBoolean(at + 6, i) : t.GetInt64(at + 6, i) != 0);
        for (var k = 0; k < m.Features.Count; k++)
        {
            var c = at + 7 + k;
            if (m.Features[k].Type == FeatureType.Number) row.Numbers[k] = t.IsNull(c, i) ? double.NaN : t.GetDouble(c, i);
            else row.Texts[k] = t.IsNull(c, i) ? null : t.GetString(c, i);
        }
    }

    /// <summary>A rollup row of an ingested record.</summary>
    private RollupRow RowOf(ModelConfig m, PredictionRecord r) => new()
    {
        // The rollup's last timestamp has the stored precision, so that a rebuild finds the same one.
        Timestamp = new DateTime(r.Timestamp.Ticks - r.Timestamp.Ticks % TimestampUnit, DateTimeKind.Utc),
        Version = r.Version ?? "",
        Score = r.Score,
        Prediction = m.Task == ModelTask.Multiclass ? null : r.Prediction as double?,
        PredictedClass = m.Task == ModelTask.Multiclass ? r.Prediction as string : null,
        LabelClass = m.Task == ModelTask.Regression ? null : RollupCell.LabelText(m.Task, r.Label),
        LabelValue = m.Task == ModelTask.Regression ? r.Label as double? : null,
        LatencyMs = r.LatencyMs,
        Error = r.Error == true,
        Numbers = r.Numbers,
        Texts = r.Texts,
    };

    /// <summary>Adds the stored records' cells to the rollups (in the writer's open transaction).</summary>
    protected void RollupInserted(ModelConfig m, IEnumerable<PredictionRecord> stored)
    {
        var bins = _bins[m.Name];
        var minutes = new Dictionary<(string, DateTime), RollupCell>();
        var hours = new Dictionary<(string, DateTime), RollupCell>();
        long last = 0;
        foreach (var r in stored)
        {
            var row = RowOf(m, r);
            Cell(minutes, row.Version, Floor(row.Timestamp, Grain.Minute), bins).Add(row, bins);
            Cell(hours, row.Version, Floor(row.Timestamp, Grain.Hour), bins).Add(row, bins);
            last = Math.Max(last, row.Timestamp.Ticks);
        }
        if (hours.Count == 0) return;
        MergeCells(Grain.Minute, m.Name, minutes);
        MergeCells(Grain.Hour, m.Name, hours);
        if (DateTime.UtcNow - _minutesPruned > TimeSpan.FromHours(1))
        {
            // Minute cells past their retention leave (hour cells stay); once an hour, inside a commit.
            _minutesPruned = DateTime.UtcNow;
            WriterExecute($"DELETE FROM {RollupTable(Grain.Minute)} WHERE bucket < {Lit(Floor(_minutesPruned - MinuteRetention, Grain.Minute))}");
        }
        _pendingLast ??= new Dictionary<string, long>(StringComparer.Ordinal);
        _pendingLast[m.Name] = Math.Max(_pendingLast.GetValueOrDefault(m.Name), last);
    }

    /// <summary>After the writer's commit: what it stored becomes the models' last prediction times.</summary>
    protected void RollupsCommitted(bool committed)
    {
        if (committed && _pendingLast is { } pending)
            foreach (var (model, t) in pending) _lastTicks.AddOrUpdate(model, t, (_, old) => Math.Max(old, t));
        _pendingLast = null;
        HoursSettled();
    }

    /// <summary>The label moves of a batch of late labels (distinct ids), read before the update (in its transaction):
    /// each found prediction leaves its old label class and joins the new one, in its own buckets.</summary>
    protected void RollupLabels(ModelConfig m, string labelsTable) =>
        RollupLabelMoves(m, WriterRows($"SELECT p.ts, p.version, p.score, p.prediction, p.label, l.label FROM {Q(TableOf(m.Name))} AS p JOIN {labelsTable} AS l ON p.id = l.id"));

    /// <summary>The label moves of found predictions, one row each: (ts, version, score, prediction, old label, new
    /// label), as the stores' engines return them.</summary>
    protected void RollupLabelMoves(ModelConfig m, IEnumerable<object?[]> moves)
    {
        var bins = _bins[m.Name];
        var minutes = new Dictionary<(string, DateTime), RollupCell>();
        var hours = new Dictionary<(string, DateTime), RollupCell>();
        var keepFrom = Floor(DateTime.UtcNow - MinuteRetention, Grain.Minute);
        foreach (var r in moves)
        {
            var ts = DateTime.SpecifyKind((DateTime)r[0]!, DateTimeKind.Utc);
            RollupRow Row(object? label) => new()
            {
                Timestamp = ts,
                Version = r[1] as string ?? "",
                Score = r[2] is null ? null : Convert.ToDouble(r[2], CultureInfo.InvariantCulture),
                Prediction = m.Task == ModelTask.Regression && r[3] is not null ? Convert.ToDouble(r[3], CultureInfo.InvariantCulture) : null,
                PredictedClass = m.Task == ModelTask.Multiclass ? r[3] as string : null,
                LabelClass = m.Task switch
                {
                    ModelTask.Binary when label is not null => Convert.ToDouble(label, CultureInfo.InvariantCulture) == 1 ? "1" : "0",
                    ModelTask.Multiclass => label as string,
                    _ => null,
                },
                LabelValue = m.Task == ModelTask.Regression && label is not null ? Convert.ToDouble(label, CultureInfo.InvariantCulture) : null,
            };
            var (old, now) = (Row(r[4]), Row(r[5]));
            foreach (var (cells, grain) in new[] { (minutes, Grain.Minute), (hours, Grain.Hour) })
            {
                var bucket = Floor(ts, grain);
                if (grain == Grain.Minute && bucket < keepFrom) continue;
                var c = Cell(cells, old.Version, bucket, bins);
                c.AddLabelPart(old, -1);
                c.AddLabelPart(now, +1);
            }
        }
        MergeCells(Grain.Minute, m.Name, minutes);
        MergeCells(Grain.Hour, m.Name, hours);
    }

    /// <summary>Adds cells to the stored ones: reads the model's rows of the touched buckets, adds, and writes them back.</summary>
    private void MergeCells(Grain g, string model, Dictionary<(string Version, DateTime Bucket), RollupCell> deltas)
    {
        foreach (var key in deltas.Where(kv => kv.Value.IsEmpty).Select(kv => kv.Key).ToList()) deltas.Remove(key);
        if (deltas.Count == 0) return;
        if (g == Grain.Hour)
            foreach (var key in deltas.Keys) TouchedHour(model, key.Bucket);
        var bins = _bins[model];
        var buckets = string.Join(", ", deltas.Keys.Select(k => k.Bucket).Distinct().Select(Lit));
        var where = $"model = {Lit(model)} AND bucket IN ({buckets})";
        var merged = new Dictionary<(string, DateTime), RollupCell>();
        foreach (var r in WriterRows($"SELECT version, bucket, body FROM {RollupTable(g)} WHERE {where}"))
        {
            var key = ((string)r[0]!, DateTime.SpecifyKind((DateTime)r[1]!, DateTimeKind.Utc));
            var cell = RollupCell.Decode((string)r[2]!, bins);
            if (merged.TryGetValue(key, out var twin)) twin.Add(cell);
            else merged[key] = cell;
        }
        foreach (var (key, delta) in deltas)
        {
            if (merged.TryGetValue(key, out var cell)) cell.Add(delta);
            else merged[key] = delta;
        }
        WriterExecute($"DELETE FROM {RollupTable(g)} WHERE {where}");
        InsertCells(g, model, merged);
    }

    private void InsertCells(Grain g, string model, Dictionary<(string Version, DateTime Bucket), RollupCell> cells)
    {
        if (cells.Count == 0) return;
        WriterAppend(RollupTable(g), cells.Select(kv => (model, kv.Key.Version, kv.Key.Bucket, kv.Value.N, kv.Value.Encode())));
    }

    /// <summary>Appends rows (model, version, bucket, n, body) to a rollup table on the writer's connection, in its open
    /// transaction (DuckDB's appender, PostgreSQL's binary COPY).</summary>
    protected abstract void WriterAppend(string table, IEnumerable<(string Model, string Version, DateTime Bucket, long N, string Body)> rows);

    /// <summary>The stored cells of a grain with bucket in [from, to), of one model or all; read on a connection of its own.</summary>
    /// <remarks><paramref name="where"/> is a further SQL condition, built by the store itself.</remarks>
    public List<StoredCell> ReadCells(Grain g, DateTime from, DateTime to, string? model = null, string? version = null, string? where = null)
    {
        var sql = $"SELECT model, version, bucket, body FROM {RollupTable(g)} WHERE bucket >= {Lit(from)} AND bucket < {Lit(to)}" +
                  (model is null ? "" : $" AND model = {Lit(model)}") + (version is null ? "" : $" AND version = {Lit(version)}") +
                  (where is null ? "" : $" AND {where}");
        var cells = new List<StoredCell>();
        var t = Read(reader => reader.Query(sql));
        for (var i = 0; i < t.RowCount; i++)
        {
            var name = t.GetString(0, i)!;
            if (!_bins.TryGetValue(name, out var bins)) continue;
            cells.Add(new StoredCell(name, t.GetString(1, i)!, DateTime.SpecifyKind(t.GetDateTime(2, i), DateTimeKind.Utc), RollupCell.Decode(t.GetString(3, i)!, bins)));
        }
        return cells;
    }

    /// <summary>Keeps a monitor's reading (and prunes readings older than <see cref="ReadingRetention"/> once an hour).</summary>
    public void RecordReading(string model, string monitor, DateTime at, double? value, bool? breached)
    {
        var v = value is { } x && double.IsFinite(x) ? x.ToString("R", CultureInfo.InvariantCulture) : "NULL";
        var b = breached is { } y ? (y ? "TRUE" : "FALSE") : "NULL";
        WriterExecute($"INSERT INTO vigil_readings (model, monitor, \"at\", value, breached) VALUES ({Lit(model)}, {Lit(monitor)}, {Lit(at)}, {v}, {b})");
        if (at - _readingsPruned > TimeSpan.FromHours(1))
        {
            _readingsPruned = at;
            WriterExecute($"DELETE FROM vigil_readings WHERE \"at\" < {Lit(at - ReadingRetention)}");
        }
    }

    /// <summary>A model's readings with at in [from, to], oldest first.</summary>
    public List<StoredReading> ReadReadings(string model, DateTime from, DateTime to)
    {
        var t = Read(reader => reader.Query($"SELECT monitor, \"at\", value, breached FROM vigil_readings WHERE model = {Lit(model)} AND \"at\" >= {Lit(from)} AND \"at\" <= {Lit(to)} ORDER BY \"at\", monitor"));
        var list = new List<StoredReading>(t.RowCount);
        for (var i = 0; i < t.RowCount; i++)
            list.Add(new StoredReading(t.GetString(0, i)!, DateTime.SpecifyKind(t.GetDateTime(1, i), DateTimeKind.Utc),
                t.IsNull(2, i) ? null : t.GetDouble(2, i), t.IsNull(3, i) ? null : t.GetBoolean(3, i)));
        return list;
    }

    /// <summary>Labels with distinct ids (the last one sent for an id wins), so that an update and its rollup move agree.</summary>
    protected static IReadOnlyList<LabelRecord> Distinct(IReadOnlyList<LabelRecord> labels)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var list = new List<LabelRecord>(labels.Count);
        for (var i = labels.Count - 1; i >= 0; i--)
            if (seen.Add(labels[i].Id)) list.Add(labels[i]);
        list.Reverse();
        return list.Count == labels.Count ? labels : list;
    }
}
