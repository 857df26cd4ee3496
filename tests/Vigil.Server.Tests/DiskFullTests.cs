using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests;

/// <summary>The store's disk fills up in the middle of ingest: batches it cannot take are answered 503 (not 500, and
/// not 202), and every acknowledged record is there when the service starts again. Needs a small tmpfs mount (root);
/// skipped with the reason otherwise.</summary>
public sealed class DiskFullTests
{
    [SkippableFact]
    public async Task FullDisk_Answers503_AndLosesNothingAcknowledged()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-full-").FullName;
        var (code, output) = Environment.UserName == "root" ? Tools.Run("mount", "-t", "tmpfs", "-o", "size=6m", "tmpfs", dir) : (1, "not root");
        if (code != 0)
        {
            Directory.Delete(dir);
            Skip.If(true, $"cannot mount a small tmpfs to fill ({output.Trim()})");
        }
        try
        {
            var config = ServiceConfigLoader.Parse($"""
                store: {Path.Combine(dir, "vigil.duckdb")}
                keys:
                  - key: full-key-0001
                    scopes: [admin]
                models:
                  m:
                    task: binary
                    schema:
                      features:
                        x: number
                """);
            long acknowledged = 0;
            var statuses = new List<HttpStatusCode>();
            string? refusal = null;
            await using (var server = VigilServer.Create(config, "http://127.0.0.1:0"))
            {
                await server.StartAsync();
                using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "full-key-0001");
                for (var b = 0; b < 300 && statuses.Count(s => s != HttpStatusCode.Accepted) < 5; b++)
                {
                    var body = "[" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"{{\"id\": \"r{b}-{i}\", \"score\": 0.5, \"features\": {{\"x\": {i * 1.2345678}}}}}")) + "]";
                    using var resp = await http.PostAsync("/v1/models/m/predictions", new StringContent(body, Encoding.UTF8, "application/json"));
                    statuses.Add(resp.StatusCode);
                    using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
                    if (resp.StatusCode == HttpStatusCode.Accepted) acknowledged += doc.RootElement.GetProperty("accepted").GetInt64();
                    else refusal ??= doc.RootElement.GetProperty("error").GetString();
                }
            }
            Assert.True(acknowledged > 0, "nothing was acknowledged before the disk filled");
            Assert.Contains(HttpStatusCode.ServiceUnavailable, statuses);
            Assert.All(statuses, s => Assert.True(s is HttpStatusCode.Accepted or HttpStatusCode.ServiceUnavailable, $"answered {s}"));
            Assert.Contains("nothing of it was stored", refusal);
            // Started again on the same (still full) disk: every acknowledged record is there.
            await using (var server = VigilServer.Create(config, "http://127.0.0.1:0"))
            {
                await server.StartAsync();
                using var http = new HttpClient { BaseAddress = new Uri(server.Addresses[0]) };
                http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "full-key-0001");
                using var doc = JsonDocument.Parse(await http.GetStringAsync("/v1/models/m"));
                Assert.Equal(acknowledged, doc.RootElement.GetProperty("predictions").GetInt64());
            }
        }
        finally
        {
            Tools.Run("umount", dir);
            Directory.Delete(dir, true);
        }
    }
}
