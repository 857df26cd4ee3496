using Vigil.Statistics.Classification;
using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Comparison;

/// <summary>ROC AUC with DeLong's variance (DeLong, DeLong &amp; Clarke-Pearson 1988, "Comparing the areas under two or
/// more correlated receiver operating characteristic curves: a nonparametric approach", Biometrics 44:837–845).
/// With m positives and n negatives, the placement of a positive with score s is
/// V10 = (negatives with score &lt; s + ½·negatives with score s) / n, of a negative V01 = (positives with score &gt; s +
/// ½·positives at s) / m; AUC = mean V10 = mean V01; S10 and S01 are the sample variances (divisor m − 1, n − 1)
/// of the placements, and Var(AUC) = S10/m + S01/n.</summary>
/// <param name="Auc">Area under the ROC curve (ties count one half), NaN when a class is missing.</param>
/// <param name="Positives">m.</param>
/// <param name="Negatives">n.</param>
/// <param name="Variance">S10/m + S01/n; NaN unless m ≥ 2 and n ≥ 2.</param>
/// <param name="S10">Sample variance of the positives' placements.</param>
/// <param name="S01">Sample variance of the negatives' placements.</param>
/// <param name="Note">Why the AUC or its variance is undefined, or null.</param>
public sealed record DeLongAuc(double Auc, long Positives, long Negatives, double Variance, double S10, double S01, string? Note = null);

/// <summary>One cell of a paired score table: the rows that model A scored <paramref name="ScoreA"/> and model B scored
/// <paramref name="ScoreB"/>, split by label.</summary>
public readonly record struct PairedScoreCount(double ScoreA, double ScoreB, long Positives, long Negatives);

/// <summary>Sums of the DeLong placements of two models (A = baseline, B = candidate) scored on the same rows, which is
/// everything the paired DeLong test needs. Sums whose name ends in V10 run over the m positives, V01 over the n
/// negatives; SumV10A = m·AucA and SumV01A = n·AucA (likewise for B). An engine produces them with window functions
/// (placements per distinct score, joined back to the rows) and SUM; <see cref="DeLong.PairedSums(ReadOnlySpan{PairedScoreCount})"/>
/// computes them from a paired score table.</summary>
public sealed record PairedPlacementSums(long Positives, long Negatives, double AucA, double AucB,
    double SumV10A, double SumV10B, double SumSqV10A, double SumSqV10B, double SumV10AV10B,
    double SumV01A, double SumV01B, double SumSqV01A, double SumSqV01B, double SumV01AV01B);

/// <summary>
/// Streams the grouped score table (distinct score, positives, negatives) in strictly DESCENDING score order and
/// produces the AUC and DeLong's variance in one pass with O(1) memory.
/// In descending order the positives above a score are known when it arrives, so the negatives' placement numerators
/// w = positives above + ½·positives at are known; the positives' placements are V10 = 1 − u/n with
/// u = negatives above + ½·negatives at, also known. The sums of squares are accumulated centred on the running
/// weighted mean (West 1979) rather than expanded, so a near-perfect model (placements close to 1) loses no digits;
/// the AUC's numerator 2·Σ negatives·w is an exact 128-bit integer.
/// </summary>
public sealed class DeLongAccumulator
{
    private long _positives;
    private long _negatives;
    private double _last = double.PositiveInfinity;
    private bool _any;
    private Int128 _aucTwice;           // Σ_neg 2w = Σ_s neg_s·(2·pos_above_s + pos_s)
    private WeightedMoments _u;         // u over positives
    private WeightedMoments _w;         // w over negatives

