using Vigil.Analysis.Drift;
using Vigil.Analysis.Tests.Drift;
using Vigil.Engine.Sources;
using Vigil.Testing.ClickHouse;

namespace Vigil.Cli.Tests.ClickHouse;

/// <summary>Issue 14: drift over the two-shard cluster streams each numerical column's distinct values in order (two
/// engines merged in .NET, or one engine with both sides in one query) and gives what DuckDB gives holding every value,
/// on the edge-case fixture (ties, -0.0 and 0.0, nan, ±inf, nulls, a constant column, a column empty on one side); the
/// values drawn (bin edges, ECDF points) identical, as the tables are loaded bit-exactly (<see cref="ExactLoad"/>).</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClusterDriftStreamingTests(ClickHouseCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-chstream-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private void Load(string table, string csv)
    {
        (string, string)[] columns = [("x", "Nullable(Float64)"), ("few", "Int64"), ("k", "Int64"), ("e", "Float64"), ("s", "Nullable(String)")];
        cluster.CreateDistributedTable(table, string.Join(", ", columns.Select(c => $"`{c.Item1}` {c.Item2}")), "tuple()");
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).ToArray();
        Assert.Equal(string.Join(',', columns.Select(c => c.Item1)), lines[0]);
        // Bit-exact (RowBinary, each double parsed by .NET as DuckDB parses it, checked after the insert), so the values
        // drawn (bin edges, ECDF points) must be identical.
        ExactLoad.Insert(cluster, table, columns, lines.Skip(1).Select(l => l.Split(',')).ToArray());
    }

    [SkippableTheory]
    [InlineData(3000, 2500, null)]
    [InlineData(600, 700, "ks")]
    public void Drift_StreamedFromCluster_MatchesDuckDbHeld(int refRows, int curRows, string? method)
    {
        cluster.Require();
        var (refCsv, curCsv) = DriftStreamingFixture.Write(_dir, refRows, curRows);
        Load("stream_ref", refCsv);
        Load("stream_cur", curCsv);
        var options = new DriftOptions { Method = method };
        Vigil.Analysis.Results.DriftResult duck;
        using (var r = SourceOpener.Open(new SourceSpec { Inputs = [refCsv] }))
        using (var c = SourceOpener.Open(new SourceSpec { Inputs = [curCsv] }))
            duck = DriftAnalysis.Run(r, c, options);
        using (var r = SourceOpener.Open(new SourceSpec { Inputs = [cluster.Url(0)], Table = "stream_ref" }))
        using (var c = SourceOpener.Open(new SourceSpec { Inputs = [cluster.Url(1)], Table = "stream_cur" }))
        {
            Assert.Equal("clickhouse", r.Engine.Name);
            DriftStreamingFixture.AssertSame(duck, DriftAnalysis.Run(r, c, options));
            var shared = new OpenedSource(r.Engine, c.Relation, c.Description, c.Columns, ownsEngine: false);
            DriftStreamingFixture.AssertSame(duck, DriftAnalysis.Run(r, shared, options));
        }
    }
}
