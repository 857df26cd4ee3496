using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Classification;

/// <summary>One cell of a paired score table for the paired bootstrap: rows with the same label whose two models'
/// scores fall in the same cells, at those rows' mean scores.</summary>
public readonly record struct PairedCell(bool Positive, double ScoreA, double ScoreB, long Count);

/// <summary>The bootstrap standard error of each metric's difference (candidate − baseline) and the test's name.</summary>
public sealed record BootstrapResult(IReadOnlyDictionary<string, double> StandardError, int Replicates, string Test);

/// <summary>
/// A seeded, label-stratified bootstrap of binary metrics over grouped score cells. Each replicate redraws each
/// side's positives among its cells in proportion to their positives (a multinomial, drawn as sequential exact
/// binomials) and its negatives likewise, so the class totals stay fixed; the metrics are recomputed by
/// <see cref="BinaryScoreAccumulator"/> on the redrawn cells; the standard deviation of the replicates' differences is
/// the standard error. The paired form redraws pairs (both versions' scores of one row together), stratified by label.
/// Deterministic for a seed.
/// </summary>
public static class CellBootstrap
{
    /// <summary>Two independent samples, each as cells in descending score order.</summary>
    public static BootstrapResult Unpaired(ReadOnlySpan<ScoreCount> baseline, ReadOnlySpan<ScoreCount> candidate, double threshold,
        IReadOnlyList<string> metrics, int replicates, int seed)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var rng = new Random(seed);
        var opts = new BinaryMetricOptions { Threshold = threshold };
        var b = baseline.ToArray();
        var c = candidate.ToArray();
        var rb = new ScoreCount[b.Length];
        var rc = new ScoreCount[c.Length];
        var diffs = metrics.Select(_ => new List<double>(replicates)).ToArray();
        for (var r = 0; r < replicates; r++)
        {
            Redraw(rng, b, rb);
            Redraw(rng, c, rc);
            var eb = BinaryScoreAccumulator.Evaluate(NonEmpty(rb), opts).Metrics;
            var ec = BinaryScoreAccumulator.Evaluate(NonEmpty(rc), opts).Metrics;
            Collect(metrics, eb, ec, diffs);
        }
        return new BootstrapResult(StandardErrors(metrics, diffs), replicates, $"stratified bootstrap ({replicates:N0} replicates, scores grouped to 0.001)");
    }

    /// <summary>Pairs of scores of the same rows, as cells.</summary>
    public static BootstrapResult Paired(ReadOnlySpan<PairedCell> cells, double threshold, IReadOnlyList<string> metrics, int replicates, int seed)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        var rng = new Random(seed);
        var opts = new BinaryMetricOptions { Threshold = threshold };
        var all = cells.ToArray();
        var pos = all.Where(x => x.Positive).ToArray();
        var neg = all.Where(x => !x.Positive).ToArray();
        var wp = pos.Select(x => x.Count).ToArray();
        var wn = neg.Select(x => x.Count).ToArray();
        var kp = new long[pos.Length];
        var kn = new long[neg.Length];
        var diffs = metrics.Select(_ => new List<double>(replicates)).ToArray();
        for (var r = 0; r < replicates; r++)
        {
            Multinomial(rng, wp, kp);
            Multinomial(rng, wn, kn);
            var ea = BinaryScoreAccumulator.Evaluate(Side(pos, kp, neg, kn, a: true), opts).Metrics;
            var eb = BinaryScoreAccumulator.Evaluate(Side(pos, kp, neg, kn, a: false), opts).Metrics;
            Collect(metrics, ea, eb, diffs);
        }
        return new BootstrapResult(StandardErrors(metrics, diffs), replicates, $"paired stratified bootstrap ({replicates:N0} replicates, scores grouped to 0.01)");
    }

    /// <summary>One model's cells (descending score) from redrawn pair counts.</summary>
    private static ScoreCount[] Side(PairedCell[] pos, long[] kp, PairedCell[] neg, long[] kn, bool a)
    {
        var d = new SortedDictionary<double, (long P, long N)>(Comparer<double>.Create((x, y) => y.CompareTo(x)));
        for (var i = 0; i < pos.Length; i++)
        {
            if (kp[i] == 0) continue;
            var s = a ? pos[i].ScoreA : pos[i].ScoreB;
            var v = d.GetValueOrDefault(s);
            d[s] = (v.P + kp[i], v.N);
        }
        for (var i = 0; i < neg.Length; i++)
        {
            if (kn[i] == 0) continue;
            var s = a ? neg[i].ScoreA : neg[i].ScoreB;
            var v = d.GetValueOrDefault(s);
            d[s] = (v.P, v.N + kn[i]);
        }
        return d.Select(kv => new ScoreCount(kv.Key, kv.Value.P, kv.Value.N)).ToArray();
    }

    private static ScoreCount[] NonEmpty(ScoreCount[] cells) => Array.FindAll(cells, c => c.Positives + c.Negatives > 0);

    private static void Redraw(Random rng, ScoreCount[] cells, ScoreCount[] into)
    {
        long m = 0, n = 0;
        foreach (var c in cells) { m += c.Positives; n += c.Negatives; }
        long leftP = m, leftN = n, restP = m, restN = n;
        for (var i = 0; i < cells.Length; i++)
        {
            var c = cells[i];
            var p = restP == 0 ? 0 : BinomialSampler.Sample(rng, leftP, (double)c.Positives / restP);
            var q = restN == 0 ? 0 : BinomialSampler.Sample(rng, leftN, (double)c.Negatives / restN);
            leftP -= p; leftN -= q; restP -= c.Positives; restN -= c.Negatives;
            into[i] = new ScoreCount(c.Score, p, q);
        }
    }

    /// <summary>Redraws Σweights items among the cells in proportion to their weights (sequential binomials).</summary>
    private static void Multinomial(Random rng, long[] weights, long[] into)
    {
        long total = 0;
        foreach (var w in weights) total += w;
        long left = total, rest = total;
        for (var i = 0; i < weights.Length; i++)
        {
            var k = rest == 0 ? 0 : BinomialSampler.Sample(rng, left, (double)weights[i] / rest);
            into[i] = k;
            left -= k;
            rest -= weights[i];
        }
    }

    private static void Collect(IReadOnlyList<string> metrics, IReadOnlyList<MetricValue> a, IReadOnlyList<MetricValue> b, List<double>[] diffs)
    {
        for (var j = 0; j < metrics.Count; j++)
        {
            double? va = null, vb = null;
            foreach (var m in a) if (m.Name == metrics[j]) { va = m.Value; break; }
            foreach (var m in b) if (m.Name == metrics[j]) { vb = m.Value; break; }
            if (va is { } x && vb is { } y && double.IsFinite(x) && double.IsFinite(y)) diffs[j].Add(y - x);
        }
    }

    private static Dictionary<string, double> StandardErrors(IReadOnlyList<string> metrics, List<double>[] diffs)
    {
        var se = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var j = 0; j < metrics.Count; j++)
        {
            var d = diffs[j];
            if (d.Count < 10) { se[metrics[j]] = double.NaN; continue; }
            var mean = d.Average();
            var ss = 0.0;
            foreach (var v in d) ss += (v - mean) * (v - mean);
            se[metrics[j]] = Math.Sqrt(ss / (d.Count - 1));
        }
        return se;
    }
}
