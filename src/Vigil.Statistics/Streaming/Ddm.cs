namespace Vigil.Statistics.Streaming;

/// <summary>
/// DDM, the Drift Detection Method (Gama et al. 2004), ported from River's <c>river/drift/binary/ddm.py</c>.
/// Input: a stream of bits, 1 = error/failure, 0 = correct. It tracks the running error rate p_i and its Bernoulli
/// standard deviation s_i = sqrt(p_i (1 − p_i) / i); after <c>warmStart</c> values it keeps p_min and s_min where
/// p_i + s_i was smallest (ties move the minimum), and signals a warning when p_i + s_i &gt; p_min +
/// <c>warningThreshold</c>·s_min and a drift when p_i + s_i &gt; p_min + <c>driftThreshold</c>·s_min (a drift clears
/// the warning). The update after a drift restarts all statistics. O(1) memory and time.
/// </summary>
public sealed class Ddm : StreamDetector
{
    private double _n;
    private double _p;
    private double _pMin;
    private double _sMin;
    private double _psMin;

    /// <param name="warmStart">Values needed before a change can be detected (River's default 30).</param>
    /// <param name="warningThreshold">Warning when p + s exceeds p_min + this·s_min (2.0).</param>
    /// <param name="driftThreshold">Drift when p + s exceeds p_min + this·s_min (3.0).</param>
    public Ddm(int warmStart = 30, double warningThreshold = 2.0, double driftThreshold = 3.0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(warmStart);
        if (!double.IsFinite(warningThreshold) || !double.IsFinite(driftThreshold))
        {
            throw new ArgumentOutOfRangeException(nameof(driftThreshold), "Thresholds must be finite.");
        }
        WarmStart = warmStart;
        WarningThreshold = warningThreshold;
        DriftThreshold = driftThreshold;
        ResetStatistics();
    }

    public override string Name => "DDM";
    public int WarmStart { get; }
    public double WarningThreshold { get; }
    public double DriftThreshold { get; }


    /// <summary>Running error rate since the last restart.</summary>
    public double ErrorRate => _p;

    protected override void ResetStatistics()
    {
        DriftDetected = false;
        WarningDetected = false;
        _n = 0;
        _p = 0.0;
        _pMin = double.PositiveInfinity;
        _sMin = double.PositiveInfinity;
        _psMin = double.PositiveInfinity;
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
        // river.stats.Mean
        _n += 1.0;
        _p += 1.0 / _n * ((error ? 1.0 : 0.0) - _p);
        double p = _p;
        double s = Math.Sqrt(p * (1 - p) / _n);
        if (_n > WarmStart)
        {
            if (p + s <= _psMin)
            {
                _pMin = p;
                _sMin = s;
                _psMin = _pMin + _sMin;
            }
            WarningDetected = p + s > _pMin + WarningThreshold * _sMin;
            if (p + s > _pMin + DriftThreshold * _sMin)
            {
                DriftDetected = true;
                WarningDetected = false;
                Detections++;
            }
        }
        return DriftDetected;
    }
}
