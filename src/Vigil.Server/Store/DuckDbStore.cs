using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store;

/// <summary>The embedded store: a DuckDB file. Writes go through one connection under a lock; monitors read on
/// connections of their own. The tables carry no key: a primary key's index lives in DuckDB's memory and slows every
/// insert as the table grows (docs/architecture.md), so duplicate ids are refused by an <see cref="IdFilter"/> per
/// model, rebuilt from the table at start, with an exact check against the table for the ids it cannot rule out.</summary>
internal sealed partial class DuckDbStore : DuckDbStateStore
{
    private readonly DuckDbEngine _engine;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, IdFilter> _filters = new(StringComparer.Ordinal);

    /// <summary>DuckDB's memory limit for the store (its buffer cache), so the service's memory stays flat.</summary>
    internal static string MemoryLimit { get; set; } = Environment.GetEnvironmentVariable("VIGIL_STORE_MEMORY") ?? "1GB";

    /// <summary>The write-ahead log's size at which DuckDB checkpoints (its default is 16 MB).</summary>
    internal static string CheckpointThreshold { get; set; } = Environment.GetEnvironmentVariable("VIGIL_CHECKPOINT") ?? "256MB";

    public DuckDbStore(ServiceConfig config) : base(config)
    {
        Path = ResolvePath(config.Store);
        _engine = new DuckDbEngine(new DuckDbOptions { Path = Path });
        Tables = new DuckDbTables(_engine, _gate);
        // DuckDB folds its write-ahead log into the database file (a checkpoint) inside the commit that crosses this
        // size, stalling every batch behind it: fewer, larger checkpoints keep ingest's tail latency down.
        _engine.Execute($"SET checkpoint_threshold = '{CheckpointThreshold}'");
        _engine.Execute($"SET memory_limit = '{MemoryLimit}'");
        foreach (var m in config.Models)
        {
            CreateTable(m);
            _filters[m.Name] = IdFilter.OfStoredIds(_engine, Q(TableOf(m.Name)));
        }
        OpenRollups(config);
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    public override string Description => Path;

    public override SqlDialect Dialect => SqlDialect.DuckDb;

    private static string ResolvePath(string? store)
    {
        var path = store ?? System.IO.Path.Combine("vigil-data", "vigil.duckdb");
        if (Directory.Exists(path) || path.EndsWith('/')) path = System.IO.Path.Combine(path, "vigil.duckdb");
        var dir = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;
        Directory.CreateDirectory(dir);
        return System.IO.Path.GetFullPath(path);
    }

    private void CreateTable(ModelConfig m)
    {
        var table = Q(TableOf(m.Name));
        var columns = Columns(m, "VARCHAR", "TIMESTAMP", "BOOLEAN").ToList();
        string Definition((string Name, string Type) c) => $"{Q(c.Name)} {c.Type}" + (c.Name is "id" or "ts" or "received" ? " NOT NULL" : "");
        lock (_gate)
        {
            _engine.Execute($"CREATE TABLE IF NOT EXISTS {table} ({string.Join(", ", columns.Select(Definition))})");
            // A feature (or class) added to the config after the table was made becomes a new column.
            foreach (var c in columns.Where(c => Addable(c.Name)))
                _engine.Execute($"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {Q(c.Name)} {c.Type}");
            // The staging table takes a batch in the config's column order, without the key (a group may repeat an id).
            _engine.Execute($"CREATE TEMP TABLE IF NOT EXISTS {Q("stage_" + TableOf(m.Name))} ({string.Join(", ", columns.Select(c => $"{Q(c.Name)} {c.Type}"))})");
        }
    }

    protected override Dictionary<string, HashSet<string>> Commit(List<Pending> group)
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
                    var m = Models[byModel.Key];
                    var table = TableOf(m.Name);
                    var stage = "stage_" + table;
                    var filter = _filters[m.Name];
                    // The ids the filter cannot rule out are looked up in the table.
                    var present = StoredAmong(_engine, m.Name, byModel.SelectMany(p => p.Records).Select(r => r.Id).Where(filter.MightContain).Distinct(StringComparer.Ordinal).ToList());
                    var set = new HashSet<string>(StringComparer.Ordinal);
                    var probabilities = ProbabilityClasses(m).Count;
                    using (var app = _engine.Connection.CreateAppender(stage))
                    {
                        foreach (var r in byModel.SelectMany(p => p.Records))
                        {
                            if (present.Contains(r.Id) || !set.Add(r.Id)) continue;
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
                            for (var k = 0; k < probabilities; k++)
                            {
                                if (r.Probabilities is { } pr) app.Append(pr[k]);
                                else app.AppendNull();
                            }
                            app.EndRow();
                        }
                        app.Flush();
                    }
                    var columns = ColumnList(m);
                    _engine.Execute($"INSERT INTO {Q(table)} ({columns}) SELECT {columns} FROM {Q(stage)}");
                    var first = new HashSet<string>(StringComparer.Ordinal);
                    RollupInserted(m, byModel.SelectMany(p => p.Records).Where(r => set.Contains(r.Id) && first.Add(r.Id)));
                    stored[m.Name] = set;
                    _engine.Execute($"DELETE FROM {Q(stage)}");
                }
                var sw = System.Diagnostics.Stopwatch.StartNew();
                _engine.Execute("COMMIT");
                RollupsCommitted(true);
                // Only what is committed joins the filters.
                foreach (var (model, ids) in stored)
                    foreach (var id in ids) _filters[model].Add(id);
                if (Timing && sw.ElapsedMilliseconds > 30) Console.Error.WriteLine($"[store] commit of {group.Sum(p => p.Records.Count)} rows took {sw.ElapsedMilliseconds} ms");
                return stored;
            }
            catch
            {
                RollupsCommitted(false);
                // Undo what can be undone; if the database cannot even do that (a full disk can invalidate it), the
                // original error is the one to report.
                try
                {
                    _engine.Execute("ROLLBACK");
                }
                catch (DuckDbException)
                {
                }
                try
                {
                    foreach (var byModel in group.GroupBy(p => p.Model)) _engine.Execute($"DELETE FROM {Q("stage_" + TableOf(byModel.Key))}");
                }
                catch (DuckDbException)
                {
                }
                throw;
            }
        }
    }

    public override List<double> SetLabels(string model, IReadOnlyList<LabelRecord> labels)
    {
        var table = Q(TableOf(model));
        var m = Models[model];
        labels = Distinct(labels);
        lock (_gate)
        {
            _engine.Execute("BEGIN TRANSACTION");
            try
            {
                _engine.Execute($"CREATE TEMP TABLE IF NOT EXISTS vigil_labels (id VARCHAR, label {(m.Task == Analysis.Results.ModelTask.Multiclass ? "VARCHAR" : "DOUBLE")}, label_ts TIMESTAMP)");
                using (var app = _engine.Connection.CreateAppender("vigil_labels"))
                {
                    foreach (var l in labels) app.Append(l.Id).AppendValue(l.Label).Append(l.Timestamp).EndRow();
                    app.Flush();
                }
                RollupLabels(m, "vigil_labels");
                var joined = _engine.Query($"UPDATE {table} AS p SET label = l.label, label_ts = l.label_ts FROM vigil_labels AS l WHERE p.id = l.id RETURNING {Outcome(m.Task)}");
                var outcomes = new List<double>(joined.RowCount);
                for (var i = 0; i < joined.RowCount; i++) outcomes.Add(joined.IsNull(0, i) ? double.NaN : joined.GetDouble(0, i));
                _engine.Execute("DROP TABLE vigil_labels");
                _engine.Execute("COMMIT");
                return outcomes;
            }
            catch
            {
                try
                {
                    _engine.Execute("ROLLBACK");
                }
                catch (DuckDbException)
                {
                }
                throw;
            }
            finally
            {
                // After the commit (or the rollback): the hours the labels moved leave the fleet's cache.
                HoursSettled();
            }
        }
    }

    public override (long Predictions, long Labels) Counts(string model)
    {
        lock (_gate)
        {
            var t = _engine.Query($"SELECT count(*), count(label) FROM {Q(TableOf(model))}");
            return (t.GetInt64(0, 0), t.GetInt64(1, 0));
        }
    }

    public override bool Ready()
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

    public override IQueryEngine NewReader()
    {
        lock (_gate) return _engine.NewConnection();
    }

    public override OpenedSource OpenWindow(string relation, string description)
    {
        var engine = (DuckDbEngine)NewReader();
        try
        {
            return SourceOpener.OverRelation(engine, relation, description, ownsEngine: true);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    public override bool IsStoreError(Exception e) => e is DuckDbException;

    /// <summary>None: a key's index lives in DuckDB's memory (see the class summary); the writer deletes a bucket's rows
    /// before it writes them again.</summary>

    protected override void Close()
    {
        lock (_gate) _engine.Dispose();
    }
}
