using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store;

/// <summary>One validated prediction, ready to store. Features in the schema's order: a number feature's value in
/// <see cref="Numbers"/> (NaN for none: JSON has no NaN), a category's in <see cref="Texts"/> (null for none).</summary>
internal sealed record PredictionRecord(string Id, DateTime Timestamp, string? Version, double? Score, object? Prediction,
    object? Label, double? LatencyMs, bool? Error, double[] Numbers, string?[] Texts);

/// <summary>A late label for a stored prediction.</summary>
internal sealed record LabelRecord(string Id, object Label, DateTime Timestamp);

/// <summary>
/// The service's store: an embedded DuckDB file with one table per model, <c>predictions_{model}</c> (id as primary
/// key, timestamp, version, score or prediction, label and when it came, latency, error, when it was received, and a
/// column <c>f_{feature}</c> per feature). Writes go through one connection under a lock; a batch is one transaction,
/// committed (and so written to DuckDB's write-ahead log) before the caller is told it is stored.
/// </summary>
internal sealed class PredictionStore : IDisposable
{
    private readonly DuckDbEngine _engine;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ModelConfig> _models;

    public PredictionStore(ServiceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Path = ResolvePath(config.Store);
        _models = config.Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
        _engine = new DuckDbEngine(new DuckDbOptions { Path = Path });
        // DuckDB folds its write-ahead log into the database file (a checkpoint) inside the commit that crosses this
        // size, stalling every batch behind it: fewer, larger checkpoints keep ingest's tail latency down.
        _engine.Execute($"SET checkpoint_threshold = '{CheckpointThreshold}'");
        foreach (var m in config.Models) CreateTable(m);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    private static string ResolvePath(string? store)
    {
        if (store is not null && (store.StartsWith("postgres://", StringComparison.Ordinal) || store.StartsWith("postgresql://", StringComparison.Ordinal)))
            throw new VigilInputException("store: a PostgreSQL store is not supported yet; use a DuckDB file (store: ./vigil-data/vigil.duckdb) or leave 'store' out");
        var path = store ?? System.IO.Path.Combine("vigil-data", "vigil.duckdb");
        if (Directory.Exists(path) || path.EndsWith('/')) path = System.IO.Path.Combine(path, "vigil.duckdb");
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        return System.IO.Path.GetFullPath(path);
    }

    public static string TableOf(string model) => "predictions_" + model.Replace('-', '_');

    private static string Q(string identifier) => SqlDialect.DuckDb.QuoteIdentifier(identifier);

    private static string ValueType(ModelTask task) => task == ModelTask.Multiclass ? "VARCHAR" : "DOUBLE";

    private void CreateTable(ModelConfig m)
    {
        var table = Q(TableOf(m.Name));
        var columns = new List<string>
        {
            "id VARCHAR PRIMARY KEY", "ts TIMESTAMP NOT NULL", "version VARCHAR", "score DOUBLE",
            $"prediction {ValueType(m.Task)}", $"label {ValueType(m.Task)}", "label_ts TIMESTAMP",
            "latency_ms DOUBLE", "error BOOLEAN", "received TIMESTAMP NOT NULL",
        };
        columns.AddRange(m.Features.Select(f => $"{Q("f_" + f.Name)} {(f.Type == FeatureType.Number ? "DOUBLE" : "VARCHAR")}"));
        lock (_gate)
        {
            _engine.Execute($"CREATE TABLE IF NOT EXISTS {table} ({string.Join(", ", columns)})");
            // A feature added to the config after the table was made becomes a new column.
            foreach (var f in m.Features)
                _engine.Execute($"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {Q("f_" + f.Name)} {(f.Type == FeatureType.Number ? "DOUBLE" : "VARCHAR")}");
            // The staging table takes a batch in the config's column order, without the key (a batch may repeat an id).
            var staged = columns.Select(c => c.Replace(" PRIMARY KEY", "", StringComparison.Ordinal).Replace(" NOT NULL", "", StringComparison.Ordinal));
            _engine.Execute($"CREATE TEMP TABLE IF NOT EXISTS {Q("stage_" + TableOf(m.Name))} ({string.Join(", ", staged)})");
        }
    }

    private static readonly bool Timing = Environment.GetEnvironmentVariable("VIGIL_TIMING") == "1";

    /// <summary>The write-ahead log's size at which DuckDB checkpoints (its default is 16 MB).</summary>
    internal static string CheckpointThreshold { get; set; } = Environment.GetEnvironmentVariable("VIGIL_CHECKPOINT") ?? "256MB";

    /// <summary>A batch waiting for the writer, and who waits for it.</summary>
    private sealed record Pending(string Model, IReadOnlyList<PredictionRecord> Records, TaskCompletionSource<HashSet<string>> Done);

    private readonly System.Threading.Channels.Channel<Pending> _queue =
        System.Threading.Channels.Channel.CreateBounded<Pending>(new System.Threading.Channels.BoundedChannelOptions(256) { SingleReader = true });
    private Task? _writer;

    /// <summary>Rows one commit takes at the most (batches waiting beyond that go in the next one).</summary>
    private const int MaxRowsPerCommit = 20_000;

    /// <summary>Stores a validated batch (ids distinct within it); ids already stored are left as they are. Returns the
    /// ids that were stored, once they are committed. Batches that arrive while a commit runs are committed together
    /// in the next one (group commit): one transaction, one statement per model and one write-ahead-log flush serve
    /// them all.</summary>
    public async Task<HashSet<string>> InsertAsync(string model, IReadOnlyList<PredictionRecord> records)
    {
        _writer ??= StartWriter();
        var done = new TaskCompletionSource<HashSet<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(model, records, done)).ConfigureAwait(false);
        return await done.Task.ConfigureAwait(false);
    }

