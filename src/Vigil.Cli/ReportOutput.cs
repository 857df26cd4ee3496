using System.Globalization;
using System.Text;
using Spectre.Console;
using Vigil.Engine;
using Vigil.Reports;

namespace Vigil.Cli;

/// <summary>Writes a rendered report to standard output or, atomically, to a file: the report is rendered into a
/// temporary file beside the target and moved over it only when complete, so a failure never leaves half a file.
/// The target is checked first (<see cref="OutputTarget"/>): nothing writes over an input or a special file.</summary>
internal static class ReportOutput
{
    /// <summary>The width of console tables when the output is not a terminal: <c>COLUMNS</c> when set (at least 40),
    /// else 120.</summary>
    public static int PipedWidth()
    {
        var s = Environment.GetEnvironmentVariable("COLUMNS");
        return int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var w) && w >= 40 ? Math.Min(w, 1000) : 120;
    }

    /// <summary>The width to fit plain lines to: the terminal's, or <see cref="PipedWidth"/> when output is not a terminal.</summary>
    public static int Width()
    {
        if (Console.IsOutputRedirected) return PipedWidth();
        try { return Console.WindowWidth >= 40 ? Console.WindowWidth : 120; }
        catch (IOException) { return PipedWidth(); }
    }

    /// <summary>Text wrapped at spaces to <paramref name="width"/>: the first line starts with <paramref name="first"/>,
    /// the others with <paramref name="indent"/>; a word longer than a line stands alone.</summary>
    public static IEnumerable<string> Wrap(string text, int width, string first = "", string indent = "  ")
    {
        var line = new System.Text.StringBuilder(first);
        var empty = true;
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!empty && line.Length + 1 + word.Length > width)
            {
                yield return line.ToString();
                line.Clear().Append(indent);
                empty = true;
            }
            if (!empty) line.Append(' ');
            line.Append(word);
            empty = false;
        }
        if (!empty) yield return line.ToString();
    }

    /// <summary>Plain text to standard output or, atomically, to a file.</summary>
    public static void WriteText(string? outPath, string text) =>
        Write(ReportFormat.Markdown, outPath is null ? null : OutputTarget.Check(outPath, []), (w, _) => w.Write(text));

    public static void Write(ReportFormat format, string? outPath, Action<TextWriter, IAnsiConsole?> render) =>
        Write(format, outPath is null ? null : OutputTarget.Check(outPath, []), render);

    public static void Write(ReportFormat format, OutputTarget? target, Action<TextWriter, IAnsiConsole?> render)
    {
        if (target is null)
        {
            if (format == ReportFormat.Console && !Console.IsOutputRedirected)
            {
                render(Console.Out, AnsiConsole.Console);
                return;
            }
            var sb = new StringBuilder();
            using (var sw = new StringWriter(sb)) Render(format, sw, render);
            Console.Out.Write(format == ReportFormat.Console ? TrimLines(sb.ToString()) : sb.ToString());
            Console.Out.Flush();
            return;
        }

        if (target.Direct)
        {
            // A character device (e.g. /dev/null, a terminal): write through to it, never replace it.
            try
            {
                using var fs = new FileStream(target.Path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite);
                using var fw = new StreamWriter(fs, new UTF8Encoding(false));
                WriteFile(format, fw, render);
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                throw new VigilInputException($"--out: cannot write '{target.Given}': {e.Message}");
            }
            return;
        }

        var full = target.Path;
        var dir = Path.GetDirectoryName(full)!;
        var tmp = Path.Combine(dir, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            using (var fw = new StreamWriter(tmp, false, new UTF8Encoding(false)))
                WriteFile(format, fw, render);
            // Keep the permissions of the file being replaced.
            if (!OperatingSystem.IsWindows() && File.Exists(full))
            {
                try { File.SetUnixFileMode(tmp, File.GetUnixFileMode(full)); }
                catch (IOException) { }
                catch (UnauthorizedAccessException) { }
            }
            File.Move(tmp, full, overwrite: true);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new VigilInputException($"--out: cannot write '{target.Given}': {e.Message}");
        }
        catch (IOException e) when (e is not FileNotFoundException)
        {
            throw new VigilInputException($"--out: cannot write '{target.Given}': {e.Message}");
        }
        finally
        {
            if (File.Exists(tmp)) File.Delete(tmp);
        }
    }

    private static void WriteFile(ReportFormat format, StreamWriter fw, Action<TextWriter, IAnsiConsole?> render)
    {
        if (format != ReportFormat.Console)
        {
            render(fw, null);
            return;
        }
        var sb = new StringBuilder();
        using (var sw = new StringWriter(sb)) Render(format, sw, render);
        fw.Write(TrimLines(sb.ToString()));
    }

    private static void Render(ReportFormat format, StringWriter sw, Action<TextWriter, IAnsiConsole?> render)
    {
        if (format == ReportFormat.Console) render(sw, ReportWriter.PlainConsole(sw, PipedWidth()));
        else render(sw, null);
    }

    /// <summary>Each line without trailing spaces.</summary>
    internal static string TrimLines(string text)
    {
        var sb = new StringBuilder(text.Length);
        var lines = text.Split('\n');
        for (int i = 0; i < lines.Length; i++)
        {
            if (i > 0) sb.Append('\n');
            sb.Append(lines[i].TrimEnd(' ', '\r', '\t'));
        }
        return sb.ToString();
    }
}
