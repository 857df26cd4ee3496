using System.CommandLine;
using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Analysis.Summary;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

internal static class SummaryCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var by = new Option<string?>("--by") { Description = "Period: hour, day or week (weeks start on Monday; default day)." };
        var asOf = new Option<string?>("--as-of") { Description = "Timestamps after this are future_timestamp findings (ISO date or date-time, UTC; default now)." };
        var threshold = new Option<string?>("--threshold") { Description = "Binary: a row is predicted positive when score >= threshold (default 0.5)." };
        var cmd = new Command("summary",
            "Summarize a prediction log per period and model version (rows, labeled rows, positive rate, mean score and the " +
            "evaluation metrics), and list its data-quality problems: duplicate_id, null_score, score_out_of_range, missing_label, " +
            "invalid_label, future_timestamp, unparseable_timestamp, missing_period, volume_anomaly, per-column null values, " +
            "constant columns and schema problems. Rows that fail a check are left out of the metrics (a duplicate's later " +
            "occurrences, not its first), and the report says how many.\n\n" +
            "Examples:\n" +
            "  vigil summary predictions.csv\n" +
            "  vigil summary 'logs/2026-*.parquet' --by week --format html --out summary.html\n" +
            "  vigil summary predictions.csv --as-of 2026-06-01 --format json > summary.json");
        common.AddTo(cmd);
        cmd.Options.Add(by);
        cmd.Options.Add(asOf);
        cmd.Options.Add(threshold);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "summary");
            var options = new SummaryOptions
            {
                Mapping = common.Mapping(p),
                Period = ParsePeriod(p.GetValue(by)),
                AsOf = ParseAsOf(p.GetValue(asOf)),
                Threshold = CommonOptions.ParseProbability(p.GetValue(threshold), "--threshold", 0.5),
            };
            var target = common.OutTarget(p, common.InputFiles(p));
            using var source = SourceOpener.Open(common.Source(p));
            SummaryResult result;
            using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => source.Engine.Progress))
                result = SummaryAnalysis.Run(source, options, progress);
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, Fmt.Verdict(result), p.GetValue(common.Quiet));
            return FailOn.Exit(failOn.Check(result.Quality.Issues));
        });
        return cmd;
    }

    internal static PeriodUnit ParsePeriod(string? s) => s?.ToLowerInvariant() switch
    {
        null or "day" or "daily" => PeriodUnit.Day,
        "hour" or "hourly" => PeriodUnit.Hour,
        "week" or "weekly" => PeriodUnit.Week,
        _ => throw new VigilInputException($"--by: '{s}' is not a period; expected hour, day or week"),
    };

    private static readonly string[] AsOfFormats = [.. new[] { "yyyy-MM-dd" }.Concat(
        from sep in new[] { "T", " " }
        from time in new[] { "HH:mm", "HH:mm:ss", "HH:mm:ss.FFFFFFF" }
        from zone in new[] { "", "Z", "zzz" }
        select $"yyyy-MM-dd'{sep}'{time}{zone}")];

    /// <summary>A date or date-time, UTC unless it carries an offset (Z, +05:00), which is converted to UTC.</summary>
    internal static DateTime? ParseAsOf(string? s)
    {
        if (s is null) return null;
        return DateTimeOffset.TryParseExact(s.Trim(), AsOfFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t)
            ? t.UtcDateTime
            : throw new VigilInputException($"--as-of: '{s}' is not a date; expected e.g. 2026-06-01, 2026-06-01T12:00:00, 2026-06-01T12:00:00Z or 2026-06-01T17:00:00+05:00");
    }
}
