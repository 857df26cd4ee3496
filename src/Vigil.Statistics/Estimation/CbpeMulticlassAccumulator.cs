using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Estimation;

/// <summary>
/// CBPE's estimate for one chunk of a multiclass classifier: expected one-vs-rest confusion counts per class (index =
/// class), and the macro metrics of <see cref="CbpeMetrics.Multiclass"/>.
/// </summary>
public sealed record CbpeMulticlassEstimate(long Rows, double[] TruePositives, double[] FalsePositives, double[] TrueNegatives,
    double[] FalseNegatives, IReadOnlyDictionary<string, double> Metrics);

/// <summary>
/// CBPE for one chunk of a multiclass classifier, as NannyML computes it. Each row's class probabilities are
/// calibrated one-vs-rest by that class's calibrator (fitted, or the identity when the calibration check said no),
/// then renormalised to sum to 1 (uniform 1/K when they sum to 0). For class k, with p the renormalised probability of
/// k: TP_k = Σ p over rows predicted k, FP_k = Σ (1 − p) over rows predicted k, FN_k = Σ p and TN_k = Σ (1 − p) over
/// the others. Precision, recall, F1 and specificity are the means over classes of the binary formulas, a class whose
/// denominator is 0 counting 0 as in NannyML (and as scikit-learn's macro average does); accuracy is Σ_k TP_k / n, the
/// mean probability of the predicted class. NaN for an empty chunk.
/// <para>ROC AUC is not here: NannyML estimates it per class from the rows in descending raw score of that class with
/// the renormalised probability, which is not a function of that score alone, so feed one
/// <see cref="CbpeBinaryAccumulator"/> per class through <see cref="CbpeBinaryAccumulator.AddCalibrated"/> (rows and
/// Σ p per distinct raw score; <see cref="Calibrate"/> gives p) and average the classes' roc_auc.</para>
/// </summary>
public sealed class CbpeMulticlassAccumulator
{
    private readonly IsotonicCalibrator[] _calibrators;
    private readonly int _classes;
    private readonly NeumaierSum[] _tp, _fp, _fn, _tn;
    private readonly double[] _scratch;
    private long _rows;

    /// <summary>Creates an accumulator for one chunk.</summary>
    /// <param name="perClass">One calibrator per class, in class order.</param>
    /// <param name="classes">The number of classes (at least 2).</param>
    public CbpeMulticlassAccumulator(IsotonicCalibrator[] perClass, int classes)
    {
        ArgumentNullException.ThrowIfNull(perClass);
        ArgumentOutOfRangeException.ThrowIfLessThan(classes, 2);
        if (perClass.Length != classes)
        {
            throw new ArgumentException($"{perClass.Length} calibrators for {classes} classes.", nameof(perClass));
        }
        foreach (var c in perClass) ArgumentNullException.ThrowIfNull(c, nameof(perClass));
        _calibrators = perClass;
        _classes = classes;
        _tp = new NeumaierSum[classes];
        _fp = new NeumaierSum[classes];
        _fn = new NeumaierSum[classes];
        _tn = new NeumaierSum[classes];
        _scratch = new double[classes];
    }

    /// <summary>
    /// The calibrated, renormalised probabilities of one row (NannyML's <c>_calibrate_predicted_probabilities</c>).
    /// </summary>
    public static void Calibrate(ReadOnlySpan<double> probabilities, IsotonicCalibrator[] perClass, Span<double> calibrated)
    {
        ArgumentNullException.ThrowIfNull(perClass);
        if (probabilities.Length != perClass.Length || calibrated.Length != perClass.Length)
        {
            throw new ArgumentException($"expected {perClass.Length} probabilities, got {probabilities.Length} (output {calibrated.Length}).");
        }
        var sum = 0.0;
        for (var k = 0; k < probabilities.Length; k++)
        {
            var p = probabilities[k];
            if (double.IsNaN(p))
            {
                throw new ArgumentOutOfRangeException(nameof(probabilities), "a class probability is NaN; NaN rows must be filtered first.");
            }
            calibrated[k] = perClass[k].Apply(p);
            sum += calibrated[k];
        }
        for (var k = 0; k < calibrated.Length; k++)
        {
            calibrated[k] = sum != 0 ? calibrated[k] / sum : 1.0 / calibrated.Length;
        }
    }

    /// <summary>Adds <paramref name="rows"/> rows with these raw class probabilities and this predicted class.</summary>
    public void Add(ReadOnlySpan<double> probabilities, int predictedClass, long rows = 1)
    {
        Calibrate(probabilities, _calibrators, _scratch);
        AddCalibrated(_scratch, predictedClass, rows);
    }

