namespace Vigil.Statistics.Learning;

/// <summary>Whether a feature holds numbers or category codes.</summary>
public enum FeatureKind
{
    /// <summary>Real values; <see cref="double.NaN"/> marks a missing value.</summary>
    Numeric,

    /// <summary>Integer category codes into <see cref="FeatureColumn.Categories"/>; −1 marks a missing value.</summary>
    Categorical,
}

/// <summary>One feature of a <see cref="FeatureMatrix"/>: a name and either numeric values or category codes.</summary>
public sealed class FeatureColumn
{
    private static readonly string[] NoCategories = [];

    private FeatureColumn(string name, FeatureKind kind, double[]? values, int[]? codes, IReadOnlyList<string> categories)
    {
        Name = name;
        Kind = kind;
        Values = values;
        Codes = codes;
        Categories = categories;
    }

    /// <summary>The feature's name.</summary>
    public string Name { get; }

    /// <summary>Numeric or categorical.</summary>
    public FeatureKind Kind { get; }

    /// <summary>The values of a numeric feature (NaN = missing); null for a categorical one.</summary>
    public double[]? Values { get; }

    /// <summary>The codes of a categorical feature (−1 = missing); null for a numeric one.</summary>
    public int[]? Codes { get; }

    /// <summary>The labels the codes index (empty for a numeric feature).</summary>
    public IReadOnlyList<string> Categories { get; }

    /// <summary>The number of rows.</summary>
    public int Length => Values?.Length ?? Codes!.Length;

    /// <summary>A numeric feature. The array is used as is, not copied.</summary>
    public static FeatureColumn Numeric(string name, double[] values)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        return new FeatureColumn(name, FeatureKind.Numeric, values, null, NoCategories);
    }

    /// <summary>A categorical feature: codes in [−1, categories.Count), −1 = missing. The arrays are used as is.</summary>
    /// <exception cref="ArgumentException">A code is outside [−1, categories.Count).</exception>
    public static FeatureColumn Categorical(string name, int[] codes, IReadOnlyList<string> categories)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(codes);
        ArgumentNullException.ThrowIfNull(categories);
        int k = categories.Count;
        for (int i = 0; i < codes.Length; i++)
        {
            if (codes[i] < -1 || codes[i] >= k)
            {
                throw new ArgumentException(
                    $"Feature '{name}', row {i}: category code {codes[i]} is outside [-1, {k}).", nameof(codes));
            }
        }
        return new FeatureColumn(name, FeatureKind.Categorical, null, codes, categories);
    }
}

/// <summary>Columnar features for the tree learner: one <see cref="FeatureColumn"/> per feature, all of one length.</summary>
public sealed class FeatureMatrix
{
    private readonly FeatureColumn[] _columns;

    /// <summary>Features in order; all must have the same length and distinct names.</summary>
    /// <exception cref="ArgumentException">No columns, lengths differ or a name repeats.</exception>
    public FeatureMatrix(IEnumerable<FeatureColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        _columns = [.. columns];
        if (_columns.Length == 0)
        {
            throw new ArgumentException("A feature matrix needs at least one feature.", nameof(columns));
        }
        RowCount = _columns[0].Length;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (FeatureColumn c in _columns)
        {
            ArgumentNullException.ThrowIfNull(c, nameof(columns));
            if (c.Length != RowCount)
            {
                throw new ArgumentException(
                    $"Feature '{c.Name}' has {c.Length} rows; '{_columns[0].Name}' has {RowCount}.", nameof(columns));
            }
            if (!names.Add(c.Name))
            {
                throw new ArgumentException($"Feature name '{c.Name}' appears twice.", nameof(columns));
            }
        }
        Names = [.. _columns.Select(c => c.Name)];
    }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The number of features.</summary>
    public int FeatureCount => _columns.Length;

    /// <summary>The features' names in order.</summary>
    public IReadOnlyList<string> Names { get; }

    /// <summary>The features in order.</summary>
    public IReadOnlyList<FeatureColumn> Columns => _columns;

    /// <summary>The feature at <paramref name="index"/>.</summary>
    public FeatureColumn this[int index] => _columns[index];
}
