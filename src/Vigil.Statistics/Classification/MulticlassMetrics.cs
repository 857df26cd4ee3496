namespace Vigil.Statistics.Classification;

/// <summary>
/// Multiclass metrics from a K x K confusion matrix (rows actual, columns predicted), scikit-learn's definitions.
/// Macro and weighted averages run over the classes that occur in the actual or the predicted labels, as
/// scikit-learn does when no labels argument is given; a class with no rows at all is reported per class but left
/// out of the averages.
/// </summary>
internal static class MulticlassMetrics
{
    public static IReadOnlyList<string> Names { get; } =
    [
        "accuracy", "precision_macro", "recall_macro", "f1_macro", "precision_weighted", "recall_weighted",
        "f1_weighted", "log_loss", "roc_auc_ovr",
    ];

    /// <summary>Evaluates a confusion matrix.</summary>
    /// <param name="classes">Ordered class labels, one per row/column of <paramref name="matrix"/>.</param>
    /// <param name="matrix">matrix[i, j] counts rows of actual class i predicted as class j.</param>
    /// <param name="totalLogLoss">Σ −ln p_true over rows (probabilities clipped to [eps, 1 − eps] and row-normalised by the engine), or null.</param>
    /// <param name="logLossRows">The number of rows in <paramref name="totalLogLoss"/>.</param>
    /// <param name="ovrAuc">Per-class one-vs-rest ROC AUC (null where undefined), or null when there are no probabilities.</param>
    public static MulticlassEvaluation Evaluate(
        IReadOnlyList<string> classes,
        long[,] matrix,
        double? totalLogLoss = null,
        long logLossRows = 0,
        IReadOnlyList<double?>? ovrAuc = null)
    {
        ArgumentNullException.ThrowIfNull(classes);
        ArgumentNullException.ThrowIfNull(matrix);
        int k = classes.Count;
        if (matrix.GetLength(0) != k || matrix.GetLength(1) != k)
        {
            throw new ArgumentException($"The confusion matrix must be {k} x {k}, one row and column per class.", nameof(matrix));
        }
        if (ovrAuc is not null && ovrAuc.Count != k)
        {
            throw new ArgumentException($"Expected {k} one-vs-rest AUCs, one per class.", nameof(ovrAuc));
        }

        var support = new long[k];
        var predicted = new long[k];
        long rows = 0, correct = 0;
        var rowsOut = new IReadOnlyList<long>[k];
        for (int i = 0; i < k; i++)
        {
            var r = new long[k];
            for (int j = 0; j < k; j++)
            {
                long v = matrix[i, j];
                if (v < 0)
                {
                    throw new ArgumentException("Confusion counts must not be negative.", nameof(matrix));
                }
                r[j] = v;
                support[i] += v;
                predicted[j] += v;
                rows += v;
            }
            correct += matrix[i, i];
            rowsOut[i] = r;
        }

        var perClass = new List<ClassMetrics>(k);
        double pMacro = 0, rMacro = 0, fMacro = 0, pW = 0, rW = 0, fW = 0;
        int present = 0;
        bool zeroPrecision = false, zeroRecall = false;
        for (int i = 0; i < k; i++)
        {
            long tp = matrix[i, i];
            double precision = predicted[i] == 0 ? 0.0 : (double)tp / predicted[i];
            double recall = support[i] == 0 ? 0.0 : (double)tp / support[i];
            long f1Den = support[i] + predicted[i];
            double f1 = f1Den == 0 ? 0.0 : 2.0 * tp / f1Den;
            perClass.Add(new ClassMetrics(classes[i], support[i], precision, recall, f1, ovrAuc?[i]));
            if (support[i] == 0 && predicted[i] == 0)
            {
                continue;
            }
            zeroPrecision |= predicted[i] == 0;
            zeroRecall |= support[i] == 0;
            present++;
            pMacro += precision;
            rMacro += recall;
            fMacro += f1;
            pW += precision * support[i];
            rW += recall * support[i];
            fW += f1 * support[i];
        }

        var metrics = new List<MetricValue>(9);
        if (rows == 0)
        {
            foreach (string name in Names)
            {
                metrics.Add(MetricValue.Undefined(name, BinaryScoreAccumulator.NoRowsReason));
            }
            return new MulticlassEvaluation(0, classes, rowsOut, metrics, perClass);
        }

        string? pNote = zeroPrecision ? "a class is never predicted; its precision is 0 (scikit-learn's zero_division)" : null;
        string? rNote = zeroRecall ? "a class has no actual rows; its recall is 0 (scikit-learn's zero_division)" : null;
        metrics.Add(new MetricValue("accuracy", (double)correct / rows));
        metrics.Add(new MetricValue("precision_macro", pMacro / present, pNote));
        metrics.Add(new MetricValue("recall_macro", rMacro / present, rNote));
        metrics.Add(new MetricValue("f1_macro", fMacro / present));
        metrics.Add(new MetricValue("precision_weighted", pW / rows, pNote));
        metrics.Add(new MetricValue("recall_weighted", rW / rows));
        metrics.Add(new MetricValue("f1_weighted", fW / rows));

        if (totalLogLoss is double ll && logLossRows > 0)
        {
            metrics.Add(new MetricValue("log_loss", ll / logLossRows));
        }
        else
        {
            metrics.Add(MetricValue.Undefined("log_loss", "no class probabilities"));
        }

        if (ovrAuc is null)
        {
            metrics.Add(MetricValue.Undefined("roc_auc_ovr", "no class probabilities"));
        }
        else
        {
            double sum = 0;
            string? missing = null;
            for (int i = 0; i < k; i++)
            {
                if (ovrAuc[i] is double a)
                {
                    sum += a;
                }
                else
                {
                    missing ??= classes[i];
                }
            }
            metrics.Add(missing is null
                ? new MetricValue("roc_auc_ovr", sum / k)
                : MetricValue.Undefined("roc_auc_ovr", $"one-vs-rest AUC undefined for class '{missing}' (it is absent from, or the only class in, the labels)"));
        }

        return new MulticlassEvaluation(rows, classes, rowsOut, metrics, perClass);
    }
}
