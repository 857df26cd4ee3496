using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Estimation;

/// <summary>
/// One metric's sampling-error component fitted on the reference: the standard error of a chunk of n rows is
/// Std / √(n · Fraction), except for the confusion-matrix counts, whose standard error is Std · √n.
/// </summary>
public readonly record struct SamplingErrorComponent(double Std, double Fraction);

/// <summary>
/// NannyML's sampling error of each CBPE metric (<c>nannyml/sampling_error/binary_classification.py</c>): components
/// fitted once on the labelled reference (its raw scores, labels and the predictions at the threshold), then a
/// standard error for a chunk of n rows. Only n is needed from the chunk.
/// <list type="bullet">
/// <item>precision, recall, specificity: the population σ of the 0/1 outcome over the rows that enter the metric
/// (predicted positives; actual positives; actual negatives), over √(n · their share of the reference).</item>
/// <item>F1: the outcome is 1 for a TP and 0 for an FP or FN, scaled by (TP + FP + FN) / (TP + (FP + FN) / 2).</item>
/// <item>accuracy: σ of "correct" over √n. The counts TP, FP, TN, FN: σ of the cell's indicator times √n.</item>
/// <item>ROC AUC: σ over the positives of each positive's share of negatives scored below it (the Mann–Whitney
/// placement), over √(n · share of positives); when positives are the majority, the roles swap (NannyML flips the
/// labels and the scores). A negative that ties the positive counts one half (NannyML breaks ties in sort order).</item>
/// <item>average precision: NannyML's bootstrap, made reproducible: 50 samples of min(⌊N/2⌋, 50 000) rows drawn with
/// replacement by NumPy's legacy generator seeded with <c>seed</c> (rows in ascending score, negatives before
/// positives within a score), scikit-learn's average precision of each, σ of the 50 values; the standard error is
/// σ · √(sample size / n).</item>
/// </list>
/// Undefined components (no positives, nothing predicted positive, …) give NaN.
/// </summary>
public sealed class CbpeSamplingError
{
    /// <summary>The seed of the average-precision bootstrap unless one is given (NannyML draws unseeded).</summary>
    public const uint DefaultSeed = 42;

    /// <summary>NannyML's N_EXPERIMENTS and MAX_RESAMPLE_SIZE.</summary>
    internal const int Experiments = 50;
    internal const long MaxResampleSize = 50_000;

    private static readonly string[] CountMetrics =
        [CbpeMetrics.TruePositive, CbpeMetrics.FalsePositive, CbpeMetrics.TrueNegative, CbpeMetrics.FalseNegative];

    private readonly Dictionary<string, SamplingErrorComponent> _components;

    private CbpeSamplingError(Dictionary<string, SamplingErrorComponent> components) => _components = components;

    /// <summary>The fitted components by metric name (<see cref="CbpeMetrics"/>).</summary>
    public IReadOnlyDictionary<string, SamplingErrorComponent> Components => _components;

    /// <summary>Fits every component on the grouped reference (raw scores and labels) at the threshold.</summary>
    public static CbpeSamplingError Fit(ScoreGroups reference, double threshold) => Fit(reference, threshold, DefaultSeed);