    /// <summary>Adds one distinct score with its positive and negative counts. Scores must arrive strictly descending.</summary>
    /// <exception cref="ArgumentException">The score is NaN, not below the previous one, or a count is negative.</exception>
    public void Add(double score, long positives, long negatives)
    {
        if (double.IsNaN(score))
        {
            throw new ArgumentException("A score is NaN; drop or impute NaN scores before computing the AUC.", nameof(score));
        }
        if (_any && !(score < _last))
        {
            throw new ArgumentException($"Scores must arrive in strictly descending order: {score:R} after {_last:R}.", nameof(score));
        }
        if (positives < 0 || negatives < 0)
        {
            throw new ArgumentException($"Counts must not be negative (score {score:R}: {positives} positives, {negatives} negatives).");
        }
        _any = true;
        _last = score;
        if (positives > 0)
        {
            _u.Add(_negatives + 0.5 * negatives, positives);
        }
        if (negatives > 0)
        {
            _w.Add(_positives + 0.5 * positives, negatives);
            _aucTwice += (Int128)negatives * (2 * (Int128)_positives + positives);
        }
        _positives += positives;
        _negatives += negatives;
    }

    /// <summary>The AUC and its DeLong variance for the scores added so far (the accumulator may go on).</summary>
    public DeLongAuc Finish()
    {
        long m = _positives, n = _negatives;
        if (m == 0 || n == 0)
        {
            return new DeLongAuc(double.NaN, m, n, double.NaN, double.NaN, double.NaN,
                m == 0 && n == 0 ? "no rows" : "only one class present: the AUC is undefined");
        }
        var auc = (double)_aucTwice / (2.0 * m * (double)n);
        if (m < 2 || n < 2)
        {
            return new DeLongAuc(auc, m, n, double.NaN, double.NaN, double.NaN,
                "DeLong's variance needs at least 2 positives and 2 negatives");
        }
        // V10 = 1 − u/n: Σ(V10 − mean)² = M2(u)/n²; V01 = w/m: Σ(V01 − mean)² = M2(w)/m².
        var s10 = _u.M2 / ((double)n * n) / (m - 1);
        var s01 = _w.M2 / ((double)m * m) / (n - 1);
        return new DeLongAuc(auc, m, n, s10 / m + s01 / n, s10, s01);
    }

    /// <summary>Weighted mean and centred sum of squares, updated one weighted value at a time (West 1979).</summary>
    private struct WeightedMoments
    {
        private double _weight;
        private double _mean;
        public double M2;

        public void Add(double x, long weight)
        {
            var w = (double)weight;
            _weight += w;
            var delta = x - _mean;
            _mean += delta * (w / _weight);
            M2 += w * delta * (x - _mean);
        }
    }
}

/// <summary>DeLong tests of a difference in ROC AUC (candidate − baseline): unpaired (independent samples) and paired
/// (the same rows scored by two models). References: DeLong, DeLong &amp; Clarke-Pearson (1988); the unpaired form is
/// the z-test of Hanley &amp; McNeil (1982) with DeLong's variances.</summary>
public static class DeLong
{
    /// <summary>Independent samples: z = (AUC_c − AUC_b) / √(Var_b + Var_c), two-sided normal p-value, interval
    /// d ± z_{1−α/2}·√(Var_b + Var_c).</summary>
    public static Difference Unpaired(DeLongAuc baseline, DeLongAuc candidate, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(candidate);
        ZTest.CheckConfidence(confidence);
        const string test = "DeLong unpaired z-test";
        var d = candidate.Auc - baseline.Auc;
        if (double.IsNaN(d))
        {
            return Difference.Undefined(test, Side("baseline", baseline) ?? Side("candidate", candidate) ?? "the AUC is undefined");
        }
        var note = Side("baseline", baseline) ?? Side("candidate", candidate);
        return ZTest.Wald(d, baseline.Variance + candidate.Variance, confidence, test, note);
    }

