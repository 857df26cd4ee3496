using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store;

/// <summary>One validated prediction, ready to store.</summary>
internal sealed record PredictionRecord(string Id, DateTime Timestamp, string? Version, double? Score, object? Prediction,
    object? Label, double? LatencyMs, bool? Error, object?[] Features);

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

    /// <summary>Stores a validated batch (ids distinct) in one transaction; ids already stored are left as they are.
    /// Returns the ids that were stored.</summary>
    public HashSet<string> Insert(string model, IReadOnlyList<PredictionRecord> records)
    {
        var m = _models[model];
        var table = TableOf(model);
        var stage = "stage_" + table;
        var received = DateTime.UtcNow;
        lock (_gate)
        {
            _engine.Execute("BEGIN TRANSACTION");
            try
            {
                using (var app = _engine.Connection.CreateAppender(stage))
                {
                    foreach (var r in records)
                    {
                        app.Append(r.Id).Append(r.Timestamp).AppendValue(r.Version).AppendValue(r.Score).AppendValue(r.Prediction)
                            .AppendValue(r.Label).AppendValue(r.Label is null ? null : (object)r.Timestamp).AppendValue(r.LatencyMs)
                            .AppendValue(r.Error).Append(received);
                        foreach (var f in r.Features) app.AppendValue(f);
                        app.EndRow();
                    }
                    app.Flush();
                }
                var columns = StoredColumns(m);
                var ids = _engine.Query($"INSERT OR IGNORE INTO {Q(table)} ({columns}) SELECT {columns} FROM {Q(stage)} RETURNING id");
                var inserted = new HashSet<string>(ids.RowCount, StringComparer.Ordinal);
                for (var i = 0; i < ids.RowCount; i++) inserted.Add(ids.GetString(0, i)!);
                _engine.Execute($"DELETE FROM {Q(stage)}");
                _engine.Execute("COMMIT");
                return inserted;
            }
            catch
            {
                _engine.Execute("ROLLBACK");
                throw;
            }
        }
    }

    private static string StoredColumns(ModelConfig m) =>
        string.Join(", ", new[] { "id", "ts", "version", "score", "prediction", "label", "label_ts", "latency_ms", "error", "received" }
            .Concat(m.Features.Select(f => Q("f_" + f.Name))));

    /// <summary>Sets the labels of stored predictions in one transaction; returns how many predictions were found.</summary>
    public long SetLabels(string model, IReadOnlyList<LabelRecord> labels)
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
                var matched = _engine.Query($"UPDATE {table} AS p SET label = l.label, label_ts = l.label_ts FROM vigil_labels AS l WHERE p.id = l.id").GetInt64(0, 0);
                _engine.Execute("DROP TABLE vigil_labels");
                _engine.Execute("COMMIT");
                return matched;
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
        lock (_gate) _engine.Dispose();
    }
}
