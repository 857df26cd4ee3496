namespace Vigil.Statistics.Estimation;

/// <summary>
/// scikit-learn's <c>IsotonicRegression(increasing=True, y_min=0, y_max=1, out_of_bounds="clip")</c> of a 0/1 label on
/// a score (what NannyML's <c>IsotonicCalibrator</c> fits), fitted on grouped data and predicting as scikit-learn does:
/// <list type="number">
/// <item>The groups are sorted by score, and neighbouring scores are merged as scikit-learn merges duplicate X: a
/// score joins the current group while it lies less than <c>np.finfo(float64).resolution</c> (1e-15) above the group's
/// first score. A merged group's target is Σ positives / Σ rows, its weight Σ rows.</item>
/// <item>The pool-adjacent-violators pass is scikit-learn's (<c>_inplace_contiguous_isotonic_regression</c>), step for
/// step, so the fitted values round the same way: a block pools with the next while its mean is not below the next
/// one's.</item>
/// <item>Interior points whose value equals both neighbours' are dropped (<c>trim_duplicates</c>); what remains is
/// <see cref="X"/> and <see cref="Y"/>.</item>
/// <item><see cref="Apply"/> clips the score to [X₀, Xₙ₋₁] and interpolates linearly as <c>np.interp</c> does (which
/// SciPy's <c>interp1d</c> calls): the value itself at a breakpoint, else slope · (s − Xⱼ) + Yⱼ.</item>
/// </list>
/// </summary>
public sealed class IsotonicCalibrator
{
    /// <summary><c>np.finfo(np.float64).resolution</c>: scikit-learn's tolerance for duplicate X.</summary>
    internal const double DuplicateTolerance = 1e-15;

    private readonly double[] _x;
    private readonly double[] _y;

    private IsotonicCalibrator(double[] x, double[] y, bool identity)
    {
        _x = x;
        _y = y;
        IsIdentity = identity;
    }

    /// <summary>No calibration: <c>Apply(s) = s</c> (NannyML's <c>NoopCalibrator</c>).</summary>
    public static IsotonicCalibrator Identity { get; } = new([], [], identity: true);

    /// <summary>True for <see cref="Identity"/>.</summary>
    public bool IsIdentity { get; }

    /// <summary>The fitted breakpoints (scikit-learn's <c>X_thresholds_</c>), ascending; empty for the identity.</summary>
    public IReadOnlyList<double> X => _x;

    /// <summary>The fitted values at <see cref="X"/> (scikit-learn's <c>y_thresholds_</c>); empty for the identity.</summary>
    public IReadOnlyList<double> Y => _y;

    /// <summary>Fits on grouped scores.</summary>
    public static IsotonicCalibrator Fit(ScoreGroups groups)
    {
        ArgumentNullException.ThrowIfNull(groups);
        return Fit(groups.Scores, groups.Positives, groups.Rows);
    }

