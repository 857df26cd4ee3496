using Vigil.Engine.DuckDb;

namespace Vigil.Engine.Tests.DuckDb;

public sealed class DuckDbLibraryTests
{
    [Fact]
    public void Candidates_EnvThenBaseDirectoryThenCache()
    {
        string[] c = [.. DuckDbLibrary.Candidates("/opt/x/libduckdb.so", "/app", "/cache/vigil")];
        Assert.Equal(["/opt/x/libduckdb.so", "/app/libduckdb.so", "/cache/vigil/duckdb/1.5.6-r.1/libduckdb.so"], c);
        Assert.Equal(2, DuckDbLibrary.Candidates(null, "/app", "/c").Count());
    }

    [Fact]
    public void FindLibrary_FirstExisting_OrNull()
    {
        using var dir = new TempDir();
        string lib = dir.Write("libduckdb.so", "x");
        Assert.Equal(lib, DuckDbLibrary.FindLibrary(DuckDbLibrary.Candidates(dir.File("missing.so"), dir.Path, "/nonexistent")));
        Assert.Null(DuckDbLibrary.FindLibrary(DuckDbLibrary.Candidates(null, "/nonexistent", "/nonexistent")));
    }

    [Fact]
    public void NotFoundMessage_IsOneLineWithRemedy()
    {
        Assert.DoesNotContain("\n", DuckDbLibrary.NotFoundMessage);
        Assert.Contains("tools/fetch-duckdb", DuckDbLibrary.NotFoundMessage);
        Assert.Contains("VIGIL_DUCKDB_LIB", DuckDbLibrary.NotFoundMessage);
    }

    [Fact]
    public void Library_IsFoundOnThisMachine() => Assert.NotNull(DuckDbLibrary.FindLibrary());
}
