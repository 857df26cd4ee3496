using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace Vigil.Cli.Tests;

/// <summary>`vigil serve` as an operator runs it: a bad config is one line and exit code 2; a process killed with
/// SIGKILL in the middle of ingest loses no acknowledged record.</summary>
public sealed class ServeCommandTests : IDisposable
{
    private readonly string _dir = VigilProcess.TempDir();

    public void Dispose() => Directory.Delete(_dir, true);

    private string Config()
    {
        var path = Path.Combine(_dir, "vigil.yaml");
        File.WriteAllText(path, $"""
            store: {Path.Combine(_dir, "data", "vigil.duckdb")}
            keys:
              - key: test-key-0001
                scopes: [admin]
            models:
              fraud:
                task: binary
                schema:
                  features:
                    amount: number
            """);
        return path;
    }

    /// <summary>Starts `vigil serve` on a free port and returns the process and its address.</summary>
    private static (Process Process, Uri Address) Start(string config)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        foreach (var a in new[] { "serve", "--config", config, "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        var p = Process.Start(psi)!;
        var line = p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)).GetAwaiter().GetResult()
                   ?? throw new InvalidOperationException("vigil serve ended: " + p.StandardError.ReadToEnd());
        var url = line.Split("listening on ")[1].Split(';')[0].Split(',')[0].Trim();
        return (p, new Uri(url));
    }

    private static async Task<long> Stored(HttpClient http)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync("/v1/models/fraud"));
        return doc.RootElement.GetProperty("predictions").GetInt64();
    }

    [Fact]
    public async Task KilledMidIngest_LosesNoAcknowledgedRecord()
    {
        var config = Config();
        var (p, address) = Start(config);
        long acknowledged = 0;
        using (var http = new HttpClient { BaseAddress = address })
        {
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key-0001");
            var stop = DateTime.UtcNow.AddSeconds(30);
            var batch = 0;
            // Keep posting; kill the process after the 15th acknowledged batch while a request is in flight.
            while (DateTime.UtcNow < stop)
            {
                var body = "[" + string.Join(",", Enumerable.Range(0, 500).Select(i => $"{{\"id\": \"b{batch}-{i}\", \"score\": 0.5, \"features\": {{\"amount\": {i}}}}}")) + "]";
                var send = http.PostAsync("/v1/models/fraud/predictions", new StringContent(body, Encoding.UTF8, "application/json"));
                if (batch == 15) p.Kill(entireProcessTree: true); // SIGKILL
                try
                {
                    using var resp = await send;
                    if ((int)resp.StatusCode == 202)
                    {
                        using var doc = JsonDocument.Parse(await resp.Content.ReadAsStringAsync());
                        acknowledged += doc.RootElement.GetProperty("accepted").GetInt64();
                    }
                }
                catch (HttpRequestException)
                {
                    break; // the server is gone
                }
                batch++;
            }
        }
        await p.WaitForExitAsync();
        Assert.True(acknowledged >= 15 * 500, $"only {acknowledged} acknowledged before the kill");
        var (again, address2) = Start(config);
        try
        {
            using var http = new HttpClient { BaseAddress = address2 };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "test-key-0001");
            var stored = await Stored(http);
            Assert.True(stored >= acknowledged, $"{acknowledged} acknowledged, {stored} stored after the restart");
            Assert.True(stored <= acknowledged + 500, $"{stored} stored, more than was sent");
        }
        finally
        {
            again.Kill(entireProcessTree: true);
            await again.WaitForExitAsync();
        }
    }

    [Fact]
    public async Task Demo_FeedsItsModel_AndPrintsItsKey()
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _dir };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "vigil.dll"));
        foreach (var a in new[] { "serve", "--demo", "--urls", "http://127.0.0.1:0" }) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        try
        {
            var output = new StringBuilder();
            string? key = null;
            string? readKey = null;
            string? address = null;
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while ((key is null || readKey is null) && DateTime.UtcNow < deadline)
            {
                var line = await p.StandardOutput.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(60)) ?? break_();
                output.AppendLine(line);
                if (line.Contains("listening on ", StringComparison.Ordinal)) address = line.Split("listening on ")[1].Split(';')[0].Trim();
                if (line.Contains("API key ", StringComparison.Ordinal)) key = line.Split("API key ")[1].Trim().Split(' ')[0];
                if (line.Contains("read-only key ", StringComparison.Ordinal)) readKey = line.Split("read-only key ")[1].Trim().Split(' ')[0];
            }
            Assert.True(key is not null && address is not null, output.ToString());
            using var http = new HttpClient { BaseAddress = new Uri(address!) };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
            long predictions = 0;
            while (predictions == 0 && DateTime.UtcNow < deadline.AddSeconds(30))
            {
                await Task.Delay(500);
                predictions = await Stored(http);
            }
            Assert.True(predictions > 0, "the demo fed nothing");
            // The read-only key reads the fleet and cannot ingest.
            Assert.NotNull(readKey);
            using var reader = new HttpClient { BaseAddress = new Uri(address!) };
            reader.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", readKey);
            using (var models = JsonDocument.Parse(await reader.GetStringAsync("/v1/models")))
                Assert.Equal(60, models.RootElement.GetProperty("models").GetArrayLength());
            using (var post = await reader.PostAsync("/v1/models/fraud/predictions", new StringContent("[]")))
                Assert.Equal(System.Net.HttpStatusCode.Forbidden, post.StatusCode);
            Assert.True(Directory.Exists(Path.Combine(_dir, "vigil-serve-demo")));
        }
        finally
        {
            p.Kill(entireProcessTree: true);
            await p.WaitForExitAsync();
        }

        static string break_() => throw new InvalidOperationException("vigil serve --demo ended");
    }

    [Fact]
    public void BadConfig_IsOneLineAndExit2()
    {
        var path = Path.Combine(_dir, "bad.yaml");
        File.WriteAllText(path, "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    colour: red\n");
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "serve", "--config", path), "line 7: unknown key 'colour'", _dir);
        VigilProcess.AssertBadInput(VigilProcess.Run(_dir, "serve", "--config", Path.Combine(_dir, "missing.yaml")), "no such config file", _dir);
    }

    /// <summary>What a new user gets wrong in a monitor (a metric's spelling, a feature outside the schema, a drift method,
    /// a reference that is not there) stops `vigil serve` before it listens, and `vigil serve --check` says the same.</summary>
    [Theory]
    [InlineData("metric: roc-auc\n        threshold: {min: 0.8}", "reference: train.csv", "vigil.yaml: line 14: metric: 'roc-auc' is not a metric; expected one of roc_auc, ")]
    [InlineData("metric: drift(zip)", "reference: train.csv", "vigil.yaml: line 14: metric: 'drift(zip)': 'zip' is not a feature in the model's schema (it has amount)")]
    [InlineData("metric: drift(amount)\n        method: psx", "reference: train.csv", "vigil.yaml: line 15: method: 'psx' is not a drift method; expected one of ks, ")]
    [InlineData("metric: drift(amount)", "reference: no-train.csv", "vigil.yaml: line 7: reference: no such file '")]
    public void BadMonitor_StopsServe_AndCheckSaysTheSame(string monitor, string reference, string expected)
    {
        var conf = Directory.CreateDirectory(Path.Combine(_dir, "conf")).FullName;
        File.WriteAllText(Path.Combine(conf, "train.csv"), "amount\n1.5\n2.5\n");
        var path = Path.Combine(conf, "vigil.yaml");
        File.WriteAllText(path, "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\n    " + reference +
                                "\n    schema:\n      features:\n        amount: number\n    monitors:\n      - name: m\n        window: 1h\n        " + monitor + "\n");
        var serve = VigilProcess.Run(_dir, "serve", "--config", path, "--urls", "http://127.0.0.1:0");
        VigilProcess.AssertBadInput(serve, expected.Replace("vigil.yaml", path, StringComparison.Ordinal), _dir);
        var check = VigilProcess.Run(_dir, "serve", "--config", path, "--check");
        VigilProcess.AssertBadInput(check, expected.Replace("vigil.yaml", path, StringComparison.Ordinal), _dir);
        Assert.Equal(serve.Stderr, check.Stderr);
    }

    [Fact]
    public void Check_GoodConfig_SaysOk_AndDoesNotServe()
    {
        var conf = Directory.CreateDirectory(Path.Combine(_dir, "conf")).FullName;
        File.WriteAllText(Path.Combine(conf, "train.csv"), "amount\n1.5\n2.5\n");
        File.WriteAllText(Path.Combine(conf, "vigil.yaml"), "store: data/v.duckdb\nkeys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\n    reference: train.csv\n" +
                                                            "    schema:\n      features:\n        amount: number\n    monitors:\n      - name: m\n        metric: drift(amount)\n        method: psi\n");
        var o = VigilProcess.Run(_dir, "serve", "--config", Path.Combine("conf", "vigil.yaml"), "--check");
        Assert.Equal(0, o.ExitCode);
        Assert.Equal($"{Path.Combine("conf", "vigil.yaml")}: ok: 1 model, 1 monitor, 0 notifiers; store {Path.Combine(conf, "data", "v.duckdb")}", o.Stdout.Trim());
        Assert.False(Directory.Exists(Path.Combine(conf, "data")), "--check opens no store");
    }
}
