using System.CommandLine;
using Vigil.Analysis.Drift;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;
using Vigil.Statistics.Drift;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil profile SRC --out F</c>, <c>vigil profile merge A B --out F</c>, <c>vigil profile show F</c>.</summary>
internal static class ProfileCommand
{
    public static Command Create()
    {
        var inputs = new Argument<string[]>("inputs")
        {
            Description = "The reference data: CSV, TSV, Parquet or JSON-lines files, globs, a DuckDB database file (with --table), a PostgreSQL or ClickHouse URL (with --table or --sql).",
            Arity = ArgumentArity.OneOrMore,
        };
        var table = new Option<string?>("--table") { Description = "Table to read from a DuckDB file, PostgreSQL or ClickHouse." };
        var sql = new Option<string?>("--sql") { Description = "A query to read from PostgreSQL or ClickHouse (it runs inside the server)." };
        var inputFormat = new Option<string?>("--input-format") { Description = "Force the input format: csv, parquet or json (default: by file extension)." };
        var columns = new Option<string?>("--columns") { Description = "Comma-separated columns to profile (default: every column but the id and timestamps)." };
        var resolution = new Option<int?>("--resolution") { Description = $"Numerical columns with more distinct values are pooled into about this many buckets of equal counts (default {NumericSummary.DefaultResolution:N0}: the distribution function within 1/{NumericSummary.DefaultResolution:N0}); fewer stay exact." };
        var quiet = new Option<bool>("--quiet", "-q") { Description = "No progress display." };
        var cmd = new Command("profile",
            "Store a reference's sufficient statistics for drift, so that `vigil drift` can run when the training data is " +
            "not at hand: per column the missing count, every category's count, and for numbers the exact count, mean, " +
            "standard deviation, minimum and maximum with the values themselves (exact up to --resolution distinct values, " +
            "pooled into buckets of equal counts beyond that). Drift against a profile is exact for the columns it holds " +
            "exactly; for pooled ones each result states its bound. Profiles merge (`vigil profile merge`), e.g. one per day " +
            "into one per month.\n\n" +
            "Examples:\n" +
            "  vigil profile train.parquet --out train.vigil-profile\n" +
            "  vigil drift --reference train.vigil-profile --current last_week.csv\n" +
            "  vigil profile merge day1.vigil-profile day2.vigil-profile --out days.vigil-profile\n" +
            "  vigil profile show train.vigil-profile --format json");
        var common = new CommonOptions();
        cmd.Arguments.Add(inputs);
        foreach (var o in new Option[] { table, sql, common.MaxShippedRows, inputFormat, columns, resolution, common.Out, common.Format, quiet }) cmd.Options.Add(o);
        common.Out.Description = "The profile to write (a .vigil-profile file; written whole or not at all).";
        common.Out.Required = true;
        common.Format.Description = "What to print about the profile written: console (default) or json.";
        cmd.SetAction(p =>
        {
            var fmt = p.GetValue(inputFormat);
            if (fmt is not null && fmt is not ("csv" or "parquet" or "json"))
                throw new VigilInputException($"--input-format: '{fmt}' is not a format; expected csv, parquet or json");
            var res = p.GetValue(resolution) ?? NumericSummary.DefaultResolution;
            if (res < 2) throw new VigilInputException($"--resolution: {res} is too small; expected at least 2 buckets");
            var ins = p.GetValue(inputs) ?? [];
            var outPath = CheckOut(p.GetValue(common.Out)!, ins);
            if (ins.Any(i => i.EndsWith(ReferenceProfile.Extension, StringComparison.OrdinalIgnoreCase)))
                throw new VigilInputException($"{ins.First(i => i.EndsWith(ReferenceProfile.Extension, StringComparison.OrdinalIgnoreCase))} is already a profile; to combine profiles use `vigil profile merge`");
            using var source = SourceOpener.Open(new SourceSpec { Inputs = ins, Table = p.GetValue(table), Sql = p.GetValue(sql), Format = fmt, MaxShippedRows = common.ShippedRows(p) });
            ReferenceProfile profile;
            using (var progress = new ConsoleProgress(!p.GetValue(quiet), () => source.Engine.Progress))
                profile = ReferenceProfile.Build(source, p.GetValue(columns)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), res, progress);
            profile.Save(outPath);
            Show(ReferenceProfile.Load(outPath), ShowFormat(p.GetValue(common.Format)));
            return Cli.Ok;
        });

