namespace Vigil.Statistics.Streaming;

/// <summary>
/// ADWIN (Bifet &amp; Gavaldà 2007), ported from River's <c>river/drift/adwin.py</c> and <c>adwin_c.pyx</c> (the
/// ADWIN2 exponential histogram): rows of at most <c>maxBuckets</c> buckets of 2^row values each, holding the bucket
/// total and variance. Every <c>clock</c> updates (once the window is longer than <c>gracePeriod</c>) every cut
/// between buckets, oldest first, is tested with River's variance-aware Hoeffding bound; a cut whose sub-windows
/// differ in mean drops the oldest bucket and the test restarts. A drift is signalled when at least one bucket was
/// dropped, and (as in River) the next update starts a fresh window. O(log W) memory and time per update.
/// Input: any real value.
/// </summary>
public sealed class Adwin : StreamDetector
{
    private sealed class Bucket(int maxBuckets)
    {
        public readonly double[] Total = new double[maxBuckets + 1];
        public readonly double[] Variance = new double[maxBuckets + 1];
        public int Count;

        public void Insert(double total, double variance)
        {
            Total[Count] = total;
            Variance[Count] = variance;
            Count++;
        }

        /// <summary>Drops the first (oldest) <paramref name="n"/> entries.</summary>
        public void Compress(int n)
        {
            int remaining = Count - n;
            if (remaining > 0)
            {
                Array.Copy(Total, n, Total, 0, remaining);
                Array.Copy(Variance, n, Variance, 0, remaining);
            }
            for (int i = Math.Max(remaining, 0); i < Count; i++)
            {
                Total[i] = 0.0;
                Variance[i] = 0.0;
            }
            Count -= n;
        }
    }

    private readonly List<Bucket> _rows = [];
    private double _total;
    private double _variance;
    private double _width;
    private long _tick;

