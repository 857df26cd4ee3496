using System.CommandLine;
using System.Globalization;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil estimate</c>: performance without labels (CBPE for binary classifiers, DLE for regression models).</summary>
internal static class EstimateCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var reference = new Option<string[]>("--reference", "-r") { Description = "The labelled reference (e.g. the test set, or a period whose labels have arrived): a CSV, TSV, Parquet or JSON-lines file, a glob, a DuckDB file (with --reference-table), a PostgreSQL or ClickHouse URL (with --reference-table or --reference-sql).", Required = true, AllowMultipleArgumentsPerToken = true };
        var analysis = new Option<string[]>("--analysis", "-a") { Description = "The predictions to estimate, labels not needed (where labels exist the realized value is shown beside the estimate), in the same forms.", Required = true, AllowMultipleArgumentsPerToken = true };
        var referenceTable = new Option<string?>("--reference-table") { Description = "Table to read the reference from (a DuckDB file, PostgreSQL or ClickHouse)." };
        var referenceSql = new Option<string?>("--reference-sql") { Description = "Query to read the reference with (PostgreSQL or ClickHouse)." };
        var analysisTable = new Option<string?>("--analysis-table") { Description = "Table to read the analysis set from." };
        var analysisSql = new Option<string?>("--analysis-sql") { Description = "Query to read the analysis set with (PostgreSQL or ClickHouse)." };
        var chunk = new Option<string?>("--chunk") { Description = "Chunks: day, week (by --timestamp) or a number of rows (default: each set in 10 chunks of equal rows, as NannyML)." };
        var threshold = new Option<string?>("--threshold") { Description = "Binary classifiers: predicted positive when score >= threshold (default: read from the prediction column when there is one, else 0.5)." };
        var metrics = new Option<string?>("--metrics") { Description = $"Comma-separated metrics to estimate, the first one detailed (default: {string.Join(",", EstimationAnalysis.BinaryMetrics)} for a binary classifier; {string.Join(",", MulticlassEstimation.Metrics)} for a multiclass one; {string.Join(",", Vigil.Statistics.Estimation.DleMetrics.All)} for a regression model, msle and rmsle only when targets and predictions are >= 0)." };
        var minChunk = new Option<string?>("--min-chunk-rows") { Description = "A chunk of the analysis set needs at least this many rows for a meaningful band (default 100)." };
        var fixedThresholds = new Option<string[]>("--alert-threshold") { Description = "Fixed alert bounds for a metric instead of the learned ones, repeatable: roc_auc=0.75:1, f1=0.6:, mae=:4.5 (empty side: no bound).", AllowMultipleArgumentsPerToken = true };
        var cmd = new Command("estimate",
            "Estimate a model's performance per chunk without labels, with NannyML's methods. A binary classifier gets " +
            "confidence-based performance estimation (CBPE): the labelled reference decides whether isotonic calibration makes " +
            "its scores more trustworthy (held-out folds) and fits it; each chunk's expected confusion matrix follows from its " +
            "calibrated scores, and from it ROC AUC, average precision, F1, precision, recall, specificity and accuracy. A " +
            "multiclass classifier (text or few-valued labels, a prediction column and one probability column per class named " +
            "proba_<class>, prob_<class> or score_<class>) gets CBPE class by class, one-vs-rest, with macro averages of " +
            "ROC AUC, F1, precision, recall and specificity, and accuracy. A " +
            "regression model (a numeric label and prediction, no score column) gets direct loss estimation (DLE): a nanny " +
            "model of gradient-boosted trees per loss learns on the reference to predict each row's loss from its features and " +
            "prediction, and a chunk's MAE, MSE, RMSE, MAPE, MSLE and RMSLE are estimated from the predicted losses. Each " +
            "estimate has a band of ± 3 standard errors (NannyML's sampling error). Alerts fire when an estimate leaves the " +
            "thresholds learned on the reference's chunks (mean ± 3σ of the realized metric). Where the analysis set has " +
            "labels, the realized value stands beside the estimate. Both methods assume no concept drift; the report states " +
            "the assumptions and warns where they visibly fail.\n\n" +
            "Examples:\n" +
            "  vigil estimate --reference test_set.parquet --analysis 'traffic/2026-06-*.parquet' --chunk week\n" +
            "  vigil estimate -r reference.csv -a current.csv --score score --label label --chunk day --out estimate.html\n" +
            "  vigil estimate -r ref.csv -a cur.csv --metrics f1,roc_auc --alert-threshold f1=0.7: --fail-on error --format json\n" +
            "  vigil estimate -r products_feb.csv -a products_mar.csv --label label --prediction prediction --chunk week   (multiclass, proba_<class> columns)\n" +
            "  vigil estimate -r trips_feb.csv -a trips_mar.csv --label minutes --id trip_id --chunk week   (regression: DLE)");
        common.FailOn.Description = "Exit 1 (after writing the report) on: error (an estimate outside its thresholds) or warning (also an assumption that visibly fails); comma-separated.";
        foreach (var o in new Option[] { reference, referenceTable, referenceSql, analysis, analysisTable, analysisSql, common.MaxShippedRows, chunk, threshold, metrics, minChunk, fixedThresholds,
                     common.InputFormat, common.Config, common.Id, common.Timestamp, common.Score, common.Label, common.Prediction, common.Features, common.Task,
                     common.Format, common.Out, common.Quiet, common.FailOn })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "estimate");
            var options = new EstimationOptions
            {
                Mapping = common.Mapping(p),
                Chunk = DriftCommand.ParseChunk(p.GetValue(chunk)),
                Threshold = p.GetValue(threshold) is { } t ? CommonOptions.ParseProbability(t, "--threshold", 0.5) : null,
                Metrics = p.GetValue(metrics) is { } ms ? ms.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(m => m.ToLowerInvariant()).ToArray() : EstimationAnalysis.BinaryMetrics,
                MinChunkRows = p.GetValue(minChunk) is { } mc ? ParseCount(mc, "--min-chunk-rows") : 100,
                FixedThresholds = ParseFixed(p.GetValue(fixedThresholds) ?? []),
            };
            if (options.Metrics.Count == 0) throw new VigilInputException("--metrics: empty; name at least one metric");
            var fmt = p.GetValue(common.InputFormat);
            if (fmt is not null && fmt is not ("csv" or "parquet" or "json"))
                throw new VigilInputException($"--input-format: '{fmt}' is not a format; expected csv, parquet or json");
            var refInputs = p.GetValue(reference) ?? [];
            var anaInputs = p.GetValue(analysis) ?? [];
            var target = common.OutTarget(p, refInputs.Concat(anaInputs));
            using var refSource = SourceOpener.Open(new SourceSpec { Inputs = refInputs, Table = p.GetValue(referenceTable), Sql = p.GetValue(referenceSql), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
            using var anaSource = SourceOpener.Open(new SourceSpec { Inputs = anaInputs, Table = p.GetValue(analysisTable), Sql = p.GetValue(analysisSql), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
            EstimationResult result;
            using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => Math.Max(refSource.Engine.Progress, anaSource.Engine.Progress)))
                result = EstimationAnalysis.Run(refSource, anaSource, options, progress);
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, EstimationReport.Verdict(result), p.GetValue(common.Quiet));
            return FailOn.Exit(failOn.Check(result));
        });
        return cmd;
    }

    private static long ParseCount(string s, string flag) =>
        long.TryParse(s.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0 ? n
            : throw new VigilInputException($"{flag}: '{s}' is not a positive whole number");

    /// <summary>A regression loss (DLE's metrics), bounded below by 0 but not above.</summary>
    private static bool IsLoss(string metric) => Vigil.Statistics.Estimation.DleMetrics.All.Contains(metric);

    /// <summary>"metric=lo:hi" (either side may be empty).</summary>
    internal static Dictionary<string, (double? Lower, double? Upper)> ParseFixed(IEnumerable<string> items)
    {
        var map = new Dictionary<string, (double?, double?)>(StringComparer.Ordinal);
        foreach (var raw in items.SelectMany(i => i.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            var colon = raw.IndexOf(':', StringComparison.Ordinal);
            if (eq <= 0 || colon < eq)
                throw new VigilInputException($"--alert-threshold: '{raw}' is not metric=lower:upper (e.g. roc_auc=0.75:1 or f1=0.6:)");
            var name = raw[..eq].Trim().ToLowerInvariant();
            double? Bound(string s, string side) => s.Trim().Length == 0 ? null
                : double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v) && (v <= 1 || IsLoss(name)) ? v
                : throw new VigilInputException($"--alert-threshold: {side} bound '{s}' of {name} is not a number in [0, {(IsLoss(name) ? "∞" : "1")}]");
            var lo = Bound(raw[(eq + 1)..colon], "lower");
            var hi = Bound(raw[(colon + 1)..], "upper");
            if (lo is { } l && hi is { } h && l > h) throw new VigilInputException($"--alert-threshold: {name}'s lower bound {l} is above its upper bound {h}");
            map[name] = (lo, hi);
        }
        return map;
    }
}
