using Vigil.Statistics.Classification;
using Vigil.Statistics.Comparison;

namespace Vigil.Analysis.Comparison;

/// <summary>One version's sufficient statistics in one segment, fed one distinct score at a time in descending score
/// order: every metric of <c>vigil evaluate</c> (the same accumulator), DeLong's structural components for the AUC, the
/// per-row loss sums for Welch's test of log loss and Brier, and the scores grouped into a fine grid for the bootstrap
/// of the metrics with no closed-form variance. Memory is O(grid), whatever the number of rows.</summary>
internal sealed class VersionAccumulator
{
    /// <summary>Score grid of the bootstrap cells: 1 / GridSteps wide, and split at the decision threshold.</summary>
    internal const int GridSteps = 500;

    private readonly BinaryScoreAccumulator _metrics;
    private readonly DeLongAccumulator _delong = new();
    private readonly double _threshold;
    private readonly Dictionary<int, (double SumScore, long Positives, long Negatives)> _cells = [];
    private double _logLoss, _logLossSq, _brier, _brierSq;

    public VersionAccumulator(BinaryMetricOptions options)
    {
        _metrics = new BinaryScoreAccumulator(options);
        _threshold = options.Threshold;
    }

    public long Rows { get; private set; }
    public long Positives { get; private set; }

    public void Add(double score, long positives, long negatives)
    {
        if (positives == 0 && negatives == 0) return;
        _metrics.Add(score, positives, negatives);
        _delong.Add(score, positives, negatives);
        Rows += positives + negatives;
        Positives += positives;
        var c = Math.Clamp(score, BinaryScoreAccumulator.LogLossEps, 1 - BinaryScoreAccumulator.LogLossEps);
        double lp = -Math.Log(c), ln = -Math.Log(1 - c);
        _logLoss += positives * lp + negatives * ln;
        _logLossSq += positives * lp * lp + negatives * ln * ln;
        double bp = (1 - score) * (1 - score), bn = score * score;
        _brier += positives * bp + negatives * bn;
        _brierSq += positives * bp * bp + negatives * bn * bn;
        var key = (int)Math.Min(Math.Floor(score * GridSteps), GridSteps) * 2 + (score >= _threshold ? 1 : 0);
        var cell = _cells.GetValueOrDefault(key);
        _cells[key] = (cell.SumScore + score * (positives + negatives), cell.Positives + positives, cell.Negatives + negatives);
    }

    public VersionSummary Finish() => new(_metrics.Finish(), _delong.Finish(), Cells(),
        new LossSums(Rows, _logLoss, _logLossSq), new LossSums(Rows, _brier, _brierSq));

    /// <summary>The grid cells in descending score order, each at its rows' mean score.</summary>
    private ScoreCount[] Cells()
    {
        var list = new List<ScoreCount>(_cells.Count);
        foreach (var (_, c) in _cells.OrderByDescending(kv => kv.Key))
            list.Add(new ScoreCount(c.SumScore / (c.Positives + c.Negatives), c.Positives, c.Negatives));
        return [.. list];
    }
}

/// <summary>Σx and Σx² of a per-row loss over n rows.</summary>
internal readonly record struct LossSums(long N, double Sum, double SumSq);

/// <summary>What a <see cref="VersionAccumulator"/> finished with.</summary>
internal sealed record VersionSummary(BinaryEvaluation Evaluation, DeLongAuc DeLong, ScoreCount[] Cells, LossSums LogLoss, LossSums Brier);