    /// <summary>
    /// Fits on grouped scores: each entry is a score, the number of positive rows and the number of rows at it (any
    /// order; entries with no rows are ignored, as scikit-learn drops zero-weight samples).
    /// </summary>
    /// <exception cref="ArgumentException">Lengths differ, a score is not finite, a count is invalid, or there are no rows.</exception>
    public static IsotonicCalibrator Fit(ReadOnlySpan<double> scores, ReadOnlySpan<double> positives, ReadOnlySpan<double> rows)
    {
        ScoreGroups.Check(scores, positives, rows, nameof(scores));
        var n = 0;
        for (var i = 0; i < rows.Length; i++)
        {
            if (rows[i] > 0) n++;
        }
        if (n == 0)
        {
            throw new ArgumentException("cannot fit a calibrator without rows.", nameof(rows));
        }

        var keys = new double[n];
        var order = new int[n];
        for (int i = 0, k = 0; i < rows.Length; i++)
        {
            if (rows[i] > 0)
            {
                keys[k] = scores[i];
                order[k] = i;
                k++;
            }
        }
        var ascending = true;
        for (var k = 1; k < n && ascending; k++) ascending = keys[k] >= keys[k - 1];
        if (!ascending) Array.Sort(keys, order);

        // merge duplicate X the way scikit-learn's _make_unique does: relative to the first score of the group
        var ux = new double[n];
        var uy = new double[n];
        var uw = new double[n];
        var m = 0;
        double currentX = keys[0], currentPositives = 0, currentRows = 0;
        for (var k = 0; k < n; k++)
        {
            var x = keys[k];
            if (x - currentX >= DuplicateTolerance)
            {
                ux[m] = currentX;
                uw[m] = currentRows;
                uy[m] = currentPositives / currentRows;
                m++;
                currentX = x;
                currentPositives = 0;
                currentRows = 0;
            }
            currentPositives += positives[order[k]];
            currentRows += rows[order[k]];
        }
        ux[m] = currentX;
        uw[m] = currentRows;
        uy[m] = currentPositives / currentRows;
        m++;

        var y = uy.AsSpan(0, m);
        PoolAdjacentViolators(y, uw.AsSpan(0, m));
        for (var i = 0; i < m; i++)
        {
            y[i] = Math.Clamp(y[i], 0.0, 1.0);
        }

        // trim_duplicates: keep the ends and every point that differs from one of its neighbours
        var keptX = new List<double>(Math.Min(m, 1024));
        var keptY = new List<double>(Math.Min(m, 1024));
        for (var i = 0; i < m; i++)
        {
            if (i == 0 || i == m - 1 || y[i] != y[i - 1] || y[i] != y[i + 1])
            {
                keptX.Add(ux[i]);
                keptY.Add(y[i]);
            }
        }
        return new IsotonicCalibrator([.. keptX], [.. keptY], identity: false);
    }

    /// <summary>The calibrated probability of a score; NaN stays NaN.</summary>
    public double Apply(double score)
    {
        if (IsIdentity || double.IsNaN(score))
        {
            return score;
        }
        var x = _x;
        var y = _y;
        var last = x.Length - 1;
        if (last == 0)
        {
            return y[0];
        }
        // np.clip(T, X_min_, X_max_), then np.interp
        if (score <= x[0])
        {
            return y[0];
        }
        if (score >= x[last])
        {
            return y[last];
        }
        // j: the largest index with x[j] <= score (0 <= j < last here)
        int lo = 0, hi = last;
        while (hi - lo > 1)
        {
            var mid = (lo + hi) >>> 1;
            if (x[mid] <= score) lo = mid;
            else hi = mid;
        }
        if (x[lo] == score)
        {
            return y[lo];
        }
        var slope = (y[lo + 1] - y[lo]) / (x[lo + 1] - x[lo]);
        return slope * (score - x[lo]) + y[lo];
    }

    /// <summary>scikit-learn's in-place PAVA on contiguous (y, w), with the same arithmetic and the same pooling rule.</summary>
    private static void PoolAdjacentViolators(Span<double> y, Span<double> w)
    {
        var n = y.Length;
        // target[i] = j and target[j] = i when [i..j] is a block
        var target = new int[n];
        for (var t = 0; t < n; t++) target[t] = t;

        var i = 0;
        while (i < n)
        {
            var k = target[i] + 1;
            if (k == n)
            {
                break;
            }
            if (y[i] < y[k])
            {
                i = k;
                continue;
            }
            var sumWy = w[i] * y[i];
            var sumW = w[i];
            while (true)
            {
                var prevY = y[k];
                sumWy += w[k] * y[k];
                sumW += w[k];
                k = target[k] + 1;
                if (k == n || prevY < y[k])
                {
                    y[i] = sumWy / sumW;
                    w[i] = sumW;
                    target[i] = k - 1;
                    target[k - 1] = i;
                    if (i > 0)
                    {
                        i = target[i - 1];
                    }
                    break;
                }
            }
        }
        i = 0;
        while (i < n)
        {
            var k = target[i] + 1;
            y[(i + 1)..k].Fill(y[i]);
            i = k;
        }
    }
}
