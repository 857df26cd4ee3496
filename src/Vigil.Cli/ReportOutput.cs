using System.Text;
using Spectre.Console;
using Vigil.Engine;
using Vigil.Reports;

namespace Vigil.Cli;

/// <summary>Writes a rendered report to standard output or, atomically, to a file: the report is rendered into a
/// temporary file beside the target and moved over it only when complete, so a failure never leaves half a file.</summary>
internal static class ReportOutput
{
    /// <summary>Plain text to standard output or, atomically, to a file.</summary>
    public static void WriteText(string? outPath, string text) =>
        Write(ReportFormat.Markdown, outPath, (w, _) => w.Write(text));

    public static void Write(ReportFormat format, string? outPath, Action<TextWriter, IAnsiConsole?> render)
    {
        if (outPath is null)
        {
            if (format == ReportFormat.Console)
            {
                var console = AnsiConsole.Console;
                // Piped into a file or a pager, the terminal width is unknown: use a width the tables fit in.
                if (Console.IsOutputRedirected) console.Profile.Width = 140;
                render(Console.Out, console);
            }
            else
            {
                var sb = new StringBuilder();
                using (var sw = new StringWriter(sb)) render(sw, null);
                Console.Out.Write(sb.ToString());
                Console.Out.Flush();
            }
            return;
        }

        var full = Path.GetFullPath(outPath);
        var dir = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(dir)) throw new VigilInputException($"--out: directory '{dir}' does not exist");
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var fw = new StreamWriter(tmp, false, new UTF8Encoding(false)))
            {
                if (format == ReportFormat.Console)
                {
                    var console = AnsiConsole.Create(new AnsiConsoleSettings
                    {
                        Out = new AnsiConsoleOutput(fw),
                        Ansi = AnsiSupport.No,
                        ColorSystem = ColorSystemSupport.NoColors,
                        Interactive = InteractionSupport.No,
                    });
                    console.Profile.Width = 140;
                    render(fw, console);
                }
                else
                {
                    render(fw, null);
                }
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new VigilInputException($"--out: cannot write '{outPath}': {e.Message}");
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }
}
