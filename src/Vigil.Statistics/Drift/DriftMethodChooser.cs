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
        return Choose(v.Type, Enumerable.Range(0, v.Count).Count(i => v.Reference[i] + v.Current[i] > 0), v.ReferenceTotal);
    }

    /// <summary>The method and why, from the column's type, its distinct values over both sides and the reference's size.</summary>
    public static (string Method, string Reason) Choose(ColumnType type, int distinct, long referenceTotal)
    {
        var small = referenceTotal <= 1000;
        var size = small ? "reference ≤ 1,000 rows" : "reference > 1,000 rows";
        if (type == ColumnType.Numerical && distinct > 5)
            return small ? ("ks", $"numerical, {size}") : ("wasserstein", $"numerical, {size}");
        var kind = type == ColumnType.Numerical ? $"numerical with {distinct} values (≤ 5: as categorical)" : "categorical";
        if (!small) return ("jensenshannon", $"{kind}, {size}");
        return distinct > 2
            ? ("chisquare", $"{kind}, {size}, {distinct} values")
            : ("z", $"{kind}, {size}, ≤ 2 values");
    }
}
