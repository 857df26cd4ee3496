using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace Vigil.Statistics.Drift;

/// <summary>
/// NannyML's multivariate drift (DataReconstructionDriftCalculator) from sufficient statistics: the reference's
/// (imputed, count-encoded) features are standardised with their population standard deviation (sklearn's
/// <c>StandardScaler</c>), a PCA is fitted on the standardised reference keeping the smallest number of components
/// that explain more than <c>n_components</c> (0.65) of the variance (sklearn 1.2's rule for a float
/// <c>n_components</c>: <c>np.searchsorted(ratio_cumsum, n_components, side="right") + 1</c>), and a row's value is
/// the Euclidean distance between the standardised row and its reconstruction
/// <c>inverse_transform(transform(z))</c>. The PCA is computed from the population covariance matrix of the raw
/// features (the correlation matrix of the standardised ones has the same eigenvectors as sklearn's SVD of the
/// centred data, and the same explained-variance ratios), so the engine only needs a count, sums and sums of
/// products over the reference. The PCA mean of the standardised reference is 0 (sklearn's is 0 up to rounding);
/// eigenvector signs do not affect the error. See docs/multivariate-drift.md.
/// </summary>
public sealed class PcaReconstruction
{
    /// <summary>NannyML's default <c>n_components</c>.</summary>
    public const double DefaultVarianceFraction = 0.65;

    private PcaReconstruction(double[] means, double[] scales, double[,] loadings, double[] ratios, double[,] residual)
    {
        Means = means;
        Scales = scales;
        Loadings = loadings;
        ExplainedVarianceRatios = ratios;
        Residual = residual;
    }

    /// <summary>Number of features.</summary>
    public int Features => Means.Count;

    /// <summary>Number of principal components kept.</summary>
    public int Components => Loadings.GetLength(1);

    /// <summary>Reference means of the raw features (the scaler's <c>mean_</c>).</summary>
    public IReadOnlyList<double> Means { get; }

    /// <summary>The scaler's <c>scale_</c>: population standard deviations, 1 where the deviation is 0.</summary>
    public IReadOnlyList<double> Scales { get; }

    /// <summary>Explained-variance ratios of the kept components, largest first.</summary>
    public IReadOnlyList<double> ExplainedVarianceRatios { get; }

    /// <summary>Sum of <see cref="ExplainedVarianceRatios"/>.</summary>
    public double ExplainedVariance => ExplainedVarianceRatios.Sum();

    /// <summary>Kept eigenvectors (features × components), unit length, columns largest eigenvalue first.</summary>
    internal double[,] Loadings { get; }

    /// <summary>I − W Wᵀ (features × features): the residual of a standardised row z is <c>Residual · z</c>.</summary>
    internal double[,] Residual { get; }

