using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Comparison;

/// <summary>The drift of the score distribution between the versions in one segment, as <c>vigil drift</c> would judge
/// the score column: Evidently's choice (normed Wasserstein above 0.1 when the baseline has more than 1,000 rows, else the
/// KS test at p ≤ 0.05), with both statistics reported.</summary>
internal sealed class ScoreShiftAccumulator(long baselineRows, long candidateRows)
{
    private readonly TwoSampleStream _stream = new(baselineRows, candidateRows);

    public void Add(double score, long baseline, long candidate) => _stream.Add(score, baseline, candidate);

    public ScoreShift? Finish()
    {
        if (baselineRows == 0 || candidateRows == 0) return null;
        var ks = _stream.KsStatistic;
        var p = _stream.KsPValue;
        var w = _stream.WassersteinNormed;
        return baselineRows > 1000
            ? new ScoreShift("wasserstein", ks, p, w, 0.1, w >= 0.1)
            : new ScoreShift("ks", ks, p, w, 0.05, p <= 0.05);
    }
}
