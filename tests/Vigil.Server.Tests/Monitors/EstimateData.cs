using System.Globalization;
using System.Text;
using Vigil.Analysis.Columns;
using Vigil.Analysis.Estimation;
using Vigil.Analysis.Results;
using Vigil.Analysis.Slicing;
using Vigil.Engine.Sources;
using Vigil.Server.Store;

namespace Vigil.Server.Tests.Monitors;

/// <summary>Generated data for the estimated_performance monitor: a calibrated reference (label ~ Bernoulli(score),
/// scores on a 0.0001 grid so they tie), over ten hours of timestamps; and predictions without labels, optionally with
/// their scores squeezed towards 0.5 (where the model can tell little apart, so the estimated AUC falls).</summary>
internal static class EstimateData
{
    /// <summary>The reference; with <paramref name="power"/> above 1 the labels are Bernoulli(score^power), so the
    /// scores are miscalibrated and CBPE calibrates them.</summary>
    public static string Reference(string dir, int rows = 5000, int seed = 1, double power = 1)
    {
        var r = new Random(seed);
        var start = new DateTime(2026, 11, 1, 0, 0, 0, DateTimeKind.Utc);
        var sb = new StringBuilder("timestamp,prediction_score,actual_label\n");
        for (var i = 0; i < rows; i++)
        {
            var s = Math.Round(r.NextDouble(), 4);
            sb.Append(CultureInfo.InvariantCulture, $"{start.AddSeconds(i * 36000.0 / rows):yyyy-MM-dd HH:mm:ss},{s:0.####},{(r.NextDouble() < Math.Pow(s, power) ? 1 : 0)}\n");
        }
        var path = Path.Combine(dir, $"reference-{seed}.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary>Predictions in the half hour before <paramref name="now"/>, ids p{from}.., with the labels they would
    /// get (not stored).</summary>
    public static List<(PredictionRecord Record, int Label)> Predictions(DateTime now, int from, int n, bool shifted, int seed)
    {
        var r = new Random(seed);
        var list = new List<(PredictionRecord, int)>(n);
        for (var i = 0; i < n; i++)
        {
            var u = Math.Round(r.NextDouble(), 4);
            var s = shifted ? Math.Round(0.4 + 0.2 * u, 4) : u;
            var label = r.NextDouble() < s ? 1 : 0;
            list.Add((new PredictionRecord($"p{from + i}", now.AddMinutes(-30).AddSeconds(i * 1700.0 / n), null, s, null, null, null, null, [], []), label));
        }
        return list;
    }

    /// <summary>The predictions as a CSV of the reference's columns, without labels (the analysis set of vigil estimate).</summary>
    public static string AnalysisCsv(string dir, IEnumerable<(PredictionRecord Record, int Label)> rows)
    {
        var sb = new StringBuilder("timestamp,prediction_score\n");
        foreach (var (p, _) in rows) sb.Append(CultureInfo.InvariantCulture, $"{p.Timestamp:yyyy-MM-dd HH:mm:ss.ffffff},{p.Score!.Value:R}\n");
        var path = Path.Combine(dir, $"analysis-{Guid.NewGuid():N}.csv");
        File.WriteAllText(path, sb.ToString());
        return path;
    }

    /// <summary><c>vigil estimate</c>'s estimate of every metric on the analysis set as one chunk.</summary>
    public static EstimatedChunk EstimateAsOneChunk(string reference, string analysis)
    {
        using var refSource = SourceOpener.Open(new SourceSpec { Inputs = [reference] });
        using var anaSource = SourceOpener.Open(new SourceSpec { Inputs = [analysis] });
        var result = EstimationAnalysis.Run(refSource, anaSource, new EstimationOptions
        {
            Mapping = new MappingOptions { Task = ModelTask.Binary },
            Chunk = new RowChunk(10_000_000),
        });
        return Assert.Single(result.Chunks);
    }

    public static string Labels(IEnumerable<(PredictionRecord Record, int Label)> rows) =>
        "[" + string.Join(",", rows.Select(x => $"{{\"id\": \"{x.Record.Id}\", \"label\": {x.Label}}}")) + "]";

    public static string Batch(IEnumerable<(PredictionRecord Record, int Label)> rows) =>
        "[" + string.Join(",", rows.Select(x => string.Create(CultureInfo.InvariantCulture,
            $"{{\"id\": \"{x.Record.Id}\", \"timestamp\": \"{x.Record.Timestamp:yyyy-MM-ddTHH:mm:ss.ffffffZ}\", \"score\": {x.Record.Score!.Value:R}}}"))) + "]";
}
