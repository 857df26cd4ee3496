using Npgsql;
using NpgsqlTypes;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Postgres;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store;

/// <summary>The server store: a PostgreSQL database (<c>store: postgres://user:password@host:port/db</c>). Batches go
/// through a binary COPY into a temporary table and <c>INSERT … ON CONFLICT (id) DO NOTHING RETURNING id</c>, one
/// transaction per group; monitors read on connections of their own, and every query runs inside PostgreSQL.</summary>
internal sealed partial class PostgresStore : PredictionStore
{
    private readonly string _connectionString;
    private readonly NpgsqlConnection _writer;
    private readonly Lock _gate = new();
    /// <summary>The writer's open transaction, for the rollups' statements inside it.</summary>
    private NpgsqlTransaction? _tx;

    public PostgresStore(ServiceConfig config, string url) : base(config)
    {
        Description = SourceOpener.RedactUrl(url);
        _connectionString = SourceOpener.PostgresConnectionString(url);
        _writer = new NpgsqlConnection(_connectionString);
        try
        {
            _writer.Open();
        }
        catch (Exception e) when (e is NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            _writer.Dispose();
            throw new VigilInputException($"store: cannot connect to {Description}: {e.Message.Split('\n')[0]}");
        }
        foreach (var m in config.Models) CreateTable(m);
        OpenRollups(config);
        Execute("CREATE INDEX IF NOT EXISTS vigil_rollup_hour_bucket ON vigil_rollup_hour (bucket)");
        Execute("CREATE INDEX IF NOT EXISTS vigil_readings_model_at ON vigil_readings (model, \"at\")");
    }

    public override string Description { get; }

    public override SqlDialect Dialect => SqlDialect.PostgreSql;

    private void Execute(string sql, NpgsqlTransaction? tx = null)
    {
        using var cmd = new NpgsqlCommand(sql, _writer, tx);
        cmd.ExecuteNonQuery();
    }

    private void CreateTable(ModelConfig m)
    {
        var table = Q(TableOf(m.Name));
        var columns = Columns(m, "TEXT", "TIMESTAMP", "BOOLEAN").ToList();
        string Definition((string Name, string Type) c) => $"{Q(c.Name)} {c.Type}" + (c.Name == "id" ? " PRIMARY KEY" : c.Name is "ts" or "received" ? " NOT NULL" : "");
        lock (_gate)
        {
            Execute($"CREATE TABLE IF NOT EXISTS {table} ({string.Join(", ", columns.Select(Definition))})");
            foreach (var c in columns.Where(c => Addable(c.Name)))
                Execute($"ALTER TABLE {table} ADD COLUMN IF NOT EXISTS {Q(c.Name)} {c.Type}");
            Execute($"CREATE INDEX IF NOT EXISTS {Q(TableOf(m.Name) + "_ts")} ON {table} (ts)");
            Execute($"CREATE TEMP TABLE IF NOT EXISTS {Q("stage_" + TableOf(m.Name))} ({string.Join(", ", columns.Select(c => $"{Q(c.Name)} {c.Type}"))})");
        }
    }

    protected override Dictionary<string, HashSet<string>> Commit(List<Pending> group)
    {
        var received = DateTime.UtcNow;
        var stored = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        lock (_gate)
        {
            using var tx = _writer.BeginTransaction();
            _tx = tx;
            try
            {
                foreach (var byModel in group.GroupBy(p => p.Model))
                {
                    var m = Models[byModel.Key];
                    var table = TableOf(m.Name);
                    var stage = Q("stage_" + table);
                    var columns = ColumnList(m);
                    var text = m.Task == ModelTask.Multiclass;
                    var probabilities = ProbabilityClasses(m).Count;
                    using (var copy = _writer.BeginBinaryImport($"COPY {stage} ({columns}) FROM STDIN (FORMAT BINARY)"))
                    {
                        foreach (var r in byModel.SelectMany(p => p.Records))
                        {
                            copy.StartRow();
                            copy.Write(r.Id, NpgsqlDbType.Text);
                            copy.Write(Plain(r.Timestamp), NpgsqlDbType.Timestamp);
                            Write(copy, r.Version, NpgsqlDbType.Text);
                            Write(copy, r.Score, NpgsqlDbType.Double);
                            Write(copy, r.Prediction, text ? NpgsqlDbType.Text : NpgsqlDbType.Double);
                            Write(copy, r.Label, text ? NpgsqlDbType.Text : NpgsqlDbType.Double);
                            Write(copy, r.Label is null ? null : Plain(r.Timestamp), NpgsqlDbType.Timestamp);
                            Write(copy, r.LatencyMs, NpgsqlDbType.Double);
                            Write(copy, r.Error, NpgsqlDbType.Boolean);
                            copy.Write(Plain(received), NpgsqlDbType.Timestamp);
                            for (var k = 0; k < m.Features.Count; k++)
                            {
                                if (m.Features[k].Type == FeatureType.Number) Write(copy, double.IsNaN(r.Numbers[k]) ? null : r.Numbers[k], NpgsqlDbType.Double);
                                else Write(copy, r.Texts[k], NpgsqlDbType.Text);
                            }
                            for (var k = 0; k < probabilities; k++) Write(copy, r.Probabilities?[k], NpgsqlDbType.Double);
                        }
                        copy.Complete();
                    }
                    var set = new HashSet<string>(StringComparer.Ordinal);
                    using (var cmd = new NpgsqlCommand($"INSERT INTO {Q(table)} ({columns}) SELECT {columns} FROM {stage} ON CONFLICT (id) DO NOTHING RETURNING id", _writer, tx))
                    using (var reader = cmd.ExecuteReader())
                        while (reader.Read()) set.Add(reader.GetString(0));
                    var first = new HashSet<string>(StringComparer.Ordinal);
                    RollupInserted(m, byModel.SelectMany(p => p.Records).Where(r => set.Contains(r.Id) && first.Add(r.Id)));
                    stored[m.Name] = set;
                    Execute($"TRUNCATE {stage}", tx);
                }
                tx.Commit();
                RollupsCommitted(true);
                return stored;
            }
            catch
            {
                RollupsCommitted(false);
                throw;
            }
            finally
            {
                _tx = null;
            }
        }
    }

