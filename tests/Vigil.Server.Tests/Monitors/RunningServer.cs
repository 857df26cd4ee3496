using System.Net.Http.Headers;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Monitors;

/// <summary>What the monitor tests that start a real server share.</summary>
internal static class RunningServer
{
    /// <summary>The server's loop evaluates every monitor a second after it starts (then every <c>every</c>), at the real
    /// time: wait for that round, so that it cannot land between a test's own evaluations (under load it did, and
    /// resolved the alert the test had just fired).</summary>
    public static async Task FirstRound(VigilServer server, ModelConfig model)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (model.Monitors.Any(m => !server.Monitors.Readings.Any(r => r.Model == model.Name && r.Monitor == m.Name)))
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException("the monitors' first round did not run within 60 s");
            await Task.Delay(50);
        }
    }

    /// <summary>A client of the server with the configs' admin key (admin-key-0001).</summary>
    public static HttpClient AdminClient(VigilServer server)
    {
        var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "admin-key-0001");
        return http;
    }
}
