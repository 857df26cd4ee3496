using System.Globalization;
using Microsoft.AspNetCore.Http;
using Vigil.Analysis.Results;
using Vigil.Engine;
using Vigil.Monitoring.Config;

namespace Vigil.Server.Monitors;

/// <summary>
/// Canary analysis: a candidate version against a baseline on the same window, answered as one JSON object whose
/// <c>ok</c> an Argo Rollouts <c>web</c> metric can test (<c>successCondition: result.ok == true</c>). The candidate
/// fails when its error rate is higher by more than <c>max_error_rate_increase</c> (default 0.01), its p99 latency
/// is above <c>max_latency_ratio</c> (default 1.2) times the baseline's, or, once both versions have
/// <c>min_labeled</c> labels (default 100), its quality is worse by more than <c>max_quality_drop</c> (default 0.02
/// of AUC or accuracy, or that share of MAE/RMSE). With fewer than <c>min_predictions</c> (default 100) predictions
/// for either version, the answer is not conclusive and not ok.
/// </summary>
internal static class Canary
{
    public static (int Status, Dictionary<string, object?> Body) Compare(WindowMetrics windows, ModelConfig model, IQueryCollection q, DateTime now)
    {
        string? baseline = q["baseline"], candidate = q["candidate"];
        if (string.IsNullOrEmpty(baseline) || string.IsNullOrEmpty(candidate))
            return (400, new() { ["error"] = "canary needs ?baseline=VERSION&candidate=VERSION (and optionally &window=30m)" });
        TimeSpan window;
        double errorIncrease, latencyRatio, qualityDrop;
        int minPredictions, minLabeled;
        try
        {
            window = ServiceConfigLoader.ParseDuration(q["window"].FirstOrDefault() ?? "30m", "window");
            errorIncrease = Number(q, "max_error_rate_increase", 0.01);
            latencyRatio = Number(q, "max_latency_ratio", 1.2);
            qualityDrop = Number(q, "max_quality_drop", 0.02);
            minPredictions = (int)Number(q, "min_predictions", 100);
            minLabeled = (int)Number(q, "min_labeled", 100);
        }
        catch (VigilInputException e)
        {
            return (400, new() { ["error"] = e.Message });
        }
        var from = now - window;
        var b = windows.Version(model, baseline, from, now, minLabeled);
        var c = windows.Version(model, candidate, from, now, minLabeled);
        var reasons = new List<string>();
        var conclusive = b["predictions"] >= minPredictions && c["predictions"] >= minPredictions;
        if (!conclusive) reasons.Add($"not enough predictions in the last {q["window"].FirstOrDefault() ?? "30m"} (at least {minPredictions} per version): baseline {b["predictions"]}, candidate {c["predictions"]}");
        else
        {
            if (c["error_rate"] > b["error_rate"] + errorIncrease)
                reasons.Add($"error rate {F(c["error_rate"])} against {F(b["error_rate"])} (more than {F(errorIncrease)} higher)");
            if (c["latency_p99_ms"] is { } cl && b["latency_p99_ms"] is { } bl && cl > bl * latencyRatio)
                reasons.Add($"p99 latency {F(cl)} ms against {F(bl)} ms (more than {F(latencyRatio)}×)");
            var (metric, higherIsBetter) = model.Task switch
            {
                ModelTask.Binary => ("roc_auc", true),
                ModelTask.Regression => ("rmse", false),
                _ => ("accuracy", true),
            };
            if (c[metric] is { } cq && b[metric] is { } bq)
            {
                var worse = higherIsBetter ? cq < bq - qualityDrop : cq > bq * (1 + qualityDrop);
                if (worse) reasons.Add($"{metric} {F(cq)} against {F(bq)}");
            }
        }
        var ok = conclusive && reasons.Count == 0;
        return (200, new()
        {
            ["ok"] = ok,
            ["conclusive"] = conclusive,
            ["reasons"] = reasons,
            ["window"] = q["window"].FirstOrDefault() ?? "30m",
            ["baseline"] = new Dictionary<string, object?> { ["version"] = baseline, ["metrics"] = b },
            ["candidate"] = new Dictionary<string, object?> { ["version"] = candidate, ["metrics"] = c },
        });
    }

    private static double Number(IQueryCollection q, string name, double fallback)
    {
        var s = q[name].FirstOrDefault();
        if (s is null) return fallback;
        return double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) && v >= 0
            ? v : throw new VigilInputException($"{name}: '{s}' is not a non-negative number");
    }

    private static string F(double? x) => x?.ToString("G4", CultureInfo.InvariantCulture) ?? "none";
}
