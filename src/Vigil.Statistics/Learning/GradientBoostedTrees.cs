namespace Vigil.Statistics.Learning;

/// <summary>
/// A gradient-boosted ensemble of regression trees for squared error, histogram-based as scikit-learn's
/// <c>HistGradientBoostingRegressor</c> and LightGBM, with exact TreeSHAP attributions. Prediction =
/// <see cref="BaseScore"/> + Σ trees. Fit with <see cref="Fit"/>, or load trees trained by xgboost
/// (<see cref="FromXgboostJson"/>) or saved by Vigil (<see cref="Load"/>).
/// </summary>
public sealed partial class GradientBoostedTrees
{
    private const int RowBlock = 2048;
    private const int ShapBlock = 256;

    private readonly RegressionTree[] _trees;
    private readonly FeatureKind[] _kinds;
    private readonly string[]?[] _categories;
    private readonly bool[]?[] _knownCategories;

    internal GradientBoostedTrees(double baseScore, RegressionTree[] trees, string[] names, FeatureKind[] kinds,
        string[]?[] categories, bool[]?[] knownCategories, bool float32, FitReport? report)
    {
        BaseScore = baseScore;
        _trees = trees;
        FeatureNames = names;
        _kinds = kinds;
        _categories = categories;
        _knownCategories = knownCategories;
        Float32Thresholds = float32;
        Report = report;
        double e = baseScore;
        foreach (RegressionTree t in trees)
        {
            e += t.ExpectedValue;
        }
        ExpectedValue = e;
    }

    /// <summary>The constant every prediction starts from (for a fitted model, the mean of the training y).</summary>
    public double BaseScore { get; }

    /// <summary>The features the model was trained on, in order.</summary>
    public IReadOnlyList<string> FeatureNames { get; }

    /// <summary>
    /// Whether numeric values are rounded to float32 before each comparison, as xgboost does (models loaded
    /// from xgboost); false for Vigil's own models.
    /// </summary>
    public bool Float32Thresholds { get; }

    /// <summary>What the fit did; null for a loaded model.</summary>
    public FitReport? Report { get; }

    /// <summary>The number of trees.</summary>
    public int TreeCount => _trees.Length;

    /// <summary>Leaves over all trees.</summary>
    public int LeafCount => _trees.Sum(t => t.LeafCount);

    /// <summary>
    /// The mean prediction under the trees' cover weights (training rows per node): the SHAP base value, so that
    /// for every row Σ SHAP values = prediction − ExpectedValue.
    /// </summary>
    public double ExpectedValue { get; }

    internal IReadOnlyList<RegressionTree> Trees => _trees;

    /// <summary>Trains a model on <paramref name="x"/> and targets <paramref name="y"/>.</summary>
    /// <exception cref="ArgumentException">No rows, y's length differs from the rows, or a y value is not finite.</exception>
    public static GradientBoostedTrees Fit(FeatureMatrix x, ReadOnlySpan<double> y, GradientBoostingOptions options,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        int n = x.RowCount;
        if (n == 0)
        {
            throw new ArgumentException("Cannot fit on zero rows.", nameof(x));
        }
        if (y.Length != n)
        {
            throw new ArgumentException($"y has {y.Length} values; the features have {n} rows.", nameof(y));
        }
        for (int i = 0; i < n; i++)
        {
            if (!double.IsFinite(y[i]))
            {
                throw new ArgumentException($"y[{i}] is {y[i]}; targets must be finite.", nameof(y));
            }
        }
        return Booster.Run(x, y, options, cancellationToken);
    }

    /// <summary>The prediction for one row.</summary>
    public double Predict(FeatureMatrix x, int row)
    {
        BoundFeatures b = Bind(x);
        if ((uint)row >= (uint)x.RowCount) throw new ArgumentOutOfRangeException(nameof(row));
        double s = BaseScore;
        foreach (RegressionTree t in _trees)
        {
            s += t.Predict(b, row);
        }
        return s;
    }

    /// <summary>Predictions for every row of <paramref name="x"/> (in parallel over blocks of rows).</summary>
    public double[] Predict(FeatureMatrix x)
    {
        BoundFeatures b = Bind(x);
        int n = x.RowCount;
        var result = new double[n];
        int blocks = (n + RowBlock - 1) / RowBlock;
        Parallel.For(0, blocks, block =>
        {
            int start = block * RowBlock, end = Math.Min(n, start + RowBlock);
            Span<double> r = result.AsSpan(start, end - start);
            r.Fill(BaseScore);
            foreach (RegressionTree t in _trees)
            {
                for (int i = start; i < end; i++)
                {
                    r[i - start] += t.Predict(b, i);
                }
            }
        });
        return result;
    }

    /// <summary>
    /// Exact TreeSHAP values: result[i, j] is feature j's attribution for the i-th requested row (all rows when
    /// <paramref name="rows"/> is null), so that Σ_j result[i, j] = prediction − <paramref name="expectedValue"/>.
    /// </summary>
    public double[,] ShapValues(FeatureMatrix x, out double expectedValue, IReadOnlyList<int>? rows = null,
        CancellationToken cancellationToken = default)
    {
        BoundFeatures b = Bind(x);
        int n = rows?.Count ?? x.RowCount;
        int f = FeatureNames.Count;
        var result = new double[n, f];
        ForEachShapRow(b, x.RowCount, rows, cancellationToken, (i, phi) =>
        {
            for (int j = 0; j < f; j++) result[i, j] = phi[j];
        });
        expectedValue = ExpectedValue;
        return result;
    }

