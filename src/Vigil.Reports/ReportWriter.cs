using Spectre.Console;
using Vigil.Analysis.Results;

namespace Vigil.Reports;

/// <summary>The entry point of the renderers: one result, one format, one destination.</summary>
internal static class ReportWriter
{
    /// <summary>Writes an evaluation. Console output goes to <paramref name="console"/> (or, when null, to a plain console
    /// over <paramref name="w"/>); the other formats go to <paramref name="w"/>.</summary>
    public static void Write(EvaluationResult r, ReportFormat f, TextWriter w, IAnsiConsole? console = null)
    {
        switch (f)
        {
            case ReportFormat.Console: ConsoleReport.Write(r, console ?? PlainConsole(w)); break;
            case ReportFormat.Json: JsonReport.Write(r, w); break;
            case ReportFormat.Html: w.Write(HtmlReport.ToHtml(r)); break;
            case ReportFormat.Markdown: w.Write(MarkdownReport.ToMarkdown(r)); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown report format.");
        }
        w.Flush();
    }

    /// <summary>Writes a summary; see <see cref="Write(EvaluationResult, ReportFormat, TextWriter, IAnsiConsole?)"/>.</summary>
    public static void Write(SummaryResult r, ReportFormat f, TextWriter w, IAnsiConsole? console = null)
    {
        switch (f)
        {
            case ReportFormat.Console: ConsoleReport.Write(r, console ?? PlainConsole(w)); break;
            case ReportFormat.Json: JsonReport.Write(r, w); break;
            case ReportFormat.Html: w.Write(HtmlReport.ToHtml(r)); break;
            case ReportFormat.Markdown: w.Write(MarkdownReport.ToMarkdown(r)); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown report format.");
        }
        w.Flush();
    }

    /// <summary>Writes a drift report; see <see cref="Write(EvaluationResult, ReportFormat, TextWriter, IAnsiConsole?)"/>.</summary>
    public static void Write(DriftResult r, ReportFormat f, TextWriter w, IAnsiConsole? console = null)
    {
        switch (f)
        {
            case ReportFormat.Console: DriftReport.Write(r, console ?? PlainConsole(w)); break;
            case ReportFormat.Json: w.Write(DriftReport.ToJson(r) + "\n"); break;
            case ReportFormat.Html: w.Write(DriftReport.ToHtml(r)); break;
            case ReportFormat.Markdown: w.Write(DriftReport.ToMarkdown(r)); break;
            default: throw new ArgumentOutOfRangeException(nameof(f), f, "Unknown report format.");
        }
        w.Flush();
    }

    /// <summary>"console", "json", "html", "markdown" or "md" (case-insensitive, surrounding spaces ignored); null otherwise.</summary>
    public static ReportFormat? ParseFormat(string? s) => s?.Trim().ToLowerInvariant() switch
    {
        "console" => ReportFormat.Console,
        "json" => ReportFormat.Json,
        "html" => ReportFormat.Html,
        "markdown" or "md" => ReportFormat.Markdown,
        _ => null,
    };

    /// <summary>The names ParseFormat accepts, for help and error messages.</summary>
    public static IReadOnlyList<string> FormatNames { get; } = ["console", "json", "html", "markdown", "md"];

    /// <summary>A console without colours or ANSI codes writing to <paramref name="w"/>, 120 columns wide.</summary>
    public static IAnsiConsole PlainConsole(TextWriter w, int width = 120)
    {
        var c = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(w),
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
        });
        c.Profile.Width = width;
        return c;
    }
}
