using Vigil.Engine;

namespace Vigil.Analysis.Estimation;

/// <summary>
/// The scores of every row of a set, per group (a chunk, a fold), sorted in .NET instead of by the engine: the rows are
/// streamed unsorted as (group, score, outcome), each group keeps the scores of its positive, negative and unlabelled
/// rows in plain arrays (8 bytes a row), and each group's arrays are sorted on their own, the groups in parallel. A
/// bare scan plus sorts of primitive arrays costs a fraction of the engine's sort of every row with its payload (on
/// 10M rows, about 1 s instead of 3). It holds every row in memory, so it is used up to <see cref="Limit"/> rows; past
/// that the callers fall back to the engine's sort, which spills to disk.
/// </summary>
internal sealed class SortedScores
{
    /// <summary>Most rows held in memory (8 bytes each: 48M rows is 384 MB).</summary>
    internal const long DefaultLimit = 48_000_000;

    [ThreadStatic]
    private static long? _limit;

    /// <summary>The limit on this thread (tests lower it to take the engine's sort).</summary>
    internal static long Limit
    {
        get => _limit ?? DefaultLimit;
        set => _limit = value;
    }

    /// <summary>Thrown from the stream when the rows pass <see cref="Limit"/>; caught by <see cref="TryRead"/>.</summary>
    private sealed class TooManyRows : Exception;

    /// <summary>One group: positives from the front of <see cref="Labelled"/>, negatives from its back, unlabelled apart.</summary>
    private sealed class Bin
    {
        public double[] Labelled;
        public int Positives;
        public int NegativesFrom;
        public double[] Unlabelled;
        public int UnlabelledCount;

        public Bin(long labelled, long unlabelled)
        {
            Labelled = new double[labelled];
            NegativesFrom = Labelled.Length;
            Unlabelled = new double[unlabelled];
        }

        public void Add(double score, long outcome)
        {
            if (outcome == 1)
            {
                if (Positives == NegativesFrom) Grow();
                Labelled[Positives++] = score;
            }
            else if (outcome == 0)
            {
                if (Positives == NegativesFrom) Grow();
                Labelled[--NegativesFrom] = score;
            }
            else
            {
                if (UnlabelledCount == Unlabelled.Length) Array.Resize(ref Unlabelled, Math.Max(16, 2 * Unlabelled.Length));
                Unlabelled[UnlabelledCount++] = score;
            }
        }

        private void Grow()
        {
            var bigger = new double[Math.Max(16, 2 * Labelled.Length)];
            Array.Copy(Labelled, bigger, Positives);
            var negatives = Labelled.Length - NegativesFrom;
            Array.Copy(Labelled, NegativesFrom, bigger, bigger.Length - negatives, negatives);
            Labelled = bigger;
            NegativesFrom = bigger.Length - negatives;
        }

        public void Sort()
        {
            Array.Sort(Labelled, 0, Positives);
            Array.Sort(Labelled, NegativesFrom, Labelled.Length - NegativesFrom);
            Array.Sort(Unlabelled, 0, UnlabelledCount);
        }
    }

    private readonly Bin[] _bins;

    private SortedScores(Bin[] bins) => _bins = bins;

    /// <summary>
    /// The rows of <paramref name="sql"/> (columns: group 0 … <paramref name="groups"/> − 1, score, outcome 1/0 or any
    /// other value for no label), sorted per group; null when they number more than <see cref="Limit"/>. The expected
    /// labelled and unlabelled rows per group (from a census), when known, size the arrays exactly.
    /// <paramref name="unordered"/> lets the engine read on every core (the groups must not depend on the row order).
    /// </summary>
    public static SortedScores? TryRead(IQueryEngine engine, string sql, int groups, bool unordered,
        IReadOnlyList<long>? labelled = null, IReadOnlyList<long>? unlabelled = null)
    {
        var limit = Limit;
        long expected = 0;
        for (var g = 0; g < groups; g++) expected += (labelled?[g] ?? 0) + (unlabelled?[g] ?? 0);
        if (expected > limit) return null;
        var bins = new Bin[groups];
        for (var g = 0; g < groups; g++) bins[g] = new Bin(labelled?[g] ?? 0, unlabelled?[g] ?? 0);
        long rows = 0;
        void Take(Table chunk)
        {
            rows += chunk.RowCount;
            if (rows > limit) throw new TooManyRows();
            var group = chunk.Int64s(0);
            var score = chunk.Doubles(1);
            var outcome = chunk.Int64s(2);
            for (var i = 0; i < chunk.RowCount; i++) bins[group[i]].Add(score[i], outcome[i]);
        }
        try
        {
            if (unordered) engine.StreamUnordered(sql, null, Take);
            else engine.Stream(sql, null, Take);
        }
        catch (TooManyRows)
        {
            return null;
        }
        Parallel.For(0, groups, g => bins[g].Sort());
        return new SortedScores(bins);
    }

    /// <summary>Each distinct score of <paramref name="group"/>, descending, with its positive, negative and unlabelled
    /// rows.</summary>
    public void Descending(int group, Action<double, long, long, long> visit)
    {
        var b = _bins[group];
        var lab = b.Labelled;
        var unl = b.Unlabelled;
        int p = b.Positives - 1, n = lab.Length - 1, u = b.UnlabelledCount - 1;
        int pEnd = 0, nEnd = b.NegativesFrom;
        while (p >= pEnd || n >= nEnd || u >= 0)
        {
            var s = double.NegativeInfinity;
            if (p >= pEnd) s = lab[p];
            if (n >= nEnd && lab[n] > s) s = lab[n];
            if (u >= 0 && unl[u] > s) s = unl[u];
            long pos = 0, neg = 0, none = 0;
            while (p >= pEnd && lab[p] == s) { pos++; p--; }
            while (n >= nEnd && lab[n] == s) { neg++; n--; }
            while (u >= 0 && unl[u] == s) { none++; u--; }
            visit(s, pos, neg, none);
        }
    }

    /// <summary>Each distinct score of <paramref name="group"/>, ascending, with its positive, negative and unlabelled
    /// rows.</summary>
    public void Ascending(int group, Action<double, long, long, long> visit)
    {
        var b = _bins[group];
        var lab = b.Labelled;
        var unl = b.Unlabelled;
        int p = 0, n = b.NegativesFrom, u = 0;
        int pEnd = b.Positives, nEnd = lab.Length, uEnd = b.UnlabelledCount;
        while (p < pEnd || n < nEnd || u < uEnd)
        {
            var s = double.PositiveInfinity;
            if (p < pEnd) s = lab[p];
            if (n < nEnd && lab[n] < s) s = lab[n];
            if (u < uEnd && unl[u] < s) s = unl[u];
            long pos = 0, neg = 0, none = 0;
            while (p < pEnd && lab[p] == s) { pos++; p++; }
            while (n < nEnd && lab[n] == s) { neg++; n++; }
            while (u < uEnd && unl[u] == s) { none++; u++; }
            visit(s, pos, neg, none);
        }
    }
}
