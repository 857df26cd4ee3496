using System.CommandLine;
using Vigil.Analysis.Comparison;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

internal static class CompareCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        common.Inputs.Arity = ArgumentArity.ZeroOrMore;
        var baseline = new Option<string?>("--baseline") { Description = "The baseline version: a value of the version column (e.g. v2.0)." };
        var candidate = new Option<string?>("--candidate") { Description = "The candidate version: a value of the version column (e.g. v2.1)." };
        var baselineLog = new Option<string[]>("--baseline-log") { Description = "Instead of one log with a version column: the baseline's own log file(s).", AllowMultipleArgumentsPerToken = true };
        var candidateLog = new Option<string[]>("--candidate-log") { Description = "... and the candidate's own log file(s).", AllowMultipleArgumentsPerToken = true };
        var segmentBy = new Option<string?>("--segment-by") { Description = "Comma-separated columns: compare the versions in each combination of their values too." };
        var threshold = new Option<string?>("--threshold") { Description = "A row is predicted positive when score >= threshold (default 0.5)." };
        var metric = new Option<string?>("--metric") { Description = $"The metric that decides each segment's verdict (default roc_auc): {string.Join(", ", ComparisonMetrics.Names)}." };
        var correction = new Option<string?>("--correction") { Description = "Correction for testing many segments: holm (default, controls the family-wise error) or bh (Benjamini–Hochberg, controls the false discovery rate)." };
        var paired = new Option<string?>("--paired") { Description = "auto (default: paired tests when both versions scored the same ids, a shadow deployment), yes or no." };
        var seed = new Option<int?>("--seed") { Description = "Seed of the bootstrap (default 42): the same seed gives the same intervals." };
        var cmd = new Command("compare",
            "Compare a candidate model version with a baseline, overall and per segment, with honest uncertainty.\n\n" +
            "Per segment: each version's rows, traffic share and every metric of vigil evaluate; the candidate − baseline difference of each " +
            "metric with a 95% interval and a p-value (DeLong for ROC AUC, Newcombe's hybrid score interval for rates, Welch for mean losses, " +
            "a seeded stratified bootstrap for the rest); paired forms (paired DeLong, McNemar, paired bootstrap) when both versions scored the " +
            "same ids. P-values are corrected across segments (Holm, or --correction bh), and each segment gets a verdict on --metric: worse, " +
            "better or no evidence, worse listed first. The score distribution's drift between the versions is reported per segment. With --features, a surrogate of each version's scores (vigil explain's) gives each " +
            "feature's impact (mean |SHAP|) on both sides, the features whose impact moved most first.\n\n" +
            "Examples:\n" +
            "  vigil compare predictions.parquet --baseline v2.0 --candidate v2.1\n" +
            "  vigil compare predictions.parquet --baseline v2.0 --candidate v2.1 --segment-by region,device --format html --out compare.html\n" +
            "  vigil compare --baseline-log prod.csv --candidate-log shadow.csv --segment-by plan --metric log_loss --format json\n" +
            "  vigil compare logs.parquet --baseline v2.0 --candidate v2.1 --segment-by region --fail-on worse\n" +
            "  vigil compare logs.parquet --baseline v2.0 --candidate v2.1 --features amount,country,device");
        common.AddTo(cmd);
        foreach (var o in new Option[] { baseline, candidate, baselineLog, candidateLog, segmentBy, threshold, metric, correction, paired, seed }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOnWorse = ParseFailOn(p.GetValue(common.FailOn), out var failOnText);
            var failOn = FailOn.Parse(failOnText, "compare");
            var options = new ComparisonOptions
            {
                Mapping = common.Mapping(p),
                Baseline = p.GetValue(baseline),
                Candidate = p.GetValue(candidate),
                SegmentBy = p.GetValue(segmentBy) is { } s ? [.. s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => (Vigil.Analysis.Slicing.SegmentPart)new Vigil.Analysis.Slicing.ColumnSegment(c))] : [],
                Threshold = CommonOptions.ParseProbability(p.GetValue(threshold), "--threshold", 0.5),
                PrimaryMetric = p.GetValue(metric)?.Trim().ToLowerInvariant() ?? "roc_auc",
                Correction = p.GetValue(correction)?.Trim().ToLowerInvariant() switch
                {
                    null or "holm" => "holm",
                    "bh" or "fdr" or "benjamini-hochberg" => "bh",
                    var other => throw new VigilInputException($"--correction: '{other}' is not a correction; expected holm or bh"),
                },
                Pairing = p.GetValue(paired)?.Trim().ToLowerInvariant() switch
                {
                    null or "auto" => PairingMode.Auto,
                    "yes" or "true" => PairingMode.Always,
                    "no" or "false" => PairingMode.Never,
                    var other => throw new VigilInputException($"--paired: '{other}' is not auto, yes or no"),
                },
                Seed = p.GetValue(seed) ?? 42,
            };
            // Feature impact (a surrogate per version) only when asked for with --features.
            if (p.GetValue(common.Features) is not null) options = options with { Features = options.Mapping.Features };
            if (!ComparisonMetrics.IsKnown(options.PrimaryMetric))
                throw new VigilInputException($"--metric: '{options.PrimaryMetric}' is not a metric compare tests; expected one of {string.Join(", ", ComparisonMetrics.Names)}");
            var inputs = p.GetValue(common.Inputs) ?? [];
            var bLog = p.GetValue(baselineLog) ?? [];
            var cLog = p.GetValue(candidateLog) ?? [];
            ComparisonResult result;
            var quiet = p.GetValue(common.Quiet);
            if (bLog.Length > 0 || cLog.Length > 0)
            {
                if (bLog.Length == 0 || cLog.Length == 0) throw new VigilInputException("--baseline-log and --candidate-log go together: give both");
                if (inputs.Length > 0) throw new VigilInputException($"give either one log (with --baseline/--candidate) or --baseline-log and --candidate-log, not both (got {string.Join(" ", inputs)})");
                if (options.Baseline is not null || options.Candidate is not null)
                    throw new VigilInputException("--baseline/--candidate name versions in one log; with --baseline-log and --candidate-log, leave them out");
                var target = common.OutTarget(p, bLog.Concat(cLog));
                var fmt = p.GetValue(common.InputFormat);
                using var b = SourceOpener.Open(new SourceSpec { Inputs = bLog, Format = fmt });
                using var c = SourceOpener.Open(new SourceSpec { Inputs = cLog, Format = fmt });
                using var both = ComparisonAnalysis.Combine(b, c);
                using (var progress = new ConsoleProgress(!quiet, () => both.Engine.Progress))
                    result = ComparisonAnalysis.Run(both, b.Description, c.Description, options, progress);
                ReportOutput.Write(format, target, (w, con) => ReportWriter.Write(result, format, w, con));
                Wrote.Say(target, ComparisonReport.Verdict(result), quiet);
            }
            else
            {
                if (inputs.Length == 0) throw new VigilInputException("compare: give a prediction log with --baseline and --candidate versions, or --baseline-log and --candidate-log");
                var target = common.OutTarget(p, common.InputFiles(p));
                using var source = SourceOpener.Open(common.Source(p));
                using (var progress = new ConsoleProgress(!quiet, () => source.Engine.Progress))
                    result = ComparisonAnalysis.Run(source, options, progress);
                ReportOutput.Write(format, target, (w, con) => ReportWriter.Write(result, format, w, con));
                Wrote.Say(target, ComparisonReport.Verdict(result), quiet);
            }
            if (failOnWorse && result.Segments.Any(s => s.Verdict == "worse"))
            {
                Console.Error.WriteLine($"vigil compare: --fail-on worse: the candidate is worse in {result.Segments.Count(s => s.Verdict == "worse")} of {result.Segments.Count} comparisons");
                return 1;
            }
            return FailOn.Exit(failOn.Check(result.Findings));
        });
        return cmd;
    }

    /// <summary>Takes "worse" out of a --fail-on list (compare's own gate); the rest goes to <see cref="FailOn"/>.</summary>
    private static bool ParseFailOn(string? text, out string? rest)
    {
        rest = text;
        if (text is null) return false;
        var items = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        var worse = items.RemoveAll(i => i.Equals("worse", StringComparison.OrdinalIgnoreCase)) > 0;
        rest = items.Count == 0 ? null : string.Join(",", items);
        return worse;
    }
}
