using System.Globalization;
using System.Text;
using Vigil.Analysis.Results;

namespace Vigil.Reports.Svg;

/// <summary>A bar from X0 to X1 of height Y, with a tooltip and optional data-* attributes (name without "data-").</summary>
internal readonly record struct Bar(double X0, double X1, double Y, string Title, IReadOnlyList<KeyValuePair<string, string>>? Data = null);

/// <summary>A tick on the x axis at X with its label (categories, bin edges, chunk names).</summary>
internal readonly record struct Tick(double X, string Label);

/// <summary>A vertical marker at X on the x axis (a finding at a period), with a tooltip, a CSS class and the check name.</summary>
internal sealed record Marker(double X, string Title, string CssClass, string Check);

/// <summary>A small builder of one inline SVG chart with linear axes at nice ticks: line series (breaking at
/// non-finite points), scatter points, bars, a count strip along the bottom, the y = x diagonal, vertical markers
/// and a legend. All text is escaped. The output is an <c>&lt;svg class="chart" data-chart="…"&gt;</c> element
/// without external references, meant to be inlined in HTML.</summary>
internal sealed class SvgPlot
{
    /// <summary>Colour-blind-friendly palette (Okabe–Ito, darkened for a white background).</summary>
    public static readonly string[] Palette = ["#0072b2", "#d55e00", "#009e73", "#cc79a7", "#e69f00", "#56b4e9", "#7f7f7f", "#000000"];

    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private readonly string _chart;
    private readonly string _title;
    private readonly List<(string Name, IReadOnlyList<Point> Points, bool Dots, Func<Point, string>? Tip, string Color)> _lines = [];
    private readonly List<(string Name, IReadOnlyList<Point> Points, string Color)> _scatters = [];
    private readonly List<(string Name, IReadOnlyList<Bar> Bars, string Color)> _bars = [];
    private readonly List<Marker> _markers = [];
    private readonly List<(double Y0, double Y1, string Title)> _bands = [];
    private readonly List<(double Y, string Title)> _hlines = [];
    private readonly List<(string Name, IReadOnlyList<(double X, double Lo, double Hi)> Points, string Color)> _areas = [];
    private readonly List<(string Name, IReadOnlyList<Point> Points, string Color, Func<Point, string>? Tip)> _alerts = [];
    private IReadOnlyList<Bar>? _strip;
    private int _colors;

    public SvgPlot(string chart, string title)
    {
        _chart = chart;
        _title = title;
    }

    public double Width { get; init; } = 480;
    public double Height { get; init; } = 300;
    public string? XLabel { get; init; }
    public string? YLabel { get; init; }
    public Func<double, string> XFormat { get; init; } = DefaultFormat;
    public Func<double, string> YFormat { get; init; } = DefaultFormat;
    public double? XMin { get; init; }
    public double? XMax { get; init; }
    public double? YMin { get; init; }
    public double? YMax { get; init; }
    /// <summary>Smallest x tick step (1 for integer period offsets).</summary>
    public double XMinStep { get; init; }
    /// <summary>Draw the y = x diagonal (ROC, calibration).</summary>
    public bool Diagonal { get; init; }
    /// <summary>Explicit x ticks (categories, bin edges, chunk names) instead of nice numbers; labels turn 40° when they
    /// would overlap.</summary>
    public IReadOnlyList<Tick>? XTicks { get; init; }
    /// <summary>Extra data-* attributes of the svg element (name without the "data-" prefix).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Data { get; init; } = [];

    public static string DefaultFormat(double v)
    {
        double a = Math.Abs(v);
        if (a >= 1e6 || (a != 0 && a < 1e-3)) return v.ToString("0.##e+0", Inv);
        return v.ToString("#,0.###", Inv);
    }

    private string NextColor() => Palette[_colors++ % Palette.Length];

    /// <summary>A polyline; a non-finite point breaks it. With dots, each finite point gets a circle (with a tooltip when given).</summary>
    public SvgPlot Line(string name, IReadOnlyList<Point> points, bool dots = false, Func<Point, string>? tip = null)
    {
        _lines.Add((name, points, dots, tip, NextColor()));
        return this;
    }

    public SvgPlot Scatter(string name, IReadOnlyList<Point> points)
    {
        _scatters.Add((name, points, NextColor()));
        return this;
    }

