namespace Vigil.Statistics.Fairness;

/// <summary>ROC AUC of scores against 0/1 labels, ties counted one half (scikit-learn's roc_auc_score): the
/// Mann–Whitney statistic over ranks. Used for the proxies of a sensitive attribute (out-of-fold predictions of a
/// learner), where the scores are a sample in .NET, not per-score counts from the engine.</summary>
public static class RankAuc
{
    /// <summary>P(score⁺ &gt; score⁻) + ½ P(score⁺ = score⁻); NaN when a class is absent. Scores must not be NaN.</summary>
    public static double Compute(ReadOnlySpan<double> scores, ReadOnlySpan<bool> positive)
    {
        if (scores.Length != positive.Length) throw new ArgumentException($"scores and labels differ in length ({scores.Length}, {positive.Length}).");
        var n = scores.Length;
        var order = new int[n];
        for (var i = 0; i < n; i++)
        {
            if (double.IsNaN(scores[i])) throw new ArgumentException($"score {i} is NaN.", nameof(scores));
            order[i] = i;
        }
        var keys = scores.ToArray();
        Array.Sort(keys, order);
        long pos = 0;
        double rankSum = 0;
        var i0 = 0;
        while (i0 < n)
        {
            var i1 = i0;
            while (i1 + 1 < n && keys[i1 + 1] == keys[i0]) i1++;
            var midRank = (i0 + i1) / 2.0 + 1.0; // ranks are 1-based
            for (var j = i0; j <= i1; j++)
                if (positive[order[j]]) { pos++; rankSum += midRank; }
            i0 = i1 + 1;
        }
        long neg = n - pos;
        if (pos == 0 || neg == 0) return double.NaN;
        return (rankSum - pos * (pos + 1) / 2.0) / ((double)pos * neg);
    }
}
