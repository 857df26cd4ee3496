using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Evaluation;
using Vigil.Engine.Sources;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Access;

/// <summary><c>/v1/models/{model}/evaluation</c> and <c>/quality</c>: one model's rows in the window, and only them.</summary>
public sealed class WindowDataTests : IAsyncLifetime
{
    private const string IngestKey = "ingest-key-0001";
    private const string ReadKey = "read-key-0001";
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-window-").FullName;
    private readonly DateTime _now = DateTime.UtcNow;
    private VigilServer? _server;
    private HttpClient _http = new();

    public async Task InitializeAsync()
    {
        // The shop model's reference: amount in [0, 100], country one of DE, FR, US.
        var reference = Path.Combine(_dir, "reference.csv");
        File.WriteAllText(reference, "amount,country\n" + string.Join("\n", Enumerable.Range(0, 101).Select(i => $"{i},{new[] { "DE", "FR", "US" }[i % 3]}")) + "\n");
        var config = ServiceConfigLoader.Parse($$"""
            store: {{Path.Combine(_dir, "store.duckdb")}}
            keys:
              - key: {{IngestKey}}
                scopes: [ingest]
              - key: {{ReadKey}}
                scopes: [read]
            models:
              fraud:
                task: binary
                schema:
                  features:
                    country: category
              shop:
                task: binary
                reference: {{reference}}
                schema:
                  features:
                    amount: number
                    country: category
              plain:
                task: binary
                schema:
                  features:
                    amount: number
              prices:
                task: regression
              kinds:
                task: multiclass
            """);
        _server = VigilServer.Create(config, "http://127.0.0.1:0");
        await _server.StartAsync();
        _http = new HttpClient { BaseAddress = new Uri(_server.Addresses[0]) };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ReadKey);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_dir, true);
    }

    private async Task Ingest(string model, IEnumerable<string> records)
    {
        using var req = new HttpRequestMessage(HttpMethod.Post, $"/v1/models/{model}/predictions") { Content = new StringContent("[" + string.Join(",", records) + "]", Encoding.UTF8, "application/json") };
        req.Headers.Authorization = new AuthenticationHeaderValue("Bearer", IngestKey);
        using var resp = await _http.SendAsync(req);
        Assert.Equal(HttpStatusCode.Accepted, resp.StatusCode);
    }

    private async Task<(HttpStatusCode Status, JsonElement Body)> Get(string path)
    {
        using var resp = await _http.GetAsync(path);
        return (resp.StatusCode, JsonDocument.Parse(await resp.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private static string Time(DateTime t) => t.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    /// <summary>tests/Vigil.Analysis.Tests/Fixtures/<paramref name="name"/> (scikit-learn's values, tools/golden).</summary>
    private static string AnalysisFixture(string name)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var path = Path.Combine(dir.FullName, "tests", "Vigil.Analysis.Tests", "Fixtures", name);
            if (File.Exists(path)) return path;
        }
        throw new FileNotFoundException($"no tests/Vigil.Analysis.Tests/Fixtures/{name} above {AppContext.BaseDirectory}");
    }

    private sealed record Row(string Id, string Version, double Score, int? Label, string Country, DateTime At);

    /// <summary>eval_binary.csv's rows that have a score (a prediction without one cannot be sent), an hour ago.</summary>
    private List<Row> EvalRows()
    {
        var rows = new List<Row>();
        var lines = File.ReadAllLines(AnalysisFixture("eval_binary.csv"));
        for (var i = 1; i < lines.Length; i++)
        {
            var f = lines[i].Split(',');
            if (f[2].Length == 0) continue;
            rows.Add(new Row(f[0], f[1], double.Parse(f[2], CultureInfo.InvariantCulture), f[3].Length == 0 ? null : int.Parse(f[3], CultureInfo.InvariantCulture), f[4],
                _now.AddHours(-1).AddMilliseconds(i)));
        }
        return rows;
    }

    private static string Json(Row r) =>
        $$"""{"id": "{{r.Id}}", "version": "{{r.Version}}", "score": {{r.Score.ToString("R", CultureInfo.InvariantCulture)}}, "timestamp": "{{Time(r.At)}}", "features": {"country": "{{r.Country}}"}{{(r.Label is { } l ? $", \"label\": {l}" : "")}}}""";

    [Fact]
    public async Task Evaluation_OfTheWindow_MatchesScikitLearn_AndEvaluateOnTheSameRows()
    {
        var rows = EvalRows();
        await Ingest("fraud", rows.Select(Json));
        // Outside the window: confidently wrong predictions that would pull every metric down.
        await Ingest("fraud", Enumerable.Range(0, 300).Select(i => Json(new Row($"old{i}", "v1", 0.95, 0, "DE", _now.AddDays(-3)))));

        var (status, doc) = await Get("/v1/models/fraud/evaluation?window=24h");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("evaluation", doc.GetProperty("kind").GetString());
        var golden = JsonDocument.Parse(File.ReadAllText(AnalysisFixture("eval_binary.json"))).RootElement;
        Assert.Equal(golden.GetProperty("rows").GetInt64(), doc.GetProperty("rows").GetInt64()); // 2,950 labelled rows
        foreach (var m in golden.GetProperty("metrics").EnumerateObject())
            Assert.True(Math.Abs(m.Value.GetDouble() - doc.GetProperty("metrics").GetProperty(m.Name).GetDouble()) < 1e-9,
                $"{m.Name}: scikit-learn {m.Value.GetDouble()}, /evaluation {doc.GetProperty("metrics").GetProperty(m.Name)}");
        foreach (var c in new[] { "tp", "fp", "tn", "fn" })
            Assert.Equal(golden.GetProperty("confusion").GetProperty(c).GetInt64(), doc.GetProperty("confusion").GetProperty(c).GetInt64());
        foreach (var part in new[] { "curves", "threshold_table" }) Assert.True(doc.TryGetProperty(part, out _), $"no {part}");
        Assert.True(doc.GetProperty("curves").GetProperty("calibration").GetArrayLength() > 0);

        // vigil evaluate on the same labelled rows, from a file: the same document but for where it came from.
        var csv = Path.Combine(_dir, "window.csv");
        File.WriteAllText(csv, $"{MappingOptions.DefaultId},{MappingOptions.DefaultTimestamp},{MappingOptions.DefaultVersion},{MappingOptions.DefaultScore},{MappingOptions.DefaultLabel},country\n" +
            string.Join("\n", rows.Where(r => r.Label is not null).Select(r => $"{r.Id},{Time(r.At)},{r.Version},{r.Score.ToString("R", CultureInfo.InvariantCulture)},{r.Label},{r.Country}")) + "\n");
        using (var source = SourceOpener.Open(new SourceSpec { Inputs = [csv] }))
        {
            var direct = EvaluationAnalysis.Run(source, new EvaluateOptions { Mapping = new MappingOptions { Task = Analysis.Results.ModelTask.Binary, Features = ["country"] } });
            var expected = JsonDocument.Parse(Reports.JsonReport.ToJson(direct)).RootElement;
            foreach (var p in expected.EnumerateObject().Where(p => p.Name is not ("source" or "columns")))
                Assert.Equal(p.Value.GetRawText(), doc.GetProperty(p.Name).GetRawText());
        }

        // One version: its rows only.
        (_, doc) = await Get("/v1/models/fraud/evaluation?window=24h&version=v2");
        Assert.Equal(rows.Count(r => r.Label is not null && r.Version == "v2"), doc.GetProperty("rows").GetInt64());

        // The old rows alone, by from/to.
        (status, doc) = await Get($"/v1/models/fraud/evaluation?from={Time(_now.AddDays(-4))}&to={Time(_now.AddDays(-2))}");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(300, doc.GetProperty("rows").GetInt64());
        Assert.Equal(300, doc.GetProperty("confusion").GetProperty("fp").GetInt64());
    }

    [Fact]
    public async Task Evaluation_OfRegressionAndMulticlassWindows_MatchesScikitLearn()
    {
        var at = Time(_now.AddMinutes(-10));
        var lines = File.ReadAllLines(AnalysisFixture("eval_regression.csv"));
        await Ingest("prices", lines.Skip(1).Select((l, i) => l.Split(',') is var f ? $$"""{"id": "r{{i}}", "timestamp": "{{at}}", "prediction": {{f[0]}}, "label": {{f[1]}}}""" : ""));
        var (status, doc) = await Get("/v1/models/prices/evaluation?window=1h");
        Assert.Equal(HttpStatusCode.OK, status);
        var golden = JsonDocument.Parse(File.ReadAllText(AnalysisFixture("eval_regression.json"))).RootElement;
        Assert.Equal(golden.GetProperty("rows").GetInt64(), doc.GetProperty("rows").GetInt64());
        foreach (var m in golden.GetProperty("metrics").EnumerateObject())
        {
            var got = doc.GetProperty("metrics").GetProperty(m.Name).GetDouble();
            Assert.True(Math.Abs(m.Value.GetDouble() - got) <= 1e-9 * Math.Max(1, Math.Abs(m.Value.GetDouble())), $"{m.Name}: scikit-learn {m.Value.GetDouble()}, /evaluation {got}");
        }

        lines = File.ReadAllLines(AnalysisFixture("eval_multiclass.csv"));
        await Ingest("kinds", lines.Skip(1).Select((l, i) => l.Split(',') is var f ? $$"""{"id": "k{{i}}", "timestamp": "{{at}}", "prediction": "{{f[1]}}", "label": "{{f[0]}}"}""" : ""));
        (status, doc) = await Get("/v1/models/kinds/evaluation?window=1h");
        Assert.Equal(HttpStatusCode.OK, status);
        golden = JsonDocument.Parse(File.ReadAllText(AnalysisFixture("eval_multiclass.json"))).RootElement;
        Assert.Equal(golden.GetProperty("rows").GetInt64(), doc.GetProperty("rows").GetInt64());
        // The store keeps the predicted class (the probabilities only for a model with classes:), so the class metrics.
        foreach (var name in new[] { "accuracy", "precision_macro", "recall_macro", "f1_macro", "precision_weighted", "recall_weighted", "f1_weighted" })
            Assert.Equal(golden.GetProperty("metrics").GetProperty(name).GetDouble(), doc.GetProperty("metrics").GetProperty(name).GetDouble(), 12);
    }

    [Fact]
    public async Task Evaluation_WithoutLabelledRows_SaysSo_AndBadRequestsAreRefused()
    {
        await Ingest("fraud", ["""{"id": "u1", "score": 0.4}"""]);
        var (status, body) = await Get("/v1/models/fraud/evaluation");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"rows":0,"note":"no labelled predictions in this window"}""", body.GetRawText());
        (status, body) = await Get("/v1/models/fraud/evaluation?window=2h");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.StartsWith("window: '2h' is not a window; expected 1h, 24h, 7d or 30d", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        (status, body) = await Get("/v1/models/fraud/quality?from=2026-12-02T10:00:00Z&to=2026-12-01T10:00:00Z");
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains("is before from", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        (status, body) = await Get("/v1/models/nope/evaluation");
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Contains("no model 'nope'", body.GetProperty("error").GetString(), StringComparison.Ordinal);
        using var anonymous = new HttpClient { BaseAddress = _http.BaseAddress };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/v1/models/fraud/quality")).StatusCode);
    }

    [Fact]
    public async Task Quality_FindsNullsRangesUnseenCategoriesErrorsAndMissingLatency_InTheWindowOnly()
    {
        // 400 predictions in the window, made to break in known ways; the counts are taken from the records below.
        var r = new Random(11);
        var records = new List<(double? Amount, string? Country, bool Error, double? Latency)>();
        for (var i = 0; i < 400; i++)
        {
            double? amount = i % 16 == 7 ? null : i % 25 == 1 ? 150 + i : i % 97 == 2 ? -5 : Math.Round(r.NextDouble() * 100, 2);
            string? country = i % 100 == 3 ? null : i % 50 == 4 ? "XX" : i == 5 ? "YY" : new[] { "DE", "FR", "US" }[i % 3];
            records.Add((amount, country, i % 8 == 0, i % 5 == 0 ? null : 10 + i % 7));
        }
        string Record(int i, (double? Amount, string? Country, bool Error, double? Latency) x, DateTime at) =>
            $$"""{"id": "q{{i}}-{{at.Ticks}}", "score": 0.5, "timestamp": "{{Time(at)}}", "error": {{(x.Error ? "true" : "false")}}, "features": {"amount": {{x.Amount?.ToString("R", CultureInfo.InvariantCulture) ?? "null"}}, "country": {{(x.Country is null ? "null" : $"\"{x.Country}\"")}}}{{(x.Latency is { } l ? $", \"latency_ms\": {l}" : "")}}}""";
        await Ingest("shop", records.Select((x, i) => Record(i, x, _now.AddMinutes(-30))));
        // Before the window: every kind of trouble, none of which may count.
        await Ingest("shop", Enumerable.Range(0, 50).Select(i => Record(i, (null, "ZZ", true, null), _now.AddDays(-2))));

        var (status, body) = await Get("/v1/models/shop/quality?window=1h");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(400, body.GetProperty("rows").GetInt64());
        Assert.Contains("reference.csv", body.GetProperty("reference").GetString(), StringComparison.Ordinal);
        var findings = body.GetProperty("findings").EnumerateArray().ToDictionary(f => $"{f.GetProperty("check").GetString()}/{(f.GetProperty("column").ValueKind == JsonValueKind.Null ? "" : f.GetProperty("column").GetString())}");

        void Expect(string key, long count, double rate, string severity)
        {
            Assert.True(findings.TryGetValue(key, out var f), $"no finding {key}; found {string.Join(", ", findings.Keys)}");
            Assert.Equal(count, f.GetProperty("count").GetInt64());
            Assert.Equal(rate, f.GetProperty("rate").GetDouble(), 12);
            Assert.Equal(severity, f.GetProperty("severity").GetString());
            Assert.False(string.IsNullOrWhiteSpace(f.GetProperty("message").GetString()));
        }
        var n = records.Count;
        var errors = records.Count(x => x.Error);
        Expect("errors/", errors, errors / (double)n, "error"); // 50 of 400: 12.5 %
        var noLatency = records.Count(x => x.Latency is null);
        Expect("missing_latency/", noLatency, noLatency / (double)n, "info");
        var nullAmount = records.Count(x => x.Amount is null);
        Expect("null_values/amount", nullAmount, nullAmount / (double)n, "warning"); // 25 of 400: 6.25 % (warning from 5 %)
        var nullCountry = records.Count(x => x.Country is null);
        Expect("null_values/country", nullCountry, nullCountry / (double)n, "info"); // 4 of 400
        var outside = records.Count(x => x.Amount is < 0 or > 100);
        Expect("out_of_range/amount", outside, outside / (double)(n - nullAmount), "warning");
        var unseen = records.Count(x => x.Country is "XX" or "YY");
        Expect("unseen_category/country", unseen, unseen / (double)(n - nullCountry), "warning");
        Assert.Equal(6, findings.Count);
        Assert.Contains("'XX' (", findings["unseen_category/country"].GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Contains("[0, 100]", findings["out_of_range/amount"].GetProperty("message").GetString(), StringComparison.Ordinal);
        // Most severe first.
        Assert.Equal("error", body.GetProperty("findings")[0].GetProperty("severity").GetString());

        // An empty window, and a model without a reference (nulls and errors still checked, ranges not).
        (_, body) = await Get($"/v1/models/shop/quality?from={Time(_now.AddDays(-10))}&to={Time(_now.AddDays(-9))}");
        Assert.Equal((0L, "no predictions in this window"), (body.GetProperty("rows").GetInt64(), body.GetProperty("note").GetString()));
        await Ingest("plain", ["""{"id": "p1", "score": 0.5, "features": {"amount": 1e9}}""", """{"id": "p2", "score": 0.5, "latency_ms": 3, "features": {"amount": null}}"""]);
        (_, body) = await Get("/v1/models/plain/quality");
        Assert.Contains("no reference", body.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(["null_values/amount", "missing_latency/"], body.GetProperty("findings").EnumerateArray()
            .Select(f => $"{f.GetProperty("check").GetString()}/{(f.GetProperty("column").ValueKind == JsonValueKind.Null ? "" : f.GetProperty("column").GetString())}"));
    }
}
