using System.CommandLine;
using System.Diagnostics;
using Vigil.Engine.Sources;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil scan</c> (hidden, for benchmarks): DuckDB's bare scan of the input, touching every column once,
/// so a benchmark can say how far an analysis is from reading the data at all.</summary>
internal static class ScanCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var cmd = new Command("scan", "Read every column of the input once and print the row count and the time taken (a benchmark baseline).")
        {
            Hidden = true,
        };
        cmd.Arguments.Add(common.Inputs);
        cmd.Options.Add(common.Table);
        cmd.Options.Add(common.Sql);
        cmd.Options.Add(common.MaxShippedRows);
        cmd.Options.Add(common.InputFormat);
        cmd.SetAction(p =>
        {
            var clock = Stopwatch.StartNew();
            using var source = SourceOpener.Open(common.Source(p));
            var counts = string.Join(", ", source.Columns.Select(c => $"count({source.Engine.Dialect.QuoteIdentifier(c.Name)})"));
            var t = source.Engine.Query($"SELECT count(*), {counts} FROM {source.Relation}");
            Console.WriteLine($"{t.GetInt64(0, 0)} rows, {source.Columns.Count} columns, {clock.Elapsed.TotalSeconds:0.000} s");
            return Cli.Ok;
        });
        return cmd;
    }
}
