using Vigil.Statistics.Classification;

namespace Vigil.Statistics.Fairness;

/// <summary>One group's labelled scores, reduced to counts: <c>Scores[i]</c> is carried by <c>Positives[i]</c> rows with
/// label 1 and <c>Negatives[i]</c> rows with label 0. A group is a value of a sensitive column ("F") or an intersection of
/// several, keyed by joining the values ("F&amp;black"). The groups handed to one call must partition the rows (one
/// attribute, or one intersection of attributes): the "overall" figures pool them.
/// Scores need not be sorted or distinct (equal scores are merged); a score with no rows is ignored. Scores must be finite,
/// counts non-negative, the three arrays of one length and the keys distinct, or the call throws
/// <see cref="ArgumentException"/> naming the group.</summary>
/// <param name="Key">The group's name, unique among the groups of one call.</param>
/// <param name="Scores">The distinct scores (any order).</param>
/// <param name="Positives">Rows with label 1 at each score.</param>
/// <param name="Negatives">Rows with label 0 at each score.</param>
public sealed record GroupCounts(string Key, double[] Scores, long[] Positives, long[] Negatives);

/// <summary>A group's counts normalised: distinct finite scores in strictly descending order, each with at least one row.</summary>
internal sealed class ScoreTable
{
    private ScoreTable(string key, ScoreCount[] cells)
    {
        Key = key;
        Cells = cells;
        foreach (var c in cells)
        {
            Positives = checked(Positives + c.Positives);
            Negatives = checked(Negatives + c.Negatives);
        }
        Rows = checked(Positives + Negatives);
    }

    public string Key { get; }

    /// <summary>Strictly descending scores, each with at least one row.</summary>
    public ScoreCount[] Cells { get; }

    public long Positives { get; }

    public long Negatives { get; }

    public long Rows { get; }

    /// <summary>Validates and normalises every group; throws <see cref="ArgumentException"/> on malformed input.</summary>
    public static ScoreTable[] FromGroups(IReadOnlyList<GroupCounts> groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        var tables = new ScoreTable[groups.Count];
        var keys = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < groups.Count; i++)
        {
            var g = groups[i] ?? throw new ArgumentException($"Group {i} is null.", nameof(groups));
            if (g.Key is null)
            {
                throw new ArgumentException($"Group {i} has no key.", nameof(groups));
            }
            if (!keys.Add(g.Key))
            {
                throw new ArgumentException($"Group '{g.Key}' appears twice; group keys must be distinct.", nameof(groups));
            }
            tables[i] = From(g);
        }
        return tables;
    }

    /// <summary>Validates and normalises one group.</summary>
    public static ScoreTable From(GroupCounts g)
    {
        ArgumentNullException.ThrowIfNull(g);
        if (g.Scores is null || g.Positives is null || g.Negatives is null)
        {
            throw new ArgumentException($"Group '{g.Key}': Scores, Positives and Negatives are required.", nameof(g));
        }
        var n = g.Scores.Length;
        if (g.Positives.Length != n || g.Negatives.Length != n)
        {
            throw new ArgumentException(
                $"Group '{g.Key}': Scores, Positives and Negatives must have one length (got {n}, {g.Positives.Length}, {g.Negatives.Length}).",
                nameof(g));
        }
        var cells = new List<ScoreCount>(n);
        for (var i = 0; i < n; i++)
        {
            var s = g.Scores[i];
            if (!double.IsFinite(s))
            {
                throw new ArgumentException($"Group '{g.Key}': score {i} is {s}; scores must be finite (filter missing scores first).", nameof(g));
            }
            if (g.Positives[i] < 0 || g.Negatives[i] < 0)
            {
                throw new ArgumentException($"Group '{g.Key}': counts at score {s:R} are negative ({g.Positives[i]}, {g.Negatives[i]}).", nameof(g));
            }
            if (g.Positives[i] + g.Negatives[i] > 0)
            {
                cells.Add(new ScoreCount(s, g.Positives[i], g.Negatives[i]));
            }
        }
        return new ScoreTable(g.Key, SortAndMerge(cells));
    }

    /// <summary>All groups' rows pooled under one key.</summary>
    public static ScoreTable Pool(string key, IReadOnlyList<ScoreTable> tables)
    {
        var cells = new List<ScoreCount>();
        foreach (var t in tables)
        {
            cells.AddRange(t.Cells);
        }
        return new ScoreTable(key, SortAndMerge(cells));
    }

    /// <summary>Rows with score ≥ <paramref name="threshold"/>: (true positives, false positives).</summary>
    public (long Tp, long Fp) AtThreshold(double threshold)
    {
        long tp = 0, fp = 0;
        foreach (var c in Cells)
        {
            if (!(c.Score >= threshold))
            {
                break;
            }
            tp += c.Positives;
            fp += c.Negatives;
        }
        return (tp, fp);
    }

    private static ScoreCount[] SortAndMerge(List<ScoreCount> cells)
    {
        cells.Sort(static (a, b) => b.Score.CompareTo(a.Score));
        var merged = new List<ScoreCount>(cells.Count);
        foreach (var c in cells)
        {
            if (merged.Count > 0 && merged[^1].Score == c.Score)
            {
                var m = merged[^1];
                merged[^1] = new ScoreCount(m.Score, checked(m.Positives + c.Positives), checked(m.Negatives + c.Negatives));
            }
            else
            {
                merged.Add(c);
            }
        }
        return [.. merged];
    }
}
