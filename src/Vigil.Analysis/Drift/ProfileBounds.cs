using Vigil.Analysis.Results;
using Vigil.Statistics.Drift;

namespace Vigil.Analysis.Drift;

// How far a result computed from a profile's pooled buckets can be from the exact one.
internal static partial class DriftAnalysis
{
    /// <summary>How far a result computed from a profile's pooled buckets can be from the exact one.</summary>
    private static ReferenceApproximation ApproximationOf(NumericSummary s, string method, ValueCounts values)
    {
        var cdf = s.CdfError;
        var pooled = s.PooledBuckets;
        var why = $"the reference profile pools this column's values into {s.Counts.Length:N0} buckets ({pooled:N0} of more than one value), each taken at its mean; its distribution function is within ±{Fmt(cdf)} of the reference's";
        switch (method)
        {
            case "ks":
                return new ReferenceApproximation(pooled, cdf, cdf, null, why + $", so the statistic is within ±{Fmt(cdf)} of the exact one");
            case "wasserstein":
                var w = s.WassersteinError / Math.Max(s.StandardDeviation, 0.001);
                return new ReferenceApproximation(pooled, cdf, w, null, why + $"; no value moves further than across its bucket, so the normed distance is within ±{Fmt(w)} of the exact one (the standard deviation is exact)");
            case "psi" or "kl_div" or "jensenshannon" or "hellinger" when values.ReferenceDistinct > 20:
                var share = s.BinnedShareError(Binning.SturgesEdges(values));
                return new ReferenceApproximation(pooled, cdf, null, share, why + $"; at most {Fmt(share)} of the reference's values may belong to a neighbouring bin");
            default:
                return new ReferenceApproximation(pooled, cdf, null, null, why);
        }
    }

    private static string Fmt(double x) => x.ToString("G3", System.Globalization.CultureInfo.InvariantCulture);
}
