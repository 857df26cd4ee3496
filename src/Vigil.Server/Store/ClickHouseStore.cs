using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.ClickHouse;
using Vigil.Engine.DuckDb;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Alerts;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store;

/// <summary>
/// The server store on ClickHouse (<c>store: clickhouse://user:password@host:8123/db</c>, and for a cluster
/// <c>?cluster=NAME&amp;shards=host:port,host:port</c>; docs/service.md, "A ClickHouse store").
/// <list type="bullet">
/// <item>Predictions: one <c>ReplacingMergeTree(rev)</c> table per model, partitioned by day and ordered by id. On a
/// cluster it is <c>predictions_{model}_local</c> on every shard (created over each shard's HTTP address: 18.16 has no
/// <c>ON CLUSTER</c> DDL without ZooKeeper) and a <c>Distributed</c> table <c>predictions_{model}</c> over them, sharded
/// by <c>cityHash64(id)</c>, so that every version of one id lives on one shard. Inserts are synchronous
/// (<c>insert_distributed_sync=1</c>): a batch is acknowledged once its rows are on their shards. Rows are sent as
/// RowBinary (<see cref="ClickHouseEngine.InsertRowBinary"/>): each double is stored with the bits received, never parsed
/// from text by the server (18.16's parser is not correctly rounded).</item>
/// <item>Duplicates: the one writer leaves out the ids already stored, as the other stores do: a filter of the stored
/// ids (<see cref="IdFilter"/>, rebuilt from the cluster at start) rules most ids out, and the rest are looked up (an
/// index lookup: the tables are ordered by id). One writer per store: two services writing one cluster could both
/// store an id.</item>
/// <item>Late labels: ClickHouse has no cheap UPDATE, so a labelled prediction is written again, whole, with its label
/// and a higher <c>rev</c>; reads use <c>FINAL</c> (<see cref="Rows"/>), which keeps each id's newest version.</item>
/// <item>The store's own small tables (rollups, readings, alert state, notifications) need deletes, keys and
/// transactions, which ClickHouse lacks: they stay in a DuckDB file beside the service (<c>&amp;state=path</c>, by default
/// <c>vigil-data/vigil-state.duckdb</c>). The rollups can be rebuilt from the cluster.</item>
/// <item>Timestamps are DateTime('UTC'): whole seconds (18.16 has no DateTime64).</item>
/// </list>
/// </summary>
internal sealed class ClickHouseStore : DuckDbStateStore
{
    private readonly ClickHouseConnectionInfo _info;
    private readonly ClickHouseEngine _writer;
    private readonly DuckDbEngine _state;
    private readonly Lock _gate = new();
    private readonly Lock _stateGate = new();
    private readonly Dictionary<string, IdFilter> _filters = new(StringComparer.Ordinal);
    private long _rev;

    public ClickHouseStore(ServiceConfig config, string url) : base(config)
    {
        Description = SourceOpener.RedactUrl(url);
        _info = ClickHouseConnectionInfo.FromUrl(url, "store: " + Description);
        if (_info.Cluster is null && _info.Shards.Count > 0)
            throw new VigilInputException($"store: {Description}: shards= needs cluster=<name> (the cluster in the servers' remote_servers)");
        if (_info.Cluster is not null && _info.Shards.Count == 0)
            throw new VigilInputException($"store: {Description}: cluster={_info.Cluster} needs shards=host:port,... (each shard's HTTP address, where the store creates its local tables)");
        _writer = Connect(_info);
        try
        {
            if (_info.Cluster is { } cluster)
            {
                var n = _writer.Query($"SELECT count(DISTINCT shard_num) FROM system.clusters WHERE cluster = {Dialect.StringLiteral(cluster)}").GetInt64(0, 0);
                if (n == 0) throw new VigilInputException($"store: {Description}: the server has no cluster '{cluster}' in its remote_servers");
                if (n != _info.Shards.Count)
                    throw new VigilInputException($"store: {Description}: cluster '{cluster}' has {n} shards but shards= names {_info.Shards.Count}; give each shard's HTTP address once");
            }
            foreach (var m in config.Models)
            {
                CreateTables(m);
                // As in the DuckDB store: a filter of the stored ids, so that only the ids it cannot rule out are looked up.
                _filters[m.Name] = IdFilter.OfStoredIds(_writer, Q(TableOf(m.Name)));
            }
            var path = Path.GetFullPath(_info.State ?? Path.Combine("vigil-data", "vigil-state.duckdb"));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            _state = new DuckDbEngine(new DuckDbOptions { Path = path });
            Tables = new DuckDbTables(_state, _stateGate);
            OpenRollups(config);
        }
        catch
        {
            _writer.Dispose();
            _state?.Dispose();
            throw;
        }
    }

