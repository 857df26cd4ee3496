using Vigil.Statistics.Classification;
using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Comparison;

/// <summary>Options of the bootstrap comparison.</summary>
public sealed record BootstrapOptions
{
    /// <summary>Number of bootstrap replicates B (default 1000).</summary>
    public int Replicates { get; init; } = 1000;

    /// <summary>Seed of the MT19937 stream; the same seed and input give the same result everywhere.</summary>
    public uint Seed { get; init; } = 42;

    /// <summary>Tables with more distinct cells than this are first merged into this many score-quantile groups (default 20,000).</summary>
    public int MaxCells { get; init; } = 20_000;

    /// <summary>Confidence level of the percentile interval (default 0.95).</summary>
    public double Confidence { get; init; } = 0.95;
}

/// <summary>
/// Seeded stratified bootstrap of a difference in a metric with no closed-form variance (F1, ECE, average precision,
/// KS …), on grouped score tables, never rows. Each replicate resamples the m positives over the cells in proportion
/// to their positive counts and, independently, the n negatives in proportion to their negative counts (a multinomial
/// drawn as sequential binomials), so the class counts stay fixed (Efron &amp; Tibshirani 1993, §8, stratified
/// bootstrap). Unpaired: each side is resampled independently. Paired (the same rows scored by two models): the cells of
/// the joint (score A, score B) table are resampled, which keeps the correlation between the models.
/// The metric sees each replicate's table in strictly descending score order without empty cells.
/// Interval: percentiles α/2 and 1 − α/2 of the B replicate differences (linear interpolation, numpy's default).
/// p-value: 2·min(share of replicates ≤ 0, share ≥ 0), at least 1/(B + 1) and at most 1.
/// The point estimate is the metric on the full tables. With more than <see cref="BootstrapOptions.MaxCells"/> cells the
/// replicates run on cells merged into that many score-quantile groups (each group scored by its rows' mean score),
/// which the Test string says.
/// </summary>
public static class Bootstrap
{
    /// <summary>Difference metric(candidate) − metric(baseline) of independent samples.</summary>
    public static Difference Unpaired(ReadOnlySpan<ScoreCount> baseline, ReadOnlySpan<ScoreCount> candidate,
        Func<ReadOnlySpan<ScoreCount>, double> metric, BootstrapOptions? options = null) =>
        RunUnpaired(baseline, candidate, metric, options).Result;

    /// <summary>Difference metric(B) − metric(A) of two models scored on the same rows, from the paired score table.</summary>
    public static Difference Paired(ReadOnlySpan<PairedScoreCount> cells, Func<ReadOnlySpan<ScoreCount>, double> metric,
        BootstrapOptions? options = null) =>
        RunPaired(cells, metric, options).Result;

    internal readonly record struct Run(Difference Result, double[] Replicates);