    /// <summary>Adds <paramref name="rows"/> rows whose probabilities are already calibrated and renormalised
    /// (<see cref="Calibrate"/>), with this predicted class.</summary>
    public void AddCalibrated(ReadOnlySpan<double> calibrated, int predictedClass, long rows = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(rows);
        if ((uint)predictedClass >= (uint)_classes)
        {
            throw new ArgumentOutOfRangeException(nameof(predictedClass), $"{predictedClass} is not a class index in [0, {_classes}).");
        }
        if (calibrated.Length != _classes)
        {
            throw new ArgumentException($"expected {_classes} probabilities, got {calibrated.Length}.", nameof(calibrated));
        }
        if (rows == 0)
        {
            return;
        }
        for (var k = 0; k < _classes; k++)
        {
            var p = calibrated[k] * rows;
            var q = (1 - calibrated[k]) * rows;
            if (k == predictedClass)
            {
                _tp[k].Add(p);
                _fp[k].Add(q);
            }
            else
            {
                _fn[k].Add(p);
                _tn[k].Add(q);
            }
        }
        _rows += rows;
    }

    /// <summary>The estimate of the rows added so far.</summary>
    public CbpeMulticlassEstimate Finish()
    {
        var tp = new double[_classes];
        var fp = new double[_classes];
        var fn = new double[_classes];
        var tn = new double[_classes];
        double precision = 0, recall = 0, f1 = 0, specificity = 0, correct = 0;
        for (var k = 0; k < _classes; k++)
        {
            tp[k] = _tp[k].Value;
            fp[k] = _fp[k].Value;
            fn[k] = _fn[k].Value;
            tn[k] = _tn[k].Value;
            precision += ZeroIfUndefined(tp[k], tp[k] + fp[k]);
            recall += ZeroIfUndefined(tp[k], tp[k] + fn[k]);
            f1 += ZeroIfUndefined(tp[k], tp[k] + 0.5 * (fp[k] + fn[k]));
            specificity += ZeroIfUndefined(tn[k], tn[k] + fp[k]);
            correct += tp[k];
        }
        var empty = _rows == 0;
        var metrics = new Dictionary<string, double>(5)
        {
            [CbpeMetrics.F1] = empty ? double.NaN : f1 / _classes,
            [CbpeMetrics.Precision] = empty ? double.NaN : precision / _classes,
            [CbpeMetrics.Recall] = empty ? double.NaN : recall / _classes,
            [CbpeMetrics.Specificity] = empty ? double.NaN : specificity / _classes,
            [CbpeMetrics.Accuracy] = empty ? double.NaN : correct / _rows,
        };
        return new CbpeMulticlassEstimate(_rows, tp, fp, tn, fn, metrics);
    }

    private static double ZeroIfUndefined(double numerator, double denominator) => denominator != 0 ? numerator / denominator : 0;
}

/// <summary>
/// The realized macro metrics of one chunk of a multiclass classifier, as NannyML reports them next to its estimates:
/// precision, recall and F1 are scikit-learn's macro averages over every class (a class with a zero denominator counts
/// 0), specificity the mean of TN / (TN + FP), accuracy the share predicted right; all five NaN when the chunk's labels
/// or its predictions hold a single class. ROC AUC is the mean of the classes' one-vs-rest AUCs of the raw scores, NaN
/// unless every class occurs among the chunk's labels.
/// </summary>
public static class CbpeMulticlassRealized
{
    /// <summary>The realized metrics of a chunk's [label, prediction] counts and its classes' one-vs-rest ROC AUCs.</summary>
    public static IReadOnlyDictionary<string, double> Metrics(long[,] confusion, IReadOnlyList<double> classRocAucs)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        ArgumentNullException.ThrowIfNull(classRocAucs);
        var k = confusion.GetLength(0);
        if (confusion.GetLength(1) != k || classRocAucs.Count != k)
        {
            throw new ArgumentException($"a {k}×{confusion.GetLength(1)} confusion matrix with {classRocAucs.Count} ROC AUCs; expected K×K and K.");
        }
        var labelled = new long[k];
        var predicted = new long[k];
        long n = 0, correct = 0;
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                labelled[i] += confusion[i, j];
                predicted[j] += confusion[i, j];
                n += confusion[i, j];
            }
            correct += confusion[i, i];
        }
        var labelClasses = labelled.Count(v => v > 0);
        var predictedClasses = predicted.Count(v => v > 0);
        double precision = 0, recall = 0, f1 = 0, specificity = 0;
        for (var c = 0; c < k; c++)
        {
            double tp = confusion[c, c], fp = predicted[c] - tp, fn = labelled[c] - tp, tn = n - tp - fp - fn;
            precision += tp + fp > 0 ? tp / (tp + fp) : 0;
            recall += tp + fn > 0 ? tp / (tp + fn) : 0;
            f1 += tp > 0 ? 2 * tp / (2 * tp + fp + fn) : 0;
            specificity += tn / (tn + fp);
        }
        var defined = labelClasses > 1 && predictedClasses > 1;
        var auc = 0.0;
        foreach (var a in classRocAucs) auc += a;
        return new Dictionary<string, double>(6, StringComparer.Ordinal)
        {
            [CbpeMetrics.RocAuc] = labelClasses == k ? auc / k : double.NaN,
            [CbpeMetrics.F1] = defined ? f1 / k : double.NaN,
            [CbpeMetrics.Precision] = defined ? precision / k : double.NaN,
            [CbpeMetrics.Recall] = defined ? recall / k : double.NaN,
            [CbpeMetrics.Specificity] = defined ? specificity / k : double.NaN,
            [CbpeMetrics.Accuracy] = defined ? (double)correct / n : double.NaN,
        };
    }
}