    /// <summary>Population means, standard deviations and covariance from a count, sums and sums of products.</summary>
    public static (double[] Means, double[] StandardDeviations, double[,] Covariance) MomentsFromSums(
        long count, IReadOnlyList<double> sums, double[,] sumsOfProducts)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        int d = sums.Count;
        if (sumsOfProducts.GetLength(0) != d || sumsOfProducts.GetLength(1) != d)
        {
            throw new ArgumentException("sumsOfProducts must be a square matrix matching sums.", nameof(sumsOfProducts));
        }
        double n = count;
        var means = new double[d];
        for (int i = 0; i < d; i++)
        {
            means[i] = sums[i] / n;
        }
        var cov = new double[d, d];
        var std = new double[d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                // Symmetrise: the engine may return only one triangle, or the two with different rounding.
                double sp = i <= j ? sumsOfProducts[i, j] : sumsOfProducts[j, i];
                cov[i, j] = sp / n - means[i] * means[j];
            }
            std[i] = Math.Sqrt(Math.Max(cov[i, i], 0.0));
        }
        return (means, std, cov);
    }

    /// <summary>
    /// Fits the reconstruction from the reference's population covariance matrix, means and population standard
    /// deviations of the raw (imputed, encoded) features.
    /// </summary>
    public static PcaReconstruction Fit(
        double[,] covariance, IReadOnlyList<double> means, IReadOnlyList<double> standardDeviations,
        double varianceFraction = DefaultVarianceFraction)
    {
        int d = means.Count;
        if (d < 1)
        {
            throw new ArgumentException("At least one feature is needed.", nameof(means));
        }
        if (standardDeviations.Count != d || covariance.GetLength(0) != d || covariance.GetLength(1) != d)
        {
            throw new ArgumentException("Covariance, means and standard deviations must have matching sizes.");
        }
        if (!(varianceFraction > 0 && varianceFraction < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(varianceFraction), "Must be in (0, 1).");
        }

        var scales = new double[d];
        for (int i = 0; i < d; i++)
        {
            double s = standardDeviations[i];
            // StandardScaler leaves constant features unscaled (scale 1).
            scales[i] = s > 0 && double.IsFinite(s) ? s : 1.0;
        }

        // Covariance of the standardised features; a constant feature has variance 0.
        var corr = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double c = 0.5 * (covariance[i, j] + covariance[j, i]);
                corr[i, j] = c / (scales[i] * scales[j]);
            }
        }

        Evd<double> evd = Matrix<double>.Build.DenseOfArray(corr).Evd(Symmetricity.Symmetric);
        double[] values = evd.EigenValues.Select(v => Math.Max(v.Real, 0.0)).ToArray();
        int[] order = Enumerable.Range(0, d).OrderByDescending(i => values[i]).ThenBy(i => i).ToArray();
        double total = values.Sum();
        if (!(total > 0))
        {
            throw new ArgumentException("The reference has no variance: every feature is constant.", nameof(covariance));
        }

        // np.searchsorted(ratio_cumsum, n_components, side="right") + 1: the number of cumulative ratios <= the
        // fraction, plus one.
        int k = 0;
        double cumsum = 0;
        var ratios = new double[d];
        for (int r = 0; r < d; r++)
        {
            ratios[r] = values[order[r]] / total;
        }
        for (int r = 0; r < d; r++)
        {
            cumsum += ratios[r];
            if (cumsum <= varianceFraction)
            {
                k++;
            }
            else
            {
                break;
            }
        }
        k = Math.Min(k + 1, d);

        Matrix<double> vectors = evd.EigenVectors;
        var w = new double[d, k];
        for (int c = 0; c < k; c++)
        {
            for (int i = 0; i < d; i++)
            {
                w[i, c] = vectors[i, order[c]];
            }
        }
        var residual = new double[d, d];
        for (int i = 0; i < d; i++)
        {
            for (int j = 0; j < d; j++)
            {
                double p = 0;
                for (int c = 0; c < k; c++)
                {
                    p += w[i, c] * w[j, c];
                }
                residual[i, j] = (i == j ? 1.0 : 0.0) - p;
            }
        }
        return new PcaReconstruction(means.ToArray(), scales, w, ratios[..k], residual);
    }

    /// <summary>Reconstruction error of a raw (imputed, encoded) row: standardises it, then <see cref="StandardizedError"/>.</summary>
    public double Error(ReadOnlySpan<double> row)
    {
        CheckLength(row.Length);
        Span<double> z = row.Length <= 256 ? stackalloc double[row.Length] : new double[row.Length];
        for (int i = 0; i < row.Length; i++)
        {
            z[i] = (row[i] - Means[i]) / Scales[i];
        }
        return StandardizedError(z);
    }

    /// <summary>‖z − W Wᵀ z‖ for a standardised row z.</summary>
    public double StandardizedError(ReadOnlySpan<double> z)
    {
        CheckLength(z.Length);
        int d = z.Length;
        double ss = 0;
        for (int j = 0; j < d; j++)
        {
            double r = 0;
            for (int i = 0; i < d; i++)
            {
                r += Residual[j, i] * z[i];
            }
            ss += r * r;
        }
        return Math.Sqrt(ss);
    }

    /// <summary>
    /// NannyML's default thresholds (<c>StandardDeviationThreshold()</c>) over the reference chunks' values:
    /// mean ∓ 3 · population standard deviation (<c>np.nanstd</c>, ddof 0); a lower threshold at or below 0 (the
    /// lower limit of a reconstruction error) is dropped (null), as NannyML does with <c>override_using_none</c>.
    /// </summary>
    public static (double? Lower, double Upper) Thresholds(IReadOnlyList<double> referenceValues, double multiplier = 3)
    {
        double[] v = referenceValues.Where(x => !double.IsNaN(x)).ToArray();
        if (v.Length == 0)
        {
            throw new ArgumentException("No reference chunk values.", nameof(referenceValues));
        }
        double mean = v.Sum() / v.Length;
        double ss = 0;
        foreach (double x in v)
        {
            ss += (x - mean) * (x - mean);
        }
        double std = Math.Sqrt(ss / v.Length);
        double lower = mean - multiplier * std;
        double upper = mean + multiplier * std;
        return (lower <= 0 ? null : lower, upper);
    }

    /// <summary>NannyML's alert: the value is not strictly between the thresholds (a missing lower one is −∞).</summary>
    public static bool Drifted(double value, double? lower, double upper) =>
        !((lower ?? double.NegativeInfinity) < value && value < upper);

    private void CheckLength(int length)
    {
        if (length != Features)
        {
            throw new ArgumentException($"Expected {Features} values, got {length}.");
        }
    }
}
