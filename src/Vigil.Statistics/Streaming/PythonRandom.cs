using System.Security.Cryptography;
using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Streaming;

/// <summary>
/// CPython's <c>random.Random</c> (Modules/_randommodule.c and Lib/random.py, unchanged from 3.2 to 3.13 in the
/// parts used here): MT19937 seeded by <c>init_by_array</c> with the 32-bit words of |seed|, <c>random()</c>
/// (53-bit genrand_res53), <c>getrandbits(k &lt;= 32)</c>, <c>_randbelow</c> (rejection on n.bit_length() bits) and
/// <c>sample(range(n), k)</c> with both of its branches (pool for small n, set otherwise). KSWIN draws its reference
/// sample with it, so a seeded <see cref="Kswin"/> picks the same indices as River's <c>KSWIN(seed=...)</c>.
/// </summary>
internal sealed class PythonRandom
{
    private readonly Mt19937 _mt;

    /// <summary><c>random.Random(seed)</c> for an integer seed (CPython uses |seed|).</summary>
    public PythonRandom(long seed)
    {
        ulong a = seed == long.MinValue ? 1UL << 63 : (ulong)Math.Abs(seed);
        uint lo = (uint)a, hi = (uint)(a >> 32);
        _mt = Mt19937.FromKey(hi != 0 ? [lo, hi] : [lo]);
    }

    /// <summary><c>random.Random(None)</c>: seeded from the operating system's entropy (not reproducible).</summary>
    public static PythonRandom FromEntropy()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return new PythonRandom(BitConverter.ToInt64(bytes) & long.MaxValue);
    }

    /// <summary>genrand_uint32.</summary>
    public uint NextUInt32() => _mt.NextUInt32();

    /// <summary><c>random()</c>: a double in [0, 1) with 53 random bits.</summary>
    public double NextDouble()
    {
        uint a = NextUInt32() >> 5, b = NextUInt32() >> 6;
        return (a * 67108864.0 + b) * (1.0 / 9007199254740992.0);
    }

    /// <summary><c>getrandbits(k)</c> for 1 &lt;= k &lt;= 32.</summary>
    public uint GetRandBits(int k)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, 32);
        return NextUInt32() >> (32 - k);
    }

    /// <summary><c>_randbelow(n)</c> (getrandbits flavour): uniform in [0, n).</summary>
    public int RandBelow(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        int k = 32 - int.LeadingZeroCount(n);   // n.bit_length()
        uint r = GetRandBits(k);
        while (r >= (uint)n)
        {
            r = GetRandBits(k);
        }
        return (int)r;
    }

    /// <summary><c>sample(range(n), k)</c>: k distinct integers of [0, n), in selection order.</summary>
    public int[] Sample(int n, int k)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(k, n);
        var result = new int[k];
        double setsize = 21;
        if (k > 5)
        {
            setsize += Math.Pow(4, Math.Ceiling(Math.Log(k * 3) / Math.Log(4)));
        }
        if (n <= setsize)
        {
            var pool = new int[n];
            for (var i = 0; i < n; i++)
            {
                pool[i] = i;
            }
            for (var i = 0; i < k; i++)
            {
                int j = RandBelow(n - i);
                result[i] = pool[j];
                pool[j] = pool[n - i - 1];
            }
        }
        else
        {
            var selected = new HashSet<int>();
            for (var i = 0; i < k; i++)
            {
                int j = RandBelow(n);
                while (selected.Contains(j))
                {
                    j = RandBelow(n);
                }
                selected.Add(j);
                result[i] = j;
            }
        }
        return result;
    }
}
