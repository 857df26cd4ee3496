using Vigil.Analysis.Evaluation;
using Vigil.Analysis.Slicing;
using Vigil.Engine.Sources;

namespace Vigil.Analysis.Tests.Slicing;

/// <summary>An expression segment (what a later <c>segments</c> command will bucket numbers with) goes through evaluate
/// as a column does: the same segments, keyed by its display name.</summary>
public sealed class SlicedEvaluationTests
{
    [Fact]
    public void ExpressionSegment_EvaluatesLikeTheColumn()
    {
        using var source = SourceOpener.Open(new SourceSpec { Inputs = [Fixture.Path("eval_binary.csv")] });
        var byColumn = EvaluationAnalysis.Run(source, new EvaluateOptions { SegmentBy = ["country"] });
        var byExpression = EvaluationAnalysis.Run(source, new EvaluateOptions { SegmentBy = [new ExpressionSegment("place", "lower(\"country\")")] });
        Assert.Equal(byColumn.Segments!.Count, byExpression.Segments!.Count);
        foreach (var seg in byColumn.Segments)
        {
            var same = byExpression.Segments.Single(s => s.Key["place"] == seg.Key["country"]!.ToLowerInvariant());
            Assert.Equal(["place"], same.Key.Keys);
            Assert.Equal(seg.Result.Rows, same.Result.Rows);
            Assert.Equal(seg.Result.Metrics, same.Result.Metrics);
        }
    }
}
