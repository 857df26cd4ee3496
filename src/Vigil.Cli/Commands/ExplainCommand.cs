using System.CommandLine;
using Vigil.Analysis.Explanation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

internal static class ExplainCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var segmentBy = new Option<string?>("--segment-by") { Description = "Comma-separated columns: the top features within each combination of their values too (the same surrogate's SHAP values, grouped)." };
        var compareBy = new Option<string?>("--compare-by") { Description = "A column with two values (two versions, or a period column): explain each side with its own surrogate and list the features whose impact moved most." };
        var baseline = new Option<string?>("--baseline") { Description = "The baseline side: a value of --compare-by (default column: the version column)." };
        var candidate = new Option<string?>("--candidate") { Description = "The candidate side: a value of --compare-by (default column: the version column)." };
        var sampleRows = new Option<int?>("--sample-rows") { Description = "Rows sampled (per side) to fit the surrogate (default 200,000; a seeded, deterministic sample)." };
        var shapRows = new Option<int?>("--shap-rows") { Description = "Rows (per side) whose SHAP values are averaged (default 2,000)." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the sample, the surrogate and the SHAP rows (default 42): the same seed gives the same report." };
        var cmd = new Command("explain",
            "Which features drive the model's scores, from the logged inputs and outputs alone.\n\n" +
            "Vigil fits a surrogate (gradient-boosted trees) to the logged score on a seeded sample of the log (the score's log-odds when it " +
            "is a probability, else the raw score or prediction) and explains it with exact TreeSHAP: each feature's mean |SHAP| is its " +
            "impact on the scores, in the target's units. The surrogate's fidelity (R² on held-out sampled rows) says how far to trust it; " +
            "below 0.8 the report says so. Beside it, model-free measures on the same sample: mutual information (10 × 10 quantile bins) " +
            "and Spearman's ρ (numeric features). With --segment-by, the same surrogate's SHAP values per segment; with --compare-by (or " +
            "--baseline and --candidate), a surrogate per side and the features whose impact moved most: did the model's reasoning change?\n\n" +
            "Features: --features, or every column with no other role (id, timestamp, version, score, label, prediction); timestamps, " +
            "constant columns and identifier-like text columns are left out, and the report lists them.\n\n" +
            "Examples:\n" +
            "  vigil explain predictions.parquet\n" +
            "  vigil explain predictions.parquet --features amount,country,device,account_age_days --segment-by region\n" +
            "  vigil explain predictions.parquet --baseline v2.0 --candidate v2.1 --format html --out explain.html\n" +
            "  vigil explain predictions.parquet --compare-by month --format json --out explain.json\n" +
            "  vigil compare predictions.parquet --baseline v2.0 --candidate v2.1 --features amount,country   (feature impact inside compare)");
        common.AddTo(cmd);
        foreach (var o in new Option[] { segmentBy, compareBy, baseline, candidate, sampleRows, shapRows, seed }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "explain");
            var options = new ExplainOptions
            {
                Mapping = common.Mapping(p),
                SegmentBy = p.GetValue(segmentBy) is { } s ? [.. s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => (SegmentPart)new ColumnSegment(c))] : [],
                CompareBy = p.GetValue(compareBy)?.Trim(),
                Baseline = p.GetValue(baseline),
                Candidate = p.GetValue(candidate),
                SampleRows = Positive(p.GetValue(sampleRows), "--sample-rows", 200_000, SurrogateSample.MinRows),
                ShapRows = Positive(p.GetValue(shapRows), "--shap-rows", 2_000, 1),
                Seed = p.GetValue(seed) ?? 42,
            };
            var target = common.OutTarget(p, common.InputFiles(p));
            using var source = SourceOpener.Open(common.Source(p));
            ExplanationResult result;
            var quiet = p.GetValue(common.Quiet);
            using (var progress = new ConsoleProgress(!quiet, () => source.Engine.Progress))
                result = ExplanationAnalysis.Run(source, options, progress);
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, ExplanationReport.Verdict(result), quiet);
            return FailOn.Exit(failOn.Check(result.Findings));
        });
        return cmd;
    }

    private static int Positive(int? value, string flag, int fallback, int min)
    {
        if (value is not { } v) return fallback;
        if (v < min) throw new VigilInputException($"{flag}: {v} is too small; at least {min}");
        return v;
    }
}
