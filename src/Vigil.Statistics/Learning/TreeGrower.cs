using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Vigil.Statistics.Learning;

/// <summary>
/// Grows one tree on binned data, best-first (leaf-wise) up to MaxLeafNodes, for squared error (hessian 1 per row):
/// a node's histogram holds, per feature and bin, the gradient sum and the row count. Only the smaller child's
/// histogram is built; the larger one's is the parent's minus it. Rows of a node are a contiguous segment of one
/// index array, partitioned in place (stably) at each split, so leaves end up as segments too.
/// </summary>
internal sealed class TreeGrower
{
    private const int MinCategorySupport = 10;
    private const int Stride = 2 * BinMapper.HistogramBins;
    private const int SequentialRows = 8_192;

    private readonly byte[][] _bins;
    private readonly int[] _binCount;
    private readonly bool[] _categorical;
    private readonly int _rows;
    private readonly int _features;
    private readonly GradientBoostingOptions _options;
    private readonly ParallelOptions _parallel;
    private readonly int[] _index;
    private readonly int[] _scratch;
    private readonly float[] _ordered;
    private readonly Stack<double[]> _pool = new();
    private readonly List<Node> _nodes = [];
    private double[]? _rootCounts;

    public TreeGrower(byte[][] bins, int rows, int[] binCount, bool[] categorical, GradientBoostingOptions options,
        ParallelOptions parallel)
    {
        _bins = bins;
        _rows = rows;
        _binCount = binCount;
        _categorical = categorical;
        _features = bins.Length;
        _options = options;
        _parallel = parallel;
        _index = new int[rows];
        _scratch = new int[rows];
        _ordered = new float[rows];
    }

    /// <summary>A split of a node: rows with bin ≤ Bin (or whose bin is in Bins) go left; the missing bin per MissingLeft.</summary>
    internal readonly record struct Split(double Gain, int Feature, int Bin, bool MissingLeft, ulong[]? Bins, double LeftGradient, double LeftCount);

    internal sealed class Node
    {
        public int Start;
        public int Count;
        public int Depth;
        public double SumGradient;
        public double[]? Histogram;
        public Split? Best;
        public int Left = -1;
        public int Right = -1;
        public double Value;
    }

    /// <summary>The grown tree's nodes (node 0 the root), valid until the next call.</summary>
    public IReadOnlyList<Node> Nodes => _nodes;

    /// <summary>
    /// Grows a tree on gradients <paramref name="g"/> and adds each leaf's value to <paramref name="raw"/> for its rows.
    /// </summary>
    public void Grow(float[] g, double[] raw)
    {
        _nodes.Clear();
        int[] index = _index;
        for (int i = 0; i < _rows; i++) index[i] = i;
        double sum = 0;
        for (int i = 0; i < _rows; i++) sum += g[i];

        var root = new Node { Start = 0, Count = _rows, Depth = 0, SumGradient = sum };
        _nodes.Add(root);
        var heap = new PriorityQueue<Node, double>();
        if (Splittable(root))
        {
            _rootCounts ??= RootCounts();
            root.Histogram = Rent();
            BuildHistogram(root, g, isRoot: true);
            Consider(root, heap);
        }
        int leaves = 1;
        int maxLeaves = _options.MaxLeafNodes;
        while (heap.Count > 0 && leaves < maxLeaves)
        {
            Node node = heap.Dequeue();
            Split split = node.Best!.Value;
            int leftCount = Partition(node, split);
            var left = new Node { Start = node.Start, Count = leftCount, Depth = node.Depth + 1, SumGradient = split.LeftGradient };
            var right = new Node
            {
                Start = node.Start + leftCount, Count = node.Count - leftCount, Depth = node.Depth + 1,
                SumGradient = node.SumGradient - split.LeftGradient,
            };
            node.Left = _nodes.Count;
            _nodes.Add(left);
            node.Right = _nodes.Count;
            _nodes.Add(right);
            leaves++;

            bool canLeft = Splittable(left), canRight = Splittable(right);
            if (leaves < maxLeaves && (canLeft || canRight))
            {
                Node small = left.Count <= right.Count ? left : right;
                Node large = ReferenceEquals(small, left) ? right : left;
                small.Histogram = Rent();
                BuildHistogram(small, g, isRoot: false);
                large.Histogram = node.Histogram!;
                Subtract(large.Histogram, small.Histogram);
                node.Histogram = null;
                if (canLeft) Consider(left, heap);
                else Release(left);
                if (canRight) Consider(right, heap);
                else Release(right);
            }
            else
            {
                Release(node);
            }
        }
        foreach (Node n in _nodes)
        {
            Release(n);
        }

        double lr = _options.LearningRate, l2 = _options.L2Regularization;
        foreach (Node n in _nodes)
        {
            if (n.Left >= 0) continue;
            n.Value = n.Count + l2 > 0 ? -lr * n.SumGradient / (n.Count + l2) : 0;
            double v = n.Value;
            for (int k = n.Start, end = n.Start + n.Count; k < end; k++)
            {
                raw[index[k]] += v;
            }
        }
    }

