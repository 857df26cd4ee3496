using System.CommandLine;
using Vigil.Engine;

namespace Vigil.Cli;

/// <summary>Runs a parsed command with Vigil's error contract: bad input is one line on standard error and exit code 2;
/// nothing else is written. Set VIGIL_DEBUG=1 to see stack traces of unexpected errors.</summary>
internal static class Cli
{
    public const int Ok = 0;
    public const int Failed = 1;
    public const int BadInput = 2;
    public const int InternalError = 70;

    public static int Run(RootCommand root, string[] args)
    {
        var parse = root.Parse(StdinDash(args));
        if (parse.Errors.Count > 0)
        {
            var first = parse.Errors[0].Message;
            Console.Error.WriteLine($"vigil: {OneLine(first)} (see 'vigil {string.Join(' ', CommandPath(parse))} --help')");
            return BadInput;
        }
        // A CSV value that does not fit the type DuckDB sniffed from the first rows fails the query that reaches it: the
        // command runs again with that column read as text (its outputs are written only at the end), once per column.
        // Not with standard input, which is read once.
        var stdin = args.Any(a => a is "-" or "/dev/stdin");
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return parse.Invoke(new InvocationConfiguration { EnableDefaultExceptionHandler = false });
            }
            catch (Exception e) when (!stdin && attempt < 16 && Engine.Sources.SourceOpener.CsvConversionColumn(e) is { } column
                                      && Engine.Sources.SourceOpener.ReadCsvColumnAsText(column))
            {
            }
            catch (Exception e)
            {
                return Report(e);
            }
        }
    }

    internal static int Report(Exception e)
    {
        // Parallel work wraps what it throws; report the first real error.
        while (e is AggregateException { InnerExceptions.Count: > 0 } agg) e = agg.InnerExceptions[0];
        bool debug = Environment.GetEnvironmentVariable("VIGIL_DEBUG") == "1";
        switch (e)
        {
            case VigilInputException v:
                // The limit on shipped rows: the engine knows the query, the progress display the analysis step.
                Console.Error.WriteLine($"vigil: {OneLine(ConsoleProgress.LastStage is { } stage ? ShippedRowLimit.AtStep(v.Message, stage) : v.Message)}");
                return BadInput;
            case VigilEngineException { IsUserError: true } user:
                // The user's query, table, file or server: one line naming the engine, its message and code.
                Console.Error.WriteLine($"vigil: {OneLine(user.Message)}");
                return BadInput;
            case OperationCanceledException:
                Console.Error.WriteLine("vigil: cancelled");
                return 130;
            default:
                Console.Error.WriteLine($"vigil: internal error: {OneLine(e.Message)} (set VIGIL_DEBUG=1 for details)");
                if (debug)
                {
                    Console.Error.WriteLine(e);
                    if (e is VigilEngineException { Sql: { } sql }) Console.Error.WriteLine($"SQL: {sql}");
                }
                return InternalError;
        }
    }

    /// <summary>A lone "-" reads standard input, as in most Unix tools: it becomes /dev/stdin (which the sources copy
    /// once), except as the value of --out, where it stays a file name.</summary>
    internal static string[] StdinDash(string[] args)
    {
        var result = (string[])args.Clone();
        for (var i = 0; i < result.Length; i++)
            if (result[i] == "-" && !(i > 0 && result[i - 1] is "--out" or "-o"))
                result[i] = "/dev/stdin";
        return result;
    }

    private static IEnumerable<string> CommandPath(ParseResult parse)
    {
        var names = new List<string>();
        for (var r = parse.CommandResult; r is not null; r = r.Parent as System.CommandLine.Parsing.CommandResult)
            if (r.Command is not RootCommand) names.Insert(0, r.Command.Name);
        return names;
    }

    internal static string OneLine(string s)
    {
        var parts = s.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return string.Join(" ", parts);
    }
}
