using System.Globalization;
using Vigil.Analysis.Tests.Drift;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Testing.ClickHouse;

namespace Vigil.Cli.Tests.ClickHouse;

/// <summary><see cref="ExactLoad"/>, which loads the cluster tests' CSV files: 18.16's CSV text parser stores some
/// decimals one ulp off (which its check detects), RowBinary stores .NET's correctly rounded doubles, and every column
/// type the loader writes reads back as the CSV says.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ExactLoadTests(ClickHouseCluster cluster)
{
    private static readonly (string Name, string Type)[] Scores = [("id", "Int64"), ("x", "Float64")];

    // -3.548805 is the case 18.16 gets wrong; the others are decimals of the fixtures' kind.
    private static readonly string[][] ScoreRows =
        [["1", "-3.548805"], ["2", "0.347435"], ["3", "-0.651791"], ["4", "1.209304"], ["5", "0.1"], ["6", "-1.955126"]];

    [SkippableFact]
    public void CsvText_StoresADecimalOneUlpOff_RowBinaryStoresDotNetsBits()
    {
        cluster.Require();
        Assert.Equal(0xC00C63F3E0370CDDUL, (ulong)BitConverter.DoubleToInt64Bits(ExactLoad.ParseDouble("-3.548805")));

        cluster.CreateDistributedTable("exact_text", "id Int64, x Float64", "id");
        cluster.InsertCsv("exact_text", "id,x\n" + string.Join('\n', ScoreRows.Select(r => string.Join(',', r))) + "\n");
        Assert.Equal("13838545654092598492", Bits("exact_text", 1)); // 0xC00C63F3E0370CDC: one ulp below .NET's
        var text = ExactLoad.FloatMismatches(cluster, "exact_text", Scores, ScoreRows);
        Assert.Equal("x", Assert.Single(text).Name);
        Assert.True(text[0].Mismatches >= 1, "the check finds the text-loaded value");

        cluster.CreateDistributedTable("exact_bin", "id Int64, x Float64", "id");
        ExactLoad.Insert(cluster, "exact_bin", Scores, ScoreRows);
        Assert.Equal(0xC00C63F3E0370CDDUL.ToString(CultureInfo.InvariantCulture), Bits("exact_bin", 1));
        Assert.Equal(0, Assert.Single(ExactLoad.FloatMismatches(cluster, "exact_bin", Scores, ScoreRows)).Mismatches);
    }

    [SkippableFact]
    public void RowBinary_EveryType_ReadsBackAsTheCsvSays()
    {
        cluster.Require();
        (string, string)[] columns =
        [
            ("n", "Int64"), ("x", "Nullable(Float64)"), ("e", "Float64"), ("t", "DateTime('UTC')"), ("d", "Nullable(Date)"),
            ("s", "Nullable(String)"), ("c", "String"),
        ];
        string longText = new('w', 200); // a two-byte LEB128 length
        string[][] rows =
        [
            ["1", "-0.0", "1e-3", "2024-01-01 00:00:00", "2024-01-01", "a", "é"],
            ["2", "", "nan", "2026-03-01 23:59:59", "", "", longText],
            ["-3", "inf", "-inf", "1970-01-01 00:00:01", "1970-01-02", "with space", "x"],
            ["4", "0.1", "-3.548805", "2038-01-19 03:14:08", "2100-12-31", "ü", ""],
        ];
        cluster.CreateDistributedTable("exact_types", string.Join(", ", columns.Select(c => $"`{c.Item1}` {c.Item2}")), "n");
        ExactLoad.Insert(cluster, "exact_types", columns, rows);
        string back = cluster.Sql(0, "SELECT n, x, e, t, d, s, c, reinterpretAsUInt64(reinterpretAsString(assumeNotNull(x))) FROM exact_types ORDER BY n");
        Assert.Equal(
            "-3\tinf\t-inf\t1970-01-01 00:00:01\t1970-01-02\twith space\tx\t9218868437227405312\n" +
            "1\t-0\t0.001\t2024-01-01 00:00:00\t2024-01-01\ta\té\t9223372036854775808\n" +
            "2\t\\N\tnan\t2026-03-01 23:59:59\t\\N\t\\N\t" + longText + "\t0\n" +
            "4\t0.1\t-3.548805\t2038-01-19 03:14:08\t2100-12-31\tü\t\t4591870180066957722\n",
            back);
        var mismatches = ExactLoad.FloatMismatches(cluster, "exact_types", columns, rows);
        Assert.Equal([("x", 0), ("e", 0)], mismatches);
    }

    /// <summary>The premise: DuckDB's CSV reader, the other side of every cluster comparison, reads each double of the
    /// files the cluster tests load with the bits <see cref="ExactLoad.ParseDouble"/> gives (and so stores in ClickHouse):
    /// the generated logs, every fixture ClusterLogs copies, and the drift fixture (-0.0, nan, ±inf, nulls).</summary>
    [Fact]
    public void DuckDb_ReadsEveryDoubleOfTheLoadedFiles_AsExactLoadParsesIt()
    {
        string dir = VigilProcess.TempDir();
        try
        {
            var files = ClusterLogs.FixtureFiles().Select(f => (Path: f.From, Columns: ClusterLogs.ReadCsv(f.From).Columns)).ToList();
            foreach (var (name, clean) in new[] { ("log.csv", false), ("clean.csv", true) })
            {
                string path = Path.Combine(dir, name);
                var o = VigilProcess.Run(dir, clean ? ["generate", "--rows", "20000", "--clean", "-o", path] : ["generate", "--rows", "20000", "-o", path]);
                Assert.True(o.ExitCode == 0, o.Stderr);
                files.Add((path, ClusterLogs.ReadCsv(path).Columns));
            }
            var (refCsv, curCsv) = DriftStreamingFixture.Write(dir, 3000, 2500);
            (string, string)[] drift = [("x", "Nullable(Float64)"), ("few", "Int64"), ("k", "Int64"), ("e", "Float64"), ("s", "Nullable(String)")];
            files.Add((refCsv, drift));
            files.Add((curCsv, drift));

            int doubles = 0, columns = 0;
            foreach (var (path, cols) in files)
            {
                string[][] rows = File.ReadAllLines(path).Skip(1).Where(l => l.Length > 0).Select(l => l.Split(',')).ToArray();
                using var source = SourceOpener.Open(new SourceSpec { Inputs = [path] });
                for (int c = 0; c < cols.Length; c++)
                {
                    if (!cols[c].Type.Contains("Float64", StringComparison.Ordinal)) continue;
                    var described = Assert.Single(source.Columns, d => d.Name == cols[c].Name);
                    Assert.True(described.Kind == ColumnKind.Double, $"{path}: {cols[c].Name} is {described.SqlType} in DuckDB");
                    var expected = rows.Where(r => r[c].Length > 0).Select(r => Bits(ExactLoad.ParseDouble(r[c]))).Order().ToArray();
                    var table = source.Engine.Query($"SELECT \"{cols[c].Name}\" FROM {source.Relation}");
                    var actual = Enumerable.Range(0, table.RowCount).Where(i => !table.IsNull(0, i)).Select(i => Bits(table.GetDouble(0, i))).Order().ToArray();
                    Assert.True(expected.SequenceEqual(actual), $"{path}: {cols[c].Name}: DuckDB's doubles differ from .NET's parse ({expected.Length} against {actual.Length} values): " +
                        string.Join(", ", expected.Except(actual).Take(5).Select(b => $"{b:X16}")) + " against " + string.Join(", ", actual.Except(expected).Take(5).Select(b => $"{b:X16}")));
                    doubles += expected.Length;
                    columns++;
                }
            }
            Assert.True(columns >= 30 && doubles > 200_000, $"{columns} columns, {doubles} values compared");
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static ulong Bits(double x) => (ulong)BitConverter.DoubleToInt64Bits(x);

    private string Bits(string table, long id) =>
        cluster.Sql(0, $"SELECT reinterpretAsUInt64(reinterpretAsString(x)) FROM {table} WHERE id = {id.ToString(CultureInfo.InvariantCulture)}").Trim();
}
