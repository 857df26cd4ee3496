using System.CommandLine;
using Vigil.Monitoring.Config;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil rules --config vigil.yaml [--out rules.yml]</c>: Prometheus alerting rules for the monitors.</summary>
internal static class RulesCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The service's configuration.", DefaultValueFactory = _ => "vigil.yaml" };
        var output = new Option<string?>("--out", "-o") { Description = "Write the rules to this file (default: standard output)." };
        var cmd = new Command("rules",
            "Write Prometheus alerting rules equivalent to the configured monitors, for routing through Alertmanager: " +
            "static thresholds compare vigil_monitor_value, rolling thresholds and drift decisions read vigil_monitor_breached; " +
            "'for' and the severity carry over. Check them with `promtool check rules`.\n\n" +
            "Example:\n  vigil rules --config vigil.yaml --out vigil-rules.yml && promtool check rules vigil-rules.yml");
        cmd.Options.Add(config);
        cmd.Options.Add(output);
        cmd.SetAction(p =>
        {
            // The rules never replace the config they come from.
            var target = p.GetValue(output) is { } o ? OutputTarget.Check(o, [p.GetValue(config)!]) : null;
            var rules = PrometheusRules.Write(ServiceConfigLoader.Load(p.GetValue(config)!));
            ReportOutput.Write(Vigil.Reports.ReportFormat.Markdown, target, (w, _) => w.Write(rules));
            return Cli.Ok;
        });
        return cmd;
    }
}
