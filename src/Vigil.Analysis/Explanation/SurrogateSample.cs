using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Learning;

namespace Vigil.Analysis.Explanation;

/// <summary>What to read for a surrogate: the source, its resolved columns, an optional filter (one side of a
/// comparison) and segment key, and the sample's size and seed.</summary>
internal sealed record SampleRequest(OpenedSource Source, ResolvedColumns Cols, RoleExpressions X)
{
    /// <summary>A SQL predicate over the source's columns (e.g. <c>"model_version" = 'v2.0'</c>), or null for every row.</summary>
    public string? Filter { get; init; }
    /// <summary>What the filter keeps, for messages ("model_version = v2.0").</summary>
    public string? FilterName { get; init; }
    /// <summary>The segment key read beside each row, or null.</summary>
    public Slicer? Slicer { get; init; }
    /// <summary>At most this many rows are read (a seeded, deterministic sample).</summary>
    public int MaxRows { get; init; } = 200_000;
    public int Seed { get; init; } = 42;
    /// <summary>Categories kept per text column; the rest are one category, "(other)".</summary>
    public int MaxCategories { get; init; } = 64;
    /// <summary>True when the user named the features (--features): an identifier-like text column is then kept.</summary>
    public bool Named { get; init; }
    /// <summary>Feature columns left out before reading (a column that names the sides of a comparison).</summary>
    public IReadOnlySet<string> Skip { get; init; } = new HashSet<string>();
}

/// <summary>
/// The one place where a log's rows become a surrogate's training data. A seeded sample of at most
/// <see cref="SampleRequest.MaxRows"/> rows with a finite score is drawn in the engine: each row gets a pseudo-random
/// number from a hash of the seed and its id (or, without an id column, of its score and features:
/// <see cref="SqlDialect.HashToUnit"/>, available on every engine); rows below a cut-off a little above the share
/// needed are kept, ordered by that number (ties broken by the values themselves) and the first MaxRows taken. The
/// same seed and data give the same rows in the same order. Numeric features become numeric columns (NaN missing);
/// text and booleans become categories: the most frequent <see cref="SampleRequest.MaxCategories"/>, the rest
/// "(other)", null missing. The target is the score's logit when the scores are probabilities, else the raw score or
/// prediction.
/// </summary>
internal sealed class SurrogateSample
{
    /// <summary>The label of the pooled rare categories.</summary>
    public const string Other = "(other)";
    /// <summary>Probabilities are clipped to [Clip, 1 − Clip] before the logit.</summary>
    public const double Clip = 1e-6;
    /// <summary>Fewer sampled rows than this cannot be explained.</summary>
    public const int MinRows = 50;
    /// <summary>A score column with at least this share of its values in [0, 1] holds probabilities.</summary>
    public const double ProbabilityShare = 0.99;

    private SurrogateSample(IReadOnlyList<FeatureColumn> columns, IReadOnlyDictionary<string, string> reasons, double[] target, string targetKind,
        string targetColumn, long eligible, SliceKey[]? keys, long outOfRange)
    {
        OutOfRange = outOfRange;
        Columns = columns;
        Reasons = reasons;
        Target = target;
        TargetKind = targetKind;
        TargetColumn = targetColumn;
        EligibleRows = eligible;
        Keys = keys;
    }

    /// <summary>Every feature column read, in the order of the source's feature columns.</summary>
    public IReadOnlyList<FeatureColumn> Columns { get; }
    /// <summary>Columns that should not be explained from this sample, with the reason (constant, identifier-like, ...).</summary>
    public IReadOnlyDictionary<string, string> Reasons { get; }
    /// <summary>The surrogate's target per sampled row.</summary>
    public double[] Target { get; }
    /// <summary>"logit" or "raw".</summary>
    public string TargetKind { get; }
    public string TargetColumn { get; }
    /// <summary>Rows with a finite score (and passing the filter).</summary>
    public long EligibleRows { get; }
    /// <summary>Each sampled row's segment key, when a slicer was given.</summary>
    public SliceKey[]? Keys { get; }
    public int RowCount => Target.Length;
    /// <summary>Rows left out because their probability score was outside [0, 1].</summary>
    public long OutOfRange { get; }

    /// <summary>The matrix of the columns named in <paramref name="features"/> (in that order).</summary>
    public FeatureMatrix Matrix(IReadOnlyList<string> features) =>
        new(features.Select(f => Columns.First(c => c.Name == f)));

