using Vigil.Engine.DuckDb;
using Vigil.Engine.Sources;

namespace Vigil.Engine.Tests.Sources;

public sealed class SourceOpenerTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    private static Table All(OpenedSource s, string orderBy) => s.Engine.Query($"SELECT * FROM {s.Relation} ORDER BY {orderBy}");

    private static VigilInputException Fails(SourceSpec spec) => Assert.Throws<VigilInputException>(() => SourceOpener.Open(spec).Dispose());

    private string WriteWithDuckDb(string name, string copySql)
    {
        string path = _dir.File(name);
        using var e = new DuckDbEngine();
        e.Execute(copySql.Replace("{path}", SqlDialect.DuckDb.StringLiteral(path), StringComparison.Ordinal));
        return path;
    }

    [Fact]
    public void Csv_ReadInPlace_WithDiscoveredColumns()
    {
        string csv = _dir.Write("data.csv", "id,score,label,ts\n1,0.5,cat,2024-01-01 10:00:00\n2,0.25,dog,2024-01-02 11:00:00\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [csv] });
        Assert.Equal(["id", "score", "label", "ts"], s.Columns.Select(c => c.Name));
        Assert.Equal(ColumnKind.Int64, s.Column("id").Kind);
        Assert.Equal(ColumnKind.Double, s.Column("score").Kind);
        Assert.Equal(ColumnKind.String, s.Column("LABEL").Kind);
        Assert.Equal(ColumnKind.Timestamp, s.Column("ts").Kind);
        Assert.StartsWith("read_csv(", s.Relation);
        Assert.Equal("duckdb", s.Engine.Name);
        Table t = All(s, "id");
        Assert.Equal(2, t.RowCount);
        Assert.Equal(0.25, t.GetDouble(t.IndexOf("score"), 1));
        Assert.Equal(new DateTime(2024, 1, 2, 11, 0, 0, DateTimeKind.Utc), t.GetDateTime(3, 1));
        Assert.Contains("no column \"nope\"", Assert.Throws<VigilInputException>(() => s.Column("nope")).Message);
    }

    [Fact]
    public void Tsv_AndGzippedCsv_AreRead()
    {
        string tsv = _dir.Write("data.tsv", "a\tb\n1\tx\n2\ty\n");
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [tsv] }))
        {
            Assert.Equal(["a", "b"], s.Columns.Select(c => c.Name));
        }
        string gz = _dir.File("data.csv.gz");
        using (var fs = File.Create(gz))
        using (var z = new System.IO.Compression.GZipStream(fs, System.IO.Compression.CompressionLevel.Fastest))
        using (var w = new StreamWriter(z))
        {
            w.Write("a,b\n1,2\n3,4\n");
        }
        using OpenedSource g = SourceOpener.Open(new SourceSpec { Inputs = [gz] });
        Assert.Equal(2, g.Engine.Query($"SELECT count(*) FROM {g.Relation}").GetInt64(0, 0));
    }

    [Fact]
    public void Parquet_ReadInPlace()
    {
        string pq = WriteWithDuckDb("data.parquet", "COPY (SELECT i AS id, i / 10.0 AS x, 'name' || i AS name FROM range(100) t(i)) TO {path} (FORMAT parquet)");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [pq] });
        Assert.StartsWith("read_parquet(", s.Relation);
        Assert.Equal(ColumnKind.Int64, s.Column("id").Kind);
        Table t = s.Engine.Query($"SELECT count(*) AS n, sum(id) AS s, max(name) AS m FROM {s.Relation}");
        Assert.Equal(100, t.GetInt64(0, 0));
        Assert.Equal(4950, t.GetInt64(1, 0));
        Assert.Equal("name99", t.GetString(2, 0));
    }

    [Fact]
    public void JsonLines_ReadInPlace()
    {
        string jl = _dir.Write("data.jsonl", "{\"id\": 1, \"p\": 0.9, \"ok\": true}\n{\"id\": 2, \"p\": 0.1, \"ok\": false}\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [jl] });
        Assert.Equal(ColumnKind.Boolean, s.Column("ok").Kind);
        Table t = All(s, "id");
        Assert.Equal(2, t.RowCount);
        Assert.Equal(0.1, t.GetDouble(t.IndexOf("p"), 1));
        Assert.False(t.GetBoolean(t.IndexOf("ok"), 1));
    }

    [Fact]
    public void Json_ArrayFile_ReadInPlace()
    {
        string j = _dir.Write("data.json", "[{\"a\": 1}, {\"a\": 2}, {\"a\": 3}]");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [j] });
        Assert.Equal(6, s.Engine.Query($"SELECT sum(a) FROM {s.Relation}").GetInt64(0, 0));
    }

    [Fact]
    public void GlobOfTwoCsvs_UnionByName()
    {
        _dir.Write("day1.csv", "id,score\n1,0.5\n2,0.6\n");
        _dir.Write("day2.csv", "score,id,extra\n0.7,3,x\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [_dir.File("day*.csv")] });
        Table t = All(s, "id");
        Assert.Equal(3, t.RowCount);
        Assert.Equal(0.7, t.GetDouble(t.IndexOf("score"), 2));
        Assert.True(t.IsNull(t.IndexOf("extra"), 0));
    }

    [Fact]
    public void ListOfFiles_WithQuoteInName()
    {
        string a = _dir.Write("it's a.csv", "v\n1\n");
        string b = _dir.Write("b.csv", "v\n2\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [a, b] });
        Assert.Equal(3, s.Engine.Query($"SELECT sum(v) FROM {s.Relation}").GetInt64(0, 0));
    }

    [Fact]
    public void FilesWithSql_QueryTheInputView()
    {
        string csv = _dir.Write("data.csv", "id,score\n1,0.5\n2,0.25\n3,0.75\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [csv], Sql = "SELECT id, score * 2 AS s2 FROM input WHERE id > 1" });
        Assert.Equal(["id", "s2"], s.Columns.Select(c => c.Name));
        Assert.Equal(2.0, s.Engine.Query($"SELECT sum(s2) FROM {s.Relation}").GetDouble(0, 0));
    }

    [Fact]
    public void SqlOnly_RunsInMemory()
    {
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Sql = "SELECT range AS i FROM range(5)" });
        Assert.Equal(10, s.Engine.Query($"SELECT sum(i) FROM {s.Relation}").GetInt64(0, 0));
    }

    [Fact]
    public void DuckDbFile_WithTable_AttachedReadOnly()
    {
        string path = _dir.File("store.duckdb");
        using (DuckDbDatabase db = DuckDbDatabase.Open(path))
        using (DuckDbConnection c = db.Connect())
        {
            c.Execute("CREATE TABLE preds AS SELECT i AS id, i % 2 = 0 AS y FROM range(10) t(i); CREATE SCHEMA ml; CREATE TABLE ml.scores AS SELECT 1.5 AS s");
        }
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [path], Table = "preds" }))
        {
            Assert.Equal(10, s.Engine.Query($"SELECT count(*) FROM {s.Relation}").GetInt64(0, 0));
            Assert.Equal(ColumnKind.Boolean, s.Column("y").Kind);
            // Temp tables still work with a read-only database attached.
            string tmp = s.Materialize();
            Assert.Equal(5, s.Engine.Query($"SELECT count(*) FROM {tmp} WHERE y").GetInt64(0, 0));
            Assert.Throws<DuckDbException>(() => s.Engine.Execute("INSERT INTO preds VALUES (99, true)"));
        }
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [path], Table = "ml.scores" }))
        {
            Assert.Equal(1.5, s.Engine.Query($"SELECT s FROM {s.Relation}").GetDouble(0, 0));
        }
        using (OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [path], Sql = "SELECT count(*) AS n FROM preds" }))
        {
            Assert.Equal(10, s.Engine.Query($"SELECT n FROM {s.Relation}").GetInt64(0, 0));
        }
        var e = Fails(new SourceSpec { Inputs = [path], Table = "missing" });
        Assert.Contains("store.duckdb", e.Message);
        Assert.Contains("no table \"missing\"", e.Message);
        Assert.Contains("preds", e.Message);
        Assert.Contains("needs a table", Fails(new SourceSpec { Inputs = [path] }).Message);
    }

    [Fact]
    public void CreateTempTable_ScansOnceQueriesMany()
    {
        string csv = _dir.Write("data.csv", "a\n1\n2\n3\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [csv] });
        string t = s.CreateTempTable($"SELECT a * 10 AS b FROM {s.Relation}");
        Assert.StartsWith("\"vigil_tmp_", t);
        File.Delete(csv);
        Assert.Equal(60, s.Engine.Query($"SELECT sum(b) FROM {t}").GetInt64(0, 0));
    }

    [Fact]
    public void MissingFile_NamesFile()
    {
        var e = Fails(new SourceSpec { Inputs = [_dir.File("data.csv")] });
        Assert.Equal($"{_dir.File("data.csv")}: no such file", e.Message);
    }

    [Fact]
    public void GlobMatchingNothing_NamesGlob()
    {
        string g = _dir.File("*.parquet");
        Assert.Equal($"{g}: no files match", Fails(new SourceSpec { Inputs = [g] }).Message);
    }

    [Fact]
    public void EmptyFile_NamesFile()
    {
        string p = _dir.Write("data.csv", "");
        Assert.Equal($"{p}: file is empty", Fails(new SourceSpec { Inputs = [p] }).Message);
    }

    [Fact]
    public void CorruptParquet_OneLineNamingFileAndFormat()
    {
        string p = _dir.Write("data.parquet", "this is not parquet at all\nsecond line\n");
        var e = Fails(new SourceSpec { Inputs = [p] });
        Assert.StartsWith($"{p}: not a readable Parquet file (", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void CorruptFileInGlob_NamesTheBadFile()
    {
        WriteWithDuckDb("a.parquet", "COPY (SELECT 1 AS x) TO {path} (FORMAT parquet)");
        string bad = _dir.Write("b.parquet", "garbage garbage garbage");
        var e = Fails(new SourceSpec { Inputs = [_dir.File("*.parquet")] });
        Assert.StartsWith($"{bad}: not a readable Parquet file (", e.Message);
    }

    [Fact]
    public void CorruptJson_NamesFile()
    {
        string p = _dir.Write("data.jsonl", "{not json\n");
        var e = Fails(new SourceSpec { Inputs = [p] });
        Assert.StartsWith($"{p}: not a readable JSON lines file (", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void NotADuckDbDatabase_NamesFile()
    {
        string p = _dir.Write("x.duckdb", "definitely not a database file, just some text that is long enough");
        var e = Fails(new SourceSpec { Inputs = [p], Table = "t" });
        Assert.StartsWith($"{p}: not a readable DuckDB database (", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Fact]
    public void UnknownExtension_ListsFormats()
    {
        string p = _dir.Write("data.xlsx", "x");
        Assert.Equal($"{p}: unknown format; expected .csv, .tsv, .parquet, .json, .jsonl (or give the format)", Fails(new SourceSpec { Inputs = [p] }).Message);
    }

    [Fact]
    public void UnknownExtension_WithFormat_IsRead()
    {
        string p = _dir.Write("data.log", "a,b\n1,2\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [p], Format = "csv" });
        Assert.Equal(2, s.Columns.Count);
    }

    [Fact]
    public void MixedFormats_AndTableOnFiles_AreRejected()
    {
        string a = _dir.Write("a.csv", "x\n1\n");
        string b = WriteWithDuckDb("b.parquet", "COPY (SELECT 1 AS x) TO {path} (FORMAT parquet)");
        Assert.Contains("mix formats", Fails(new SourceSpec { Inputs = [a, b] }).Message);
        Assert.Contains("--table", Fails(new SourceSpec { Inputs = [a], Table = "t" }).Message);
        Assert.Contains("no input", Fails(new SourceSpec()).Message);
    }

    [Fact]
    public void BadSql_IsOneLine()
    {
        string a = _dir.Write("a.csv", "x\n1\n");
        var e = Assert.Throws<VigilEngineException>(() => SourceOpener.Open(new SourceSpec { Inputs = [a], Sql = "SELECT nope FROM input" }).Dispose());
        Assert.True(e.IsUserError);
        Assert.StartsWith("duckdb: Binder Error: ", e.Message);
        Assert.EndsWith(" in --sql", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("x,y\ninf,1\n1.5,2\n2.5,3\n")]
    [InlineData("x,y\n1.5,2\n2.5,3\ninf,1\n")]
    [InlineData("x,y\n-Infinity,1\nnan,2\n2.5,3\n")]
    public void Csv_InfOrNan_InANumericColumn_IsReadAsDouble_WhereverItFalls(string content)
    {
        string csv = _dir.Write("inf.csv", content);
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [csv] });
        Assert.Equal(ColumnKind.Double, s.Column("x").Kind);
        Table t = s.Engine.Query($"SELECT count(*) FILTER (WHERE isinf(x)) AS inf, count(*) FILTER (WHERE x = 2.5) AS v FROM {s.Relation}");
        Assert.Equal(1, t.GetInt64(1, 0));
    }

    [Fact]
    public void Csv_InfFirst_SaysSoInANote_TextStaysText()
    {
        string csv = _dir.Write("inf.csv", "x,name\ninf,inf\n1.5,b\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [csv] });
        Assert.Equal(ColumnKind.Double, s.Column("x").Kind);
        Assert.Equal(ColumnKind.String, s.Column("name").Kind);
        Assert.Contains(s.Notes, n => n.Contains("'x'", StringComparison.Ordinal) && n.Contains("inf", StringComparison.Ordinal));
    }

    [Fact]
    public void Csv_RaggedRow_NamesTheLine_NotAMissingColumn()
    {
        string csv = _dir.Write("ragged.csv", "a,b,c\n1,2,3\n4,5\n6,7,8\n");
        var e = Fails(new SourceSpec { Inputs = [csv] });
        Assert.Equal($"{csv}: could not split the header into columns: line 3 has 2 fields where the header has 3", e.Message);
        string csv2 = _dir.Write("long.csv", "a,b,c\n1,2,3\n4,5,6,7\n6,7,8\n");
        Assert.Contains("line 3 has 4 fields where the header has 3", Fails(new SourceSpec { Inputs = [csv2] }).Message);
    }

    [Fact]
    public void Csv_OneColumn_IsNotRagged()
    {
        string csv = _dir.Write("one.csv", "\"a,b\"\n1\n2\n");
        using OpenedSource s = SourceOpener.Open(new SourceSpec { Inputs = [csv] });
        Assert.Single(s.Columns);
    }

    [Fact]
    public void Csv_Latin1_SaysNotUtf8_WithTheFileAndLine()
    {
        string path = _dir.File("latin.csv");
        File.WriteAllBytes(path, [.. "name,x\ncaf"u8, 0xE9, .. ",1\nb,2\n"u8]);
        var e = Fails(new SourceSpec { Inputs = [path] });
        Assert.StartsWith($"{path}: line 2: not UTF-8 text; re-encode the file, e.g. iconv -f latin1 -t utf-8 ", e.Message);
        Assert.DoesNotContain("\n", e.Message);
    }

    [Theory]
    [InlineData("postgres://u:p%40ss@db.example:6543/prod?sslmode=disable", "db.example", 6543, "prod", "u", "p@ss")]
    [InlineData("postgresql://localhost/test", "localhost", 5432, "test", null, null)]
    public void PostgresUrl_ToConnectionString(string url, string host, int port, string db, string? user, string? pass)
    {
        var b = new Npgsql.NpgsqlConnectionStringBuilder(SourceOpener.PostgresConnectionString(url));
        Assert.Equal(host, b.Host);
        Assert.Equal(port, b.Port);
        Assert.Equal(db, b.Database);
        Assert.Equal(user, b.Username);
        Assert.Equal(pass, b.Password);
    }

    [Fact]
    public void PostgresUrl_Bad_IsRejectedWithoutPassword()
    {
        var e = Assert.Throws<VigilInputException>(() => SourceOpener.PostgresConnectionString("postgres://u:secret@h/db?nosuchoption=1"));
        Assert.DoesNotContain("secret", e.Message);
        Assert.Contains("nosuchoption", e.Message);
        Assert.Equal("postgres://u:***@h/db", SourceOpener.RedactUrl("postgres://u:secret@h/db"));
    }
}
