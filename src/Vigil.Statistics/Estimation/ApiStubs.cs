// TEMPORARY: the API of the estimation statistics being written in wip-est; replaced by the real types when they land.
namespace Vigil.Statistics.Estimation;

public sealed class IsotonicCalibrator
{
    public static IsotonicCalibrator Identity { get; } = new();
    public static IsotonicCalibrator Fit(ReadOnlySpan<double> scores, ReadOnlySpan<double> positives, ReadOnlySpan<double> rows) => throw new NotImplementedException();
    public double Apply(double score) => throw new NotImplementedException();
    public bool IsIdentity => true;
    public IReadOnlyList<double> X => [];
    public IReadOnlyList<double> Y => [];
}

public sealed record ScoreGroups(double[] Scores, double[] Positives, double[] Rows);

public sealed record CalibrationDecision(bool Calibrate, double EceBefore, double EceAfter, int Folds);

public static class CalibrationCheck
{
    public static CalibrationDecision Decide(IReadOnlyList<ScoreGroups> folds, int bins = 10) => throw new NotImplementedException();
    public static double ExpectedCalibrationError(ScoreGroups groups, IsotonicCalibrator calibrator, int bins = 10) => throw new NotImplementedException();
}

public sealed class CbpeBinaryAccumulator(IsotonicCalibrator calibrator, double threshold)
{
    public IsotonicCalibrator Calibrator => calibrator;
    public double Threshold => threshold;
    public void Add(double score, long rows) => throw new NotImplementedException();
    public CbpeBinaryEstimate Finish() => throw new NotImplementedException();
}

public sealed record CbpeBinaryEstimate(long Rows, double TruePositives, double FalsePositives, double TrueNegatives,
    double FalseNegatives, IReadOnlyDictionary<string, double> Metrics);

public sealed class CbpeSamplingError
{
    public static CbpeSamplingError Fit(ScoreGroups reference, double threshold) => throw new NotImplementedException();
    public double StandardError(string metric, long rows) => throw new NotImplementedException();
}

public static class ReferenceThresholds
{
    public static (double? Lower, double? Upper) MeanThreeSigma(IReadOnlyList<double> chunkValues, double min = 0, double max = 1) => throw new NotImplementedException();
}
