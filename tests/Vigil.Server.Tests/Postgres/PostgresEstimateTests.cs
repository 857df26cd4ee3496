using Vigil.Server.Monitors;
using Vigil.Server.Store;
using Vigil.Server.Tests.Monitors;
using Vigil.Testing.Postgres;

namespace Vigil.Server.Tests.Postgres;

/// <summary>The estimated_performance monitor over a PostgreSQL store: the window's per-score counts are PostgreSQL's,
/// and the estimate is still <c>vigil estimate</c>'s on the same rows; the realized value follows the late labels.</summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresEstimateTests(PostgresServer server) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-pgest-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    [SkippableFact]
    public async Task Estimate_EqualsVigilEstimate_AndTheRealizedValueFollowsTheLabels()
    {
        server.Require();
        var reference = EstimateData.Reference(_dir);
        var config = EstimatedPerformanceTests.Config(server.Url, reference, model: "pg_estimate");
        var model = config.Models[0];
        var now = DateTime.UtcNow;
        var rows = EstimateData.Predictions(now, 0, 1500, shifted: false, seed: 7);
        using var store = PredictionStore.Open(config);
        await store.InsertAsync(model.Name, rows.Select(r => r.Record).ToList());
        var windows = new WindowMetrics(store);
        var expected = EstimateData.EstimateAsOneChunk(reference, EstimateData.AnalysisCsv(_dir, rows));
        foreach (var monitor in model.Monitors.Take(3))
        {
            var value = windows.Compute(model, monitor, now);
            var want = expected.Metrics[monitor.Metric];
            Assert.Equal(want.Estimated!.Value, value.Value!.Value, 1e-9);
            Assert.Equal(want.Lower!.Value, value.Estimate!.Lower!.Value, 1e-9);
            Assert.Equal(want.Upper!.Value, value.Estimate.Upper!.Value, 1e-9);
        }

        store.SetLabels(model.Name, rows.Select(r => new LabelRecord(r.Record.Id, (double)r.Label, now)).ToList());
        windows.Compute(model, model.Monitors[0], now.AddSeconds(1));
        var point = windows.Estimates.History(model.Name, "est-auc").Single();
        Assert.Equal((1500L, 1500L), (point.Labelled, point.Predictions));
        Assert.Equal(windows.Compute(model, model.Monitors[3], now).Value!.Value, point.Realized!.Value, 1e-12);
    }
}
