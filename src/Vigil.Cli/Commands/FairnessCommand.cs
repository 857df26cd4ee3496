using System.CommandLine;
using System.Globalization;
using Vigil.Analysis.Fairness;
using Vigil.Engine;
using Vigil.Engine.Sources;
using Vigil.Reports;

namespace Vigil.Cli.Commands;

internal static class FairnessCommand
{
    public static Command Create()
    {
        var common = new CommonOptions();
        var sensitive = new Option<string?>("--sensitive") { Description = "Comma-separated columns that hold group membership, e.g. gender,race (required). With two or more, their intersection (gender&race) is audited too." };
        var reference = new Option<string?>("--reference-group") { Description = "The group each attribute is compared with: attr=value, comma-separated (default: each attribute's largest group, as Aequitas)." };
        var threshold = new Option<string?>("--threshold") { Description = "A row is predicted positive when score >= threshold (default 0.5; say the one the model is used with)." };
        var method = new Option<string?>("--method") { Description = "Fairlearn summaries: between_groups (max − min, min / max; default) or to_overall (each group against all rows)." };
        var tau = new Option<string?>("--tau") { Description = "Aequitas' band: a disparity d is fair when tau <= d <= 1/tau (default 0.8: the 80% rule, 0.8–1.25)." };
        var constraint = new Option<string?>("--constraint") { Description = "Mitigation: demographic_parity (default, as Fairlearn's ThresholdOptimizer), equal_opportunity, equalized_odds, or none." };
        var mitigateOn = new Option<string?>("--mitigate-on") { Description = "The attribute whose groups get their own thresholds (default: the first --sensitive column)." };
        var costFp = new Option<string?>("--cost-fp") { Description = "Mitigation: cost of a false positive; with --cost-fn the mitigation minimises expected cost instead of maximising accuracy." };
        var costFn = new Option<string?>("--cost-fn") { Description = "Mitigation: cost of a false negative (default 1 when only --cost-fp is given)." };
        var noProxies = new Option<bool>("--no-proxies") { Description = "Skip the proxies (the tree learner predicting each attribute from the other features)." };
        var proxyRows = new Option<string?>("--proxy-rows") { Description = "Proxies: rows of the seeded sample (default 200000)." };
        var minSize = new Option<string?>("--min-group-size") { Description = "Groups with fewer rows are flagged as too small to trust (default 30)." };
        var cmd = new Command("fairness",
            "Audit a binary classifier for fairness: selection rate, TPR, FPR, FNR, precision, accuracy and ROC AUC per group of each " +
            "--sensitive column and of their intersection, with 95% Wilson intervals; Fairlearn's six summaries (demographic parity, " +
            "equalized odds, equal opportunity: difference and ratio); Aequitas' disparities against a reference group with the " +
            "0.8–1.25 band; whether the other features encode each sensitive attribute (proxies: the tree learner's cross-validated " +
            "AUC and mutual information, so you know whether dropping the column removed the information); and per-group thresholds " +
            "that meet a parity constraint, with the accuracy they cost (Hardt, Price & Srebro; Fairlearn's ThresholdOptimizer).\n\n" +
            "Rows with no sensitive value are a group of their own, (missing). A group without positive labels gets no TPR, FNR or " +
            "ROC AUC, and says why. One grouped query over the log counts every group; only counts per distinct score leave the engine.\n\n" +
            "--fail-on warning exits 1 when any disparity is outside the band; --fail-on error when a selection rate, TPR or FPR is.\n\n" +
            "Examples:\n" +
            "  vigil fairness loans.csv --sensitive gender,race\n" +
            "  vigil fairness loans.csv --sensitive gender,race --reference-group gender=male,race=white --threshold 0.6\n" +
            "  vigil fairness loans.parquet --sensitive race --constraint equalized_odds --cost-fp 1 --cost-fn 5 --format html -o fairness.html\n" +
            "  vigil fairness loans.csv --sensitive gender --method to_overall --no-proxies --format json --fail-on warning");
        common.AddTo(cmd);
        foreach (var o in new Option[] { sensitive, reference, threshold, method, tau, constraint, mitigateOn, costFp, costFn, noProxies, proxyRows, minSize }) cmd.Options.Add(o);
        cmd.SetAction(p =>
        {
            var format = common.OutputFormat(p);
            var failOn = FailOn.Parse(p.GetValue(common.FailOn), "fairness");
            var sens = p.GetValue(sensitive) ?? throw new VigilInputException("--sensitive is required: name the columns that hold group membership (comma-separated, e.g. --sensitive gender,race)");
            var m = p.GetValue(method);
            var c = p.GetValue(constraint);
            var options = new FairnessAuditOptions
            {
                Mapping = common.Mapping(p),
                Sensitive = Split(sens),
                ReferenceGroups = References(p.GetValue(reference)),
                Threshold = p.GetValue(threshold) is { } t ? CommonOptions.ParseProbability(t, "--threshold", 0.5) : null,
                Method = m is null ? Statistics.Fairness.DisparityMethod.BetweenGroups
                    : FairnessNames.Method(m) ?? throw new VigilInputException($"--method: '{m}' is not a method; expected between_groups or to_overall"),
                Tau = CommonOptions.ParseDouble(p.GetValue(tau), "--tau", 0.8),
                Constraint = c is null ? Statistics.Fairness.FairnessConstraint.DemographicParity
                    : c.Trim().Equals("none", StringComparison.OrdinalIgnoreCase) ? null
                    : FairnessNames.Constraint(c) ?? throw new VigilInputException($"--constraint: '{c}' is not a constraint; expected demographic_parity, equal_opportunity, equalized_odds or none"),
                MitigateOn = p.GetValue(mitigateOn),
                CostFp = p.GetValue(costFp) is { } fp ? CommonOptions.ParseDouble(fp, "--cost-fp", 1) : null,
                CostFn = p.GetValue(costFn) is { } fn ? CommonOptions.ParseDouble(fn, "--cost-fn", 1) : null,
                Proxies = !p.GetValue(noProxies),
                ProxyRows = p.GetValue(proxyRows) is { } pr ? Int(pr, "--proxy-rows") : 200_000,
                MinimumGroupSize = p.GetValue(minSize) is { } ms ? Int(ms, "--min-group-size") : 30,
            };
            var target = common.OutTarget(p, common.InputFiles(p));
            using var source = SourceOpener.Open(common.Source(p));
            Vigil.Analysis.Results.FairnessResult result;
            using (var progress = new ConsoleProgress(!p.GetValue(common.Quiet), () => source.Engine.Progress))
                result = FairnessAnalysis.Run(source, options, progress);
            ReportOutput.Write(format, target, (w, con) => ReportWriter.Write(result, format, w, con));
            Wrote.Say(target, FairnessReport.Verdict(result), p.GetValue(common.Quiet));
            return FailOn.Exit(failOn.Check(result));
        });
        return cmd;
    }

    private static string[] Split(string s) => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static Dictionary<string, string> References(string? s)
    {
        var d = new Dictionary<string, string>(StringComparer.Ordinal);
        if (s is null) return d;
        foreach (var item in Split(s))
        {
            var eq = item.IndexOf('=');
            if (eq <= 0 || eq == item.Length - 1)
                throw new VigilInputException($"--reference-group: '{item}' is not attr=value (e.g. --reference-group gender=male,race=white)");
            d[item[..eq].Trim()] = item[(eq + 1)..].Trim();
        }
        return d;
    }

    private static int Int(string s, string flag) =>
        int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : throw new VigilInputException($"{flag}: '{s}' is not a whole number");
}
