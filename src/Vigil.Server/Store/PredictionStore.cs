using System.Threading.Channels;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Store;

/// <summary>One validated prediction, ready to store. Features in the schema's order: a number feature's value in
/// <see cref="Numbers"/> (NaN for none: JSON has no NaN), a category's in <see cref="Texts"/> (null for none).</summary>
internal sealed record PredictionRecord(string Id, DateTime Timestamp, string? Version, double? Score, object? Prediction,
    object? Label, double? LatencyMs, bool? Error, double[] Numbers, string?[] Texts)
{
    /// <summary>A multiclass model's class probabilities in the order of its <see cref="ModelConfig.Classes"/>, or null
    /// (stored as NULLs).</summary>
    public double[]? Probabilities { get; init; }
}

/// <summary>A late label for a stored prediction.</summary>
internal sealed record LabelRecord(string Id, object Label, DateTime Timestamp);

/// <summary>
/// The service's store: one table per model, <c>predictions_{model}</c> (id as primary key, timestamp, version, score
/// or prediction, label and when it came, latency, error, when it was received, and a column <c>f_{feature}</c> per
/// feature, and for a multiclass model with <c>classes:</c> a column <c>proba_{class}</c> per class), in an embedded DuckDB file (<see cref="DuckDbStore"/>) or a PostgreSQL database
/// (<see cref="PostgresStore"/>). Batches go to one writer through a bounded queue; the writer commits every batch
/// waiting in one transaction (group commit) and tells each caller which of its ids were stored only after the
/// commit, so an acknowledged batch is durable.
/// </summary>
internal abstract partial class PredictionStore : IDisposable
{
    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(256) { SingleReader = true });
    private readonly Lock _start = new();
    private Task? _writer;

    protected PredictionStore(ServiceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        Models = config.Models.ToDictionary(m => m.Name, StringComparer.Ordinal);
    }

    /// <summary>The store, for messages (a file path, or a URL without its password).</summary>
    public abstract string Description { get; }

    /// <summary>The dialect of the prediction tables (and of the monitors' queries over them).</summary>
    public abstract SqlDialect Dialect { get; }

    /// <summary>The dialect of the store's own tables (rollups, readings, alert state): the prediction tables' unless they
    /// live elsewhere (a ClickHouse store keeps them in DuckDB).</summary>
    protected virtual SqlDialect StateDialect => Dialect;

    /// <summary>The precision, in ticks, of the stored timestamps (microseconds; a ClickHouse 18.16 DateTime has seconds).</summary>
    protected virtual long TimestampUnit => 10;

    protected IReadOnlyDictionary<string, ModelConfig> Models { get; }

    /// <summary>Rows one commit takes at the most (batches waiting beyond that go in the next one).</summary>
    protected const int MaxRowsPerCommit = 20_000;

    protected static readonly bool Timing = Environment.GetEnvironmentVariable("VIGIL_TIMING") == "1";

    /// <summary>Opens the store the config names: a postgres:// URL, else a DuckDB file (./vigil-data/vigil.duckdb by
    /// default), or a clickhouse:// URL.</summary>
    public static PredictionStore Open(ServiceConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.Store switch
        {
            { } s when SourceOpener.IsPostgresUrl(s) => new PostgresStore(config, s),
            { } s when Engine.ClickHouse.ClickHouseConnectionInfo.IsUrl(s) => new ClickHouseStore(config, s),
            _ => new DuckDbStore(config),
        };
    }

    public static string TableOf(string model) => "predictions_" + model.Replace('-', '_');

    protected string Q(string identifier) => Dialect.QuoteIdentifier(identifier);

    /// <summary>A model's stored predictions as a FROM item, with an alias when one is given: its table (a ClickHouse store
    /// adds <c>FINAL</c>, so that a prediction whose label came late is read once, in its newest version).</summary>
    public virtual string Rows(string model, string? alias = null) => Q(TableOf(model)) + (alias is null ? "" : " AS " + alias);

    /// <summary>A window's rows: timestamp in (from, to].</summary>
    public string Where(DateTime from, DateTime to) => $"ts > {Dialect.TimestampLiteral(from)} AND ts <= {Dialect.TimestampLiteral(to)}";

    /// <summary>The columns of a model's table in the order batches are written, with their SQL types.</summary>
    protected IEnumerable<(string Name, string Type)> Columns(ModelConfig m, string text, string timestamp, string boolean)
    {
        var value = m.Task == ModelTask.Multiclass ? text : Dialect.Double;
        yield return ("id", text);
        yield return ("ts", timestamp);
        yield return ("version", text);
        yield return ("score", Dialect.Double);
        yield return ("prediction", value);
        yield return ("label", value);
        yield return ("label_ts", timestamp);
        yield return ("latency_ms", Dialect.Double);
        yield return ("error", boolean);
        yield return ("received", timestamp);
        foreach (var f in m.Features) yield return ("f_" + f.Name, f.Type == FeatureType.Number ? Dialect.Double : text);
        foreach (var c in ProbabilityClasses(m)) yield return (ModelConfig.ProbabilityColumn(c), Dialect.Double);
    }

    /// <summary>The classes whose probabilities the model's table holds (a multiclass model's declared classes).</summary>
    protected static IReadOnlyList<string> ProbabilityClasses(ModelConfig m) => m.Task == ModelTask.Multiclass ? m.Classes : [];

    /// <summary>Columns added to an existing table when the config adds them: features and class probabilities.</summary>
    protected static bool Addable(string column) => column.StartsWith("f_", StringComparison.Ordinal) || column.StartsWith("proba_", StringComparison.Ordinal);

    protected string ColumnList(ModelConfig m) => string.Join(", ", Columns(m, "", "", "").Select(c => Q(c.Name)));

    /// <summary>Each labeled prediction's outcome, from the updated row: 1 right / 0 wrong (binary: score ≥ 0.5 against
    /// the label; multiclass: the class), or the absolute error (regression).</summary>
    protected static string Outcome(ModelTask task) => task switch
    {
        ModelTask.Binary => "CASE WHEN (p.score >= 0.5) = (p.label = 1) THEN 1.0 ELSE 0.0 END",
        ModelTask.Regression => "abs(p.prediction - p.label)",
        _ => "CASE WHEN p.prediction = p.label THEN 1.0 ELSE 0.0 END",
    };

    /// <summary>The ids among <paramref name="ids"/> (distinct) that a model's table holds, looked up a thousand at a time
    /// on <paramref name="engine"/> (the writer's connection): the exact check behind an <see cref="IdFilter"/>'s "maybe".</summary>
    protected HashSet<string> StoredAmong(IQueryEngine engine, string model, IReadOnlyList<string> ids)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var present = new HashSet<string>(StringComparer.Ordinal);
        for (var at = 0; at < ids.Count; at += 1000)
        {
            var list = string.Join(", ", ids.Skip(at).Take(1000).Select(Dialect.StringLiteral));
            var found = engine.Query($"SELECT DISTINCT id FROM {Q(TableOf(model))} WHERE id IN ({list})");
            for (var i = 0; i < found.RowCount; i++) present.Add(found.GetString(0, i)!);
        }
        return present;
    }

    /// <summary>A batch waiting for the writer, and who waits for it.</summary>
    protected sealed record Pending(string Model, IReadOnlyList<PredictionRecord> Records, TaskCompletionSource<HashSet<string>> Done);

    /// <summary>Stores a validated batch (ids distinct within it); ids already stored are left as they are. Returns the
    /// ids that were stored, once they are committed.</summary>
    public async Task<HashSet<string>> InsertAsync(string model, IReadOnlyList<PredictionRecord> records)
    {
        if (_writer is null)
            lock (_start) _writer ??= Task.Factory.StartNew(WriteLoop, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        var done = new TaskCompletionSource<HashSet<string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await _queue.Writer.WriteAsync(new Pending(model, records, done)).ConfigureAwait(false);
        return await done.Task.ConfigureAwait(false);
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

    /// <summary>One transaction for a group of batches; returns the stored ids per model.</summary>
    protected abstract Dictionary<string, HashSet<string>> Commit(List<Pending> group);

    /// <summary>Sets the labels of stored predictions in one transaction; returns each found prediction's outcome
    /// (see <see cref="Outcome"/>).</summary>
    public abstract List<double> SetLabels(string model, IReadOnlyList<LabelRecord> labels);

    /// <summary>Stored predictions and labeled ones.</summary>
    public abstract (long Predictions, long Labels) Counts(string model);

    /// <summary>Whether the store answers a query.</summary>
    public abstract bool Ready();

    /// <summary>An engine of its own over the store (reads see committed batches), for monitors; the caller disposes it.</summary>
    public abstract IQueryEngine NewReader();

    /// <summary>An engine of its own over the store's own tables (rollups, readings), for the pages; the caller disposes it.</summary>
    protected virtual IQueryEngine NewStateReader() => NewReader();

    /// <summary>A source over a relation of the store (a query over a model's table), on a connection of its own that
    /// is closed with the source.</summary>
    public abstract OpenedSource OpenWindow(string relation, string description);

    /// <summary>Is the store's error one that means it cannot take writes now (answered with 503)?</summary>
    public abstract bool IsStoreError(Exception e);

    protected virtual void Close()
    {
    }

    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _writer?.GetAwaiter().GetResult();
        CloseReaders();
        Close();
    }
}
