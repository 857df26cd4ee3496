using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Association;
using Vigil.Statistics.Fairness;
using Vigil.Statistics.Learning;

namespace Vigil.Analysis.Fairness;

/// <summary>
/// Proxies: for each sensitive attribute, how well the non-sensitive features predict it, alone and together. A seeded
/// sample is drawn in the engine as <c>vigil explain</c> draws it (<see cref="SqlDialect.HashToUnit"/> of the seed and the
/// id, or of the row's values; a cut a little above the share needed, then ORDER BY the hash LIMIT n), so the same seed
/// and data give the same rows. On it, per attribute: the tree learner (<see cref="GradientBoostedTrees"/>, squared loss
/// on the 0/1 indicator of a value) with 3-fold cross-validation; the AUC of the pooled out-of-fold predictions, one
/// model for a two-valued attribute, one-vs-rest and macro-averaged over the values for more. Beside it the binned mutual
/// information (nats) between each feature (10 quantile bins, missing its own bin; categories as they are) and the
/// attribute.
/// </summary>
internal static class FairnessProxies
{
    public const int Folds = 3;
    /// <summary>A value of the attribute needs this many sampled rows to be predicted (one-vs-rest).</summary>
    public const int MinClassRows = 20;
    /// <summary>At most this many values are predicted (the most frequent).</summary>
    public const int MaxClasses = 10;
    public const int MaxCategories = 64;
    public const int MiBins = 10;
    /// <summary>Each feature alone is fitted on at most this many sampled rows.</summary>
    public const int SingleFeatureRows = 50_000;

    /// <summary>The first <c>rows</c> sampled rows cut into <see cref="Folds"/> folds (row i in fold i mod 3), with each
    /// fold's training and test columns.</summary>
    private sealed class CrossValidation
    {
        public CrossValidation(List<FeatureColumn> columns, int rows)
        {
            Rows = rows;
            for (var f = 0; f < Folds; f++)
            {
                TrainRows[f] = [.. Enumerable.Range(0, rows).Where(i => i % Folds != f)];
                TestRows[f] = [.. Enumerable.Range(0, rows).Where(i => i % Folds == f)];
                Train[f] = [.. columns.Select(c => Subset(c, TrainRows[f]))];
                Test[f] = [.. columns.Select(c => Subset(c, TestRows[f]))];
            }
        }

        public int Rows { get; }
        public int[][] TrainRows { get; } = new int[Folds][];
        public int[][] TestRows { get; } = new int[Folds][];
        public FeatureColumn[][] Train { get; } = new FeatureColumn[Folds][];
        public FeatureColumn[][] Test { get; } = new FeatureColumn[Folds][];
    }

    public static List<ProxyAttribute> Run(OpenedSource source, RoleExpressions x, ResolvedColumns cols, IReadOnlyList<SourceColumn> sensitive,
        FairnessAuditOptions o, List<string> notes, Action<string> stage)
    {
        var d = source.Dialect;
        var sensitiveNames = sensitive.Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
        var features = cols.Features.Where(f => !sensitiveNames.Contains(f.Name) && f.Kind is ColumnKind.Double or ColumnKind.Int64 or ColumnKind.String or ColumnKind.Boolean).ToList();
        if (features.Count == 0)
        {
            notes.Add("proxies: no feature columns besides the sensitive ones; nothing to check");
            return [];
        }
        var items = new List<string>();
        foreach (var s in sensitive) items.Add(x.Text(s));
        foreach (var f in features) items.Add(f.Kind is ColumnKind.Double or ColumnKind.Int64 ? d.CastDouble(x.Col(f)) : x.Text(f));
        var names = items.Select((_, i) => $"c{i.ToString(CultureInfo.InvariantCulture)}_").ToList();
        var hashParts = new List<string> { d.StringLiteral(o.Seed.ToString(CultureInfo.InvariantCulture)) };
        if (cols.Id is not null) hashParts.Add(x.Text(cols.Id));
        else hashParts.AddRange(items.Select(e => $"coalesce(CAST({e} AS {d.Text}), '')"));
        var hash = d.HashToUnit(d.ConcatWs("'|'", hashParts));
        var inner = $"SELECT {string.Join(", ", items.Select((e, i) => $"{e} AS {names[i]}"))}, {hash} AS h_ FROM {source.Relation}";
        var n = source.Engine.Query($"SELECT count(*) FROM {source.Relation}").GetInt64(0, 0);
        var order = "h_, " + string.Join(", ", names.Select(c => c + " NULLS FIRST"));
        string sql;
        if (n <= o.ProxyRows) sql = $"SELECT * FROM ({inner}) e ORDER BY {order}";
        else
        {
            var share = Math.Min(1.0, 1.1 * o.ProxyRows / n + 50.0 / n);
            sql = $"SELECT * FROM ({inner}) e WHERE h_ < {share.ToString("R", CultureInfo.InvariantCulture)} ORDER BY {order} LIMIT {o.ProxyRows.ToString(CultureInfo.InvariantCulture)}";
        }
        stage(n <= o.ProxyRows ? $"Proxies: reading {n:N0} rows" : $"Proxies: sampling {o.ProxyRows:N0} of {n:N0} rows");
        var t = source.Engine.Query(sql);
        var rows = t.RowCount;

        var columns = new List<FeatureColumn>();
        for (var j = 0; j < features.Count; j++)
        {
            var f = features[j];
            var c = sensitive.Count + j;
            FeatureColumn col;
            if (f.Kind is ColumnKind.Double or ColumnKind.Int64)
            {
                var v = t.Doubles(c).ToArray();
                for (var i = 0; i < v.Length; i++) if (!double.IsFinite(v[i]) || t.IsNull(c, i)) v[i] = double.NaN;
                col = FeatureColumn.Numeric(f.Name, v);
                if (v.All(double.IsNaN) || v.Where(z => !double.IsNaN(z)).Distinct().Count() < 2) continue;
            }
            else
            {
                col = Categorical(f.Name, t.Strings(c), MaxCategories, out var distinct);
                if (distinct < 2) continue;
                if (distinct > MaxCategories && distinct > rows / 2)
                {
                    notes.Add($"proxies: '{f.Name}' looks like an identifier ({distinct:N0} distinct values in {rows:N0} sampled rows) and was not used");
                    continue;
                }
            }
            columns.Add(col);
        }
        var result = new List<ProxyAttribute>();
        for (var a = 0; a < sensitive.Count; a++)
        {
            stage($"Proxies of {sensitive[a].Name}");
            result.Add(Attribute(sensitive[a].Name, t.Strings(a), columns, n, o));
        }
        return result;
    }

