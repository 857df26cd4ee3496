using System.CommandLine;
using Vigil.Analysis.Demo;
using Vigil.Engine;
using Vigil.Engine.DuckDb;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil generate</c>: writes a realistic fraud-model prediction log, with injected data-quality problems
/// and drift, as CSV or Parquet (for trying Vigil and for benchmarks).</summary>
internal static class GenerateCommand
{
    public static Command Create()
    {
        var rows = new Option<long>("--rows") { Description = "Number of rows (default 200000).", DefaultValueFactory = _ => 200_000 };
        var seed = new Option<int>("--seed") { Description = "Random seed (default 42): the same seed writes the same file.", DefaultValueFactory = _ => 42 };
        var clean = new Option<bool>("--clean") { Description = "Inject no data-quality problems." };
        var output = new Option<string>("--out", "-o") { Description = "Output file: .csv or .parquet.", Required = true };
        var cmd = new Command("generate",
            "Write a generated fraud-model prediction log (two model versions, features, injected data-quality problems and a drift " +
            "that starts mid-way) as CSV or Parquet, and print what was injected.\n\nExample:\n  vigil generate --rows 10000000 --out log.parquet");
        cmd.Options.Add(rows);
        cmd.Options.Add(seed);
        cmd.Options.Add(clean);
        cmd.Options.Add(output);
        cmd.SetAction(p =>
        {
            var n = p.GetValue(rows);
            if (n < 1) throw new VigilInputException("--rows: must be at least 1");
            var path = p.GetValue(output)!;
            var options = new FraudLogOptions { Rows = n, Seed = p.GetValue(seed), InjectProblems = !p.GetValue(clean) };
            var injected = Write(path, options);
            Console.Error.WriteLine($"wrote {n:N0} rows to {path}");
            if (options.InjectProblems)
                Console.Error.WriteLine(
                    $"injected: {injected.DuplicateIds} duplicate ids, {injected.NullScores} null scores, {injected.ScoresOutOfRange} scores out of range, " +
                    $"{injected.MissingLabels} missing labels, {injected.InvalidLabels} invalid labels, {injected.FutureTimestamps} future timestamps, " +
                    $"{injected.UnparseableTimestamps} unparseable timestamps, no rows on {injected.MissingDay:yyyy-MM-dd}, a volume spike on {injected.VolumeSpikeDay:yyyy-MM-dd}");
            return Cli.Ok;
        });
        return cmd;
    }

    /// <summary>Writes the log as CSV, or as Parquet converted by DuckDB from a temporary CSV.</summary>
    internal static InjectedProblems Write(string path, FraudLogOptions options)
    {
        var full = Path.GetFullPath(path);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new VigilInputException($"--out: directory '{dir}' does not exist");
        var ext = Path.GetExtension(full).ToLowerInvariant();
        if (ext is not (".csv" or ".parquet")) throw new VigilInputException($"--out: '{path}' must end in .csv or .parquet");
        var tmpCsv = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.csv");
        var tmpOut = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            var injected = FraudLogGenerator.WriteCsv(tmpCsv, options);
            if (ext == ".csv")
            {
                File.Move(tmpCsv, full, overwrite: true);
            }
            else
            {
                using var db = DuckDbDatabase.Open(null);
                using var conn = db.Connect();
                // A column may hold injected text (an unparseable timestamp) anywhere in the file, so the types are detected
                // from every row (sample_size = -1), not the first 20,480: a column with such text stays text.
                conn.Execute($"COPY (SELECT * FROM read_csv('{Escape(tmpCsv)}', header = true, sample_size = -1)) TO '{Escape(tmpOut)}' (FORMAT parquet)");
                File.Move(tmpOut, full, overwrite: true);
            }
            return injected;
        }
        finally
        {
            if (File.Exists(tmpCsv)) File.Delete(tmpCsv);
            if (File.Exists(tmpOut)) File.Delete(tmpOut);
        }
    }

    private static string Escape(string s) => s.Replace("'", "''", StringComparison.Ordinal);
}
