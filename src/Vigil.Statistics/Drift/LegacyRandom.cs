using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// NumPy's legacy global generator (<c>np.random.seed(seed)</c>, i.e. <c>RandomState</c>): MT19937 seeded with
/// <c>init_genrand(seed)</c>, and the bounded integers that its <c>permutation</c> / <c>shuffle</c> draw
/// (<c>random_interval</c>: mask the next 32-bit output to the smallest all-ones mask covering the bound, retry while
/// above it). Used to replay Evidently's TVD permutation test (docs/drift-methods.md).
/// </summary>
internal sealed class LegacyRandom
{
    private readonly Mt19937 _mt;

    public LegacyRandom(uint seed) => _mt = Mt19937.FromSeed(seed);

    /// <summary>The next 32-bit MT19937 output (genrand_int32).</summary>
    public uint NextUInt32() => _mt.NextUInt32();

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