    private static ProxyAttribute Attribute(string name, ReadOnlySpan<string?> values, List<FeatureColumn> columns, long eligible, FairnessAuditOptions o)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in values) if (v is not null) counts[v] = counts.GetValueOrDefault(v) + 1;
        var classes = counts.Where(kv => kv.Value >= MinClassRows).OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal)
            .Take(MaxClasses).Select(kv => kv.Key).ToList();
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var rows = new List<int>();
        var y = new List<int>();
        for (var i = 0; i < values.Length; i++)
            if (values[i] is { } v && index.TryGetValue(v, out var k)) { rows.Add(i); y.Add(k); }
        ProxyAttribute Empty(string why) => new()
        {
            Attribute = name, Classes = classes, Rows = rows.Count, EligibleRows = eligible, Encoded = false, Cutoff = o.ProxyCutoff, Features = [],
            Finding = $"{name}: proxies not checked: {why}",
        };
        if (classes.Count < 2) return Empty($"fewer than two values with at least {MinClassRows} sampled rows");
        if (columns.Count == 0) return Empty("no usable feature columns");

        var sub = columns.Select(c => Subset(c, rows)).ToList();
        var codes = y.ToArray();
        var targets = classes.Count == 2 ? new[] { 0 } : Enumerable.Range(0, classes.Count).ToArray();
        var full = new CrossValidation(sub, rows.Count);
        // Each feature alone is fitted on the first SingleFeatureRows sampled rows (the sample is in hash order, so
        // they are a random subset): a one-feature model's AUC is stable at that size, and it cuts most of the cost.
        var small = rows.Count > SingleFeatureRows ? new CrossValidation(sub, SingleFeatureRows) : full;
        // The fits (one per value and fold) are independent: they run side by side, each learner on one thread, and
        // each writes its own out-of-fold slots, so the result does not depend on the scheduling.
        double Auc(CrossValidation cv, int[] featureIdx, int iterations)
        {
            var oof = new double[targets.Length][];
            var positive = new bool[targets.Length][];
            for (var t = 0; t < targets.Length; t++)
            {
                oof[t] = new double[cv.Rows];
                positive[t] = new bool[cv.Rows];
                for (var i = 0; i < cv.Rows; i++) positive[t][i] = codes[i] == targets[t];
            }
            Parallel.For(0, targets.Length * Folds, job =>
            {
                int t = job / Folds, f = job % Folds;
                var xtr = new FeatureMatrix(featureIdx.Select(j => cv.Train[f][j]));
                var ytr = cv.TrainRows[f].Select(i => positive[t][i] ? 1.0 : 0.0).ToArray();
                var model = GradientBoostedTrees.Fit(xtr, ytr, new GradientBoostingOptions
                {
                    MaxIterations = iterations,
                    EarlyStopping = EarlyStoppingMode.On,
                    Seed = unchecked((ulong)o.Seed),
                    MaxDegreeOfParallelism = 1,
                });
                var pred = model.Predict(new FeatureMatrix(featureIdx.Select(j => cv.Test[f][j])));
                for (var i = 0; i < pred.Length; i++) oof[t][cv.TestRows[f][i]] = pred[i];
            });
            var sum = 0.0;
            for (var t = 0; t < targets.Length; t++) sum += RankAuc.Compute(oof[t], positive[t]);
            return sum / targets.Length;
        }
        var all = Auc(full, [.. Enumerable.Range(0, sub.Count)], 100);
        var single = new List<ProxyFeature>();
        for (var j = 0; j < sub.Count; j++)
        {
            var auc = Auc(small, [j], 30);
            single.Add(new ProxyFeature(sub[j].Name, Finite(auc), MutualInfo(sub[j], codes)));
        }
        single = [.. single.OrderByDescending(p => p.Auc ?? 0).ThenBy(p => p.Feature, StringComparer.Ordinal)];
        var encoded = all >= o.ProxyCutoff;
        string finding;
        var auctext = all.ToString("0.00", CultureInfo.InvariantCulture);
        var cut = o.ProxyCutoff.ToString("0.0#", CultureInfo.InvariantCulture);
        if (encoded)
        {
            var strong = single.Where(p => p.Auc >= o.ProxyCutoff).Select(p => p.Feature).Take(3).ToList();
            if (strong.Count == 0) strong = single.Take(2).Select(p => p.Feature).ToList();
            var who = strong.Count == 1 ? strong[0] : string.Join(", ", strong.Take(strong.Count - 1)) + " and " + strong[^1];
            var together = single.Count(p => p.Auc >= o.ProxyCutoff) == 0 ? " together" : "";
            finding = $"Would dropping {name} from the model's inputs remove it? No: {who} predict{(strong.Count == 1 ? "s" : "")} {name}{together} " +
                      $"(all features: cross-validated AUC {auctext}, at or above {cut})";
        }
        else
            finding = $"Would dropping {name} from the model's inputs remove it? Largely yes: the other features predict {name} with AUC {auctext} (below {cut})" +
                      (single.Count > 0 && single[0].Auc is { } best ? $"; the strongest alone is {single[0].Feature} (AUC {best.ToString("0.00", CultureInfo.InvariantCulture)})" : "");
        return new ProxyAttribute
        {
            Attribute = name, Classes = classes, Rows = rows.Count, EligibleRows = eligible, AllFeaturesAuc = Finite(all), Encoded = encoded,
            Cutoff = o.ProxyCutoff, Features = single, Finding = finding,
        };
    }

    private static double? Finite(double v) => double.IsFinite(v) ? v : null;

    /// <summary>Binned mutual information (nats) of a feature with the attribute's value codes.</summary>
    internal static double MutualInfo(FeatureColumn c, int[] y)
    {
        int[] codes;
        if (c.Kind == FeatureKind.Numeric)
        {
            var v = c.Values!;
            codes = new int[v.Length];
            var present = Enumerable.Range(0, v.Length).Where(i => !double.IsNaN(v[i])).ToArray();
            Array.Fill(codes, -1);
            var bins = MutualInformation.QuantileBins(present.Select(i => v[i]).ToArray(), MiBins);
            for (var k = 0; k < present.Length; k++) codes[present[k]] = bins[k];
        }
        else codes = c.Codes!;
        var m = MutualInformation.FromCodes(codes, y).Value;
        return double.IsFinite(m) ? m : 0;
    }

    private static FeatureColumn Subset(FeatureColumn c, IReadOnlyList<int> rows)
    {
        if (c.Kind == FeatureKind.Numeric)
        {
            var v = new double[rows.Count];
            for (var i = 0; i < v.Length; i++) v[i] = c.Values![rows[i]];
            return FeatureColumn.Numeric(c.Name, v);
        }
        var k = new int[rows.Count];
        for (var i = 0; i < k.Length; i++) k[i] = c.Codes![rows[i]];
        return FeatureColumn.Categorical(c.Name, k, c.Categories);
    }

    /// <summary>Codes of the most frequent values (ties by ordinal order), the rest one "(other)" category, null −1.</summary>
    private static FeatureColumn Categorical(string name, ReadOnlySpan<string?> values, int max, out int distinct)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in values) if (v is not null) counts[v] = counts.GetValueOrDefault(v) + 1;
        distinct = counts.Count;
        var labels = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(max).Select(kv => kv.Key).ToList();
        var index = labels.Select((l, i) => (l, i)).ToDictionary(p => p.l, p => p.i, StringComparer.Ordinal);
        var other = -1;
        if (counts.Count > max)
        {
            other = labels.Count;
            labels.Add("(other)");
        }
        var codes = new int[values.Length];
        for (var i = 0; i < codes.Length; i++) codes[i] = values[i] is not { } v ? -1 : index.TryGetValue(v, out var c) ? c : other;
        return FeatureColumn.Categorical(name, codes, labels);
    }
}
