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
            var options = new SummaryOptions
            {
                Mapping = common.Mapping(p),
                Period = ParsePeriod(p.GetValue(by)),
                AsOf = ParseAsOf(p.GetValue(asOf)),
                Threshold = CommonOptions.ParseDouble(p.GetValue(threshold), "--threshold", 0.5),
            };
            using var source = SourceOpener.Open(common.Source(p));
            SummaryResult result;
            using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => source.Engine.Progress))
                result = SummaryAnalysis.Run(source, options, progress);
            ReportOutput.Write(format, p.GetValue(common.Out), (w, c) => ReportWriter.Write(result, format, w, c));
            return Cli.Ok;
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

    internal static DateTime? ParseAsOf(string? s)
    {
        if (s is null) return null;
        string[] formats = ["yyyy-MM-dd", "yyyy-MM-dd HH:mm", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-ddTHH:mm", "yyyy-MM-ddTHH:mm:ss", "yyyy-MM-ddTHH:mm:ssZ", "yyyy-MM-ddTHH:mm:ss.FFFFFFF", "yyyy-MM-ddTHH:mm:ss.FFFFFFFZ"];
        return DateTime.TryParseExact(s, formats, CultureInfo.InvariantCulture, DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var t)
            ? DateTime.SpecifyKind(t, DateTimeKind.Utc)
            : throw new VigilInputException($"--as-of: '{s}' is not a date; expected e.g. 2026-06-01 or 2026-06-01T12:00:00");
    }
}
