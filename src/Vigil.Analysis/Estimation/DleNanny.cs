using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Estimation;
using Vigil.Statistics.Learning;

namespace Vigil.Analysis.Estimation;

/// <summary>A feature the nanny reads: its name and whether the reference holds numbers (else categories, as text).</summary>
internal sealed record DleFeature(string Name, bool Numeric);

/// <summary>One set as DLE reads it: every row's label (y_, NULL where absent), prediction (p_), chunk key (k_),
/// timestamp in epoch seconds (t_), id as text (id_, for the sample's hash) and features (f0_, f1_, …), the features
/// read alike on both sets.</summary>
internal sealed class DleSide
{
    /// <summary>Columns of <see cref="StreamSql"/> before the features: y_, p_, k_, t_.</summary>
    public const int FeatureOffset = 4;

    public DleSide(OpenedSource source, ResolvedColumns cols, ChunkSpec chunk, IReadOnlyList<DleFeature> features)
    {
        Source = source;
        Cols = cols;
        var x = new RoleExpressions(source.Dialect, source.Description);
        var d = source.Dialect;
        Slicer = Slicer.For(new SliceSpec { Chunk = chunk }, source, cols.Timestamp?.Name);
        Slicer.CheckChunkCount();
        var y = cols.Label is { } l ? x.StrictNumber(l, "--label") : $"CAST(NULL AS {d.Double})";
        var ts = cols.Timestamp is { } t ? d.EpochSeconds(x.Timestamp(t)) : $"CAST(NULL AS {d.Double})";
        var items = features.Select((f, i) =>
        {
            var col = source.Columns.First(c => c.Name == f.Name);
            var e = f.Numeric ? x.Number(col, "feature") : x.Text(col);
            return $", {e} AS f{i.ToString(CultureInfo.InvariantCulture)}_";
        });
        var id = cols.Id is { } idCol ? x.Text(idCol) : $"CAST(NULL AS {d.Text})";
        BaseSql = $"SELECT {y} AS y_, {x.StrictNumber(cols.Prediction!, "--prediction")} AS p_{Slicer.Select}, {ts} AS t_, {id} AS id_{string.Concat(items)} FROM {source.Relation}";
        Ok = $"p_ IS NOT NULL AND abs(p_) < 1e308";
        Labelled = $"y_ IS NOT NULL AND abs(y_) < 1e308";
        var fcols = string.Concat(features.Select((_, i) => $", f{i.ToString(CultureInfo.InvariantCulture)}_"));
        StreamSql = $"SELECT y_, p_, k_, t_{fcols} FROM ({BaseSql}) b WHERE {Ok}";
    }

    public OpenedSource Source { get; }
    public ResolvedColumns Cols { get; }
    public Slicer Slicer { get; }
    public string BaseSql { get; }
    /// <summary>A row with a finite prediction.</summary>
    public string Ok { get; }
    /// <summary>A row with a finite label.</summary>
    public string Labelled { get; }
    /// <summary>y_, p_, k_, t_, then the features, of every row with a prediction, in the source's order.</summary>
    public string StreamSql { get; }
}

/// <summary>
/// The nanny models of DLE: one gradient-boosted tree regressor per loss (Vigil's learner in place of NannyML's LightGBM,
/// with the same size: 100 trees of 31 leaves, at least 20 rows a leaf, learning rate 0.1), trained on a seeded sample
/// of the labelled reference to predict the row's loss from the features and the model's prediction. A tenth of the
/// sample (its last rows in hash order) is held out to measure each nanny's fidelity: the R² of predicted against
/// realized loss.
/// </summary>
internal sealed class DleNanny
{
    /// <summary>Reference rows sampled to train on at most (as explanations sample for their surrogate).</summary>
    public const int MaxRows = 200_000;
    /// <summary>A nanny needs at least this many labelled reference rows.</summary>
    public const int MinRows = 50;
    /// <summary>Held-out rows for the fidelity only from this many sampled rows on.</summary>
    public const int MinRowsForFidelity = 200;
    public const int MaxCategories = 64;
    public const string Other = "(other)";

    private readonly IReadOnlyList<DleFeature> _features;
    private readonly Dictionary<string, int>?[] _codes;
    private readonly IReadOnlyList<string>[] _labels;
    private readonly int[] _otherCode;
    private readonly string _predictionName;

