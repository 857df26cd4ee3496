namespace Vigil.Statistics.Classification;

/// <summary>
/// Rows of one group as parallel arrays of scores and labels (1 positive, 0 negative, -1 unlabeled), for when the
/// distinct scores are about as many as the rows (continuous scores): sorting the two columns in place and feeding
/// runs of equal scores to a <see cref="BinaryScoreAccumulator"/> is the same computation as grouping by score in the
/// engine, at a fraction of the cost. Runs of several sorted groups merge without re-sorting.
/// </summary>
internal static class ScoredRows
{
    /// <summary>Sorts <paramref name="scores"/> descending, permuting <paramref name="labels"/> alongside. NaN is rejected.</summary>
    public static void SortDescending(Span<double> scores, Span<sbyte> labels)
    {
        if (scores.Length != labels.Length) throw new ArgumentException("scores and labels differ in length");
        scores.Sort(labels);
        if (scores.Length > 0 && double.IsNaN(scores[0])) throw new InvalidOperationException("NaN score");
        scores.Reverse();
        labels.Reverse();
    }

    /// <summary>Feeds rows sorted descending by score to the accumulator, one call per distinct score.</summary>
    public static void Feed(ReadOnlySpan<double> sortedDescending, ReadOnlySpan<sbyte> labels, BinaryScoreAccumulator accumulator)
    {
        var i = 0;
        while (i < sortedDescending.Length)
        {
            var s = sortedDescending[i];
            long pos = 0, neg = 0;
            do
            {
                var y = labels[i];
                if (y == 1) pos++;
                else if (y == 0) neg++;
                i++;
            }
            while (i < sortedDescending.Length && sortedDescending[i] == s);
            accumulator.Add(s, pos, neg);
        }
    }

    /// <summary>Merges runs that are each sorted descending and feeds the merged order to the accumulator.</summary>
    public static void FeedMerged(IReadOnlyList<(double[] Scores, sbyte[] Labels)> runs, BinaryScoreAccumulator accumulator)
    {
        var heads = new int[runs.Count];
        var queue = new PriorityQueue<int, double>(runs.Count, Comparer<double>.Create((a, b) => b.CompareTo(a)));
        for (var r = 0; r < runs.Count; r++)
            if (runs[r].Scores.Length > 0) queue.Enqueue(r, runs[r].Scores[0]);
        var started = false;
        double current = 0;
        long pos = 0, neg = 0;
        while (queue.TryDequeue(out var r, out var s))
        {
            var (scores, labels) = runs[r];
            var i = heads[r];
            if (started && s != current)
            {
                accumulator.Add(current, pos, neg);
                pos = 0;
                neg = 0;
            }
            started = true;
            current = s;
            // Take this run's whole stretch of equal scores at once.
            do
            {
                var y = labels[i];
                if (y == 1) pos++;
                else if (y == 0) neg++;
                i++;
            }
            while (i < scores.Length && scores[i] == s);
            heads[r] = i;
            if (i < scores.Length) queue.Enqueue(r, scores[i]);
        }
        if (started) accumulator.Add(current, pos, neg);
    }
}