        var mergeInputs = new Argument<string[]>("profiles") { Description = "Profiles to merge (.vigil-profile files with the same columns).", Arity = ArgumentArity.OneOrMore };
        var mergeOut = new Option<string>("--out", "-o") { Description = "The merged profile to write.", Required = true };
        var mergeFormat = new Option<string?>("--format", "-f") { Description = "What to print about the merged profile: console (default) or json." };
        var merge = new Command("merge",
            "Merge profiles into one, as if the sources had been profiled together: counts add up, moments combine exactly, " +
            "and numerical values are pooled again to the larger resolution (the bounds stay true after any number of merges).\n\n" +
            "Example:\n  vigil profile merge 'daily/*.vigil-profile' --out month.vigil-profile");
        merge.Arguments.Add(mergeInputs);
        merge.Options.Add(mergeOut);
        merge.Options.Add(mergeFormat);
        merge.SetAction(p =>
        {
            var files = (p.GetValue(mergeInputs) ?? []).SelectMany(Expand).ToList();
            // Merging into one of the profiles merged is fine: they are read whole before the result is written.
            var outPath = CheckOut(p.GetValue(mergeOut)!, []);
            if (files.Count < 2) throw new VigilInputException($"profile merge: needs at least two profiles, got {files.Count}");
            var merged = files.Select(ReferenceProfile.Load).Aggregate(ReferenceProfile.Merge);
            merged.Save(outPath);
            Show(ReferenceProfile.Load(outPath), ShowFormat(p.GetValue(mergeFormat)));
            return Cli.Ok;
        });
        cmd.Subcommands.Add(merge);

        var showInput = new Argument<string>("profile") { Description = "A .vigil-profile file." };
        var showFormat = new Option<string?>("--format", "-f") { Description = "console (default) or json." };
        var show = new Command("show", "Show what a profile holds: its sources, rows, and per column the counts, moments, range and whether it is exact.");
        show.Arguments.Add(showInput);
        show.Options.Add(showFormat);
        show.SetAction(p =>
        {
            Show(ReferenceProfile.Load(p.GetValue(showInput)!), ShowFormat(p.GetValue(showFormat)));
            return Cli.Ok;
        });
        cmd.Subcommands.Add(show);
        return cmd;
    }

    private static ReportFormat ShowFormat(string? f) => f is null ? ReportFormat.Console : ReportWriter.ParseFormat(f) switch
    {
        ReportFormat.Console => ReportFormat.Console,
        ReportFormat.Json => ReportFormat.Json,
        _ => throw new VigilInputException($"--format: '{f}' is not a format for a profile; expected console or json"),
    };

    private static void Show(ReferenceProfile profile, ReportFormat format) =>
        ReportOutput.Write(format, (OutputTarget?)null, (w, c) => ProfileReport.Write(profile, format, w, c));

    /// <summary>The profile's path: it names a .vigil-profile file that is not an input; a symbolic link is written
    /// through (its target is replaced, the link stays).</summary>
    private static string CheckOut(string path, IEnumerable<string> inputs)
    {
        if (!string.IsNullOrWhiteSpace(path) && !Directory.Exists(path) && !path.EndsWith(ReferenceProfile.Extension, StringComparison.OrdinalIgnoreCase))
            throw new VigilInputException($"--out: '{path}' should end in {ReferenceProfile.Extension}, so that `vigil drift --reference` knows it for a profile");
        var target = OutputTarget.Check(path, inputs);
        if (target.Direct) throw new VigilInputException($"--out: '{path}' is a device; write the profile to a regular file");
        return target.Path;
    }

    /// <summary>A path, or a glob's matches in order.</summary>
    private static IEnumerable<string> Expand(string pattern)
    {
        if (pattern.IndexOfAny(['*', '?', '[']) < 0) return [pattern];
        var dir = Path.GetDirectoryName(pattern) is { Length: > 0 } d ? d : ".";
        var matches = Directory.Exists(dir) ? Directory.GetFiles(dir, Path.GetFileName(pattern)).Order(StringComparer.Ordinal).ToList() : [];
        return matches.Count > 0 ? matches : throw new VigilInputException($"{pattern}: no profiles match");
    }
}
