using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Estimation;

/// <summary>
/// Whether calibrating lowers the expected calibration error (NannyML's <c>needs_calibration</c>), with the folds given
/// by the caller. <see cref="EceBefore"/> and <see cref="EceAfter"/> are the ECE of the pooled held-out rows before and
/// after calibration; NaN when the check stopped early (<see cref="SkipReason"/>).
/// </summary>
public sealed record CalibrationDecision(bool Calibrate, double EceBefore, double EceAfter, int Folds)
{
    /// <summary>Why no ECE was computed ("one class", "roc auc above 0.999"), or null.</summary>
    public string? SkipReason { get; init; }
}

/// <summary>
/// NannyML's calibration check, made deterministic. NannyML draws ten stratified 90/10 shuffle splits (seed 42),
/// fits the isotonic calibrator on each training part, concatenates the ten test parts (raw and calibrated), and
/// calibrates when the ECE of that pooled sample is lower after than before. Vigil takes the folds from the caller
/// (a partition of the reference): each fold's rows are calibrated by the calibrator fitted on all other folds, every
/// row is held out once, and the ECE of the pooled held-out rows decides, as in NannyML. NannyML's two shortcuts come
/// first: one class, or a ROC AUC above 0.999 on all rows, means no calibration. See docs/estimation-math.md.
/// </summary>
public static class CalibrationCheck
{
    /// <summary>The AUC above which NannyML does not calibrate.</summary>
    public const double AucCeiling = 0.999;