    /// <summary>Timestamps are stored as UTC in <c>timestamp</c> columns (no time zone), as in the DuckDB store.</summary>
    private static DateTime Plain(DateTime utc) => DateTime.SpecifyKind(utc, DateTimeKind.Unspecified);

    private static void Write(NpgsqlBinaryImporter copy, object? value, NpgsqlDbType type)
    {
        if (value is null) copy.WriteNull();
        else copy.Write(value, type);
    }

    public override List<double> SetLabels(string model, IReadOnlyList<LabelRecord> labels)
    {
        var m = Models[model];
        var type = m.Task == ModelTask.Multiclass ? "TEXT" : "DOUBLE PRECISION";
        labels = Distinct(labels);
        lock (_gate)
        {
            using var tx = _writer.BeginTransaction();
            _tx = tx;
            try
            {
                Execute($"CREATE TEMP TABLE IF NOT EXISTS vigil_labels (id TEXT, label {type}, label_ts TIMESTAMP) ON COMMIT DROP", tx);
                using (var copy = _writer.BeginBinaryImport("COPY vigil_labels (id, label, label_ts) FROM STDIN (FORMAT BINARY)"))
                {
                    foreach (var l in labels)
                    {
                        copy.StartRow();
                        copy.Write(l.Id, NpgsqlDbType.Text);
                        copy.Write(l.Label, m.Task == ModelTask.Multiclass ? NpgsqlDbType.Text : NpgsqlDbType.Double);
                        copy.Write(Plain(l.Timestamp), NpgsqlDbType.Timestamp);
                    }
                    copy.Complete();
                }
                RollupLabels(m, "vigil_labels");
                var outcomes = new List<double>();
                using (var cmd = new NpgsqlCommand($"UPDATE {Q(TableOf(model))} AS p SET label = l.label, label_ts = l.label_ts FROM vigil_labels AS l WHERE p.id = l.id RETURNING CAST({Outcome(m.Task)} AS DOUBLE PRECISION)", _writer, tx))
                using (var reader = cmd.ExecuteReader())
                    while (reader.Read()) outcomes.Add(reader.IsDBNull(0) ? double.NaN : reader.GetDouble(0));
                tx.Commit();
                return outcomes;
            }
            finally
            {
                _tx = null;
                // After the commit (or before the rollback, which changes nothing): the hours the labels moved leave the fleet's cache.
                HoursSettled();
            }
        }
    }

    public override (long Predictions, long Labels) Counts(string model)
    {
        lock (_gate)
        {
            using var cmd = new NpgsqlCommand($"SELECT count(*), count(label) FROM {Q(TableOf(model))}", _writer);
            using var reader = cmd.ExecuteReader();
            reader.Read();
            return (reader.GetInt64(0), reader.GetInt64(1));
        }
    }

    public override bool Ready()
    {
        try
        {
            lock (_gate)
            {
                using var cmd = new NpgsqlCommand("SELECT 1", _writer);
                cmd.ExecuteScalar();
            }
            return true;
        }
        catch (Exception e) when (IsStoreError(e))
        {
            return false;
        }
    }

    public override IQueryEngine NewReader() => new PostgresEngine(_connectionString);

    public override OpenedSource OpenWindow(string relation, string description)
    {
        var engine = new PostgresEngine(_connectionString);
        try
        {
            return SourceOpener.OverRelation(engine, relation, description);
        }
        catch
        {
            engine.Dispose();
            throw;
        }
    }

    public override bool IsStoreError(Exception e) => e is NpgsqlException or InvalidOperationException { Source: "Npgsql" };

    protected override string RollupKey => ", PRIMARY KEY (model, version, bucket)";

    protected override void WriterExecute(string sql)
    {
        lock (_gate) Execute(sql, _tx);
    }

    protected override List<object?[]> WriterRows(string sql)
    {
        var rows = new List<object?[]>();
        lock (_gate)
        {
            using var cmd = new NpgsqlCommand(sql, _writer, _tx);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var row = new object?[reader.FieldCount];
                for (var c = 0; c < row.Length; c++) row[c] = reader.IsDBNull(c) ? null : reader.GetValue(c);
                rows.Add(row);
            }
        }
        return rows;
    }

    protected override void WriterAppend(string table, IEnumerable<(string Model, string Version, DateTime Bucket, long N, string Body)> rows)
    {
        lock (_gate)
        {
            using var copy = _writer.BeginBinaryImport($"COPY {table} (model, version, bucket, n, body) FROM STDIN (FORMAT BINARY)");
            foreach (var (model, version, bucket, n, body) in rows)
            {
                copy.StartRow();
                copy.Write(model, NpgsqlDbType.Text);
                copy.Write(version, NpgsqlDbType.Text);
                copy.Write(Plain(bucket), NpgsqlDbType.Timestamp);
                copy.Write(n, NpgsqlDbType.Bigint);
                copy.Write(body, NpgsqlDbType.Text);
            }
            copy.Complete();
        }
    }

    protected override void InWriterTransaction(Action body)
    {
        lock (_gate)
        {
            using var tx = _writer.BeginTransaction();
            _tx = tx;
            try
            {
                body();
                tx.Commit();
            }
            finally
            {
                _tx = null;
            }
        }
    }

    protected override void Close()
    {
        lock (_gate) _writer.Dispose();
    }
}
