namespace Vigil.Reports;

/// <summary>The output formats of a report.</summary>
internal enum ReportFormat
{
    /// <summary>Spectre.Console tables for a terminal.</summary>
    Console,
    /// <summary>The stable JSON document described in docs/json-schema.md.</summary>
    Json,
    /// <summary>One self-contained HTML file with inline CSS and SVG charts.</summary>
    Html,
    /// <summary>GitHub-flavoured Markdown tables.</summary>
    Markdown,
}