    /// <param name="delta">Significance value of the cut test (River's default 0.002).</param>
    /// <param name="clock">Test for a change every this many updates (32).</param>
    /// <param name="maxBuckets">Buckets of each size kept before two are merged (5).</param>
    /// <param name="minWindowLength">Minimum length of each sub-window of a tested cut (5).</param>
    /// <param name="gracePeriod">No test until the window is longer than this (10).</param>
    public Adwin(double delta = 0.002, int clock = 32, int maxBuckets = 5, int minWindowLength = 5, int gracePeriod = 10)
    {
        if (!(delta > 0 && delta < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(delta), delta, "delta must lie in (0, 1).");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(clock, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuckets, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(minWindowLength);
        ArgumentOutOfRangeException.ThrowIfNegative(gracePeriod);
        Delta = delta;
        Clock = clock;
        MaxBuckets = maxBuckets;
        MinWindowLength = minWindowLength;
        GracePeriod = gracePeriod;
        ResetWindow();
    }

    public override string Name => "ADWIN";
    public double Delta { get; }
    public int Clock { get; }
    public int MaxBuckets { get; }
    public int MinWindowLength { get; }
    public int GracePeriod { get; }


    /// <summary>Number of values in the adaptive window.</summary>
    public double Width => _width;
    /// <summary>Sum of the values in the window.</summary>
    public double Total => _total;
    /// <summary>Sum of squared deviations from the mean in the window (River's <c>variance</c>).</summary>
    public double Variance => _variance;
    /// <summary>Mean of the window (0 when empty).</summary>
    public double Estimation => _width == 0 ? 0.0 : _total / _width;

    protected override void ResetStatistics()
    {
        ResetWindow();
        DriftDetected = false;
    }

    private void ResetWindow()
    {
        _rows.Clear();
        _rows.Add(new Bucket(MaxBuckets));
        _total = 0;
        _variance = 0;
        _width = 0;
        _tick = 0;
    }

    public override bool Update(double x)
    {
        StreamInput.Finite(x);
        if (DriftDetected)
        {
            ResetWindow();
        }
        Count++;
        InsertElement(x);
        DriftDetected = DetectChange();
        if (DriftDetected)
        {
            Detections++;
        }
        return DriftDetected;
    }

    private static double BucketSize(int row) => Math.ScaleB(1.0, row);

    private void InsertElement(double value)
    {
        _rows[0].Insert(value, 0.0);
        _width += 1;
        double incremental = 0.0;
        if (_width > 1.0)
        {
            incremental = (_width - 1.0) * (value - _total / (_width - 1.0)) * (value - _total / (_width - 1.0)) / _width;
        }
        _variance += incremental;
        _total += value;
        CompressBuckets();
    }

    private void CompressBuckets()
    {
        for (var row = 0; row < _rows.Count; row++)
        {
            Bucket bucket = _rows[row];
            if (bucket.Count != MaxBuckets + 1)
            {
                break;
            }
            if (row + 1 == _rows.Count)
            {
                _rows.Add(new Bucket(MaxBuckets));
            }
            Bucket next = _rows[row + 1];
            double n1 = BucketSize(row);
            double mu1 = bucket.Total[0] / n1;
            double mu2 = bucket.Total[1] / n1;
            double total12 = bucket.Total[0] + bucket.Total[1];
            double temp = n1 * 0.5 * (mu1 - mu2) * (mu1 - mu2);
            double v12 = bucket.Variance[0] + bucket.Variance[1] + temp;
            next.Insert(total12, v12);
            bucket.Compress(2);
            if (next.Count <= MaxBuckets)
            {
                break;
            }
        }
    }

    /// <summary>Removes the oldest bucket and returns its size.</summary>
    private double DeleteElement()
    {
        int last = _rows.Count - 1;
        Bucket bucket = _rows[last];
        double n = BucketSize(last);
        double u = bucket.Total[0];
        double mu = u / n;
        double v = bucket.Variance[0];
        _width -= n;
        _total -= u;
        double muWindow = _total / _width;
        double incremental = v + n * _width * (mu - muWindow) * (mu - muWindow) / (n + _width);
        _variance -= incremental;
        bucket.Compress(1);
        if (bucket.Count == 0)
        {
            _rows.RemoveAt(last);
        }
        return n;
    }

    private bool DetectChange()
    {
        var changeDetected = false;
        _tick++;
        if (_tick % Clock != 0 || !(_width > GracePeriod))
        {
            return false;
        }
        var reduceWidth = true;
        while (reduceWidth)
        {
            reduceWidth = false;
            var exit = false;
            double n0 = 0.0, n1 = _width, u0 = 0.0, u1 = _total;
            for (int row = _rows.Count - 1; row >= 0 && !exit; row--)
            {
                Bucket bucket = _rows[row];
                double size = BucketSize(row);
                for (var k = 0; k < bucket.Count; k++)
                {
                    // River also updates the sub-window variances v0 and v1 here; they never enter the test.
                    n0 += size;
                    n1 -= size;
                    u0 += bucket.Total[k];
                    u1 -= bucket.Total[k];
                    if (row == 0 && k == bucket.Count - 1)
                    {
                        exit = true;
                        break;
                    }
                    double deltaMean = u0 / n0 - u1 / n1;
                    if (n1 >= MinWindowLength && n0 >= MinWindowLength && EvaluateCut(n0, n1, deltaMean))
                    {
                        reduceWidth = true;
                        changeDetected = true;
                        if (_width > 0)
                        {
                            DeleteElement();
                            exit = true;
                            break;
                        }
                    }
                }
            }
        }
        return changeDetected;
    }

    private bool EvaluateCut(double n0, double n1, double deltaMean)
    {
        double deltaPrime = Math.Log(2 * Math.Log(_width) / Delta);
        double mRecip = 1.0 / (n0 - MinWindowLength + 1) + 1.0 / (n1 - MinWindowLength + 1);
        double epsilon = Math.Sqrt(2 * mRecip * (_variance / _width) * deltaPrime) + 2.0 / 3.0 * deltaPrime * mRecip;
        return Math.Abs(deltaMean) > epsilon;
    }
}
