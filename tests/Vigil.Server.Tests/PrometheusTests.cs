using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;
using Vigil.Server.Tests.Config;

namespace Vigil.Server.Tests;

/// <summary>Against Debian's Prometheus: `promtool check rules` accepts what `vigil rules` writes, and a real Prometheus
/// server scrapes /metrics and loads the rules. Skipped with the reason when Prometheus is not installed, except under
/// CI=true, where it must be.</summary>
public sealed class PrometheusTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-prom-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static void RequireTool(string tool)
    {
        var found = Environment.GetEnvironmentVariable("PATH")!.Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
        if (found) return;
        var reason = $"{tool} is not installed (Debian: apt-get install prometheus)";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            throw new InvalidOperationException(reason + " (CI=true: Prometheus tests must run)");
        Skip.If(true, reason);
    }

    [SkippableFact]
    public void Rules_PassPromtool()
    {
        RequireTool("promtool");
        var config = ServiceConfigLoaderTests.LoadExample(_dir);
        var path = Path.Combine(_dir, "rules.yml");
        File.WriteAllText(path, PrometheusRules.Write(config));
        var (code, output) = Tools.Run("promtool", "check", "rules", path);
        Assert.True(code == 0, output);
        Assert.Contains("SUCCESS: 2 rules found", output);
        var text = File.ReadAllText(path);
        Assert.Contains("vigil_monitor_value{model=\\\"fraud\\\", monitor=\\\"auc\\\"} < 0.75", text);
        Assert.Contains("vigil_monitor_breached{model=\\\"fraud\\\", monitor=\\\"amount-drift\\\"} == 1", text);
        Assert.Contains("for: 10m", text);
        Assert.Contains("severity: P1", text);
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        var port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    [SkippableFact]
    public async Task PrometheusScrapesTheMetrics_AndLoadsTheRules()
    {
        RequireTool("prometheus");
        var config = ServiceConfigLoader.Parse($$"""
            store: {{Path.Combine(_dir, "store.duckdb")}}
            keys:
              - key: prom-key-0001
                scopes: [admin]
            models:
              fraud:
                task: binary
                monitors:
                  - name: volume
                    metric: volume
                    window: 1m
                    every: 1s
                    threshold:
                      min: 1
            """);
        await using var server = VigilServer.Create(config, "http://127.0.0.1:0");
        await server.StartAsync();
        var address = new Uri(server.Addresses[0]);
        using (var http = new HttpClient { BaseAddress = address })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "prom-key-0001");
            var resp = await http.PostAsync("/v1/models/fraud/predictions", new StringContent("""[{"id": "a", "score": 0.5, "version": "v1"}, {"id": "b", "score": 0.7, "version": "v1"}]""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.Accepted, resp.StatusCode);
        }
        File.WriteAllText(Path.Combine(_dir, "rules.yml"), PrometheusRules.Write(config));
        File.WriteAllText(Path.Combine(_dir, "prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [{Path.Combine(_dir, "rules.yml")}]
            scrape_configs:
              - job_name: vigil
                static_configs:
                  - targets: ["{address.Host}:{address.Port}"]
            """);
        var port = FreePort();
        var psi = new ProcessStartInfo("prometheus") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { $"--config.file={Path.Combine(_dir, "prometheus.yml")}", $"--storage.tsdb.path={Path.Combine(_dir, "tsdb")}", $"--web.listen-address=127.0.0.1:{port}" })
            psi.ArgumentList.Add(a);
        using var prometheus = Process.Start(psi)!;
        var log = new StringBuilder();
        prometheus.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        prometheus.BeginErrorReadLine();
        prometheus.BeginOutputReadLine();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
            JsonElement result = default;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (DateTime.UtcNow < deadline)
            {
                try
                {
                    using var doc = JsonDocument.Parse(await client.GetStringAsync("/api/v1/query?query=vigil_predictions_total"));
                    result = doc.RootElement.GetProperty("data").GetProperty("result").Clone();
                    if (result.GetArrayLength() > 0) break;
                }
                catch (HttpRequestException)
                {
                }
                await Task.Delay(500);
            }
            Assert.True(result.ValueKind == JsonValueKind.Array && result.GetArrayLength() > 0, "Prometheus never scraped vigil_predictions_total: " + log);
            var sample = result[0];
            Assert.Equal("fraud", sample.GetProperty("metric").GetProperty("model").GetString());
            Assert.Equal("v1", sample.GetProperty("metric").GetProperty("version").GetString());
            Assert.Equal("2", sample.GetProperty("value")[1].GetString());
            using var rules = JsonDocument.Parse(await client.GetStringAsync("/api/v1/rules"));
            var group = rules.RootElement.GetProperty("data").GetProperty("groups")[0];
            Assert.Equal("vigil-fraud", group.GetProperty("name").GetString());
            Assert.Equal("VigilFraudVolume", group.GetProperty("rules")[0].GetProperty("name").GetString());
        }
        finally
        {
            prometheus.Kill(entireProcessTree: true);
            await prometheus.WaitForExitAsync();
        }
    }
}