    /// <summary>Decides on folds that together form the reference.</summary>
    /// <exception cref="ArgumentException">Fewer than two folds, invalid groups, or a fold with no rows outside it.</exception>
    public static CalibrationDecision Decide(IReadOnlyList<ScoreGroups> folds, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(folds);
        if (folds.Count < 2)
        {
            throw new ArgumentException("the calibration check needs at least two folds.", nameof(folds));
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        double positives = 0, rows = 0;
        foreach (var fold in folds)
        {
            ArgumentNullException.ThrowIfNull(fold, nameof(folds));
            fold.Validate(nameof(folds));
            positives += fold.TotalPositives;
            rows += fold.TotalRows;
        }
        if (positives == 0 || positives == rows)
        {
            return new CalibrationDecision(false, double.NaN, double.NaN, folds.Count) { SkipReason = "one class" };
        }

        // Each fold ascending by score (as the engine usually sends them: then nothing is sorted here), so that the
        // pooled cells and every "all folds but one" are merges, and a calibrated fold stays ascending.
        var sorted = new ScoreGroups[folds.Count];
        for (var f = 0; f < folds.Count; f++) sorted[f] = Ascending(folds[f]);
        var before = MergeSorted(sorted.Select(g => Cells(g, null)).ToList());
        if (RocAuc(before) > AucCeiling)
        {
            return new CalibrationDecision(false, double.NaN, double.NaN, folds.Count) { SkipReason = "roc auc above 0.999" };
        }

        var afterParts = new List<Cell[]>(folds.Count);
        for (var f = 0; f < folds.Count; f++)
        {
            var others = MergeSorted(sorted.Where((_, i) => i != f).Select(g => Cells(g, null)).ToList());
            var xs = new double[others.Length];
            var ps = new double[others.Length];
            var rs = new double[others.Length];
            var outside = 0.0;
            for (var i = 0; i < others.Length; i++)
            {
                xs[i] = others[i].Probability;
                ps[i] = others[i].Positives;
                rs[i] = others[i].Rows;
                outside += rs[i];
            }
            if (outside == 0)
            {
                throw new ArgumentException($"fold {f} has no rows outside it to fit a calibrator on.", nameof(folds));
            }
            var calibrator = IsotonicCalibrator.Fit(xs, ps, rs);
            afterParts.Add(Cells(sorted[f], calibrator));
        }
        var after = MergeSorted(afterParts);
        var eceBefore = Ece(before, bins);
        var eceAfter = Ece(after, bins);
        return new CalibrationDecision(eceBefore > eceAfter, eceBefore, eceAfter, folds.Count);
    }

    /// <summary>
    /// NannyML's ECE of the calibrated scores: rows sorted by calibrated probability are cut into equal-count bins
    /// (NannyML's <c>_get_bin_index_edges</c>: width ⌊n / bins⌋, the remainder joining the last bin, at most ⌊n / 2⌋
    /// bins), and ECE = Σ (rows in bin / n) · |mean probability − mean label|. Rows that tie on the probability are in
    /// no particular order in NannyML; here a tied run that a bin edge cuts gives each side its share of the run's
    /// positives. NaN with fewer than 4 rows (NannyML cannot make 2 bins).
    /// </summary>
    public static double ExpectedCalibrationError(ScoreGroups groups, IsotonicCalibrator calibrator, int bins = 10)
    {
        ArgumentNullException.ThrowIfNull(groups);
        ArgumentNullException.ThrowIfNull(calibrator);
        ArgumentOutOfRangeException.ThrowIfLessThan(bins, 1);
        groups.Validate(nameof(groups));
        var cells = new List<Cell>(groups.Scores.Length);
        for (var i = 0; i < groups.Scores.Length; i++)
        {
            if (groups.Rows[i] > 0) cells.Add(new Cell(calibrator.Apply(groups.Scores[i]), groups.Positives[i], groups.Rows[i]));
        }
        return Ece(cells, bins);
    }

    private readonly record struct Cell(double Probability, double Positives, double Rows);

    /// <summary>The groups ascending by score (as they are, when they already are), entries without rows dropped.</summary>
    private static ScoreGroups Ascending(ScoreGroups g)
    {
        var n = 0;
        var ascending = true;
        for (var i = 0; i < g.Scores.Length; i++)
        {
            if (g.Rows[i] <= 0) continue;
            n++;
            if (i > 0 && g.Scores[i] < g.Scores[i - 1]) ascending = false;
        }
        if (ascending && n == g.Scores.Length) return g;
        var keys = new double[n];
        var p = new double[n];
        var r = new double[n];
        for (int i = 0, k = 0; i < g.Scores.Length; i++)
        {
            if (g.Rows[i] <= 0) continue;
            keys[k] = g.Scores[i];
            p[k] = g.Positives[i];
            r[k] = g.Rows[i];
            k++;
        }
        if (!ascending)
        {
            var order = new int[n];
            for (var i = 0; i < n; i++) order[i] = i;
            Array.Sort((double[])keys.Clone(), order);
            keys = order.Select(i => keys[i]).ToArray();
            p = order.Select(i => p[i]).ToArray();
            r = order.Select(i => r[i]).ToArray();
        }
        return new ScoreGroups(keys, p, r);
    }

    /// <summary>Ascending groups as cells, their scores through <paramref name="calibrator"/> (monotone, so still ascending).</summary>
    private static Cell[] Cells(ScoreGroups g, IsotonicCalibrator? calibrator)
    {
        var cells = new Cell[g.Scores.Length];
        for (var i = 0; i < cells.Length; i++)
            cells[i] = new Cell(calibrator is null ? g.Scores[i] : calibrator.Apply(g.Scores[i]), g.Positives[i], g.Rows[i]);
        return cells;
    }

    /// <summary>Ascending cell lists merged into one ascending list (pairwise, O(n log k)).</summary>
    private static Cell[] MergeSorted(List<Cell[]> lists)
    {
        if (lists.Count == 0) return [];
        while (lists.Count > 1)
        {
            var next = new List<Cell[]>((lists.Count + 1) / 2);
            for (var i = 0; i + 1 < lists.Count; i += 2) next.Add(MergeTwo(lists[i], lists[i + 1]));
            if (lists.Count % 2 == 1) next.Add(lists[^1]);
            lists = next;
        }
        return lists[0];
    }

    private static Cell[] MergeTwo(Cell[] a, Cell[] b)
    {
        var result = new Cell[a.Length + b.Length];
        int i = 0, j = 0, k = 0;
        while (i < a.Length && j < b.Length) result[k++] = b[j].Probability < a[i].Probability ? b[j++] : a[i++];
        while (i < a.Length) result[k++] = a[i++];
        while (j < b.Length) result[k++] = b[j++];
        return result;
    }

    /// <summary>scikit-learn's ROC AUC (ties count one half), from grouped counts.</summary>
    private static double RocAuc(IReadOnlyList<Cell> cells)
    {
        var sorted = Merge(cells);
        NeumaierSum area = default;
        double negativesBelow = 0, positives = 0, negatives = 0;
        foreach (var c in sorted)
        {
            var neg = c.Rows - c.Positives;
            area.Add(c.Positives * (negativesBelow + neg / 2));
            negativesBelow += neg;
            positives += c.Positives;
            negatives += neg;
        }
        return area.Value / (positives * negatives);
    }

    /// <summary>Sorted by probability, equal probabilities merged.</summary>
    private static List<Cell> Merge(IReadOnlyList<Cell> cells)
    {
        var sorted = cells.ToArray();
        var ascending = true;
        for (var i = 1; i < sorted.Length && ascending; i++) ascending = sorted[i].Probability >= sorted[i - 1].Probability;
        if (!ascending)
        {
            var keys = new double[sorted.Length];
            for (var i = 0; i < sorted.Length; i++) keys[i] = sorted[i].Probability;
            Array.Sort(keys, sorted);
        }
        var merged = new List<Cell>(sorted.Length);
        foreach (var c in sorted)
        {
            if (merged.Count > 0 && merged[^1].Probability == c.Probability)
            {
                var last = merged[^1];
                merged[^1] = new Cell(last.Probability, last.Positives + c.Positives, last.Rows + c.Rows);
            }
            else
            {
                merged.Add(c);
            }
        }
        return merged;
    }

    private static double Ece(IReadOnlyList<Cell> cells, int bins)
    {
        var sorted = Merge(cells);
        var total = 0.0;
        foreach (var c in sorted) total += c.Rows;
        var n = (long)Math.Round(total);
        if (n <= 2L * bins)
        {
            bins = (int)(n / 2);
            if (bins < 2)
            {
                return double.NaN;
            }
        }
        var width = n / bins;
        var count = n / width;   // range(0, n + 1, width) has count + 1 edges; the last becomes n
        var terms = new double[count];

        var g = 0;               // current cell
        var used = 0.0;          // rows of the current cell already placed in earlier bins
        for (long b = 0; b < count; b++)
        {
            var left = b * width;
            var right = b == count - 1 ? n : left + width;
            double need = right - left, sumProbability = 0, sumPositives = 0;
            while (need > 0 && g < sorted.Count)
            {
                var c = sorted[g];
                var available = c.Rows - used;
                var take = Math.Min(available, need);
                sumProbability += take * c.Probability;
                sumPositives += take == c.Rows ? c.Positives : c.Positives * (take / c.Rows);
                need -= take;
                used += take;
                if (used >= c.Rows)
                {
                    g++;
                    used = 0;
                }
            }
            double size = right - left;
            terms[b] = size / n * Math.Abs(sumProbability / size - sumPositives / size);
        }
        return NumpySum.Sum(terms);
    }
}
