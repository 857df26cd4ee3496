using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary>The drift report on the console.</summary>
internal static partial class DriftReport
{
    /// <summary>How each of <see cref="Headers"/> behaves on a narrow console; "why this method", then the missing
    /// counts, are left out before a column name is cut.</summary>
    private static readonly ColumnKind[] ColumnKinds =
        [ColumnKind.Key, ColumnKind.Word, ColumnKind.Word, ColumnKind.Number, ColumnKind.Number, ColumnKind.Number, ColumnKind.Long, ColumnKind.Long, ColumnKind.Number];

    private const string WhyColumn = "why this method";

    public static void Write(DriftResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil drift", Facts(r));
        c.MarkupLine((r.AnyDrift ? "[bold red]" : r.Columns.Any(col => col.Drifted) ? "[bold yellow]" : "[bold green]") + Markup.Escape(Verdict(r)) + "[/]");
        if (Concept(r) is { } concept) c.MarkupLine(Markup.Escape(concept));
        c.WriteLine();
        var t = new ConsoleTable("Columns, most drifted first");
        for (int i = 0; i < Headers.Length; i++) t.Column(Headers[i], i < ColumnKinds.Length ? ColumnKinds[i] : ColumnKind.Long, optional: Headers[i] == WhyColumn || Headers[i].StartsWith("left out", StringComparison.Ordinal));
        foreach (var row in ColumnRows(r)) t.Row(row);
        t.Write(c);
        var approx = ApproximationLines(r).ToList();
        if (approx.Count > 0)
        {
            c.MarkupLine("[bold]" + Markup.Escape(ApproximationTitle) + "[/]");
            foreach (var line in approx) c.MarkupLine(Markup.Escape("  " + line));
            c.WriteLine();
        }
        if (r.Chunks is not null)
        {
            var ct = new ConsoleTable(ChunkTitle(r));
            for (int i = 0; i < ChunkHeaders.Length; i++) ct.Column(ChunkHeaders[i], i == 0 ? ColumnKind.Key : i == ChunkHeaders.Length - 1 ? ColumnKind.Long : i == 4 ? ColumnKind.Word : ColumnKind.Number);
            foreach (var row in ChunkRows(r)) ct.Row(row);
            ct.Write(c);
        }
        if (r.Multivariate is { } mv)
            c.MarkupLine(Markup.Escape(MultivariateLine(mv)));
    }
}
