using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

/// <summary>What the reports draw of a numerical column (<see cref="Distribution"/>): each distinct value as a category
/// when there are few, else bins at the reference's quantiles, and for the Kolmogorov–Smirnov family both empirical
/// distribution functions at a bounded number of points. Two ordered passes over the distinct values of both sides
/// (the sorted samples, or the merged counts), nothing kept per value.</summary>
internal static class DistributionDrawing
{
    /// <summary>At most this many distinct values over both sides are drawn one bar each.</summary>
    internal const int MaxValuesDrawn = 12;

    /// <summary>Quantile bins of the reference (20: each about 5 % of it).</summary>
    internal const int QuantileBins = 20;

    /// <summary>Points of each ECDF curve, at most.</summary>
    internal const int EcdfPoints = 200;

    /// <summary>The methods compared on the distribution functions, which get an ECDF overlay.</summary>
    internal static bool IsEcdfMethod(string method) =>
        DriftMethods.Canonical(method) is "ks" or "wasserstein" or "anderson" or "cramer_von_mises" or "ed";

    /// <summary>Visits the distinct values of both sides ascending, with each side's count.</summary>
    internal delegate void Walker(Action<double, long, long> visit);

    /// <summary>The walk over two sorted samples (-0.0 with 0.0): the same ordered pass the statistics use.</summary>
    internal static Walker Of(SortedSample r, SortedSample c) => visit =>
    {
        var visitor = new ActionVisitor(visit);
        SortedSamples.Walk(r, c, ref visitor);
    };

    private readonly struct ActionVisitor(Action<double, long, long> visit) : IRunVisitor
    {
        public void Visit(double value, long reference, long current) => visit(value, reference, current);
    }

    /// <summary>The walk over merged numerical counts.</summary>
    internal static Walker Of(ValueCounts v) => visit =>
    {
        for (var i = 0; i < v.Count; i++) visit(v.Numbers![i], v.Reference[i], v.Current[i]);
    };

    /// <summary>The distribution to draw, or null when a side is empty or the reference has too few distinct values
    /// for quantile bins while both sides hold many (the caller then falls back to Sturges bins).</summary>
    internal static Distribution? Numerical(Walker walk, string method)
    {
        // Pass 1: totals, distinct values (the first few kept), and the reference's quantile edges.
        long rTotal = 0, cTotal = 0;
        var distinct = 0;
        var few = new List<(double Value, long R, long C)>();
        walk((x, r, c) =>
        {
            rTotal += r;
            cTotal += c;
            if (++distinct <= MaxValuesDrawn) few.Add((x, r, c));
        });
        if (rTotal == 0 || cTotal == 0) return null;
        if (distinct <= MaxValuesDrawn)
            return new Distribution(null, [.. few.Select(f => Label(f.Value))],
                [.. few.Select(f => (double)f.R / rTotal)], [.. few.Select(f => (double)f.C / cTotal)]) { Kind = "values" };

        double min = double.NaN, max = double.NaN;
        var inner = new List<double>();
        long cumR = 0;
        var k = 1;
        walk((x, r, c) =>
        {
            if (double.IsNaN(min)) min = x;
            max = x;
            cumR += r;
            // The smallest value at which the reference's share reaches k / bins starts bin k.
            if (r > 0 && k < QuantileBins && cumR * (double)QuantileBins >= k * (double)rTotal)
            {
                // The upper edge of the bin is the next value: this one still belongs below the edge when it closes it.
                inner.Add(x);
                while (k < QuantileBins && cumR * (double)QuantileBins >= k * (double)rTotal) k++;
            }
        });
        // Each recorded value closes a bin, so the edge sits just above it: the next distinct value starts the bin.
        var edges = new List<double> { min };
        var closers = inner.Where(e => e < max).Distinct().ToList();
        if (closers.Count < 3) return null;
        // Pass 2: counts per bin (a bin holds the values above the previous closer up to its own closer), and the ECDFs.
        var rBins = new long[closers.Count + 1];
        var cBins = new long[closers.Count + 1];
        var ecdf = IsEcdfMethod(method);
        var ex = new List<double>();
        var er = new List<double>();
        var ec = new List<double>();
        long pooled = rTotal + cTotal, seen = 0, cr = 0, cc = 0;
        var next = 1;
        var bin = 0;
        var edgeOpen = false;
        walk((x, r, c) =>
        {
            if (edgeOpen) { edges.Add(x); edgeOpen = false; }
            rBins[bin] += r;
            cBins[bin] += c;
            if (bin < closers.Count && x == closers[bin]) { bin++; edgeOpen = true; }
            if (!ecdf) return;
            seen += r + c;
            cr += r;
            cc += c;
            if (seen * (double)EcdfPoints >= next * (double)pooled || seen == pooled)
            {
                ex.Add(x);
                er.Add((double)cr / rTotal);
                ec.Add((double)cc / cTotal);
                while (next <= EcdfPoints && seen * (double)EcdfPoints >= next * (double)pooled) next++;
            }
        });
        edges.Add(max);
        return new Distribution(edges, null, [.. rBins.Select(n => (double)n / rTotal)], [.. cBins.Select(n => (double)n / cTotal)])
        {
            Kind = "quantiles",
            Ecdf = ecdf ? new EcdfCurves(ex, er, ec) : null,
        };
    }

    /// <summary>A value as a category label: as short as it reads back.</summary>
    internal static string Label(double x) => (x + 0.0).ToString("R", CultureInfo.InvariantCulture);
}
