using System.Text.Json;
using Vigil.Statistics.Classification;

namespace Vigil.Analysis.Tests;

internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    public static JsonElement Json(string name) => JsonDocument.Parse(File.ReadAllText(Path(name))).RootElement;

    /// <summary>Relative tolerance 1e-9 (absolute 1e-12 near zero), the project's bar for exact quantities.</summary>
    public static void Close(double expected, double? actual, string what)
    {
        Assert.True(actual.HasValue, $"{what}: expected {expected:R}, got null");
        var tol = Math.Max(1e-9 * Math.Abs(expected), 1e-12);
        Assert.True(Math.Abs(expected - actual!.Value) <= tol, $"{what}: expected {expected:R}, got {actual.Value:R}");
    }

    public static double? Metric(IReadOnlyList<MetricValue> metrics, string name) =>
        metrics.Single(m => m.Name == name).Value;

    public static void AllMetricsClose(JsonElement expected, IReadOnlyList<MetricValue> actual, string what)
    {
        foreach (var p in expected.EnumerateObject())
            Close(p.Value.GetDouble(), Metric(actual, p.Name), $"{what} {p.Name}");
    }
}
