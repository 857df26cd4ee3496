using System.CommandLine;
using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

/// <summary>Options every analysis command shares: the input, the column mapping and the output.</summary>
internal sealed class CommonOptions
{
    public Argument<string[]> Inputs { get; } = new("inputs")
    {
        Description = "Prediction log(s): CSV, TSV, Parquet or JSON-lines files, globs (\"logs/*.parquet\"), a DuckDB database file (with --table), a PostgreSQL URL postgres://user:pass@host:port/db or a ClickHouse URL clickhouse://user:pass@host:8123/db (with --table or --sql).",
        Arity = ArgumentArity.OneOrMore,
    };
    public Option<string?> Table { get; } = new("--table") { Description = "Table to read from a DuckDB file, PostgreSQL or ClickHouse (schema.table allowed)." };
    public Option<string?> Sql { get; } = new("--sql") { Description = "A query to read from PostgreSQL or ClickHouse; it runs inside the server, and so does every analysis over it." };
    public Option<string?> MaxShippedRows { get; } = new(ShippedRowLimit.Option)
    {
        Description = "With a PostgreSQL or ClickHouse source: the most rows one query may bring back from the server " +
            $"(default {ShippedRowLimit.DefaultRows:N0}, or env {ShippedRowLimit.EnvironmentVariable}; 0 = no limit). Analyses " +
            "ship aggregates, but some grow with the data: evaluate one row per distinct labeled score, drift one per distinct " +
            "value of each numeric column, summary one per distinct score per model version and period. Past the limit the command stops with exit 2 before shipping " +
            "more; raise it, or round a continuous score or feature so it has fewer distinct values (docs/scale.md).",
        HelpName = "rows",
    };
    public Option<string?> InputFormat { get; } = new("--input-format") { Description = "Force the input format: csv, parquet or json (default: by file extension)." };
    public Option<string?> Config { get; } = new("--config") { Description = "Column mapping file (default: ./vigil.yaml when present)." };
    public Option<string?> Id { get; } = new("--id") { Description = $"Id column (default: {MappingOptions.DefaultId}, else {MappingOptions.FallbackId}); never a feature." };
    public Option<string?> Timestamp { get; } = new("--timestamp") { Description = $"Timestamp column (default: {MappingOptions.DefaultTimestamp})." };
    public Option<string?> VersionColumn { get; } = new("--version-column") { Description = $"Model version column (default: {MappingOptions.DefaultVersion}; config key columns.version)." };
    public Option<string?> Score { get; } = new("--score") { Description = $"Score (probability of the positive class) column (default: {MappingOptions.DefaultScore})." };
    public Option<string?> Label { get; } = new("--label") { Description = $"Actual label column (default: {MappingOptions.DefaultLabel})." };
    public Option<string?> Prediction { get; } = new("--prediction") { Description = $"Predicted value or class column, for regression and multiclass (default: {MappingOptions.DefaultPrediction})." };
    public Option<string?> Features { get; } = new("--features") { Description = "Comma-separated feature columns (default: every column with no other role)." };
    public Option<string?> Task { get; } = new("--task") { Description = "binary, multiclass or regression (default: detected from the columns)." };
    public Option<string?> Format { get; } = new("--format", "-f") { Description = "console, json, html or markdown (default: console, or from --out's extension)." };
    public Option<string?> Out { get; } = new("--out", "-o") { Description = "Write the report to this file (written whole or not at all)." };
    public Option<bool> Quiet { get; } = new("--quiet", "-q") { Description = "No progress display, and with --out no verdict line." };
    public Option<string?> FailOn { get; } = new("--fail-on") { Description = "Exit 1 (after writing the report) when the report finds this: error, warning (a warning or worse) or, for drift, drift; comma-separated. One line on stderr says which." };

    public void AddTo(Command c)
    {
        c.Arguments.Add(Inputs);
        foreach (var o in new Option[] { Table, Sql, MaxShippedRows, InputFormat, Config, Id, Timestamp, VersionColumn, Score, Label, Prediction, Features, Task, Format, Out, Quiet, FailOn })
            c.Options.Add(o);
    }

