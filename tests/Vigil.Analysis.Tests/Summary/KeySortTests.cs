using Vigil.Analysis.Summary;

namespace Vigil.Analysis.Tests.Summary;

/// <summary>KeySort against a plain comparison sort: same keys in the same order, every payload still with its key.</summary>
public sealed class KeySortTests
{
    private static void AssertSortedLike<T>(T[] original, T[] keys, int[] payload) where T : IComparable<T>
    {
        var expected = (T[])original.Clone();
        Array.Sort(expected);
        Assert.Equal(expected, keys);
        Assert.Equal(Enumerable.Range(0, original.Length), payload.Order());
        for (var i = 0; i < keys.Length; i++) Assert.Equal(0, original[payload[i]].CompareTo(keys[i]));
    }

    private static void Check(double[] original)
    {
        var keys = (double[])original.Clone();
        var payload = Enumerable.Range(0, keys.Length).ToArray();
        KeySort.Sort(keys, payload, keys.Length);
        AssertSortedLike(original, keys, payload);
    }

    private static void Check(long[] original)
    {
        var keys = (long[])original.Clone();
        var payload = Enumerable.Range(0, keys.Length).ToArray();
        KeySort.Sort(keys, payload, keys.Length);
        AssertSortedLike(original, keys, payload);
    }

    private const int Large = 300_000; // above the size where the bucket pass starts

    [Fact]
    public void UniformHashes() => Check(Enumerable.Range(0, Large).Select(i => new Random(i).NextInt64(0, long.MaxValue)).ToArray());

    [Fact]
    public void SignedLongsAcrossZero()
    {
        var r = new Random(2);
        Check(Enumerable.Range(0, Large).Select(_ => r.NextInt64(long.MinValue, long.MaxValue)).Concat([long.MinValue, long.MaxValue, 0, -1]).ToArray());
    }

    [Fact]
    public void SkewedScoresWithTies()
    {
        var r = new Random(3);
        // Most scores near 0, rounded so that many are equal, with exact 0, 1 and -0.0.
        Check(Enumerable.Range(0, Large).Select(i => i % 97 == 0 ? -0.0 : i % 89 == 0 ? 1.0 : Math.Round(Math.Pow(r.NextDouble(), 4), 5)).ToArray());
    }

    [Fact]
    public void NegativeAndHugeRangeDoubles()
    {
        var r = new Random(4);
        Check(Enumerable.Range(0, Large).Select(_ => (r.NextDouble() - 0.5) * Math.Pow(10, r.Next(-300, 300))).ToArray());
    }

    [Fact]
    public void MinusZeroSitsNextToZero()
    {
        var keys = Enumerable.Range(0, Large).Select(i => i % 2 == 0 ? -0.0 : i % 3 == 0 ? 0.0 : 0.5).ToArray();
        var payload = Enumerable.Range(0, keys.Length).ToArray();
        KeySort.Sort(keys, payload, keys.Length);
        var zeros = keys.Count(k => k == 0);
        Assert.All(keys.Take(zeros), k => Assert.Equal(0.0, k));
        Assert.All(keys.Skip(zeros), k => Assert.Equal(0.5, k));
    }

    [Fact]
    public void ConstantSmallAndEmpty()
    {
        Check(Enumerable.Repeat(0.25, Large).ToArray());
        Check(new double[] { 3, 1, 2 });
        Check(new double[] { 7 });
        Check(Array.Empty<double>());
    }

    /// <summary>The radix sort of keys alone: the same order as a comparison sort, bit for bit but for where -0.0 and
    /// 0.0 fall among each other (-0.0 first).</summary>
    private static void CheckKeysOnly(double[] original)
    {
        var keys = (double[])original.Clone();
        KeySort.Sort(keys, keys.Length);
        var expected = (double[])original.Clone();
        Array.Sort(expected);
        Assert.Equal(expected.Length, keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            Assert.True(expected[i] == keys[i], $"position {i}: {expected[i]} expected, {keys[i]} found");
            if (i > 0) Assert.True(BitConverter.DoubleToInt64Bits(keys[i - 1]) != BitConverter.DoubleToInt64Bits(0.0) || BitConverter.DoubleToInt64Bits(keys[i]) != BitConverter.DoubleToInt64Bits(-0.0), "-0.0 after 0.0");
        }
    }

    [Fact]
    public void KeysOnly_RadixSort_AgreesWithAComparisonSort()
    {
        var r = new Random(5);
        CheckKeysOnly(Enumerable.Range(0, Large).Select(_ => (r.NextDouble() - 0.5) * Math.Pow(10, r.Next(-300, 300))).ToArray());
        CheckKeysOnly(Enumerable.Range(0, Large).Select(_ => Math.Round(r.NextDouble() * 100, 2)).ToArray());
        CheckKeysOnly(Enumerable.Range(0, Large).Select(i => i % 3 == 0 ? -0.0 : i % 3 == 1 ? 0.0 : -r.NextDouble()).ToArray());
        CheckKeysOnly([double.MaxValue, double.MinValue, double.Epsilon, -double.Epsilon, double.PositiveInfinity, double.NegativeInfinity,
            .. Enumerable.Range(0, 1000).Select(i => (double)(i % 7) - 3)]);
        CheckKeysOnly(Enumerable.Repeat(42.0, Large).ToArray());
        CheckKeysOnly([3, 1, 2]);
        CheckKeysOnly([]);
        var prefix = new double[] { 5, 4, 3, 2, 1 };
        KeySort.Sort(prefix, 3);
        Assert.Equal(new double[] { 3, 4, 5, 2, 1 }, prefix);
        var big = Enumerable.Range(0, 1000).Select(i => (double)(1000 - i)).ToArray();
        KeySort.Sort(big, 600);
        Assert.Equal(Enumerable.Range(401, 600).Select(i => (double)i), big.Take(600));
        Assert.Equal(Enumerable.Range(1, 400).Reverse().Select(i => (double)i), big.Skip(600));
    }

    [Fact]
    public void SortsOnlyThePrefix()
    {
        var keys = new long[] { 5, 4, 3, 2, 1 };
        var payload = new[] { 0, 1, 2, 3, 4 };
        KeySort.Sort(keys, payload, 3);
        Assert.Equal(new long[] { 3, 4, 5, 2, 1 }, keys);
        Assert.Equal(new[] { 2, 1, 0, 3, 4 }, payload);
    }
}
