using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Estimation;

/// <summary>Names of the metrics CBPE estimates (NannyML's keys).</summary>
public static class CbpeMetrics
{
    public const string RocAuc = "roc_auc";
    public const string AveragePrecision = "average_precision";
    public const string F1 = "f1";
    public const string Precision = "precision";
    public const string Recall = "recall";
    public const string Specificity = "specificity";
    public const string Accuracy = "accuracy";
    public const string TruePositive = "true_positive";
    public const string FalsePositive = "false_positive";
    public const string TrueNegative = "true_negative";
    public const string FalseNegative = "false_negative";

    /// <summary>The metrics of <see cref="CbpeBinaryEstimate.Metrics"/>, in report order.</summary>
    public static IReadOnlyList<string> Binary { get; } = [RocAuc, AveragePrecision, F1, Precision, Recall, Specificity, Accuracy];

    /// <summary>The metrics of <see cref="CbpeMulticlassEstimate.Metrics"/> (ROC AUC comes from one binary accumulator per class).</summary>
    public static IReadOnlyList<string> Multiclass { get; } = [F1, Precision, Recall, Specificity, Accuracy];
}

/// <summary>
/// CBPE's estimate for one chunk of a binary classifier. The confusion matrix is expected counts (sums of calibrated
/// probabilities); each metric is NaN when it is undefined (a zero denominator; NannyML reports 0 there).
/// </summary>
public sealed record CbpeBinaryEstimate(long Rows, double TruePositives, double FalsePositives, double TrueNegatives,
    double FalseNegatives, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// CBPE for one chunk of a binary classifier, streamed: the chunk's distinct raw scores in strictly descending order,
/// each with its rows. The calibrated probability is p = calibrator.Apply(score); a row is predicted positive when its
/// raw score ≥ threshold. Expected confusion matrix: TP = Σ p and FP = Σ (1 − p) over predicted positives, FN = Σ p and
/// TN = Σ (1 − p) over predicted negatives. The threshold-free metrics follow NannyML's estimators row by row in
/// descending raw score: ROC AUC is the trapezoid under (Σ(1 − p), Σ p) normalised by the totals (rows that tie on
/// the score share p, so their points lie on one segment and grouping them changes nothing), and average precision
/// is Σ over rows of (p / Σp) · (Σp so far / rows so far), summed per group in closed form (harmonic numbers), so the
/// cost is per distinct score. NannyML rounds the running sums to 5 decimals first; Vigil does not
/// (docs/estimation-math.md).
/// </summary>
public sealed class CbpeBinaryAccumulator
{
    private readonly IsotonicCalibrator _calibrator;
    private readonly double _threshold;

    private long _rows;
    private double _lastScore = double.PositiveInfinity;
    private bool _any;
    private NeumaierSum _tp, _fp, _fn, _tn;
    private NeumaierSum _positive;     // Σ p so far (all rows)
    private NeumaierSum _area;         // Σ dF · (T before + dT / 2)
    private NeumaierSum _apNumerator;  // Σ over rows of p · (Σp so far) / (rows so far)

    /// <summary>Creates an accumulator for one chunk.</summary>
    /// <param name="calibrator">The calibrator fitted on the reference, or <see cref="IsotonicCalibrator.Identity"/>.</param>
    /// <param name="threshold">Raw scores at or above it are predicted positive.</param>
    public CbpeBinaryAccumulator(IsotonicCalibrator calibrator, double threshold)
    {
        ArgumentNullException.ThrowIfNull(calibrator);
        if (double.IsNaN(threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "the threshold must not be NaN.");
        }
        _calibrator = calibrator;
        _threshold = threshold;
    }

    /// <summary>Adds the rows at one distinct raw score; scores must arrive in strictly descending order. No rows: ignored.</summary>
    public void Add(double score, long rows)
    {
        if (rows == 0)
        {
            return;
        }
        var p = _calibrator.Apply(score);
        if (!double.IsNaN(score) && !(p >= 0 && p <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(score),
                $"the calibrated probability of score {score:R} is {p:R}; without a calibrator, scores must be probabilities in [0, 1].");
        }
        CheckOrder(score, rows);
        AddCore(score, rows, p, rows * p);
    }

    /// <summary>
    /// Adds the rows at one distinct raw score whose calibrated probabilities sum to <paramref name="probabilitySum"/>,
    /// for probabilities that are not a function of the score alone: NannyML's multiclass CBPE sorts by a class's raw
    /// score but sums that class's calibrated and renormalised probability. The calibrator is not used. Average
    /// precision then treats the rows of the score as sharing the mean probability.
    /// </summary>
    public void AddCalibrated(double score, long rows, double probabilitySum)
    {
        if (rows == 0)
        {
            return;
        }
        CheckOrder(score, rows);
        if (!(probabilitySum >= 0 && probabilitySum <= rows))
        {
            throw new ArgumentOutOfRangeException(nameof(probabilitySum), $"{probabilitySum:R} is not in [0, rows = {rows}].");
        }
        AddCore(score, rows, probabilitySum / rows, probabilitySum);
    }

    private void CheckOrder(double score, long rows)
    {
        if (double.IsNaN(score))
        {
            throw new ArgumentOutOfRangeException(nameof(score), "score is NaN; NaN scores must be filtered first.");
        }
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if (_any && !(score < _lastScore))
        {
            throw new InvalidOperationException($"scores must arrive in strictly descending order: {score:R} after {_lastScore:R}.");
        }
        _any = true;
        _lastScore = score;
    }

    private void AddCore(double score, long rows, double p, double sum)
    {
        var negatives = rows - sum;
        if (score >= _threshold)
        {
            _tp.Add(sum);
            _fp.Add(negatives);
        }
        else
        {
            _fn.Add(sum);
            _tn.Add(negatives);
        }

        var before = _positive.Value;
        _area.Add(negatives * (before + sum / 2));
        // rows k + 1 … k + r each have probability p; row k + j adds p · (before + j p) / (k + j):
        // Σ_j = p · (r p + (before − k p) · (H(k + r) − H(k)))
        var k = _rows;
        _apNumerator.Add(p * (rows * p + (before - k * p) * Harmonic.Difference(k, rows)));

        _positive.Add(sum);
        _rows += rows;
    }

    /// <summary>The estimate of the rows added so far.</summary>
    public CbpeBinaryEstimate Finish()
    {
        double tp = _tp.Value, fp = _fp.Value, fn = _fn.Value, tn = _tn.Value;
        var positives = _positive.Value;
        var negatives = _rows - positives;
        var metrics = new Dictionary<string, double>(7)
        {
            [CbpeMetrics.RocAuc] = positives > 0 && negatives > 0 ? _area.Value / (positives * negatives) : double.NaN,
            [CbpeMetrics.AveragePrecision] = positives > 0 ? _apNumerator.Value / positives : double.NaN,
            [CbpeMetrics.F1] = Ratio(tp, tp + 0.5 * (fp + fn)),
            [CbpeMetrics.Precision] = Ratio(tp, tp + fp),
            [CbpeMetrics.Recall] = Ratio(tp, tp + fn),
            [CbpeMetrics.Specificity] = Ratio(tn, tn + fp),
            [CbpeMetrics.Accuracy] = _rows > 0 ? (tp + tn) / _rows : double.NaN,
        };
        return new CbpeBinaryEstimate(_rows, tp, fp, tn, fn, metrics);
    }

    private static double Ratio(double numerator, double denominator) => denominator != 0 ? numerator / denominator : double.NaN;
}
