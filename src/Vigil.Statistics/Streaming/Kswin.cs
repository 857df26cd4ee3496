using Vigil.Statistics.Drift;

namespace Vigil.Statistics.Streaming;

/// <summary>
/// KSWIN, Kolmogorov–Smirnov windowing (Raab et al. 2020), ported from River's <c>river/drift/kswin.py</c>.
/// Input: any real value. It keeps the last <c>windowSize</c> values; once the window is full, every update draws
/// <c>statSize</c> distinct positions among the oldest windowSize − statSize (CPython's
/// <c>random.sample(range(windowSize − statSize), statSize)</c>, see <see cref="PythonRandom"/>) and runs SciPy's
/// two-sample KS test of those values against the newest statSize values
/// (<see cref="KolmogorovSmirnov.TwoSamplePValue"/>, SciPy's <c>ks_2samp</c> p-value, statistic on the same lattice).
/// A drift is signalled when p ≤ <c>alpha</c> and the statistic &gt; 0.1; the next update then restarts with an
/// empty window and a re-seeded generator, as in River. O(windowSize) memory, O(statSize·log statSize) per update.
/// </summary>
public sealed class Kswin : StreamDetector
{
    private readonly double[] _buffer;
    private readonly double[]? _initialWindow;
    private readonly double[] _sample;
    private readonly double[] _recent;
    private readonly double[] _all;
    private readonly double[] _pValueByLattice;
    private int _start;
    private int _length;
    private PythonRandom _rng;

