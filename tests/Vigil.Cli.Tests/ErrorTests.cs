using System.Diagnostics;
using System.Text.Json;
using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Testing.Postgres;

namespace Vigil.Cli.Tests;

/// <summary>Bad input gets one clear line on stderr naming what is wrong, exit code 2, no stack trace, no output.</summary>
public sealed class ErrorTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content);
        return path;
    }

    private string GoodCsv() => Write("good.csv",
        "prediction_id,model_version,prediction_score,timestamp,actual_label,country\n" +
        "a,v1,0.9,2026-01-01 10:00:00,1,DE\nb,v1,0.2,2026-01-01 11:00:00,0,FR\nc,v1,0.7,2026-01-02 10:00:00,0,DE\nd,v1,0.4,2026-01-02 12:00:00,1,FR\n");

    private void AssertBadInput(VigilProcess.Outcome o, string mustMention, string? outFile = null) =>
        VigilProcess.AssertBadInput(o, mustMention, _dir, outFile);

    [Theory]
    [InlineData("evaluate")]
    [InlineData("summary")]
    public void MissingFile_Exit2NamesTheFile(string command)
    {
        var outFile = Path.Combine(_dir, "r.json");
        AssertBadInput(VigilProcess.Run(_dir, command, "nope.csv", "--out", outFile), "nope.csv", outFile);
    }

    [Fact]
    public void EmptyFile_Exit2()
    {
        var f = Write("empty.csv", "");
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", f), "empty.csv");
    }

    [Fact]
    public void UnreadableParquet_Exit2()
    {
        var f = Write("broken.parquet", "this is not parquet at all");
        AssertBadInput(VigilProcess.Run(_dir, "summary", f), "broken.parquet");
    }

    [Fact]
    public void UnknownExtension_Exit2()
    {
        var f = Write("data.xlsx", "x");
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", f), "data.xlsx");
    }

    [Fact]
    public void MissingColumn_Exit2NamesTheColumn()
    {
        var outFile = Path.Combine(_dir, "r.html");
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", GoodCsv(), "--score", "p_fraud", "--out", outFile), "p_fraud", outFile);
    }

    [Fact]
    public void WronglyTypedScoreColumn_Exit2()
    {
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", GoodCsv(), "--score", "country"), "country");
    }

    [Theory]
    [InlineData("--format", "xml", "xml")]
    [InlineData("--threshold", "abc", "abc")]
    [InlineData("--task", "ranking", "ranking")]
    public void BadFlagValue_Exit2(string flag, string value, string mention)
    {
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", GoodCsv(), flag, value), mention);
    }

    [Theory]
    [InlineData("--by", "month")]
    [InlineData("--as-of", "yesterday")]
    public void BadSummaryFlagValue_Exit2(string flag, string value)
    {
        AssertBadInput(VigilProcess.Run(_dir, "summary", GoodCsv(), flag, value), value);
    }

    [Fact]
    public void UnknownFlag_Exit2()
    {
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", GoodCsv(), "--frobnicate"), "unknown option '--frobnicate'");
    }

    [Fact]
    public void FlagOfAnotherCommand_Exit2()
    {
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", GoodCsv(), "--as-of", "2026-01-01"), "unknown option '--as-of'");
    }

    [Theory]
    [InlineData("evaluate")]
    [InlineData("summary")]
    public void HeaderOnlyFile_Exit2NoRows(string command)
    {
        var f = Write("header.csv", "prediction_id,prediction_score,actual_label,timestamp\n");
        AssertBadInput(VigilProcess.Run(_dir, command, f), "header.csv: no rows");
    }

    [Fact]
    public void BadConfigFile_Exit2NamesTheFile()
    {
        var cfg = Write("vigil.yaml", "columns:\n  score: [unclosed\n");
        AssertBadInput(VigilProcess.Run(_dir, "evaluate", GoodCsv(), "--config", cfg), "vigil.yaml");
    }

    // ---------------------------------------------------------------------------------------------
    // The error mapping: the user's engine errors exit 2 with one line, Vigil's own failures exit 70.

    private static (int Code, string Stderr) Reported(Exception e)
    {
        var saved = Console.Error;
        var w = new StringWriter();
        Console.SetError(w);
        try
        {
            return (Cli.Report(e), w.ToString());
        }
        finally
        {
            Console.SetError(saved);
        }
    }

    [Fact]
    public void EngineError_InVigilsOwnSql_IsInternal70_TheUsersIsBadInput2()
    {
        using var engine = new DuckDbEngine();
        var bug = Assert.Throws<DuckDbException>(() => engine.Query("SELECT no_such_column FROM range(3)"));
        var (code, err) = Reported(bug);
        Assert.Equal(70, code);
        Assert.StartsWith("vigil: internal error: duckdb: Binder Error: ", err);
        Assert.EndsWith("(set VIGIL_DEBUG=1 for details)", err.TrimEnd());

        // The same error in the user's --sql is theirs.
        (code, err) = Reported(bug.AsUserError("--sql"));
        Assert.Equal(2, code);
        Assert.Single(err.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.EndsWith(" in --sql", err.TrimEnd());

        // A conversion error on the user's data is theirs without any context.
        var data = Assert.Throws<DuckDbException>(() => engine.Query("SELECT 'abc'::INTEGER"));
        Assert.Equal(2, Reported(data).Code);

        // Parallel analyses wrap their errors: the real one is reported.
        Assert.Equal(70, Reported(new AggregateException(bug)).Code);
        Assert.Equal(2, Reported(new AggregateException(data)).Code);
    }

    // ---------------------------------------------------------------------------------------------
    // Config files: one line naming the file and the line, never a parser's or a cast's exception.

    [Theory]
    [InlineData("columns:\n  score: prediction_score\n label: actual_label\n", "vigil.yaml: line 3")]            // bad indentation
    [InlineData("columns:\n  - prediction_score\n  - actual_label\n", "vigil.yaml: line 2: 'columns' must be a mapping of column roles (role: column name), found a list")]
    [InlineData("columns:\n  score: [1, 2]\n", "vigil.yaml: line 2: 'score' expects a column name, found a list")]
    [InlineData("task: 5\n", "vigil.yaml: line 1: task: '5' is not a task")]                                      // a number where a word is expected
    [InlineData("columns:\n  scroe: prediction_score\n", "vigil.yaml: line 2: unknown column role 'scroe'")]
    [InlineData("columns:\n\tscore: prediction_score\n", "vigil.yaml: line 2: a tab is used for indentation")]
    [InlineData("[a, b]: 1\n", "vigil.yaml: line 1: expected a key, found a list")]                              // was "Unable to cast"
    [InlineData("- columns\n- task\n", "vigil.yaml: line 1: expected a mapping with 'columns:' and 'task:' at the top, found a list")]
    public void BrokenColumnConfig_InTheFolder_NamesFileAndLine(string yaml, string expected)
    {
        Write("vigil.yaml", yaml);
        var o = VigilProcess.Run(_dir, "summary", GoodCsv());
        AssertBadInput(o, expected);
        Assert.DoesNotContain("cast", o.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("YamlDotNet", o.Stderr);
    }

    [Fact]
    public void EmptyColumnConfig_IsNoConfig()
    {
        Write("vigil.yaml", "");
        var o = VigilProcess.Run(_dir, "summary", GoodCsv(), "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
    }

    [Theory]
    [InlineData("", "s.yaml: the file is empty")]
    [InlineData("[a]: 1\n", "s.yaml: line 1: expected a key in the top level, found a list")]
    [InlineData("keys:\n  - key: abcdefghij\n    scopes: [ingest]\nmodels:\n  fraud:\n    ? [x]\n    : 1\n", "s.yaml: line 6: expected a key in model 'fraud', found a list")]
    [InlineData("keys:\n  - key: abcdefghij\n    scopes: [ingest]\nmodels:\n  fraud:\n    task: [binary]\n", "s.yaml: line 6: task must be a single value, found a list")]
    [InlineData("keys:\n  - key: abcdefghij\n    scopes: [ingest]\nmodels: 5\n", "s.yaml: line 4: models must be a mapping of model name to its settings, found '5'")]
    [InlineData("keys:\n\t- key: abcdefghij\n", "s.yaml: line 2: a tab is used for indentation")]
    public void BrokenServiceConfig_NamesFileAndLine(string yaml, string expected)
    {
        var path = Write("s.yaml", yaml);
        var o = VigilProcess.Run(_dir, "rules", "--config", path);
        AssertBadInput(o, expected);
        Assert.DoesNotContain("cast", o.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    // ---------------------------------------------------------------------------------------------
    // Unusual input

    [Fact]
    public void Latin1Csv_SaysItIsNotUtf8_NamingFileAndLine()
    {
        var path = Path.Combine(_dir, "latin.csv");
        File.WriteAllBytes(path, [.. "prediction_id,prediction_score,actual_label,country\na,0.9,1,"u8, 0x4D, 0xFC, 0x6E, .. "\nb,0.2,0,FR\n"u8]);
        var o = VigilProcess.Run(_dir, "summary", path);
        AssertBadInput(o, "latin.csv: line 2: not UTF-8 text");
        Assert.Contains("iconv -f latin1 -t utf-8", o.Stderr);
    }

    [Fact]
    public void RaggedRow_SaysWhichLine_NotThatTheColumnIsMissing()
    {
        var f = Write("ragged.csv", "prediction_id,prediction_score,actual_label\na,0.9,1\nb,0.2\nc,0.4,0\n");
        AssertBadInput(VigilProcess.Run(_dir, "summary", f), "ragged.csv: could not split the header into columns: line 3 has 2 fields where the header has 3");
    }

    private static VigilProcess.Outcome RunWithStdin(string dir, string stdin, params string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = dir,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.StandardInput.Write(stdin);
        p.StandardInput.Close();
        if (!p.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            p.Kill(true);
            throw new TimeoutException("vigil did not finish");
        }
        return new VigilProcess.Outcome(p.ExitCode, stdout.Result, stderr.Result);
    }

    [Theory]
    [InlineData("/dev/stdin")]
    [InlineData("/proc/self/fd/0")]
    [InlineData("-")]
    public void PipedInput_IsRead(params string[] input)
    {
        var csv = File.ReadAllText(GoodCsv());
        var o = RunWithStdin(_dir, csv, ["summary", "--format", "json", .. input]);
        Assert.True(o.ExitCode == 0, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.Contains("\"stdin\"", o.Stdout);
        Assert.Contains("2026-01-02", o.Stdout);
        // The copy of the piped data is deleted.
        Assert.DoesNotContain(Directory.GetFiles(Path.GetTempPath(), "vigil-stdin-*"), f => File.GetLastWriteTimeUtc(f) > DateTime.UtcNow.AddMinutes(-1));
    }

    [Fact]
    public void PipedInput_Empty_Exit2()
    {
        var o = RunWithStdin(_dir, "", "summary", "/dev/stdin");
        AssertBadInput(o, "stdin");
    }

    [Fact]
    public void InfInTheFirstRow_KeepsTheColumnNumeric_SoIdenticalDataDoesNotDrift()
    {
        // The same values in two orders: with inf first the sniffer used to read the column as text.
        var body = new[] { "1.5", "2.5", "3.5", "4.5", "5.5", "6.5", "7.5", "8.5" };
        var reference = Write("ref.csv", "amount,other\ninf,1\n" + string.Concat(body.Select((v, i) => $"{v},{i}\n")));
        var current = Write("cur.csv", "amount,other\n" + string.Concat(body.Select((v, i) => $"{v},{i}\n")) + "inf,1\n");
        var o = VigilProcess.Run(_dir, "drift", "-r", reference, "-c", current, "--columns", "amount", "--format", "json");
        Assert.True(o.ExitCode is 0 or 1, o.Stderr);
        using var doc = JsonDocument.Parse(o.Stdout);
        Assert.False(doc.RootElement.GetProperty("dataset").GetProperty("drifted").GetBoolean());
        var amount = doc.RootElement.GetProperty("columns")[0];
        Assert.Equal("amount", amount.GetProperty("name").GetString());
        Assert.Equal("num", amount.GetProperty("type").GetString());
    }

    [Fact]
    public void EpochMilliseconds_AreReadAsMilliseconds_NotAsFutureSeconds()
    {
        const long t0 = 1767261600000; // 2026-01-01 10:00:00 UTC in milliseconds
        var f = Write("ms.csv", "prediction_id,model_version,prediction_score,timestamp,actual_label\n" +
            $"a,v1,0.9,{t0},1\nb,v1,0.2,{t0 + 3_600_000},0\nc,v1,0.7,{t0 + 86_400_000},0\nd,v1,0.4,{t0 + 86_400_000 + 7_200_000},1\n");
        var o = VigilProcess.Run(_dir, "summary", f, "--as-of", "2026-01-03", "--format", "json");
        Assert.True(o.ExitCode == 0, o.Stderr);
        Assert.Contains("2026-01-01", o.Stdout);
        Assert.DoesNotContain("future_timestamp", o.Stdout);
    }
}

/// <summary>A PostgreSQL error caused by the user's query exits 2 with one line naming the SQLSTATE.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresErrorTests(PostgresServer server)
{
    [SkippableFact]
    public void UsersQuery_MissingRelation_Exit2_WithSqlState()
    {
        server.Require();
        var dir = VigilProcess.TempDir();
        try
        {
            var o = VigilProcess.Run(dir, "summary", server.Url, "--sql", "SELECT * FROM scoring.missing");
            VigilProcess.AssertBadInput(o, "vigil: postgres: relation \"scoring.missing\" does not exist (42P01) in --sql", dir);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [SkippableFact]
    public void UsersQuery_FailingOnItsData_AtAnalysisTime_Exit2()
    {
        server.Require();
        var dir = VigilProcess.TempDir();
        try
        {
            // Describing the query (LIMIT 0) succeeds; the cast fails only when the analysis reads the rows.
            const string sql = "SELECT 'p' || g AS prediction_id, 'v1' AS model_version, 0.5 AS prediction_score, " +
                               "TIMESTAMP '2026-01-01' + g * INTERVAL '1 hour' AS timestamp, g % 2 AS actual_label, " +
                               "(CASE WHEN g = 7 THEN 'x' ELSE '1' END)::int AS country FROM generate_series(1, 20) g";
            var o = VigilProcess.Run(dir, "summary", server.Url, "--sql", sql);
            VigilProcess.AssertBadInput(o, "(22P02)", dir);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
