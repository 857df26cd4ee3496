namespace Vigil.Statistics.Estimation;

/// <summary>
/// NumPy's legacy <c>np.random.seed(seed)</c> followed by <c>np.random.randint(0, n)</c> (or <c>choice(n)</c>, which
/// calls it): the masked rejection sampler of <c>random_bounded_uint64_fill</c>. For n − 1 below 2^32 each draw is the
/// next 32-bit MT19937 output masked to the smallest all-ones mask covering n − 1, retried while above it; beyond,
/// the same with 64-bit outputs (the first 32-bit output is the high word).
/// </summary>
internal sealed class LegacyIntegers(uint seed)
{
    // The same generator and 32-bit masked sampler as the drift tests' replay of NumPy (one implementation of each).
    private readonly Drift.LegacyRandom _random = new(seed);

    /// <summary>A uniform integer in [0, n).</summary>
    public long Below(long n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var max = (ulong)(n - 1);
        if (max <= uint.MaxValue)
        {
            return max == uint.MaxValue ? _random.NextUInt32() : _random.Interval((uint)max);
        }
        var mask = max;
        mask |= mask >> 1;
        mask |= mask >> 2;
        mask |= mask >> 4;
        mask |= mask >> 8;
        mask |= mask >> 16;
        mask |= mask >> 32;
        ulong value;
        while ((value = (((ulong)_random.NextUInt32() << 32) | _random.NextUInt32()) & mask) > max) { }
        return (long)value;
    }
}
