using Vigil.Analysis.Results;
using static Vigil.Analysis.Diagnosis.DiagnosisFindings;

namespace Vigil.Analysis.Diagnosis;

/// <summary>
/// The rule of step 6, read top to bottom; the first that holds decides:
/// <list type="number">
/// <item>step 2 found errors → <c>data_quality</c>: fix the pipeline (before anything about the model can be judged);</item>
/// <item>the drop is not real (not worse, or p ≥ alpha) → <c>no_drop</c>: watch;</item>
/// <item>the realized metric is below the expected band (concept) and the inputs alone predict a drop (covariate), each
/// carrying at least <see cref="MixedShare"/> of the drop → <c>mixed</c>: retrain on recent data;</item>
/// <item>concept drift → <c>concept_drift</c>: retrain on recent data with a time-based split;</item>
/// <item>otherwise → <c>covariate_shift</c>: the model performs as expected on the new inputs; watch the shifted features.</item>
/// </list>
/// A model version in the current data that the reference does not have turns a real drop's recommendation into a roll-back.
/// </summary>
internal static class DiagnosisRule
{
    /// <summary>Each cause must carry at least this share of the drop for the verdict to be <c>mixed</c>.</summary>
    public const double MixedShare = 0.25;

    public sealed record Decision(string Verdict, string Recommendation, string Rule, IReadOnlyList<RuleCondition> Conditions);

    public static Decision Decide(MetricDropEvidence m, QualityEvidence q, ShiftEvidence s, ConceptEvidence c, DiagnosisSide reference, DiagnosisSide current)
    {
        var conditions = new List<RuleCondition>();
        var dq = q.Errors > 0;
        conditions.Add(new("pipeline_errors", dq, $"{q.Errors} error(s) in step 2"));
        var real = m.Real;
        conditions.Add(new("real_drop", real, $"{m.Metric} {N(m.Reference)} → {N(m.Current)}, difference {N(m.Difference)}, p = {P(m.PValue)} (alpha {N(m.Alpha)})"));
        var drop = c.Reference - c.Realized;
        double? Share(double? part) => part is { } p && drop is { } d && d > 0 ? p / d : null;
        var (ce, cu) = (Share(c.ExplainedDrop), Share(c.UnexplainedDrop));
        conditions.Add(new("concept_drift", c.ConceptDrift, $"realized {N(c.Realized)} vs expected {N(c.Expected)} (band {N(c.Lower)}–{N(c.Upper)}); unexplained share of the drop {Pct(cu)}"));
        conditions.Add(new("covariate_shift", c.CovariateShift, $"expected {N(c.Expected)} vs reference {N(c.Reference)}; explained share of the drop {Pct(ce)}"));
        var mixed = c.ConceptDrift && c.CovariateShift && ce >= MixedShare && cu >= MixedShare;
        conditions.Add(new("mixed", mixed, $"both causes significant and each at least {MixedShare:P0} of the drop"));
        var newVersions = NewVersions(reference, current);
        conditions.Add(new("new_model_version", newVersions.Count > 0, newVersions.Count > 0 ? $"current versions the reference lacks: {string.Join(", ", newVersions)}" : "no version new since the reference"));

        var topShift = string.Join(", ", s.Ranked.Where(f => f.Drifted).Take(3).Select(f => f.Feature));
        var topConcept = string.Join(", ", c.Features.Where(f => f.MaxZ >= 3).Take(2).Select(f => f.Feature));
        string verdict, rec, rule;
        if (dq)
        {
            var what = string.Join("; ", q.Issues.Where(i => i.Severity == Severity.Error).Take(3).Select(i => i.Message));
            (verdict, rec, rule) = ("data_quality",
                $"Fix the pipeline first: {what}.",
                $"step 2 found {q.Errors} pipeline error(s) → data_quality: a broken input makes every later step unreliable");
        }
        else if (!real)
        {
            (verdict, rec, rule) = ("no_drop",
                $"Watch: {m.Metric} moved by {N(m.Difference)}, which is {(m.Difference is { } d0 && (m.HigherIsBetter ? d0 >= 0 : d0 <= 0) ? "not a drop" : "within noise")} (p = {P(m.PValue)}).",
                $"no real drop (worse and p < {N(m.Alpha)} required; p = {P(m.PValue)}) → no_drop");
        }
        else if (mixed)
        {
            (verdict, rec, rule) = ("mixed",
                $"Retrain on recent data with a time-based split: the inputs moved ({Or(topShift, "see step 3")}) and their relation to the outcome changed too ({Or(topConcept, "see step 4")}).",
                $"real drop; realized below the expected band (unexplained {Pct(cu)}) and the inputs alone predict a drop (explained {Pct(ce)}), each ≥ {MixedShare:P0} → mixed");
        }
        else if (c.ConceptDrift && !(c.CovariateShift && cu < MixedShare))
        {
            (verdict, rec, rule) = ("concept_drift",
                $"Retrain on recent data with a time-based split: the relation between the inputs and the outcome changed (realized {N(c.Realized)}, expected {N(c.Expected)} on these inputs){(topConcept.Length > 0 ? $"; it moved most along {topConcept}" : "")}.",
                $"real drop; realized {N(c.Realized)} below the expected band {N(c.Lower)}–{N(c.Upper)} (unexplained {Pct(cu)}) → concept_drift");
        }
        else
        {
            (verdict, rec, rule) = ("covariate_shift",
                $"Watch: the inputs moved ({Or(topShift, "no single feature past its threshold")}) and the model performs as expected on them (realized {N(c.Realized)}, expected {N(c.Expected)}); retrain on recent data only if the new population stays.",
                $"real drop; realized {N(c.Realized)} within the expected band {N(c.Lower)}–{N(c.Upper)} → covariate_shift (the inputs explain the drop)");
        }
        if (real && !dq && newVersions.Count > 0)
        {
            rec = $"Roll back to the reference's model version: {string.Join(", ", newVersions)} is new since the reference and the drop is real. Then: {rec}";
            rule += $"; a model version new since the reference ({string.Join(", ", newVersions)}) → roll back";
        }
        return new Decision(verdict, rec, rule, conditions);
    }

    private static string Or(string s, string fallback) => s.Length > 0 ? s : fallback;

    /// <summary>Model versions in the current data that the reference does not have (empty without a version column).</summary>
    private static List<string> NewVersions(DiagnosisSide reference, DiagnosisSide current)
    {
        if (reference.Cols.Version is not { } rv || current.Cols.Version is not { } cv) return [];
        static HashSet<string> Of(DiagnosisSide s, Vigil.Engine.Sources.SourceColumn v)
        {
            var t = s.Source.Engine.Query($"SELECT DISTINCT {s.X.Text(v)} FROM {s.Source.Relation} WHERE {s.X.Col(v)} IS NOT NULL LIMIT 101");
            return Enumerable.Range(0, t.RowCount).Select(r => t.GetString(0, r)!).ToHashSet(StringComparer.Ordinal);
        }
        var known = Of(reference, rv);
        return [.. Of(current, cv).Where(v => !known.Contains(v)).Order(StringComparer.Ordinal)];
    }
}
