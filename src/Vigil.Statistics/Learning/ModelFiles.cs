using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Vigil.Statistics.Learning;

public sealed partial class GradientBoostedTrees
{
    private static readonly byte[] Magic = "VGBT"u8.ToArray();
    private const int FormatVersion = 1;

    /// <summary>
    /// Writes the model in Vigil's binary format (magic "VGBT", format version, features, base score, trees;
    /// doubles bit for bit), so <see cref="Load"/> gives identical predictions and SHAP values. The fit report is not saved.
    /// </summary>
    public void Save(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var w = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        w.Write(Magic);
        w.Write(FormatVersion);
        w.Write(FeatureNames.Count);
        for (int j = 0; j < FeatureNames.Count; j++)
        {
            w.Write(FeatureNames[j]);
            w.Write((byte)_kinds[j]);
            if (_kinds[j] == FeatureKind.Categorical)
            {
                string[] labels = _categories[j]!;
                w.Write(labels.Length);
                for (int k = 0; k < labels.Length; k++)
                {
                    w.Write(labels[k]);
                    w.Write(_knownCategories[j]![k]);
                }
            }
        }
        w.Write(Float32Thresholds);
        w.Write(BaseScore);
        w.Write(_trees.Length);
        foreach (RegressionTree t in _trees)
        {
            w.Write(t.NodeCount);
            for (int k = 0; k < t.NodeCount; k++)
            {
                w.Write(t.Feature[k]);
                w.Write(t.Left[k]);
                w.Write(t.Right[k]);
                w.Write(t.Value[k]);
                w.Write(t.Cover[k]);
                w.Write(t.Threshold[k]);
                w.Write(t.MissingLeft[k]);
                ulong[]? cats = t.Categories[k];
                w.Write(cats?.Length ?? -1);
                if (cats is not null)
                {
                    foreach (ulong c in cats) w.Write(c);
                }
            }
        }
    }

    /// <summary>Reads a model written by <see cref="Save"/>.</summary>
    /// <exception cref="InvalidDataException">The stream is not a Vigil tree model, or of a newer format version.</exception>
    public static GradientBoostedTrees Load(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var r = new BinaryReader(stream, Encoding.UTF8, leaveOpen: true);
        try
        {
            if (!r.ReadBytes(4).AsSpan().SequenceEqual(Magic))
            {
                throw new InvalidDataException("Not a Vigil tree model (the stream does not start with 'VGBT').");
            }
            int version = r.ReadInt32();
            if (version != FormatVersion)
            {
                throw new InvalidDataException($"Tree model format version {version} is not supported (this Vigil reads version {FormatVersion}).");
            }
            int f = Count(r.ReadInt32());
            var names = new string[f];
            var kinds = new FeatureKind[f];
            var labels = new string[]?[f];
            var known = new bool[]?[f];
            for (int j = 0; j < f; j++)
            {
                names[j] = r.ReadString();
                kinds[j] = (FeatureKind)r.ReadByte();
                if (kinds[j] == FeatureKind.Categorical)
                {
                    int k = Count(r.ReadInt32());
                    labels[j] = new string[k];
                    known[j] = new bool[k];
                    for (int c = 0; c < k; c++)
                    {
                        labels[j]![c] = r.ReadString();
                        known[j]![c] = r.ReadBoolean();
                    }
                }
                else if (kinds[j] != FeatureKind.Numeric)
                {
                    throw new InvalidDataException($"Feature '{names[j]}' has an unknown kind {(int)kinds[j]}.");
                }
            }
            bool float32 = r.ReadBoolean();
            double baseScore = r.ReadDouble();
            int treeCount = Count(r.ReadInt32());
            var trees = new RegressionTree[treeCount];
            for (int t = 0; t < treeCount; t++)
            {
                int m = Count(r.ReadInt32());
                var feature = new int[m];
                var left = new int[m];
                var right = new int[m];
                var value = new double[m];
                var cover = new double[m];
                var threshold = new double[m];
                var missingLeft = new bool[m];
                var cats = new ulong[]?[m];
                for (int k = 0; k < m; k++)
                {
                    feature[k] = r.ReadInt32();
                    left[k] = r.ReadInt32();
                    right[k] = r.ReadInt32();
                    value[k] = r.ReadDouble();
                    cover[k] = r.ReadDouble();
                    threshold[k] = r.ReadDouble();
                    missingLeft[k] = r.ReadBoolean();
                    int words = r.ReadInt32();
                    if (words >= 0)
                    {
                        cats[k] = new ulong[Count(words)];
                        for (int c = 0; c < words; c++) cats[k]![c] = r.ReadUInt64();
                    }
                }
                trees[t] = Checked(new RegressionTree(feature, threshold, cats, missingLeft, left, right, value, cover), kinds, t);
            }
            return new GradientBoostedTrees(baseScore, trees, names, kinds, labels, known, float32, report: null);
        }
        catch (EndOfStreamException)
        {
            throw new InvalidDataException("The tree model is truncated.");
        }
    }

    private static int Count(int n) =>
        n is >= 0 and <= 1 << 28 ? n : throw new InvalidDataException($"Corrupt tree model: a count of {n}.");

    /// <summary>Rejects trees whose node references would loop or point outside the tree.</summary>
    private static RegressionTree Checked(RegressionTree tree, FeatureKind[] kinds, int index)
    {
        for (int k = 0; k < tree.NodeCount; k++)
        {
            int f = tree.Feature[k];
            if (f < 0) continue;
            if (f >= kinds.Length || tree.Left[k] <= k || tree.Right[k] <= k || tree.Left[k] >= tree.NodeCount ||
                tree.Right[k] >= tree.NodeCount || (kinds[f] == FeatureKind.Categorical) != (tree.Categories[k] is not null))
            {
                throw new InvalidDataException($"Corrupt tree model: tree {index}, node {k}.");
            }
        }
        return tree;
    }