    private double[] RootCounts()
    {
        var counts = new double[_features * Stride];
        Parallel.For(0, _features, _parallel, f =>
        {
            Span<double> h = counts.AsSpan(f * Stride, Stride);
            foreach (byte b in _bins[f])
            {
                h[2 * b + 1] += 1;
            }
        });
        return counts;
    }

    private bool Splittable(Node n) =>
        n.Count >= 2 * _options.MinSamplesLeaf && (_options.MaxDepth is not { } d || n.Depth < d);

    private void Consider(Node n, PriorityQueue<Node, double> heap)
    {
        n.Best = FindSplit(n);
        if (n.Best is { } s)
        {
            heap.Enqueue(n, -s.Gain);
        }
        else
        {
            Release(n);
        }
    }

    /// <summary>A node keeps its histogram only while it waits in the heap to be split.</summary>
    private void Release(Node n)
    {
        if (n.Histogram is { } h)
        {
            _pool.Push(h);
            n.Histogram = null;
        }
    }

    private double[] Rent() => _pool.Count > 0 ? _pool.Pop() : new double[_features * Stride];

    private static void Subtract(double[] into, double[] minus)
    {
        Span<double> a = into;
        ReadOnlySpan<double> b = minus;
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<double>.Count;
            for (; i <= a.Length - w; i += w)
            {
                (new System.Numerics.Vector<double>(a[i..]) - new System.Numerics.Vector<double>(b[i..])).CopyTo(a[i..]);
            }
        }
        for (; i < a.Length; i++)
        {
            a[i] -= b[i];
        }
    }

    private void BuildHistogram(Node node, float[] g, bool isRoot)
    {
        int start = node.Start, count = node.Count;
        double[] hist = node.Histogram!;
        if (!isRoot)
        {
            int[] index = _index;
            float[] ordered = _ordered;
            for (int k = start, end = start + count; k < end; k++)
            {
                ordered[k] = g[index[k]];
            }
        }
        if (count < SequentialRows || _features == 1)
        {
            for (int f = 0; f < _features; f++)
            {
                BuildFeature(f, hist, g, start, count, isRoot);
            }
        }
        else
        {
            Parallel.For(0, _features, _parallel, f => BuildFeature(f, hist, g, start, count, isRoot));
        }
    }

    private void BuildFeature(int f, double[] hist, float[] g, int start, int count, bool isRoot)
    {
        Span<double> h = hist.AsSpan(f * Stride, Stride);
        h.Clear();
        ref double h0 = ref MemoryMarshal.GetReference(h);
        ref byte col = ref MemoryMarshal.GetArrayDataReference(_bins[f]);
        if (isRoot)
        {
            // Every row is in the root, so its counts never change: count once, then sum only gradients.
            ref float gr = ref MemoryMarshal.GetArrayDataReference(g);
            double[] counts = _rootCounts!;
            for (int i = 0; i < count; i++)
            {
                Unsafe.Add(ref h0, Unsafe.Add(ref col, i) * 2) += Unsafe.Add(ref gr, i);
            }
            for (int b = 1; b < Stride; b += 2)
            {
                h[b] = counts[f * Stride + b];
            }
        }
        else
        {
            ref int ix = ref MemoryMarshal.GetArrayDataReference(_index);
            ref float og = ref MemoryMarshal.GetArrayDataReference(_ordered);
            for (int k = start, end = start + count; k < end; k++)
            {
                ref double cell = ref Unsafe.Add(ref h0, Unsafe.Add(ref col, Unsafe.Add(ref ix, k)) * 2);
                cell += Unsafe.Add(ref og, k);
                Unsafe.Add(ref cell, 1) += 1;
            }
        }
    }

    private Split? FindSplit(Node node)
    {
        Split? best = null;
        double[] hist = node.Histogram!;
        for (int f = 0; f < _features; f++)
        {
            ReadOnlySpan<double> h = hist.AsSpan(f * Stride, Stride);
            Split? s = _categorical[f] ? CategoricalSplit(f, h, node) : NumericSplit(f, h, node);
            if (s is { } found && (best is null || found.Gain > best.Value.Gain))
            {
                best = found;
            }
        }
        return best;
    }

    private Split? NumericSplit(int f, ReadOnlySpan<double> h, Node node)
    {
        double total = node.SumGradient, count = node.Count;
        double l2 = _options.L2Regularization, msl = _options.MinSamplesLeaf;
        double parent = total * total / (count + l2);
        double gm = h[Stride - 2], cm = h[Stride - 1];
        int nb = _binCount[f];
        double bestGain = 0;
        int bestBin = -1;
        bool bestMissingLeft = false;
        double bestGl = 0, bestCl = 0;

        // Missing values to the right (and, when there are some, every non-missing bin may go left).
        int last = cm > 0 ? nb - 1 : nb - 2;
        double gl = 0, cl = 0;
        for (int b = 0; b <= last; b++)
        {
            gl += h[2 * b];
            cl += h[2 * b + 1];
            if (cl < msl) continue;
            double cr = count - cl;
            if (cr < msl) break;
            double gr = total - gl;
            double gain = gl * gl / (cl + l2) + gr * gr / (cr + l2) - parent;
            if (gain > bestGain)
            {
                bestGain = gain;
                bestBin = b;
                bestMissingLeft = cm <= 0 && cl > cr;
                bestGl = gl;
                bestCl = cl;
            }
        }
        if (cm > 0)
        {
            gl = gm;
            cl = cm;
            for (int b = 0; b <= nb - 2; b++)
            {
                gl += h[2 * b];
                cl += h[2 * b + 1];
                if (cl < msl) continue;
                double cr = count - cl;
                if (cr < msl) break;
                double gr = total - gl;
                double gain = gl * gl / (cl + l2) + gr * gr / (cr + l2) - parent;
                if (gain > bestGain)
                {
                    bestGain = gain;
                    bestBin = b;
                    bestMissingLeft = true;
                    bestGl = gl;
                    bestCl = cl;
                }
            }
        }
        return bestBin < 0 ? null : new Split(bestGain, f, bestBin, bestMissingLeft, null, bestGl, bestCl);
    }

    private Split? CategoricalSplit(int f, ReadOnlySpan<double> h, Node node)
    {
        double total = node.SumGradient, count = node.Count;
        double l2 = _options.L2Regularization, msl = _options.MinSamplesLeaf;
        double parent = total * total / (count + l2);
        int nb = _binCount[f];
        Span<int> used = stackalloc int[BinMapper.HistogramBins];
        Span<double> ratio = stackalloc double[BinMapper.HistogramBins];
        int n = 0;
        for (int b = 0; b < nb; b++)
        {
            if (h[2 * b + 1] >= MinCategorySupport) used[n++] = b;
        }
        if (h[Stride - 1] >= MinCategorySupport) used[n++] = BinMapper.MissingBin;
        if (n <= 1) return null;
        // Order the categories by smoothed mean gradient, as LightGBM and scikit-learn do (cat_smooth = 10).
        for (int i = 0; i < n; i++)
        {
            int b = used[i];
            ratio[i] = h[2 * b] / (h[2 * b + 1] + MinCategorySupport);
        }
        ratio[..n].Sort(used[..n]);

        double bestGain = 0, bestGl = 0, bestCl = 0;
        int bestTake = -1;
        bool bestReverse = false;
        int middle = (n + 1) / 2;
        for (int dir = 0; dir < 2; dir++)
        {
            double gl = 0, cl = 0;
            for (int i = 0; i < middle; i++)
            {
                int b = used[dir == 0 ? i : n - 1 - i];
                gl += h[2 * b];
                cl += h[2 * b + 1];
                if (cl < msl) continue;
                double cr = count - cl;
                if (cr < msl) break;
                double gr = total - gl;
                double gain = gl * gl / (cl + l2) + gr * gr / (cr + l2) - parent;
                if (gain > bestGain)
                {
                    bestGain = gain;
                    bestTake = i + 1;
                    bestReverse = dir == 1;
                    bestGl = gl;
                    bestCl = cl;
                }
            }
        }
        if (bestTake < 0) return null;
        var bits = new ulong[BinMapper.HistogramBins / 64];
        for (int i = 0; i < bestTake; i++)
        {
            int b = used[bestReverse ? n - 1 - i : i];
            bits[b >> 6] |= 1UL << (b & 63);
        }
        bool missingLeft = (bits[BinMapper.MissingBin >> 6] & (1UL << (BinMapper.MissingBin & 63))) != 0;
        return new Split(bestGain, f, -1, missingLeft, bits, bestGl, bestCl);
    }

    /// <summary>Whether a row with bin <paramref name="b"/> goes left under <paramref name="s"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool GoesLeft(in Split s, byte b)
    {
        if (s.Bins is { } bits)
        {
            return (bits[b >> 6] & (1UL << (b & 63))) != 0;
        }
        return b == BinMapper.MissingBin ? s.MissingLeft : b <= s.Bin;
    }

    private int Partition(Node node, Split split)
    {
        int[] index = _index, scratch = _scratch;
        byte[] col = _bins[split.Feature];
        int start = node.Start, end = node.Start + node.Count;
        int left = start, right = 0;
        if (split.Bins is null)
        {
            int bin = split.Bin;
            bool missingLeft = split.MissingLeft;
            for (int k = start; k < end; k++)
            {
                int i = index[k];
                byte b = col[i];
                bool goLeft = b == BinMapper.MissingBin ? missingLeft : b <= bin;
                if (goLeft) index[left++] = i;
                else scratch[right++] = i;
            }
        }
        else
        {
            for (int k = start; k < end; k++)
            {
                int i = index[k];
                if (GoesLeft(split, col[i])) index[left++] = i;
                else scratch[right++] = i;
            }
        }
        Array.Copy(scratch, 0, index, left, right);
        return left - start;
    }
}
