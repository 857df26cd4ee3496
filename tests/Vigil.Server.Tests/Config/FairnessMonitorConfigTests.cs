using Vigil.Engine;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Config;

/// <summary><c>type: fairness</c> in vigil.yaml: read as documented, and every mistake (an unknown rate, min_ratio
/// outside (0, 1], a baseline key not attribute=value, a non-binary model, no attribute) is one line naming the file
/// and line.</summary>
public sealed class FairnessMonitorConfigTests
{
    private static string Yaml(string task, string monitor) =>
        "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  loans:\n    task: " + task + "\n    schema:\n      features: {race: category, income: number}\n" +
        "    monitors:\n      - name: fair-race\n        type: fairness\n" + monitor;

    private static string Error(string yaml) => Assert.Throws<VigilInputException>(() => ServiceConfigLoader.Parse(yaml, "vigil.yaml")).Message;

    [Fact]
    public void Monitor_ReadsAsDocumented()
    {
        var c = ServiceConfigLoader.Parse(Yaml("binary",
            "        attribute: race\n        rate: tpr\n        window: 1d\n        every: 1h\n        threshold: 0.7\n        min_ratio: 0.75\n        reference_group: white\n" +
            "        baseline: {race=black: 0.19, race=white: 0.48}\n        max_drift: 0.1\n        min_group_rows: 50\n        severity: P1\n"));
        var m = c.Models[0].Monitors[0];
        Assert.Equal((MonitorType.Fairness, "fairness(race)", "P1", TimeSpan.FromDays(1), TimeSpan.FromHours(1), false), (m.Type, m.Metric, m.Severity, m.Window, m.Every, m.HasThreshold));
        var f = m.Fairness!;
        Assert.Equal(("race", "tpr", 0.7, 0.75, "white", 0.1, 50L), (f.Attribute, f.Rate, f.Threshold, f.MinRatio, f.ReferenceGroup, f.MaxDrift, f.MinGroupRows));
        Assert.Equal(new Dictionary<string, double> { ["black"] = 0.19, ["white"] = 0.48 }, f.Baseline);

        var rules = PrometheusRules.Write(c);
        Assert.Contains("expr: \"vigil_monitor_breached{model=\\\"loans\\\", monitor=\\\"fair-race\\\"} == 1\"", rules);
        Assert.Contains("min_ratio of the reference group's", rules);

        var d = ServiceConfigLoader.Parse(Yaml("binary", "        attribute: race\n")).Models[0].Monitors[0].Fairness!;
        Assert.Equal(("fpr", 0.5, 0.8, (string?)null, 0.05, 30L, 0), (d.Rate, d.Threshold, d.MinRatio, d.ReferenceGroup, d.MaxDrift, d.MinGroupRows, d.Baseline.Count));
    }

    [Fact]
    public void Mistakes_AreOneLineNamingTheFileAndLine()
    {
        (string Yaml, string Expected)[] cases =
        [
            (Yaml("binary", "        attribute: race\n        rate: auc\n"),
                "vigil.yaml: line 13: rate: 'auc' is not a rate; expected one of selection_rate, tpr, fpr, fnr, precision, accuracy"),
            (Yaml("binary", "        attribute: race\n        min_ratio: 1.25\n"), "vigil.yaml: line 13: min_ratio: '1.25' is outside (0, 1]"),
            (Yaml("binary", "        attribute: race\n        min_ratio: 0\n"), "vigil.yaml: line 13: min_ratio: '0' is outside (0, 1]"),
            (Yaml("binary", "        attribute: race\n        baseline:\n          black: 0.19\n"),
                "vigil.yaml: line 14: baseline: 'black' is not of the form attribute=value (e.g. race=black)"),
            (Yaml("binary", "        attribute: race\n        baseline:\n          sex=f: 0.19\n"),
                "vigil.yaml: line 14: baseline: 'sex=f' names attribute 'sex'; the monitor's attribute is 'race'"),
            (Yaml("regression", "        attribute: race\n"),
                "vigil.yaml: line 11: monitor 'fair-race': fairness monitors are for binary classifiers; model 'loans' is regression"),
            (Yaml("binary", "        rate: fpr\n"), "vigil.yaml: line 10: monitor 'fair-race' needs 'attribute:'"),
            (Yaml("binary", "        attribute: age\n"), "vigil.yaml: line 12: monitor 'fair-race': attribute 'age' is not a feature in the schema of 'loans' (it has race, income)"),
            (Yaml("binary", "        attribute: race\n        threshold: {min: 0.8}\n"),
                "vigil.yaml: line 13: monitor 'fair-race': a fairness monitor's threshold is the score threshold (a number)"),
            ("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    monitors:\n      - name: a\n        metric: roc_auc\n        attribute: race\n        threshold: {min: 1}\n",
                "vigil.yaml: line 10: monitor 'a': 'attribute' is a key of 'type: fairness' monitors"),
        ];
        foreach (var (yaml, expected) in cases)
        {
            var e = Error(yaml);
            Assert.StartsWith(expected, e, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", e, StringComparison.Ordinal);
        }
    }
}
