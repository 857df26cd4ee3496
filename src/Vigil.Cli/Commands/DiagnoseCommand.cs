using System.CommandLine;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Diagnosis;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

internal static class DiagnoseCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var reference = new Option<string[]>("--reference", "-r") { Description = "The reference: a labeled period when the model did well (e.g. last quarter's scored and labeled rows), as CSV, TSV, Parquet or JSON-lines files, a glob, or a DuckDB file, PostgreSQL or ClickHouse URL with --reference-table.", Required = true, AllowMultipleArgumentsPerToken = true };
        var current = new Option<string[]>("--current", "-c") { Description = "The current data: the labeled period whose metric dropped, in the same forms (--current-table).", Required = true, AllowMultipleArgumentsPerToken = true };
        var referenceTable = new Option<string?>("--reference-table") { Description = "Table to read the reference from, when --reference is a DuckDB file or a PostgreSQL or ClickHouse URL." };
        var currentTable = new Option<string?>("--current-table") { Description = "Table to read the current data from, when --current is a DuckDB file or a PostgreSQL or ClickHouse URL." };
        var metric = new Option<string?>("--metric") { Description = $"The metric that dropped: {string.Join(", ", ComparisonMetrics.Names)} (default: roc_auc)." };
        var threshold = new Option<string?>("--threshold") { Description = "Rate metrics (precision, recall, f1, ...): a row is predicted positive when score >= threshold (default 0.5)." };
        var sampleRows = new Option<int?>("--sample-rows") { Description = "Reference rows sampled to fit the surrogate behind feature importance (default 100,000; seeded)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the surrogate's sample and of the bootstrap (default 42): the same seed gives the same report." };
        var top = new Option<int?>("--top-features") { Description = "Features examined one by one for a changed outcome rate and for segments (default 5, the top by drift × importance)." };
        var cmd = new Command("diagnose",
            "Why did the model's metric drop between a reference and the current data? Six steps, each with its evidence:\n\n" +
            "  1. Is the drop real? The metric on both sides, the difference, its 95% interval and p-value (DeLong for roc_auc,\n" +
            "     Newcombe for rates, Welch for losses, a bootstrap for the rest), and the rows behind each side.\n" +
            "  2. Is the pipeline broken? Columns missing, added or retyped; values outside the reference's range; categories\n" +
            "     it never saw; and vigil summary's checks (nulls, constant columns, scores) that fire now but not then.\n" +
            "  3. Which inputs moved? Each feature's drift (vigil drift) times its importance (mean |SHAP| of vigil explain's\n" +
            "     surrogate of the reference's scores).\n" +
            "  4. Data drift or concept drift? The metric EXPECTED on the current inputs (CBPE: the reference's calibration of\n" +
            "     score to outcome, applied to the current scores) against the metric realized. Realized within the band: the\n" +
            "     inputs explain the drop. Realized below it: the relation between inputs and outcome changed. Per top feature,\n" +
            "     the outcome rate per bin that the scores do not explain, then and now.\n" +
            "  5. Where? vigil segments on the current data over the top features.\n" +
            "  6. What to do, and the rule that decided it: fix the pipeline (step 2 found errors), no real drop (watch),\n" +
            "     mixed or concept drift (retrain on recent data with a time-based split), covariate shift (watch the moved\n" +
            "     features); a model version new since the reference turns a real drop into a roll-back.\n\n" +
            "Both sides need the score (a probability) and 0/1 labels; the column mapping options apply to both.\n\n" +
            "Examples:\n" +
            "  vigil diagnose -r churn_2026_05.parquet -c churn_2026_06.parquet\n" +
            "  vigil diagnose -r q1.csv -c june.csv --metric precision --threshold 0.4 --out diagnosis.html\n" +
            "  vigil diagnose -r train_scored.parquet -c 'logs/2026-06-*.parquet' --score p_churn --label churned --format json\n" +
            "  vigil diagnose -r ref.csv -c cur.csv --fail-on error     (exit 1 when the pipeline is broken: a CI gate)");
        common.FailOn.Description = "Exit 1 (after writing the report) on: error (the pipeline is broken: verdict data_quality), drift (a real drop from covariate shift, concept drift or both), warning (any real drop); comma-separated.";
        foreach (var o in new Option[] { reference, referenceTable, current, currentTable, common.MaxShippedRows, metric, threshold, sampleRows, seed, top, common.InputFormat, common.Config, common.Id,
                     common.Timestamp, common.VersionColumn, common.Score, common.Label, common.Features, common.Task, common.Format, common.Out, common.Quiet, common.FailOn })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "diagnose");
            var options = new DiagnoseOptions
            {
                Mapping = common.Mapping(p),
                Metric = (p.GetValue(metric) ?? "roc_auc").Trim().ToLowerInvariant(),
                Threshold = CommonOptions.ParseProbability(p.GetValue(threshold), "--threshold", 0.5),
                SampleRows = AtLeast(p.GetValue(sampleRows), "--sample-rows", 100_000, 50),
                Seed = p.GetValue(seed) ?? 42,
                TopFeatures = AtLeast(p.GetValue(top), "--top-features", 5, 1),
            };
            if (!ComparisonMetrics.IsKnown(options.Metric))
                throw new VigilInputException($"--metric: '{options.Metric}' is not a metric; expected one of {string.Join(", ", ComparisonMetrics.Names)}");
            var fmt = p.GetValue(common.InputFormat);
            if (fmt is not null && fmt is not ("csv" or "parquet" or "json"))
                throw new VigilInputException($"--input-format: '{fmt}' is not a format; expected csv, parquet or json");
            var refInputs = p.GetValue(reference) ?? [];
            var curInputs = p.GetValue(current) ?? [];
            var target = common.OutTarget(p, [.. refInputs, .. curInputs, .. (p.GetValue(common.Config) is { } cfg ? new[] { cfg } : [])]);
            using var refSource = SourceOpener.Open(new SourceSpec { Inputs = refInputs, Table = p.GetValue(referenceTable), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
            using var curSource = SourceOpener.Open(new SourceSpec { Inputs = curInputs, Table = p.GetValue(currentTable), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
            DiagnosisResult result;
            var quiet = p.GetValue(common.Quiet);
            using (var progress = new ConsoleProgress(!quiet, () => Math.Max(refSource.Engine.Progress, curSource.Engine.Progress)))
                result = DiagnosisAnalysis.Run(refSource, curSource, options, progress);
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, DiagnosisReport.Verdict(result), quiet);
            return FailOn.Exit(failOn.Check(result));
        });
        return cmd;
    }

    private static int AtLeast(int? value, string flag, int fallback, int min)
    {
        if (value is not { } v) return fallback;
        return v >= min ? v : throw new VigilInputException($"{flag}: {v} is too small; at least {min}");
    }
}
