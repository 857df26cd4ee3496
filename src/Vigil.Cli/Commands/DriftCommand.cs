using System.CommandLine;
using System.Globalization;
using Vigil.Analysis.Drift;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;
using Vigil.Statistics.Drift;

namespace Vigil.Cli.Commands;

internal static class DriftCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var reference = new Option<string[]>("--reference", "-r") { Description = "The reference data (e.g. the training set): a CSV, TSV, Parquet or JSON-lines file, a glob or several files, a DuckDB database file (with --reference-table), a PostgreSQL or ClickHouse URL (with --reference-table or --reference-sql), or a profile written by `vigil profile` (a .vigil-profile file).", Required = true, AllowMultipleArgumentsPerToken = true };
        var current = new Option<string[]>("--current", "-c") { Description = "The current data (e.g. last week's traffic), in the same forms (--current-table, --current-sql).", Required = true, AllowMultipleArgumentsPerToken = true };
        var referenceTable = new Option<string?>("--reference-table") { Description = "Table to read the reference from, when --reference is a DuckDB file or a PostgreSQL or ClickHouse URL." };
        var referenceSql = new Option<string?>("--reference-sql") { Description = "Query to read the reference with, when --reference is a PostgreSQL or ClickHouse URL (it runs inside the server)." };
        var currentTable = new Option<string?>("--current-table") { Description = "Table to read the current data from, when --current is a DuckDB file or a PostgreSQL or ClickHouse URL." };
        var currentSql = new Option<string?>("--current-sql") { Description = "Query to read the current data with, when --current is a PostgreSQL or ClickHouse URL." };
        var columns = new Option<string?>("--columns") { Description = "Comma-separated columns to compare (default: every column both sides hold, but prediction_id, timestamp and date or time columns)." };
        var method = new Option<string?>("--method", "-m") { Description = $"One method for every column: {string.Join(", ", DriftMethods.Names)} (default: Evidently's automatic choice per column)." };
        var threshold = new Option<string?>("--threshold", "-t") { Description = "One threshold for every column (default: the method's; p-value tests drift below it, distances at or above it)." };
        var perColumn = new Option<string[]>("--per-column") { Description = "Per-column method and/or threshold, repeatable: amount=psi:0.2, country=chisquare, age=0.01.", AllowMultipleArgumentsPerToken = true };
        var correction = new Option<string?>("--correction") { Description = "Multiple-testing correction of the p-values: bonferroni or fdr (Benjamini–Hochberg); default none, as Evidently." };
        var chunk = new Option<string?>("--chunk") { Description = "Also test each chunk of the current data against the reference: day, week (by --timestamp) or a number of rows (in file order)." };
        var timestamp = new Option<string?>("--timestamp") { Description = "The current data's timestamp column, for --chunk day|week (default: timestamp)." };
        var thresholdFrom = new Option<string?>("--threshold-from") { Description = "reference-chunks: learn each column's threshold as mean + 3σ of its statistic over the reference cut by --chunk (NannyML's way); drift when the statistic exceeds it." };
        var multivariate = new Option<bool>("--multivariate") { Description = "Also NannyML's multivariate drift: PCA reconstruction error of each chunk (needs --chunk), thresholds mean ∓ 3σ over the reference cut the same way." };
        var label = new Option<string?>("--label") { Description = "The label column, reported as target drift (default: actual_label)." };
        var predictions = new Option<string?>("--prediction") { Description = "Comma-separated score or prediction columns, reported as prediction drift (default: prediction_score, prediction)." };
        var driftShare = new Option<string?>("--drift-share") { Description = "The dataset drifted when at least this share of its columns drifted, in (0, 1] (default 0.5)." };
        var cmd = new Command("drift",
            "Compare a reference and a current dataset column by column, with Evidently's methods, thresholds and automatic " +
            "choice (numerical: ks for a reference of at most 1,000 rows, else wasserstein; categorical or at most 5 distinct " +
            "values: chisquare or z, else jensenshannon), and say whether the dataset drifted. Statistics are exact: only " +
            "each column's value counts leave the engine.\n\n" +
            "Examples:\n" +
            "  vigil drift --reference train.parquet --current 'traffic/2026-06-*.parquet'\n" +
            "  vigil drift -r train.csv -c last_week.csv --method psi --format json > drift.json\n" +
            "  vigil drift -r train.csv -c last_week.csv --per-column amount=wasserstein:0.2 --drift-share 0.3 --out drift.html\n" +
            "  vigil drift -r train.parquet -c june.parquet --chunk day --correction fdr");
        common.FailOn.Description = "Exit 1 (after writing the report) on: drift (the dataset, any chunk or any multivariate chunk drifted), error or warning (a column could not be tested); comma-separated. One line on stderr says which.";
        foreach (var o in new Option[] { reference, referenceTable, referenceSql, current, currentTable, currentSql, common.MaxShippedRows, columns, method, threshold, perColumn, driftShare, correction, chunk, timestamp, thresholdFrom, multivariate, label, predictions, common.InputFormat, common.Format, common.Out, common.Quiet, common.FailOn })
            cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "drift");
            var methodName = p.GetValue(method)?.Trim();
            var options = new DriftOptions
            {
                // Only the HTML report draws the distributions.
                Distributions = format == ReportFormat.Html,
                Columns = p.GetValue(columns) is { } cs ? cs.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
                Method = p.GetValue(method)?.Trim(),
                Threshold = p.GetValue(threshold) is { } t ? CheckThreshold(CommonOptions.ParseDouble(t, "--threshold", 0), methodName, "--threshold", t) : null,
                PerColumn = ParsePerColumn(p.GetValue(perColumn) ?? []),
                DriftShare = CheckShare(p.GetValue(driftShare)),
                Correction = p.GetValue(correction)?.Trim().ToLowerInvariant() ?? "none",
                Chunk = ParseChunk(p.GetValue(chunk)),
                Timestamp = p.GetValue(timestamp),
                ThresholdFrom = p.GetValue(thresholdFrom)?.Trim().ToLowerInvariant(),
                Multivariate = p.GetValue(multivariate),
                Label = p.GetValue(label),
                Predictions = p.GetValue(predictions)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
            };
            var fmt = p.GetValue(common.InputFormat);
            if (fmt is not null && fmt is not ("csv" or "parquet" or "json"))
                throw new VigilInputException($"--input-format: '{fmt}' is not a format; expected csv, parquet or json");
            var refInputs = p.GetValue(reference) ?? [];
            var target = common.OutTarget(p, refInputs.Concat(p.GetValue(current) ?? []));
            DriftResult result;
            if (refInputs.Any(i => i.EndsWith(ReferenceProfile.Extension, StringComparison.OrdinalIgnoreCase)))
            {
                // A stored profile stands in for the reference data.
                if (refInputs.Length != 1) throw new VigilInputException($"--reference: one profile at a time (merge several with `vigil profile merge`); got {refInputs.Length} inputs");
                if (p.GetValue(referenceTable) is not null || p.GetValue(referenceSql) is not null)
                    throw new VigilInputException("--reference-table and --reference-sql do not apply to a profile");
                var profile = ReferenceProfile.Load(refInputs[0]);
                using var cur = SourceOpener.Open(new SourceSpec { Inputs = p.GetValue(current) ?? [], Table = p.GetValue(currentTable), Sql = p.GetValue(currentSql), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
                using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => cur.Engine.Progress))
                    result = DriftAnalysis.Run(profile, cur, options, progress);
            }
            else
            {
                using var refSource = SourceOpener.Open(new SourceSpec { Inputs = refInputs, Table = p.GetValue(referenceTable), Sql = p.GetValue(referenceSql), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
                using var curSource = SourceOpener.Open(new SourceSpec { Inputs = p.GetValue(current) ?? [], Table = p.GetValue(currentTable), Sql = p.GetValue(currentSql), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
                using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => Math.Max(refSource.Engine.Progress, curSource.Engine.Progress)))
                    result = DriftAnalysis.Run(refSource, curSource, options, progress);
            }
            ReportOutput.Write(format, target, (w, c) => ReportWriter.Write(result, format, w, c));
            Wrote.Say(target, DriftReport.Verdict(result), p.GetValue(common.Quiet));
            return FailOn.Exit(failOn.Check(result));
        });
        return cmd;
    }

    /// <summary>--chunk day, week (periods of --timestamp) or a number of rows; null without it.</summary>
    internal static ChunkSpec? ParseChunk(string? spec)
    {
        if (spec is null) return null;
        var s = spec.Trim().ToLowerInvariant();
        if (s == "day") return new TimeChunk(ChunkUnit.Day);
        if (s == "week") return new TimeChunk(ChunkUnit.Week);
        if (long.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0) return new RowChunk(n);
        throw new VigilInputException($"--chunk: '{spec}' is not a chunk; expected day, week or a number of rows");
    }

    /// <summary>The drift share: a share of columns in (0, 1].</summary>
    internal static double CheckShare(string? s)
    {
        var v = CommonOptions.ParseDouble(s, "--drift-share", 0.5);
        return v is > 0 and <= 1 ? v : throw new VigilInputException($"--drift-share: {s} is outside (0, 1]; it is the share of columns that must drift");
    }

    /// <summary>A threshold in the method's range: a p-value or a bounded distance (jensenshannon, hellinger,
    /// l_infinity) in [0, 1]; any other distance at least 0. Without a method (the automatic choice mixes p-values
    /// and distances), at least 0.</summary>
    internal static double CheckThreshold(double v, string? method, string flag, string text)
    {
        if (method is not null && DriftMethods.IsKnown(method))
        {
            var canonical = DriftMethods.Canonical(method);
            if (DriftMethods.IsTest(canonical))
                return v is >= 0 and <= 1 ? v : throw new VigilInputException($"{flag}: {text} is outside [0, 1]; {canonical} is a test and its threshold is a p-value");
            if (canonical is "jensenshannon" or "hellinger" or "l_infinity")
                return v is >= 0 and <= 1 ? v : throw new VigilInputException($"{flag}: {text} is outside [0, 1], the range of {canonical}");
        }
        return v >= 0 ? v : throw new VigilInputException($"{flag}: {text} is negative; a threshold is a p-value or a distance, at least 0");
    }

    /// <summary>"col=method:threshold", "col=method" or "col=threshold".</summary>
    internal static Dictionary<string, (string? Method, double? Threshold)> ParsePerColumn(IEnumerable<string> items)
    {
        var map = new Dictionary<string, (string?, double?)>(StringComparer.Ordinal);
        foreach (var raw in items.SelectMany(i => i.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            var eq = raw.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0 || eq == raw.Length - 1)
                throw new VigilInputException($"--per-column: '{raw}' is not column=method:threshold (e.g. amount=psi:0.2, country=chisquare, age=0.01)");
            var name = raw[..eq].Trim();
            var spec = raw[(eq + 1)..].Trim();
            string? m = null;
            double? t = null;
            var colon = spec.IndexOf(':', StringComparison.Ordinal);
            if (colon >= 0)
            {
                m = spec[..colon].Trim();
                var ts = spec[(colon + 1)..].Trim();
                t = CheckThreshold(CommonOptions.ParseDouble(ts, $"--per-column {name}", 0), m, $"--per-column {name}", ts);
            }
            else if (double.TryParse(spec, NumberStyles.Float, CultureInfo.InvariantCulture, out var only) && double.IsFinite(only)) t = CheckThreshold(only, null, $"--per-column {name}", spec);
            else m = spec;
            if (m is not null && !DriftMethods.IsKnown(m))
                throw new VigilInputException($"--per-column {name}: '{m}' is not a drift method; expected one of {string.Join(", ", DriftMethods.Names)}");
            if (!map.TryAdd(name, (m, t))) throw new VigilInputException($"--per-column: column '{name}' is given twice");
        }
        return map;
    }
}