    private Task StartWriter()
    {
        lock (_gate) return _writer ??= Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
    }

    private async Task WriteLoop()
    {
        var reader = _queue.Reader;
        var group = new List<Pending>();
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            group.Clear();
            var rows = 0;
            while (rows < MaxRowsPerCommit && reader.TryRead(out var p))
            {
                group.Add(p);
                rows += p.Records.Count;
            }
            try
            {
                var stored = Commit(group);
                // An id in two batches of one commit is stored once: the first batch that holds it gets it.
                foreach (var p in group)
                {
                    var mine = new HashSet<string>(StringComparer.Ordinal);
                    var ids = stored[p.Model];
                    foreach (var r in p.Records)
                        if (ids.Remove(r.Id)) mine.Add(r.Id);
                    p.Done.TrySetResult(mine);
                }
            }
            catch (Exception e)
            {
                foreach (var p in group) p.Done.TrySetException(e);
            }
        }
    }

    /// <summary>One transaction for a group of batches: each model's rows staged, inserted unless their id is stored,
    /// committed. Returns the stored ids per model.</summary>
    private Dictionary<string, HashSet<string>> Commit(List<Pending> group)
    {
        var received = DateTime.UtcNow;
        var stored = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        lock (_gate)
        {
            _engine.Execute("BEGIN TRANSACTION");
            try
            {
                foreach (var byModel in group.GroupBy(p => p.Model))
                {
                    var m = _models[byModel.Key];
                    var table = TableOf(m.Name);
                    var stage = "stage_" + table;
                    using (var app = _engine.Connection.CreateAppender(stage))
                    {
                        foreach (var r in byModel.SelectMany(p => p.Records))
                        {
                            app.Append(r.Id).Append(r.Timestamp).AppendValue(r.Version).AppendValue(r.Score).AppendValue(r.Prediction)
                                .AppendValue(r.Label).AppendValue(r.Label is null ? null : (object)r.Timestamp).AppendValue(r.LatencyMs)
                                .AppendValue(r.Error).Append(received);
                            for (var k = 0; k < m.Features.Count; k++)
                            {
                                if (m.Features[k].Type == FeatureType.Number)
                                {
                                    if (double.IsNaN(r.Numbers[k])) app.AppendNull();
                                    else app.Append(r.Numbers[k]);
                                }
                                else app.Append(r.Texts[k]);
                            }
                            app.EndRow();
                        }
                        app.Flush();
                    }
                    var columns = StoredColumns(m);
                    var ids = _engine.Query($"INSERT OR IGNORE INTO {Q(table)} ({columns}) SELECT {columns} FROM {Q(stage)} RETURNING id");
                    var set = new HashSet<string>(ids.RowCount, StringComparer.Ordinal);
                    for (var i = 0; i < ids.RowCount; i++) set.Add(ids.GetString(0, i)!);
                    stored[m.Name] = set;
                    _engine.Execute($"DELETE FROM {Q(stage)}");
                }
                var sw = System.Diagnostics.Stopwatch.StartNew();
                _engine.Execute("COMMIT");
                if (Timing && sw.ElapsedMilliseconds > 30) Console.Error.WriteLine($"[store] commit of {group.Sum(p => p.Records.Count)} rows took {sw.ElapsedMilliseconds} ms");
                return stored;
            }
            catch
            {
                _engine.Execute("ROLLBACK");
                foreach (var byModel in group.GroupBy(p => p.Model)) _engine.Execute($"DELETE FROM {Q("stage_" + TableOf(byModel.Key))}");
                throw;
            }
        }
    }

    private static string StoredColumns(ModelConfig m) =>
        string.Join(", ", new[] { "id", "ts", "version", "score", "prediction", "label", "label_ts", "latency_ms", "error", "received" }
            .Concat(m.Features.Select(f => Q("f_" + f.Name))));

    /// <summary>Sets the labels of stored predictions in one transaction; returns, for each prediction found, its
    /// outcome: 1 if it was right and 0 if not (binary: score ≥ 0.5 against the label; multiclass: the class), or its
    /// absolute error (regression).</summary>
    public List<double> SetLabels(string model, IReadOnlyList<LabelRecord> labels)
    {
        var table = Q(TableOf(model));
        lock (_gate)
        {
            _engine.Execute("BEGIN TRANSACTION");
            try
            {
                _engine.Execute($"CREATE TEMP TABLE IF NOT EXISTS vigil_labels (id VARCHAR, label {ValueType(_models[model].Task)}, label_ts TIMESTAMP)");
                using (var app = _engine.Connection.CreateAppender("vigil_labels"))
                {
                    foreach (var l in labels) app.Append(l.Id).AppendValue(l.Label).Append(l.Timestamp).EndRow();
                    app.Flush();
                }
                var outcome = _models[model].Task switch
                {
                    ModelTask.Binary => "CAST((p.score >= 0.5) = (l.label = 1) AS DOUBLE)",
                    ModelTask.Regression => "abs(p.prediction - l.label)",
                    _ => "CAST(p.prediction = l.label AS DOUBLE)",
                };
                var joined = _engine.Query($"UPDATE {table} AS p SET label = l.label, label_ts = l.label_ts FROM vigil_labels AS l WHERE p.id = l.id RETURNING {outcome.Replace("l.label", "p.label", StringComparison.Ordinal)}");
                var outcomes = new List<double>(joined.RowCount);
                for (var i = 0; i < joined.RowCount; i++) outcomes.Add(joined.IsNull(0, i) ? double.NaN : joined.GetDouble(0, i));
                _engine.Execute("DROP TABLE vigil_labels");
                _engine.Execute("COMMIT");
                return outcomes;
            }
            catch
            {
                _engine.Execute("ROLLBACK");
                throw;
            }
        }
    }

    /// <summary>Stored predictions and labeled ones.</summary>
    public (long Predictions, long Labels) Counts(string model)
    {
        lock (_gate)
        {
            var t = _engine.Query($"SELECT count(*), count(label) FROM {Q(TableOf(model))}");
            return (t.GetInt64(0, 0), t.GetInt64(1, 0));
        }
    }

    /// <summary>A connection of its own to the store (reads see committed batches), for monitors that run beside ingest.</summary>
    public DuckDbEngine NewConnection()
    {
        lock (_gate) return _engine.NewConnection();
    }

    /// <summary>Whether the store answers a query.</summary>
    public bool Ready()
    {
        try
        {
            lock (_gate) _engine.Query("SELECT 1");
            return true;
        }
        catch (DuckDbException)
        {
            return false;
        }
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer?.GetAwaiter().GetResult();
        lock (_gate) _engine.Dispose();
    }
}