    /// <param name="alpha">Significance level of the KS test (River's default 0.005).</param>
    /// <param name="windowSize">Length of the sliding window (100).</param>
    /// <param name="statSize">Length of the recent window and of the random reference sample (30).</param>
    /// <param name="seed">Seed of the CPython-compatible generator (River: None, i.e. unseeded); with a seed the
    /// sampled positions are River's for <c>KSWIN(seed=seed)</c>.</param>
    /// <param name="window">Values already collected, to avoid a cold start (the last windowSize are kept).</param>
    public Kswin(double alpha = 0.005, int windowSize = 100, int statSize = 30, long? seed = null, IEnumerable<double>? window = null)
    {
        if (!(alpha >= 0 && alpha <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "Alpha must be between 0 and 1.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(statSize, 1);
        if (windowSize <= statSize)
        {
            throw new ArgumentOutOfRangeException(nameof(windowSize), windowSize, "statSize must be smaller than windowSize.");
        }
        if (windowSize - statSize < statSize)
        {
            throw new ArgumentOutOfRangeException(nameof(statSize), statSize,
                "statSize values are sampled without replacement from the windowSize - statSize oldest ones.");
        }
        Alpha = alpha;
        WindowSize = windowSize;
        StatSize = statSize;
        Seed = seed;
        _buffer = new double[windowSize];
        _sample = new double[statSize];
        _recent = new double[statSize];
        _all = new double[2 * statSize];
        _pValueByLattice = new double[statSize + 1];
        Array.Fill(_pValueByLattice, double.NaN);
        if (window is not null)
        {
            double[] w = window.ToArray();
            foreach (double v in w)
            {
                StreamInput.Finite(v);
            }
            _initialWindow = w.Length > windowSize ? w[^windowSize..] : w;
        }
        _rng = NewRng();
        ResetState();
        LoadInitialWindow();
    }

    public override string Name => "KSWIN";
    public double Alpha { get; }
    public int WindowSize { get; }
    public int StatSize { get; }
    public long? Seed { get; }


    /// <summary>p-value of the last KS test (0 before the first test, as River).</summary>
    public double PValue { get; private set; }
    /// <summary>KS statistic of the last test (0 before the first test).</summary>
    public double Statistic { get; private set; }

    private PythonRandom NewRng() => Seed is long s ? new PythonRandom(s) : PythonRandom.FromEntropy();

    protected override void ResetStatistics()
    {
        ResetState();
        LoadInitialWindow();
    }

    /// <summary>River's KSWIN._reset: empty window, p-value 0, generator re-seeded.</summary>
    private void ResetState()
    {
        DriftDetected = false;
        PValue = 0;
        Statistic = 0;
        _start = 0;
        _length = 0;
        _rng = NewRng();
    }

    private void LoadInitialWindow()
    {
        if (_initialWindow is null)
        {
            return;
        }
        foreach (double v in _initialWindow)
        {
            Append(v);
        }
    }

    private void Append(double x)
    {
        if (_length < WindowSize)
        {
            _buffer[(_start + _length) % WindowSize] = x;
            _length++;
        }
        else
        {
            _buffer[_start] = x;
            _start = (_start + 1) % WindowSize;
        }
    }

    private double At(int i) => _buffer[(_start + i) % WindowSize];

    public override bool Update(double x)
    {
        StreamInput.Finite(x);
        if (DriftDetected)
        {
            ResetState();
        }
        Count++;
        Append(x);
        if (_length < WindowSize)
        {
            DriftDetected = false;
            return false;
        }
        int[] positions = _rng.Sample(WindowSize - StatSize, StatSize);
        for (var i = 0; i < StatSize; i++)
        {
            _sample[i] = At(positions[i]);
            _recent[i] = At(WindowSize - StatSize + i);
        }
        double d = KsStatistic(_sample, _recent, _all);
        Statistic = d;
        PValue = PValueOf(d);
        DriftDetected = PValue <= Alpha && d > 0.1;
        if (DriftDetected)
        {
            Detections++;
            // River keeps only the recent values; the next update resets the window anyway.
            _start = 0;
            _length = StatSize;
            Array.Copy(_recent, _buffer, StatSize);
        }
        return DriftDetected;
    }

    /// <summary>
    /// Both samples have statSize values, so the statistic is one of the statSize + 1 lattice points h / statSize
    /// (up to rounding, which TwoSamplePValue removes the same way); their p-values are computed once.
    /// </summary>
    private double PValueOf(double d)
    {
        var h = (int)Math.Round(d * StatSize, MidpointRounding.ToEven);
        double p = _pValueByLattice[h];
        if (double.IsNaN(p))
        {
            p = KolmogorovSmirnov.TwoSamplePValue(d, StatSize, StatSize);
            _pValueByLattice[h] = p;
        }
        return p;
    }

    /// <summary>
    /// The statistic <c>scipy.stats.ks_2samp</c> (SciPy 1.10, two-sided) returns: max |F1 − F2| over the pooled
    /// values with right-continuous ECDFs (count / n as doubles), then moved to the lattice h / lcm(n1, n2) as the
    /// exact method does whenever max(n1, n2) ≤ 10000. Sorts <paramref name="a"/> and <paramref name="b"/> in place.
    /// </summary>
    internal static double KsStatistic(double[] a, double[] b, double[] scratch)
    {
        Array.Sort(a);
        Array.Sort(b);
        int n1 = a.Length, n2 = b.Length;
        double maxS = double.NegativeInfinity, minS = double.PositiveInfinity;
        a.CopyTo(scratch, 0);
        b.CopyTo(scratch, n1);
        for (var i = 0; i < n1 + n2; i++)
        {
            double v = scratch[i];
            double diff = (double)UpperBound(a, v) / n1 - (double)UpperBound(b, v) / n2;
            maxS = Math.Max(maxS, diff);
            minS = Math.Min(minS, diff);
        }
        double d = Math.Max(Math.Clamp(-minS, 0.0, 1.0), maxS);
        if (Math.Max(n1, n2) <= KolmogorovSmirnov.MaxAutoN)
        {
            long g = Gcd(n1, n2);
            long lcm = n1 / g * n2;
            double h = Math.Round(d * lcm, MidpointRounding.ToEven);
            d = h * 1.0 / lcm;
        }
        return d;
    }

    /// <summary>numpy.searchsorted(sorted, v, side="right"): the number of elements &lt;= v.</summary>
    private static int UpperBound(double[] sorted, double v)
    {
        int lo = 0, hi = sorted.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (sorted[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }
        return a;
    }
}
