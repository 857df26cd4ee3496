using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

// What the charts draw when DistributionDrawing does not apply.
internal static partial class DriftAnalysis
{
    private const int MaxCategoriesDrawn = 20;

    /// <summary>What the reports draw when <see cref="DistributionDrawing"/> does not apply: Sturges bins over both sides
    /// for numbers, the most frequent categories (over both sides) for text, as shares of each side.</summary>
    internal static Distribution? DistributionOf(SampleSummary s) =>
        s.Edges is null ? null : Shares(s.Edges, s.ReferenceBins!, s.CurrentBins!, s.Census.ReferenceTotal, s.Census.CurrentTotal);

    private static Distribution Shares(double[] edges, long[] r, long[] c, long referenceTotal, long currentTotal) =>
        new(edges, null, r.Select(n => (double)n / referenceTotal).ToArray(), c.Select(n => (double)n / currentTotal).ToArray());

    internal static Distribution? DistributionOf(ValueCounts v)
    {
        if (v.Count == 0 || v.ReferenceTotal == 0 || v.CurrentTotal == 0) return null;
        if (v.Type == ColumnType.Numerical)
        {
            var edges = Binning.SturgesEdges(v);
            var (r, c) = Binning.Counts(v, edges);
            return Shares(edges, r, c, v.ReferenceTotal, v.CurrentTotal);
        }
        var order = Enumerable.Range(0, v.Count)
            .OrderByDescending(i => (double)v.Reference[i] / v.ReferenceTotal + (double)v.Current[i] / v.CurrentTotal)
            .ThenBy(i => v.Categories![i], StringComparer.Ordinal).ToList();
        var shown = order.Take(order.Count > MaxCategoriesDrawn ? MaxCategoriesDrawn - 1 : MaxCategoriesDrawn).ToList();
        var labels = shown.Select(i => v.Categories![i]).ToList();
        var rs = shown.Select(i => (double)v.Reference[i] / v.ReferenceTotal).ToList();
        var cs = shown.Select(i => (double)v.Current[i] / v.CurrentTotal).ToList();
        if (shown.Count < order.Count)
        {
            var rest = order.Skip(shown.Count).ToList();
            labels.Add($"other ({rest.Count})");
            rs.Add(rest.Sum(i => (double)v.Reference[i]) / v.ReferenceTotal);
            cs.Add(rest.Sum(i => (double)v.Current[i]) / v.CurrentTotal);
        }
        return new Distribution(null, labels, rs, cs);
    }
}
