using Vigil.Analysis.Drift;
using Vigil.Analysis.Tests.Drift;
using Vigil.Engine.Sources;
using Vigil.Testing.ClickHouse;

namespace Vigil.Cli.Tests.ClickHouse;

/// <summary>Issue 14: drift over the two-shard cluster streams each numerical column's distinct values in order (two
/// engines merged in .NET, or one engine with both sides in one query) and gives what DuckDB gives holding every value,
/// on the edge-case fixture (ties, -0.0 and 0.0, nan, ±inf, nulls, a constant column, a column empty on one side); the
/// values drawn to 1e-9, as ClickHouse 18.16 reads a few of the CSV's decimals one ulp off.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClusterDriftStreamingTests(ClickHouseCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-chstream-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private void Load(string table, string csv)
    {
        cluster.CreateDistributedTable(table, "`x` Nullable(Float64), `few` Int64, `k` Int64, `e` Float64, `s` Nullable(String)", "tuple()");
        var lines = File.ReadAllLines(csv).Where(l => l.Length > 0).Select(l => string.Join(',', l.Split(',').Select(f => f.Length == 0 ? "\\N" : f)));
        cluster.InsertCsv(table, string.Join('\n', lines) + "\n");
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
            DriftStreamingFixture.AssertSame(duck, DriftAnalysis.Run(r, c, options), exactValues: false);
            var shared = new OpenedSource(r.Engine, c.Relation, c.Description, c.Columns, ownsEngine: false);
            DriftStreamingFixture.AssertSame(duck, DriftAnalysis.Run(r, shared, options), exactValues: false);
        }
    }
}
