namespace Vigil.Statistics.Streaming;

/// <summary>Which changes of the mean <see cref="PageHinkley"/> watches (River's <c>mode</c>).</summary>
public enum PageHinkleyMode
{
    /// <summary>Increases and decreases ("both", River's default).</summary>
    Both,
    /// <summary>Increases only ("up").</summary>
    Up,
    /// <summary>Decreases only ("down").</summary>
    Down,
}

/// <summary>
/// The Page–Hinkley test (Page 1954), ported from River's <c>river/drift/page_hinkley.py</c> (two-sided version).
/// Input: any real value. With x̄_t the running mean, it keeps two faded cumulative sums
/// U_t = α·U_{t−1} + (x_t − x̄_t) − δ and L_t = α·L_{t−1} + (x_t − x̄_t) + δ, the running minimum of U and maximum of
/// L (River starts the maximum at −1), and once <c>minInstances</c> values have been seen signals a drift when
/// U_t − min U &gt; λ (an increase) or max L − L_t &gt; λ (a decrease). The update after a drift restarts everything.
/// O(1) memory and time.
/// </summary>
public sealed class PageHinkley : StreamDetector
{
    private double _n;
    private double _mean;
    private double _sumIncrease;
    private double _sumDecrease;
    private double _minIncrease;
    private double _maxDecrease;

    /// <param name="minInstances">Values needed before a change can be detected (River's default 30).</param>
    /// <param name="delta">Magnitude of changes that are tolerated (0.005).</param>
    /// <param name="threshold">λ, the detection threshold (50).</param>
    /// <param name="alpha">Forgetting factor of the cumulative sums (1 − 0.0001).</param>
    /// <param name="mode">Changes watched (both).</param>
    public PageHinkley(int minInstances = 30, double delta = 0.005, double threshold = 50.0, double alpha = 1 - 0.0001,
        PageHinkleyMode mode = PageHinkleyMode.Both)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minInstances);
        if (!double.IsFinite(delta) || !double.IsFinite(threshold) || !double.IsFinite(alpha))
        {
            throw new ArgumentOutOfRangeException(nameof(threshold), "delta, threshold and alpha must be finite.");
        }
        if (!Enum.IsDefined(mode))
        {
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown mode.");
        }
        MinInstances = minInstances;
        Delta = delta;
        Threshold = threshold;
        Alpha = alpha;
        Mode = mode;
        ResetStatistics();
    }

    public override string Name => "PageHinkley";
    public int MinInstances { get; }
    public double Delta { get; }
    public double Threshold { get; }
    public double Alpha { get; }
    public PageHinkleyMode Mode { get; }


    /// <summary>U_t − min U: the statistic of an increase.</summary>
    public double IncreaseStatistic => _sumIncrease - _minIncrease;
    /// <summary>max L − L_t: the statistic of a decrease.</summary>
    public double DecreaseStatistic => _maxDecrease - _sumDecrease;

    protected override void ResetStatistics()
    {
        DriftDetected = false;
        _n = 0;
        _mean = 0.0;
        _sumIncrease = 0.0;
        _sumDecrease = 0.0;
        _minIncrease = double.PositiveInfinity;
        _maxDecrease = -1;
    }

    public override bool Update(double x)
    {
        StreamInput.Finite(x);
        if (DriftDetected)
        {
            ResetStatistics();
        }
        Count++;
        _n += 1.0;
        _mean += 1.0 / _n * (x - _mean);
        double dev = x - _mean;
        _sumIncrease = Alpha * _sumIncrease + dev - Delta;
        _sumDecrease = Alpha * _sumDecrease + dev + Delta;
        if (_sumIncrease < _minIncrease)
        {
            _minIncrease = _sumIncrease;
        }
        if (_sumDecrease > _maxDecrease)
        {
            _maxDecrease = _sumDecrease;
        }
        if (_n >= MinInstances)
        {
            double up = _sumIncrease - _minIncrease;
            double down = _maxDecrease - _sumDecrease;
            DriftDetected = Mode switch
            {
                PageHinkleyMode.Up => up > Threshold,
                PageHinkleyMode.Down => down > Threshold,
                _ => up > Threshold || down > Threshold,
            };
            if (DriftDetected)
            {
                Detections++;
            }
        }
        return DriftDetected;
    }
}
