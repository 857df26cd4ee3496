using System.Diagnostics;

namespace Vigil.Statistics.Learning;

/// <summary>
/// The boosting loop of <see cref="GradientBoostedTrees.Fit"/>: baseline = mean of y; each iteration fits a tree
/// to the gradients of the half squared error (ŷ − y, hessian 1) and adds it, shrunk by the learning rate. With
/// early stopping, a seeded share of rows is held out and the fit stops as scikit-learn's <c>_should_stop</c>:
/// when none of the last n_iter_no_change validation scores (−loss) beats the score n_iter_no_change + 1
/// iterations back by more than tol.
/// </summary>
internal static class Booster
{
    private const int AutoEarlyStoppingRows = 10_000;

    public static GradientBoostedTrees Run(FeatureMatrix x, ReadOnlySpan<double> y, GradientBoostingOptions o, CancellationToken ct)
    {
        var clock = Stopwatch.StartNew();
        var parallel = new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = o.MaxDegreeOfParallelism ?? -1 };
        int n = x.RowCount;
        bool early = o.EarlyStopping == EarlyStoppingMode.On || (o.EarlyStopping == EarlyStoppingMode.Auto && n > AutoEarlyStoppingRows);
        int[]? train = null, valid = null;
        if (early && n >= 2)
        {
            (train, valid) = SplitRows(n, o.ValidationFraction, o.Seed);
        }
        else
        {
            early = false;
        }

        BinMapper mapper = BinMapper.Fit(x, train, o.MaxBins, o.Seed, parallel);
        byte[][] trainBins = mapper.Transform(x, train, parallel);
        byte[][]? validBins = valid is null ? null : mapper.Transform(x, valid, parallel);
        int nt = train?.Length ?? n;
        int nv = valid?.Length ?? 0;
        var yt = new double[nt];
        for (int i = 0; i < nt; i++) yt[i] = y[train is null ? i : train[i]];
        var yv = new double[nv];
        for (int i = 0; i < nv; i++) yv[i] = y[valid![i]];

        double baseline = Mean(yt);
        var raw = new double[nt];
        Array.Fill(raw, baseline);
        var rawValid = new double[nv];
        Array.Fill(rawValid, baseline);
        var g = new float[nt];
        var trainLoss = new List<double> { GradientsAndLoss(raw, yt, g) };
        var validLoss = new List<double>();
        if (early) validLoss.Add(HalfSquaredError(rawValid, yv));

        var categorical = new bool[x.FeatureCount];
        for (int j = 0; j < categorical.Length; j++) categorical[j] = x[j].Kind == FeatureKind.Categorical;
        var grower = new TreeGrower(trainBins, nt, mapper.BinCount, categorical, o, parallel);
        var trees = new List<RegressionTree>();
        bool stopped = false;
        for (int it = 0; it < o.MaxIterations; it++)
        {
            ct.ThrowIfCancellationRequested();
            grower.Grow(g, raw);
            trees.Add(ToTree(grower.Nodes, mapper, x));
            trainLoss.Add(GradientsAndLoss(raw, yt, g));
            if (early)
            {
                AddBinned(grower.Nodes, validBins!, rawValid);
                validLoss.Add(HalfSquaredError(rawValid, yv));
                if (ShouldStop(validLoss, o.NIterNoChange, o.Tolerance))
                {
                    stopped = true;
                    break;
                }
            }
        }

