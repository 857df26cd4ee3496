using System.Text;
using System.Text.Json;
using Vigil.Engine;
using Vigil.Monitoring.Config;
using Vigil.Server.Ingest;
using Vigil.Server.Tests.Monitors;

namespace Vigil.Server.Tests.Config;

/// <summary>A multiclass model's <c>classes:</c>, its predictions' <c>probabilities</c>, and the estimated_performance
/// monitors of multiclass and regression models: every mistake is one line naming the file and line (config) or the
/// record (ingest).</summary>
public sealed class TaskEstimateConfigTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("vigil-taskcfg-").FullName;

    public void Dispose() => Directory.Delete(_dir, true);

    private static string Model(string task, string extra, string monitor) =>
        "keys:\n  - key: abcdefgh\n    scopes: [read]\nmodels:\n  m:\n    task: " + task + "\n" + extra +
        "    monitors:\n      - name: est\n        type: estimated_performance\n" + monitor;

    private static string Error(string yaml) => Assert.Throws<VigilInputException>(() => ServiceConfigLoader.Parse(yaml, "vigil.yaml")).Message;

    [Fact]
    public void MulticlassAndRegressionMonitors_ReadAsDocumented()
    {
        var mc = TaskEstimateData.MulticlassReference(_dir, rows: 300);
        var c = ServiceConfigLoader.Parse(Model("multiclass", "    classes: [a, b, c]\n", $"        metric: f1\n        reference: {mc}\n"));
        Assert.Equal(["a", "b", "c"], c.Models[0].Classes);
        Assert.Equal(("f1", MonitorType.EstimatedPerformance), (c.Models[0].Monitors[0].Metric, c.Models[0].Monitors[0].Type));
        // A reference need not hold every declared class.
        ServiceConfigLoader.Parse(Model("multiclass", "    classes: [a, b, c, d]\n", $"        metric: accuracy\n        reference: {mc}\n"));

        var reg = TaskEstimateData.RegressionReference(_dir, rows: 300);
        var r = ServiceConfigLoader.Parse(Model("regression", "    schema:\n      features: {x: number, g: category}\n", $"        metric: rmse\n        reference: {reg}\n"));
        Assert.Equal("rmse", r.Models[0].Monitors[0].Metric);
        Assert.Equal("proba_very_good", ModelConfig.ProbabilityColumn("very good"));
    }

    [Fact]
    public void Mistakes_AreOneLineNamingTheFileAndLine()
    {
        var mc = TaskEstimateData.MulticlassReference(_dir, rows: 300);
        var reg = TaskEstimateData.RegressionReference(_dir, rows: 300);
        var negative = Path.Combine(_dir, "negative.csv");
        File.WriteAllText(negative, "x,prediction,actual_label\n1,-2.5,1\n2,3.5,4\n3,1.5,2\n");
        const string features = "    schema:\n      features: {x: number, g: category}\n";
        (string Yaml, string Expected)[] cases =
        [
            (Model("regression", features, $"        metric: roc_auc\n        reference: {reg}\n"),
                "vigil.yaml: line 12: monitor 'est': 'roc_auc' is not a metric DLE estimates (model 'm' is regression); expected one of mae, mse, rmse, mape, msle, rmsle"),
            (Model("regression", features, $"        metric: r2\n        reference: {reg}\n"),
                "vigil.yaml: line 12: monitor 'est': 'r2' is not a metric DLE estimates"),
            (Model("multiclass", "    classes: [a, b, c]\n", $"        metric: average_precision\n        reference: {mc}\n"),
                "vigil.yaml: line 11: monitor 'est': 'average_precision' is not a metric multiclass CBPE estimates (model 'm' is multiclass); expected one of roc_auc, f1, precision, recall, specificity, accuracy"),
            (Model("multiclass", "", $"        metric: f1\n        reference: {mc}\n"),
                "vigil.yaml: line 8: monitor 'est': model 'm' needs 'classes:' (the list of its classes) for multiclass CBPE"),
            (Model("multiclass", "    classes: [a, b]\n", $"        metric: f1\n        reference: {mc}\n"),
                $"vigil.yaml: line 12: monitor 'est': {mc}: the reference holds the class 'c', which is not one of model 'm''s classes (a, b)"),
            (Model("multiclass", "    classes: [a, b, c]\n", $"        metric: f1\n        reference: {reg}\n"),
                $"vigil.yaml: line 12: monitor 'est': {reg}: "),
            (Model("binary", "    classes: [a, b]\n", "        metric: f1\n        reference: x.csv\n"),
                "vigil.yaml: line 7: model 'm': 'classes:' is for multiclass models; 'm' is binary"),
            (Model("multiclass", "    classes: [a, b, a]\n", "        metric: f1\n        reference: x.csv\n"),
                "vigil.yaml: line 7: model 'm': classes: 'a' is listed twice"),
            (Model("multiclass", "    classes: [a b, a-b]\n", "        metric: f1\n        reference: x.csv\n"),
                "vigil.yaml: line 7: model 'm': classes: 'a-b' and 'a b' would share the store's column proba_a_b"),
            (Model("multiclass", "    classes: [a]\n", "        metric: f1\n        reference: x.csv\n"),
                "vigil.yaml: line 7: model 'm': classes: needs at least two classes"),
            (Model("regression", "    schema:\n      features: {x: number, size: number}\n", $"        metric: mae\n        reference: {reg}\n"),
                $"vigil.yaml: line 13: monitor 'est': {reg}: feature column 'size' given by --features not found"),
            (Model("regression", "    schema:\n      features: {x: number}\n", $"        metric: msle\n        reference: {negative}\n"),
                $"vigil.yaml: line 13: monitor 'est': {negative}: msle needs labels and predictions ≥ 0 (the squared log error), and the reference has a prediction of -2.5"),
        ];
        foreach (var (yaml, expected) in cases)
        {
            var e = Error(yaml);
            Assert.StartsWith(expected, e, StringComparison.Ordinal);
            Assert.DoesNotContain("\n", e, StringComparison.Ordinal);
        }
    }

    private static ModelConfig Animals(params string[] classes) => new()
    {
        Name = "animals", Task = Vigil.Analysis.Results.ModelTask.Multiclass, Features = [], Classes = classes,
    };

    private static List<BadRecord> Bad(ModelConfig model, string body)
    {
        using var parsed = BatchReader.Elements(Encoding.UTF8.GetBytes(body), out var error);
        Assert.Null(error);
        return BatchReader.Predictions(model, parsed.Items, DateTime.UtcNow).Bad;
    }

    [Fact]
    public void Probabilities_AreChecked_OneReasonPerRecord()
    {
        var model = Animals("a", "b", "c");
        using (var parsed = BatchReader.Elements(Encoding.UTF8.GetBytes("""[{"id": 1, "prediction": "b", "probabilities": {"c": 0.2, "a": 0.1, "b": 0.7}}]"""), out _))
        {
            var (records, bad) = BatchReader.Predictions(model, parsed.Items, DateTime.UtcNow);
            Assert.Empty(bad);
            Assert.Equal([0.1, 0.7, 0.2], records[0].Probabilities!); // in the order of the classes
        }
        (string Body, string Reason)[] cases =
        [
            ("""{"id": 1, "prediction": "a", "probabilities": {"a": 0.5, "b": 0.5, "dog": 0}}""", "probabilities: unknown class 'dog'; the classes of 'animals' are a, b, c"),
            ("""{"id": 1, "prediction": "a", "probabilities": {"a": 0.5, "b": 0.3, "c": 0.3}}""", "probabilities sum to 1.1, not 1 (± 0.001)"),
            ("""{"id": 1, "prediction": "a", "probabilities": {"a": 1.5, "b": -0.25, "c": -0.25}}""", "probabilities: 'a' is 1.5, not in [0, 1]"),
            ("""{"id": 1, "prediction": "a", "probabilities": {"a": 0.5, "b": 0.5}}""", "probabilities: no probability for class 'c'; expected one for each of a, b, c"),
            ("""{"id": 1, "prediction": "a", "probabilities": {"a": "high", "b": 0.5, "c": 0}}""", "probabilities: 'a' must be a finite number"),
            ("""{"id": 1, "prediction": "a", "probabilities": [0.5, 0.5, 0]}""", "probabilities must be an object of class: probability"),
            ("""{"id": 1, "prediction": "dog"}""", "prediction 'dog' is not one of the classes of 'animals' (a, b, c)"),
            ("""{"id": 1, "prediction": "a", "label": "dog"}""", "label 'dog' is not one of the classes of 'animals' (a, b, c)"),
        ];
        foreach (var (body, reason) in cases)
            Assert.Equal(reason, Assert.Single(Bad(model, "[" + body + "]")).Reason);
        Assert.Equal("'probabilities' needs the model's classes; 'animals' declares none (add 'classes:' to its config)",
            Assert.Single(Bad(Animals(), """[{"id": 1, "prediction": "a", "probabilities": {"a": 1}}]""")).Reason);
        var binary = Animals() with { Task = Vigil.Analysis.Results.ModelTask.Binary };
        Assert.Equal("'probabilities' is for multiclass models; 'animals' is binary",
            Assert.Single(Bad(binary, """[{"id": 1, "score": 0.5, "probabilities": {"a": 1}}]""")).Reason);
    }
}
