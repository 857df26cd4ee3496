using System.CommandLine;
using Vigil.Monitoring.Config;
using Vigil.Server.Metrics;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil grafana --config vigil.yaml [--out dashboard.json]</c>: a Grafana dashboard over vigil serve's metrics.</summary>
internal static class GrafanaCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The service's configuration (its models and monitors give the per-model rows and thresholds).", DefaultValueFactory = _ => "vigil.yaml" };
        var output = new Option<string?>("--out", "-o") { Description = "Write the dashboard to this file (default: standard output)." };
        var title = new Option<string>("--title") { Description = "The dashboard's title (default \"Vigil: model monitoring\").", DefaultValueFactory = _ => "Vigil: model monitoring" };
        var cmd = new Command("grafana",
            "Write a Grafana dashboard (JSON, schema 39) over the Prometheus metrics `vigil serve` exports at /metrics: traffic by model " +
            "and version, latency quantiles, error rate, alerts firing, monitor values, feature drift, estimated performance, and one " +
            "collapsed row per configured model whose monitor panels draw their thresholds. It has a Prometheus data source variable " +
            "(DS_PROMETHEUS) and a model variable (from the label values of vigil_stored_predictions). Import it in Grafana " +
            "(Dashboards > New > Import) or drop it into a provisioned dashboards folder. Prometheus must scrape vigil serve's /metrics.\n\n" +
            "Example:\n  vigil grafana --config vigil.yaml --out vigil-dashboard.json\n" +
            "  curl -s -u admin:admin -H 'Content-Type: application/json' -d \"{\\\"dashboard\\\": $(cat vigil-dashboard.json), \\\"overwrite\\\": true}\" http://grafana:3000/api/dashboards/db");
        cmd.Options.Add(config);
        cmd.Options.Add(output);
        cmd.Options.Add(title);
        cmd.SetAction(p =>
        {
            // The dashboard never replaces the config it comes from.
            var target = p.GetValue(output) is { } o ? OutputTarget.Check(o, [p.GetValue(config)!]) : null;
            var json = GrafanaDashboard.Write(ServiceConfigLoader.Load(p.GetValue(config)!), p.GetValue(title)!);
            ReportOutput.Write(Vigil.Reports.ReportFormat.Json, target, (w, _) => w.Write(json));
            return Cli.Ok;
        });
        return cmd;
    }
}