    /// <summary>Same rows scored by two models (A = baseline, B = candidate): with the structural components' sample
    /// covariances S10_AB = Σ(V10A − AUC_A)(V10B − AUC_B)/(m − 1) and S01_AB likewise over the negatives,
    /// Var(AUC_B − AUC_A) = (S10_A + S10_B − 2·S10_AB)/m + (S01_A + S01_B − 2·S01_AB)/n; z-test and Wald interval.</summary>
    public static Difference Paired(PairedPlacementSums s, double confidence = 0.95)
    {
        ArgumentNullException.ThrowIfNull(s);
        ZTest.CheckConfidence(confidence);
        const string test = "DeLong paired z-test";
        long m = s.Positives, n = s.Negatives;
        if (m == 0 || n == 0)
        {
            return Difference.Undefined(test, m == 0 && n == 0 ? "no rows" : "only one class present: the AUC is undefined");
        }
        var d = s.AucB - s.AucA;
        if (m < 2 || n < 2)
        {
            return Difference.Undefined(test, "DeLong's variance needs at least 2 positives and 2 negatives", d);
        }
        double Cov(double sumXY, double sumX, double sumY, long k) => (sumXY - sumX * (sumY / k)) / (k - 1);
        var s10 = Cov(s.SumSqV10A, s.SumV10A, s.SumV10A, m) + Cov(s.SumSqV10B, s.SumV10B, s.SumV10B, m)
                  - 2.0 * Cov(s.SumV10AV10B, s.SumV10A, s.SumV10B, m);
        var s01 = Cov(s.SumSqV01A, s.SumV01A, s.SumV01A, n) + Cov(s.SumSqV01B, s.SumV01B, s.SumV01B, n)
                  - 2.0 * Cov(s.SumV01AV01B, s.SumV01A, s.SumV01B, n);
        var variance = Math.Max(0.0, s10 / m + s01 / n);
        return ZTest.Wald(d, variance, confidence, test);
    }

    /// <summary>Paired test from raw arrays (reference and small-data helper): groups the rows into a paired score table
    /// and calls <see cref="Paired(PairedPlacementSums, double)"/>.</summary>
    public static Difference Paired(ReadOnlySpan<double> scoresA, ReadOnlySpan<double> scoresB, ReadOnlySpan<bool> labels, double confidence = 0.95) =>
        Paired(PairedSums(scoresA, scoresB, labels), confidence);

    /// <summary>AUC and DeLong variance from a grouped table in any order (sorted here, equal scores merged).</summary>
    public static DeLongAuc Compute(ReadOnlySpan<ScoreCount> cells)
    {
        var sorted = cells.ToArray();
        Array.Sort(sorted, static (x, y) => y.Score.CompareTo(x.Score));
        var acc = new DeLongAccumulator();
        var i = 0;
        while (i < sorted.Length)
        {
            var score = sorted[i].Score;
            long p = 0, q = 0;
            for (; i < sorted.Length && sorted[i].Score.Equals(score); i++)
            {
                p += sorted[i].Positives;
                q += sorted[i].Negatives;
            }
            acc.Add(score, p, q);
        }
        return acc.Finish();
    }

