using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Reports.Svg;
using Vigil.Statistics.Drift;

namespace Vigil.Reports.Html;

/// <summary>The drift report's charts: each column's two distributions (categories or values one bar pair each, every
/// one labelled; numbers in the reference's quantile bins drawn equally wide, edges as ticks), the ECDF overlay, and
/// the lines over chunks (share of drifted columns, per-column statistics, multivariate reconstruction error) with
/// their thresholds as bands. Layout only: the bins, shares and curves come from the result.</summary>
internal static class DriftCharts
{
    private static string R(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    private static IReadOnlyList<KeyValuePair<string, string>> BarData(string side, double share, string bin) =>
        [new("side", side), new("share", R(share)), new("bin", bin)];

    /// <summary>The two distributions as bar pairs per bin or category.</summary>
    public static string Distribution(ColumnDrift c, Distribution d)
    {
        int n = d.Reference.Count;
        var refBars = new List<Bar>();
        var curBars = new List<Bar>();
        bool categorical = d.Edges is null;
        bool quantiles = d.Kind == "quantiles";
        for (int i = 0; i < n; i++)
        {
            string what;
            double x0, x1;
            if (categorical) { what = d.Labels is { } l && i < l.Count ? l[i] : i.ToString(CultureInfo.InvariantCulture); (x0, x1) = (i - 0.42, i + 0.42); }
            else
            {
                what = $"[{Fmt.Edge(d.Edges![i])}, {Fmt.Edge(d.Edges[i + 1])}{(i == n - 1 ? "]" : ")")}";
                (x0, x1) = quantiles ? (i + 0.06, i + 0.94) : (d.Edges[i], d.Edges[i + 1]);
            }
            double mid = (x0 + x1) / 2;
            refBars.Add(new Bar(x0, mid, d.Reference[i], $"{what}: reference {Fmt.Percent(d.Reference[i])}", BarData("reference", d.Reference[i], what)));
            curBars.Add(new Bar(mid, x1, d.Current[i], $"{what}: current {Fmt.Percent(d.Current[i])}", BarData("current", d.Current[i], what)));
        }
        string xLabel = d.Kind switch
        {
            "categories" => c.Name + " (category)",
            "values" => c.Name + " (value)",
            "quantiles" => $"{c.Name}: bins at the reference's quantiles (each ≈ {Fmt.Percent(1.0 / n)} of it), edges as ticks",
            _ => c.Name + " (value, equal-width bins)",
        };
        IReadOnlyList<Tick>? ticks = categorical
            ? [.. Enumerable.Range(0, n).Select(i => new Tick(i, d.Labels is { } l && i < l.Count ? l[i] : ""))]
            : quantiles ? [.. d.Edges!.Select((e, i) => new Tick(i, Fmt.Edge(e)))] : null;
        var plot = new SvgPlot("distribution", c.Name + ": reference vs current")
        {
            Width = 560,
            Height = 260,
            YLabel = "share of each side's values",
            YMin = 0,
            XLabel = xLabel,
            XTicks = ticks,
            XMin = categorical ? -0.5 : quantiles ? 0 : null,
            XMax = categorical ? n - 0.5 : quantiles ? n : null,
            YFormat = v => (v * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%",
            Data = [new("column", c.Name), new("kind", d.Kind), new("bins", n.ToString(CultureInfo.InvariantCulture))],
        };
        return plot.Bars("reference", refBars).Bars("current", curBars).Render();
    }

