using Vigil.Statistics.Internal;

namespace Vigil.Statistics.Classification;

/// <summary>
/// Streams the (score, positives, negatives) table of a binary classifier, one distinct score per call in strictly
/// descending score order, and produces every binary metric (scikit-learn's definitions, see docs/metrics.md).
/// Memory is O(1) in the number of distinct scores except for the thinned curve (at most
/// <see cref="BinaryMetricOptions.MaxCurvePoints"/> points) and the upper convex hull of the ROC points, which is
/// what the threshold-free "best threshold" criteria (F1, Youden/KS) need because the class totals are unknown until
/// the end; the hull holds only its vertices (in practice a few hundred for millions of scores). No per-call allocation
/// beyond amortised growth of those two buffers.
/// </summary>
internal sealed class BinaryScoreAccumulator
{
    /// <summary>np.finfo(np.float64).eps, scikit-learn's log_loss clipping.</summary>
    internal const double LogLossEps = 2.220446049250313e-16;

    internal const string OneClassReason = "only one class present in labels";
    internal const string NoPositivesReason = "no positive labels";
    internal const string NotProbabilitiesReason = "scores outside [0, 1] are not probabilities";
    internal const string NoRowsReason = "no rows";

    private readonly record struct CurveNode(long Fp, long Tp, double Score);

    private readonly BinaryMetricOptions _options;
    private readonly double _threshold;

    // running totals
    private long _tp;
    private long _fp;
    private double _lastScore = double.NaN;
    private bool _any;
    private bool _finished;

    // exact ROC AUC: 2 * sum_s neg_s * (pos_above_s + pos_s / 2)
    private Int128 _aucTwice;
    private long _aucTwiceSmall;     // added to _aucTwice before it could overflow (Int128 arithmetic is slow)
    private NeumaierSum _apSum;       // sum_s pos_s * precision_s
    private NeumaierSum _logLoss;
    private NeumaierSum _brier;
    private bool _outOfRange;

    // confusion at the threshold: counts of rows with score >= threshold
    private bool _thresholdResolved;
    private long _tpAtThreshold;
    private long _fpAtThreshold;

    // threshold grid, sorted descending, resolved as scores pass below each value
    private readonly double[] _gridDesc;
    private readonly int[] _gridOriginalIndex;
    private readonly long[] _gridTp;
    private readonly long[] _gridFp;
    private int _gridNext;

    // calibration
    private readonly double[] _edges;
    private readonly long[] _binCount;
    private readonly long[] _binPositives;
    private readonly NeumaierSum[] _binScoreSum;
    private int _bin;

    // cost-optimal threshold (relative cost CostFp*fp - CostFn*tp; "none positive" is 0 at +Infinity)
    private readonly bool _hasCost;
    private readonly double _costFp;
    private readonly double _costFn;
    private double _bestCostRelative;
    private CurveNode _bestCost = new(0, 0, double.PositiveInfinity);

    // upper convex hull of (fp, tp), starting with the origin
    private readonly List<CurveNode> _hull = new(64);

    // thinned curve (first, spread in fp and in tp, last added at Finish)
    private readonly List<CurveNode> _curve;
    private readonly int _curveCapacity;
    private int _shiftFp;            // buckets are 2^shift wide
    private int _shiftTp;

