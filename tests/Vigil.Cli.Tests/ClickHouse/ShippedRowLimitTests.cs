using System.Globalization;
using Vigil.Testing.ClickHouse;

namespace Vigil.Cli.Tests.ClickHouse;

/// <summary>
/// <c>--max-shipped-rows</c> (and VIGIL_MAX_SHIPPED_ROWS) over the two-shard cluster: past the limit a command exits 2
/// with one line and writes nothing; at the limit it works and gives the same report as without one. The limits at which
/// evaluate and summary stop are the ones docs/scale.md states: evaluate at the number of distinct labeled scores,
/// summary at the number of distinct (model version, period, score) groups.
/// </summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ShippedRowLimitTests : IDisposable
{
    private const string Table = "lim_cli";
    private const int Rows = 3000;
    private readonly ClickHouseCluster _cluster;
    private readonly string _dir = VigilProcess.TempDir();

    public ShippedRowLimitTests(ClickHouseCluster cluster) => _cluster = cluster;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Url => _cluster.Url(0);

    private static readonly Lock Loaded = new();
    private static bool _loaded;

    private void Ready()
    {
        _cluster.Require();
        lock (Loaded)
        {
            if (_loaded) return;
            _cluster.CreatePredictionLogs(Table, Rows);
            _loaded = true;
        }
    }

    /// <summary>Distinct scores among labeled rows, as ClickHouse counts them (evaluate's score table has one row each).</summary>
    private long DistinctLabeledScores() =>
        long.Parse(_cluster.Sql(1, $"SELECT uniqExactIf(prediction_score, actual_label IS NOT NULL) FROM {Table}").Trim(), CultureInfo.InvariantCulture);

    private static string N(long n) => n.ToString(CultureInfo.InvariantCulture);

    [SkippableFact]
    public void Evaluate_PastTheLimit_Exit2_OneLine_NothingWritten()
    {
        Ready();
        Assert.True(DistinctLabeledScores() > 100);
        string outFile = Path.Combine(_dir, "report.json");
        var o = VigilProcess.Run(_dir, "evaluate", Url, "--table", Table, "--max-shipped-rows", "100", "--out", outFile);
        VigilProcess.AssertBadInput(o, $"vigil: clickhouse 127.0.0.1:{N(_cluster.HttpPort(0))}/default: a query would ship more than 100 rows (--max-shipped-rows 100) at step \"Computing metrics\": raise the limit", _dir, outFile);
        Assert.EndsWith("; see docs/scale.md", o.Stderr.Trim(), StringComparison.Ordinal);

        // A large limit: the report is written.
        o = VigilProcess.Run(_dir, "evaluate", Url, "--table", Table, "--max-shipped-rows", "1000000", "--out", outFile, "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.True(File.Exists(outFile));
    }

    [SkippableFact]
    public void Evaluate_StopsAtTheNumberOfDistinctLabeledScores_AndAtItMatchesNoLimit()
    {
        Ready();
        long d = DistinctLabeledScores();
        var below = VigilProcess.Run(_dir, "evaluate", Url, "--table", Table, "--max-shipped-rows", N(d - 1), "-q");
        VigilProcess.AssertBadInput(below, $"would ship more than {(d - 1).ToString("N0", CultureInfo.InvariantCulture)} rows (--max-shipped-rows {N(d - 1)})", _dir);

        var at = VigilProcess.Run(_dir, "evaluate", Url, "--table", Table, "--max-shipped-rows", N(d), "--format", "json", "-q");
        var none = VigilProcess.Run(_dir, "evaluate", Url, "--table", Table, "--max-shipped-rows", "0", "--format", "json", "-q");
        Assert.True(at.ExitCode == 0, at.Stderr);
        Assert.True(none.ExitCode == 0, none.Stderr);
        var diffs = JsonEquivalence.Differences(none.Stdout, at.Stdout);
        Assert.True(diffs.Count == 0, string.Join('\n', diffs));
    }

    /// <summary>Summary's largest table is the metrics' groups: one row per distinct (model version, day, score) of
    /// the rows it counts (every row of this clean log). Below that it stops at that step; at it, the report is the one
    /// without a limit.</summary>
    [SkippableFact]
    public void Summary_StopsAtTheDistinctScoresPerVersionAndDay_AndAtItMatchesNoLimit()
    {
        Ready();
        long d = long.Parse(_cluster.Sql(1, $"SELECT uniqExact(model_version, toStartOfDay(timestamp), prediction_score) FROM {Table}").Trim(), CultureInfo.InvariantCulture);
        Assert.True(d > Rows / 2, $"{d} groups");
        var below = VigilProcess.Run(_dir, "summary", Url, "--table", Table, "--max-shipped-rows", N(d - 1), "-q");
        VigilProcess.AssertBadInput(below, $"would ship more than {(d - 1).ToString("N0", CultureInfo.InvariantCulture)} rows (--max-shipped-rows {N(d - 1)}) at step \"Computing metrics per model version and period (in the engine)\": raise", _dir);
        var at = VigilProcess.Run(_dir, "summary", Url, "--table", Table, "--max-shipped-rows", N(d), "--as-of", "2025-01-01", "--format", "json", "-q");
        var none = VigilProcess.Run(_dir, "summary", Url, "--table", Table, "--max-shipped-rows", "0", "--as-of", "2025-01-01", "--format", "json", "-q");
        Assert.True(at.ExitCode == 0, at.Stderr);
        Assert.True(none.ExitCode == 0, none.Stderr);
        var diffs = JsonEquivalence.Differences(none.Stdout, at.Stdout);
        Assert.True(diffs.Count == 0, string.Join('\n', diffs));
    }

    [SkippableFact]
    public void EnvironmentVariable_IsTheFallback_TheOptionWins()
    {
        Ready();
        var env = new Dictionary<string, string> { ["VIGIL_MAX_SHIPPED_ROWS"] = "100" };
        var o = VigilProcess.RunWith(_dir, env, "drift", "--reference", Url, "--reference-table", Table, "--current", Url, "--current-table", Table, "-q");
        VigilProcess.AssertBadInput(o, $"would ship more than 100 rows (VIGIL_MAX_SHIPPED_ROWS=100) at step \"Counting values in {Url} table {Table}\": raise", _dir);
        o = VigilProcess.RunWith(_dir, env, "drift", "--reference", Url, "--reference-table", Table, "--current", Url, "--current-table", Table, "--max-shipped-rows", "0", "-q");
        Assert.True(o.ExitCode == 0, o.Stderr);

        o = VigilProcess.RunWith(_dir, new Dictionary<string, string> { ["VIGIL_MAX_SHIPPED_ROWS"] = "lots" }, "evaluate", Url, "--table", Table, "-q");
        VigilProcess.AssertBadInput(o, "VIGIL_MAX_SHIPPED_ROWS: 'lots' is not a number of rows", _dir);
        o = VigilProcess.Run(_dir, "evaluate", Url, "--table", Table, "--max-shipped-rows", "-5", "-q");
        VigilProcess.AssertBadInput(o, "--max-shipped-rows: '-5' is not a number of rows", _dir);
    }

    [Theory]
    [InlineData("evaluate")]
    [InlineData("summary")]
    [InlineData("drift")]
    [InlineData("segments")]
    [InlineData("fairness")]
    [InlineData("compare")]
    [InlineData("estimate")]
    [InlineData("diagnose")]
    [InlineData("explain")]
    [InlineData("review")]
    [InlineData("profile")]
    public void Help_TeachesTheOption(string command)
    {
        var o = VigilProcess.Run(_dir, command, "--help");
        Assert.Equal(0, o.ExitCode);
        string help = string.Join(' ', o.Stdout.Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("--max-shipped-rows", help, StringComparison.Ordinal);
        Assert.Contains("the most rows one query may bring back from the server (default 50,000,000, or env VIGIL_MAX_SHIPPED_ROWS; 0 = no limit)", help, StringComparison.Ordinal);
        Assert.Contains("round a continuous score or feature", help, StringComparison.Ordinal);
    }
}
