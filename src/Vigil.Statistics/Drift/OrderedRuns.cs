using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// <see cref="SortedSamples.Summarize"/> and <see cref="SortedSamples.ReferenceStandardDeviation"/> over the distinct
/// values of two samples streamed once in ascending order (each value with both sides' counts), holding O(1) however
/// many values: what a server engine's ordered <c>GROUP BY v ORDER BY v</c> gives. What the one pass cannot learn before
/// it starts comes from aggregates known in advance: both totals (the distribution functions' denominators), the range
/// (the Sturges edges), and an estimate of the reference's mean with its range (the standard deviation is accumulated
/// about that estimate, so no second pass is needed). The KS statistic, the Wasserstein distance and the bin counts are
/// the same arithmetic in the same order as the in-memory pass; the standard deviation agrees with its two compensated
/// passes to within rounding (Σr(x−m̂) corrects for the estimate's error exactly).
/// </summary>
public sealed class OrderedRuns
{
    private readonly long _referenceTotal;
    private readonly long _currentTotal;
    private readonly double _min, _max;
    private readonly double[]? _edges;
    private KsGap _ks;
    private WassersteinSum _wasserstein;
    private BinWalk _bins;
    private readonly bool _both;
    private long _r, _c;
    private int _distinct;
    private double _first = double.NaN, _last = double.NaN;
    // The reference's moments about the estimate of its mean, as they are and (for values whose squares overflow)
    // scaled by a power of two near the reference's largest magnitude.
    private readonly double _shift, _scale;
    private NeumaierSum _d1, _d2, _s1, _s2;

    /// <param name="referenceTotal">Values in the reference (the sum of its counts).</param>
    /// <param name="currentTotal">Values in the current sample.</param>
    /// <param name="min">The smallest value over both samples (NaN when both are empty).</param>
    /// <param name="max">The largest value over both samples.</param>
    /// <param name="referenceMean">An estimate of the reference's mean (an engine's avg; NaN or infinite when unknown).</param>
    /// <param name="referenceMagnitude">The reference's largest magnitude, max(|min|, |max|).</param>
    public OrderedRuns(long referenceTotal, long currentTotal, double min, double max, double referenceMean, double referenceMagnitude)
    {
        _referenceTotal = referenceTotal;
        _currentTotal = currentTotal;
        _both = referenceTotal > 0 && currentTotal > 0;
        (_min, _max) = (min + 0.0, max + 0.0);
        _ks = new KsGap(referenceTotal, currentTotal);
        _wasserstein = new WassersteinSum(referenceTotal, currentTotal);
        if (_both)
        {
            _edges = Binning.SturgesEdges(_min, _max, referenceTotal + currentTotal);
            _bins = new BinWalk(_edges);
        }
        _shift = double.IsFinite(referenceMean) ? referenceMean : 0;
        _scale = SortedSamples.ScaleOf(referenceMagnitude);
    }

    /// <summary>The next distinct value (greater than the one before; -0.0 is taken as 0.0) with its count on each side.</summary>
    public void Add(double value, long reference, long current)
    {
        value += 0.0;
        if (!double.IsFinite(value)) throw new ArgumentOutOfRangeException(nameof(value), value, "values must be finite");
        if (_distinct > 0 && !(value > _last)) throw new ArgumentException($"values must ascend: {value} after {_last}", nameof(value));
        if (_distinct++ == 0) _first = value;
        _last = value;
        _r += reference;
        _c += current;
        if (_both)
        {
            _ks.Add(reference, current);
            _wasserstein.Add(value, reference, current);
            _bins.Add(value, reference, current);
        }
        if (reference > 0)
        {
            var d = value - _shift;
            _d1.Add(reference * d);
            _d2.Add(reference * d * d);
            var s = value / _scale - _shift / _scale;
            _s1.Add(reference * s);
            _s2.Add(reference * s * s);
        }
    }

    /// <summary>Distinct values seen so far.</summary>
    public int Distinct => _distinct;

    /// <summary>What <see cref="SortedSamples.Summarize"/> gives for the same two samples. Throws when the values seen do
    /// not add up to the totals or the range given (the data changed between the aggregates and the pass).</summary>
    public SampleSummary Summary()
    {
        if (_r != _referenceTotal || _c != _currentTotal)
            throw new InvalidOperationException($"the ordered pass counted {_r} + {_c} values where the totals were {_referenceTotal} + {_currentTotal}");
        if (_distinct > 0 && (_first != _min || _last != _max))
            throw new InvalidOperationException($"the ordered pass ran from {_first} to {_last} where the range was {_min} to {_max}");
        var census = new SampleCensus(_r, _c, _distinct, _first, _last);
        if (!_both) return new SampleSummary(census, double.NaN, double.NaN, null, null, null);
        return new SampleSummary(census, _ks.Max, _wasserstein.Value, _edges, _bins.Reference, _bins.Current)
        {
            WassersteinHalf = _wasserstein.Half,
        };
    }

    /// <summary>The reference's population standard deviation (numpy's), as <see cref="SortedSamples.ReferenceStandardDeviation"/>.</summary>
    public double ReferenceStandardDeviation
    {
        get
        {
            var n = _referenceTotal;
            var std = Math.Sqrt(Math.Max(0, _d2.Value - _d1.Value * (_d1.Value / n)) / n);
            if (double.IsFinite(std) || n == 0) return n == 0 ? double.NaN : std;
            return Math.Sqrt(Math.Max(0, _s2.Value - _s1.Value * (_s1.Value / n)) / n) * _scale;
        }
    }
}
