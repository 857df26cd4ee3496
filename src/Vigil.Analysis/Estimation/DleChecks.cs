using System.Globalization;
using Vigil.Analysis.Results;
using Vigil.Statistics.Estimation;

namespace Vigil.Analysis.Estimation;

/// <summary>Where DLE's assumptions visibly fail, how faithful its nannies are, and rows left out.</summary>
internal static class DleChecks
{
    /// <summary>Below this held-out R² of predicted against realized loss a nanny is called poor. A row's loss is mostly
    /// noise even when its expectation is known exactly (for Gaussian errors of known spread the R² of |y − ŷ| is at most
    /// about a third, and of a percentage or log error often a few hundredths), and a nanny of 100 unstopped trees (as
    /// NannyML's LightGBM) fits some of that noise, which averages out over a chunk. So the bar is a nanny that predicts
    /// held-out rows clearly worse than the reference's mean loss would: it has learned mostly noise.</summary>
    internal const double PoorFidelity = -0.05;

    /// <summary>Above this share of analysis rows outside the reference's range of a feature, the nannies extrapolate.</summary>
    internal const double OutOfRangeShare = 0.01;

    public static IEnumerable<QualityIssue> Excluded(string what, long noPrediction, long noChunk)
    {
        if (noPrediction > 0)
            yield return new QualityIssue("rows_excluded", Severity.Info, noPrediction, string.Create(CultureInfo.InvariantCulture, $"{noPrediction:N0} rows of the {what} have no finite prediction and were left out"), []);
        if (noChunk > 0)
            yield return new QualityIssue("rows_excluded", Severity.Info, noChunk, string.Create(CultureInfo.InvariantCulture, $"{noChunk:N0} rows of the {what} have no timestamp and belong to no chunk; they were left out"), []);
    }

    /// <summary>The nannies' held-out R², one finding: a warning naming the poor ones, else information.</summary>
    public static IEnumerable<QualityIssue> Fidelity(DleNanny nanny)
    {
        if (nanny.Ignored.Count > 0)
            yield return new QualityIssue("feature_ignored", Severity.Info, 0, $"not used by the nanny models, as they look like identifiers (a distinct value in most rows): {string.Join(", ", nanny.Ignored)}", nanny.Ignored);
        var train = string.Create(CultureInfo.InvariantCulture, $"trained on {nanny.TrainRows:N0} sampled reference rows");
        if (nanny.HeldOutRows == 0)
        {
            yield return new QualityIssue("nanny_fidelity", Severity.Info, 0, $"the nanny models were {train}, too few to hold rows out and measure their fidelity", []);
            yield break;
        }
        var parts = nanny.Fidelity.Select(kv => $"{Name(kv.Key)} {(kv.Value is { } r ? r.ToString("0.000", CultureInfo.InvariantCulture) : "n/a (constant)")}");
        var poor = nanny.Fidelity.Where(kv => kv.Value is { } r && r < PoorFidelity).Select(kv => Name(kv.Key)).ToList();
        var text = string.Create(CultureInfo.InvariantCulture,
            $"the nanny models' fidelity (R² of predicted against realized loss on {nanny.HeldOutRows:N0} held-out reference rows; they were {train}): {string.Join(", ", parts)}");
        if (poor.Count == 0)
        {
            yield return new QualityIssue("nanny_fidelity", Severity.Info, 0, text + ". A row's loss is mostly noise, so a modest R² is usual; what matters is that the nannies see how the loss depends on the inputs.", []);
            yield break;
        }
        yield return new QualityIssue("nanny_fidelity", Severity.Warning, 0, text + string.Create(CultureInfo.InvariantCulture,
            $". The nanny for {string.Join(", ", poor)} predicts held-out losses worse than the reference's mean loss would (R² below {PoorFidelity:0.00}): it has learned mostly noise, and its estimates are unreliable."), []);
    }

    private static string Name(DleLoss loss) => loss switch
    {
        DleLoss.Absolute => "|y − ŷ|",
        DleLoss.Squared => "(y − ŷ)²",
        DleLoss.Percentage => "|y − ŷ| / |y|",
        _ => "squared log error",
    };

    /// <summary>Where labels exist: a metric whose realized value falls outside the estimate's band in most labelled
    /// chunks. Above it (the loss is worse than the inputs predict), the relation between inputs and target has changed.</summary>
    public static IEnumerable<QualityIssue> RealizedOutsideBand(IReadOnlyList<EstimatedChunk> chunks, IReadOnlyList<string> metrics)
    {
        foreach (var m in metrics)
        {
            var (labelled, below, above) = AssumptionChecks.BandCounts(chunks, m);
            if (labelled == 0 || below + above <= labelled / 2) continue;
            var what = above >= below
                ? "above the estimate's band: the model does worse than its inputs predict. Either the relation between inputs and target has changed (concept drift, which DLE cannot see), or the nanny model falls short where the inputs moved (see its fidelity and the features outside the reference's range)"
                : "below the estimate's band: the model does better than the reference's loss for such inputs predicts (the relation between inputs and target has changed, or the nanny model overshoots where the inputs moved)";
            yield return new QualityIssue("realized_outside_band", Severity.Warning, 0, string.Create(CultureInfo.InvariantCulture,
                $"{m}: the realized value is {what} ({Math.Max(below, above)} of {labelled} labelled chunks)"), [m]);
        }
    }

    /// <summary>Numerical features whose analysis values fall outside the reference's [min, max] for more than 1 % of rows.</summary>
    public static IEnumerable<QualityIssue> CovariateRange(DleSide reference, DleSide analysis, IReadOnlyList<DleFeature> features)
    {
        string F(int i) => $"f{i.ToString(CultureInfo.InvariantCulture)}_";
        var numeric = features.Select((f, i) => (f, i)).Where(p => p.f.Numeric).Take(200).Select(p => (p.f.Name, F(p.i), F(p.i))).ToList();
        return AssumptionChecks.OutsideRange(reference.Source, $"({reference.BaseSql}) b", analysis.Source, $"({analysis.BaseSql}) b WHERE {analysis.Ok}",
            numeric, "the nanny models predict the loss at the reference's edge there, so the estimate may fall short");
    }
}
