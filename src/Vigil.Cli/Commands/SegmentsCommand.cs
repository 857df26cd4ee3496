using System.CommandLine;
using System.Globalization;
using Vigil.Analysis.Segments;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

internal static class SegmentsCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var by = new Option<string?>("--by") { Description = "Comma-separated columns whose values define segments (required)." };
        var metric = new Option<string?>("--metric") { Description = $"What to compare: {string.Join(", ", SegmentMetrics.Names)} (default: calibration)." };
        var depth = new Option<string?>("--depth") { Description = "1: one column's values; 2: also every pair of columns' values (default: 2)." };
        var minRows = new Option<string?>("--min-rows") { Description = "A segment and its complement need at least this many rows to be tested (default: max(100, 0.5% of the rows))." };
        var buckets = new Option<string?>("--buckets") { Description = "Numerical columns are cut into this many quantile buckets (default: 5)." };
        var top = new Option<string?>("--top") { Description = "Show at most this many segments (default: 20)." };
        var threshold = new Option<string?>("--threshold") { Description = "accuracy, precision, recall: a row is predicted positive when score >= threshold (default 0.5)." };
        var cmd = new Command("segments",
            "Find the segments where a binary classifier does worst: every value of each --by column, and (--depth 2) every pair of " +
            "values of two columns, against the rest of the data. Numerical columns are cut into quantile buckets; a text column's " +
            "values beyond its 50 most frequent are one '(other)' segment. One pass over the data counts every segment.\n\n" +
            "Each segment's metric is compared with its complement's (calibration: mean predicted minus observed rate, z-test; " +
            "roc_auc: DeLong's test; accuracy, precision, recall: Newcombe's interval). Segments whose Benjamini-Hochberg adjusted " +
            "p-value is below 0.05 are ranked by the size of the gap; a pair is shown only when it is worse than both of its single values.\n\n" +
            "Examples:\n" +
            "  vigil segments churn.parquet --by tenure_bucket,day_of_week,plan,device\n" +
            "  vigil segments preds.csv --by country,age --metric roc_auc --depth 1 --format html --out segments.html\n" +
            "  vigil segments preds.csv --by channel --metric recall --threshold 0.3 --min-rows 500 --format json");
        common.AddTo(cmd);
        foreach (var o in new Option[] { by, metric, depth, minRows, buckets, top, threshold }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "segments");
            var byValue = p.GetValue(by) ?? throw new VigilInputException("--by is required: name the columns whose values define segments (comma-separated)");
            var options = new SegmentsOptions
            {
                Mapping = common.Mapping(p),
                By = byValue.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
                Metric = (p.GetValue(metric) ?? "calibration").Trim().ToLowerInvariant(),
                Depth = Int(p.GetValue(depth), "--depth", 2),
                MinRows = p.GetValue(minRows) is { } m ? Int(m, "--min-rows", 0) : null,
                Buckets = Int(p.GetValue(buckets), "--buckets", 5),
                Top = Int(p.GetValue(top), "--top", 20),
                Threshold = CommonOptions.ParseProbability(p.GetValue(threshold), "--threshold", 0.5),
            };
            var target = common.OutTarget(p, common.InputFiles(p));
            using var source = SourceOpener.Open(common.Source(p));
            Vigil.Analysis.Results.SegmentsResult result;
            using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => source.Engine.Progress))
                result = SegmentsAnalysis.Run(source, options, progress);
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, SegmentsReport.Verdict(result), p.GetValue(common.Quiet));
            return FailOn.Exit(failOn.Check(result));
        });
        return cmd;
    }

    private static int Int(string? s, string flag, int fallback)
    {
        if (s is null) return fallback;
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new VigilInputException($"{flag}: '{s}' is not a whole number");
    }
}
