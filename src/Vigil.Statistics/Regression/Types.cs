namespace Vigil.Statistics.Regression;

/// <summary>Sufficient statistics of a regression evaluation, reduced by the engine.
/// Error e = prediction - actual.</summary>
public sealed record RegressionSums(
    long Count,
    double SumError,
    double SumAbsError,
    double SumSquaredError,
    double MaxAbsError,
    double MedianAbsError,
    double SumAbsPercentageError,
    double MeanActual,
    double SumSquaredDeviationActual);
