using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Config;

/// <summary>vigil.yaml for the service: a full example reads as documented, and every mistake is one line naming the
/// line and what was expected.</summary>
public sealed class ServiceConfigLoaderTests
{
    internal const string Example = """
        store: ./data/vigil.duckdb
        keys:
          - name: model-service
            key: ingest-key-0001
            scopes: [ingest]
          - name: dashboards
            key: read-key-0001
            scopes: [read]
        models:
          fraud:
            task: binary
            reference: train.csv
            schema:
              features:
                amount: number
                country: category
            monitors:
              - name: auc
                metric: roc_auc
                window: 1h
                every: 5m
                threshold: {min: 0.75}
                severity: P1
                for: 10m
                cooldown: 1h
              - name: amount-drift
                metric: drift(amount)
                method: psi
                threshold: {rolling: 7d, sigma: 3}
                severity: P3
          prices:
            task: regression
            schema:
              features:
                rooms: number
        notifiers:
          - name: oncall
            type: pagerduty
            url: https://events.pagerduty.com/v2/enqueue
            routing_key: abc
            severities: [P1]
          - name: team
            type: slack
            url: https://hooks.slack.com/services/T/B/X
        """;

    /// <summary>Writes <see cref="Example"/> as <c>vigil.yaml</c> with its reference <c>train.csv</c> into
    /// <paramref name="dir"/> and loads it.</summary>
    internal static ServiceConfig LoadExample(string dir)
    {
        File.WriteAllText(Path.Combine(dir, "train.csv"), "amount,country\n12.5,DE\n30.25,FR\n7.75,DE\n");
        File.WriteAllText(Path.Combine(dir, "vigil.yaml"), Example);
        return ServiceConfigLoader.Load(Path.Combine(dir, "vigil.yaml"));
    }

    private static string Error(string yaml) => Assert.Throws<VigilInputException>(() => ServiceConfigLoader.Parse(yaml, "vigil.yaml")).Message;

    [Fact]
    public void FullExample_ReadsAsDocumented()
    {
        var dir = Directory.CreateTempSubdirectory("vigil-cfg-").FullName;
        try
        {
            FullExample(dir);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    private static void FullExample(string dir)
    {
        var c = LoadExample(dir);
        Assert.Equal(Path.Combine(dir, "data", "vigil.duckdb"), c.Store);
        Assert.Equal(2, c.Keys.Count);
        Assert.True(c.Keys[0].Allows(Scope.Ingest));
        Assert.False(c.Keys[0].Allows(Scope.Read));
        Assert.True(c.Keys[1].Allows(Scope.Read));
        var fraud = c.Model("fraud")!;
        Assert.Equal(ModelTask.Binary, fraud.Task);
        Assert.Equal(Path.Combine(dir, "train.csv"), fraud.Reference);
        Assert.Equal([new FeatureSpec("amount", FeatureType.Number), new FeatureSpec("country", FeatureType.Category)], fraud.Features);
        var auc = fraud.Monitors[0];
        Assert.Equal(("auc", "roc_auc", 0.75, "P1"), (auc.Name, auc.Metric.Name, auc.Min!.Value, auc.Severity));
        Assert.Equal(MetricRef.Performance("roc_auc"), auc.Metric);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(10), TimeSpan.FromHours(1)), (auc.Window, auc.Every, auc.For, auc.Cooldown));
        var drift = fraud.Monitors[1];
        Assert.Equal(("psi", TimeSpan.FromDays(7), 3.0, "P3"), (drift.Method, drift.Rolling!.Value, drift.Sigma, drift.Severity));
        Assert.Equal((MetricKind.Drift, "amount", "drift(amount)"), (drift.Metric.Kind, drift.Metric.Feature, drift.Metric.Name));
        Assert.Equal(ModelTask.Regression, c.Model("prices")!.Task);
        Assert.Equal(["P1"], c.Notifiers[0].Severities);
        Assert.Equal(["P1", "P2"], c.Notifiers[1].Severities);
        Assert.Equal("abc", c.Notifiers[0].RoutingKey);
    }

