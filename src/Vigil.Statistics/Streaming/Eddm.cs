namespace Vigil.Statistics.Streaming;

/// <summary>
/// EDDM, the Early Drift Detection Method (Baena-García et al. 2006), ported from River's
/// <c>river/drift/binary/eddm.py</c>. Input: a stream of bits, 1 = error/failure, 0 = correct. At every error it
/// adds the distance (in values) since the previous error to a running mean p' and sample standard deviation s'
/// (River's <c>stats.Var</c>, ddof = 1). Once more than <c>warmStart</c> values have been seen it tracks the maximum
/// of p' + 2s'; when the current p' + 2s' does not set a new maximum and more than <c>warmStart</c> errors have been
/// seen, the ratio to the maximum below <c>beta</c> signals a drift, below <c>alpha</c> a warning, otherwise clears
/// the warning. Values without an error change nothing but the position. The update after a drift restarts all
/// statistics. O(1) memory and time.
/// </summary>
public sealed class Eddm : StreamDetector
{
    private long _n;
    private long _lastError;
    private long _errors;
    private double _distN;
    private double _distMean;
    private double _distS;
    private double _p2sMax;

    /// <param name="warmStart">Values, and errors, needed before a change can be detected (River's default 30).</param>
    /// <param name="alpha">Warning when (p' + 2s') / max falls below this (0.95).</param>
    /// <param name="beta">Drift when (p' + 2s') / max falls below this (0.9); must not exceed alpha.</param>
    public Eddm(int warmStart = 30, double alpha = 0.95, double beta = 0.9)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmStart);
        if (alpha < beta)
        {
            throw new ArgumentException("'alpha' must be greater or equal to 'beta'.", nameof(alpha));
        }
        WarmStart = warmStart;
        Alpha = alpha;
        Beta = beta;
        ResetStatistics();
    }

    public override string Name => "EDDM";
    public int WarmStart { get; }
    public double Alpha { get; }
    public double Beta { get; }


    protected override void ResetStatistics()
    {
        DriftDetected = false;
        WarningDetected = false;
        _n = 0;
        _lastError = 0;
        _errors = 0;
        _distN = 0;
        _distMean = 0.0;
        _distS = 0.0;
        _p2sMax = -1;
    }

    /// <summary>Adds one outcome: true = error.</summary>
    public bool Update(bool error) => Update(error ? 1.0 : 0.0);

    public override bool Update(double x)
    {
        bool error = StreamInput.Bit(x);
        if (DriftDetected)
        {
            ResetStatistics();
        }
        Count++;
        _n++;
        if (error)
        {
            _errors++;
            AddDistance(_n - _lastError);
            if (_n > WarmStart)
            {
                double piPrime = _distMean;
                double siPrime = Math.Sqrt(_distN > 1 ? _distS / (_distN - 1) : 0.0);
                double p2s = piPrime + 2 * siPrime;
                if (p2s > _p2sMax)
                {
                    _p2sMax = p2s;
                }
                else if (_errors > WarmStart)
                {
                    double level = p2s / _p2sMax;
                    if (level < Beta)
                    {
                        DriftDetected = true;
                        Detections++;
                    }
                    else
                    {
                        WarningDetected = level < Alpha;
                    }
                }
            }
            _lastError = _n;
        }
        return DriftDetected;
    }

    /// <summary>river.stats.Var (Welford, ddof = 1) over the distances between errors.</summary>
    private void AddDistance(double d)
    {
        double meanOld = _distMean;
        _distN += 1.0;
        _distMean += 1.0 / _distN * (d - _distMean);
        _distS += (d - meanOld) * (d - _distMean);
    }
}
