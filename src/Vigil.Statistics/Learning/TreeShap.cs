namespace Vigil.Statistics.Learning;

/// <summary>
/// Exact TreeSHAP (Lundberg, Erion and Lee, "Consistent Individualized Feature Attribution for Tree Ensembles",
/// Algorithm 2): one recursion over the tree per row, carrying the path of unique features with, for each, the
/// share of cover-weighted mass that flows through when the feature is absent (zero fraction), whether the row
/// flows through when present (one fraction) and the permutation weights. EXTEND adds a feature, UNWIND removes
/// one; at a leaf, each feature on the path receives weight × (one − zero) × value. O(leaves × depth²) per tree.
/// </summary>
internal static class TreeShap
{
    internal struct PathElement
    {
        public int Feature;
        public double Zero;
        public double One;
        public double Weight;
    }

    /// <summary>Scratch for one thread: the paths of every depth of a tree up to the given depth, and 1/k.</summary>
    internal sealed class Scratch
    {
        public Scratch(int maxDepth)
        {
            Paths = new PathElement[(maxDepth + 2) * (maxDepth + 3) / 2];
            Reciprocal = new double[maxDepth + 3];
            for (int k = 1; k < Reciprocal.Length; k++) Reciprocal[k] = 1.0 / k;
        }

        public PathElement[] Paths { get; }

        /// <summary>Reciprocal[k] = 1/k: the algorithm's divisions by small integers become multiplications.</summary>
        public double[] Reciprocal { get; }
    }

    /// <summary>Adds the tree's attributions for one row to <paramref name="phi"/> (one slot per feature).</summary>
    public static void Accumulate(RegressionTree tree, in BoundFeatures x, int row, Span<double> phi, Scratch scratch)
    {
        Recurse(tree, x, row, phi, scratch.Paths, scratch.Reciprocal, 0, 0, 0, 1.0, 1.0, -1);
    }

    private static void Recurse(RegressionTree tree, in BoundFeatures x, int row, Span<double> phi, PathElement[] buf,
        double[] inv, int offset, int depth, int node, double zero, double one, int feature)
    {
        // This call's path is buf[offset .. offset + depth]; the parent copied its own path there first.
        Span<PathElement> path = buf.AsSpan(offset, depth + 1);
        Extend(path, depth, zero, one, feature, inv);

        int split = tree.Feature[node];
        if (split < 0)
        {
            double value = tree.Value[node];
            for (int i = 1; i <= depth; i++)
            {
                double w = UnwoundSum(path, depth, i, inv);
                ref PathElement e = ref path[i];
                phi[e.Feature] += w * (e.One - e.Zero) * value;
            }
            return;
        }

        bool left = tree.GoesLeft(node, x, row);
        int hot = left ? tree.Left[node] : tree.Right[node];
        int cold = left ? tree.Right[node] : tree.Left[node];
        double cover = tree.Cover[node];
        double hotShare, coldShare;
        if (cover > 0)
        {
            hotShare = tree.Cover[hot] / cover;
            coldShare = tree.Cover[cold] / cover;
        }
        else
        {
            hotShare = coldShare = 0.5;
        }

        double incomingZero = 1, incomingOne = 1;
        int unique = depth;
        int k = 1;
        for (; k <= unique; k++)
        {
            if (path[k].Feature == split) break;
        }
        if (k <= unique)
        {
            incomingZero = path[k].Zero;
            incomingOne = path[k].One;
            Unwind(path, unique, k, inv);
            unique--;
        }

        int next = offset + depth + 1;
        // Each child gets its own copy of the (possibly unwound) path.
        path[..(unique + 1)].CopyTo(buf.AsSpan(next, unique + 1));
        Recurse(tree, x, row, phi, buf, inv, next, unique + 1, hot, incomingZero * hotShare, incomingOne, split);
        path[..(unique + 1)].CopyTo(buf.AsSpan(next, unique + 1));
        Recurse(tree, x, row, phi, buf, inv, next, unique + 1, cold, incomingZero * coldShare, 0, split);
    }

    /// <summary>EXTEND: path[0..l) holds l elements; appends one and updates the permutation weights.</summary>
    private static void Extend(Span<PathElement> path, int l, double zero, double one, int feature, double[] inv)
    {
        path[l].Feature = feature;
        path[l].Zero = zero;
        path[l].One = one;
        path[l].Weight = l == 0 ? 1.0 : 0.0;
        double r = inv[l + 1];
        for (int i = l - 1; i >= 0; i--)
        {
            double w = path[i].Weight;
            path[i + 1].Weight += one * w * ((i + 1) * r);
            path[i].Weight = zero * w * ((l - i) * r);
        }
    }

    /// <summary>UNWIND: removes element <paramref name="index"/> from path[0..=last], undoing its EXTEND.</summary>
    private static void Unwind(Span<PathElement> path, int last, int index, double[] inv)
    {
        double one = path[index].One;
        double zero = path[index].Zero;
        double next = path[last].Weight;
        double n1 = last + 1, r = inv[last + 1];
        if (one != 0)
        {
            double invOne = 1 / one;
            for (int j = last - 1; j >= 0; j--)
            {
                double t = path[j].Weight;
                double w = next * n1 * inv[j + 1] * invOne;
                path[j].Weight = w;
                next = t - w * zero * ((last - j) * r);
            }
        }
        else
        {
            double invZero = 1 / zero;
            for (int j = last - 1; j >= 0; j--)
            {
                path[j].Weight = path[j].Weight * n1 * invZero * inv[last - j];
            }
        }
        for (int j = index; j < last; j++)
        {
            path[j].Feature = path[j + 1].Feature;
            path[j].Zero = path[j + 1].Zero;
            path[j].One = path[j + 1].One;
        }
    }

    /// <summary>The total weight of the path with element <paramref name="index"/> unwound, without changing it.</summary>
    private static double UnwoundSum(Span<PathElement> path, int last, int index, double[] inv)
    {
        double one = path[index].One;
        double zero = path[index].Zero;
        double next = path[last].Weight;
        double total = 0;
        double n1 = last + 1, r = inv[last + 1];
        if (one != 0)
        {
            double scale = n1 / one;
            for (int j = last - 1; j >= 0; j--)
            {
                double t = next * scale * inv[j + 1];
                total += t;
                next = path[j].Weight - t * zero * ((last - j) * r);
            }
        }
        else if (zero != 0)
        {
            double scale = n1 / zero;
            for (int j = last - 1; j >= 0; j--)
            {
                total += path[j].Weight * scale * inv[last - j];
            }
        }
        return total;
    }
}