    /// <summary>Both ECDFs on the quantile-bin axis (a value sits where it falls between two edges), so the reference's
    /// curve is close to the diagonal and a shift shows as the gap the Kolmogorov–Smirnov statistic measures.</summary>
    public static string? Ecdf(ColumnDrift c, Distribution d)
    {
        if (d.Ecdf is not { X.Count: > 0 } e || d.Edges is not { Count: > 1 } edges || d.Kind != "quantiles") return null;
        double Pos(double x)
        {
            if (x <= edges[0]) return 0;
            for (int i = 0; i < edges.Count - 1; i++)
                if (x < edges[i + 1]) return i + (x - edges[i]) / (edges[i + 1] - edges[i]);
            return edges.Count - 1;
        }
        Point[] Curve(IReadOnlyList<double> y)
        {
            // A step function: flat until the next point.
            var pts = new List<Point>(2 * e.X.Count + 1) { new(0, 0) };
            double last = 0;
            for (int i = 0; i < e.X.Count; i++)
            {
                double x = Pos(e.X[i]);
                pts.Add(new Point(x, last));
                pts.Add(new Point(x, y[i]));
                last = y[i];
            }
            return [.. pts];
        }
        var plot = new SvgPlot("ecdf", c.Name + ": empirical distribution functions")
        {
            Width = 560,
            Height = 240,
            YLabel = "share of values ≤ x",
            XLabel = c.Name + " (same quantile axis as above)",
            XTicks = [.. edges.Select((v, i) => new Tick(i, Fmt.Edge(v)))],
            XMin = 0,
            XMax = edges.Count - 1,
            YMin = 0,
            YMax = 1,
            Data = [new("column", c.Name), new("points", e.X.Count.ToString(CultureInfo.InvariantCulture))],
        };
        return plot.Line("reference", Curve(e.Reference)).Line("current", Curve(e.Current)).Render();
    }

    /// <summary>x ticks for chunks: every chunk's key, or every k-th when there are many.</summary>
    private static IReadOnlyList<Tick> ChunkTicks(IReadOnlyList<string> keys)
    {
        int step = Math.Max(1, (int)Math.Ceiling(keys.Count / 31.0));
        return [.. keys.Select((k, i) => (k, i)).Where(x => x.i % step == 0).Select(x => new Tick(x.i, x.k))];
    }

    private static string ChunkAxis(DriftResult r) => r.ChunkBy switch
    {
        "day" => "chunk (day, UTC)",
        "week" => "chunk (week, UTC)",
        _ => $"chunk ({r.ChunkBy})",
    };

    /// <summary>The share of drifted columns per chunk, the drift-share threshold as a line and the no-drift region as a band.</summary>
    public static string ChunkShare(DriftResult r, IReadOnlyList<ChunkDrift> chunks)
    {
        double threshold = chunks.Count > 0 ? chunks[0].Dataset.DriftShare : r.Dataset.DriftShare;
        var points = chunks.Select((ch, i) => new Point(i, ch.Dataset.Share)).ToList();
        var plot = new SvgPlot("chunk-drift", "Share of drifted columns per chunk")
        {
            Width = 1100, Height = 280, XLabel = ChunkAxis(r), YLabel = "share of columns drifted", YMin = 0, YMax = 1,
            XMin = -0.5, XMax = chunks.Count - 0.5, XTicks = ChunkTicks([.. chunks.Select(c => c.Key)]),
            YFormat = v => (v * 100).ToString("0", CultureInfo.InvariantCulture) + "%",
            Data = [new("threshold", R(threshold))],
        };
        plot.Band(0, threshold, $"no dataset drift: below the {Fmt.Percent(threshold)} drift-share threshold")
            .HLine(threshold, $"drift-share threshold {Fmt.Percent(threshold)}")
            .Line("share of columns drifted", points, dots: true, tip: p => $"{chunks[(int)p.X].Key}: {Fmt.Percent(p.Y)} ({chunks[(int)p.X].Dataset.DriftedColumns} of {chunks[(int)p.X].Dataset.Columns})")
            .Alerts("dataset drift", [.. points.Where(p => chunks[(int)p.X].Dataset.Drifted)], p => $"{chunks[(int)p.X].Key}: dataset drift");
        return plot.Render();
    }

