using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using Spectre.Console;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;
using SText = Spectre.Console.Text;

namespace Vigil.Reports;

/// <summary>The drift report on the console.</summary>
internal static partial class DriftReport
{
    public static void Write(DriftResult r, IAnsiConsole c)
    {
        ConsoleReport.Header(c, "Vigil drift", Facts(r));
        c.MarkupLine((r.Dataset.Drifted ? "[bold red]" : "[bold green]") + Markup.Escape(Verdict(r)) + "[/]");
        if (Concept(r) is { } concept) c.MarkupLine(Markup.Escape(concept));
        c.WriteLine();
        var t = ConsoleReport.NewTable("Columns, most drifted first", Headers, 3);
        foreach (var row in ColumnRows(r)) t.AddRow(row.Select(s => (Spectre.Console.Rendering.IRenderable)new SText(s)).ToArray());
        c.Write(t);
        var approx = ApproximationLines(r).ToList();
        if (approx.Count > 0)
        {
            c.MarkupLine("[bold]" + Markup.Escape(ApproximationTitle) + "[/]");
            foreach (var line in approx) c.MarkupLine(Markup.Escape("  " + line));
            c.WriteLine();
        }
        if (r.Chunks is not null)
        {
            var ct = ConsoleReport.NewTable(ChunkTitle(r), ChunkHeaders, 1);
            foreach (var row in ChunkRows(r)) ct.AddRow(row.Select(s => (Spectre.Console.Rendering.IRenderable)new SText(s)).ToArray());
            c.Write(ct);
        }
        if (r.Multivariate is { } mv)
            c.MarkupLine(Markup.Escape(MultivariateLine(mv)));
    }
}