    internal static Run RunUnpaired(ReadOnlySpan<ScoreCount> baseline, ReadOnlySpan<ScoreCount> candidate,
        Func<ReadOnlySpan<ScoreCount>, double> metric, BootstrapOptions? options)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var o = Check(options);
        var b = Normalize(baseline);
        var c = Normalize(candidate);
        var value = metric(c) - metric(b);
        var merged = b.Length > o.MaxCells || c.Length > o.MaxCells;
        var test = Name("unpaired", o, merged);
        if (double.IsNaN(value))
        {
            return new Run(Difference.Undefined(test, "the metric is undefined on the full data"), []);
        }
        var bs = new Side(b.Length > o.MaxCells ? Merge(b, o.MaxCells) : b);
        var cs = new Side(c.Length > o.MaxCells ? Merge(c, o.MaxCells) : c);
        var rng = new SeededBinomial(o.Seed);
        var reps = new double[o.Replicates];
        for (var r = 0; r < reps.Length; r++)
        {
            var mb = metric(bs.Resample(rng));
            var mc = metric(cs.Resample(rng));
            reps[r] = mc - mb;
        }
        return new Run(Summarize(value, reps, o, test), reps);
    }

    internal static Run RunPaired(ReadOnlySpan<PairedScoreCount> cells, Func<ReadOnlySpan<ScoreCount>, double> metric, BootstrapOptions? options)
    {
        ArgumentNullException.ThrowIfNull(metric);
        var o = Check(options);
        var joint = NormalizePairs(cells);
        var paired = new PairedSide(joint);
        var value = metric(paired.TableB(joint)) - metric(paired.TableA(joint));
        var merged = joint.Length > o.MaxCells;
        var test = Name("paired", o, merged);
        if (double.IsNaN(value))
        {
            return new Run(Difference.Undefined(test, "the metric is undefined on the full data"), []);
        }
        if (merged)
        {
            joint = MergePairs(joint, o.MaxCells);
            paired = new PairedSide(joint);
        }
        var rng = new SeededBinomial(o.Seed);
        var reps = new double[o.Replicates];
        var counts = new PairedScoreCount[joint.Length];
        for (var r = 0; r < reps.Length; r++)
        {
            paired.Resample(rng, counts);
            var ma = metric(paired.TableA(counts));
            var mb = metric(paired.TableB(counts));
            reps[r] = mb - ma;
        }
        return new Run(Summarize(value, reps, o, test), reps);
    }

    private static BootstrapOptions Check(BootstrapOptions? options)
    {
        var o = options ?? new BootstrapOptions();
        if (o.Replicates < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), o.Replicates, "The bootstrap needs at least one replicate.");
        }
        if (o.MaxCells < 2)
        {
            throw new ArgumentOutOfRangeException(nameof(options), o.MaxCells, "MaxCells must be at least 2.");
        }
        ZTest.CheckConfidence(o.Confidence);
        return o;
    }

    private static string Name(string kind, BootstrapOptions o, bool merged) =>
        $"stratified bootstrap ({kind}, {o.Replicates} replicates, seed {o.Seed}, percentile interval)"
        + (merged ? $", cells merged into {o.MaxCells} score-quantile groups" : "");

    private static Difference Summarize(double value, double[] reps, BootstrapOptions o, string test)
    {
        var finite = reps.Where(x => !double.IsNaN(x)).ToArray();
        var dropped = reps.Length - finite.Length;
        var note = dropped > 0 ? $"{dropped} of {reps.Length} replicates had an undefined metric and were left out" : null;
        if (finite.Length == 0)
        {
            return Difference.Undefined(test, "the metric is undefined on every replicate", value);
        }
        Array.Sort(finite);
        var alpha = 1.0 - o.Confidence;
        int below = 0, above = 0;
        foreach (var x in finite)
        {
            if (x <= 0) below++;
            if (x >= 0) above++;
        }
        var p = 2.0 * Math.Min(below, above) / finite.Length;
        p = Math.Min(1.0, Math.Max(p, 1.0 / (finite.Length + 1)));
        return new Difference(value, Percentile(finite, alpha / 2), Percentile(finite, 1 - alpha / 2), p, test, note);
    }

    /// <summary>numpy.percentile's default (linear) on sorted data.</summary>
    internal static double Percentile(double[] sorted, double q)
    {
        var h = (sorted.Length - 1) * q;
        var lo = (int)Math.Floor(h);
        var hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /// <summary>Descending, equal scores merged, empty cells dropped; rejects NaN and negative counts.</summary>
    private static ScoreCount[] Normalize(ReadOnlySpan<ScoreCount> cells)
    {
        var a = cells.ToArray();
        foreach (var c in a)
        {
            if (double.IsNaN(c.Score) || c.Positives < 0 || c.Negatives < 0)
            {
                throw new ArgumentException($"Bad cell {c}: scores must not be NaN and counts not negative.", nameof(cells));
            }
        }
        Array.Sort(a, static (x, y) => y.Score.CompareTo(x.Score));
        var list = new List<ScoreCount>(a.Length);
        foreach (var c in a)
        {
            if (c.Positives == 0 && c.Negatives == 0) continue;
            if (list.Count > 0 && list[^1].Score.Equals(c.Score))
            {
                var l = list[^1];
                list[^1] = l with { Positives = l.Positives + c.Positives, Negatives = l.Negatives + c.Negatives };
            }
            else
            {
                list.Add(c);
            }
        }
        return list.ToArray();
    }

    /// <summary>Contiguous groups of about equal row counts in descending order; each scored by its rows' mean score.</summary>
    internal static ScoreCount[] Merge(ScoreCount[] cells, int groups) => Merge(cells, groups, out _);

    /// <summary><see cref="Merge(ScoreCount[], int)"/>, with the group of each input cell.</summary>
    internal static ScoreCount[] Merge(ScoreCount[] cells, int groups, out int[] groupOf)
    {
        groupOf = new int[cells.Length];
        double total = 0;
        foreach (var c in cells) total += (double)c.Positives + c.Negatives;
        var result = new List<ScoreCount>(groups);
        double seen = 0, weightedScore = 0;
        long pos = 0, neg = 0;
        var g = 1;
        for (var i = 0; i < cells.Length; i++)
        {
            var c = cells[i];
            double rows = (double)c.Positives + c.Negatives;
            pos += c.Positives;
            neg += c.Negatives;
            weightedScore += rows * c.Score;
            seen += rows;
            groupOf[i] = result.Count;
            if (seen >= total * g / groups || i == cells.Length - 1)
            {
                var score = weightedScore / (pos + (double)neg);
                // Keep the scores strictly descending even where rounding would tie two group means.
                if (result.Count > 0 && !(score < result[^1].Score)) score = Math.BitDecrement(result[^1].Score);
                result.Add(new ScoreCount(score, pos, neg));
                pos = neg = 0;
                weightedScore = 0;
                while (g < groups && seen >= total * g / groups) g++;
            }
        }
        return result.ToArray();
    }

    /// <summary>One side of an unpaired comparison: its cells and a reusable replicate buffer.</summary>
    private sealed class Side
    {
        private readonly long[] _pos, _neg, _pDraw, _nDraw;
        private readonly double[] _score;
        private readonly long _m, _n;
        private readonly ScoreCount[] _buffer;

        public Side(ScoreCount[] cells)
        {
            _pos = cells.Select(c => c.Positives).ToArray();
            _neg = cells.Select(c => c.Negatives).ToArray();
            _score = cells.Select(c => c.Score).ToArray();
            _m = _pos.Sum();
            _n = _neg.Sum();
            _pDraw = new long[cells.Length];
            _nDraw = new long[cells.Length];
            _buffer = new ScoreCount[cells.Length];
        }

        public ReadOnlySpan<ScoreCount> Resample(SeededBinomial rng)
        {
            rng.Multinomial(_m, _pos, _pDraw);
            rng.Multinomial(_n, _neg, _nDraw);
            var k = 0;
            for (var i = 0; i < _score.Length; i++)
            {
                if (_pDraw[i] != 0 || _nDraw[i] != 0)
                {
                    _buffer[k++] = new ScoreCount(_score[i], _pDraw[i], _nDraw[i]);
                }
            }
            return _buffer.AsSpan(0, k);
        }
    }

    private static PairedScoreCount[] NormalizePairs(ReadOnlySpan<PairedScoreCount> cells)
    {
        var d = new Dictionary<(double, double), (long P, long N)>();
        foreach (var c in cells)
        {
            if (double.IsNaN(c.ScoreA) || double.IsNaN(c.ScoreB) || c.Positives < 0 || c.Negatives < 0)
            {
                throw new ArgumentException($"Bad cell {c}: scores must not be NaN and counts not negative.", nameof(cells));
            }
            if (c.Positives == 0 && c.Negatives == 0) continue;
            var key = (c.ScoreA + 0.0, c.ScoreB + 0.0);   // −0 and 0 are one score
            d.TryGetValue(key, out var v);
            d[key] = (v.P + c.Positives, v.N + c.Negatives);
        }
        return d.Select(kv => new PairedScoreCount(kv.Key.Item1, kv.Key.Item2, kv.Value.P, kv.Value.N))
            .OrderByDescending(c => c.ScoreA).ThenByDescending(c => c.ScoreB).ToArray();
    }

    /// <summary>Merges each model's scores into q quantile groups, halving q until the joint table has at most maxCells cells.</summary>
    private static PairedScoreCount[] MergePairs(PairedScoreCount[] joint, int maxCells)
    {
        for (var q = maxCells; ; q = Math.Max(1, q / 2))
        {
            var mapA = GroupMap(joint, true, q);
            var mapB = GroupMap(joint, false, q);
            var cells = joint.Select(c => new PairedScoreCount(mapA[c.ScoreA], mapB[c.ScoreB], c.Positives, c.Negatives)).ToArray();
            var merged = NormalizePairs(cells);
            if (merged.Length <= maxCells || q == 1)
            {
                return merged;
            }
        }
    }

    private static Dictionary<double, double> GroupMap(PairedScoreCount[] joint, bool a, int q)
    {
        var marginal = Normalize(joint.Select(c => new ScoreCount(a ? c.ScoreA : c.ScoreB, c.Positives, c.Negatives)).ToArray());
        var map = new Dictionary<double, double>(marginal.Length);
        if (marginal.Length <= q)
        {
            foreach (var c in marginal) map[c.Score] = c.Score;
            return map;
        }
        var groups = Merge(marginal, q, out var groupOf);
        for (var i = 0; i < marginal.Length; i++) map[marginal[i].Score] = groups[groupOf[i]].Score;
        return map;
    }

    /// <summary>The joint table of a paired comparison with each model's marginal order precomputed.</summary>
    private sealed class PairedSide
    {
        private readonly long[] _pos, _neg, _pDraw, _nDraw;
        private readonly long _m, _n;
        private readonly double[] _scoresA, _scoresB;     // distinct, descending
        private readonly int[] _indexA, _indexB;          // cell → position in _scoresA / _scoresB
        private readonly long[] _accPos, _accNeg;
        private readonly ScoreCount[] _bufferA, _bufferB;

        public PairedSide(PairedScoreCount[] joint)
        {
            _pos = joint.Select(c => c.Positives).ToArray();
            _neg = joint.Select(c => c.Negatives).ToArray();
            _m = _pos.Sum();
            _n = _neg.Sum();
            _pDraw = new long[joint.Length];
            _nDraw = new long[joint.Length];
            (_scoresA, _indexA) = Index(joint.Select(c => c.ScoreA).ToArray());
            (_scoresB, _indexB) = Index(joint.Select(c => c.ScoreB).ToArray());
            _accPos = new long[Math.Max(_scoresA.Length, _scoresB.Length)];
            _accNeg = new long[_accPos.Length];
            _bufferA = new ScoreCount[_scoresA.Length];
            _bufferB = new ScoreCount[_scoresB.Length];
        }

        private static (double[] Scores, int[] Index) Index(double[] scores)
        {
            var distinct = scores.Distinct().OrderByDescending(s => s).ToArray();
            var at = new Dictionary<double, int>(distinct.Length);
            for (var i = 0; i < distinct.Length; i++) at[distinct[i]] = i;
            return (distinct, scores.Select(s => at[s]).ToArray());
        }

        public void Resample(SeededBinomial rng, PairedScoreCount[] into)
        {
            rng.Multinomial(_m, _pos, _pDraw);
            rng.Multinomial(_n, _neg, _nDraw);
            for (var i = 0; i < into.Length; i++)
            {
                into[i] = new PairedScoreCount(0, 0, _pDraw[i], _nDraw[i]);
            }
        }

        public ReadOnlySpan<ScoreCount> TableA(PairedScoreCount[] counts) => Table(counts, _scoresA, _indexA, _bufferA);

        public ReadOnlySpan<ScoreCount> TableB(PairedScoreCount[] counts) => Table(counts, _scoresB, _indexB, _bufferB);

        private ReadOnlySpan<ScoreCount> Table(PairedScoreCount[] counts, double[] scores, int[] index, ScoreCount[] buffer)
        {
            Array.Clear(_accPos);
            Array.Clear(_accNeg);
            for (var i = 0; i < counts.Length; i++)
            {
                _accPos[index[i]] += counts[i].Positives;
                _accNeg[index[i]] += counts[i].Negatives;
            }
            var k = 0;
            for (var j = 0; j < scores.Length; j++)
            {
                if (_accPos[j] != 0 || _accNeg[j] != 0)
                {
                    buffer[k++] = new ScoreCount(scores[j], _accPos[j], _accNeg[j]);
                }
            }
            return buffer.AsSpan(0, k);
        }
    }
}