    /// <summary>One column's statistic (or p-value, for a test) per chunk with its threshold; the no-drift side is the band.</summary>
    public static string ChunkColumn(DriftResult r, IReadOnlyList<ChunkDrift> chunks, string column)
    {
        var cells = chunks.Select(ch => ch.Columns.FirstOrDefault(c => c.Name == column)).ToList();
        var first = cells.FirstOrDefault(c => c?.Result is not null)?.Result;
        bool test = first is not null && DriftMethods.IsTest(first.Method) && cells.Any(c => c?.Result?.PValue is not null);
        double? Value(ColumnDrift? c) => test ? c?.Result?.PValue : c?.Result?.Statistic;
        var points = cells.Select((c, i) => new Point(i, Value(c) ?? double.NaN)).ToList();
        var threshold = cells.Select(c => c?.Result?.Threshold).FirstOrDefault(t => t is not null);
        string what = test ? "p-value" : "statistic";
        var plot = new SvgPlot("chunk-column", $"{column}: {first?.Method ?? "no method"} {what} per chunk")
        {
            Width = 540, Height = 260, XLabel = ChunkAxis(r), YLabel = $"{first?.Method} {what}", YMin = 0, YMax = test ? 1 : null,
            XMin = -0.5, XMax = chunks.Count - 0.5, XTicks = ChunkTicks([.. chunks.Select(c => c.Key)]),
            Data = [new("column", column), new("value", what)],
        };
        if (threshold is { } t)
        {
            if (test) plot.Band(t, 1, $"no drift: p-value above {Fmt.Num(t)}");
            else plot.Band(0, t, $"no drift: statistic below {Fmt.Num(t)}");
            plot.HLine(t, $"threshold {Fmt.Num(t)}");
        }
        plot.Line(what, points, dots: true, tip: p => $"{chunks[(int)p.X].Key}: {what} {Fmt.Num(p.Y)}")
            .Alerts("drift", [.. points.Where((p, i) => cells[i]?.Drifted == true)], p => $"{chunks[(int)p.X].Key}: drift");
        return plot.Render();
    }

    /// <summary>NannyML's multivariate chart: the reconstruction error per chunk, the band between its thresholds.</summary>
    public static string Multivariate(DriftResult r, MultivariateDrift mv)
    {
        var points = mv.Chunks.Select((ch, i) => new Point(i, ch.ReconstructionError)).ToList();
        // Without a lower threshold the band reaches down to the lowest point: the axis is not forced to 0, so the
        // variation the thresholds judge stays visible.
        double lower = mv.ThresholdLower ?? Math.Min(mv.ThresholdUpper, mv.Chunks.Select(c => c.ReconstructionError).Where(double.IsFinite).DefaultIfEmpty(mv.ThresholdUpper).Min());
        var plot = new SvgPlot("multivariate", "Multivariate drift: PCA reconstruction error per chunk")
        {
            Width = 1100, Height = 300, XLabel = ChunkAxis(r), YLabel = "mean reconstruction error",
            XMin = -0.5, XMax = mv.Chunks.Count - 0.5, XTicks = ChunkTicks([.. mv.Chunks.Select(c => c.Key)]),
            Data = [new("upper", R(mv.ThresholdUpper)), new("lower", mv.ThresholdLower is { } lo ? R(lo) : "")],
        };
        plot.Band(lower, mv.ThresholdUpper, $"no drift: between the thresholds (mean ∓ 3σ over {mv.ReferenceChunks} reference chunks)")
            .HLine(mv.ThresholdUpper, $"upper threshold {Fmt.Num(mv.ThresholdUpper)}");
        if (mv.ThresholdLower is { } low) plot.HLine(low, $"lower threshold {Fmt.Num(low)}");
        plot.Line("reconstruction error", points, dots: true, tip: p => $"{mv.Chunks[(int)p.X].Key}: {Fmt.Num(p.Y)}")
            .Alerts("drift", [.. points.Where((p, i) => mv.Chunks[i].Drifted)], p => $"{mv.Chunks[(int)p.X].Key}: multivariate drift");
        return plot.Render();
    }
}