    /// <summary>
    /// Loads trees trained by xgboost from its JSON dump: a JSON array with one object per tree, as written by
    /// <c>booster.dump_model(path, dump_format="json", with_stats=True)</c> (or the strings of
    /// <c>get_dump(dump_format="json", with_stats=True)</c> joined into an array). Each split sends a row left
    /// ("yes") when float32(x) &lt; split_condition, a missing value to "missing"; covers must be present
    /// (<c>with_stats=True</c>) for TreeSHAP. <paramref name="baseScore"/> is the booster's base_score
    /// (the margin every prediction starts from).
    /// </summary>
    /// <param name="dumpJson">The dump.</param>
    /// <param name="baseScore">xgboost's base_score.</param>
    /// <param name="featureNames">The features in xgboost's order; when null, features are named f0, f1, … and the
    /// count is one more than the largest index a split uses (or <paramref name="featureCount"/>).</param>
    /// <param name="featureCount">The number of features when <paramref name="featureNames"/> is null.</param>
    /// <exception cref="FormatException">The dump is not a JSON array of xgboost trees.</exception>
    public static GradientBoostedTrees FromXgboostJson(string dumpJson, double baseScore,
        IReadOnlyList<string>? featureNames = null, int? featureCount = null)
    {
        ArgumentNullException.ThrowIfNull(dumpJson);
        using JsonDocument doc = JsonDocument.Parse(dumpJson);
        if (doc.RootElement.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("An xgboost JSON dump is an array of trees.");
        }
        Dictionary<string, int>? byName = null;
        if (featureNames is not null)
        {
            byName = new Dictionary<string, int>(StringComparer.Ordinal);
            for (int j = 0; j < featureNames.Count; j++) byName[featureNames[j]] = j;
        }
        var trees = new List<RegressionTree>();
        int maxFeature = -1;
        foreach (JsonElement root in doc.RootElement.EnumerateArray())
        {
            var b = new XgbTreeBuilder(byName);
            b.Add(root);
            RegressionTree tree = b.Build();
            foreach (int f in tree.Feature) maxFeature = Math.Max(maxFeature, f);
            trees.Add(tree);
        }
        string[] names;
        if (featureNames is not null)
        {
            names = [.. featureNames];
        }
        else
        {
            int count = featureCount ?? maxFeature + 1;
            if (count <= maxFeature)
            {
                throw new FormatException($"The dump splits on f{maxFeature}; featureCount is {count}.");
            }
            names = new string[Math.Max(count, 1)];
            for (int j = 0; j < names.Length; j++) names[j] = "f" + j.ToString(CultureInfo.InvariantCulture);
        }
        var kinds = new FeatureKind[names.Length];
        return new GradientBoostedTrees(baseScore, [.. trees], names, kinds, new string[]?[names.Length],
            new bool[]?[names.Length], float32: true, report: null);
    }

    /// <summary>Flattens one xgboost JSON tree into pre-order arrays.</summary>
    private sealed class XgbTreeBuilder(Dictionary<string, int>? byName)
    {
        private readonly List<int> _feature = [];
        private readonly List<double> _threshold = [];
        private readonly List<bool> _missingLeft = [];
        private readonly List<int> _left = [];
        private readonly List<int> _right = [];
        private readonly List<double> _value = [];
        private readonly List<double> _cover = [];

        public int Add(JsonElement node)
        {
            int k = _feature.Count;
            _feature.Add(-1);
            _threshold.Add(0);
            _missingLeft.Add(false);
            _left.Add(-1);
            _right.Add(-1);
            _value.Add(0);
            _cover.Add(node.TryGetProperty("cover", out JsonElement c) ? c.GetDouble() : 0);
            if (node.TryGetProperty("leaf", out JsonElement leaf))
            {
                _value[k] = leaf.GetDouble();
                return k;
            }
            string split = node.GetProperty("split").GetString() ?? throw new FormatException("A split without a feature.");
            int feature;
            if (byName is not null && byName.TryGetValue(split, out int named))
            {
                feature = named;
            }
            else if (split.Length > 1 && split[0] == 'f' && int.TryParse(split.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out int fi))
            {
                feature = fi;
            }
            else
            {
                throw new FormatException($"Unknown split feature '{split}'.");
            }
            // xgboost: yes when float32(x) < float32(condition); here x ≤ the largest double below it (x already float32).
            double condition = (float)node.GetProperty("split_condition").GetDouble();
            int yes = node.GetProperty("yes").GetInt32();
            int no = node.GetProperty("no").GetInt32();
            int missing = node.TryGetProperty("missing", out JsonElement m) ? m.GetInt32() : yes;
            JsonElement? yesNode = null, noNode = null;
            foreach (JsonElement child in node.GetProperty("children").EnumerateArray())
            {
                int id = child.GetProperty("nodeid").GetInt32();
                if (id == yes) yesNode = child;
                else if (id == no) noNode = child;
            }
            if (yesNode is null || noNode is null)
            {
                throw new FormatException($"Node {node.GetProperty("nodeid").GetInt32()} lacks its yes or no child.");
            }
            _feature[k] = feature;
            _threshold[k] = Math.BitDecrement(condition);
            _missingLeft[k] = missing == yes;
            _left[k] = Add(yesNode.Value);
            _right[k] = Add(noNode.Value);
            return k;
        }

        public RegressionTree Build() => new(
            [.. _feature], [.. _threshold], new ulong[]?[_feature.Count], [.. _missingLeft],
            [.. _left], [.. _right], [.. _value], [.. _cover]);
    }
}
