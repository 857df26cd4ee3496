using Vigil.Engine.DuckDb;
using Vigil.Engine.Sources;

namespace Vigil.Engine.Tests;

/// <summary>One engine error type: DuckDB's errors carry its error type, the SQL, and whether the user's input caused
/// them (their data, their file, their --sql) or Vigil's own SQL did.</summary>
public sealed class EngineErrorTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly DuckDbEngine _engine = new();

    public void Dispose()
    {
        _engine.Dispose();
        _dir.Dispose();
    }

    private VigilEngineException Fails(string sql) => Assert.Throws<DuckDbException>(() => _engine.Query(sql));

    [Theory]
    [InlineData("SELECT nope FROM range(3)", "BINDER", false)]
    [InlineData("SELECT * FROM no_such_table", "CATALOG", false)]
    [InlineData("SELEC 1", "PARSER", false)]
    [InlineData("SELECT 'x'::INTEGER", "CONVERSION", true)]
    [InlineData("SELECT CAST(1e300 AS INTEGER)", "CONVERSION", true)]
    [InlineData("SELECT error('boom')", "INVALID_INPUT", true)]
    public void DuckDb_ErrorType_DecidesWhoseFaultByDefault(string sql, string code, bool user)
    {
        VigilEngineException e = Fails(sql);
        Assert.Equal("duckdb", e.Engine);
        Assert.Equal(code, e.Code);
        Assert.Equal(user, e.IsUserError);
        Assert.Equal(sql, e.Sql);
        Assert.StartsWith("duckdb: ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("SELECT nope FROM range(3)")]
    [InlineData("SELECT 'x'::INTEGER")]
    [InlineData("SELECT * FROM no_such_table")]
    public void DuckDb_TypeFromCApi_MatchesTheMessagePrefix(string sql)
    {
        // Execute goes through duckdb_query (duckdb_result_error_type); the prefix is the fallback for prepare errors.
        var e = Assert.Throws<DuckDbException>(() => _engine.Execute(sql));
        Assert.Equal(DuckDbException.CodeOf(e.EngineMessage), e.Code);
    }

    [Fact]
    public void DuckDb_StreamedResult_FailingPartWay_Throws_NotAShortResult()
    {
        string csv = _dir.Write("late.csv", "a\n" + string.Concat(Enumerable.Range(0, 60000).Select(i => $"{i}\n")) + "oops\n");
        long rows = 0;
        var e = Assert.Throws<DuckDbException>(() =>
            _engine.Stream($"SELECT a FROM read_csv([{SqlDialect.DuckDb.StringLiteral(csv)}], header = true)", null, t => rows += t.RowCount));
        Assert.True(e.IsUserError);
        Assert.Equal("CONVERSION", e.Code);
        // The CSV error names the file and the line on the first line.
        Assert.Contains("late.csv: line 60002", e.Message);
        Assert.NotNull(e.Sql);
    }

    [Fact]
    public void UsersSql_IsTheUsersError_EvenForCatalogErrors()
    {
        string a = _dir.Write("a.csv", "x\n1\n");
        var e = Assert.Throws<VigilEngineException>(() => SourceOpener.Open(new SourceSpec { Inputs = [a], Sql = "SELECT * FROM scoring_missing" }).Dispose());
        Assert.True(e.IsUserError);
        Assert.Equal("CATALOG", e.Code);
        Assert.Equal("--sql", e.Context);
        Assert.EndsWith(" in --sql", e.Message);
        Assert.Contains("scoring_missing", e.Message);
    }

    [Fact]
    public void UsersSql_RuntimeDataError_IsTheUsers_GeneratedSqlError_IsInternal()
    {
        string a = _dir.Write("a.csv", "x\n1\nabc\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [a], Sql = "SELECT CAST(x AS INTEGER) AS n FROM input" });
        // Vigil's analysis SQL over the user's query: the user's cast fails on the user's data.
        var data = Assert.Throws<DuckDbException>(() => s.Engine.Query($"SELECT sum(n) FROM {s.Relation}"));
        Assert.True(data.IsUserError);
        // A mistake in SQL Vigil generated over a valid source is Vigil's own.
        var bug = Assert.Throws<DuckDbException>(() => s.Engine.Query($"SELECT sum(no_such_column) FROM {s.Relation}"));
        Assert.False(bug.IsUserError);
        Assert.Equal("BINDER", bug.Code);
    }

    [Fact]
    public void DuckDb_ColumnOfATypeVigilCannotRead_IsTheUsers()
    {
        VigilEngineException e = Fails("SELECT [1, 2] AS xs");
        Assert.True(e.IsUserError);
        Assert.Contains("CAST it", e.Message);
    }

    [Fact]
    public void PipedInput_IsCopiedOnce_AndReadWithASniffedFormat()
    {
        using var pipe = new System.IO.Pipes.AnonymousPipeServerStream(System.IO.Pipes.PipeDirection.Out, HandleInheritability.None);
        string path = $"/proc/self/fd/{pipe.ClientSafePipeHandle.DangerousGetHandle()}";
        var writer = Task.Run(() =>
        {
            byte[] data = "a\tb\n1\tx\n2\ty\n"u8.ToArray();
            pipe.Write(data);
            pipe.Dispose();
        });
        string copy;
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [path] }))
        {
            writer.Wait();
            Assert.Equal(["a", "b"], s.Columns.Select(c => c.Name));
            Assert.Equal(2, s.Engine.Query($"SELECT count(*) FROM {s.Relation}").GetInt64(0, 0));
            copy = s.Relation[(s.Relation.IndexOf('\'') + 1)..s.Relation.IndexOf('\'', s.Relation.IndexOf('\'') + 1)];
            Assert.EndsWith(".tsv", copy);
            Assert.True(File.Exists(copy));
        }
        Assert.False(File.Exists(copy), "the copy is deleted with the source");
    }

    [Theory]
    [InlineData("42P01", false)]   // undefined table in Vigil's SQL: Vigil's (SourceOpener marks the user's --sql/--table)
    [InlineData("42601", false)]   // syntax error
    [InlineData("22P02", true)]    // invalid text representation: the user's data
    [InlineData("22012", true)]    // division by zero
    [InlineData("28P01", true)]    // password authentication failed
    [InlineData("3D000", true)]    // database does not exist
    [InlineData("08006", true)]    // connection failure
    [InlineData("42501", true)]    // permission denied
    [InlineData("57014", true)]    // statement timeout
    [InlineData("XX000", false)]   // internal error
    public void Postgres_SqlState_DecidesWhoseFaultByDefault(string sqlState, bool user)
    {
        Assert.Equal(user, VigilEngineException.IsUserCode(VigilEngineException.Postgres, sqlState));
        var e = new VigilEngineException("postgres", sqlState, "relation \"scoring.missing\" does not exist", "SELECT 1");
        Assert.Equal(user, e.IsUserError);
        Assert.Equal($"postgres: relation \"scoring.missing\" does not exist ({sqlState}) in --sql", e.AsUserError("--sql").Message);
        Assert.True(e.AsUserError("--sql").IsUserError);
    }
}
