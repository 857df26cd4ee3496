using System.Text.Json;
using Vigil.Statistics.Classification;

namespace Vigil.Statistics.Tests.Classification;

internal static class ScoreTables
{
    public static ScoreCount[] Read(JsonElement table)
    {
        var rows = new ScoreCount[table.GetArrayLength()];
        int i = 0;
        foreach (JsonElement r in table.EnumerateArray())
        {
            rows[i++] = new ScoreCount(r[0].GetDouble(), r[1].GetInt64(), r[2].GetInt64());
        }
        return rows;
    }

    public static double? Metric(IReadOnlyList<MetricValue> metrics, string name)
    {
        foreach (MetricValue m in metrics)
        {
            if (m.Name == name)
            {
                return m.Value;
            }
        }
        throw new InvalidOperationException($"No metric '{name}'.");
    }

    public static MetricValue Get(IReadOnlyList<MetricValue> metrics, string name)
    {
        foreach (MetricValue m in metrics)
        {
            if (m.Name == name)
            {
                return m;
            }
        }
        throw new InvalidOperationException($"No metric '{name}'.");
    }
}
