namespace Vigil.Statistics.Internal;

/// <summary>
/// The Mersenne Twister MT19937 (Matsumoto and Nishimura's reference <c>mt19937ar.c</c>), which NumPy's legacy
/// <c>RandomState</c> and CPython's <c>random</c> both use, so that Vigil can replay their draws exactly: seeded by
/// <c>init_genrand</c> (NumPy) or <c>init_by_array</c> (CPython).
/// </summary>
internal sealed class Mt19937
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    private Mt19937() { }

    /// <summary><c>init_genrand(seed)</c>.</summary>
    public static Mt19937 FromSeed(uint seed)
    {
        var g = new Mt19937();
        g.InitGenrand(seed);
        return g;
    }

    /// <summary><c>init_by_array(key)</c>.</summary>
    public static Mt19937 FromKey(uint[] key)
    {
        ArgumentNullException.ThrowIfNull(key);
        if (key.Length == 0) throw new ArgumentException("the key must not be empty", nameof(key));
        var g = new Mt19937();
        g.InitGenrand(19650218u);
        var mt = g._mt;
        int i = 1, j = 0;
        for (var k = Math.Max(N, key.Length); k > 0; k--)
        {
            mt[i] = unchecked((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1664525u)) + key[j] + (uint)j);
            i++;
            j++;
            if (i >= N)
            {
                mt[0] = mt[N - 1];
                i = 1;
            }
            if (j >= key.Length) j = 0;
        }
        for (var k = N - 1; k > 0; k--)
        {
            mt[i] = unchecked((mt[i] ^ ((mt[i - 1] ^ (mt[i - 1] >> 30)) * 1566083941u)) - (uint)i);
            i++;
            if (i >= N)
            {
                mt[0] = mt[N - 1];
                i = 1;
            }
        }
        mt[0] = 0x80000000u;
        return g;
    }

    private void InitGenrand(uint s)
    {
        _mt[0] = s;
        for (var i = 1; i < N; i++) _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        _index = N;
    }

    /// <summary>The next 32-bit output (<c>genrand_int32</c>).</summary>
    public uint NextUInt32()
    {
        if (_index >= N) Twist();
        var y = _mt[_index++];
        y ^= y >> 11;
        y ^= (y << 7) & 0x9d2c5680u;
        y ^= (y << 15) & 0xefc60000u;
        y ^= y >> 18;
        return y;
    }

    private void Twist()
    {
        for (var i = 0; i < N; i++)
        {
            var y = (_mt[i] & 0x80000000u) | (_mt[(i + 1) % N] & 0x7fffffffu);
            _mt[i] = _mt[(i + M) % N] ^ (y >> 1) ^ ((y & 1) != 0 ? 0x9908b0dfu : 0u);
        }
        _index = 0;
    }
}
