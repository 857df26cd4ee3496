using Vigil.Engine;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Tests.Config;

/// <summary>Every value a monitor could never compute with is refused when vigil.yaml loads, as one line naming the file,
/// the line and the key, and what was expected: a metric that is not one (or not the model's task's), a drift on a
/// feature outside the schema, a drift method that does not exist or does not fit the feature, a reference that is not
/// there or lacks the feature, durations of zero, thresholds that contradict themselves, notifiers that cannot send.
/// Without these checks the server started, stayed healthy, and the monitor never yielded a value.</summary>
public sealed class LoadTimeCheckTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-cfgcheck-").FullName;

    public LoadTimeCheckTests()
    {
        File.WriteAllText(Path.Combine(_dir, "train.csv"), "amount,country,code\n12.5,DE,a1\n30.25,FR,b2\n7.75,DE,c3\n");
    }

    public void Dispose() => Directory.Delete(_dir, true);

    /// <summary>A binary model with features amount (number), country and code (categories) and train.csv as its
    /// reference; the monitor's keys start on line 12.</summary>
    private static string Yaml(string monitor, string task = "binary", string reference = "    reference: train.csv\n") =>
        "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: " + task + "\n" + (reference.Length == 0 ? "    importance: {}\n" : reference) +
        "    schema:\n      features: {amount: number, country: category, code: number}\n    monitors:\n      - name: m\n" + monitor;

    private string Error(string yaml)
    {
        var e = Assert.Throws<VigilInputException>(() => ServiceConfigLoader.Parse(yaml, "vigil.yaml", _dir)).Message;
        Assert.DoesNotContain("\n", e, StringComparison.Ordinal);
        return e;
    }

    private ServiceConfig Good(string yaml) => ServiceConfigLoader.Parse(yaml, "vigil.yaml", _dir);

    [Fact]
    public void Metric_NotAMetric_NamesTheTasksMetrics()
    {
        Assert.Equal("vigil.yaml: line 12: metric: 'roc-auc' is not a metric; expected one of roc_auc, average_precision, log_loss, brier, accuracy, precision, " +
                     "recall, f1, mcc, balanced_accuracy, specificity, ece, ks_statistic, gini (a binary model's), volume, mean_score, error_rate, latency_p50_ms, " +
                     "latency_p99_ms, label_rate, drift(feature) or null_rate(feature)",
            Error(Yaml("        metric: roc-auc\n        threshold: {min: 0.8}\n")));
        Assert.StartsWith("vigil.yaml: line 12: metric: 'rmse' is a metric of regression models; the model is binary, whose metrics are roc_auc, ",
            Error(Yaml("        metric: rmse\n        threshold: {max: 3}\n")));
        Assert.StartsWith("vigil.yaml: line 12: metric: 'f1_macro' is a metric of multiclass models; the model is regression",
            Error(Yaml("        metric: f1_macro\n        threshold: {min: 0.5}\n", task: "regression")));
        Assert.StartsWith("vigil.yaml: line 12: metric: 'mean_score' is the average score of a binary classifier; the model is regression (use mean_prediction)",
            Error(Yaml("        metric: mean_score\n        threshold: {min: 0.5}\n", task: "regression")));
        Assert.StartsWith("vigil.yaml: line 12: metric: 'mean_prediction' is the average prediction of a regression model; the model is binary (use mean_score)",
            Error(Yaml("        metric: mean_prediction\n        threshold: {min: 0.5}\n")));
        Assert.StartsWith("vigil.yaml: line 12: metric: 'fairness(country)' is the metric of 'type: fairness' monitors",
            Error(Yaml("        metric: fairness(country)\n        threshold: {min: 0.5}\n")));
        // Each task's own metrics load, and are typed.
        Assert.Equal(MetricRef.Performance("f1_macro"), Good(Yaml("        metric: f1_macro\n        threshold: {min: 0.5}\n", task: "multiclass")).Models[0].Monitors[0].Metric);
        Assert.Equal(MetricRef.MeanPrediction, Good(Yaml("        metric: mean_prediction\n        threshold: {min: 0.5}\n", task: "regression")).Models[0].Monitors[0].Metric);
        Assert.Equal(MetricRef.NullRate("country"), Good(Yaml("        metric: null_rate(country)\n        threshold: {max: 0.1}\n")).Models[0].Monitors[0].Metric);
    }

    [Fact]
    public void Metric_OnAFeatureOutsideTheSchema()
    {
        Assert.Equal("vigil.yaml: line 12: metric: 'drift(zip)': 'zip' is not a feature in the model's schema (it has amount, country, code)",
            Error(Yaml("        metric: drift(zip)\n")));
        Assert.Equal("vigil.yaml: line 12: metric: 'null_rate(zip)': 'zip' is not a feature in the model's schema (it has amount, country, code)",
            Error(Yaml("        metric: null_rate(zip)\n        threshold: {max: 0.1}\n")));
    }

    [Fact]
    public void Method_UnknownOrWrongForTheFeature()
    {
        Assert.Equal("vigil.yaml: line 13: method: 'psx' is not a drift method; expected one of " + string.Join(", ", Vigil.Statistics.Drift.DriftMethods.Names),
            Error(Yaml("        metric: drift(amount)\n        method: psx\n")));
        Assert.StartsWith("vigil.yaml: line 13: method: chisquare compares categorical columns only; 'amount' is a number feature",
            Error(Yaml("        metric: drift(amount)\n        method: chisquare\n")));
        Assert.StartsWith("vigil.yaml: line 13: method: ks compares numerical columns only; 'country' is a category feature",
            Error(Yaml("        metric: drift(country)\n        method: ks\n")));
        Assert.Equal("vigil.yaml: line 13: monitor 'm': 'method' is a key of drift monitors (metric: drift(feature)); roc_auc has none",
            Error(Yaml("        metric: roc_auc\n        method: psi\n        threshold: {min: 0.8}\n")));
        Assert.Equal("psi", Good(Yaml("        metric: drift(country)\n        method: psi\n")).Models[0].Monitors[0].Method);
    }

    [Fact]
    public void Reference_MissingUnreadableOrWithoutTheFeature()
    {
        Assert.Equal($"vigil.yaml: line 7: reference: no such file '{Path.Combine(_dir, "nowhere.csv")}' ('nowhere.csv' is relative to the config file's folder)",
            Error(Yaml("        metric: drift(amount)\n", reference: "    reference: nowhere.csv\n")));
        File.WriteAllText(Path.Combine(_dir, "broken.vigil-profile"), "not gzip");
        Assert.StartsWith($"vigil.yaml: line 7: reference: {Path.Combine(_dir, "broken.vigil-profile")}: not a Vigil profile",
            Error(Yaml("        metric: drift(amount)\n", reference: "    reference: broken.vigil-profile\n")));
        File.WriteAllText(Path.Combine(_dir, "other.csv"), "amount,region\n1.5,north\n");
        Assert.Equal($"vigil.yaml: line 12: monitor 'm': the reference {Path.Combine(_dir, "other.csv")} has no column 'country' (it has amount, region)",
            Error(Yaml("        metric: drift(country)\n", reference: "    reference: other.csv\n")));
        Assert.StartsWith("vigil.yaml: line 12: monitor 'm': 'code' is a number feature, but the reference's column 'code' holds text",
            Error(Yaml("        metric: drift(code)\n")));
        Assert.Equal("vigil.yaml: line 12: monitor 'm': drift(amount) compares the window with the model's reference, and model 'fraud' has none; " +
                     "set its 'reference:' (a profile written by vigil profile, or a data file)",
            Error(Yaml("        metric: drift(amount)\n", reference: "")));
        // A reference without drift monitors is still checked.
        Assert.StartsWith("vigil.yaml: line 7: reference: no such file",
            Error(Yaml("        metric: volume\n        threshold: {min: 1}\n", reference: "    reference: nowhere.csv\n")));
    }

    [Fact]
    public void Durations_OfZero()
    {
        Assert.Equal("vigil.yaml: line 13: window: '0s' is not a duration above zero", Error(Yaml("        metric: volume\n        window: 0s\n        threshold: {min: 1}\n")));
        Assert.Equal("vigil.yaml: line 13: every: '0' is not a duration above zero", Error(Yaml("        metric: volume\n        every: 0\n        threshold: {min: 1}\n")));
        Assert.Equal("vigil.yaml: line 13: rolling: '0m' is not a duration above zero", Error(Yaml("        metric: volume\n        threshold: {rolling: 0m}\n")));
    }

    [Fact]
    public void Thresholds_ThatContradictThemselves()
    {
        Assert.Equal("vigil.yaml: line 13: threshold: min 0.9 is above max 0.1", Error(Yaml("        metric: label_rate\n        threshold: {min: 0.9, max: 0.1}\n")));
        Assert.Equal("vigil.yaml: line 13: threshold: sigma is the width of a rolling threshold; add 'rolling:' (e.g. rolling: 7d)",
            Error(Yaml("        metric: volume\n        threshold: {min: 1, sigma: 2}\n")));
        Assert.Equal("vigil.yaml: line 13: sigma: '0' is not above zero", Error(Yaml("        metric: volume\n        threshold: {rolling: 1d, sigma: 0}\n")));
    }

    [Fact]
    public void Slo_OnAMetricThatIsNotOne()
    {
        const string head = "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\n    slo:\n";
        Assert.StartsWith("vigil.yaml: line 8: slo: 'roc-auc' is not a metric; expected one of roc_auc,", Error(head + "      roc-auc: {min: 0.8}\n"));
        Assert.Equal("vigil.yaml: line 8: slo: 'mae' is a metric of regression models; the model is binary, whose metrics are roc_auc, average_precision, log_loss, brier, " +
                     "accuracy, precision, recall, f1, mcc, balanced_accuracy, specificity, ece, ks_statistic, gini", Error(head + "      mae: {max: 3}\n"));
        Assert.Equal("vigil.yaml: line 8: the SLO on roc_auc: min 0.9 is above max 0.5", Error(head + "      roc_auc: {min: 0.9, max: 0.5}\n"));
    }

    [Fact]
    public void Importance_OutsideTheSchemaOrNegative()
    {
        const string head = "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\n    schema:\n      features: {amount: number}\n";
        Assert.Equal("vigil.yaml: line 10: importance: 'zip' is not a feature in the schema of 'fraud' (it has amount)", Error(head + "    importance:\n      zip: 0.3\n"));
        Assert.Equal("vigil.yaml: line 10: importance: amount: '-0.3' is negative", Error(head + "    importance:\n      amount: -0.3\n"));
        Assert.Equal("vigil.yaml: line 9: min_importance: '-1' is negative", Error(head + "    min_importance: -1\n"));
    }

    [Fact]
    public void FairnessMonitor_WithAnotherMetric()
    {
        Assert.Equal("vigil.yaml: line 13: metric: a fairness monitor's metric is fairness(country) (its rate is set by 'rate:'); leave 'metric:' out",
            Error(Yaml("        type: fairness\n        metric: roc_auc\n        attribute: country\n")));
        Assert.Equal(MetricRef.Fairness("country"), Good(Yaml("        type: fairness\n        metric: fairness(country)\n        attribute: country\n")).Models[0].Monitors[0].Metric);
    }

    [Fact]
    public void Store_ClickHouseStateFile_IsReadAgainstTheConfigFolder()
    {
        const string tail = "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\n";
        var folder = Path.GetFullPath(Path.Combine(Path.GetTempPath(), "cfg"));
        var c = ServiceConfigLoader.Parse("store: clickhouse://u:p@h:8123/db?cluster=c&state=data/s.duckdb&shards=h:8123\n" + tail, folder: folder);
        Assert.Equal($"clickhouse://u:p@h:8123/db?cluster=c&state={Path.Combine(folder, "data", "s.duckdb")}&shards=h:8123", c.Store);
        c = ServiceConfigLoader.Parse("store: clickhouse://h/db?state=/abs/s.duckdb\n" + tail, folder: folder);
        Assert.Equal("clickhouse://h/db?state=/abs/s.duckdb", c.Store);
    }

    [Fact]
    public void Store_NeitherAFileNorAPostgresUrl()
    {
        const string tail = "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\n";
        Assert.Equal("vigil.yaml: line 1: store: 'mysql://db/x' is neither a DuckDB file path, a postgres:// URL nor a clickhouse:// URL", Error("store: mysql://db/x\n" + tail));
        Assert.Equal("vigil.yaml: line 1: store: clickhouse://h/db?shards=h:1,x/y: shards=: \"x/y\" is not a host:port", Error("store: clickhouse://h/db?shards=h:1,x/y\n" + tail));
        Assert.StartsWith("vigil.yaml: line 1: store: postgres://:***@/x: not a valid PostgreSQL URL", Error("store: postgres://:secret@/x\n" + tail));
        Assert.Equal("vigil.yaml: line 1: store: expected a path, found an empty value", Error("store: ' '\n" + tail));
    }

    [Fact]
    public void Notifiers_ThatCannotSend()
    {
        const string head = "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  fraud:\n    task: binary\nnotifiers:\n";
        Assert.Equal("vigil.yaml: line 11: severities: 'P4' is not a severity; expected P1, P2 or P3",
            Error(head + "  - name: n\n    type: webhook\n    url: http://x\n    severities: [P1, P4]\n"));
        Assert.Equal("vigil.yaml: line 8: notifier 'pd': a pagerduty notifier needs 'routing_key:' (the integration key of the PagerDuty service)",
            Error(head + "  - name: pd\n    type: pagerduty\n    url: https://events.pagerduty.com/v2/enqueue\n"));
        Assert.Equal("vigil.yaml: line 11: notifier 'n' is listed twice",
            Error(head + "  - name: n\n    type: webhook\n    url: http://x\n  - name: n\n    type: slack\n    url: http://y\n"));
    }
}
