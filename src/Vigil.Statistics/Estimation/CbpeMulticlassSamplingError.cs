namespace Vigil.Statistics.Estimation;

/// <summary>
/// NannyML's sampling error of each multiclass CBPE metric (<c>nannyml/sampling_error/multiclass_classification.py</c>):
/// per class k, one-vs-rest components fitted once on the labelled reference, then a standard error for a chunk of n
/// rows. With var_k the population variance of the class's 0/1 outcome over the rows that enter the metric and f_k
/// their share of the reference, SE = √(Σ_k var_k / (n · f_k)) / K:
/// <list type="bullet">
/// <item>precision: 1 per true positive, 0 per false positive of class k (f = predicted k);</item>
/// <item>recall: 1 per true positive, 0 per false negative (f = labelled k);</item>
/// <item>specificity: 1 per true negative, 0 per false positive (f = not labelled k);</item>
/// <item>F1: 1 per true positive, 0 per false negative or false positive (f = their share; unlike the binary case,
/// no scaling);</item>
/// <item>ROC AUC: the binary component of class k's raw score against "labelled k" (<see cref="CbpeSamplingError"/>,
/// the Mann–Whitney placement, roles swapped when k is the majority), its σ squared; NannyML multiplies the
/// result by 1.2 ("experiments showed that the std of class variances underestimated the sampling error by 20 %");</item>
/// <item>accuracy: σ of "predicted = labelled" over √n.</item>
/// </list>
/// A class whose component is undefined (no rows enter it) makes the metric's standard error NaN, as in NannyML.
/// </summary>
public sealed class CbpeMulticlassSamplingError
{
    /// <summary>NannyML's correction of the multiclass ROC AUC standard error.</summary>
    public const double RocAucCorrection = 1.2;

    private readonly Dictionary<string, (double Variance, double Fraction)[]> _perClass;
    private readonly double _accuracyStd;

    private CbpeMulticlassSamplingError(Dictionary<string, (double, double)[]> perClass, double accuracyStd)
    {
        _perClass = perClass;
        _accuracyStd = accuracyStd;
    }

    /// <summary>Per metric, each class's (variance, fraction), in class order.</summary>
    public IReadOnlyDictionary<string, (double Variance, double Fraction)[]> Components => _perClass;

    /// <summary>σ of "predicted = labelled" over the reference.</summary>
    public double AccuracyStd => _accuracyStd;

    /// <summary>Fits the components on the labelled reference.</summary>
    /// <param name="confusion">The reference's confusion matrix, [label, prediction] by class index.</param>
    /// <param name="scoresByClass">Per class, the reference's raw scores of that class grouped by distinct score with the
    /// rows labelled that class (positives) and all rows.</param>
    public static CbpeMulticlassSamplingError Fit(long[,] confusion, IReadOnlyList<ScoreGroups> scoresByClass)
    {
        ArgumentNullException.ThrowIfNull(confusion);
        ArgumentNullException.ThrowIfNull(scoresByClass);
        var k = confusion.GetLength(0);
        if (confusion.GetLength(1) != k || scoresByClass.Count != k)
        {
            throw new ArgumentException($"a {k}×{confusion.GetLength(1)} confusion matrix with {scoresByClass.Count} score groups; expected K×K and K.");
        }
        double n = 0, correct = 0;
        var labelled = new double[k];
        var predicted = new double[k];
        for (var i = 0; i < k; i++)
        {
            for (var j = 0; j < k; j++)
            {
                n += confusion[i, j];
                labelled[i] += confusion[i, j];
                predicted[j] += confusion[i, j];
            }
            correct += confusion[i, i];
        }
        var precision = new (double, double)[k];
        var recall = new (double, double)[k];
        var specificity = new (double, double)[k];
        var f1 = new (double, double)[k];
        var auc = new (double, double)[k];
        for (var c = 0; c < k; c++)
        {
            double tp = confusion[c, c], fp = predicted[c] - tp, fn = labelled[c] - tp, tn = n - tp - fp - fn;
            precision[c] = (BernoulliVariance(tp, tp + fp), predicted[c] / n);
            recall[c] = (BernoulliVariance(tp, tp + fn), labelled[c] / n);
            specificity[c] = (BernoulliVariance(tn, tn + fp), (tn + fp) / n);
            f1[c] = (BernoulliVariance(tp, tp + fp + fn), (tp + fp + fn) / n);
            var rocAuc = CbpeSamplingError.RocAuc(scoresByClass[c]);
            auc[c] = (rocAuc.Std * rocAuc.Std, rocAuc.Fraction);
        }
        var perClass = new Dictionary<string, (double, double)[]>(StringComparer.Ordinal)
        {
            [CbpeMetrics.Precision] = precision,
            [CbpeMetrics.Recall] = recall,
            [CbpeMetrics.Specificity] = specificity,
            [CbpeMetrics.F1] = f1,
            [CbpeMetrics.RocAuc] = auc,
        };
        var accuracyStd = n > 0 ? Math.Sqrt(BernoulliVariance(correct, n)) : double.NaN;
        return new CbpeMulticlassSamplingError(perClass, accuracyStd);
    }

    /// <summary>The standard error of <paramref name="metric"/> estimated on a chunk of <paramref name="rows"/> rows (NaN for no rows).</summary>
    /// <exception cref="ArgumentException">A metric multiclass CBPE does not estimate.</exception>
    public double StandardError(string metric, long rows)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (metric == CbpeMetrics.Accuracy)
        {
            return rows > 0 ? _accuracyStd / Math.Sqrt(rows) : double.NaN;
        }
        if (!_perClass.TryGetValue(metric, out var components))
        {
            throw new ArgumentException($"no multiclass sampling error for metric '{metric}'.", nameof(metric));
        }
        if (rows <= 0)
        {
            return double.NaN;
        }
        var sum = 0.0;
        foreach (var (variance, fraction) in components) sum += variance / (rows * fraction);
        var se = Math.Sqrt(sum) / components.Length;
        return metric == CbpeMetrics.RocAuc ? se * RocAucCorrection : se;
    }

    /// <summary>np.var of a 0/1 variable with <paramref name="ones"/> ones among <paramref name="count"/> values; NaN when empty.</summary>
    private static double BernoulliVariance(double ones, double count)
    {
        if (count <= 0)
        {
            return double.NaN;
        }
        var q = ones / count;
        return q * (1 - q);
    }
}
