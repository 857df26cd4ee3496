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

        // Each fold ascending by score (as the engine usually sends them: then nothing is sorted here). The folds are
        // merged once into the pooled distinct scores, each fold entry remembering its pooled place, so that "all folds
        // but one" is a sum over the other folds' entries at their places (counts: exact in any order), and each fold's
        // calibrated scores stay ascending (the calibrator is monotone) for the merge of the held-out rows.
        var sorted = new ScoreGroups[folds.Count];
        for (var f = 0; f < folds.Count; f++) sorted[f] = Ascending(folds[f]);
        var pooled = ScoreGroups.Pool(sorted.Select(g => g.Scores).ToArray(), sorted.Select(g => g.Positives).ToArray(),
            sorted.Select(g => g.Rows).ToArray(), out var places);
        if (RocAuc(pooled) > AucCeiling)
        {
            return new CalibrationDecision(false, double.NaN, double.NaN, folds.Count) { SkipReason = "roc auc above 0.999" };
        }

        var m = pooled.Scores.Length;
        var otherPositives = new double[m];
        var otherRows = new double[m];
        var calibrated = new double[folds.Count][];
        for (var f = 0; f < folds.Count; f++)
        {
            Array.Clear(otherPositives);
            Array.Clear(otherRows);
            var outside = 0.0;
            for (var g = 0; g < folds.Count; g++)
            {
                if (g == f) continue;
                var fold = sorted[g];
                var at = places[g];
                for (var j = 0; j < at.Length; j++)
                {
                    otherPositives[at[j]] += fold.Positives[j];
                    otherRows[at[j]] += fold.Rows[j];
                    outside += fold.Rows[j];
                }
            }
            if (outside == 0)
            {
                throw new ArgumentException($"fold {f} has no rows outside it to fit a calibrator on.", nameof(folds));
            }
            var calibrator = IsotonicCalibrator.Fit(pooled.Scores, otherPositives, otherRows);
            var scores = sorted[f].Scores;
            var probabilities = new double[scores.Length];
            for (var j = 0; j < scores.Length; j++) probabilities[j] = calibrator.Apply(scores[j]);
            calibrated[f] = probabilities;
        }
        var after = ScoreGroups.Pool(calibrated, sorted.Select(g => g.Positives).ToArray(), sorted.Select(g => g.Rows).ToArray(), out _);
        var eceBefore = Ece(pooled, bins);
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
        var g = Ascending(groups);
        var probabilities = new double[g.Scores.Length];
        for (var i = 0; i < probabilities.Length; i++) probabilities[i] = calibrator.Apply(g.Scores[i]);
        return Ece(ScoreGroups.Pool([probabilities], [g.Positives], [g.Rows], out _), bins);
    }

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

    /// <summary>scikit-learn's ROC AUC (ties count one half), from distinct ascending cells.</summary>
    private static double RocAuc(ScoreGroups cells)
    {
        NeumaierSum area = default;
        double negativesBelow = 0, positives = 0, negatives = 0;
        for (var i = 0; i < cells.Scores.Length; i++)
        {
            var neg = cells.Rows[i] - cells.Positives[i];
            area.Add(cells.Positives[i] * (negativesBelow + neg / 2));
            negativesBelow += neg;
            positives += cells.Positives[i];
            negatives += neg;
        }
        return area.Value / (positives * negatives);
    }

    private static double Ece(ScoreGroups sorted, int bins)
    {
        var total = 0.0;
        for (var i = 0; i < sorted.Scores.Length; i++) total += sorted.Rows[i];
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
            while (need > 0 && g < sorted.Scores.Length)
            {
                double rows = sorted.Rows[g], positives = sorted.Positives[g];
                var available = rows - used;
                var take = Math.Min(available, need);
                sumProbability += take * sorted.Scores[g];
                sumPositives += take == rows ? positives : positives * (take / rows);
                need -= take;
                used += take;
                if (used >= rows)
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
