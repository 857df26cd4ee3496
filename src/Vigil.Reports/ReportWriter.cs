using Spectre.Console;
using Vigil.Reports.Renderers;

namespace Vigil.Reports;

/// <summary>The entry point of the renderers: one result, one format, one destination.</summary>
internal static class ReportWriter
{
    /// <summary>Writes a result (an evaluation, a summary, a drift report or a profile) with its type's renderer
    /// (<see cref="ReportRenderers"/>). Console output goes to <paramref name="console"/> (or, when null, to a plain
    /// console over <paramref name="w"/>); the other formats go to <paramref name="w"/>. JSON is the result serialized
    /// by <see cref="JsonReport"/>.</summary>
    public static void Write<TResult>(TResult result, ReportFormat f, TextWriter w, IAnsiConsole? console = null)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(w);
        var renderer = ReportRenderers.For<TResult>();
        switch (f)
        {
            case ReportFormat.Console: renderer.Console(result, console ?? PlainConsole(w)); break;
            case ReportFormat.Json: JsonReport.Write(renderer.JsonDocument(result), w); break;
            case ReportFormat.Html: w.Write(renderer.Html(result)); break;
            case ReportFormat.Markdown: w.Write(renderer.Markdown(result)); break;
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
