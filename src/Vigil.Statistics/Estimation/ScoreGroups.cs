namespace Vigil.Statistics.Estimation;

/// <summary>
/// Grouped scores of a labelled sample: each distinct score with the number of positive rows (Σ label) and of all rows
/// that carry it. Scores may come in any order; an entry with no rows is ignored. Rows and positives are counts (whole
/// numbers held as doubles so that huge tables fit), with 0 ≤ positives ≤ rows.
/// </summary>
public sealed record ScoreGroups(double[] Scores, double[] Positives, double[] Rows)
{
    /// <summary>Σ rows.</summary>
    public double TotalRows => Sum(Rows);

    /// <summary>Σ positives.</summary>
    public double TotalPositives => Sum(Positives);

    /// <summary>Builds the groups of row-level data (one score and one 0/1 label per row), for tests and small inputs.</summary>
    public static ScoreGroups FromRows(ReadOnlySpan<double> scores, ReadOnlySpan<double> labels)
    {
        if (scores.Length != labels.Length)
        {
            throw new ArgumentException("scores and labels must have the same length.", nameof(labels));
        }
        var map = new Dictionary<double, (double Positives, double Rows)>();
        for (var i = 0; i < scores.Length; i++)
        {
            map.TryGetValue(scores[i], out var cell);
            map[scores[i]] = (cell.Positives + labels[i], cell.Rows + 1);
        }
        var s = new double[map.Count];
        var p = new double[map.Count];
        var r = new double[map.Count];
        var k = 0;
        foreach (var (score, cell) in map)
        {
            s[k] = score;
            p[k] = cell.Positives;
            r[k] = cell.Rows;
            k++;
        }
        return new ScoreGroups(s, p, r);
    }

    /// <summary>Groups that are each ascending by score merged into one, ascending, equal scores pooled.</summary>
    public static ScoreGroups Merge(IReadOnlyList<ScoreGroups> ascending)
    {
        ArgumentNullException.ThrowIfNull(ascending);
        return Pool(ascending.Select(g => g.Scores).ToArray(), ascending.Select(g => g.Positives).ToArray(), ascending.Select(g => g.Rows).ToArray(), out _);
    }

    /// <summary>Ascending lists (each may repeat a value) merged into one list of distinct values, ascending, their
    /// positives and rows summed; <paramref name="places"/>[k][j] is where entry j of list k went.</summary>
    internal static ScoreGroups Pool(double[][] values, double[][] positives, double[][] rows, out int[][] places)
    {
        var k = values.Length;
        var total = 0;
        places = new int[k][];
        for (var i = 0; i < k; i++)
        {
            total += values[i].Length;
            places[i] = new int[values[i].Length];
        }
        var v = new double[total];
        var p = new double[total];
        var r = new double[total];
        var heads = new int[k];
        var n = 0;
        while (true)
        {
            // the smallest head (ties: the first list, as a stable merge takes them)
            var best = -1;
            var min = 0.0;
            for (var i = 0; i < k; i++)
            {
                if (heads[i] < values[i].Length && (best < 0 || values[i][heads[i]] < min))
                {
                    best = i;
                    min = values[i][heads[i]];
                }
            }
            if (best < 0) break;
            var j = heads[best]++;
            if (n == 0 || v[n - 1] != min)
            {
                v[n] = min;
                p[n] = 0;
                r[n] = 0;
                n++;
            }
            p[n - 1] += positives[best][j];
            r[n - 1] += rows[best][j];
            places[best][j] = n - 1;
        }
        return new ScoreGroups(v[..n], p[..n], r[..n]);
    }

    /// <summary>Throws when the arrays differ in length, a score is not finite, or a count is invalid.</summary>
    internal void Validate(string paramName)
    {
        ArgumentNullException.ThrowIfNull(Scores, paramName);
        ArgumentNullException.ThrowIfNull(Positives, paramName);
        ArgumentNullException.ThrowIfNull(Rows, paramName);
        Check(Scores, Positives, Rows, paramName);
    }

    internal static void Check(ReadOnlySpan<double> scores, ReadOnlySpan<double> positives, ReadOnlySpan<double> rows, string paramName)
    {
        if (scores.Length != positives.Length || scores.Length != rows.Length)
        {
            throw new ArgumentException(
                $"scores, positives and rows must have the same length ({scores.Length}, {positives.Length}, {rows.Length}).", paramName);
        }
        for (var i = 0; i < scores.Length; i++)
        {
            if (!double.IsFinite(scores[i]))
            {
                throw new ArgumentException($"score {i} is {scores[i]}; scores must be finite (filter NaN scores first).", paramName);
            }
            if (!(rows[i] >= 0) || !double.IsFinite(rows[i]))
            {
                throw new ArgumentException($"rows {i} is {rows[i]}; rows must be a finite count >= 0.", paramName);
            }
            if (!(positives[i] >= 0) || !(positives[i] <= rows[i]))
            {
                throw new ArgumentException($"positives {i} is {positives[i]}; it must lie in [0, rows = {rows[i]}].", paramName);
            }
        }
    }

    private static double Sum(double[] a)
    {
        var s = 0.0;
        foreach (var v in a) s += v;
        return s;
    }
}
