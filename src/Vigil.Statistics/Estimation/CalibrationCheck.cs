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

        var before = new List<Cell>();
        foreach (var fold in folds)
        {
            for (var i = 0; i < fold.Scores.Length; i++)
            {
                if (fold.Rows[i] > 0) before.Add(new Cell(fold.Scores[i], fold.Positives[i], fold.Rows[i]));
            }
        }
        if (RocAuc(before) > AucCeiling)
        {
            return new CalibrationDecision(false, double.NaN, double.NaN, folds.Count) { SkipReason = "roc auc above 0.999" };
        }

        var after = new List<Cell>(before.Count);
        for (var f = 0; f < folds.Count; f++)
        {
            var calibrator = IsotonicCalibrator.Fit(Others(folds, f));
            var fold = folds[f];
            for (var i = 0; i < fold.Scores.Length; i++)
            {
                if (fold.Rows[i] > 0) after.Add(new Cell(calibrator.Apply(fold.Scores[i]), fold.Positives[i], fold.Rows[i]));
            }
        }
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

    private static ScoreGroups Others(IReadOnlyList<ScoreGroups> folds, int skip)
    {
        var length = 0;
        for (var f = 0; f < folds.Count; f++)
        {
            if (f != skip) length += folds[f].Scores.Length;
        }
        var s = new double[length];
        var p = new double[length];
        var r = new double[length];
        var k = 0;
        for (var f = 0; f < folds.Count; f++)
        {
            if (f == skip) continue;
            folds[f].Scores.CopyTo(s, k);
            folds[f].Positives.CopyTo(p, k);
            folds[f].Rows.CopyTo(r, k);
            k += folds[f].Scores.Length;
        }
        var total = 0.0;
        foreach (var v in r) total += v;
        if (total == 0)
        {
            throw new ArgumentException($"fold {skip} has no rows outside it to fit a calibrator on.", nameof(folds));
        }
        return new ScoreGroups(s, p, r);
    }

    /// <summary>scikit-learn's ROC AUC (ties count one half), from grouped counts.</summary>
    private static double RocAuc(List<Cell> cells)
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
    private static List<Cell> Merge(List<Cell> cells)
    {
        var sorted = cells.ToArray();
        Array.Sort(sorted, static (a, b) => a.Probability.CompareTo(b.Probability));
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

    private static double Ece(List<Cell> cells, int bins)
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