    /// <summary>Mean |SHAP value| per feature over the given rows (all rows when null): a global importance.</summary>
    public double[] MeanAbsShap(FeatureMatrix x, IReadOnlyList<int>? rows = null, CancellationToken cancellationToken = default)
    {
        BoundFeatures b = Bind(x);
        int n = rows?.Count ?? x.RowCount;
        int f = FeatureNames.Count;
        // Sums per block of rows, added in block order: the result does not depend on thread timing.
        int blocks = (n + ShapBlock - 1) / ShapBlock;
        var blockSums = new double[blocks * f];
        ForEachShapRow(b, x.RowCount, rows, cancellationToken, (i, phi) =>
        {
            Span<double> sum = blockSums.AsSpan(i / ShapBlock * f, f);
            for (int j = 0; j < f; j++) sum[j] += Math.Abs(phi[j]);
        });
        var result = new double[f];
        for (int k = 0; k < blocks; k++)
        {
            for (int j = 0; j < f; j++) result[j] += blockSums[k * f + j];
        }
        if (n > 0)
        {
            for (int j = 0; j < f; j++) result[j] /= n;
        }
        return result;
    }

    /// <summary>Calls <paramref name="write"/> for each requested row in order within blocks of ShapBlock rows, blocks in parallel.</summary>
    private void ForEachShapRow(BoundFeatures b, int rowCount, IReadOnlyList<int>? rows, CancellationToken ct,
        Action<int, double[]> write)
    {
        int n = rows?.Count ?? rowCount;
        int f = FeatureNames.Count;
        int depth = MaxDepth();
        int blocks = (n + ShapBlock - 1) / ShapBlock;
        Parallel.For(0, blocks, new ParallelOptions { CancellationToken = ct },
            () => (Phi: new double[f], Scratch: new TreeShap.Scratch(depth)),
            (block, _, local) =>
            {
                int start = block * ShapBlock, end = Math.Min(n, start + ShapBlock);
                for (int i = start; i < end; i++)
                {
                    int row = rows is null ? i : CheckedRow(rows[i], rowCount);
                    Array.Clear(local.Phi);
                    foreach (RegressionTree t in _trees)
                    {
                        TreeShap.Accumulate(t, b, row, local.Phi, local.Scratch);
                    }
                    write(i, local.Phi);
                }
                return local;
            },
            _ => { });
    }

    private static int CheckedRow(int row, int rowCount) =>
        (uint)row < (uint)rowCount ? row : throw new ArgumentOutOfRangeException(nameof(row), row, $"row outside [0, {rowCount})");

    private int MaxDepth()
    {
        int d = 0;
        foreach (RegressionTree t in _trees) d = Math.Max(d, t.MaxDepth);
        return d;
    }

    /// <summary>
    /// Binds a matrix to the model's features: by name when the matrix has every feature name, else by position
    /// when the counts agree; categories are matched by label.
    /// </summary>
    internal BoundFeatures Bind(FeatureMatrix x)
    {
        ArgumentNullException.ThrowIfNull(x);
        int f = FeatureNames.Count;
        var columns = new int[f];
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int j = 0; j < x.FeatureCount; j++) byName[x.Names[j]] = j;
        bool named = true;
        for (int j = 0; j < f && named; j++)
        {
            named = byName.TryGetValue(FeatureNames[j], out columns[j]);
        }
        if (!named)
        {
            if (x.FeatureCount != f)
            {
                throw new ArgumentException(
                    $"The model has {f} features ({string.Join(", ", FeatureNames.Take(5))}{(f > 5 ? ", ..." : "")}); " +
                    $"the matrix has {x.FeatureCount} and not all of those names.", nameof(x));
            }
            for (int j = 0; j < f; j++) columns[j] = j;
        }
        var numeric = new double[]?[f];
        var codes = new int[]?[f];
        var maps = new int[]?[f];
        for (int j = 0; j < f; j++)
        {
            FeatureColumn c = x[columns[j]];
            if (c.Kind != _kinds[j])
            {
                throw new ArgumentException(
                    $"Feature '{c.Name}' is {c.Kind.ToString().ToLowerInvariant()}; the model's feature '{FeatureNames[j]}' is {_kinds[j].ToString().ToLowerInvariant()}.",
                    nameof(x));
            }
            if (c.Kind == FeatureKind.Numeric)
            {
                numeric[j] = c.Values;
                continue;
            }
            codes[j] = c.Codes;
            string[] labels = _categories[j]!;
            bool[] known = _knownCategories[j]!;
            var map = new int[c.Categories.Count];
            bool same = c.Categories.Count <= labels.Length;
            for (int k = 0; k < c.Categories.Count && same; k++) same = c.Categories[k] == labels[k];
            Dictionary<string, int>? index = null;
            if (!same)
            {
                index = new Dictionary<string, int>(StringComparer.Ordinal);
                for (int k = 0; k < labels.Length; k++) index.TryAdd(labels[k], k);
            }
            for (int k = 0; k < map.Length; k++)
            {
                int code = same ? k : index!.GetValueOrDefault(c.Categories[k], -1);
                map[k] = code >= 0 && known[code] ? code : -1;
            }
            maps[j] = map;
        }
        return new BoundFeatures(numeric, codes, maps, Float32Thresholds);
    }

    /// <summary>The kinds of the model's features, in order.</summary>
    public IReadOnlyList<FeatureKind> FeatureKinds => _kinds;

    internal string[]?[] CategoryLabels => _categories;

    internal bool[]?[] KnownCategories => _knownCategories;
}