    public override string Description { get; }

    public override SqlDialect Dialect => SqlDialect.ClickHouse;

    protected override long TimestampUnit => TimeSpan.TicksPerSecond;

    private ClickHouseEngine Connect(ClickHouseConnectionInfo info)
    {
        try
        {
            return new ClickHouseEngine(info);
        }
        catch (VigilEngineException e)
        {
            throw new VigilInputException($"store: cannot connect to {info.Shown}: {e.EngineMessage.Split('\n')[0]}");
        }
    }

    private bool Clustered => _info.Cluster is not null;

    private static string LocalOf(string model) => TableOf(model) + "_local";

    /// <summary>The ClickHouse type of a column (see <see cref="PredictionStore.Columns"/>): id, ts and received are
    /// required, the rest nullable.</summary>
    private static string TypeOf((string Name, string Type) c) => c.Name is "id" or "ts" or "received" ? c.Type : $"Nullable({c.Type})";

    private List<(string Name, string Type)> TableColumns(ModelConfig m) =>
        [.. Columns(m, "String", "DateTime('UTC')", "UInt8").Select(c => (c.Name, TypeOf(c))), ("rev", "UInt64")];

    /// <summary>Creates a model's tables where missing, and adds the columns a changed config added.</summary>
    private void CreateTables(ModelConfig m)
    {
        var columns = TableColumns(m);
        var definition = string.Join(", ", columns.Select(c => $"{Q(c.Name)} {c.Type}"));
        const string engine = "ENGINE = ReplacingMergeTree(rev) PARTITION BY toYYYYMMDD(ts) ORDER BY id";
        if (!Clustered)
        {
            Ensure(_writer, TableOf(m.Name), definition, engine, columns);
            return;
        }
        foreach (var shard in _info.Shards)
        {
            using var e = Connect(_info.At(shard));
            Ensure(e, LocalOf(m.Name), definition, engine, columns);
        }
        var distributed = $"ENGINE = Distributed({Q(_info.Cluster!)}, {Q(_info.Database)}, {Q(LocalOf(m.Name))}, cityHash64(id))";
        Ensure(_writer, TableOf(m.Name), definition, distributed, columns);
    }

