using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using Vigil.Cli.Commands;

namespace Vigil.Cli;

internal static class Program
{
    public static int Main(string[] args)
    {
        var root = new RootCommand(
            "Vigil watches machine-learning models in production: performance summaries, data-quality checks, " +
            "evaluation dashboards and drift reports, computed exactly on prediction logs of any size, and a monitoring " +
            "service that ingests predictions and pages at the right severity.\n\n" +
            "Start with `vigil demo`, then `vigil summary FILE`, `vigil evaluate FILE`, `vigil drift -r REF -c CUR` and " +
            "`vigil serve --config vigil.yaml`.");
        // The command list shows one line per command; the whole description, options and examples are under
        // `vigil COMMAND --help`.
        var commands = new (Command Command, string Summary)[]
        {
            (EvaluateCommand.Create(), "Evaluate a classifier or regressor: metrics, curves, thresholds, segments."),
            (SummaryCommand.Create(), "Summarize a prediction log per period and model version, with data-quality checks."),
            (SegmentsCommand.Create(), "Find the segments (values and pairs of values) where a classifier does worst."),
            (FairnessCommand.Create(), "Audit a classifier for fairness: metrics per group and intersection, disparities, proxies, group thresholds."),
            (DriftCommand.Create(), "Compare a reference and a current dataset column by column: data and target drift."),
            (CompareCommand.Create(), "Compare two model versions overall and per segment: differences with intervals, verdicts."),
            (DiagnoseCommand.Create(), "Why did the metric drop? Real drop, pipeline, covariate shift or concept drift, segments, what to do."),
            (ExplainCommand.Create(), "Which features drive the scores, from the log alone: surrogate + TreeSHAP, per segment, per version."),
            (EstimateCommand.Create(), "Estimate a classifier's performance per chunk before the labels arrive (NannyML's CBPE)."),
            (ReviewCommand.Create(), "A pre-deployment gate: a policy's requirements, an approval record and a model card."),
            (ProfileCommand.Create(), "Store a reference's statistics for drift (merge, show)."),
            (ServeCommand.Create(), "Run the monitoring service: ingest API, monitors, alerts, Prometheus metrics."),
            (RulesCommand.Create(), "Write Prometheus alerting rules for the configured monitors."),
            (GrafanaCommand.Create(), "Write a Grafana dashboard over the service's Prometheus metrics."),
            (DemoCommand.Create(), "Generate a demo fraud-model log and write its reports."),
            (GenerateCommand.Create(), "Write the demo's generated prediction log to a file."),
        };
        foreach (var (command, _) in commands) root.Subcommands.Add(command);
        root.Subcommands.Add(ScanCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        if (root.Options.OfType<HelpOption>().FirstOrDefault() is { Action: { } defaultHelp } helpOption)
            helpOption.Action = new ShortHelpAction(root, [.. commands.Select(c => (c.Command.Name, c.Summary))], defaultHelp);
        return Cli.Run(root, args);
    }
}

/// <summary>The top-level help lists each command with a one-line summary; a command's own help (its whole
/// description, options and examples) is System.CommandLine's.</summary>
internal sealed class ShortHelpAction(RootCommand root, IReadOnlyList<(string Name, string Summary)> commands, CommandLineAction commandHelp)
    : SynchronousCommandLineAction
{
    public override bool ClearsParseErrors => true;

    public override int Invoke(ParseResult parseResult)
    {
        if (parseResult.CommandResult.Command != root)
            return commandHelp is SynchronousCommandLineAction s ? s.Invoke(parseResult) : 0;
        var o = Console.Out;
        o.WriteLine("Description:");
        foreach (var line in (root.Description ?? "").Split('\n')) o.WriteLine(line.Length == 0 ? "" : "  " + line);
        o.WriteLine();
        o.WriteLine("Usage:");
        o.WriteLine("  vigil [command] [options]");
        o.WriteLine();
        o.WriteLine("Options:");
        o.WriteLine("  -?, -h, --help  Show help and usage information");
        o.WriteLine("  --version       Show Vigil's version");
        o.WriteLine();
        o.WriteLine("Commands:");
        int width = commands.Max(c => c.Name.Length) + 2;
        foreach (var (name, summary) in commands) o.WriteLine("  " + name.PadRight(width) + summary);
        o.WriteLine();
        o.WriteLine("Run 'vigil COMMAND --help' for a command's options and examples.");
        return 0;
    }
}
