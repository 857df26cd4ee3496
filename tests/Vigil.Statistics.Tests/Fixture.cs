using System.Text.Json;

namespace Vigil.Statistics.Tests;

/// <summary>Loads golden fixtures written by tools/golden/generate_metrics.py and compares numbers.</summary>
internal static class Fixture
{
    private static readonly Dictionary<string, JsonDocument> Cache = new();
    private static readonly Lock Gate = new();

    public static JsonElement Cases(string file)
    {
        lock (Gate)
        {
            if (!Cache.TryGetValue(file, out JsonDocument? doc))
            {
                string path = Path.Combine(AppContext.BaseDirectory, "Fixtures", file);
                doc = JsonDocument.Parse(File.ReadAllText(path));
                Cache[file] = doc;
            }
            return doc.RootElement.GetProperty("cases");
        }
    }

    public static JsonElement Case(string file, string name) => Named(Cases(file), name, file);

    public static TheoryData<string> Names(string file) => NamesOf(Cases(file));

    /// <summary>The case called <paramref name="name"/> in an array of cases (<paramref name="where"/> names the array in the error).</summary>
    public static JsonElement Named(JsonElement cases, string name, string where)
    {
        foreach (JsonElement c in cases.EnumerateArray())
        {
            if (c.GetProperty("name").GetString() == name)
            {
                return c;
            }
        }
        throw new InvalidOperationException($"No case '{name}' in {where}.");
    }

    /// <summary>Every case's name in an array of cases, as theory data.</summary>
    public static TheoryData<string> NamesOf(JsonElement cases)
    {
        var data = new TheoryData<string>();
        foreach (JsonElement c in cases.EnumerateArray())
        {
            data.Add(c.GetProperty("name").GetString()!);
        }
        return data;
    }

    public static double? Number(JsonElement e, string property) =>
        e.TryGetProperty(property, out JsonElement v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : null;

    /// <summary>1e-9 relative, 1e-12 absolute near 0.</summary>
    public static void Close(double expected, double actual, string what, double relative = 1e-9, double absolute = 1e-12)
    {
        double tol = Math.Max(absolute, relative * Math.Abs(expected));
        Assert.True(Math.Abs(expected - actual) <= tol || expected.Equals(actual),
            $"{what}: expected {expected:R}, got {actual:R} (|diff| {Math.Abs(expected - actual):R} > {tol:R})");
    }
}
