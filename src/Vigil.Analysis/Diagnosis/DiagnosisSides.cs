using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Diagnosis;

/// <summary>One side of a diagnosis, read once: its resolved columns, the valid rows' confusion counts per distinct
/// score (descending), the sufficient statistics <c>vigil compare</c> tests a difference with, and the rows left out.</summary>
internal sealed record DiagnosisSide(OpenedSource Source, ResolvedColumns Cols, RoleExpressions X, ScoreCount[] Scores,
    VersionSummary Summary, IReadOnlyDictionary<string, long> Excluded)
{
    public string Name => Source.Description;

    /// <summary>The valid-row SELECT: s_ (score), y_ (label), plus <paramref name="extra"/> select items.</summary>
    public string ValidRows(string extra = "") =>
        $"SELECT * FROM (SELECT {X.StrictNumber(Cols.Score!, "--score")} AS s_, {X.BinaryLabel(Cols.Label!)} AS y_{extra} FROM {Source.Relation}) v " +
        $"WHERE s_ IS NOT NULL AND s_ >= 0 AND s_ <= 1 AND y_ IS NOT NULL";
}

/// <summary>Reads and checks the two sides. Bad input (no labels, labels that are not binary, a reference whose scores are
/// constant, a column the mapping names that a side lacks) is one <see cref="VigilInputException"/> line.</summary>
internal static class DiagnosisSides
{
    public static DiagnosisSide Read(OpenedSource source, DiagnoseOptions options, string side, BinaryMetricOptions metricOptions)
    {
        var name = source.Description;
        if (source.Engine.Query($"SELECT 1 FROM {source.Relation} LIMIT 1").RowCount == 0)
            throw new VigilInputException($"{name}: no rows");
        if (options.Mapping.Task is { } task && task != ModelTask.Binary)
            throw new VigilInputException($"--task {task.ToString().ToLowerInvariant()}: diagnose explains a binary classifier's drop (a score and 0/1 labels)");
        var cols = ColumnResolver.Resolve(source.Columns, options.Mapping, ColumnNeeds.Label | ColumnNeeds.ScoreOrPrediction, name);
        if (cols.Score is null)
            throw new VigilInputException($"{name}: no score column ('{MappingOptions.DefaultScore}' or --score): diagnose explains a binary classifier's drop, and needs the probability it gave");
        var x = new RoleExpressions(source.Dialect, name);
        var d = source.Dialect;
        var s = x.StrictNumber(cols.Score, "--score");
        var y = x.BinaryLabel(cols.Label!);
        var l = x.Col(cols.Label!);
        // One pass: the rows left out by reason, the labels' shape, and the valid scores' range.
        var reason =
            $"CASE WHEN snull_ OR s_ = CAST('NaN' AS {d.Double}) THEN 'missing_score' WHEN s_ IS NULL THEN 'non_numeric_score' " +
            "WHEN s_ < 0 OR s_ > 1 THEN 'score_out_of_range' WHEN lnull_ THEN 'missing_label' WHEN y_ IS NULL THEN 'invalid_label' END";
        var t = source.Engine.Query(
            $"SELECT r_, count(*) AS n_, min(s_) AS lo_, max(s_) AS hi_, {d.CountIf("y_ = 1")} AS pos_, min(lt_) AS ex_ FROM (" +
            $"SELECT {reason} AS r_, s_, y_, lt_ FROM (SELECT {s} AS s_, {y} AS y_, {x.Col(cols.Score)} IS NULL AS snull_, {l} IS NULL AS lnull_, {x.Text(cols.Label!)} AS lt_ FROM {source.Relation}) b) r GROUP BY r_");
        var excluded = new Dictionary<string, long>(StringComparer.Ordinal);
        long valid = 0, positives = 0, invalid = 0;
        double lo = double.NaN, hi = double.NaN;
        string? example = null;
        for (var r = 0; r < t.RowCount; r++)
        {
            var n = t.GetInt64(1, r);
            if (t.IsNull(0, r))
            {
                valid = n;
                positives = t.GetInt64(4, r);
                lo = t.GetDouble(2, r);
                hi = t.GetDouble(3, r);
                continue;
            }
            var why = t.GetString(0, r)!;
            excluded[why] = n;
            if (why == "invalid_label")
            {
                invalid = n;
                example = t.GetString(5, r);
            }
        }
        var label = cols.Label!.Name;
        if (invalid > 0 && invalid >= valid)
            throw new VigilInputException($"{name}: label column '{label}' holds values that are not binary (e.g. '{example}', {invalid.ToString("N0", CultureInfo.InvariantCulture)} rows): diagnose needs 0/1 or true/false labels; a multiclass or regression model is not supported");
        if (valid == 0)
            throw new VigilInputException($"{name}: no row has both a score in [0, 1] and a label in '{label}': diagnose compares realized performance, so the {side} needs labels");
        if (positives == 0 || positives == valid)
            throw new VigilInputException($"{name}: every labeled row is {(positives == 0 ? "negative" : "positive")} in '{label}': no {side} metric can be computed from one class");
        if (side == "reference" && lo == hi)
            throw new VigilInputException($"{name}: every score in '{cols.Score.Name}' is {hi.ToString("R", CultureInfo.InvariantCulture)}: constant scores rank nothing, so the reference cannot anchor a diagnosis");

        var scores = new List<ScoreCount>();
        var acc = new VersionAccumulator(metricOptions);
        var sides = new DiagnosisSide(source, cols, x, [], null!, excluded);
        source.Engine.Stream(
            $"SELECT s_, {d.CountIf("y_ = 1")} AS pos_, {d.CountIf("y_ = 0")} AS neg_ FROM ({sides.ValidRows()}) g GROUP BY s_ ORDER BY s_ DESC",
            null,
            chunk =>
            {
                var sc = chunk.Doubles(0);
                var p = chunk.Int64s(1);
                var n = chunk.Int64s(2);
                for (var i = 0; i < chunk.RowCount; i++)
                {
                    scores.Add(new ScoreCount(sc[i], p[i], n[i]));
                    acc.Add(sc[i], p[i], n[i]);
                }
            });
        return sides with { Scores = [.. scores], Summary = acc.Finish() };
    }
}