    [Fact]
    public void Slo_BecomesP1Monitors()
    {
        var c = ServiceConfigLoader.Parse("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    slo:\n      roc_auc: {min: 0.8, window: 1d}\n      latency_p99_ms: {max: 250, for: 5m}\n");
        var slos = c.Models[0].Monitors;
        Assert.Equal(["slo-roc_auc", "slo-latency_p99_ms"], slos.Select(m => m.Name));
        Assert.All(slos, m => Assert.True(m.Slo && m.Severity == "P1"));
        Assert.Equal((0.8, TimeSpan.FromDays(1)), (slos[0].Min!.Value, slos[0].Window));
        Assert.Equal((250.0, TimeSpan.FromMinutes(5)), (slos[1].Max!.Value, slos[1].For));
        Assert.Contains("needs min or max", Error("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    slo:\n      f1: {window: 1h}\n"));
        Assert.Contains("unknown key 'target'", Error("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    slo:\n      f1: {target: 1}\n"));
    }

    [Fact]
    public void EnvironmentVariables_Expand_AndAnUnsetOneIsNamed()
    {
        Environment.SetEnvironmentVariable("VIGIL_TEST_CONFIG_KEY", "from-the-env-123");
        var c = ServiceConfigLoader.Parse("keys:\n  - key: ${VIGIL_TEST_CONFIG_KEY}\n    scopes: [admin]\nmodels:\n  m:\n    task: binary\n");
        Assert.Equal("from-the-env-123", c.Keys[0].Key);
        Assert.True(c.Keys[0].Allows(Scope.Ingest));
        var e = Error("keys:\n  - key: ${VIGIL_TEST_UNSET_VARIABLE}\n    scopes: [admin]\nmodels:\n  m:\n    task: binary\n");
        Assert.Equal("vigil.yaml: line 2: key: environment variable VIGIL_TEST_UNSET_VARIABLE is not set", e);
    }

    [Theory]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    colour: red\n", "line 7: unknown key 'colour' in model 'm'; expected one of task, schema, reference, monitors")]
    [InlineData("stor: x\n", "line 1: unknown key 'stor' in the top level; expected one of store, keys, models, notifiers")]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: ranking\n", "line 6: task: 'ranking' is not a task; expected binary, multiclass or regression")]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [write]\nmodels:\n  m:\n    task: binary\n", "line 3: unknown scope 'write'; expected ingest, read or admin")]
    [InlineData("keys:\n  - key: short\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n", "line 2: a key needs 'key:' of at least 8 characters")]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [read]\n", "no models")]
    [InlineData("models:\n  m:\n    task: binary\n", "no API keys")]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    schema:\n      features:\n        x: text\n", "line 9: feature 'x': 'text' is not a type; expected number or category")]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    monitors:\n      - name: a\n        metric: f1\n        window: soon\n        threshold: {min: 1}\n", "line 10: window: 'soon' is not a duration; expected e.g. 30s, 5m, 1h or 7d")]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\n    monitors:\n      - name: a\n        metric: f1\n", "line 8: monitor 'a' needs a threshold: min, max or rolling")]
    [InlineData("keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: binary\nnotifiers:\n  - name: n\n    type: email\n    url: http://x\n", "line 9: type: 'email' is not a notifier; expected webhook, slack or pagerduty")]
    [InlineData("keys: [\n", "not valid YAML")]
    public void Mistakes_AreOneLineNamingTheLine(string yaml, string expected)
    {
        var e = Error(yaml);
        Assert.Contains(expected, e);
        Assert.StartsWith("vigil.yaml: ", e);
        Assert.DoesNotContain("\n", e);
    }

    [Fact]
    public void Durations()
    {
        Assert.Equal(TimeSpan.FromSeconds(30), ServiceConfigLoader.ParseDuration("30s", "x"));
        Assert.Equal(TimeSpan.FromMilliseconds(250), ServiceConfigLoader.ParseDuration("250ms", "x"));
        Assert.Equal(TimeSpan.FromMinutes(1.5), ServiceConfigLoader.ParseDuration("1.5m", "x"));
        Assert.Equal(TimeSpan.FromDays(7), ServiceConfigLoader.ParseDuration("7d", "x"));
        Assert.Equal(TimeSpan.FromSeconds(45), ServiceConfigLoader.ParseDuration("45", "x"));
        Assert.Throws<VigilInputException>(() => ServiceConfigLoader.ParseDuration("-1s", "x"));
    }
}