    /// <summary>AUC and DeLong variance from raw scores and labels (reference and small-data helper).</summary>
    public static DeLongAuc Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> labels)
    {
        CheckLengths(scores.Length, scores.Length, labels.Length);
        var cells = new ScoreCount[scores.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = new ScoreCount(scores[i], labels[i] ? 1 : 0, labels[i] ? 0 : 1);
        }
        return Compute(cells);
    }

    /// <summary>Placement sums of two models from raw arrays of the same rows.</summary>
    public static PairedPlacementSums PairedSums(ReadOnlySpan<double> scoresA, ReadOnlySpan<double> scoresB, ReadOnlySpan<bool> labels)
    {
        CheckLengths(scoresA.Length, scoresB.Length, labels.Length);
        var cells = new PairedScoreCount[scoresA.Length];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = new PairedScoreCount(scoresA[i], scoresB[i], labels[i] ? 1 : 0, labels[i] ? 0 : 1);
        }
        return PairedSums(cells);
    }

    /// <summary>Placement sums of two models from a paired score table (cells in any order; memory O(cells)).
    /// Each model's placements come from its own marginal table; the sums run over the cells weighted by their counts,
    /// with compensated summation.</summary>
    public static PairedPlacementSums PairedSums(ReadOnlySpan<PairedScoreCount> cells)
    {
        long m = 0, n = 0;
        foreach (var c in cells)
        {
            if (double.IsNaN(c.ScoreA) || double.IsNaN(c.ScoreB))
            {
                throw new ArgumentException("A score is NaN; drop or impute NaN scores before comparing AUCs.", nameof(cells));
            }
            if (c.Positives < 0 || c.Negatives < 0)
            {
                throw new ArgumentException("Counts must not be negative.", nameof(cells));
            }
            m += c.Positives;
            n += c.Negatives;
        }
        var a = Placements(cells, true, m, n);
        var b = Placements(cells, false, m, n);
        NeumaierSum v10a = default, v10b = default, v10aa = default, v10bb = default, v10ab = default;
        NeumaierSum v01a = default, v01b = default, v01aa = default, v01bb = default, v01ab = default;
        for (var i = 0; i < cells.Length; i++)
        {
            var c = cells[i];
            if (c.Positives > 0)
            {
                double k = c.Positives, x = a[i].V10, y = b[i].V10;
                v10a.Add(k * x); v10b.Add(k * y); v10aa.Add(k * x * x); v10bb.Add(k * y * y); v10ab.Add(k * x * y);
            }
            if (c.Negatives > 0)
            {
                double k = c.Negatives, x = a[i].V01, y = b[i].V01;
                v01a.Add(k * x); v01b.Add(k * y); v01aa.Add(k * x * x); v01bb.Add(k * y * y); v01ab.Add(k * x * y);
            }
        }
        var aucA = m > 0 && n > 0 ? v01a.Value / n : double.NaN;
        var aucB = m > 0 && n > 0 ? v01b.Value / n : double.NaN;
        return new PairedPlacementSums(m, n, aucA, aucB,
            v10a.Value, v10b.Value, v10aa.Value, v10bb.Value, v10ab.Value,
            v01a.Value, v01b.Value, v01aa.Value, v01bb.Value, v01ab.Value);
    }

    private readonly record struct Placement(double V10, double V01);

    /// <summary>Per cell, the placements of its positives (V10) and negatives (V01) under model A or B.</summary>
    private static Placement[] Placements(ReadOnlySpan<PairedScoreCount> cells, bool modelA, long m, long n)
    {
        var order = new int[cells.Length];
        var keys = new double[cells.Length];
        for (var i = 0; i < order.Length; i++)
        {
            order[i] = i;
            keys[i] = -(modelA ? cells[i].ScoreA : cells[i].ScoreB);
        }
        Array.Sort(keys, order);   // ascending −score = descending score
        var result = new Placement[cells.Length];
        long posAbove = 0, negAbove = 0;
        var j = 0;
        while (j < order.Length)
        {
            var k = j;
            long pos = 0, neg = 0;
            for (; k < order.Length && keys[k].Equals(keys[j]); k++)
            {
                pos += cells[order[k]].Positives;
                neg += cells[order[k]].Negatives;
            }
            var v10 = n > 0 ? (n - negAbove - 0.5 * neg) / n : double.NaN;
            var v01 = m > 0 ? (posAbove + 0.5 * pos) / m : double.NaN;
            for (var t = j; t < k; t++)
            {
                result[order[t]] = new Placement(v10, v01);
            }
            posAbove += pos;
            negAbove += neg;
            j = k;
        }
        return result;
    }

    private static void CheckLengths(int a, int b, int labels)
    {
        if (a != b || a != labels)
        {
            throw new ArgumentException($"Scores and labels must have the same length ({a}, {b}, {labels}).");
        }
    }

    private static string? Side(string which, DeLongAuc auc) => auc.Note is null ? null : $"{which}: {auc.Note}";
}