    public SourceSpec Source(ParseResult p)
    {
        var fmt = p.GetValue(InputFormat);
        if (fmt is not null && fmt is not ("csv" or "parquet" or "json"))
            throw new VigilInputException($"--input-format: '{fmt}' is not a format; expected csv, parquet or json");
        var inputs = p.GetValue(Inputs) ?? [];
        // An unknown option lands among the inputs; say what it is rather than "no such file".
        foreach (var i in inputs)
            if (i.StartsWith('-') && !File.Exists(i))
                throw new VigilInputException($"unknown option '{i}' for 'vigil {p.CommandResult.Command.Name}' (see 'vigil {p.CommandResult.Command.Name} --help')");
        return new SourceSpec { Inputs = inputs, Table = p.GetValue(Table), Sql = p.GetValue(Sql), Format = fmt, MaxShippedRows = ShippedRows(p) };
    }

    /// <summary>The --max-shipped-rows given (null when not: the environment or the default decide), checked.</summary>
    public long? ShippedRows(ParseResult p) =>
        p.GetValue(MaxShippedRows) is { } s ? ShippedRowLimit.Parse(s, ShippedRowLimit.Option) : null;

    public MappingOptions Mapping(ParseResult p)
    {
        var flags = new MappingOptions
        {
            Id = p.GetValue(Id),
            Timestamp = p.GetValue(Timestamp),
            Version = p.GetValue(VersionColumn),
            Score = p.GetValue(Score),
            Label = p.GetValue(Label),
            Prediction = p.GetValue(Prediction),
            Features = p.GetValue(Features) is { } f ? f.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : null,
            Task = p.GetValue(Task) is { } t ? ConfigFile.ParseTask(t, "--task") : null,
        };
        var configPath = p.GetValue(Config);
        if (configPath is null && File.Exists(ConfigFile.DefaultName)) configPath = ConfigFile.DefaultName;
        return configPath is null ? flags : flags.Over(ConfigFile.Load(configPath));
    }

    public ReportFormat OutputFormat(ParseResult p)
    {
        var f = p.GetValue(Format);
        if (f is not null)
            return ReportWriter.ParseFormat(f) ?? throw new VigilInputException($"--format: '{f}' is not a format; expected console, json, html or markdown");
        var o = p.GetValue(Out);
        return Path.GetExtension(o ?? "").ToLowerInvariant() switch
        {
            ".json" => ReportFormat.Json,
            ".html" or ".htm" => ReportFormat.Html,
            ".md" or ".markdown" => ReportFormat.Markdown,
            _ => ReportFormat.Console,
        };
    }

    /// <summary>The checked --out target (null without --out); <paramref name="inputs"/> are the files it must not replace.</summary>
    public OutputTarget? OutTarget(ParseResult p, IEnumerable<string> inputs) =>
        p.GetValue(Out) is { } o ? OutputTarget.Check(o, inputs) : null;

    /// <summary>The input files of this command (inputs and the config file), for <see cref="OutTarget"/>.</summary>
    public IEnumerable<string> InputFiles(ParseResult p)
    {
        foreach (var i in p.GetValue(Inputs) ?? []) yield return i;
        if (p.GetValue(Config) is { } c) yield return c;
        else if (File.Exists(ConfigFile.DefaultName)) yield return ConfigFile.DefaultName;
    }

    /// <summary>A threshold on a probability score: finite and in [0, 1].</summary>
    public static double ParseProbability(string? s, string flag, double fallback)
    {
        var v = ParseDouble(s, flag, fallback);
        return v is >= 0 and <= 1 ? v : throw new VigilInputException($"{flag}: {s} is outside [0, 1]; a score threshold is a probability");
    }

    public static double ParseDouble(string? s, string flag, double fallback)
    {
        if (s is null) return fallback;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)
            ? v
            : throw new VigilInputException($"{flag}: '{s}' is not a number");
    }
}
