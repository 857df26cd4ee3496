using System.Globalization;
using System.Text;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine.Sources;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Monitors;

/// <summary>Generated data for the estimated_performance monitors of multiclass models (three classes, probabilities
/// on a 0.001 grid that sum to 1, the label drawn from them, the prediction their argmax) and of regression models (a
/// number and a category feature, a prediction 2·x and a label whose noise grows with x and depends on the category).</summary>
internal static class TaskEstimateData
{
    public static readonly string[] Classes = ["a", "b", "c"];

    private static double[] Probabilities(Random r, double sharpness)
    {
        var w = new double[3];
        for (var k = 0; k < 3; k++) w[k] = Math.Pow(r.NextDouble(), sharpness);
        var sum = w.Sum();
        var p0 = Math.Round(w[0] / sum, 3);
        var p1 = Math.Round(w[1] / sum, 3);
        return [p0, p1, Math.Round(1 - p0 - p1, 3)];
    }

    private static int Draw(Random r, double[] p)
    {
        var u = r.NextDouble();
        return u < p[0] ? 0 : u < p[0] + p[1] ? 1 : 2;
    }

    private static int ArgMax(double[] p) => p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;

    /// <summary>A labelled multiclass reference over ten hours.</summary>
    public static string MulticlassReference(string dir, int rows = 4000, int seed = 1)
    {
        var r = new Random(seed);
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var sb = new StringBuilder("timestamp,prediction,actual_label,proba_a,proba_b,proba_c\n");
        for (var i = 0; i < rows; i++)
        {
            var p = Probabilities(r, 3);
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddSeconds(i * 36000.0 / rows):yyyy-MM-dd HH:mm:ss},{Classes[ArgMax(p)]},{Classes[Draw(r, p)]},{p[0]:R},{p[1]:R},{p[2]:R}\n");
        }
        var path = Path.Combine(dir, $"mc-reference-{seed}.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>Multiclass predictions in the half hour before <paramref name="now"/>, with the labels they would get.
    /// <paramref name="sharpness"/> below the reference's 3 makes the model less sure (the estimates fall).</summary>
    public static List<(PredictionRecord Record, string Label)> MulticlassPredictions(DateTime now, int from, int n, int seed, double sharpness = 3)
    {
        var r = new Random(seed);
        var list = new List<(PredictionRecord, string)>(n);
        for (var i = 0; i < n; i++)
        {
            var p = Probabilities(r, sharpness);
            var record = new PredictionRecord($"m{from + i}", now.AddMinutes(-30).AddSeconds(i * 1700.0 / n), null, null, Classes[ArgMax(p)], null, null, null, [], [])
            {
                Probabilities = p,
            };
            list.Add((record, Classes[Draw(r, p)]));
        }
        return list;
    }

    /// <summary>The multiclass predictions as vigil estimate's analysis set (with their labels when <paramref name="labels"/>).</summary>
    public static string MulticlassCsv(string dir, IEnumerable<(PredictionRecord Record, string Label)> rows, bool labels = false)
    {
        var sb = new StringBuilder("timestamp,prediction,proba_a,proba_b,proba_c" + (labels ? ",actual_label\n" : "\n"));
        foreach (var (p, y) in rows)
        {
            var pr = p.Probabilities!;
            sb.Append(CultureInfo.InvariantCulture, $"{p.Timestamp:yyyy-MM-dd HH:mm:ss.ffffff},{p.Prediction},{pr[0]:R},{pr[1]:R},{pr[2]:R}");
            sb.Append(labels ? $",{y}\n" : "\n");
        }
        var path = Path.Combine(dir, $"mc-analysis-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    public static string MulticlassBatch(IEnumerable<(PredictionRecord Record, string Label)> rows) =>
        "[" + string.Join(",", rows.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{{\"id\": \"{x.Record.Id}\", \"timestamp\": \"{x.Record.Timestamp:yyyy-MM-ddTHH:mm:ss.ffffffZ}\", \"prediction\": \"{x.Record.Prediction}\", " +
            $"\"probabilities\": {{\"a\": {x.Record.Probabilities![0]:R}, \"b\": {x.Record.Probabilities[1]:R}, \"c\": {x.Record.Probabilities[2]:R}}}}}"))) + "]";

    private static (double X, string G, double Prediction, double Label) RegressionRow(Random r)
    {
        var x = Math.Round(r.NextDouble() * 10, 3);
        var g = r.NextDouble() < 0.5 ? "red" : "blue";
        var prediction = Math.Round(2 * x + 1, 3);
        var noise = (g == "red" ? 0.3 : 1.5) * (1 + x / 5) * (r.NextDouble() * 2 - 1) * Math.Sqrt(3);
        return (x, g, prediction, Math.Round(prediction + noise, 3));
    }

    /// <summary>A labelled regression reference over ten hours: features x (number) and g (category).</summary>
    public static string RegressionReference(string dir, int rows = 3000, int seed = 1)
    {
        var r = new Random(seed);
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var sb = new StringBuilder("timestamp,x,g,prediction,actual_label\n");
        for (var i = 0; i < rows; i++)
        {
            var (x, g, p, y) = RegressionRow(r);
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddSeconds(i * 36000.0 / rows):yyyy-MM-dd HH:mm:ss},{x:R},{g},{p:R},{y:R}\n");
        }
        var path = Path.Combine(dir, $"reg-reference-{seed}.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>Regression predictions in the half hour before <paramref name="now"/> (features in the schema's order x, g),
    /// with the labels they would get.</summary>
    public static List<(PredictionRecord Record, double Label)> RegressionPredictions(DateTime now, int from, int n, int seed)
    {
        var r = new Random(seed);
        var list = new List<(PredictionRecord, double)>(n);
        for (var i = 0; i < n; i++)
        {
            var (x, g, p, y) = RegressionRow(r);
            list.Add((new PredictionRecord($"r{from + i}", now.AddMinutes(-30).AddSeconds(i * 1700.0 / n), null, null, p, null, null, null, [x, double.NaN], [null, g]), y));
        }
        return list;
    }

    public static string RegressionCsv(string dir, IEnumerable<(PredictionRecord Record, double Label)> rows, bool labels = false)
    {
        var sb = new StringBuilder("timestamp,x,g,prediction" + (labels ? ",actual_label\n" : "\n"));
        foreach (var (p, y) in rows)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{p.Timestamp:yyyy-MM-dd HH:mm:ss.ffffff},{p.Numbers[0]:R},{p.Texts[1]},{(double)p.Prediction!:R}");
            sb.Append(labels ? string.Create(CultureInfo.InvariantCulture, $",{y:R}\n") : "\n");
        }
        var path = Path.Combine(dir, $"reg-analysis-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary><c>vigil estimate</c> (the analysis API) on the analysis set as one chunk: multiclass CBPE's every metric,
    /// or DLE's <paramref name="metrics"/> learned from the features x and g.</summary>
    public static EstimatedChunk EstimateAsOneChunk(string reference, string analysis, ModelTask task, IReadOnlyList<string>? metrics = null)
    {
        using var refSource = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var anaSource = SourceOpener.Open(new SourceSpec { Inputs = [analysis] });
        var options = new EstimationOptions
        {
            Mapping = task == ModelTask.Regression ? new MappingOptions { Task = task, Features = ["x", "g"] } : new MappingOptions { Task = task },
            Chunk = new RowChunk(10_000_000),
        };
        if (metrics is not null) options = options with { Metrics = metrics };
        return Assert.Single(EstimationAnalysis.Run(refSource, anaSource, options).Chunks);
    }
}
