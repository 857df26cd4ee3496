using System.IO.Hashing;
using System.Text;

namespace Vigil.Server.Store;

/// <summary>
/// A Bloom filter of stored ids, of a fixed size: "certainly new" for most ids without touching the store, "maybe
/// stored" for the rest, which the store then checks exactly. Sized for <see cref="Capacity"/> ids at a false-positive
/// rate of about 1e-5 (24 bits an id); past that capacity it stays the same size and only answers "maybe" more often,
/// which costs time, never correctness. Thread-safe for one writer and many readers.
/// </summary>
internal sealed class IdFilter
{
    private readonly ulong[] _bits;
    private readonly ulong _size;
    private readonly int _hashes;

    public IdFilter(long capacity, double falsePositiveRate = 1e-5)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        var bits = (ulong)Math.Ceiling(-capacity * Math.Log(falsePositiveRate) / (Math.Log(2) * Math.Log(2)));
        _size = Math.Max(64, (bits + 63) / 64 * 64);
        _bits = new ulong[_size / 64];
        _hashes = Math.Max(1, (int)Math.Round(-Math.Log(falsePositiveRate) / Math.Log(2)));
    }

    public long Capacity { get; }

    /// <summary>Ids a store's filter is sized for at the least (it keeps working past that, checking the table more
    /// often): VIGIL_DEDUP_CAPACITY, else 50,000,000.</summary>
    internal static long StoreCapacity { get; set; } =
        long.TryParse(Environment.GetEnvironmentVariable("VIGIL_DEDUP_CAPACITY"), out var c) && c > 0 ? c : 50_000_000;

    /// <summary>A filter of the ids a store's <paramref name="table"/> (quoted) holds, sized for twice its rows (at least
    /// <see cref="StoreCapacity"/>), from one stream of them: how the DuckDB and ClickHouse stores start.</summary>
    public static IdFilter OfStoredIds(Engine.IQueryEngine engine, string table)
    {
        ArgumentNullException.ThrowIfNull(engine);
        var rows = engine.Query($"SELECT count(*) FROM {table}").GetInt64(0, 0);
        var filter = new IdFilter(Math.Max(StoreCapacity, 2 * rows));
        engine.Stream($"SELECT id FROM {table}", [], chunk =>
        {
            foreach (var id in chunk.Strings(0)) filter.Add(id!);
        });
        return filter;
    }

    /// <summary>Memory held by the filter.</summary>
    public long Bytes => _bits.LongLength * 8;

    public long Count { get; private set; }

    private (ulong, ulong) Hash(string id)
    {
        var max = Encoding.UTF8.GetMaxByteCount(id.Length);
        Span<byte> buffer = max <= 512 ? stackalloc byte[max] : new byte[max];
        var n = Encoding.UTF8.GetBytes(id, buffer);
        var h = XxHash128.HashToUInt128(buffer[..n]);
        return ((ulong)(h >> 64), (ulong)h | 1);
    }

    public void Add(string id)
    {
        var (a, b) = Hash(id);
        for (var i = 0; i < _hashes; i++)
        {
            var bit = (a + (ulong)i * b) % _size;
            Interlocked.Or(ref _bits[bit >> 6], 1UL << (int)(bit & 63));
        }
        Count++;
    }

    /// <summary>False: the id was certainly never added. True: it may have been.</summary>
    public bool MightContain(string id)
    {
        var (a, b) = Hash(id);
        for (var i = 0; i < _hashes; i++)
        {
            var bit = (a + (ulong)i * b) % _size;
            if ((Volatile.Read(ref _bits[bit >> 6]) & (1UL << (int)(bit & 63))) == 0) return false;
        }
        return true;
    }
}
