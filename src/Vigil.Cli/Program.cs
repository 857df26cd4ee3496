using System.CommandLine;
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
        root.Subcommands.Add(EvaluateCommand.Create());
        root.Subcommands.Add(SummaryCommand.Create());
        root.Subcommands.Add(DriftCommand.Create());
        root.Subcommands.Add(ProfileCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(RulesCommand.Create());
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(GenerateCommand.Create());
        root.Subcommands.Add(ScanCommand.Create());
        root.Subcommands.Add(SqlCommand.Create());
        return Cli.Run(root, args);
    }
}