    private DleNanny(IReadOnlyList<DleFeature> features, Dictionary<string, int>?[] codes, IReadOnlyList<string>[] labels, int[] other, string predictionName)
    {
        _features = features;
        _codes = codes;
        _labels = labels;
        _otherCode = other;
        _predictionName = predictionName;
    }

    public Dictionary<DleLoss, GradientBoostedTrees> Models { get; } = [];
    /// <summary>Held-out R² per loss; null when too few rows were held out or the loss did not vary there.</summary>
    public Dictionary<DleLoss, double?> Fidelity { get; } = [];
    public int TrainRows { get; private set; }
    public int HeldOutRows { get; private set; }
    public long EligibleRows { get; private set; }
    /// <summary>Text features left out as identifiers (more than 64 distinct values, in more than half the sampled rows).</summary>
    public IReadOnlyList<string> Ignored { get; private set; } = [];

    /// <summary>Samples the labelled reference, codes its categories and trains one nanny per loss.</summary>
    public static DleNanny Train(DleSide side, IReadOnlyList<DleFeature> features, IReadOnlyCollection<DleLoss> losses, int seed, Action<string>? stage = null)
    {
        var source = side.Source;
        var d = source.Dialect;
        var eligible = $"SELECT * FROM ({side.BaseSql}) b WHERE {side.Ok} AND {side.Labelled}";
        var n = source.Engine.Query($"SELECT count(*) FROM ({eligible}) e").GetInt64(0, 0);
        if (n < MinRows)
            throw new VigilInputException($"{source.Description}: {n:N0} reference rows have both a label and a prediction; DLE's nanny models need at least {MinRows}");
        var fcols = string.Concat(features.Select((_, i) => $", f{i.ToString(CultureInfo.InvariantCulture)}_"));
        var hashParts = new List<string> { d.StringLiteral(seed.ToString(CultureInfo.InvariantCulture)) };
        if (side.Cols.Id is not null) hashParts.Add("id_");
        else
        {
            hashParts.Add(d.CastToText("p_"));
            hashParts.AddRange(features.Select((_, i) => $"coalesce({d.CastToText($"f{i.ToString(CultureInfo.InvariantCulture)}_")}, '')"));
        }
        var hashed = $"SELECT y_, p_{fcols}, {d.HashToUnit(d.ConcatWs("'|'", hashParts))} AS h_ FROM ({eligible}) e";
        var order = "h_, y_, p_" + string.Concat(features.Select((_, i) => $", f{i.ToString(CultureInfo.InvariantCulture)}_ NULLS FIRST"));
        string sql;
        if (n <= MaxRows) sql = $"SELECT * FROM ({hashed}) s ORDER BY {order}";
        else
        {
            var share = Math.Min(1.0, 1.1 * MaxRows / n + 50.0 / n);
            sql = $"SELECT * FROM ({hashed}) s WHERE h_ < {share.ToString("R", CultureInfo.InvariantCulture)} ORDER BY {order} LIMIT {MaxRows.ToString(CultureInfo.InvariantCulture)}";
        }
        stage?.Invoke(n <= MaxRows ? $"Training the nanny models on {n:N0} reference rows" : $"Training the nanny models on {MaxRows:N0} of {n:N0} reference rows");
        var t = source.Engine.Query(sql);
        var rows = t.RowCount;

        var codes = new Dictionary<string, int>?[features.Count];
        var labels = new IReadOnlyList<string>[features.Count];
        var other = new int[features.Count];
        var ignored = new List<string>();
        for (var j = 0; j < features.Count; j++)
        {
            other[j] = -1;
            labels[j] = [];
            if (features[j].Numeric) continue;
            var counts = new Dictionary<string, int>(StringComparer.Ordinal);
            foreach (var v in t.Strings(2 + j))
                if (v is not null) counts[v] = counts.GetValueOrDefault(v) + 1;
            if (counts.Count > MaxCategories && counts.Count > rows / 2)
            {
                // An identifier, not a category: every row its own value. Read as missing, so never split on.
                ignored.Add(features[j].Name);
                codes[j] = new Dictionary<string, int>(StringComparer.Ordinal);
                continue;
            }
            var top = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(MaxCategories).Select(kv => kv.Key).ToList();
            var map = new Dictionary<string, int>(StringComparer.Ordinal);
            for (var k = 0; k < top.Count; k++) map[top[k]] = k;
            if (counts.Count > MaxCategories)
            {
                other[j] = top.Count;
                top.Add(top.Contains(Other) ? Other + " " : Other);
            }
            codes[j] = map;
            labels[j] = top;
        }
        var nanny = new DleNanny(features, codes, labels, other, side.Cols.Prediction!.Name) { EligibleRows = n, Ignored = ignored };
        var x0 = nanny.Matrix(t, 1, 2);
        var yv = t.Doubles(0);
        var pv = t.Doubles(1);
        var held = rows >= MinRowsForFidelity ? rows / 10 : 0;
        var train = rows - held;
        nanny.TrainRows = train;
        nanny.HeldOutRows = held;
        var trainX = held == 0 ? x0 : Slice(x0, 0, train);
        var testX = held == 0 ? null : Slice(x0, train, rows);
        var options = new GradientBoostingOptions { MaxIterations = 100, MaxLeafNodes = 31, MinSamplesLeaf = 20, LearningRate = 0.1, EarlyStopping = EarlyStoppingMode.Off, Seed = (ulong)seed };
        foreach (var loss in losses)
        {
            var target = new double[rows];
            for (var i = 0; i < rows; i++) target[i] = DleMetrics.Loss(loss, yv[i], pv[i]);
            var model = GradientBoostedTrees.Fit(trainX, target.AsSpan(0, train), options);
            nanny.Models[loss] = model;
            nanny.Fidelity[loss] = testX is null ? null : R2(model.Predict(testX), target.AsSpan(train));
        }
        return nanny;
    }

