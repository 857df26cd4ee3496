namespace Vigil.Statistics.Drift;

/// <summary>The kind of a column for drift: numerical or categorical (Evidently's "num" and "cat").</summary>
public enum ColumnType
{
    Numerical,
    Categorical,
}

/// <summary>
/// A column's sufficient statistic for drift: every distinct value with how often it occurs in the reference and in
/// the current data (missing and non-finite values left out). Numerical values are held in ascending order, so the
/// empirical distribution functions of both samples are their running sums; categorical values in any order.
/// </summary>
public sealed class ValueCounts
{
    private ValueCounts(ColumnType type, double[]? numbers, string[]? categories, long[] reference, long[] current)
    {
        Type = type;
        Numbers = numbers;
        Categories = categories;
        Reference = reference;
        Current = current;
        foreach (var c in reference) ReferenceTotal += c;
        foreach (var c in current) CurrentTotal += c;
    }

    public ColumnType Type { get; }

    /// <summary>Distinct numerical values, strictly ascending (numerical columns).</summary>
    public double[]? Numbers { get; }

    /// <summary>Distinct categories (categorical columns).</summary>
    public string[]? Categories { get; }

    /// <summary>Occurrences of each value in the reference.</summary>
    public long[] Reference { get; }

    /// <summary>Occurrences of each value in the current data.</summary>
    public long[] Current { get; }

    public long ReferenceTotal { get; }

    public long CurrentTotal { get; }

    /// <summary>Number of distinct values.</summary>
    public int Count => Reference.Length;

    /// <summary>The reference's standard deviation when it is known apart from these counts (a stored profile whose
    /// values are pooled into buckets keeps it exact); null to compute it from the counts.</summary>
    public double? ReferenceStandardDeviation { get; private init; }

    /// <summary>The same counts with the reference's standard deviation given (see
    /// <see cref="ReferenceStandardDeviation"/>).</summary>
    public ValueCounts WithReferenceStandardDeviation(double std) =>
        new(Type, Numbers, Categories, Reference, Current) { ReferenceStandardDeviation = std };

    /// <summary>Distinct values present in the reference.</summary>
    public int ReferenceDistinct => Reference.Count(c => c > 0);

    /// <summary>Numerical counts: values strictly ascending and finite, counts not negative.</summary>
    public static ValueCounts Numerical(double[] values, long[] reference, long[] current)
    {
        Check(values.Length, reference, current);
        for (var i = 0; i < values.Length; i++)
        {
            if (!double.IsFinite(values[i])) throw new ArgumentException($"value {values[i]} is not finite", nameof(values));
            if (i > 0 && !(values[i] > values[i - 1])) throw new ArgumentException("values must be strictly ascending", nameof(values));
        }
        return new ValueCounts(ColumnType.Numerical, values, null, reference, current);
    }

    /// <summary>Numerical counts already known to be valid (values strictly ascending and finite, counts not
    /// negative): no checks, for arrays built by an ordered merge.</summary>
    internal static ValueCounts NumericalOrdered(double[] values, long[] reference, long[] current) =>
        new(ColumnType.Numerical, values, null, reference, current);

    /// <summary>Categorical counts: categories distinct, counts not negative.</summary>
    public static ValueCounts Categorical(string[] categories, long[] reference, long[] current)
    {
        Check(categories.Length, reference, current);
        if (categories.Distinct(StringComparer.Ordinal).Count() != categories.Length) throw new ArgumentException("categories must be distinct", nameof(categories));
        return new ValueCounts(ColumnType.Categorical, null, categories, reference, current);
    }

    /// <summary>Builds numerical counts from raw samples (NaN and infinities left out); for tests and small inputs.</summary>
    public static ValueCounts FromSamples(IEnumerable<double> reference, IEnumerable<double> current)
    {
        var map = new SortedDictionary<double, (long R, long C)>();
        foreach (var v in reference.Where(double.IsFinite)) map[v + 0.0] = (map.GetValueOrDefault(v + 0.0).R + 1, map.GetValueOrDefault(v + 0.0).C);
        foreach (var v in current.Where(double.IsFinite)) map[v + 0.0] = (map.GetValueOrDefault(v + 0.0).R, map.GetValueOrDefault(v + 0.0).C + 1);
        return Numerical(map.Keys.ToArray(), map.Values.Select(x => x.R).ToArray(), map.Values.Select(x => x.C).ToArray());
    }

    /// <summary>Builds categorical counts from raw samples (nulls left out), categories in ordinal order.</summary>
    public static ValueCounts FromSamples(IEnumerable<string?> reference, IEnumerable<string?> current)
    {
        var order = new List<string>();
        var map = new Dictionary<string, (long R, long C)>(StringComparer.Ordinal);
        void Add(string? v, bool isRef)
        {
            if (v is null) return;
            if (!map.TryGetValue(v, out var c)) order.Add(v);
            map[v] = isRef ? (c.R + 1, c.C) : (c.R, c.C + 1);
        }
        foreach (var v in reference) Add(v, true);
        foreach (var v in current) Add(v, false);
        order.Sort(StringComparer.Ordinal);
        return Categorical(order.ToArray(), order.Select(k => map[k].R).ToArray(), order.Select(k => map[k].C).ToArray());
    }

    private static void Check(int n, long[] reference, long[] current)
    {
        if (reference.Length != n || current.Length != n) throw new ArgumentException("values and counts differ in length");
        if (reference.Any(c => c < 0) || current.Any(c => c < 0)) throw new ArgumentException("counts must not be negative");
    }
}
