using Vigil.Server.Store.Rollups;

namespace Vigil.Server.Store;

/// <summary>
/// The fleet page's cache of hour totals: per model and hour, the hour cells of its versions added together (in ordinal
/// version order, so a cached total and a freshly read one are the same to the last bit). Hours before the current one
/// are kept in memory once read; the writer drops a (model, hour) after each commit that wrote that hour's rollup row
/// (new, late or out-of-order predictions, late labels), and a rebuild drops everything. A request that read an hour
/// while the writer changed it does not keep what it read: while reads are in flight each invalidated key gets a new
/// stamp, and a read is kept only when the key's stamp is the one seen before the read (with no read in flight there
/// is nothing to stamp, and the stamps are dropped).
/// </summary>
internal abstract partial class PredictionStore
{
    private readonly object _hourGate = new();
    /// <summary>Cached hour totals (null: the model has no rows that hour). Shared with the requests: never modified.</summary>
    private readonly Dictionary<(string Model, DateTime Hour), RollupCell?> _hourCache = [];
    /// <summary>Per (model, hour) the counter value of its last invalidation while reads were in flight.</summary>
    private readonly Dictionary<(string Model, DateTime Hour), long> _hourStamps = [];
    private long _stampCounter;
    /// <summary>Reads of <see cref="ReadHourTotals"/> between their look-up and their keeping.</summary>
    private int _hourReads;
    /// <summary>The oldest hour of the newest window asked for: hours before it leave the cache and are not kept.</summary>
    private DateTime _cacheFloor = DateTime.MinValue;
    /// <summary>Bumped by a rebuild: a read that started before one is not kept.</summary>
    private long _hourGeneration;
    /// <summary>The hour rows written by the writer's open transaction (writer only).</summary>
    private HashSet<(string Model, DateTime Hour)>? _touchedHours;

    /// <summary>Whether <see cref="ReadHourTotals"/> keeps finished hours in memory (on by default; the tests compare).</summary>
    public bool HourCacheEnabled { get; set; } = true;

    /// <summary>How many (model, hour) totals are cached.</summary>
    internal int CachedHours
    {
        get
        {
            lock (_hourGate) return _hourCache.Count;
        }
    }

    /// <summary>Notes that the writer's open transaction wrote a model's hour row (called by the rollup writes).</summary>
    private void TouchedHour(string model, DateTime hour) => (_touchedHours ??= []).Add((model, hour));

    /// <summary>After the writer's transaction (committed or not): the hours it wrote leave the cache.</summary>
    protected void HoursSettled()
    {
        if (_touchedHours is not { } touched) return;
        _touchedHours = null;
        lock (_hourGate)
        {
            var stamp = ++_stampCounter;
            foreach (var key in touched)
            {
                _hourCache.Remove(key);
                if (_hourReads > 0) _hourStamps[key] = stamp;
            }
        }
    }

    /// <summary>Drops every cached hour (after a rebuild).</summary>
    private void ForgetHours()
    {
        lock (_hourGate)
        {
            _hourGeneration++;
            _hourCache.Clear();
        }
    }

    /// <summary>
    /// Per model with bins, its hour totals for the <paramref name="count"/> hours from <paramref name="first"/> (index
    /// h: the hour first + h; null where it has no rows). Hours before <paramref name="current"/> come from the cache
    /// when there; the rest are read from <c>vigil_rollup_hour</c> in one query. The cells returned are shared: callers
    /// must not change them.
    /// </summary>
    public Dictionary<string, RollupCell?[]> ReadHourTotals(DateTime first, int count, DateTime current)
    {
        var totals = _bins.Keys.ToDictionary(m => m, _ => new RollupCell?[count], StringComparer.Ordinal);
        var missing = new List<(string Model, DateTime Hour)>();
        var seen = new Dictionary<(string, DateTime), long>();
        long generation;
        lock (_hourGate)
        {
            generation = _hourGeneration;
            if (HourCacheEnabled && first > _cacheFloor)
            {
                // Hours that left the page's window leave the cache.
                _cacheFloor = first;
                foreach (var key in _hourCache.Keys.Where(k => k.Hour < first).ToList()) _hourCache.Remove(key);
            }
            foreach (var (model, row) in totals)
                for (var h = 0; h < count; h++)
                {
                    var key = (model, first.AddHours(h));
                    if (HourCacheEnabled && key.Item2 < current && _hourCache.TryGetValue(key, out var cell)) row[h] = cell;
                    else
                    {
                        missing.Add(key);
                        seen[key] = _hourStamps.GetValueOrDefault(key);
                    }
                }
            if (missing.Count == 0) return totals;
            _hourReads++;
        }
        List<StoredCell> stored;
        try
        {
            stored = ReadHourCells(missing, first, first.AddHours(count), totals.Count);
        }
        catch
        {
            EndHourRead();
            throw;
        }
        foreach (var group in stored.GroupBy(c => (c.Model, c.Bucket)))
        {
            if (!totals.TryGetValue(group.Key.Model, out var row)) continue;
            var h = (int)((group.Key.Bucket - first).Ticks / TimeSpan.TicksPerHour);
            if (h < 0 || h >= count) continue;
            var sum = new RollupCell(_bins[group.Key.Model]);
            foreach (var c in group.OrderBy(c => c.Version, StringComparer.Ordinal)) sum.Add(c.Cell);
            row[h] = sum;
        }
        lock (_hourGate)
        {
            if (HourCacheEnabled && generation == _hourGeneration)
                foreach (var key in missing)
                {
                    // Kept only when finished, inside the newest window, and not invalidated since the read began.
                    if (key.Hour >= current || key.Hour < _cacheFloor || _hourStamps.GetValueOrDefault(key) != seen[key]) continue;
                    _hourCache[key] = totals[key.Model][(int)((key.Hour - first).Ticks / TimeSpan.TicksPerHour)];
                }
            EndHourRead();
        }
        return totals;
    }

    /// <summary>A read is done: with none left in flight, no stamp is needed any more.</summary>
    private void EndHourRead()
    {
        lock (_hourGate)
            if (--_hourReads == 0) _hourStamps.Clear();
    }

    /// <summary>The hour cells of the given (model, hour) keys: one query, a bucket missing for every model read whole.</summary>
    private List<StoredCell> ReadHourCells(List<(string Model, DateTime Hour)> keys, DateTime from, DateTime to, int models)
    {
        var byHour = keys.GroupBy(k => k.Hour).ToList();
        if (byHour.All(g => g.Count() == models) && byHour.Count == (int)((to - from).Ticks / TimeSpan.TicksPerHour))
            return ReadCells(Grain.Hour, from, to);
        var terms = byHour.Select(g => g.Count() == models
            ? $"bucket = {Lit(g.Key)}"
            : $"(bucket = {Lit(g.Key)} AND model IN ({string.Join(", ", g.Select(k => Lit(k.Model)))}))");
        return ReadCells(Grain.Hour, from, to, where: "(" + string.Join(" OR ", terms) + ")");
    }
}