    private void Ensure(ClickHouseEngine e, string table, string definition, string engine, List<(string Name, string Type)> columns)
    {
        e.Execute($"CREATE TABLE IF NOT EXISTS {Q(table)} ({definition}) {engine}");
        var present = e.Describe(Q(table)).Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var c in columns.Where(c => !present.Contains(c.Name)))
        {
            if (!Addable(c.Name))
                throw new VigilInputException($"store: {Description}: table {table} has no column {c.Name}; it was not made by this version of Vigil");
            e.Execute($"ALTER TABLE {Q(table)} ADD COLUMN {Q(c.Name)} {c.Type}");
        }
    }

    /// <summary>Each id's newest version (see the class summary).</summary>
    public override string Rows(string model, string? alias = null) => Q(TableOf(model)) + (alias is null ? "" : " AS " + alias) + " FINAL";

    /// <summary>The columns an insert writes, quoted, with their types (as <see cref="TableColumns"/>: RowBinary is written
    /// against them).</summary>
    private List<(string Name, string Type)> InsertColumns(ModelConfig m) => [.. TableColumns(m).Select(c => (Q(c.Name), c.Type))];

    protected override Dictionary<string, HashSet<string>> Commit(List<Pending> group)
    {
        var received = DateTime.UtcNow;
        var stored = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var inserted = new List<(ModelConfig Model, List<PredictionRecord> Records)>();
        lock (_gate)
        {
            try
            {
                // Model by model: a group that fails part-way may leave a model's batch stored; sent again, its ids are found.
                foreach (var byModel in group.GroupBy(p => p.Model))
                {
                    var m = Models[byModel.Key];
                    var records = byModel.SelectMany(p => p.Records).ToList();
                    var sw = System.Diagnostics.Stopwatch.StartNew();
                    var filter = _filters[m.Name];
                    var present = StoredAmong(_writer, m.Name, records.Select(r => r.Id).Where(filter.MightContain).Distinct(StringComparer.Ordinal).ToList());
                    var set = new HashSet<string>(StringComparer.Ordinal);
                    var fresh = records.Where(r => !present.Contains(r.Id) && set.Add(r.Id)).ToList();
                    _writer.InsertRowBinary(Q(TableOf(m.Name)), InsertColumns(m), w =>
                    {
                        foreach (var r in fresh) WriteRecord(w, m, r, received);
                    });
                    if (Timing) Console.Error.WriteLine($"[store] {m.Name}: {records.Count} rows, {present.Count} present, lookup+insert {sw.ElapsedMilliseconds} ms");
                    stored[m.Name] = set;
                    inserted.Add((m, fresh));
                    // Acknowledged by every shard: the ids join the filter.
                    foreach (var id in set) filter.Add(id);
                }
                var rollups = System.Diagnostics.Stopwatch.StartNew();
                InWriterTransaction(() =>
                {
                    foreach (var (m, records) in inserted) RollupInserted(m, records);
                });
                if (Timing) Console.Error.WriteLine($"[store] rollups {rollups.ElapsedMilliseconds} ms");
                RollupsCommitted(true);
                return stored;
            }
            catch
            {
                RollupsCommitted(false);
                throw;
            }
        }
    }

    /// <summary>A prediction's row, in <see cref="TableColumns"/>' order, as RowBinary: every double with .NET's bits.</summary>
    private static void WriteRecord(ClickHouseRowBinary w, ModelConfig m, PredictionRecord r, DateTime received)
    {
        w.String(r.Id);
        w.DateTime(r.Timestamp);
        w.String(r.Version);
        w.Float64(r.Score);
        w.Value(r.Prediction);
        w.Value(r.Label);
        w.DateTime(r.Label is null ? null : r.Timestamp);
        w.Float64(r.LatencyMs);
        w.UInt8(r.Error);
        w.DateTime(received);
        for (var k = 0; k < m.Features.Count; k++)
        {
            if (m.Features[k].Type == FeatureType.Number) w.Float64(r.Numbers[k]);
            else w.String(r.Texts[k]);
        }
        for (var k = 0; k < ProbabilityClasses(m).Count; k++) w.Float64(r.Probabilities?[k]);
        w.UInt64(0);
    }

    /// <summary>A stored cell, written back as it was read (a double read back as text is parsed correctly rounded, so
    /// it is the stored bits, and RowBinary stores those bits again).</summary>
    private static void WriteCell(ClickHouseRowBinary w, Table t, int c, int i)
    {
        if (t.IsNull(c, i))
        {
            w.Value(null);
            return;
        }
        switch (t.Kind(c))
        {
            case ColumnKind.Double: w.Float64(t.GetDouble(c, i)); break;
            case ColumnKind.Int64: w.Value(t.GetInt64(c, i)); break;
            case ColumnKind.Boolean: w.Value(t.GetBoolean(c, i)); break;
            case ColumnKind.Timestamp: w.DateTime(t.GetDateTime(c, i)); break;
            default: w.Value(t.GetString(c, i)); break;
        }
    }

    private static object? Boxed(Table t, int c, int i) => t.IsNull(c, i) ? null : t.Kind(c) switch
    {
        ColumnKind.Double => t.GetDouble(c, i),
        ColumnKind.Int64 => (double)t.GetInt64(c, i),
        ColumnKind.Timestamp => t.GetDateTime(c, i),
        _ => t.GetString(c, i),
    };

    /// <summary>A later version number than any before it in this process (ticks, made strictly increasing).</summary>
    private long NextRev()
    {
        var now = DateTime.UtcNow.Ticks;
        _rev = Math.Max(_rev + 1, now);
        return _rev;
    }

    /// <summary>What <see cref="PredictionStore.Outcome"/> computes in SQL, for a row read back.</summary>
    private static double OutcomeOf(ModelTask task, object? score, object? prediction, object label) => task switch
    {
        ModelTask.Binary => score is null ? 0.0 : (Convert.ToDouble(score, CultureInfo.InvariantCulture) >= 0.5) == (Convert.ToDouble(label, CultureInfo.InvariantCulture) == 1) ? 1.0 : 0.0,
        ModelTask.Regression => prediction is null ? double.NaN : Math.Abs(Convert.ToDouble(prediction, CultureInfo.InvariantCulture) - Convert.ToDouble(label, CultureInfo.InvariantCulture)),
        _ => prediction is string p && label is string l && p == l ? 1.0 : 0.0,
    };

    public override List<double> SetLabels(string model, IReadOnlyList<LabelRecord> labels)
    {
        var m = Models[model];
        labels = Distinct(labels);
        var byId = labels.ToDictionary(l => l.Id, StringComparer.Ordinal);
        var outcomes = new List<double>();
        var moves = new List<object?[]>();
        lock (_gate)
        {
            try
            {
                var found = new List<Table>();
                for (var at = 0; at < labels.Count; at += 1000)
                {
                    var list = string.Join(", ", labels.Skip(at).Take(1000).Select(l => Dialect.StringLiteral(l.Id)));
                    found.Add(_writer.Query($"SELECT {ColumnList(m)} FROM {Rows(model)} WHERE id IN ({list})"));
                }
                var rev = (ulong)NextRev();
                _writer.InsertRowBinary(Q(TableOf(m.Name)), InsertColumns(m), w =>
                {
                    foreach (var t in found)
                    {
                        for (var i = 0; i < t.RowCount; i++)
                        {
                            var l = byId[t.GetString(0, i)!];
                            for (var c = 0; c < t.ColumnCount; c++)
                            {
                                if (c == 5) w.Value(l.Label);
                                else if (c == 6) w.DateTime(l.Timestamp);
                                else WriteCell(w, t, c, i);
                            }
                            w.UInt64(rev);
                            var (score, prediction) = (Boxed(t, 3, i), Boxed(t, 4, i));
                            outcomes.Add(OutcomeOf(m.Task, score, prediction, l.Label));
                            moves.Add([t.GetDateTime(1, i), Boxed(t, 2, i), score, prediction, Boxed(t, 5, i), l.Label]);
                        }
                    }
                });
                InWriterTransaction(() => RollupLabelMoves(m, moves));
                return outcomes;
            }
            finally
            {
                // The hours the labels moved leave the fleet's cache.
                HoursSettled();
            }
        }
    }

    /// <summary>From the hour rollups, which are exact (a count over the cluster with <c>FINAL</c> would merge every
    /// prediction's versions at each scrape of /metrics).</summary>
    public override (long Predictions, long Labels) Counts(string model)
    {
        long n = 0, labelled = 0;
        foreach (var c in ReadCells(Grain.Hour, new DateTime(1, 1, 1, 0, 0, 0, DateTimeKind.Utc), DateTime.MaxValue, model))
        {
            n += c.Cell.N;
            labelled += c.Cell.Labelled;
        }
        return (n, labelled);
    }

    public override bool Ready()
    {
        try
        {
            // On a cluster, every shard must answer (a write needs the shards its ids hash to).
            lock (_gate) _writer.Query(Clustered ? $"SELECT count() FROM cluster({Dialect.StringLiteral(_info.Cluster!)}, system.one)" : "SELECT 1");
            return true;
        }
        catch (VigilEngineException)
        {
            return false;
        }
    }

    public override IQueryEngine NewReader() => new ClickHouseEngine(_info);

    protected override IQueryEngine NewStateReader()
    {
        lock (_stateGate) return _state.NewConnection();
    }

    public override OpenedSource OpenWindow(string relation, string description)
    {
        var engine = NewReader();
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

    public override bool IsStoreError(Exception e) => e is VigilEngineException { Engine: VigilEngineException.ClickHouse };

    protected override void Close()
    {
        lock (_gate) _writer.Dispose();
        lock (_stateGate) _state.Dispose();
    }
}
