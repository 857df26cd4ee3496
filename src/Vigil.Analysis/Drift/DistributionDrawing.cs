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
    /// for quantile bins while both sides hold many (the caller then falls back to Sturges bins). A pass for the
    /// totals, then the one pass of <see cref="OnePass"/>.</summary>
    internal static Distribution? Numerical(Walker walk, string method)
    {
        long rTotal = 0, cTotal = 0;
        walk((_, r, c) =>
        {
            rTotal += r;
            cTotal += c;
        });
        var pass = new OnePass(rTotal, cTotal);
        walk(pass.Visit);
        return pass.Result(method);
    }

    /// <summary>The drawing in one ascending pass over the distinct values of both sides, with both totals known in
    /// advance: O(1) memory (at most <see cref="MaxValuesDrawn"/> values, <see cref="QuantileBins"/> bins and
    /// <see cref="EcdfPoints"/> ECDF points). A reference quantile bin closes at the smallest value at which the
    /// reference's share reaches k / bins; the next distinct value opens the next bin (so a closer at the largest value
    /// opens none).</summary>
    internal sealed class OnePass(long rTotal, long cTotal)
    {
        private int _distinct;
        private readonly List<(double Value, long R, long C)> _few = [];
        private double _max = double.NaN;
        private long _cumR;
        private int _k = 1;
        private bool _closed;
        private readonly List<double> _edges = [];
        private readonly List<long> _rBins = [0];
        private readonly List<long> _cBins = [0];
        private readonly List<double> _ex = [], _er = [], _ec = [];
        private long _seen, _cr, _cc;
        private int _next = 1;

        public void Visit(double x, long r, long c)
        {
            if (++_distinct <= MaxValuesDrawn) _few.Add((x, r, c));
            if (_distinct == 1) _edges.Add(x);
            _max = x;
            if (_closed)
            {
                _edges.Add(x);
                _rBins.Add(0);
                _cBins.Add(0);
                _closed = false;
            }
            _rBins[^1] += r;
            _cBins[^1] += c;
            _cumR += r;
            if (r > 0 && _k < QuantileBins && _cumR * (double)QuantileBins >= _k * (double)rTotal)
            {
                _closed = true;
                while (_k < QuantileBins && _cumR * (double)QuantileBins >= _k * (double)rTotal) _k++;
            }
            long pooled = rTotal + cTotal;
            _seen += r + c;
            _cr += r;
            _cc += c;
            if (_seen * (double)EcdfPoints >= _next * (double)pooled || _seen == pooled)
            {
                _ex.Add(x);
                _er.Add((double)_cr / rTotal);
                _ec.Add((double)_cc / cTotal);
                while (_next <= EcdfPoints && _seen * (double)EcdfPoints >= _next * (double)pooled) _next++;
            }
        }

        /// <summary>The drawing for a column tested with <paramref name="method"/> (which decides the ECDF overlay).</summary>
        public Distribution? Result(string method)
        {
            if (rTotal == 0 || cTotal == 0) return null;
            if (_distinct <= MaxValuesDrawn)
                return new Distribution(null, [.. _few.Select(f => Label(f.Value))],
                    [.. _few.Select(f => (double)f.R / rTotal)], [.. _few.Select(f => (double)f.C / cTotal)]) { Kind = "values" };
            // Each bin but the last was closed by a value below the largest.
            if (_rBins.Count - 1 < 3) return null;
            var edges = new List<double>(_edges) { _max };
            return new Distribution(edges, null, [.. _rBins.Select(n => (double)n / rTotal)], [.. _cBins.Select(n => (double)n / cTotal)])
            {
                Kind = "quantiles",
                Ecdf = IsEcdfMethod(method) ? new EcdfCurves(_ex, _er, _ec) : null,
            };
        }
    }

    /// <summary>A value as a category label: as short as it reads back.</summary>
    internal static string Label(double x) => (x + 0.0).ToString("R", CultureInfo.InvariantCulture);
}
