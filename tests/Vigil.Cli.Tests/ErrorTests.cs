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
}