    public SvgPlot Bars(string name, IReadOnlyList<Bar> bars)
    {
        _bars.Add((name, bars, NextColor()));
        return this;
    }

    /// <summary>Bars along the bottom fifth of the plot, heights relative to the largest Y (e.g. rows per calibration bin).
    /// They do not take part in the y axis.</summary>
    public SvgPlot CountStrip(IReadOnlyList<Bar> bars)
    {
        _strip = bars;
        return this;
    }

    /// <summary>A shaded horizontal band from y0 to y1 (the range between a lower and an upper threshold), with a tooltip.
    /// An infinite bound is clamped to the plot.</summary>
    public SvgPlot Band(double y0, double y1, string title)
    {
        _bands.Add((y0, y1, title));
        return this;
    }

    /// <summary>A shaded band between a lower and an upper curve over x (an estimate's confidence band), in the colour of
    /// the next line; points with a non-finite bound break the band.</summary>
    public SvgPlot Area(string name, IReadOnlyList<(double X, double Lo, double Hi)> points)
    {
        _areas.Add((name, points, Palette[_colors % Palette.Length]));
        return this;
    }

    /// <summary>A dashed horizontal line at y (a threshold), with a tooltip.</summary>
    public SvgPlot HLine(double y, string title)
    {
        _hlines.Add((y, title));
        return this;
    }

    /// <summary>Points drawn in red on top of the lines (the chunks that drifted), with tooltips; named in the legend.</summary>
    public SvgPlot Alerts(string name, IReadOnlyList<Point> points, Func<Point, string>? tip = null)
    {
        _alerts.Add((name, points, "#c62828", tip));
        return this;
    }

    public SvgPlot Mark(Marker marker)
    {
        _markers.Add(marker);
        return this;
    }

    private static string P(double v) => Math.Round(v, 1).ToString("0.#", Inv);

