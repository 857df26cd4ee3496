using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Monitoring.Config;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>The dashboard's /evaluation and /quality over a PostgreSQL store: the same SQL and analyses run inside it.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresWindowDataTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pgwindow-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public async Task EvaluationAndQuality_OnAPostgresStore()
    {
        server.Require();
        var reference = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(reference, "amount,country\n0,DE\n50,FR\n100,US\n");
        var config = ServiceConfigLoader.Parse($$"""
            store: {{server.Url}}
            keys:
              - key: pg-key-00001
                scopes: [admin]
            models:
              pg_window:
                task: binary
                reference: {{reference}}
                schema:
                  features:
                    amount: number
                    country: category
            """);
        await using var s = VigilServer.Create(config, "http://127.0.0.1:0");
        await s.StartAsync();
        using var http = new HttpClient { BaseAddress = new Uri(s.Addresses[0]) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "pg-key-00001");

        var r = new Random(3);
        var at = DateTime.UtcNow.AddMinutes(-5).ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);
        var rows = Enumerable.Range(0, 300).Select(i =>
        {
            var label = r.Next(2);
            var score = Math.Round(Math.Clamp(0.5 + (label == 1 ? 0.15 : -0.15) + 0.6 * (r.NextDouble() - 0.5), 0, 1), 3);
            return (Id: $"w{i}", Score: score, Label: label, Amount: i % 30 == 0 ? (double?)null : i % 20 == 1 ? 250 : i % 100, Country: i % 15 == 2 ? "NL" : "DE", Error: i % 10 == 0);
        }).ToList();
        var body = "[" + string.Join(",", rows.Select(x =>
            $$"""{"id": "{{x.Id}}", "timestamp": "{{at}}", "score": {{x.Score.ToString("R", CultureInfo.InvariantCulture)}}, "label": {{x.Label}}, "error": {{(x.Error ? "true" : "false")}}, "latency_ms": 5, "features": {"amount": {{x.Amount?.ToString(CultureInfo.InvariantCulture) ?? "null"}}, "country": "{{x.Country}}"} }""")) + "]";
        using (var resp = await http.PostAsync("/v1/models/pg_window/predictions", new StringContent(body, Encoding.UTF8, "application/json")))
            Assert.Equal(System.Net.HttpStatusCode.Accepted, resp.StatusCode);

        using var evaluation = JsonDocument.Parse(await http.GetStringAsync("/v1/models/pg_window/evaluation?window=1h"));
        Assert.Equal(300, evaluation.RootElement.GetProperty("rows").GetInt64());
        // ROC AUC by its definition: the share of (positive, negative) pairs ranked right, ties counting half.
        var pos = rows.Where(x => x.Label == 1).Select(x => x.Score).ToList();
        var neg = rows.Where(x => x.Label == 0).Select(x => x.Score).ToList();
        var auc = pos.Sum(p => neg.Sum(n => p > n ? 1.0 : p == n ? 0.5 : 0.0)) / (pos.Count * (double)neg.Count);
        Assert.Equal(auc, evaluation.RootElement.GetProperty("metrics").GetProperty("roc_auc").GetDouble(), 12);

        using var quality = JsonDocument.Parse(await http.GetStringAsync("/v1/models/pg_window/quality?window=1h"));
        var findings = quality.RootElement.GetProperty("findings").EnumerateArray()
            .ToDictionary(f => f.GetProperty("check").GetString()!, f => f.GetProperty("count").GetInt64());
        Assert.Equal(rows.Count(x => x.Error), findings["errors"]);
        Assert.Equal(rows.Count(x => x.Amount is null), findings["null_values"]);
        Assert.Equal(rows.Count(x => x.Amount > 100), findings["out_of_range"]);
        Assert.Equal(rows.Count(x => x.Country == "NL"), findings["unseen_category"]);
        Assert.False(findings.ContainsKey("missing_latency"));
    }
}
