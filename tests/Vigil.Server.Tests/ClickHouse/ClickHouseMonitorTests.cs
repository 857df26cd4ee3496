using Vigil.Server.Store;
using Vigil.Server.Tests.Monitors;
using Vigil.Server.Tests.Store;
using Vigil.Testing.ClickHouse;

namespace Vigil.Server.Tests.ClickHouse;

/// <summary>The monitors that read more than a window's aggregates, over a ClickHouse store on the two-shard cluster:
/// fairness, estimated performance (binary, multiclass, regression) and the dashboard's /evaluation and /quality. The
/// scenarios are the ones the DuckDB and PostgreSQL stores pass, with the same expected numbers.</summary>
[Collection(ClickHouseCollection.Name)]
public sealed class ClickHouseMonitorTests(ClickHouseCluster cluster) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-chmon-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private string Url => ClusterStore.Url(cluster, _dir);

    private void Drop(string model) => ClusterStore.Drop(cluster, model);

    [SkippableFact]
    public async Task Fairness_CloseRatesAreQuiet_AndADriftFromTheBaselineBreaches()
    {
        cluster.Require();
        Drop("ch_fairness");
        var config = FairnessMonitorTests.Config(Url, "ch_fairness", FairnessMonitorTests.DriftMonitor);
        using var store = PredictionStore.Open(config);
        await FairnessMonitorTests.CloseRatesAndDrift(store, config.Models[0]);
    }

    [SkippableFact]
    public async Task Estimate_EqualsVigilEstimate_AndTheRealizedValueFollowsTheLabels()
    {
        cluster.Require();
        Drop("ch_estimate");
        await StoreScenarios.EstimateFollowsTheLabels(Url, "ch_estimate", _dir);
    }

    [SkippableFact]
    public async Task Multiclass_EstimateEqualsVigilEstimate_OnTheProbabilityColumns()
    {
        cluster.Require();
        Drop("ch_animals");
        var reference = TaskEstimateData.MulticlassReference(_dir);
        await TaskEstimateTests.MulticlassRoundTrip(TaskEstimateTests.MulticlassConfig(Url, reference, model: "ch_animals"), reference, _dir);
        Assert.Equal("proba_a\tNullable(Float64)\nproba_b\tNullable(Float64)\nproba_c\tNullable(Float64)\n",
            cluster.Sql(1, "SELECT name, type FROM system.columns WHERE table = 'predictions_ch_animals_local' AND name LIKE 'proba_%' ORDER BY name"));
    }

    [SkippableFact]
    public async Task Regression_EstimateEqualsVigilEstimate()
    {
        cluster.Require();
        Drop("ch_prices");
        var reference = TaskEstimateData.RegressionReference(_dir);
        await TaskEstimateTests.RegressionRoundTrip(TaskEstimateTests.RegressionConfig(Url, reference, model: "ch_prices"), reference, _dir);
    }

    [SkippableFact]
    public async Task EvaluationAndQuality_OnAClickHouseStore()
    {
        cluster.Require();
        Drop("ch_window");
        await StoreScenarios.EvaluationAndQuality(Url, "ch_window", _dir);
    }
}
