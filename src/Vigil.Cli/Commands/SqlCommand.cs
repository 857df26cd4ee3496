using System.CommandLine;
using System.Diagnostics;
using Vigil.Engine.DuckDb;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil sql</c> (hidden, for developing analyses): runs statements in an in-memory DuckDB, one per
/// argument, and prints each one's time and, for a query, its first rows.</summary>
internal static class SqlCommand
{
    public static Command Create()
    {
        var statements = new Argument<string[]>("statements") { Arity = ArgumentArity.OneOrMore };
        var cmd = new Command("sql", "Run SQL statements in an in-memory DuckDB and time each one.") { Hidden = true };
        cmd.Arguments.Add(statements);
        cmd.SetAction(p =>
        {
            using var engine = new DuckDbEngine();
            foreach (var s in p.GetValue(statements)!)
            {
                var clock = Stopwatch.StartNew();
                var t = engine.Query(s);
                Console.WriteLine($"{clock.Elapsed.TotalSeconds:0.000} s  {s}");
                if (t.ColumnCount > 0 && t.RowCount > 0) Console.WriteLine(t.ToString());
            }
            return Cli.Ok;
        });
        return cmd;
    }
}
