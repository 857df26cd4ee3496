using System.Numerics;

namespace Vigil.Analysis.Summary;

/// <summary>
/// Sorts keys with a payload, ascending, in place: one pass moves the keys into up to 4096 buckets by their leading
/// bits (between the smallest and the largest key), then each bucket, small enough to stay in cache, is sorted on its
/// own, on every core. The result is what <c>Span.Sort(keys, payload)</c> gives, but for the order of equal keys
/// (which no caller relies on). Measured on 10M keys: about 3× faster than one comparison sort.
/// </summary>
internal static class KeySort
{
    private const int MaxBucketBits = 12;

    /// <summary>Sorts the first <paramref name="length"/> keys (no NaN; -0.0 and 0.0 end up next to each other).</summary>
    public static void Sort(double[] keys, int[] payload, int length) =>
        Sort<double, DoubleOrder>(keys, payload, length);

    /// <summary>Sorts the first <paramref name="length"/> keys.</summary>
    public static void Sort(long[] keys, int[] payload, int length) =>
        Sort<long, LongOrder>(keys, payload, length);

    private const int RadixBits = 11;
    private const int RadixBuckets = 1 << RadixBits;
    private const int RadixPasses = (64 + RadixBits - 1) / RadixBits;

    /// <summary>Sorts the first <paramref name="length"/> keys, with no payload (no NaN; -0.0 just before 0.0): a
    /// least-significant-digit radix sort on the keys' ordered bits, 11 bits a pass, skipping the passes in which
    /// every key has the same digit. Measured on 1M doubles: about 30 ms on one core, against 65 ms for the bucket
    /// sort above on two.</summary>
    public static void Sort(double[] keys, int length)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, keys.Length);
        if (length < 256)
        {
            keys.AsSpan(0, length).Sort();
            return;
        }
        var bits = System.Runtime.InteropServices.MemoryMarshal.Cast<double, ulong>(keys.AsSpan(0, length));
        var counts = new int[RadixPasses * RadixBuckets];
        for (var i = 0; i < bits.Length; i++)
        {
            var k = Ordered(BitConverter.UInt64BitsToDouble(bits[i]));
            bits[i] = k;
            for (var p = 0; p < RadixPasses; p++) counts[p * RadixBuckets + (int)((k >> (p * RadixBits)) & (RadixBuckets - 1))]++;
        }
        var spare = System.Buffers.ArrayPool<ulong>.Shared.Rent(length);
        try
        {
            var src = bits;
            var dst = spare.AsSpan(0, length);
            for (var p = 0; p < RadixPasses; p++)
            {
                var digit = counts.AsSpan(p * RadixBuckets, RadixBuckets);
                if (digit.Contains(length)) continue; // every key has the same digit here
                var sum = 0;
                for (var b = 0; b < RadixBuckets; b++) (digit[b], sum) = (sum, sum + digit[b]);
                var shift = p * RadixBits;
                for (var i = 0; i < src.Length; i++)
                {
                    var k = src[i];
                    dst[digit[(int)((k >> shift) & (RadixBuckets - 1))]++] = k;
                }
                var t = src;
                src = dst;
                dst = t;
            }
            if (src != bits) src.CopyTo(bits);
        }
        finally
        {
            System.Buffers.ArrayPool<ulong>.Shared.Return(spare);
        }
        for (var i = 0; i < bits.Length; i++)
        {
            var k = bits[i];
            bits[i] = (k & 0x8000_0000_0000_0000UL) != 0 ? k & 0x7FFF_FFFF_FFFF_FFFFUL : ~k;
        }
    }

    /// <summary>The bits of a double as an unsigned number in the double's order (for non-NaN values).</summary>
    internal static ulong Ordered(double d)
    {
        var bits = (ulong)BitConverter.DoubleToInt64Bits(d);
        return (bits & 0x8000_0000_0000_0000UL) == 0 ? bits | 0x8000_0000_0000_0000UL : ~bits;
    }

    private interface IOrder<T>
    {
        static abstract ulong Of(T value);
    }

    private readonly struct DoubleOrder : IOrder<double>
    {
        public static ulong Of(double value) => Ordered(value);
    }

    private readonly struct LongOrder : IOrder<long>
    {
        public static ulong Of(long value) => (ulong)value ^ 0x8000_0000_0000_0000UL;
    }

    private static void Sort<T, TOrder>(T[] keys, int[] payload, int length)
        where T : struct
        where TOrder : struct, IOrder<T>
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, keys.Length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(length, payload.Length);
        if (length < 1 << 16)
        {
            keys.AsSpan(0, length).Sort(payload.AsSpan(0, length));
            return;
        }
        var parts = Math.Max(1, Math.Min(Environment.ProcessorCount, 8));
        var mins = new ulong[parts];
        var maxs = new ulong[parts];
        Parallel.For(0, parts, part =>
        {
            ulong lo = ulong.MaxValue, hi = 0;
            for (int i = (int)((long)length * part / parts), end = (int)((long)length * (part + 1) / parts); i < end; i++)
            {
                var k = TOrder.Of(keys[i]);
                if (k < lo) lo = k;
                if (k > hi) hi = k;
            }
            mins[part] = lo;
            maxs[part] = hi;
        });
        var min = mins.Min();
        var max = maxs.Max();
        if (min == max) return;
        var spanBits = 64 - BitOperations.LeadingZeroCount(max - min);
        var shift = Math.Max(0, spanBits - MaxBucketBits);
        var buckets = (int)((max - min) >> shift) + 1;

        // Count (each part of the input on its own core), move every key into its bucket in place (cycle by cycle,
        // as American flag sort does), then sort every bucket.
        var counts = new int[parts][];
        Parallel.For(0, parts, part =>
        {
            var c = counts[part] = new int[buckets];
            for (int i = (int)((long)length * part / parts), end = (int)((long)length * (part + 1) / parts); i < end; i++)
                c[(int)((TOrder.Of(keys[i]) - min) >> shift)]++;
        });
        var start = new int[buckets + 1];
        for (var b = 0; b < buckets; b++)
        {
            var n = 0;
            for (var part = 0; part < parts; part++) n += counts[part][b];
            start[b + 1] = start[b] + n;
        }
        var head = start[..buckets];
        for (var b = 0; b < buckets; b++)
        {
            var end = start[b + 1];
            while (head[b] < end)
            {
                var k = keys[head[b]];
                var p = payload[head[b]];
                var t = (int)((TOrder.Of(k) - min) >> shift);
                while (t != b)
                {
                    var at = head[t]++;
                    (k, keys[at]) = (keys[at], k);
                    (p, payload[at]) = (payload[at], p);
                    t = (int)((TOrder.Of(k) - min) >> shift);
                }
                keys[head[b]] = k;
                payload[head[b]] = p;
                head[b]++;
            }
        }
        Parallel.For(0, parts, part =>
        {
            // Contiguous ranges of buckets with about the same number of keys each.
            var from = FirstBucketAtOrAfter(start, (long)length * part / parts);
            var to = FirstBucketAtOrAfter(start, (long)length * (part + 1) / parts);
            if (part == parts - 1) to = buckets;
            for (var b = from; b < to; b++)
            {
                var n = start[b + 1] - start[b];
                if (n > 1) keys.AsSpan(start[b], n).Sort(payload.AsSpan(start[b], n));
            }
        });
    }

    /// <summary>The first bucket whose start is at or after <paramref name="position"/>.</summary>
    private static int FirstBucketAtOrAfter(int[] start, long position)
    {
        int lo = 0, hi = start.Length - 1;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (start[mid] < position) lo = mid + 1;
            else hi = mid;
        }
        return Math.Min(lo, start.Length - 2);
    }
}
