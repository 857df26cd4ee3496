using System.CommandLine;
using Vigil.Monitoring.Config;
using Vigil.Server;
using Vigil.Server.Demo;

namespace Vigil.Cli.Commands;

/// <summary><c>vigil serve --config vigil.yaml [--urls URL]</c>: the monitoring service (docs/service.md).</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var config = new Option<string>("--config") { Description = "The service's configuration (see docs/service.md).", DefaultValueFactory = _ => "vigil.yaml" };
        var urls = new Option<string>("--urls") { Description = "Where to listen (default http://127.0.0.1:5080; port 0 picks a free one).", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
        var cmd = new Command("serve",
            "Run the monitoring service: an ingest API for predictions and late labels (each acknowledged batch is durable), " +
            "a query API, health checks and Prometheus metrics, over an embedded DuckDB store (./vigil-data/ unless the " +
            "config names one), monitors on sliding windows, tiered alerts to webhooks, Slack and PagerDuty, and incidents. " +
            "docs/service.md has a full config and a worked session.\n\n" +
            "Example:\n" +
            "  vigil serve --demo\n" +
            "  vigil serve --config vigil.yaml\n" +
            "  vigil serve --config vigil.yaml --check\n" +
            "  curl -H \"Authorization: Bearer $KEY\" -d '[{\"id\": \"a1\", \"score\": 0.9, \"features\": {\"amount\": 12.5}}]' http://127.0.0.1:5080/v1/models/fraud/predictions");
        var demo = new Option<bool>("--demo")
        {
            Description = "Start with a demo fleet fed by generated traffic (needs no config): 60 models of three tasks and six teams, a day of history " +
                          "sent at start, then live traffic. Most stay healthy; some drift, some degrade after a deployment, some fall silent, one flaps, " +
                          "a few have latency or error problems; after a minute the fraud model ships a worse version. Prints an admin and a read-only key.",
        };
        var demoModels = new Option<int>("--demo-models") { Description = "How many models the demo fleet has (default 60, at least 10).", DefaultValueFactory = _ => 60 };
        var demoDir = new Option<string>("--demo-dir") { Description = "Where the demo keeps its store and reference profile (default ./vigil-serve-demo; emptied at start).", DefaultValueFactory = _ => "vigil-serve-demo" };
        var check = new Option<bool>("--check")
        {
            Description = "Check the config (every key, metric, drift method and reference, as when the service starts) and exit without serving: " +
                          "exit 0 and one line when it is good, else exit 2 and one line naming the file, line and key.",
        };
        cmd.Options.Add(config);
        cmd.Options.Add(urls);
        cmd.Options.Add(check);
        cmd.Options.Add(demo);
        cmd.Options.Add(demoDir);
        cmd.Options.Add(demoModels);
        cmd.SetAction(async (p, ct) =>
        {
            ServeDemo? feeder = null;
            ServiceConfig settings;
            if (p.GetValue(demo))
            {
                feeder = ServeDemo.Prepare(p.GetValue(demoDir)!, new DemoOptions { Models = p.GetValue(demoModels) });
                settings = feeder.Config;
            }
            else settings = ServiceConfigLoader.Load(p.GetValue(config)!);
            if (p.GetValue(check))
            {
                var monitors = settings.Models.Sum(m => m.Monitors.Count);
                Console.WriteLine($"{settings.Source}: ok: {Plural(settings.Models.Count, "model")}, {Plural(monitors, "monitor")}, " +
                                  $"{Plural(settings.Notifiers.Count, "notifier")}; store {settings.Store ?? "./vigil-data/vigil.duckdb"}");
                return Cli.Ok;
            }
            await using var server = VigilServer.Create(settings, p.GetValue(urls)!, quiet: false);
            await server.StartAsync(ct).ConfigureAwait(false);
            var address = server.Addresses[0];
            Console.WriteLine($"vigil serve: listening on {string.Join(", ", server.Addresses)}; models: {string.Join(", ", settings.Models.Select(m => m.Name))}");
            if (feeder is not null)
            {
                feeder.Start(server, line => Console.Error.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}"));
                var fleet = feeder.Fleet;
                string Count(string? status) => $"{fleet.Count(m => m.Expected == status)}";
                Console.WriteLine($"""
                    demo: {fleet.Count} models ({string.Join(", ", fleet.GroupBy(m => m.Task).Select(g => $"{g.Count()} {g.Key.ToString().ToLowerInvariant()}"))}) of teams {string.Join(", ", fleet.Select(m => m.Team).Distinct())};
                          a day of history goes in first (20 to 40 s), then live traffic every 2 s. Once the monitors have run:
                          {Count("critical")} critical, {Count("warning")} warning, {Count("no_data")} silent, {Count("ok")} ok, 1 flapping; after a minute
                          {fleet[0].Name} {fleet[0].Story} (alerts are logged below).
                    demo: API key {feeder.Key} (admin)
                    demo: read-only key {feeder.ReadKey}
                          curl -s -H 'Authorization: Bearer {feeder.ReadKey}' {address}/v1/models
                          curl -s -H 'Authorization: Bearer {feeder.ReadKey}' {address}/v1/alerts
                          curl -s {address}/metrics
                    """);
            }
            Console.Out.Flush();
            try
            {
                await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }
            finally
            {
                if (feeder is not null) await feeder.DisposeAsync().ConfigureAwait(false);
            }
            return Cli.Ok;
        });
        return cmd;
    }

    private static string Plural(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}
