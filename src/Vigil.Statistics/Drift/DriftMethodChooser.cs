namespace Vigil.Statistics.Drift;

/// <summary>
/// Evidently's automatic choice of a drift method for a column, by its type, the reference size (up to 1,000 rows or
/// more) and the number of distinct values in reference and current together (see docs/drift-methods.md).
/// </summary>
public static class DriftMethodChooser
{
    /// <summary>The method and a sentence saying why.</summary>
    public static (string Method, string Reason) Choose(ValueCounts v)
    {
        ArgumentNullException.ThrowIfNull(v);
        var distinct = Enumerable.Range(0, v.Count).Count(i => v.Reference[i] + v.Current[i] > 0);
        var small = v.ReferenceTotal <= 1000;
        var size = small ? "reference ≤ 1,000 rows" : "reference > 1,000 rows";
        if (v.Type == ColumnType.Numerical && distinct > 5)
            return small ? ("ks", $"numerical, {size}") : ("wasserstein", $"numerical, {size}");
        var kind = v.Type == ColumnType.Numerical ? $"numerical with {distinct} values (≤ 5: as categorical)" : "categorical";
        if (!small) return ("jensenshannon", $"{kind}, {size}");
        return distinct > 2
            ? ("chisquare", $"{kind}, {size}, {distinct} values")
            : ("z", $"{kind}, {size}, ≤ 2 values");
    }
}
