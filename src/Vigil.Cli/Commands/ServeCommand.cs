using System.CommandLine;
using Vigil.Monitoring.Config;
using Vigil.Server;

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
            "config names one). This is the service's first part: monitors, alerts and notifiers are read from the config " +
            "but not yet run (docs/service.md says what is there).\n\n" +
            "Example:\n" +
            "  vigil serve --config vigil.yaml\n" +
            "  curl -H 'Authorization: Bearer $KEY' -d '[{\"id\": \"a1\", \"score\": 0.9, \"features\": {\"amount\": 12.5}}]' http://127.0.0.1:5080/v1/models/fraud/predictions");
        cmd.Options.Add(config);
        cmd.Options.Add(urls);
        cmd.SetAction(async (p, ct) =>
        {
            var settings = ServiceConfigLoader.Load(p.GetValue(config)!);
            await using var server = VigilServer.Create(settings, p.GetValue(urls)!, quiet: false);
            await server.StartAsync(ct).ConfigureAwait(false);
            Console.WriteLine($"vigil serve: listening on {string.Join(", ", server.Addresses)}; models: {string.Join(", ", settings.Models.Select(m => m.Name))}");
            Console.Out.Flush();
            await server.WaitForShutdownAsync(ct).ConfigureAwait(false);
            return Cli.Ok;
        });
        return cmd;
    }
}