    /// <summary>Fits every component, seeding the average-precision bootstrap with <paramref name="seed"/>.</summary>
    public static CbpeSamplingError Fit(ScoreGroups reference, double threshold, uint seed)
    {
        ArgumentNullException.ThrowIfNull(reference);
        reference.Validate(nameof(reference));
        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "the threshold must not be NaN.");
        }
        var cells = Sorted(reference);
        double tp = 0, fp = 0, fn = 0, tn = 0;
        foreach (var c in cells)
        {
            if (c.Score >= threshold)
            {
                tp += c.Positives;
                fp += c.Negatives;
            }
            else
            {
                fn += c.Positives;
                tn += c.Negatives;
            }
        }
        var n = tp + fp + fn + tn;
        var components = new Dictionary<string, SamplingErrorComponent>(12)
        {
            [CbpeMetrics.Precision] = new(BernoulliStd(tp, tp + fp), (tp + fp) / n),
            [CbpeMetrics.Recall] = new(BernoulliStd(tp, tp + fn), (tp + fn) / n),
            [CbpeMetrics.Specificity] = new(BernoulliStd(tn, tn + fp), (tn + fp) / n),
            [CbpeMetrics.Accuracy] = new(BernoulliStd(tp + tn, n), 1),
            [CbpeMetrics.TruePositive] = new(BernoulliStd(tp, n), 1),
            [CbpeMetrics.FalsePositive] = new(BernoulliStd(fp, n), 1),
            [CbpeMetrics.TrueNegative] = new(BernoulliStd(tn, n), 1),
            [CbpeMetrics.FalseNegative] = new(BernoulliStd(fn, n), 1),
            [CbpeMetrics.RocAuc] = RocAucComponent(cells, tp + fn, fp + tn, n),
            [CbpeMetrics.AveragePrecision] = AveragePrecisionComponent(cells, tp + fn, n, seed),
        };
        var relevant = tp + fp + fn;
        components[CbpeMetrics.F1] = relevant > 0
            ? new(BernoulliStd(tp, relevant) * (relevant / ((fn + fp) * 0.5 + tp)), relevant / n)
            : new(double.NaN, 0);
        return new CbpeSamplingError(components);
    }

    /// <summary>The standard error of <paramref name="metric"/> estimated on a chunk of <paramref name="rows"/> rows (NaN for no rows).</summary>
    /// <exception cref="ArgumentException">An unknown metric.</exception>
    public double StandardError(string metric, long rows)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (!_components.TryGetValue(metric, out var c))
        {
            throw new ArgumentException($"no sampling error for metric '{metric}'.", nameof(metric));
        }
        if (rows <= 0)
        {
            return double.NaN;
        }
        if (Array.IndexOf(CountMetrics, metric) >= 0)
        {
            return c.Std / Math.Sqrt(rows) * rows;
        }
        return c.Std / Math.Sqrt(rows * c.Fraction);
    }

    /// <summary>The ROC AUC component alone, of raw scores grouped with their positives and rows (multiclass CBPE fits
    /// one per class, one-vs-rest).</summary>
    internal static SamplingErrorComponent RocAuc(ScoreGroups groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var cells = Sorted(groups);
        double positives = 0, negatives = 0;
        foreach (var c in cells)
        {
            positives += c.Positives;
            negatives += c.Negatives;
        }
        var n = positives + negatives;
        return n > 0 ? RocAucComponent(cells, positives, negatives, n) : new(double.NaN, 0);
    }

    /// <summary>NannyML's confidence band: estimate ± 3 standard errors, clipped to the metric's range.</summary>
    public static (double Lower, double Upper) ConfidenceBounds(double estimate, double standardError, double min = 0, double max = 1) =>
        (Math.Max(min, estimate - 3 * standardError), Math.Min(max, estimate + 3 * standardError));

    internal readonly record struct Cell(double Score, double Positives, double Negatives);

    /// <summary>Ascending by score, equal scores merged, empty entries dropped.</summary>
    internal static List<Cell> Sorted(ScoreGroups groups)
    {
        var n = groups.Scores.Length;
        var keys = (double[])groups.Scores.Clone();
        var index = new int[n];
        for (var i = 0; i < n; i++) index[i] = i;
        var ascending = true;
        for (var i = 1; i < n && ascending; i++) ascending = keys[i] >= keys[i - 1];
        if (!ascending) Array.Sort(keys, index);
        var cells = new List<Cell>(n);
        for (var k = 0; k < n; k++)
        {
            var i = index[k];
            if (groups.Rows[i] <= 0) continue;
            var negatives = groups.Rows[i] - groups.Positives[i];
            if (cells.Count > 0 && cells[^1].Score == keys[k])
            {
                var last = cells[^1];
                cells[^1] = last with { Positives = last.Positives + groups.Positives[i], Negatives = last.Negatives + negatives };
            }
            else
            {
                cells.Add(new Cell(keys[k], groups.Positives[i], negatives));
            }
        }
        return cells;
    }

    /// <summary>σ of a 0/1 variable with <paramref name="ones"/> ones among <paramref name="count"/> values (np.std); NaN when empty.</summary>
    private static double BernoulliStd(double ones, double count)
    {
        if (count <= 0)
        {
            return double.NaN;
        }
        var q = ones / count;
        return Math.Sqrt(q * (1 - q));
    }

    private static SamplingErrorComponent RocAucComponent(List<Cell> cells, double positives, double negatives, double n)
    {
        if (positives == 0 || negatives == 0)
        {
            return new(double.NaN, positives / n);
        }
        // NannyML flips labels and scores when mean(y) > 0.5: then each negative's share of positives scored above it
        var flip = positives / n > 0.5;
        double counted = flip ? negatives : positives, other = flip ? positives : negatives;
        // placement of each counted row: (other-class rows strictly beyond it + half the tied ones) / other
        NeumaierSum mean = default;
        double beyond = 0;
        var placements = new double[cells.Count];
        for (var k = 0; k < cells.Count; k++)
        {
            var c = flip ? cells[cells.Count - 1 - k] : cells[k];
            double mine = flip ? c.Negatives : c.Positives, theirs = flip ? c.Positives : c.Negatives;
            placements[k] = (beyond + theirs / 2) / other;
            mean.Add(mine * placements[k]);
            beyond += theirs;
        }
        var m = mean.Value / counted;
        NeumaierSum squares = default;
        for (var k = 0; k < cells.Count; k++)
        {
            var c = flip ? cells[cells.Count - 1 - k] : cells[k];
            var mine = flip ? c.Negatives : c.Positives;
            var d = placements[k] - m;
            squares.Add(mine * d * d);
        }
        return new(Math.Sqrt(squares.Value / counted), counted / n);
    }

    private static SamplingErrorComponent AveragePrecisionComponent(List<Cell> cells, double positives, double n, uint seed)
    {
        var total = (long)Math.Round(n);
        var sampleSize = Math.Min(total / 2, MaxResampleSize);
        if (positives == 0 || sampleSize == 0)
        {
            return new(double.NaN, 0);
        }
        // the rows in canonical order: cell 2g holds score g's negatives, cell 2g + 1 its positives
        var upper = new long[2 * cells.Count];
        long running = 0;
        for (var g = 0; g < cells.Count; g++)
        {
            running += (long)Math.Round(cells[g].Negatives);
            upper[2 * g] = running;
            running += (long)Math.Round(cells[g].Positives);
            upper[2 * g + 1] = running;
        }
        var rng = new LegacyIntegers(seed);
        // each experiment's drawn cells, sorted: the sample touches at most sampleSize of the cells, so its average
        // precision is summed over those alone (the same additions, in the same order, as over every cell)
        // (rows drawn in ascending order map to cells by one forward walk, not a search each)
        var rows = new long[sampleSize];
        var drawn = new int[sampleSize];
        var results = new double[Experiments];
        for (var e = 0; e < Experiments; e++)
        {
            for (long s = 0; s < sampleSize; s++) rows[s] = rng.Below(total);
            Array.Sort(rows);
            var cell = 0;
            for (long s = 0; s < sampleSize; s++)
            {
                while (upper[cell] <= rows[s]) cell++;
                drawn[s] = cell;
            }
            results[e] = AveragePrecision(drawn);
        }
        var mean = NumpySum.Sum(results) / Experiments;
        var squares = new double[Experiments];
        for (var e = 0; e < Experiments; e++) squares[e] = (results[e] - mean) * (results[e] - mean);
        return new(Math.Sqrt(NumpySum.Sum(squares) / Experiments), 1.0 / sampleSize);
    }

    /// <summary>scikit-learn's average_precision_score of a sample given as its rows' cells (cell 2g: score g's
    /// negatives, 2g + 1 its positives; scores ascending), sorted ascending; 0 when the sample has no positives
    /// (scikit-learn 1.2 sets recall to 1 there).</summary>
    private static double AveragePrecision(int[] sortedCells)
    {
        long positives = 0;
        foreach (var c in sortedCells) positives += c & 1;
        if (positives == 0)
        {
            return 0;
        }
        long tp = 0, fp = 0;
        var ap = 0.0;
        var i = sortedCells.Length - 1;
        while (i >= 0)
        {
            // one score (cells 2g and 2g + 1) at a time, highest first
            var g = sortedCells[i] >> 1;
            long pos = 0, neg = 0;
            while (i >= 0 && sortedCells[i] >> 1 == g)
            {
                if ((sortedCells[i] & 1) == 1) pos++;
                else neg++;
                i--;
            }
            tp += pos;
            fp += neg;
            if (pos > 0) ap += (double)pos / positives * ((double)tp / (tp + fp));
        }
        return ap;
    }
}
