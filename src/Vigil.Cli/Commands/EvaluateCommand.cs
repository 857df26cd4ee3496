using System.CommandLine;
using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Slicing;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

internal static class EvaluateCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var threshold = new Option<string?>("--threshold") { Description = "Binary: a row is predicted positive when score >= threshold (default 0.5)." };
        var costFp = new Option<string?>("--cost-fp") { Description = "Cost of a false positive; with --cost-fn, Vigil reports the threshold of least total cost." };
        var costFn = new Option<string?>("--cost-fn") { Description = "Cost of a false negative (see --cost-fp)." };
        var segmentBy = new Option<string?>("--segment-by") { Description = "Comma-separated columns: repeat the evaluation for each combination of their values." };
        var cmd = new Command("evaluate",
            "Evaluate a classifier or regressor as a dashboard would.\n\n" +
            "Binary (a score column and 0/1 labels): roc_auc, average_precision, log_loss, brier, accuracy, precision, recall, f1, mcc, " +
            "balanced_accuracy, specificity, ece, ks_statistic, gini; the confusion counts; ROC, PR and calibration curves; a threshold table; " +
            "and the best threshold for F1, Youden's J and (with --cost-fp/--cost-fn) cost.\n" +
            "Multiclass (a prediction column; optional score_<class> probability columns): accuracy, macro/weighted precision, recall, F1, " +
            "log loss, one-vs-rest AUC, confusion matrix. Regression (numeric prediction and label): mae, mse, rmse, r2, mape, " +
            "median_absolute_error, max_error, mean_error, with residual plots.\n\n" +
            "Examples:\n" +
            "  vigil evaluate predictions.csv\n" +
            "  vigil evaluate 'logs/*.parquet' --threshold 0.3 --segment-by model_version --format html --out eval.html\n" +
            "  vigil evaluate preds.csv --score p_fraud --label is_fraud --cost-fp 1 --cost-fn 20 --format json\n" +
            "  vigil evaluate postgres://me@localhost/ml --table scoring.predictions");
        common.AddTo(cmd);
        cmd.Options.Add(threshold);
        cmd.Options.Add(costFp);
        cmd.Options.Add(costFn);
        cmd.Options.Add(segmentBy);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "evaluate");
            var options = new EvaluateOptions
            {
                Mapping = common.Mapping(p),
                Threshold = CommonOptions.ParseProbability(p.GetValue(threshold), "--threshold", 0.5),
                CostFp = p.GetValue(costFp) is { } a ? CommonOptions.ParseDouble(a, "--cost-fp", 0) : null,
                CostFn = p.GetValue(costFn) is { } b ? CommonOptions.ParseDouble(b, "--cost-fn", 0) : null,
                SegmentBy = p.GetValue(segmentBy) is { } s ? [.. s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => new ColumnSegment(c))] : [],
            };
            if ((options.CostFp is null) != (options.CostFn is null))
                throw new Vigil.Engine.VigilInputException("--cost-fp and --cost-fn go together: give both");
            var target = common.OutTarget(p, common.InputFiles(p));
            using var source = SourceOpener.Open(common.Source(p));
            Vigil.Analysis.Results.EvaluationResult result;
            using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => source.Engine.Progress))
                result = EvaluationAnalysis.Run(source, options, progress);
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, Wrote.Verdict(result), p.GetValue(common.Quiet));
            return FailOn.Exit(failOn.Check(result.Findings));
        });
        return cmd;
    }
}
