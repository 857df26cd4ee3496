namespace Vigil.Statistics.Learning;

/// <summary>When to hold out a validation split and stop early.</summary>
public enum EarlyStoppingMode
{
    /// <summary>On when the data has more than 10,000 rows, as scikit-learn's <c>early_stopping="auto"</c>.</summary>
    Auto,

    /// <summary>Always hold out <see cref="GradientBoostingOptions.ValidationFraction"/> and stop early.</summary>
    On,

    /// <summary>Train on every row for <see cref="GradientBoostingOptions.MaxIterations"/> iterations.</summary>
    Off,
}

/// <summary>
/// Settings of <see cref="GradientBoostedTrees.Fit"/>; names and defaults follow scikit-learn's
/// <c>HistGradientBoostingRegressor</c> (max_iter, learning_rate, max_leaf_nodes, max_depth, min_samples_leaf,
/// l2_regularization, max_bins, early_stopping, validation_fraction, n_iter_no_change, tol, random_state).
/// </summary>
public sealed record GradientBoostingOptions
{
    /// <summary>The number of boosting iterations (trees) at most.</summary>
    public int MaxIterations { get; init; } = 100;

    /// <summary>Shrinkage: each leaf value is multiplied by this.</summary>
    public double LearningRate { get; init; } = 0.1;

    /// <summary>Leaves per tree at most (trees grow best-first).</summary>
    public int MaxLeafNodes { get; init; } = 31;

    /// <summary>Depth at most (the root has depth 0); null for no limit.</summary>
    public int? MaxDepth { get; init; }

    /// <summary>Training rows per leaf at least.</summary>
    public int MinSamplesLeaf { get; init; } = 20;

    /// <summary>L2 penalty on leaf values (added to the hessian sum).</summary>
    public double L2Regularization { get; init; }

    /// <summary>Bins for non-missing values per feature, 2 to 255; missing values get a bin of their own.</summary>
    public int MaxBins { get; init; } = 255;

    /// <summary>Whether to stop early on a held-out validation split.</summary>
    public EarlyStoppingMode EarlyStopping { get; init; } = EarlyStoppingMode.Auto;

    /// <summary>Share of rows held out for early stopping, in (0, 1).</summary>
    public double ValidationFraction { get; init; } = 0.1;

    /// <summary>Stop when the validation loss has not improved by more than <see cref="Tolerance"/> over this many iterations.</summary>
    public int NIterNoChange { get; init; } = 10;

    /// <summary>The improvement that counts for early stopping (on the half squared error).</summary>
    public double Tolerance { get; init; } = 1e-7;

    /// <summary>Seeds the validation split and the binning subsample; the same seed gives the same trees.</summary>
    public ulong Seed { get; init; }

    /// <summary>Threads at most; null for all cores.</summary>
    public int? MaxDegreeOfParallelism { get; init; }

    internal void Validate()
    {
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "must be at least 1");
        if (!(LearningRate > 0) || double.IsInfinity(LearningRate)) throw new ArgumentOutOfRangeException(nameof(LearningRate), LearningRate, "must be positive");
        if (MaxLeafNodes < 2) throw new ArgumentOutOfRangeException(nameof(MaxLeafNodes), MaxLeafNodes, "must be at least 2");
        if (MaxDepth is < 1) throw new ArgumentOutOfRangeException(nameof(MaxDepth), MaxDepth, "must be at least 1");
        if (MinSamplesLeaf < 1) throw new ArgumentOutOfRangeException(nameof(MinSamplesLeaf), MinSamplesLeaf, "must be at least 1");
        if (!(L2Regularization >= 0)) throw new ArgumentOutOfRangeException(nameof(L2Regularization), L2Regularization, "must be non-negative");
        if (MaxBins is < 2 or > 255) throw new ArgumentOutOfRangeException(nameof(MaxBins), MaxBins, "must be in [2, 255]");
        if (!(ValidationFraction > 0 && ValidationFraction < 1)) throw new ArgumentOutOfRangeException(nameof(ValidationFraction), ValidationFraction, "must be in (0, 1)");
        if (NIterNoChange < 1) throw new ArgumentOutOfRangeException(nameof(NIterNoChange), NIterNoChange, "must be at least 1");
        if (!(Tolerance >= 0)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "must be non-negative");
        if (MaxDegreeOfParallelism is < 1) throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), MaxDegreeOfParallelism, "must be at least 1");
    }
}

/// <summary>
/// What <see cref="GradientBoostedTrees.Fit"/> did. Losses are scikit-learn's half squared error, ½·mean((y − ŷ)²);
/// index 0 is the baseline (the mean of y) before any tree, index i the loss after i trees.
/// </summary>
/// <param name="Iterations">Trees built (fewer than MaxIterations when stopped early).</param>
/// <param name="StoppedEarly">Whether early stopping ended the fit.</param>
/// <param name="TrainRows">Rows trained on.</param>
/// <param name="ValidationRows">Rows held out (0 without early stopping).</param>
/// <param name="TrainLoss">Training loss after each iteration (index 0 = baseline).</param>
/// <param name="ValidationLoss">Validation loss after each iteration (index 0 = baseline); empty without early stopping.</param>
/// <param name="ValidationR2">R² of the final model on the validation rows; null without early stopping.</param>
/// <param name="LeafCount">Leaves over all trees.</param>
/// <param name="Elapsed">Wall time of the fit.</param>
public sealed record FitReport(
    int Iterations,
    bool StoppedEarly,
    int TrainRows,
    int ValidationRows,
    IReadOnlyList<double> TrainLoss,
    IReadOnlyList<double> ValidationLoss,
    double? ValidationR2,
    int LeafCount,
    TimeSpan Elapsed);
