using Spectre.Console;
using Spectre.Console.Rendering;
using SText = Spectre.Console.Text;

namespace Vigil.Reports;

/// <summary>How a console table column behaves when the terminal is narrow.</summary>
internal enum ColumnKind
{
    /// <summary>A name (column, check): left-aligned, cut with an ellipsis only after the long columns, never below 12.</summary>
    Key,
    /// <summary>A short word (type, method, severity): left-aligned, never cut.</summary>
    Word,
    /// <summary>A number: right-aligned, never cut.</summary>
    Number,
    /// <summary>Long text (reasons, examples, lists): one line, cut with an ellipsis first.</summary>
    Long,
    /// <summary>A message: wrapped at spaces (never inside a word; a word too long is cut with an ellipsis).</summary>
    Wrap,
}

/// <summary>A Spectre table that fits the console's width: columns get their natural width when it fits; otherwise the
/// long columns shrink first (widest first), then names, and a column marked optional is left out (the first marked first) when
/// the rest would not fit, with a line saying so. Cells never wrap in the middle of a word: one-line cells end in "…".</summary>
internal sealed class ConsoleTable(string title)
{
    private readonly List<(string Header, ColumnKind Kind, bool Optional)> _columns = [];
    private readonly List<string[]> _rows = [];

    public ConsoleTable Column(string header, ColumnKind kind, bool optional = false)
    {
        _columns.Add((header, kind, optional));
        return this;
    }

    public void Row(params string[] cells) => _rows.Add(cells);

    public int RowCount => _rows.Count;

    private static int Len(string s) => s.Length;

    private int Natural(int i) => Math.Max(Len(_columns[i].Header), _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? Len(r[i]) : 0));

    private int Minimal(int i)
    {
        var natural = Natural(i);
        var headerWord = _columns[i].Header.Split(' ').Max(w => w.Length);
        var cells = _rows.Count == 0 ? 0 : _rows.Max(r => i < r.Length ? Len(r[i]) : 0);
        return _columns[i].Kind switch
        {
            ColumnKind.Key => Math.Min(natural, Math.Max(12, headerWord)),
            ColumnKind.Long => Math.Min(natural, Math.Max(8, headerWord)),
            ColumnKind.Wrap => Math.Min(natural, Math.Max(30, headerWord)),
            // Numbers and words are never cut; their header may wrap at a space.
            _ => Math.Max(cells, headerWord),
        };
    }

    /// <summary>The order in which columns give up width: long text, messages, headers of numbers and words (which
    /// then wrap at a space), names.</summary>
    private static readonly ColumnKind[][] ShrinkOrder =
        [[ColumnKind.Long], [ColumnKind.Wrap], [ColumnKind.Number, ColumnKind.Word], [ColumnKind.Key]];

    /// <summary>The widths of the shown columns (null where a column is left out) for a console
    /// <paramref name="width"/> wide.</summary>
    internal int?[] Layout(int width)
    {
        var shown = Enumerable.Range(0, _columns.Count).ToList();
        while (true)
        {
            int budget = width - (shown.Count + 1) - 2 * shown.Count;
            var widths = shown.ToDictionary(i => i, Natural);
            int excess = widths.Values.Sum() - budget;
            // Shrink the long columns, then (when no optional column is left to give way) the headers of numbers
            // and words, and the names; widest first, down to their minimal widths.
            var optional = shown.Where(i => _columns[i].Optional).ToList();
            for (int stage = 0; stage < ShrinkOrder.Length && excess > 0; stage++)
            {
                if (stage == 2 && optional.Count > 0) break;
                var kinds = ShrinkOrder[stage];
                while (excess > 0)
                {
                    var candidates = shown.Where(i => kinds.Contains(_columns[i].Kind) && widths[i] > Minimal(i)).ToList();
                    if (candidates.Count == 0) break;
                    var widest = candidates.MaxBy(i => widths[i]);
                    var second = candidates.Where(i => i != widest).Select(i => widths[i]).DefaultIfEmpty(0).Max();
                    var cut = Math.Min(excess, Math.Min(widths[widest] - Minimal(widest), Math.Max(1, widths[widest] - second)));
                    widths[widest] -= cut;
                    excess -= cut;
                }
            }
            if (excess <= 0)
                return [.. Enumerable.Range(0, _columns.Count).Select(i => widths.TryGetValue(i, out var w) ? w : (int?)null)];
            if (optional.Count > 0) shown.Remove(optional[0]);
            // A number is never cut: when the numbers alone do not fit, the rightmost number columns give way whole
            // (and the line under the table names them), as long as two columns stay.
            else if (shown.Count > 2 && shown.LastOrDefault(i => _columns[i].Kind == ColumnKind.Number, -1) is var last and >= 0) shown.Remove(last);
            else return [.. Enumerable.Range(0, _columns.Count).Select(i => widths.TryGetValue(i, out var w) ? w : (int?)null)];
        }
    }

    public void Write(IAnsiConsole c)
    {
        var widths = Layout(c.Profile.Width);
        var t = new Table { Border = TableBorder.Rounded, Title = new TableTitle(Markup.Escape(title)) };
        var shown = new List<int>();
        for (int i = 0; i < _columns.Count; i++)
        {
            if (widths[i] is not { } w) continue;
            shown.Add(i);
            var col = new TableColumn(new SText(_columns[i].Header)) { Width = w };
            if (_columns[i].Kind == ColumnKind.Number) col.RightAligned();
            if (_columns[i].Kind != ColumnKind.Wrap) col.NoWrap();
            t.AddColumn(col);
        }
        foreach (var row in _rows)
            t.AddRow([.. shown.Select(i => Cell(i < row.Length ? row[i] : "", _columns[i].Kind))]);
        c.Write(t);
        var hidden = Enumerable.Range(0, _columns.Count).Where(i => widths[i] is null).Select(i => _columns[i].Header).ToList();
        if (hidden.Count > 0)
            c.WriteLine($"(not shown at {c.Profile.Width} columns: {string.Join("; ", hidden)}. See --format html or json)");
    }

    private static IRenderable Cell(string s, ColumnKind kind) =>
        kind == ColumnKind.Wrap ? new SText(s) { Overflow = Overflow.Ellipsis } : new OneLine(s, kind == ColumnKind.Number);

    /// <summary>Text on one line, cut with "…" when wider than its column.</summary>
    private sealed class OneLine(string text, bool right) : Renderable
    {
        protected override Measurement Measure(RenderOptions options, int maxWidth) =>
            new(Math.Min(Len(text), maxWidth), Math.Min(Len(text), maxWidth));

        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
        {
            var s = text.Replace('\n', ' ');
            s = Fmt.Cut(s, maxWidth);
            if (right && Len(s) < maxWidth) yield return new Segment(new string(' ', maxWidth - Len(s)));
            yield return new Segment(s);
        }
    }
}