    /// <summary>Draws the sample and reads it. Input errors: no score, a text score, a constant score, too few rows.</summary>
    public static SurrogateSample Read(SampleRequest r, Action<string>? stage = null)
    {
        var (source, cols, x) = (r.Source, r.Cols, r.X);
        var d = source.Dialect;
        var where = r.FilterName is null ? "" : $" ({r.FilterName})";
        var targetCol = cols.Score ?? cols.Prediction
            ?? throw new VigilInputException($"{source.Description}: no score or prediction column to explain: expected '{MappingOptions.DefaultScore}' (or --score) or '{MappingOptions.DefaultPrediction}' (or --prediction)");
        var flag = cols.Score is not null ? "--score" : "--prediction";
        if (targetCol.Kind is not (ColumnKind.Double or ColumnKind.Int64 or ColumnKind.Boolean))
            throw new VigilInputException($"{source.Description}: column '{targetCol.Name}' ({flag}) is {targetCol.SqlType}; explain needs a numeric score or prediction{(targetCol.Kind == ColumnKind.String && cols.Score is null ? " (for a classifier's class labels, name one class's probability column with --score)" : "")}");

        var features = cols.Features.Where(f => !r.Skip.Contains(f.Name)).ToList();
        var items = new List<string>();
        var numeric = new List<bool>();
        var reasons = new Dictionary<string, string>(StringComparer.Ordinal);
        var read = new List<SourceColumn>();
        foreach (var f in features)
        {
            switch (f.Kind)
            {
                case ColumnKind.Double or ColumnKind.Int64:
                    items.Add(d.CastDouble(x.Col(f)));
                    numeric.Add(true);
                    read.Add(f);
                    break;
                case ColumnKind.String or ColumnKind.Boolean:
                    items.Add(x.Text(f));
                    numeric.Add(false);
                    read.Add(f);
                    break;
                default:
                    reasons[f.Name] = $"{f.SqlType}: timestamps are not used as features";
                    break;
            }
        }
        var fsel = string.Concat(items.Select((e, i) => $", {e} AS f{i.ToString(CultureInfo.InvariantCulture)}_"));
        var keySel = r.Slicer?.Select ?? "";
        var hashParts = new List<string> { d.StringLiteral(r.Seed.ToString(CultureInfo.InvariantCulture)) };
        if (cols.Id is not null) hashParts.Add(x.Text(cols.Id));
        else
        {
            hashParts.Add(d.CastToText(x.Col(targetCol)));
            hashParts.AddRange(read.Select(f => $"coalesce({x.Text(f)}, '')"));
        }
        var hash = d.HashToUnit(d.ConcatWs("'|'", hashParts));
        var filter = r.Filter is null ? "" : $" WHERE {r.Filter}";
        var eligible = $"SELECT * FROM (SELECT {x.Number(targetCol, flag)} AS s_{fsel}{keySel}, {hash} AS h_ FROM {source.Relation}{filter}) b " +
                       "WHERE s_ IS NOT NULL AND abs(s_) < 1e308";

        var stats = source.Engine.Query($"SELECT count(*) AS n_, min(s_) AS lo_, max(s_) AS hi_, {d.CountIf("s_ >= 0 AND s_ <= 1")} AS p_ FROM ({eligible}) e");
        var n = stats.GetInt64(0, 0);
        if (n < MinRows)
            throw new VigilInputException($"{source.Description}{where}: too few rows to explain: {n:N0} with a finite {targetCol.Name}; at least {MinRows} are needed");
        double lo = stats.GetDouble(1, 0), hi = stats.GetDouble(2, 0);
        if (lo == hi)
            throw new VigilInputException($"{source.Description}{where}: nothing to explain: the score is constant ({targetCol.Name} = {lo.ToString("R", CultureInfo.InvariantCulture)} in every row)");
        // A score column whose values are probabilities (all, or all but a few broken rows, which are left out) is
        // explained on the log-odds scale; anything else as it is.
        var inRange = stats.GetInt64(3, 0);
        var logit = cols.Score is not null && inRange >= ProbabilityShare * n;
        long outOfRange = 0;
        if (logit && inRange < n)
        {
            outOfRange = n - inRange;
            eligible += " AND s_ >= 0 AND s_ <= 1";
            n = inRange;
            var range = source.Engine.Query($"SELECT min(s_), max(s_) FROM ({eligible}) e");
            (lo, hi) = (range.GetDouble(0, 0), range.GetDouble(1, 0));
            if (n < MinRows)
                throw new VigilInputException($"{source.Description}{where}: too few rows to explain: {n:N0} with a {targetCol.Name} in [0, 1]; at least {MinRows} are needed");
            if (lo == hi)
                throw new VigilInputException($"{source.Description}{where}: nothing to explain: the score is constant ({targetCol.Name} = {lo.ToString("R", CultureInfo.InvariantCulture)} in every row with a score in [0, 1])");
        }

        stage?.Invoke(n <= r.MaxRows ? $"Reading {n:N0} rows" : $"Sampling {r.MaxRows:N0} of {n:N0} rows");
        var order = "h_, s_" + string.Concat(items.Select((_, i) => $", f{i.ToString(CultureInfo.InvariantCulture)}_ NULLS FIRST"));
        string sql;
        if (n <= r.MaxRows) sql = $"SELECT * FROM ({eligible}) e ORDER BY {order}";
        else
        {
            // A share a little above MaxRows / n passes the cut (the hash is uniform), so the ORDER BY … LIMIT sorts
            // about 1.1 × MaxRows rows, not n.
            var share = Math.Min(1.0, 1.1 * r.MaxRows / n + 50.0 / n);
            sql = $"SELECT * FROM ({eligible}) e WHERE h_ < {share.ToString("R", CultureInfo.InvariantCulture)} ORDER BY {order} LIMIT {r.MaxRows.ToString(CultureInfo.InvariantCulture)}";
        }
        var t = source.Engine.Query(sql);
        var rows = t.RowCount;
        if (rows < MinRows)
            throw new VigilInputException($"{source.Description}{where}: too few rows to explain: {rows:N0} sampled; at least {MinRows} are needed");

        var s = t.Doubles(0).ToArray();
        if (logit)
            for (var i = 0; i < s.Length; i++)
            {
                var p = Math.Clamp(s[i], Clip, 1 - Clip);
                s[i] = Math.Log(p / (1 - p));
            }

        var columns = new List<FeatureColumn>(read.Count);
        for (var j = 0; j < read.Count; j++)
        {
            var name = read[j].Name;
            if (numeric[j])
            {
                var v = t.Doubles(1 + j).ToArray();
                for (var i = 0; i < v.Length; i++) if (!double.IsFinite(v[i])) v[i] = double.NaN;
                columns.Add(FeatureColumn.Numeric(name, v));
                double first = double.NaN;
                var varies = false;
                var present = 0;
                foreach (var value in v)
                {
                    if (double.IsNaN(value)) continue;
                    present++;
                    if (double.IsNaN(first)) first = value;
                    else if (value != first) varies = true;
                }
                if (present == 0) reasons[name] = "no values in the sample";
                else if (!varies && present == rows) reasons[name] = "constant in the sample";
            }
            else
            {
                var text = t.Strings(1 + j);
                var col = Categorical(name, text, r.MaxCategories, out var distinct);
                columns.Add(col);
                var missing = col.Codes!.Count(c => c < 0);
                if (missing == rows) reasons[name] = "no values in the sample";
                else if (distinct == 1 && missing == 0) reasons[name] = "constant in the sample";
                else if (distinct > r.MaxCategories && distinct > rows / 2 && !r.Named)
                    reasons[name] = $"looks like an identifier ({distinct:N0} distinct values in {rows:N0} sampled rows); name it in --features to use it";
            }
        }
        SliceKey[]? keys = null;
        if (r.Slicer is { Width: > 0 } slicer)
        {
            keys = new SliceKey[rows];
            for (var i = 0; i < rows; i++) keys[i] = slicer.Read(t, i, column: 1 + read.Count);
        }
        return new SurrogateSample(columns, reasons, s, logit ? "logit" : "raw", targetCol.Name, n, keys, outOfRange);
    }

    /// <summary>Codes of the <paramref name="max"/> most frequent values (ties by ordinal order), the rest "(other)", null −1.</summary>
    private static FeatureColumn Categorical(string name, ReadOnlySpan<string?> values, int max, out int distinct)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var v in values)
            if (v is not null) counts[v] = counts.GetValueOrDefault(v) + 1;
        distinct = counts.Count;
        var top = counts.OrderByDescending(kv => kv.Value).ThenBy(kv => kv.Key, StringComparer.Ordinal).Take(max).Select(kv => kv.Key).ToList();
        var labels = new List<string>(top);
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var k = 0; k < top.Count; k++) index[top[k]] = k;
        var other = -1;
        if (counts.Count > max)
        {
            other = labels.Count;
            labels.Add(labels.Contains(Other) ? Other + " " : Other);
        }
        var codes = new int[values.Length];
        for (var i = 0; i < codes.Length; i++)
            codes[i] = values[i] is not { } v ? -1 : index.TryGetValue(v, out var c) ? c : other;
        return FeatureColumn.Categorical(name, codes, labels);
    }
}
