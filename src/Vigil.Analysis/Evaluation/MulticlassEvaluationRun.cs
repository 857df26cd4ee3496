using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Evaluation;

/// <summary>Multiclass classification: the engine counts the confusion matrix; when per-class probability columns
/// (<c>score_&lt;class&gt;</c>, <c>prob_&lt;class&gt;</c> or <c>proba_&lt;class&gt;</c>) exist for every class, it also sums the
/// log loss and streams each class's one-vs-rest score counts.</summary>
internal static class MulticlassEvaluationRun
{
    private const string Eps = "2.220446049250313e-16";

    /// <summary>The most classes a multiclass evaluation takes: its confusion matrix has classes² cells, per segment
    /// and period (100,000 classes would need 80 GB). docs/cli.md, "Limits".</summary>
    public const int MaxClasses = 1_000;

    /// <summary>Refuses more than <see cref="MaxClasses"/> distinct labels and predictions, before any matrix is built.</summary>
    internal static void CheckClasses(string source, string label, string prediction, long classes)
    {
        if (classes <= MaxClasses) return;
        throw new VigilInputException(string.Create(CultureInfo.InvariantCulture,
            $"{source}: {classes:N0} classes in '{label}' and '{prediction}'; a multiclass evaluation takes at most {MaxClasses:N0} (is this the right label column, or a regression: --task regression?)"));
    }

    public static EvaluationResult Run(EvaluationAnalysis.Context ctx)
    {
        var x = ctx.X;
        var label = ctx.Cols.Label!;
        var pred = ctx.Cols.Prediction!;
        var baseSql = $"SELECT {x.Text(label)} AS l_, {x.Text(pred)} AS p_ FROM {ctx.Source.Relation}";

        ctx.Progress.Stage("Counting the confusion matrix");
        var t = ctx.Engine.Query(
            $"SELECT l_, p_, count(*) AS n_ FROM ({baseSql}) b GROUP BY l_, p_");
        var cells = new List<(string L, string P, long N)>();
        long missingLabel = 0, missingPrediction = 0;
        for (var r = 0; r < t.RowCount; r++)
        {
            var n = t.GetInt64(2, r);
            if (t.IsNull(0, r)) { missingLabel += n; continue; }
            if (t.IsNull(1, r)) { missingPrediction += n; continue; }
            cells.Add((t.GetString(0, r)!, t.GetString(1, r)!, n));
        }
        var distinct = cells.Select(c => c.L).Concat(cells.Select(c => c.P)).Distinct(StringComparer.Ordinal).ToList();
        CheckClasses(ctx.Source.Description, label.Name, pred.Name, distinct.Count);
        var classes = SortClasses(distinct);
        var index = classes.Select((c, i) => (c, i)).ToDictionary(p => p.c, p => p.i, StringComparer.Ordinal);
        var matrix = new long[classes.Count, classes.Count];
        foreach (var (l, p, n) in cells) matrix[index[l], index[p]] += n;

        // Per-class probability columns.
        var probCols = new List<SourceColumn>();
        foreach (var c in classes)
        {
            var col = ctx.Source.Columns.FirstOrDefault(sc =>
                sc.Name == "score_" + c || sc.Name == "prob_" + c || sc.Name == "proba_" + c);
            if (col is null) { probCols.Clear(); break; }
            probCols.Add(col);
        }

        double? logLossSum = null;
        long logLossCount = 0;
        double?[]? aucs = null;
        if (probCols.Count == classes.Count && classes.Count > 0)
        {
            ctx.Progress.Stage("Computing log loss and one-vs-rest AUC");
            var clipped = probCols.Select(c => $"greatest(least({x.Number(c, "probability")}, 1 - {Eps}), {Eps})").ToArray();
            var sum = string.Join(" + ", clipped);
            var parameters = new List<object?>();
            var cases = new List<string>();
            for (var i = 0; i < classes.Count; i++)
            {
                parameters.Add(classes[i]);
                cases.Add($"WHEN l_ = ${parameters.Count} THEN {clipped[i]}");
            }
            var probSelect = string.Concat(probCols.Select((c, i) => $", {x.Number(c, "probability")} AS q{i}_"));
            var withProbs = $"SELECT {x.Text(label)} AS l_, {x.Text(pred)} AS p_{probSelect}, ({sum}) AS qsum_, (CASE {string.Join(" ", cases)} END) AS qtrue_ FROM {ctx.Source.Relation}";
            var ll = ctx.Engine.Query(
                $"SELECT sum(-ln(qtrue_ / qsum_)) AS s_, count(*) AS n_ FROM ({withProbs}) b WHERE l_ IS NOT NULL AND p_ IS NOT NULL AND qtrue_ IS NOT NULL",
                parameters);
            logLossCount = ll.GetInt64(1, 0);
            logLossSum = ll.IsNull(0, 0) ? null : ll.GetDouble(0, 0);

            aucs = new double?[classes.Count];
            for (var i = 0; i < classes.Count; i++)
            {
                var acc = new BinaryScoreAccumulator(new BinaryMetricOptions());
                ctx.Engine.Stream(
                    $"SELECT q{i}_ AS s_, {ctx.D.CountIf($"l_ = ${classes.Count + 1}")} AS pos_, {ctx.D.CountIf($"l_ <> ${classes.Count + 1}")} AS neg_ " +
                    $"FROM ({withProbs}) b WHERE l_ IS NOT NULL AND p_ IS NOT NULL AND q{i}_ IS NOT NULL AND {ctx.NotNaN($"q{i}_")} GROUP BY q{i}_ ORDER BY q{i}_ DESC",
                    [.. parameters, classes[i]],
                    chunk =>
                    {
                        var s = chunk.Doubles(0);
                        var p = chunk.Int64s(1);
                        var n = chunk.Int64s(2);
                        for (var r = 0; r < chunk.RowCount; r++) acc.Add(s[r], p[r], n[r]);
                    });
                var auc = acc.Finish().Metrics.First(m => m.Name == "roc_auc");
                aucs[i] = auc.Value;
            }
        }

        var eval = MulticlassMetrics.Evaluate(classes, matrix, logLossSum, logLossCount, aucs);
        var excluded = new Dictionary<string, long>(StringComparer.Ordinal);
        if (missingLabel > 0) excluded["missing_label"] = missingLabel;
        if (missingPrediction > 0) excluded["missing_prediction"] = missingPrediction;
        return new EvaluationResult
        {
            Source = ctx.Info,
            Task = ModelTask.Multiclass,
            Columns = ctx.Cols.Roles,
            Rows = eval.Rows,
            Excluded = excluded,
            Metrics = eval.Metrics,
            Multiclass = eval,
            Findings = EvaluationAnalysis.RowsKept(ctx, $"{x.Text(label)} AS l_, {x.Text(pred)} AS p_", "l_ IS NOT NULL AND p_ IS NOT NULL") is { } kept ? [kept] : [],
        };
    }

    /// <summary>Classes in scikit-learn's order: numerically when every label is a number, else ordinally.</summary>
    internal static IReadOnlyList<string> SortClasses(IEnumerable<string> labels)
    {
        var list = labels.ToList();
        if (list.All(l => double.TryParse(l, NumberStyles.Float, CultureInfo.InvariantCulture, out _)))
            return list.OrderBy(l => double.Parse(l, CultureInfo.InvariantCulture)).ToArray();
        return list.OrderBy(l => l, StringComparer.Ordinal).ToArray();
    }
}