    public BinaryScoreAccumulator(BinaryMetricOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (double.IsNaN(options.Threshold))
        {
            throw new ArgumentOutOfRangeException(nameof(options), "Threshold must not be NaN.");
        }
        if (options.CalibrationBins < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "CalibrationBins must be at least 1.");
        }
        if (options.MaxCurvePoints < 4)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxCurvePoints must be at least 4.");
        }
        _options = options;
        _threshold = options.Threshold;

        IReadOnlyList<double> grid = options.ThresholdGrid ?? DefaultGrid;
        int g = grid.Count;
        _gridDesc = new double[g];
        _gridOriginalIndex = new int[g];
        _gridTp = new long[g];
        _gridFp = new long[g];
        for (int i = 0; i < g; i++)
        {
            if (double.IsNaN(grid[i]))
            {
                throw new ArgumentOutOfRangeException(nameof(options), "ThresholdGrid must not contain NaN.");
            }
            _gridDesc[i] = grid[i];
            _gridOriginalIndex[i] = i;
        }
        // descending by value, stable on original index
        Array.Sort(_gridDesc, _gridOriginalIndex, Comparer<double>.Create(static (a, b) => b.CompareTo(a)));

        int k = options.CalibrationBins;
        _edges = new double[k + 1];
        double step = 1.0 / k;
        for (int i = 0; i < k; i++)
        {
            _edges[i] = i * step; // np.linspace(0, 1, k + 1)
        }
        _edges[k] = 1.0;
        _binCount = new long[k];
        _binPositives = new long[k];
        _binScoreSum = new NeumaierSum[k];
        _bin = k - 1;

        if (options.CostFp is double cfp && options.CostFn is double cfn)
        {
            _hasCost = true;
            _costFp = cfp;
            _costFn = cfn;
        }

        _hull.Add(new CurveNode(0, 0, double.PositiveInfinity));
        _curveCapacity = options.MaxCurvePoints - 2; // room for the (0, 0) start and the last point
        _curve = new List<CurveNode>(Math.Min(_curveCapacity, 1024));
    }

    /// <summary>0.05, 0.10, ..., 0.95.</summary>
    public static IReadOnlyList<double> DefaultGrid { get; } = BuildDefaultGrid();

    private static double[] BuildDefaultGrid()
    {
        var g = new double[19];
        for (int i = 0; i < g.Length; i++)
        {
            g[i] = Math.Round((i + 1) * 0.05, 2);
        }
        return g;
    }

    /// <summary>Evaluates a whole table; it must be sorted by strictly descending score.</summary>
    public static BinaryEvaluation Evaluate(ReadOnlySpan<ScoreCount> table, BinaryMetricOptions? options = null)
    {
        var acc = new BinaryScoreAccumulator(options ?? new BinaryMetricOptions());
        foreach (ScoreCount row in table)
        {
            acc.Add(row.Score, row.Positives, row.Negatives);
        }
        return acc.Finish();
    }

    /// <summary>Adds one distinct score. Scores must arrive in strictly descending order; a score with no rows is ignored.</summary>
    public void Add(double score, long positives, long negatives)
    {
        if (_finished)
        {
            throw new InvalidOperationException("Finish has already been called.");
        }
        if (double.IsNaN(score))
        {
            throw new InvalidOperationException("Score is NaN; NaN scores must be filtered before evaluation.");
        }
        if (positives < 0 || negatives < 0)
        {
            throw new ArgumentOutOfRangeException(positives < 0 ? nameof(positives) : nameof(negatives), "Counts must not be negative.");
        }
        if (positives == 0 && negatives == 0)
        {
            return;
        }
        if (_any && !(score < _lastScore))
        {
            throw new InvalidOperationException(
                $"Scores must arrive in strictly descending order: {score:R} after {_lastScore:R}.");
        }

        // thresholds strictly above this score are now final
        if (!_thresholdResolved && score < _threshold)
        {
            _thresholdResolved = true;
            _tpAtThreshold = _tp;
            _fpAtThreshold = _fp;
        }
        while (_gridNext < _gridDesc.Length && score < _gridDesc[_gridNext])
        {
            _gridTp[_gridNext] = _tp;
            _gridFp[_gridNext] = _fp;
            _gridNext++;
        }

        long tpAbove = _tp;
        if (negatives < 1L << 30 && tpAbove < 1L << 31 && positives < 1L << 31)
        {
            long term = negatives * (2 * tpAbove + positives); // < 2^63
            if (_aucTwiceSmall > long.MaxValue - term)
            {
                _aucTwice += _aucTwiceSmall;
                _aucTwiceSmall = 0;
            }
            _aucTwiceSmall += term;
        }
        else
        {
            _aucTwice += (Int128)negatives * (2 * (Int128)tpAbove + positives);
        }
        _tp += positives;
        _fp += negatives;
        if (positives > 0)
        {
            _apSum.Add(positives * ((double)_tp / (_tp + _fp)));
        }

        if (score >= 0.0 && score <= 1.0)
        {
            double p = Math.Clamp(score, LogLossEps, 1.0 - LogLossEps);
            if (positives > 0)
            {
                _logLoss.Add(positives * -Math.Log(p));
                _brier.Add(positives * ((1.0 - score) * (1.0 - score)));
            }
            if (negatives > 0)
            {
                _logLoss.Add(negatives * -Math.Log(1.0 - p));
                _brier.Add(negatives * (score * score));
            }
            // calibration bin: [edge[i], edge[i+1]), the last closed; scores descend so the bin only moves down
            while (_bin > 0 && score < _edges[_bin])
            {
                _bin--;
            }
            long n = positives + negatives;
            _binCount[_bin] += n;
            _binPositives[_bin] += positives;
            _binScoreSum[_bin].Add(n * score);
        }
        else
        {
            _outOfRange = true;
        }

        if (_hasCost)
        {
            double rel = _costFp * _fp - _costFn * _tp;
            if (rel < _bestCostRelative)
            {
                _bestCostRelative = rel;
                _bestCost = new CurveNode(_fp, _tp, score);
            }
        }

        var node = new CurveNode(_fp, _tp, score);
        AddToHull(node);
        AddToCurve(node, first: !_any);

        _lastScore = score;
        _any = true;
    }

    private void AddToHull(CurveNode b)
    {
        while (_hull.Count >= 2)
        {
            CurveNode o = _hull[^2];
            CurveNode a = _hull[^1];
            // Coordinates only grow, so below 2^31 both products fit in a long.
            bool leftTurnOrStraight = b.Fp < 1L << 31 && b.Tp < 1L << 31
                ? (a.Fp - o.Fp) * (b.Tp - o.Tp) - (a.Tp - o.Tp) * (b.Fp - o.Fp) >= 0
                : (Int128)(a.Fp - o.Fp) * (b.Tp - o.Tp) - (Int128)(a.Tp - o.Tp) * (b.Fp - o.Fp) >= 0;
            if (leftTurnOrStraight)
            {
                _hull.RemoveAt(_hull.Count - 1);
            }
            else
            {
                break;
            }
        }
        _hull.Add(b);
    }

    private void AddToCurve(CurveNode node, bool first)
    {
        if (!first && !IsNewBucket(node))
        {
            return;
        }
        while (_curve.Count >= _curveCapacity)
        {
            Coarsen();
            if (!first && !IsNewBucket(node))
            {
                return;
            }
        }
        _curve.Add(node);
    }

    private bool IsNewBucket(CurveNode node)
    {
        long prevFp = _curve.Count == 0 ? 0 : _curve[^1].Fp;
        long prevTp = _curve.Count == 0 ? 0 : _curve[^1].Tp;
        return node.Fp >> _shiftFp != prevFp >> _shiftFp || node.Tp >> _shiftTp != prevTp >> _shiftTp;
    }

    /// <summary>Doubles the bucket width of the key with more buckets and keeps, in each bucket, the first point.
    /// Every first-in-bucket point under the new width was a first-in-bucket point before, so this is exact.</summary>
    private void Coarsen()
    {
        if (_fp >> _shiftFp >= _tp >> _shiftTp)
        {
            _shiftFp++;
        }
        else
        {
            _shiftTp++;
        }
        int write = 0;
        long prevFp = 0, prevTp = 0;
        for (int read = 0; read < _curve.Count; read++)
        {
            CurveNode c = _curve[read];
            bool keep = read == 0 || c.Fp >> _shiftFp != prevFp >> _shiftFp || c.Tp >> _shiftTp != prevTp >> _shiftTp;
            if (keep)
            {
                _curve[write++] = c;
                prevFp = c.Fp;
                prevTp = c.Tp;
            }
        }
        _curve.RemoveRange(write, _curve.Count - write);
    }

    /// <summary>Computes every metric from what was added.</summary>
    public BinaryEvaluation Finish()
    {
        _finished = true;
        long p = _tp;
        long n = _fp;
        long rows = p + n;

        long tpT = _thresholdResolved ? _tpAtThreshold : p;
        long fpT = _thresholdResolved ? _fpAtThreshold : n;
        var confusion = new ConfusionCounts(tpT, fpT, n - fpT, p - tpT);

        var metrics = new List<MetricValue>(14);
        if (rows == 0)
        {
            foreach (string name in MetricNames)
            {
                metrics.Add(MetricValue.Undefined(name, NoRowsReason));
            }
            return new BinaryEvaluation(0, 0, 0, _threshold, confusion, metrics,
                Array.Empty<RocPoint>(), Array.Empty<PrPoint>(), Array.Empty<CalibrationBin>(),
                BuildThresholdTable(0, 0), Array.Empty<BestThreshold>());
        }

        bool oneClass = p == 0 || n == 0;
        Int128 aucTwice = _aucTwice + _aucTwiceSmall;
        double? auc = oneClass ? null : (double)aucTwice / (2.0 * p * (double)n);
        metrics.Add(auc is null ? MetricValue.Undefined("roc_auc", OneClassReason) : new MetricValue("roc_auc", auc));
        metrics.Add(p == 0
            ? MetricValue.Undefined("average_precision", NoPositivesReason)
            : new MetricValue("average_precision", _apSum.Value / p));

        double ece = double.NaN;
        if (_outOfRange)
        {
            metrics.Add(MetricValue.Undefined("log_loss", NotProbabilitiesReason));
            metrics.Add(MetricValue.Undefined("brier", NotProbabilitiesReason));
        }
        else
        {
            metrics.Add(new MetricValue("log_loss", _logLoss.Value / rows));
            metrics.Add(new MetricValue("brier", _brier.Value / rows));
            var eceSum = new NeumaierSum();
            for (int i = 0; i < _binCount.Length; i++)
            {
                long c = _binCount[i];
                if (c > 0)
                {
                    double meanPred = _binScoreSum[i].Value / c;
                    double frac = (double)_binPositives[i] / c;
                    eceSum.Add((double)c / rows * Math.Abs(meanPred - frac));
                }
            }
            ece = eceSum.Value;
        }

        AddThresholdMetrics(metrics, confusion, p, n);

        metrics.Add(_outOfRange ? MetricValue.Undefined("ece", NotProbabilitiesReason) : new MetricValue("ece", ece));

        var best = new List<BestThreshold>(3);
        if (oneClass)
        {
            metrics.Add(MetricValue.Undefined("ks_statistic", OneClassReason));
            metrics.Add(MetricValue.Undefined("gini", OneClassReason));
        }
        else
        {
            // Youden / KS: maximise tp*N - fp*P over hull vertices (origin included for KS, excluded as a threshold)
            Int128 bestY = 0;
            int bestYi = -1;
            for (int i = 1; i < _hull.Count; i++)
            {
                CurveNode h = _hull[i];
                Int128 y = (Int128)h.Tp * n - (Int128)h.Fp * p;
                if (bestYi < 0 || y > bestY)
                {
                    bestY = y;
                    bestYi = i;
                }
            }
            double ks = Math.Max(0.0, (double)bestY / ((double)p * n));
            metrics.Add(new MetricValue("ks_statistic", ks));
            metrics.Add(new MetricValue("gini", 2.0 * auc!.Value - 1.0));
            CurveNode hy = _hull[bestYi];
            best.Add(new BestThreshold("youden", hy.Score, (double)hy.Tp / p - (double)hy.Fp / n, Confusion(hy, p, n)));
        }

        if (p > 0)
        {
            // F1 = 2tp / (tp + fp + P): the maximum over distinct scores is on the upper hull
            int bi = -1;
            for (int i = 1; i < _hull.Count; i++)
            {
                CurveNode h = _hull[i];
                if (bi < 0)
                {
                    bi = i;
                    continue;
                }
                CurveNode b = _hull[bi];
                Int128 lhs = (Int128)h.Tp * (b.Tp + b.Fp + p);
                Int128 rhs = (Int128)b.Tp * (h.Tp + h.Fp + p);
                if (lhs > rhs)
                {
                    bi = i;
                }
            }
            CurveNode hf = _hull[bi];
            best.Insert(0, new BestThreshold("f1", hf.Score, 2.0 * hf.Tp / ((double)hf.Tp + hf.Fp + p), Confusion(hf, p, n)));
        }

        if (_hasCost)
        {
            double cost = _costFp * _bestCost.Fp + _costFn * (p - _bestCost.Tp);
            best.Add(new BestThreshold("cost", _bestCost.Score, cost, Confusion(_bestCost, p, n)));
        }

        return new BinaryEvaluation(rows, p, n, _threshold, confusion, metrics,
            BuildRoc(p, n), BuildPr(p), BuildCalibration(), BuildThresholdTable(p, n), best);
    }

    private static ConfusionCounts Confusion(CurveNode node, long p, long n) =>
        new(node.Tp, node.Fp, n - node.Fp, p - node.Tp);

    private static readonly string[] MetricNames =
    [
        "roc_auc", "average_precision", "log_loss", "brier", "accuracy", "precision", "recall", "f1", "mcc",
        "balanced_accuracy", "specificity", "ece", "ks_statistic", "gini",
    ];

    /// <summary>The metric names in the order <see cref="Finish"/> reports them.</summary>
    public static IReadOnlyList<string> Names => MetricNames;

    private static void AddThresholdMetrics(List<MetricValue> metrics, ConfusionCounts c, long p, long n)
    {
        long rows = p + n;
        metrics.Add(new MetricValue("accuracy", (double)(c.Tp + c.Tn) / rows));
        metrics.Add(c.Tp + c.Fp == 0
            ? new MetricValue("precision", 0.0, "no predicted positives; 0 by scikit-learn's zero_division convention")
            : new MetricValue("precision", (double)c.Tp / (c.Tp + c.Fp)));
        metrics.Add(p == 0
            ? new MetricValue("recall", 0.0, "no positive labels; 0 by scikit-learn's zero_division convention")
            : new MetricValue("recall", (double)c.Tp / p));
        long f1Den = 2 * c.Tp + c.Fp + c.Fn;
        metrics.Add(f1Den == 0
            ? new MetricValue("f1", 0.0, "no positive labels or predictions; 0 by scikit-learn's zero_division convention")
            : new MetricValue("f1", 2.0 * c.Tp / f1Den));
        metrics.Add(Mcc(c));
        if (p == 0 || n == 0)
        {
            double only = p == 0 ? (double)c.Tn / n : (double)c.Tp / p;
            metrics.Add(new MetricValue("balanced_accuracy", only,
                "only one class present in labels; the recall of that class, as scikit-learn's balanced_accuracy_score"));
        }
        else
        {
            metrics.Add(new MetricValue("balanced_accuracy", 0.5 * ((double)c.Tp / p + (double)c.Tn / n)));
        }
        metrics.Add(n == 0
            ? new MetricValue("specificity", 0.0, "no negative labels; 0 by scikit-learn's zero_division convention")
            : new MetricValue("specificity", (double)c.Tn / n));
    }

    private static MetricValue Mcc(ConfusionCounts c)
    {
        double a = (double)c.Tp + c.Fp, b = (double)c.Tp + c.Fn, d = (double)c.Tn + c.Fp, e = (double)c.Tn + c.Fn;
        if (a == 0 || b == 0 || d == 0 || e == 0)
        {
            return new MetricValue("mcc", 0.0, "a marginal is zero; 0 as scikit-learn's matthews_corrcoef");
        }
        Int128 num = (Int128)c.Tp * c.Tn - (Int128)c.Fp * c.Fn;
        double den = Math.Sqrt(a * b) * Math.Sqrt(d * e);
        return new MetricValue("mcc", (double)num / den);
    }

    private List<RocPoint> BuildRoc(long p, long n)
    {
        var roc = new List<RocPoint>(_curve.Count + 2) { new(double.PositiveInfinity, 0.0, 0.0) };
        foreach (CurveNode c in _curve)
        {
            roc.Add(new RocPoint(c.Score, n == 0 ? double.NaN : (double)c.Fp / n, p == 0 ? double.NaN : (double)c.Tp / p));
        }
        if (_curve.Count > 0 && _curve[^1].Score != _lastScore)
        {
            roc.Add(new RocPoint(_lastScore, n == 0 ? double.NaN : 1.0, p == 0 ? double.NaN : 1.0));
        }
        return roc;
    }

    private List<PrPoint> BuildPr(long p)
    {
        var pr = new List<PrPoint>(_curve.Count + 2) { new(double.PositiveInfinity, 1.0, 0.0) };
        foreach (CurveNode c in _curve)
        {
            pr.Add(new PrPoint(c.Score, (double)c.Tp / (c.Tp + c.Fp), p == 0 ? 1.0 : (double)c.Tp / p));
        }
        if (_curve.Count > 0 && _curve[^1].Score != _lastScore)
        {
            pr.Add(new PrPoint(_lastScore, (double)p / (_tp + _fp), p == 0 ? 1.0 : 1.0));
        }
        return pr;
    }

    private List<CalibrationBin> BuildCalibration()
    {
        var bins = new List<CalibrationBin>(_binCount.Length);
        if (_outOfRange)
        {
            return bins;
        }
        for (int i = 0; i < _binCount.Length; i++)
        {
            long c = _binCount[i];
            if (c > 0)
            {
                bins.Add(new CalibrationBin(_edges[i], _edges[i + 1], c, _binScoreSum[i].Value / c, (double)_binPositives[i] / c));
            }
        }
        return bins;
    }

    private ThresholdRow[] BuildThresholdTable(long p, long n)
    {
        var rows = new ThresholdRow[_gridDesc.Length];
        for (int i = 0; i < _gridDesc.Length; i++)
        {
            long tp = i < _gridNext ? _gridTp[i] : p;
            long fp = i < _gridNext ? _gridFp[i] : n;
            var c = new ConfusionCounts(tp, fp, n - fp, p - tp);
            long total = p + n;
            long f1Den = 2 * tp + fp + c.Fn;
            rows[_gridOriginalIndex[i]] = new ThresholdRow(
                _gridDesc[i],
                c,
                tp + fp == 0 ? 0.0 : (double)tp / (tp + fp),
                p == 0 ? 0.0 : (double)tp / p,
                f1Den == 0 ? 0.0 : 2.0 * tp / f1Den,
                n == 0 ? 0.0 : (double)fp / n,
                n == 0 ? 0.0 : (double)c.Tn / n,
                total == 0 ? 0.0 : (double)(tp + c.Tn) / total);
        }
        return rows;
    }
}
