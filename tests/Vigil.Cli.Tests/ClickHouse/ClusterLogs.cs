using System.Globalization;
using System.Text;
using Vigil.Testing.ClickHouse;

namespace Vigil.Cli.Tests.ClickHouse;

/// <summary>
/// The logs of <see cref="ClusterEquivalenceTests"/>, once per class: CSV files on disk for DuckDB and the same rows in
/// Distributed tables of the two-shard cluster, with column types that mirror what DuckDB's CSV reader infers (BIGINT →
/// Int64, DOUBLE → Float64, TIMESTAMP → DateTime('UTC'), anything else String; Nullable where a field is empty, which
/// DuckDB reads as NULL). Loaded on first use, so a machine without ClickHouse generates nothing.
/// </summary>
public sealed class ClusterLogs : IDisposable
{
    private readonly object _gate = new();
    private Exception? _loadError;
    private bool _loaded;

    /// <summary>The directory holding every CSV file (also the CLI's working directory).</summary>
    public string Dir { get; } = VigilProcess.TempDir();

    /// <summary>Where the time-ordered halves of the generated logs split: rows before go to the reference half.</summary>
    public string LogSplit { get; private set; } = "";

    public string CleanSplit { get; private set; } = "";

    public void Dispose()
    {
        try
        {
            Directory.Delete(Dir, true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>The path of a file in <see cref="Dir"/>.</summary>
    public string File(string name) => Path.Combine(Dir, name);

    /// <summary>Generates and loads the logs once; a load that failed fails every later test with the same error.</summary>
    public void EnsureLoaded(ClickHouseCluster cluster)
    {
        lock (_gate)
        {
            if (_loadError is not null) throw new InvalidOperationException("loading the equivalence logs failed earlier: " + _loadError.Message, _loadError);
            if (_loaded) return;
            try
            {
                Load(cluster);
                _loaded = true;
            }
            catch (Exception e)
            {
                _loadError = e;
                throw;
            }
        }
    }

    private void Load(ClickHouseCluster cluster)
    {
        // The generated fraud log, with its injected problems (duplicates, nulls, bad labels, an unparseable timestamp,
        // a drift mid-way), and the clean one.
        Task.WaitAll(Task.Run(() => Generate("log.csv", clean: false)), Task.Run(() => Generate("clean.csv", clean: true)));
        LogSplit = SplitByTime("log.csv", "log_ref.csv", "log_cur.csv");
        CleanSplit = SplitByTime("clean.csv", "clean_ref.csv", "clean_cur.csv");

        foreach (var (from, to) in FixtureFiles()) Copy(from, to);

        foreach (var (table, file) in new[]
                 {
                     ("eq_log", "log.csv"), ("eq_clean", "clean.csv"), ("eq_mc_eval", "mc_eval.csv"), ("eq_reg_eval", "reg_eval.csv"),
                     ("eq_mc_ref", "mc_ref.csv"), ("eq_mc_cur", "mc_cur.csv"), ("eq_reg_ref", "reg_ref.csv"), ("eq_reg_cur", "reg_cur.csv"),
                     ("eq_dx_ref", "dx_ref.csv"), ("eq_dx_cur", "dx_cur.csv"), ("eq_paired", "paired.csv"),
                 })
        {
            LoadTable(cluster, table, File(file));
        }
        // The same pairs with each version on its own shard (v2.0 on shard 0, v2.1 on shard 1): every pair's two rows are
        // on different servers, so pairing them needs rows of both shards in one place.
        LoadTable(cluster, "eq_paired_split", File("paired.csv"), "toUInt8(model_version = 'v2.1')");
        for (int i = 0; i < cluster.ShardCount; i++)
        {
            string versions = cluster.Sql(i, "SELECT arrayStringConcat(groupUniqArray(model_version), ',') FROM eq_paired_split_local").Trim();
            if (versions != (i == 0 ? "v2.0" : "v2.1"))
                throw new InvalidOperationException($"eq_paired_split: shard {i} holds versions '{versions}', expected only {(i == 0 ? "v2.0" : "v2.1")}");
        }
    }

    /// <summary>The repository's fixtures the logs copy: each file's path and the name it gets in <see cref="Dir"/>.</summary>
    internal static (string From, string To)[] FixtureFiles()
    {
        string fixtures = Path.Combine(RepoRoot(), "tests", "Vigil.Analysis.Tests", "Fixtures");
        string scenarios = Path.Combine(RepoRoot(), "tests", "fixtures", "scenarios");
        return
        [
            (Path.Combine(fixtures, "eval_multiclass.csv"), "mc_eval.csv"),
            (Path.Combine(fixtures, "eval_regression.csv"), "reg_eval.csv"),
            (Path.Combine(scenarios, "multiclass_covariate_shift", "reference.csv"), "mc_ref.csv"),
            (Path.Combine(scenarios, "multiclass_covariate_shift", "current.csv"), "mc_cur.csv"),
            (Path.Combine(fixtures, "dle_reference.csv"), "reg_ref.csv"),
            (Path.Combine(fixtures, "dle_analysis.csv"), "reg_cur.csv"),
            (Path.Combine(fixtures, "diagnose", "reference.csv"), "dx_ref.csv"),
            (Path.Combine(fixtures, "diagnose", "concept.csv"), "dx_cur.csv"),
            // A shadow deployment: versions v2.0 and v2.1 scored the same 2,000 ids (tools/golden/generate_compare.py).
            (Path.Combine(fixtures, "compare_paired.csv"), "paired.csv"),
        ];
    }

    private void Generate(string name, bool clean)
    {
        string[] args = clean ? ["generate", "--rows", "20000", "--clean", "-o", File(name)] : ["generate", "--rows", "20000", "-o", File(name)];
        var o = VigilProcess.Run(Dir, args);
        if (o.ExitCode != 0) throw new InvalidOperationException($"vigil generate failed ({o.ExitCode}): {o.Stderr.Trim()}");
    }

    private void Copy(string from, string to) => System.IO.File.Copy(from, File(to), overwrite: true);

    /// <summary>Writes the rows whose timestamp text sorts before the median one to <paramref name="reference"/> and the
    /// others to <paramref name="current"/>, and returns that median text. The comparison is ordinal on the text, as
    /// ClickHouse compares a String column; for a DateTime column the same instant compares the same way.</summary>
    private string SplitByTime(string log, string reference, string current)
    {
        string[] lines = System.IO.File.ReadAllLines(File(log));
        int ts = Array.IndexOf(Split(lines[0]), "timestamp");
        if (ts < 0) throw new InvalidOperationException($"{log}: no timestamp column");
        var stamps = lines.Skip(1).Select(l => Split(l)[ts]).ToArray();
        Array.Sort(stamps, StringComparer.Ordinal);
        string split = stamps[stamps.Length / 2];
        var r = new StringBuilder(lines[0]).Append('\n');
        var c = new StringBuilder(lines[0]).Append('\n');
        foreach (string line in lines.Skip(1))
            (string.CompareOrdinal(Split(line)[ts], split) < 0 ? r : c).Append(line).Append('\n');
        System.IO.File.WriteAllText(File(reference), r.ToString());
        System.IO.File.WriteAllText(File(current), c.ToString());
        return split;
    }

    /// <summary>Creates the Distributed table <paramref name="table"/> with the CSV's columns, sharded by
    /// <paramref name="shardingKey"/> (at random by default), and loads its rows (empty fields as NULL, as DuckDB reads them),
    /// bit-exactly (<see cref="ExactLoad"/>): every double has the bits DuckDB reads from the CSV.</summary>
    private static void LoadTable(ClickHouseCluster cluster, string table, string csv, string shardingKey = "rand()")
    {
        var (columns, rows) = ReadCsv(csv);
        cluster.CreateDistributedTable(table, string.Join(", ", columns.Select(c => $"`{c.Name}` {c.Type}")), "tuple()", shardingKey);
        // As RowBinary with each double parsed in .NET (correctly rounded, as DuckDB's CSV reader parses it), not as CSV
        // text, which 18.16 parses a few decimals of one ulp off; every Float64 column's stored bits are checked.
        ExactLoad.Insert(cluster, table, columns, rows);
        string count = cluster.Sql(0, $"SELECT count() FROM {table}").Trim();
        if (count != rows.Length.ToString(CultureInfo.InvariantCulture))
            throw new InvalidOperationException($"{table}: {count} rows in the cluster, {rows.Length} in {csv}");
        // Both shards hold rows, so every analysis really reads through the Distributed table from two servers.
        for (int i = 0; i < cluster.ShardCount; i++)
        {
            if (cluster.Sql(i, $"SELECT count() FROM {table}_local").Trim() == "0")
                throw new InvalidOperationException($"{table}: shard {i} holds no rows");
        }
    }

    /// <summary>A CSV file of the logs as <see cref="LoadTable"/> loads it: each column's name and ClickHouse type
    /// (<see cref="ClickHouseType"/>), and the rows' fields (empty for NULL).</summary>
    internal static ((string Name, string Type)[] Columns, string[][] Rows) ReadCsv(string csv)
    {
        string[] lines = System.IO.File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
        string[] header = Split(lines[0]);
        var rows = lines.Skip(1).Select(Split).ToArray();
        foreach (var (row, i) in rows.Select((r, i) => (r, i)))
        {
            if (row.Length != header.Length)
                throw new InvalidOperationException($"{csv}: row {i + 2} has {row.Length} fields, the header {header.Length}");
        }
        var columns = new (string Name, string Type)[header.Length];
        for (int c = 0; c < header.Length; c++)
            columns[c] = (header[c], ClickHouseType(rows.Select(r => r[c])));
        return (columns, rows);
    }

    /// <summary>The type DuckDB's CSV reader gives these values, as ClickHouse spells it: BIGINT when every non-empty
    /// value is an integer, DOUBLE when a number, TIMESTAMP when a date-time, DATE when a date, VARCHAR otherwise;
    /// Nullable when any value is empty.</summary>
    internal static string ClickHouseType(IEnumerable<string> values)
    {
        bool allLong = true, allDouble = true, allDateTime = true, allDate = true, anyEmpty = false, anyValue = false;
        foreach (string v in values)
        {
            if (v.Length == 0)
            {
                anyEmpty = true;
                continue;
            }
            anyValue = true;
            allLong &= long.TryParse(v, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
            allDouble &= double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _);
            allDateTime &= DateTime.TryParseExact(v, "yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
            allDate &= DateTime.TryParseExact(v, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        }
        string type = !anyValue ? "String"
            : allLong ? "Int64"
            : allDouble ? "Float64"
            : allDateTime ? "DateTime('UTC')"
            : allDate ? "Date"
            : "String";
        return anyEmpty ? $"Nullable({type})" : type;
    }

    /// <summary>Splits a line of the logs, which quote nothing (checked, so a quoted file fails loudly rather than
    /// loading differently in the two engines).</summary>
    private static string[] Split(string line)
    {
        if (line.Contains('"', StringComparison.Ordinal)) throw new InvalidOperationException($"quoted CSV is not supported here: {line}");
        return line.Split(',');
    }

    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !System.IO.File.Exists(Path.Combine(d.FullName, "Vigil.slnx"))) d = d.Parent;
        return d?.FullName ?? throw new InvalidOperationException("Vigil.slnx not found above " + AppContext.BaseDirectory);
    }
}
