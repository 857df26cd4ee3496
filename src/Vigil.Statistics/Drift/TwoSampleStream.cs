using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Drift;

/// <summary>
/// The two-sample Kolmogorov–Smirnov statistic and the Wasserstein distance of two samples streamed as their distinct
/// values with counts, in ascending or descending order (either; the order must not change), with both totals known in
/// advance: O(1) memory however many values. The KS statistic is the largest gap between the distribution functions
/// (in descending order, between the survival functions, which is the same gap); the Wasserstein distance is the area
/// between them. Evidently's normed distance divides it by the reference's (population) standard deviation, also
/// accumulated here.
/// </summary>
public sealed class TwoSampleStream(long referenceTotal, long currentTotal)
{
    private long _r, _c;
    private double _previous = double.NaN;
    private NeumaierSum _area;
    private NeumaierSum _refSum;
    private NeumaierSum _refSumSq;
    private double _shift = double.NaN;

    /// <summary>The largest gap between the two distribution functions.</summary>
    public double KsStatistic { get; private set; }

    /// <summary>Adds one distinct value with its count in each sample.</summary>
    public void Add(double value, long reference, long current)
    {
        if (reference == 0 && current == 0) return;
        if (!double.IsNaN(_previous))
            _area.Add(Math.Abs((double)_r / referenceTotal - (double)_c / currentTotal) * Math.Abs(value - _previous));
        _r += reference;
        _c += current;
        _previous = value;
        if (referenceTotal > 0 && currentTotal > 0)
            KsStatistic = Math.Max(KsStatistic, Math.Abs((double)_r / referenceTotal - (double)_c / currentTotal));
        if (reference > 0)
        {
            if (double.IsNaN(_shift)) _shift = value; // moments about the first value keep the variance exact
            var d = value - _shift;
            _refSum.Add(reference * d);
            _refSumSq.Add(reference * d * d);
        }
    }

    /// <summary>SciPy's <c>wasserstein_distance</c> of the two samples.</summary>
    public double Wasserstein => _area.Value;

    /// <summary>The reference's population standard deviation.</summary>
    public double ReferenceStandardDeviation
    {
        get
        {
            if (referenceTotal == 0) return double.NaN;
            var mean = _refSum.Value / referenceTotal;
            return Math.Sqrt(Math.Max(0, _refSumSq.Value / referenceTotal - mean * mean));
        }
    }

    /// <summary>Evidently's normed Wasserstein distance: the distance over the reference's standard deviation, or over
    /// 0.001 when that is smaller.</summary>
    public double WassersteinNormed => Wasserstein / Math.Max(ReferenceStandardDeviation, 0.001);

    /// <summary>SciPy's <c>ks_2samp</c> p-value of <see cref="KsStatistic"/>.</summary>
    public double KsPValue => referenceTotal == 0 || currentTotal == 0 ? double.NaN : KolmogorovSmirnov.TwoSamplePValue(KsStatistic, referenceTotal, currentTotal);
}
