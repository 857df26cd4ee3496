namespace Vigil.Statistics.Learning;

/// <summary>
/// One regression tree in flat arrays, node 0 the root. An inner node sends a row left when its numeric value
/// x ≤ <see cref="Threshold"/> (x first rounded to float32 when the ensemble says so), or when its category code is
/// in <see cref="Categories"/>; a missing value (NaN, code −1 or a category unknown to the model) goes left iff
/// <see cref="MissingLeft"/>. <see cref="Cover"/> is the training hessian sum (for squared error, the row count)
/// that TreeSHAP weighs the branches by.
/// </summary>
internal sealed class RegressionTree
{
    public RegressionTree(int[] feature, double[] threshold, ulong[]?[] categories, bool[] missingLeft,
        int[] left, int[] right, double[] value, double[] cover)
    {
        Feature = feature;
        Threshold = threshold;
        Categories = categories;
        MissingLeft = missingLeft;
        Left = left;
        Right = right;
        Value = value;
        Cover = cover;
        MaxDepth = Depth(0);
        ExpectedValue = Expectation(0);
        int leaves = 0;
        foreach (int f in feature)
        {
            if (f < 0) leaves++;
        }
        LeafCount = leaves;
    }

    /// <summary>Feature index of each node; −1 for a leaf.</summary>
    public int[] Feature { get; }

    public double[] Threshold { get; }

    /// <summary>Bitset of the category codes that go left; null for numeric splits and leaves.</summary>
    public ulong[]?[] Categories { get; }

    public bool[] MissingLeft { get; }

    public int[] Left { get; }

    public int[] Right { get; }

    /// <summary>Leaf values (inner nodes: unused).</summary>
    public double[] Value { get; }

    public double[] Cover { get; }

    public int NodeCount => Feature.Length;

    public int LeafCount { get; }

    /// <summary>Edges from the root to the deepest leaf.</summary>
    public int MaxDepth { get; }

    /// <summary>E[f] under the cover weights, recursively: each child weighted by cover(child)/cover(node), as TreeSHAP.</summary>
    public double ExpectedValue { get; }

    private int Depth(int node) => Feature[node] < 0 ? 0 : 1 + Math.Max(Depth(Left[node]), Depth(Right[node]));

    private double Expectation(int node)
    {
        if (Feature[node] < 0)
        {
            return Value[node];
        }
        int l = Left[node], r = Right[node];
        double c = Cover[node];
        if (!(c > 0))
        {
            double cl = Cover[l], cr = Cover[r];
            return cl + cr > 0 ? (cl * Expectation(l) + cr * Expectation(r)) / (cl + cr) : 0.5 * (Expectation(l) + Expectation(r));
        }
        return (Cover[l] * Expectation(l) + Cover[r] * Expectation(r)) / c;
    }

    /// <summary>Whether the row goes to the left child of inner node <paramref name="node"/>.</summary>
    public bool GoesLeft(int node, in BoundFeatures x, int row)
    {
        int f = Feature[node];
        ulong[]? cats = Categories[node];
        if (cats is null)
        {
            double v = x.Numeric[f]![row];
            if (double.IsNaN(v))
            {
                return MissingLeft[node];
            }
            if (x.Float32)
            {
                v = (float)v;
            }
            return v <= Threshold[node];
        }
        int code = x.Codes[f]![row];
        code = code < 0 ? -1 : x.CodeMap[f]![code];
        if (code < 0)
        {
            return MissingLeft[node];
        }
        int word = code >> 6;
        return word < cats.Length && (cats[word] & (1UL << (code & 63))) != 0;
    }

    public double Predict(in BoundFeatures x, int row)
    {
        int node = 0;
        while (Feature[node] >= 0)
        {
            node = GoesLeft(node, x, row) ? Left[node] : Right[node];
        }
        return Value[node];
    }
}

/// <summary>
/// A feature matrix bound to a model's features: columns found by name (or by position when the names differ and
/// the counts agree), category codes mapped to the model's codes by label (unknown labels → −1).
/// </summary>
internal readonly struct BoundFeatures
{
    public BoundFeatures(double[]?[] numeric, int[]?[] codes, int[]?[] codeMap, bool float32)
    {
        Numeric = numeric;
        Codes = codes;
        CodeMap = codeMap;
        Float32 = float32;
    }

    public double[]?[] Numeric { get; }

    public int[]?[] Codes { get; }

    /// <summary>Per categorical feature: matrix code → model code, −1 when the model does not know the category.</summary>
    public int[]?[] CodeMap { get; }

    public bool Float32 { get; }
}
