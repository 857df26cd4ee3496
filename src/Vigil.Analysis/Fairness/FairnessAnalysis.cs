using System.Globalization;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Results;
using Vigil.Analysis.Sql;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Statistics.Classification;
using Vigil.Statistics.Fairness;

namespace Vigil.Analysis.Fairness;

/// <summary>
/// <c>vigil fairness</c> (docs/fairness.md): a binary classifier's metrics per group of each sensitive attribute and of
/// their intersection, from one grouped query (<see cref="FairnessCounts"/>); the pure math of
/// <c>Vigil.Statistics.Fairness</c> on those counts (group metrics with Wilson intervals, Fairlearn's summaries, Aequitas'
/// disparities, threshold mitigation); and the proxies of each attribute among the other features
/// (<see cref="FairnessProxies"/>).
/// </summary>
internal static class FairnessAnalysis
{
    public const double DefaultThreshold = 0.5;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The metrics of a group, in report order.</summary>
    public static readonly IReadOnlyList<string> MetricNames = ["selection_rate", "tpr", "fpr", "fnr", "precision", "accuracy", "roc_auc"];

    public static FairnessResult Run(OpenedSource source, FairnessAuditOptions o, IAnalysisProgress? progress = null)
    {
        progress ??= NoProgress.Instance;
        Validate(o);
        var cols = ColumnResolver.Resolve(source.Columns, o.Mapping, ColumnNeeds.Label | ColumnNeeds.ScoreOrPrediction, source.Description);
        var notes = new List<string>();
        var score = cols.Score ?? cols.Prediction!;
        if (cols.Score is null)
        {
            if (score.Kind is not (ColumnKind.Double or ColumnKind.Int64 or ColumnKind.Boolean))
                throw new VigilInputException($"{source.Description}: no score column: expected '{MappingOptions.DefaultScore}' or one named by --score; fairness needs a binary classifier's score (or 0/1 predictions) and 0/1 labels");
            notes.Add($"no score column: the predictions in '{score.Name}' are used as scores (0/1), so roc_auc is the balanced accuracy of the hard predictions");
        }
        var sensitive = new List<SourceColumn>();
        foreach (var name in o.Sensitive)
        {
            var c = source.FindColumn(name) ?? throw new VigilInputException(
                $"{source.Description}: sensitive column '{name}' (--sensitive) not found; columns are: {string.Join(", ", source.Columns.Select(c => c.Name))}");
            foreach (var (role, flag) in new[] { (cols.Score, "--score"), (cols.Label, "--label"), (cols.Prediction, "--prediction"), (cols.Id, "--id"), (cols.Timestamp, "--timestamp") })
                if (role?.Name == c.Name)
                    throw new VigilInputException($"--sensitive: '{name}' is the {flag[2..]} column; name the columns that hold group membership");
            if (sensitive.Any(s => s.Name == c.Name)) throw new VigilInputException($"--sensitive: '{name}' is named twice");
            sensitive.Add(c);
        }
        var names = sensitive.Select(c => c.Name).ToList();
        var intersectionName = string.Join(FairnessCounts.Join, names);
        foreach (var (attr, _) in o.ReferenceGroups)
            if (!names.Contains(attr) && attr != intersectionName)
                throw new VigilInputException($"--reference-group: '{attr}' is not a sensitive column; expected one of {string.Join(", ", names)}{(names.Count > 1 ? $" or {intersectionName}" : "")}");
        if (o.MitigateOn is { } mo && !names.Contains(mo))
            throw new VigilInputException($"--mitigate-on: '{mo}' is not a sensitive column; expected one of {string.Join(", ", names)}");

        var x = new RoleExpressions(source.Dialect, source.Description);
        var baseSql = FairnessCounts.Base(source, x, score, cols.Label!, sensitive);
        progress.Stage("Counting rows");
        var census = FairnessCounts.Take(source, baseSql, sensitive.Count);
        if (census.Rows == 0) throw new VigilInputException($"{source.Description}: no rows");
        if (census.BadLabel > 0)
        {
            var bad = FairnessCounts.BadLabels(source, x, cols.Label!);
            throw new VigilInputException($"{source.Description}: label column '{cols.Label!.Name}' is not binary: {FairnessCounts.N(census.BadLabel)} rows hold other values ({string.Join(", ", bad.Select(b => $"'{b}'"))}); fairness audits a binary classifier with 0/1 labels");
        }
        for (var i = 0; i < sensitive.Count; i++)
            if (census.Distinct[i] > o.MaxGroups)
                throw new VigilInputException($"{source.Description}: sensitive column '{names[i]}' has {FairnessCounts.N(census.Distinct[i])} distinct values; at most {o.MaxGroups} groups per attribute (bucket a numerical column first, e.g. age bands)");
        var rows = census.Rows - census.NoScore - census.NoLabel;
        if (rows == 0)
            throw new VigilInputException($"{source.Description}: no row has both a score and a label ('{score.Name}', '{cols.Label!.Name}')");
        var excluded = new Dictionary<string, long>(StringComparer.Ordinal);
        if (census.NoScore > 0) excluded["missing_score"] = census.NoScore;
        if (census.NoLabel > 0) excluded["missing_label"] = census.NoLabel;

        progress.Stage("Counting every group");
        var threshold = o.Threshold ?? DefaultThreshold;
        var fo = new FairnessOptions { Threshold = threshold, Confidence = o.Confidence, MinimumGroupSize = o.MinimumGroupSize };
        var mitigated = o.Constraint is null ? null : o.MitigateOn ?? names[0];
        var counts = FairnessCounts.Count(source, baseSql, names, o.Intersections, fo, mitigated, census.Values);

        var reference = new Dictionary<string, string>(StringComparer.Ordinal);
        var groups = new List<FairnessGroup>();
        var summaries = new List<FairnessSummaryRow>();
        var disparities = new List<FairnessDisparity>();
        var parity = new List<FairnessParity>();
        var findings = new List<string>();
        var groupNotes = new List<string>();
        FairnessGroup? overall = null;
        foreach (var a in counts)
        {
            var frame = a.Frame;
            overall ??= Group("overall", "overall", frame.Overall);
            foreach (var g in frame.ByGroup)
            {
                groups.Add(Group(a.Attribute, g.Key, g));
                if (!g.BelowMinimumSize)
                    foreach (var n in g.Notes) groupNotes.Add($"{a.Attribute} = {g.Key}: {n}");
            }
            var small = frame.ByGroup.Where(g => g.BelowMinimumSize).ToList();
            if (small.Count > 0)
                groupNotes.Add($"{a.Attribute}: {small.Count} group{(small.Count == 1 ? " has" : "s have")} fewer than {o.MinimumGroupSize} rows " +
                               $"({string.Join(", ", small.Take(6).Select(g => $"{g.Key} {g.Size}"))}{(small.Count > 6 ? ", …" : "")}): their rates are shown with wide intervals, " +
                               "count in the tables and the summaries, and are left out of the findings and the verdict");
            summaries.Add(Summary(a.Attribute, frame, o.Method));
            string? refValue = null;
            if (o.ReferenceGroups.TryGetValue(a.Attribute, out var given))
            {
                if (!frame.ByGroup.Any(g => g.Key == given))
                    throw new VigilInputException($"--reference-group: {a.Attribute}={given} is not present in the data; {a.Attribute}'s values are: {string.Join(", ", frame.ByGroup.Select(g => g.Key).Take(30))}");
                refValue = given;
            }
            var report = AequitasDisparities.Compute(frame, new DisparityOptions { Tau = o.Tau, ReferenceGroup = refValue });
            if (report.ReferenceGroup is { } r) reference[a.Attribute] = r;
            var byKey = frame.ByGroup.ToDictionary(g => g.Key, StringComparer.Ordinal);
            foreach (var d in report.Disparities)
                disparities.Add(new FairnessDisparity
                {
                    Attribute = a.Attribute, Value = d.Group, Reference = report.ReferenceGroup!, Metric = d.Metric,
                    Disparity = Finite(d.Disparity), Fair = d.Fair, GroupValue = Finite(d.Value), ReferenceValue = Finite(d.ReferenceValue), Reason = d.Reason,
                });
            foreach (var p in report.Parities) parity.Add(new FairnessParity(a.Attribute, p.Metric, p.Fair, p.UnfairGroups, p.UndefinedGroups));
            findings.AddRange(AttributeFindings(a.Attribute, report, o.Tau, small.Select(g => g.Key).ToHashSet(StringComparer.Ordinal)));
        }
        if (overall is null) throw new VigilInputException($"{source.Description}: no row has both a score and a label");

        var threshText = threshold.ToString("0.###", Inv);
        notes.Add(o.Threshold is null
            ? $"threshold {threshText} (the default; set it with --threshold to the one the model is used with): a row is predicted positive when its score is ≥ {threshText}"
            : $"threshold {threshText} (--threshold): a row is predicted positive when its score is ≥ {threshText}");
        notes.Add($"metrics are Fairlearn's MetricFrame with scikit-learn's definitions, except that a rate over an empty class is undefined (null) rather than 0; intervals are Wilson score intervals at {o.Confidence.ToString("0.##", Inv)}");
        notes.Add($"disparities are Aequitas': group / reference group, fair inside [{o.Tau.ToString("0.00", Inv)}, {(1 / o.Tau).ToString("0.00", Inv)}]; a disparity against a reference value of 0 is undefined (Aequitas writes 10)");
        notes.Add($"summaries are Fairlearn's difference and ratio, method {FairnessNames.Of(o.Method)}; groups whose rate is undefined are left out");
        if (sensitive.Count > 1 && o.Intersections)
            notes.Add($"the intersection {intersectionName} has its own groups (values joined by '{FairnessCounts.Join}'), summaries and disparities");
        notes.AddRange(groupNotes);

        var result = new FairnessResult
        {
            Source = new SourceInfo(source.Description, source.Engine.Name, source.Columns.Select(c => c.Name).ToArray()),
            Columns = cols.Roles,
            Threshold = threshold,
            ThresholdSource = o.Threshold is null ? "default" : "--threshold",
            Sensitive = names,
            Rows = rows,
            Excluded = excluded,
            ReferenceGroup = reference,
            Confidence = o.Confidence,
            MinimumGroupSize = o.MinimumGroupSize,
            Tau = o.Tau,
            Method = FairnessNames.Of(o.Method),
            Groups = groups,
            Overall = overall,
            Summary = summaries,
            Disparities = disparities,
            Parity = parity,
            Findings = findings,
            Notes = notes,
        };

        if (o.Constraint is { } constraint)
        {
            progress.Stage("Group thresholds");
            var m = Mitigate(counts.First(c => c.Attribute == mitigated), constraint, threshold, o);
            result = result with { Mitigation = m };
            findings.Add(MitigationFinding(m));
        }
        if (o.Proxies)
        {
            var proxies = FairnessProxies.Run(source, x, cols, sensitive, o, notes, progress.Stage);
            result = result with { Proxies = proxies };
            findings.AddRange(proxies.Select(p => p.Finding));
        }
        return result;
    }

    private static void Validate(FairnessAuditOptions o)
    {
        if (o.Sensitive.Count == 0) throw new VigilInputException("--sensitive: name at least one column that holds group membership (comma-separated, e.g. --sensitive gender,race)");
        if (o.Sensitive.Count > 4) throw new VigilInputException($"--sensitive: {o.Sensitive.Count} columns; at most 4");
        if (o.Threshold is { } t && !(t >= 0 && t <= 1)) throw new VigilInputException($"--threshold: {t} is outside [0, 1]; a score threshold is a probability");
        if (!(o.Tau > 0 && o.Tau <= 1)) throw new VigilInputException($"--tau: {o.Tau} is outside (0, 1]; the band is [tau, 1/tau], 0.8 by default");
        if (o.CostFp is { } fp && !(fp > 0 && double.IsFinite(fp))) throw new VigilInputException($"--cost-fp: {fp} must be a positive number");
        if (o.CostFn is { } fn && !(fn > 0 && double.IsFinite(fn))) throw new VigilInputException($"--cost-fn: {fn} must be a positive number");
        if (o.Mapping.Task is { } task && task != ModelTask.Binary)
            throw new VigilInputException($"--task: fairness audits a binary classifier (a score and 0/1 labels), not a {task.ToString().ToLowerInvariant()} model");
        if (o.ProxyRows < 100) throw new VigilInputException($"--proxy-rows: {o.ProxyRows} is too few; at least 100");
    }

    internal static double? Finite(double v) => double.IsFinite(v) ? v : null;

    private static FairnessGroup Group(string attribute, string value, GroupMetrics g)
    {
        var rates = new (string Name, GroupRate Rate)[]
        {
            ("selection_rate", g.SelectionRate), ("tpr", g.TruePositiveRate), ("fpr", g.FalsePositiveRate), ("fnr", g.FalseNegativeRate),
            ("precision", g.Precision), ("accuracy", g.Accuracy),
        };
        var metrics = new List<MetricValue>();
        var intervals = new Dictionary<string, RateInterval>(StringComparer.Ordinal);
        foreach (var (name, r) in rates)
        {
            metrics.Add(double.IsNaN(r.Value) ? MetricValue.Undefined(name, r.Reason ?? "undefined") : new MetricValue(name, r.Value));
            intervals[name] = new RateInterval(Finite(r.Lower), Finite(r.Upper));
        }
        metrics.Add(double.IsNaN(g.RocAuc)
            ? MetricValue.Undefined("roc_auc", g.Size == 0 ? "the group is empty" : g.Positives == 0 ? "no positive labels in the group" : "no negative labels in the group")
            : new MetricValue("roc_auc", g.RocAuc));
        return new FairnessGroup
        {
            Attribute = attribute, Value = value, Size = g.Size, Positives = g.Positives, Negatives = g.Negatives, Confusion = g.Confusion,
            Metrics = metrics, Intervals = intervals, BelowMinimumSize = g.BelowMinimumSize,
        };
    }

    private static FairnessSummaryRow Summary(string attribute, GroupMetricFrame frame, DisparityMethod method)
    {
        var all = FairlearnSummaries.Compute(frame).Where(s => s.Method == method).ToDictionary(s => s.Name, StringComparer.Ordinal);
        var notes = new Dictionary<string, string>(StringComparer.Ordinal);
        double? V(string name)
        {
            var s = all[name];
            if (s.Note is not null) notes[name] = s.Note;
            return Finite(s.Value);
        }
        return new FairnessSummaryRow
        {
            Attribute = attribute,
            DemographicParityDifference = V("demographic_parity_difference"),
            DemographicParityRatio = V("demographic_parity_ratio"),
            EqualizedOddsDifference = V("equalized_odds_difference"),
            EqualizedOddsRatio = V("equalized_odds_ratio"),
            EqualOpportunityDifference = V("equal_opportunity_difference"),
            EqualOpportunityRatio = V("equal_opportunity_ratio"),
            Notes = notes,
        };
    }

    /// <summary>The headline metrics of the findings: Aequitas' predicted prevalence (selection rate), TPR and FPR.</summary>
    public static readonly IReadOnlyList<string> Headline = ["pprev", "tpr", "fpr"];

    public static string MetricLabel(string aequitas) => aequitas switch
    {
        "pprev" => "selection rate",
        "ppr" => "share of positive predictions",
        "tpr" => "true positive rate",
        "fpr" => "false positive rate",
        "fnr" => "false negative rate",
        _ => aequitas,
    };

    private static IEnumerable<string> AttributeFindings(string attribute, DisparityReport report, double tau, IReadOnlySet<string> small)
    {
        var band = $"[{tau.ToString("0.00", Inv)}, {(1 / tau).ToString("0.00", Inv)}]";
        var unfair = report.Disparities.Where(d => d.Fair == false && Headline.Contains(d.Metric) && !small.Contains(d.Group))
            .OrderByDescending(d => Math.Abs(Math.Log(d.Disparity))).ToList();
        if (unfair.Count == 0)
        {
            yield return $"{attribute}: every group's selection rate, TPR and FPR are within {band} of {report.ReferenceGroup}'s" +
                         (small.Count > 0 ? $" (groups under the minimum size left out)" : "");
            yield break;
        }
        foreach (var metric in Headline)
        {
            var worst = unfair.FirstOrDefault(d => d.Metric == metric);
            if (worst is null) continue;
            var others = unfair.Count(d => d.Metric == metric) - 1;
            yield return $"{attribute}: {worst.Group}'s {MetricLabel(metric)} is {worst.Disparity.ToString("0.00", Inv)}× {report.ReferenceGroup}'s " +
                         $"({worst.Value.ToString("0.000", Inv)} against {worst.ReferenceValue.ToString("0.000", Inv)}), outside {band}" +
                         (others > 0 ? $"; {others} more group{(others == 1 ? "" : "s")} outside" : "");
        }
    }

    private static FairnessMitigation Mitigate(AttributeCounts a, FairnessConstraint constraint, double threshold, FairnessAuditOptions o)
    {
        var cost = o.CostFp is not null || o.CostFn is not null;
        var mo = new MitigationOptions
        {
            Constraint = constraint,
            Objective = cost ? MitigationObjective.Cost : MitigationObjective.Accuracy,
            CostFalsePositive = o.CostFp ?? 1.0,
            CostFalseNegative = o.CostFn ?? 1.0,
            Threshold = threshold,
        };
        var r = ThresholdMitigation.Optimize(a.Groups!, mo);
        double? Th(double v) => double.IsPositiveInfinity(v) ? null : v;
        var givenUp = cost ? r.ObjectiveAfter - r.ObjectiveBefore : r.ObjectiveBefore - r.ObjectiveAfter;
        return new FairnessMitigation
        {
            Attribute = a.Attribute,
            Constraint = FairnessNames.Of(constraint),
            Objective = cost ? "cost" : "accuracy",
            CostFp = cost ? mo.CostFalsePositive : null,
            CostFn = cost ? mo.CostFalseNegative : null,
            TargetRate = Finite(r.TargetRate),
            TargetTpr = Finite(r.TargetTruePositiveRate),
            ObjectiveBefore = Finite(r.ObjectiveBefore),
            ObjectiveAfter = Finite(r.ObjectiveAfter),
            ObjectiveGivenUp = Finite(givenUp),
            ViolationBefore = Finite(r.ViolationBefore),
            ViolationAfter = Finite(r.ViolationAfter),
            Groups = [.. r.Groups.Select(g => new MitigatedGroupRule
            {
                Value = g.Key, Size = g.Size, Constrained = g.Constrained,
                UpperThreshold = Th(g.Rule.UpperThreshold), LowerThreshold = Th(g.Rule.LowerThreshold),
                ProbabilityLower = g.Rule.ProbabilityLower, RandomFraction = g.Rule.RandomFraction, RandomPositiveRate = g.Rule.RandomPositiveRate,
                SelectionRateBefore = Finite(g.Before.SelectionRate), SelectionRateAfter = Finite(g.After.SelectionRate),
                TprBefore = Finite(g.Before.TruePositiveRate), TprAfter = Finite(g.After.TruePositiveRate),
                FprBefore = Finite(g.Before.FalsePositiveRate), FprAfter = Finite(g.After.FalsePositiveRate),
                AccuracyBefore = Finite(g.Before.Accuracy), AccuracyAfter = Finite(g.After.Accuracy),
                Note = g.Note,
            })],
            Notes = r.Notes,
        };
    }

    private static string MitigationFinding(FairnessMitigation m)
    {
        string F(double? v, string fmt = "0.000") => v is { } d ? d.ToString(fmt, Inv) : "—";
        var what = m.Constraint.Replace('_', ' ');
        var gained = m.ObjectiveGivenUp < 0 ? "; the single threshold was not the best one, so meeting the constraint costs nothing here" : "";
        var cost = m.Objective == "accuracy"
            ? $"accuracy {F(m.ObjectiveBefore)} → {F(m.ObjectiveAfter)} ({F(Math.Abs(m.ObjectiveGivenUp ?? 0) * 100, "0.0")} points {(m.ObjectiveGivenUp < 0 ? "gained" : "given up")}{gained})"
            : $"expected cost per row {F(m.ObjectiveBefore, "0.0000")} → {F(m.ObjectiveAfter, "0.0000")} ({(m.ObjectiveGivenUp < 0 ? "" : "+")}{F(m.ObjectiveGivenUp, "0.0000")}{gained})";
        return $"Mitigation on {m.Attribute}: group thresholds meet {what} (spread {F(m.ViolationBefore)} → {F(m.ViolationAfter)}) at {cost}";
    }
}