    public string Render()
    {
        // Data ranges.
        double xmin = double.PositiveInfinity, xmax = double.NegativeInfinity, ymin = double.PositiveInfinity, ymax = double.NegativeInfinity;
        void X(double x) { if (double.IsFinite(x)) { xmin = Math.Min(xmin, x); xmax = Math.Max(xmax, x); } }
        void Y(double y) { if (double.IsFinite(y)) { ymin = Math.Min(ymin, y); ymax = Math.Max(ymax, y); } }
        foreach (var l in _lines) foreach (var p in l.Points) if (double.IsFinite(p.X) && double.IsFinite(p.Y)) { X(p.X); Y(p.Y); }
        foreach (var s in _scatters) foreach (var p in s.Points) if (double.IsFinite(p.X) && double.IsFinite(p.Y)) { X(p.X); Y(p.Y); }
        foreach (var b in _bars) foreach (var bar in b.Bars) { X(bar.X0); X(bar.X1); Y(bar.Y); Y(0); }
        if (_strip is not null) foreach (var bar in _strip) { X(bar.X0); X(bar.X1); }
        foreach (var m in _markers) X(m.X);
        foreach (var b in _bands) { Y(b.Y0); Y(b.Y1); }
        foreach (var h in _hlines) Y(h.Y);
        foreach (var ar in _areas) foreach (var (ax, alo, ahi) in ar.Points) if (double.IsFinite(ax) && double.IsFinite(alo) && double.IsFinite(ahi)) { X(ax); Y(alo); Y(ahi); }
        foreach (var a in _alerts) foreach (var p in a.Points) if (double.IsFinite(p.X) && double.IsFinite(p.Y)) { X(p.X); Y(p.Y); }
        if (XTicks is { Count: > 0 } xt) foreach (var t in xt) X(t.X);
        if (xmin > xmax) (xmin, xmax) = (0, 1);
        if (ymin > ymax) (ymin, ymax) = (0, 1);

        var (ylo, yhi, ystep) = NiceTicks.Range(YMin ?? ymin, YMax ?? ymax, 5);
        if (YMin is { } fy0) ylo = fy0;
        if (YMax is { } fy1) yhi = fy1;
        var yticks = NiceTicks.Ticks(Math.Ceiling(ylo / ystep - 1e-9) * ystep, yhi, ystep).Where(t => t <= yhi + ystep * 1e-9).ToList();
        var ylabels = yticks.Select(YFormat).ToList();

        // Legend layout (named series only).
        var legend = new List<(string Name, string Color, bool IsLine)>();
        foreach (var l in _lines) if (l.Name.Length > 0) legend.Add((l.Name, l.Color, true));
        foreach (var s in _scatters) if (s.Name.Length > 0) legend.Add((s.Name, s.Color, false));
        foreach (var b in _bars) if (b.Name.Length > 0) legend.Add((b.Name, b.Color, false));
        foreach (var a in _alerts) if (a.Name.Length > 0 && a.Points.Count > 0) legend.Add((a.Name, a.Color, false));
        var legendPos = new List<(double X, double Y)>();
        double lx = 8, ly = 36;
        foreach (var item in legend)
        {
            double w = 18 + 6.2 * Math.Min(item.Name.Length, 40) + 14;
            if (lx + w > Width - 8 && lx > 8) { lx = 8; ly += 16; }
            legendPos.Add((lx, ly));
            lx += w;
        }
        double top = legend.Count > 0 ? ly + 14 : 30;
        double left = 14 + 6.2 * Math.Max(3, ylabels.Count == 0 ? 3 : ylabels.Max(s => s.Length)) + (YLabel is null ? 0 : 14);
        double right = 16;
        double pw = Math.Max(40, Width - left - right);
        // X ticks at nice steps, as many as fit side by side unturned (about 6 at most); explicit ticks as given.
        double xlo = 0, xhi = 1;
        List<double> xticks = [];
        List<string> xlabels = [];
        for (int maxTicks = 6; maxTicks >= 2; maxTicks--)
        {
            (xlo, xhi, var xstep) = NiceTicks.Range(XMin ?? xmin, XMax ?? xmax, maxTicks, XMinStep);
            if (XMin is { } fx0) xlo = fx0;
            if (XMax is { } fx1) xhi = fx1;
            if (XTicks is { Count: > 0 } && XMin is null && XMax is null) (xlo, xhi) = (xmin, xmax);
            xticks = XTicks is { Count: > 0 } explicitTicks ? [.. explicitTicks.Select(t => t.X)]
                : [.. NiceTicks.Ticks(Math.Ceiling(xlo / xstep - 1e-9) * xstep, xhi, xstep).Where(t => t <= xhi + xstep * 1e-9)];
            xlabels = XTicks is { Count: > 0 } named ? [.. named.Select(t => t.Label)] : [.. xticks.Select(XFormat)];
            if (XTicks is { Count: > 0 } || xticks.Count < 2) break;
            double spacing = pw * (xticks[1] - xticks[0]) / (xhi - xlo);
            if (xlabels.Max(l => Math.Min(l.Length, 24)) * 6.2 + 10 <= spacing) break;
        }
        // Labels turn when the widest would not fit its share of the axis.
        double widest = xlabels.Count == 0 ? 0 : xlabels.Max(l => Math.Min(l.Length, 24)) * 6.2;
        bool rotate = xlabels.Count > 1 && widest + 4 > pw / xlabels.Count;
        double tickSpace = rotate ? 10 + widest * 0.66 : 18;
        double bottom = tickSpace + (XLabel is null ? 12 : 28);
        double ph = Math.Max(40, Height - top - bottom);
        double height = top + ph + bottom;

        double Sx(double x) => left + Math.Clamp((x - xlo) / (xhi - xlo), -0.01, 1.01) * pw;
        double Sy(double y) => top + ph - Math.Clamp((y - ylo) / (yhi - ylo), -0.01, 1.01) * ph;

        var sb = new StringBuilder(4096);
        sb.Append("<svg class=\"chart\" data-chart=\"").Append(Xml.Escape(_chart)).Append('"');
        foreach (var kv in Data) sb.Append(" data-").Append(Xml.Escape(kv.Key)).Append("=\"").Append(Xml.Escape(kv.Value)).Append('"');
        sb.Append(" viewBox=\"0 0 ").Append(P(Width)).Append(' ').Append(P(height)).Append("\" width=\"").Append(P(Width))
          .Append("\" height=\"").Append(P(height)).Append("\" role=\"img\" font-family=\"sans-serif\" font-size=\"11\">");
        sb.Append("<title>").Append(Xml.Escape(_title)).Append("</title>");
        sb.Append("<text class=\"chart-title\" x=\"").Append(P(Width / 2)).Append("\" y=\"18\" text-anchor=\"middle\" font-size=\"13\" font-weight=\"bold\">")
          .Append(Xml.Escape(_title)).Append("</text>");

        // Grid and axes.
        sb.Append("<g class=\"grid\" stroke=\"#e3e3e3\" stroke-width=\"1\">");
        foreach (var t in xticks) sb.Append("<line x1=\"").Append(P(Sx(t))).Append("\" x2=\"").Append(P(Sx(t))).Append("\" y1=\"").Append(P(top)).Append("\" y2=\"").Append(P(top + ph)).Append("\"/>");
        foreach (var t in yticks) sb.Append("<line x1=\"").Append(P(left)).Append("\" x2=\"").Append(P(left + pw)).Append("\" y1=\"").Append(P(Sy(t))).Append("\" y2=\"").Append(P(Sy(t))).Append("\"/>");
        sb.Append("</g>");
        sb.Append("<g class=\"axis\" fill=\"#444\">");
        sb.Append("<rect x=\"").Append(P(left)).Append("\" y=\"").Append(P(top)).Append("\" width=\"").Append(P(pw)).Append("\" height=\"").Append(P(ph)).Append("\" fill=\"none\" stroke=\"#999\"/>");
        for (int i = 0; i < xticks.Count; i++)
        {
            string label = xlabels[i].Length > 24 ? xlabels[i][..23] + "…" : xlabels[i];
            sb.Append("<text class=\"tick x-tick\" data-label=\"").Append(Xml.Escape(xlabels[i])).Append("\" x=\"").Append(P(Sx(xticks[i]))).Append("\" y=\"").Append(P(top + ph + (rotate ? 14 : 18))).Append('"');
            if (rotate) sb.Append(" transform=\"rotate(-40 ").Append(P(Sx(xticks[i]))).Append(' ').Append(P(top + ph + 14)).Append(")\" text-anchor=\"end\">");
            else sb.Append(" text-anchor=\"middle\">");
            sb.Append(Xml.Escape(label)).Append("</text>");
        }
        for (int i = 0; i < yticks.Count; i++)
            sb.Append("<text x=\"").Append(P(left - 4)).Append("\" y=\"").Append(P(Sy(yticks[i]) + 4)).Append("\" text-anchor=\"end\">").Append(Xml.Escape(ylabels[i])).Append("</text>");
        if (XLabel is not null)
            sb.Append("<text class=\"axis-label\" x=\"").Append(P(left + pw / 2)).Append("\" y=\"").Append(P(top + ph + tickSpace + 18)).Append("\" text-anchor=\"middle\">").Append(Xml.Escape(XLabel)).Append("</text>");
        if (YLabel is not null)
            sb.Append("<text class=\"axis-label\" transform=\"translate(12 ").Append(P(top + ph / 2)).Append(") rotate(-90)\" text-anchor=\"middle\">").Append(Xml.Escape(YLabel)).Append("</text>");
        sb.Append("</g>");

        foreach (var (y0, y1, title) in _bands)
        {
            double a = Sy(Math.Clamp(Math.Max(y0, y1), ylo, yhi)), b = Sy(Math.Clamp(Math.Min(y0, y1), ylo, yhi));
            sb.Append("<rect class=\"band\" x=\"").Append(P(left)).Append("\" y=\"").Append(P(a)).Append("\" width=\"").Append(P(pw)).Append("\" height=\"").Append(P(Math.Max(0, b - a)))
              .Append("\" fill=\"#2e7d32\" fill-opacity=\"0.08\"><title>").Append(Xml.Escape(title)).Append("</title></rect>");
        }
        foreach (var (name, points, color) in _areas)
        {
            sb.Append("<g class=\"area\" fill=\"").Append(color).Append("\" fill-opacity=\"0.18\">");
            if (name.Length > 0) sb.Append("<title>").Append(Xml.Escape(name)).Append("</title>");
            var run = new List<(double X, double Lo, double Hi)>();
            void Emit()
            {
                if (run.Count == 1) run.Add((run[0].X + 1e-9, run[0].Lo, run[0].Hi));
                if (run.Count > 1)
                {
                    sb.Append("<path d=\"M");
                    for (var i = 0; i < run.Count; i++) sb.Append(i == 0 ? "" : "L").Append(P(Sx(run[i].X))).Append(' ').Append(P(Sy(run[i].Hi)));
                    for (var i = run.Count - 1; i >= 0; i--) sb.Append('L').Append(P(Sx(run[i].X))).Append(' ').Append(P(Sy(run[i].Lo)));
                    sb.Append("Z\"/>");
                }
                run.Clear();
            }
            foreach (var pt in points)
            {
                if (double.IsFinite(pt.X) && double.IsFinite(pt.Lo) && double.IsFinite(pt.Hi)) run.Add(pt);
                else Emit();
            }
            Emit();
            sb.Append("</g>");
        }
        foreach (var (y, title) in _hlines)
        {
            if (!double.IsFinite(y)) continue;
            sb.Append("<g class=\"threshold\"><title>").Append(Xml.Escape(title)).Append("</title><line x1=\"").Append(P(left)).Append("\" x2=\"").Append(P(left + pw))
              .Append("\" y1=\"").Append(P(Sy(y))).Append("\" y2=\"").Append(P(Sy(y))).Append("\" stroke=\"#c62828\" stroke-width=\"1.2\" stroke-dasharray=\"6 4\"/></g>");
        }

        if (Diagonal)
        {
            double d0 = Math.Max(xlo, ylo), d1 = Math.Min(xhi, yhi);
            if (d1 > d0)
                sb.Append("<line class=\"diagonal\" x1=\"").Append(P(Sx(d0))).Append("\" y1=\"").Append(P(Sy(d0))).Append("\" x2=\"").Append(P(Sx(d1))).Append("\" y2=\"").Append(P(Sy(d1)))
                  .Append("\" stroke=\"#888\" stroke-dasharray=\"4 4\"/>");
        }

        if (_strip is { Count: > 0 })
        {
            double max = _strip.Max(b => b.Y);
            sb.Append("<g class=\"count-strip\" fill=\"#bbb\">");
            foreach (var b in _strip)
            {
                double h = max > 0 && double.IsFinite(b.Y) ? Math.Max(0, b.Y / max) * ph * 0.2 : 0;
                double x0 = Sx(b.X0), x1 = Sx(b.X1);
                sb.Append("<rect x=\"").Append(P(x0 + 1)).Append("\" y=\"").Append(P(top + ph - h)).Append("\" width=\"").Append(P(Math.Max(0.5, x1 - x0 - 2)))
                  .Append("\" height=\"").Append(P(h)).Append("\"><title>").Append(Xml.Escape(b.Title)).Append("</title></rect>");
            }
            sb.Append("</g>");
        }

        foreach (var (name, bars, color) in _bars)
        {
            sb.Append("<g class=\"bars\" fill=\"").Append(color).Append("\" fill-opacity=\"0.75\">");
            foreach (var b in bars)
            {
                if (!double.IsFinite(b.Y) || !double.IsFinite(b.X0) || !double.IsFinite(b.X1)) continue;
                double x0 = Sx(b.X0), x1 = Sx(b.X1), y0 = Sy(Math.Max(0, ylo)), y1 = Sy(b.Y);
                sb.Append("<rect x=\"").Append(P(x0)).Append("\" y=\"").Append(P(Math.Min(y0, y1))).Append("\" width=\"").Append(P(Math.Max(0.5, x1 - x0 - 0.5)))
                  .Append("\" height=\"").Append(P(Math.Abs(y0 - y1))).Append('"');
                if (b.Data is not null)
                    foreach (var kv in b.Data) sb.Append(" data-").Append(Xml.Escape(kv.Key)).Append("=\"").Append(Xml.Escape(kv.Value)).Append('"');
                sb.Append("><title>").Append(Xml.Escape(b.Title)).Append("</title></rect>");
            }
            sb.Append("</g>");
        }

        foreach (var (name, points, color) in _scatters)
        {
            sb.Append("<g class=\"scatter\" fill=\"").Append(color).Append("\" fill-opacity=\"0.5\">");
            if (name.Length > 0) sb.Append("<title>").Append(Xml.Escape(name)).Append("</title>");
            foreach (var p in points)
                if (double.IsFinite(p.X) && double.IsFinite(p.Y))
                    sb.Append("<circle cx=\"").Append(P(Sx(p.X))).Append("\" cy=\"").Append(P(Sy(p.Y))).Append("\" r=\"2\"/>");
            sb.Append("</g>");
        }

        foreach (var (name, points, dots, tip, color) in _lines)
        {
            sb.Append("<g class=\"series\">");
            if (name.Length > 0) sb.Append("<title>").Append(Xml.Escape(name)).Append("</title>");
            var d = new StringBuilder();
            bool pen = false;
            foreach (var p in points)
            {
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) { pen = false; continue; }
                d.Append(pen ? 'L' : 'M').Append(P(Sx(p.X))).Append(' ').Append(P(Sy(p.Y)));
                pen = true;
            }
            sb.Append("<path d=\"").Append(d).Append("\" fill=\"none\" stroke=\"").Append(color).Append("\" stroke-width=\"2\"/>");
            if (dots)
            {
                sb.Append("<g fill=\"").Append(color).Append("\">");
                foreach (var p in points)
                {
                    if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) continue;
                    sb.Append("<circle cx=\"").Append(P(Sx(p.X))).Append("\" cy=\"").Append(P(Sy(p.Y))).Append("\" r=\"2.5\">");
                    if (tip is not null) sb.Append("<title>").Append(Xml.Escape(tip(p))).Append("</title>");
                    sb.Append("</circle>");
                }
                sb.Append("</g>");
            }
            sb.Append("</g>");
        }

        foreach (var (name, points, color, tip) in _alerts)
        {
            sb.Append("<g class=\"alerts\" fill=\"").Append(color).Append("\">");
            foreach (var p in points)
            {
                if (!double.IsFinite(p.X) || !double.IsFinite(p.Y)) continue;
                sb.Append("<circle cx=\"").Append(P(Sx(p.X))).Append("\" cy=\"").Append(P(Sy(p.Y))).Append("\" r=\"4\">");
                sb.Append("<title>").Append(Xml.Escape(tip is null ? name : tip(p))).Append("</title></circle>");
            }
            sb.Append("</g>");
        }

        foreach (var m in _markers)
        {
            if (!double.IsFinite(m.X)) continue;
            double x = Sx(m.X);
            sb.Append("<g class=\"marker ").Append(Xml.Escape(m.CssClass)).Append("\" data-check=\"").Append(Xml.Escape(m.Check)).Append("\"><title>")
              .Append(Xml.Escape(m.Title)).Append("</title><line x1=\"").Append(P(x)).Append("\" x2=\"").Append(P(x)).Append("\" y1=\"").Append(P(top))
              .Append("\" y2=\"").Append(P(top + ph)).Append("\" stroke=\"").Append(MarkerColor(m.CssClass)).Append("\" stroke-width=\"1.5\" stroke-dasharray=\"3 3\"/>")
              .Append("<path d=\"M").Append(P(x - 5)).Append(' ').Append(P(top + ph + 1)).Append('L').Append(P(x + 5)).Append(' ').Append(P(top + ph + 1))
              .Append('L').Append(P(x)).Append(' ').Append(P(top + ph - 8)).Append("Z\" fill=\"").Append(MarkerColor(m.CssClass)).Append("\"/></g>");
        }

        if (legend.Count > 0)
        {
            sb.Append("<g class=\"legend\">");
            for (int i = 0; i < legend.Count; i++)
            {
                var (name, color, isLine) = legend[i];
                var (x, y) = legendPos[i];
                if (isLine)
                    sb.Append("<line x1=\"").Append(P(x)).Append("\" x2=\"").Append(P(x + 14)).Append("\" y1=\"").Append(P(y - 4)).Append("\" y2=\"").Append(P(y - 4)).Append("\" stroke=\"").Append(color).Append("\" stroke-width=\"3\"/>");
                else
                    sb.Append("<rect x=\"").Append(P(x + 2)).Append("\" y=\"").Append(P(y - 9)).Append("\" width=\"10\" height=\"10\" fill=\"").Append(color).Append("\"/>");
                string label = name.Length > 40 ? name[..39] + "…" : name;
                sb.Append("<text x=\"").Append(P(x + 18)).Append("\" y=\"").Append(P(y)).Append("\">").Append(Xml.Escape(label)).Append("</text>");
            }
            sb.Append("</g>");
        }

        sb.Append("</svg>");
        return sb.ToString();
    }

    private static string MarkerColor(string cssClass) =>
        cssClass.Contains("error", StringComparison.Ordinal) ? "#c62828"
        : cssClass.Contains("warning", StringComparison.Ordinal) ? "#e69f00"
        : "#0072b2";
}
