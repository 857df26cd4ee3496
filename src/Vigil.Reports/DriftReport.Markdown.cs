using System.Text;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary>The drift report as Markdown.</summary>
internal static partial class DriftReport
{
    public static string ToMarkdown(DriftResult r)
    {
        var sb = new StringBuilder("# Vigil drift\n\n");
        foreach (var (k, v) in Facts(r)) sb.Append("- **").Append(k).Append(":** ").Append(MarkdownReport.Cell(v)).Append('\n');
        sb.Append("\n**Verdict:** ").Append(MarkdownReport.Cell(Verdict(r))).Append("\n\n");
        if (Concept(r) is { } concept) sb.Append("**Target and prediction:** ").Append(MarkdownReport.Cell(concept)).Append("\n\n");
        sb.Append("## Columns, most drifted first\n\n");
        MarkdownReport.Table(sb, Headers, 0, ColumnRows(r), rightFrom: 3, rightTo: 6);
        var approx = ApproximationLines(r).ToList();
        if (approx.Count > 0)
        {
            sb.Append("## ").Append(MarkdownReport.Cell(ApproximationTitle)).Append("\n\n");
            foreach (var line in approx) sb.Append("- ").Append(MarkdownReport.Cell(line)).Append('\n');
            sb.Append('\n');
        }
        if (r.Chunks is not null)
        {
            sb.Append("## ").Append(MarkdownReport.Cell(ChunkTitle(r))).Append("\n\n");
            MarkdownReport.Table(sb, ChunkHeaders, 0, ChunkRows(r), rightFrom: 1, rightTo: 4);
        }
        if (r.Multivariate is { } mv)
        {
            sb.Append("## Multivariate drift\n\n").Append(MarkdownReport.Cell(MultivariateLine(mv))).Append("\n\n");
            MarkdownReport.Table(sb, MultivariateHeaders, 0, MultivariateRows(mv), rightFrom: 1, rightTo: 3);
        }
        return sb.ToString();
    }
}
