using System.Globalization;
using System.Text;
using Vigil.Analysis.Summary;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Summary;

/// <summary>The binary summary reads rows in no particular order: its result must not depend on that order.</summary>
public sealed class SummaryOrderTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-order-").FullName;
    private static readonly DateTime AsOf = new(2026, 6, 1, 0, 0, 0, DateTimeKind.Utc);

    public void Dispose() => Directory.Delete(_dir, true);

    private string Write(string name, IEnumerable<string> lines)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, "prediction_id,model_version,prediction_score,timestamp,actual_label\n" + string.Join("\n", lines) + "\n", Encoding.UTF8);
        return path;
    }

    private static Results.SummaryResult Summarize(string path)
    {
        using var s = SourceOpener.Open(new SourceSpec { Inputs = [path] });
        return SummaryAnalysis.Run(s, new SummaryOptions { AsOf = AsOf });
    }

    /// <summary>Background rows: ids b0.., scores and labels that vary.</summary>
    private static IEnumerable<string> Background(int n) => Enumerable.Range(0, n).Select(i =>
        string.Create(CultureInfo.InvariantCulture, $"b{i:D7},v1,{(i * 7919 % 1000) / 1000.0},2026-01-0{1 + i % 3} 10:00:00,{(i % 5 == 0 ? 1 : 0)}"));

    [Fact]
    public void DuplicateWithTheSameTimestamp_FileOrderDecidesWhichCounts()
    {
        // "dup" occurs twice at the same instant with different scores and labels: the first in the file counts.
        var lines = Background(5000).ToList();
        lines.Insert(1200, "dup,v1,0.99,2026-01-02 12:00:00,1");
        lines.Insert(4100, "dup,v1,0.01,2026-01-02 12:00:00,0");
        var first = Summarize(Write("a.csv", lines));
        var dupIssue = Assert.Single(first.Quality.Issues, i => i.Check == "duplicate_id");
        Assert.Equal(1, dupIssue.Rows);
        Assert.Equal(["dup"], dupIssue.Examples);

        // The same rows without the later occurrence give the same metrics.
        var withoutLater = Background(5000).ToList();
        withoutLater.Insert(1200, "dup,v1,0.99,2026-01-02 12:00:00,1");
        var expected = Summarize(Write("b.csv", withoutLater));
        Assert.Equal(expected.Overall.Select(p => (p.Rows, p.Labeled, p.MeanScore)), first.Overall.Select(p => (p.Rows, p.Labeled, p.MeanScore)));
        Assert.Equal(expected.Overall[0].Metrics.Select(m => (m.Name, m.Value)), first.Overall[0].Metrics.Select(m => (m.Name, m.Value)));
    }

    [Fact]
    public void IdenticalDuplicates_AndManyOfThem_GiveStableExamples()
    {
        // 2,000 ids occur twice as identical rows: examples are the smallest duplicated ids among those the pass
        // sampled, the same on every run.
        var lines = Background(20_000).ToList();
        lines.AddRange(Background(2_000));
        var path = Write("c.csv", lines);
        var a = Summarize(path);
        var b = Summarize(path);
        var dup = Assert.Single(a.Quality.Issues, i => i.Check == "duplicate_id");
        Assert.Equal(2_000, dup.Rows);
        Assert.Equal(dup.Examples, Assert.Single(b.Quality.Issues, i => i.Check == "duplicate_id").Examples);
        Assert.InRange(dup.Examples.Count, 1, 5);
        Assert.All(dup.Examples, e => Assert.InRange(int.Parse(e[1..], CultureInfo.InvariantCulture), 0, 1_999));
        Assert.Equal(dup.Examples.Order(StringComparer.Ordinal), dup.Examples);
    }

    [Fact]
    public void CheckExamples_AreTheSmallestFailingIds()
    {
        var lines = Background(3000).ToList();
        foreach (var id in new[] { "z9", "a3", "m1", "a1", "q7", "a2", "c0" }) lines.Insert(700, $"{id},v1,,2026-01-02 00:00:00,0");
        var r = Summarize(Write("d.csv", lines));
        var nulls = Assert.Single(r.Quality.Issues, i => i.Check == "null_score");
        Assert.Equal(7, nulls.Rows);
        Assert.Equal(["a1", "a2", "a3", "c0", "m1"], nulls.Examples);
    }

    [Theory]
    [InlineData(100.0, 0.5, false)]  // identical occurrences: either may count
    [InlineData(100.0, 0.7, true)]   // same instant, different score: only file order can say
    [InlineData(double.NaN, 0.7, true)] // both timestamps unparseable
    [InlineData(200.0, 0.7, false)]  // the earlier timestamp decides
    public void Duplicates_TellWhenOnlyFileOrderDecides(double secondTime, double secondScore, bool ambiguous)
    {
        var rows = new BinarySummary.RowColumns(blockBits: 2);
        var tag = BinarySummary.Tag(0, 1, 1, clean: true, nullId: false);
        rows.Add(7, 70, 300, 0.1, tag);
        rows.Add(42, 420, double.IsNaN(secondTime) ? double.NaN : 100, 0.5, tag);
        rows.Add(9, 90, 300, 0.2, tag);
        rows.Add(42, 420, secondTime, secondScore, tag);
        var dup = BinarySummary.Duplicates(rows, unordered: true, out var found);
        Assert.Equal(ambiguous, found);
        Assert.Equal(1, dup.Count(d => d));
        Assert.False(dup[0] || dup[2]);
    }

    [Fact]
    public void SmallestIds_KeepsTheSmallestDistinct()
    {
        var s = new BinarySummary.SmallestIds(3);
        foreach (var id in new[] { "d", "b", "b", "e", "a", "c", "a" }) s.Offer(id);
        Assert.Equal(["a", "b", "c"], s.ToArray());
        var none = new BinarySummary.SmallestIds(0);
        none.Offer("x");
        Assert.Empty(none.ToArray());
    }
}