        double? r2 = early ? R2(rawValid, yv) : null;
        var names = x.Names.ToArray();
        var kinds = new FeatureKind[x.FeatureCount];
        var labels = new string[]?[x.FeatureCount];
        var known = new bool[]?[x.FeatureCount];
        for (int j = 0; j < kinds.Length; j++)
        {
            kinds[j] = x[j].Kind;
            if (kinds[j] == FeatureKind.Categorical)
            {
                labels[j] = [.. x[j].Categories];
                int[] codeToBin = mapper.CodeToBin[j]!;
                known[j] = [.. codeToBin.Select(b => b >= 0)];
            }
        }
        RegressionTree[] treeArray = [.. trees];
        int leaves = treeArray.Sum(t => t.LeafCount);
        var report = new FitReport(trees.Count, stopped, nt, nv, trainLoss, validLoss, r2, leaves, clock.Elapsed);
        return new GradientBoostedTrees(baseline, treeArray, names, kinds, labels, known, float32: false, report);
    }

    /// <summary>A seeded shuffle; the first ⌈fraction·n⌉ rows are held out (as scikit-learn's test_size), both sorted.</summary>
    private static (int[] Train, int[] Valid) SplitRows(int n, double fraction, ulong seed)
    {
        int nv = Math.Clamp((int)Math.Ceiling(fraction * n), 1, n - 1);
        var perm = new int[n];
        for (int i = 0; i < n; i++) perm[i] = i;
        var rng = new SplitMix64(seed);
        for (int i = n - 1; i > 0; i--)
        {
            int j = (int)rng.NextBelow((ulong)(i + 1));
            (perm[i], perm[j]) = (perm[j], perm[i]);
        }
        int[] valid = perm[..nv];
        int[] train = perm[nv..];
        Array.Sort(valid);
        Array.Sort(train);
        return (train, valid);
    }

    internal static bool ShouldStop(List<double> validLoss, int nIterNoChange, double tol)
    {
        int reference = nIterNoChange + 1;
        if (validLoss.Count < reference) return false;
        // scikit-learn compares scores (−loss): stop unless a recent score > reference score + tol.
        double referenceScore = -validLoss[^reference] + tol;
        for (int k = validLoss.Count - nIterNoChange; k < validLoss.Count; k++)
        {
            if (-validLoss[k] > referenceScore) return false;
        }
        return true;
    }

    private static double Mean(double[] v)
    {
        double s = 0;
        foreach (double d in v) s += d;
        return s / v.Length;
    }

    private static double GradientsAndLoss(double[] raw, double[] y, float[] g)
    {
        double loss = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            double d = raw[i] - y[i];
            g[i] = (float)d;
            loss += d * d;
        }
        return raw.Length == 0 ? 0 : 0.5 * loss / raw.Length;
    }

    private static double HalfSquaredError(double[] raw, double[] y)
    {
        double loss = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            double d = raw[i] - y[i];
            loss += d * d;
        }
        return raw.Length == 0 ? 0 : 0.5 * loss / raw.Length;
    }

    private static double R2(double[] raw, double[] y)
    {
        double mean = Mean(y), ss = 0, st = 0;
        for (int i = 0; i < y.Length; i++)
        {
            ss += (y[i] - raw[i]) * (y[i] - raw[i]);
            st += (y[i] - mean) * (y[i] - mean);
        }
        return st > 0 ? 1 - ss / st : (ss == 0 ? 1 : 0);
    }

    private static void AddBinned(IReadOnlyList<TreeGrower.Node> nodes, byte[][] bins, double[] raw)
    {
        for (int i = 0; i < raw.Length; i++)
        {
            int k = 0;
            while (nodes[k].Left >= 0)
            {
                TreeGrower.Split s = nodes[k].Best!.Value;
                k = TreeGrower.GoesLeft(s, bins[s.Feature][i]) ? nodes[k].Left : nodes[k].Right;
            }
            raw[i] += nodes[k].Value;
        }
    }

    /// <summary>The grown tree in raw feature space: bin thresholds become value thresholds, bins become codes.</summary>
    private static RegressionTree ToTree(IReadOnlyList<TreeGrower.Node> nodes, BinMapper mapper, FeatureMatrix x)
    {
        int m = nodes.Count;
        var feature = new int[m];
        var threshold = new double[m];
        var cats = new ulong[]?[m];
        var missingLeft = new bool[m];
        var left = new int[m];
        var right = new int[m];
        var value = new double[m];
        var cover = new double[m];
        for (int k = 0; k < m; k++)
        {
            TreeGrower.Node node = nodes[k];
            cover[k] = node.Count;
            left[k] = node.Left;
            right[k] = node.Right;
            if (node.Left < 0)
            {
                feature[k] = -1;
                value[k] = node.Value;
                continue;
            }
            TreeGrower.Split s = node.Best!.Value;
            feature[k] = s.Feature;
            missingLeft[k] = s.MissingLeft;
            if (s.Bins is null)
            {
                double[] t = mapper.Thresholds[s.Feature]!;
                threshold[k] = s.Bin < t.Length ? t[s.Bin] : double.PositiveInfinity;
            }
            else
            {
                int[] binToCode = mapper.BinToCode[s.Feature]!;
                var bits = new ulong[(x[s.Feature].Categories.Count + 63) / 64];
                for (int b = 0; b < binToCode.Length; b++)
                {
                    if ((s.Bins[b >> 6] & (1UL << (b & 63))) != 0)
                    {
                        int code = binToCode[b];
                        bits[code >> 6] |= 1UL << (code & 63);
                    }
                }
                cats[k] = bits;
                threshold[k] = double.NaN;
            }
        }
        return new RegressionTree(feature, threshold, cats, missingLeft, left, right, value, cover);
    }
}
