using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Engine.DuckDb;
using Vigil.Monitoring.Config;
using Vigil.Server.Alerts;
using Vigil.Server.Ingest;
using Vigil.Server.Monitors;
using Vigil.Server.Metrics;
using Vigil.Server.Store;

namespace Vigil.Server;

/// <summary>
/// <c>vigil serve</c>: the ingest API (predictions and late labels, durable before they are acknowledged), the query
/// API, health checks and Prometheus metrics over a <see cref="PredictionStore"/> (docs/service.md).
/// </summary>
public sealed partial class VigilServer : IAsyncDisposable
{
    /// <summary>The largest request body accepted.</summary>
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>The response options (Endpoints/WireJson.cs), for the open-ended bodies (the canary comparison).</summary>
    private static JsonSerializerOptions Json => Wire.Options;

    private readonly WebApplication _app;
    private readonly PredictionStore _store;

    /// <summary>The server's store (for the tests).</summary>
    internal PredictionStore Store => _store;
    private readonly ServiceConfig _config;
    private readonly Dictionary<string, ModelStats> _stats;

    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private readonly MonitorRunner _monitors;
    private readonly WindowMetrics _windows;
    private readonly Notifiers _notifiers;

    private readonly Action<string> _log;

    private VigilServer(WebApplication app, PredictionStore store, ServiceConfig config, Action<string> log)
    {
        _log = log;
        _app = app;
        _store = store;
        _config = config;
        _stats = config.Models.ToDictionary(m => m.Name, _ => new ModelStats(), StringComparer.Ordinal);
        // Alerts, incidents, silences and every notification's delivery are kept in the store (a restart does not page again).
        _notifiers = new Notifiers(config, _http, log) { Store = store };
        _windows = new WindowMetrics(store);
        _monitors = new MonitorRunner(config, _windows, _notifiers, log, store);
        MapHealth(app);
        MapMetrics(app);
        MapIngest(app);
        MapModels(app);
        MapAlerts(app);
        MapSilences(app);
        MapFleet(app);
        MapAccess(app);
        MapWindowData(app);
        MapPages(app);
    }

    /// <summary>Every mapped route's pattern (for the OpenAPI test), constraints left out; a group's root ("/v1/alerts" +
    /// "", which routing writes "/v1/alerts/" and matches with or without the slash) without its trailing slash.</summary>
    internal IReadOnlyList<string> Routes =>
        _app.Services.GetRequiredService<Microsoft.AspNetCore.Routing.EndpointDataSource>().Endpoints
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Select(e => System.Text.RegularExpressions.Regex.Replace(e.RoutePattern.RawText ?? "", @":[a-z]+\}", "}"))
            .Select(r => r.Length > 1 ? r.TrimEnd('/') : r)
            .Distinct().ToList();

    /// <summary>The monitors (their latest readings and the alert engine).</summary>
    internal MonitorRunner Monitors => _monitors;

    /// <summary>The notifiers and their delivery log.</summary>
    internal Notifiers Deliveries => _notifiers;

    /// <summary>The addresses the server listens on (with the port chosen when it was 0).</summary>
    public IReadOnlyList<string> Addresses =>
        _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToList() ?? [];

    /// <summary>Builds the server: opens (or creates) the store; bad config or store is a <see cref="VigilInputException"/>.</summary>
    public static VigilServer Create(ServiceConfig config, string urls, bool quiet = true)
    {
        ArgumentNullException.ThrowIfNull(config);
        var store = PredictionStore.Open(config);
        try
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls(urls);
            builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxBodyBytes);
            builder.Logging.ClearProviders();
            if (!quiet) builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            Action<string> log = quiet ? _ => { } : line => Console.Error.WriteLine($"{DateTime.UtcNow:yyyy-MM-ddTHH:mm:ssZ} {line}");
            return new VigilServer(app, store, config, log);
        }
        catch
        {
            store.Dispose();
            throw;
        }
    }

    public async Task StartAsync(CancellationToken ct = default)
    {
        await _app.StartAsync(ct).ConfigureAwait(false);
        _monitors.Start();
    }

    public Task WaitForShutdownAsync(CancellationToken ct = default) => Microsoft.Extensions.Hosting.HostingAbstractionsHostExtensions.WaitForShutdownAsync(_app, ct);

    public async ValueTask DisposeAsync()
    {
        await _monitors.DisposeAsync().ConfigureAwait(false);
        await _notifiers.Drain().ConfigureAwait(false);
        _http.Dispose();
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _store.Dispose();
    }

    private static IResult Error(int status, string message, IReadOnlyList<RecordErrorJson>? records = null) =>
        Results.Json(new ErrorJson(message, records), Wire.Of<ErrorJson>(), statusCode: status);

    private IResult NotFound(string model) =>
        Error(404, $"no model '{model}'; the configured models are {string.Join(", ", _config.Models.Select(m => m.Name))}");


}
