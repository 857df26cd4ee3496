namespace Vigil.Statistics.Drift;

/// <summary>
/// NumPy's legacy global generator (<c>np.random.seed(seed)</c>, i.e. <c>RandomState</c>): MT19937 seeded with
/// <c>init_genrand(seed)</c>, and the bounded integers that its <c>permutation</c> / <c>shuffle</c> draw
/// (<c>random_interval</c>: mask the next 32-bit output to the smallest all-ones mask covering the bound, retry while
/// above it). Used to replay Evidently's TVD permutation test (docs/drift-methods.md).
/// </summary>
internal sealed class LegacyRandom
{
    private const int N = 624;
    private const int M = 397;
    private readonly uint[] _mt = new uint[N];
    private int _index;

    public LegacyRandom(uint seed)
    {
        _mt[0] = seed;
        for (var i = 1; i < N; i++) _mt[i] = unchecked(1812433253u * (_mt[i - 1] ^ (_mt[i - 1] >> 30)) + (uint)i);
        _index = N;
    }

    /// <summary>The next 32-bit MT19937 output (genrand_int32).</summary>
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

    /// <summary>NumPy's <c>random_interval(max)</c> for max below 2^32: a uniform integer in [0, max].</summary>
    public uint Interval(uint max)
    {
        if (max == 0) return 0;
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        uint value;
        while ((value = NextUInt32() & mask) > max) { }
        return value;
    }

    /// <summary>The legacy in-place shuffle (Fisher–Yates from the last element down), as
    /// <c>RandomState.permutation</c> applies it to <c>arange(n)</c>.</summary>
    public void Shuffle<T>(T[] a)
    {
        for (var i = a.Length - 1; i >= 1; i--)
        {
            var j = (int)Interval((uint)i);
            (a[i], a[j]) = (a[j], a[i]);
        }
    }
}