    /// <summary>The nanny's input from a result: the prediction (column <paramref name="predictionColumn"/>) then the
    /// features from column <paramref name="firstFeature"/> on, categories coded as in training ("(other)" for a rare
    /// one pooled in training, missing for one never seen).</summary>
    public FeatureMatrix Matrix(Table t, int predictionColumn, int firstFeature)
    {
        var cols = new List<FeatureColumn>(_features.Count + 1) { FeatureColumn.Numeric(_predictionName, Finite(t.Doubles(predictionColumn))) };
        for (var j = 0; j < _features.Count; j++)
        {
            if (_features[j].Numeric)
            {
                cols.Add(FeatureColumn.Numeric(_features[j].Name, Finite(t.Doubles(firstFeature + j))));
                continue;
            }
            var text = t.Strings(firstFeature + j);
            var map = _codes[j]!;
            var codes = new int[text.Length];
            for (var i = 0; i < codes.Length; i++)
                codes[i] = text[i] is not { } v ? -1 : map.TryGetValue(v, out var c) ? c : _otherCode[j];
            cols.Add(FeatureColumn.Categorical(_features[j].Name, codes, _labels[j]));
        }
        return new FeatureMatrix(cols);
    }

    private static double[] Finite(ReadOnlySpan<double> values)
    {
        var a = values.ToArray();
        for (var i = 0; i < a.Length; i++) if (!double.IsFinite(a[i])) a[i] = double.NaN;
        return a;
    }

    private static FeatureMatrix Slice(FeatureMatrix x, int from, int to) =>
        new(x.Columns.Select(c => c.Kind == FeatureKind.Numeric
            ? FeatureColumn.Numeric(c.Name, c.Values![from..to])
            : FeatureColumn.Categorical(c.Name, c.Codes![from..to], c.Categories)));

    /// <summary>1 − SS_res / SS_tot; null when the realized values do not vary beyond rounding (1e-9 of their size).</summary>
    internal static double? R2(ReadOnlySpan<double> predicted, ReadOnlySpan<double> actual)
    {
        double mean = 0, scale = 0;
        foreach (var a in actual)
        {
            mean += a;
            scale = Math.Max(scale, Math.Abs(a));
        }
        mean /= actual.Length;
        double res = 0, tot = 0;
        for (var i = 0; i < actual.Length; i++)
        {
            res += (actual[i] - predicted[i]) * (actual[i] - predicted[i]);
            tot += (actual[i] - mean) * (actual[i] - mean);
        }
        var floor = 1e-9 * scale;
        return tot > actual.Length * floor * floor ? 1 - res / tot : null;
    }
}
