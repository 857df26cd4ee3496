using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Diagnosis;

/// <summary>The performance expected under the current inputs, from a model of P(outcome | score) fitted on the
/// reference (NannyML's confidence-based performance estimation, CBPE). Step 4 needs only this seam: the calibrated
/// probability of a score, and the metric expected over a set of scores.</summary>
internal interface IExpectedPerformance
{
    /// <summary>How the estimate is made, for the report.</summary>
    string Method { get; }

    /// <summary>The calibrated probability of the positive class at <paramref name="score"/>.</summary>
    double Calibrated(double score);

    /// <summary>The metric expected over <paramref name="scores"/> (distinct scores, descending, with their row
    /// counts in Positives + Negatives; the labels are not used), or null when it cannot be estimated.</summary>
    double? Expected(ReadOnlySpan<ScoreCount> scores, string metric, double threshold);
}

/// <summary>
/// An interim CBPE, until <c>Vigil.Statistics/Estimation</c> lands: isotonic regression of the label on the score over
/// the reference's distinct scores (pool-adjacent-violators, weighted by rows), predicted as scikit-learn's
/// <c>IsotonicRegression(out_of_bounds="clip")</c> does (linear between the fitted scores, constant beyond them); the
/// expected confusion counts at each score are n·p and n·(1 − p), and the metrics follow from them (ROC AUC as the
/// trapezoid over the expected counts, as NannyML integrates its expected ROC curve).
/// </summary>
internal sealed class IsotonicCbpe : IExpectedPerformance
{
    /// <summary>The metrics this estimator can give.</summary>
    public static readonly IReadOnlySet<string> Metrics = new HashSet<string>(StringComparer.Ordinal) { "roc_auc", "accuracy", "precision", "recall", "specificity", "f1" };

    private readonly double[] _x;
    private readonly double[] _y;

    /// <param name="reference">The reference's distinct scores in descending order with their label counts.</param>
    public IsotonicCbpe(ReadOnlySpan<ScoreCount> reference)
    {
        var n = reference.Length;
        if (n == 0) throw new ArgumentException("no reference scores", nameof(reference));
        // Ascending scores; PAV over blocks (sum of positives, rows).
        var xs = new double[n];
        var blockSum = new double[n];
        var blockW = new double[n];
        var blockEnd = new int[n];
        var blocks = 0;
        for (var k = 0; k < n; k++)
        {
            var c = reference[n - 1 - k];
            xs[k] = c.Score;
            blockSum[blocks] = c.Positives;
            blockW[blocks] = c.Positives + c.Negatives;
            blockEnd[blocks] = k;
            blocks++;
            while (blocks > 1 && blockSum[blocks - 2] / blockW[blocks - 2] >= blockSum[blocks - 1] / blockW[blocks - 1])
            {
                blockSum[blocks - 2] += blockSum[blocks - 1];
                blockW[blocks - 2] += blockW[blocks - 1];
                blockEnd[blocks - 2] = blockEnd[blocks - 1];
                blocks--;
            }
        }
        var ys = new double[n];
        var start = 0;
        for (var b = 0; b < blocks; b++)
        {
            var v = blockSum[b] / blockW[b];
            for (var k = start; k <= blockEnd[b]; k++) ys[k] = v;
            start = blockEnd[b] + 1;
        }
        _x = xs;
        _y = ys;
    }

    public string Method => "cbpe (interim: isotonic calibration of the reference's scores; Vigil.Statistics/Estimation pending)";

    public double Calibrated(double score)
    {
        if (score <= _x[0]) return _y[0];
        if (score >= _x[^1]) return _y[^1];
        var i = Array.BinarySearch(_x, score);
        if (i >= 0) return _y[i];
        var hi = ~i;
        var lo = hi - 1;
        var t = (score - _x[lo]) / (_x[hi] - _x[lo]);
        return _y[lo] + t * (_y[hi] - _y[lo]);
    }

    public double? Expected(ReadOnlySpan<ScoreCount> scores, string metric, double threshold)
    {
        double pos = 0, neg = 0, auc = 0, tp = 0, fp = 0;
        foreach (var c in scores)
        {
            var n = (double)(c.Positives + c.Negatives);
            var p = Calibrated(c.Score);
            var ep = n * p;
            var en = n - ep;
            // Pairs (positive, negative) with the positive ranked above: negatives here against positives above, ties half.
            auc += en * (pos + 0.5 * ep);
            pos += ep;
            neg += en;
            if (c.Score >= threshold)
            {
                tp += ep;
                fp += en;
            }
        }
        double fn = pos - tp, tn = neg - fp;
        double? Ratio(double a, double b) => b > 0 ? a / b : null;
        return metric switch
        {
            "roc_auc" => Ratio(auc, pos * neg),
            "accuracy" => Ratio(tp + tn, pos + neg),
            "precision" => Ratio(tp, tp + fp),
            "recall" => Ratio(tp, pos),
            "specificity" => Ratio(tn, neg),
            "f1" => Ratio(2 * tp, 2 * tp + fp + fn),
            _ => null,
        };
    }
}
